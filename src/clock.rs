//! The server's idea of "now". Production reads the system clock; the sandbox
//! (`--fake-clock`) runs on from an instant an admin sets (so a demo city's codes expire
//! and its transactions get their own times), or stands still at it when asked to.

use std::sync::Mutex;

use chrono::{DateTime, Duration, FixedOffset, Timelike, Utc};

use crate::domain::time::jst;

pub enum Clock {
    System,
    Fake(Mutex<SandboxTime>),
}

/// The sandbox's time: the real time moved by an offset, or one instant that stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxTime {
    Running { offset: Duration },
    Frozen(DateTime<FixedOffset>),
}

impl SandboxTime {
    /// Set to `to` at the real instant `real`, running on from it unless `frozen`.
    pub fn set(to: DateTime<FixedOffset>, frozen: bool, real: DateTime<Utc>) -> SandboxTime {
        if frozen {
            SandboxTime::Frozen(to.with_timezone(&jst()))
        } else {
            SandboxTime::Running {
                offset: to.with_timezone(&Utc) - real,
            }
        }
    }

    pub fn at(self, real: DateTime<Utc>) -> DateTime<FixedOffset> {
        match self {
            // Whole seconds, as the instants an admin sets are.
            SandboxTime::Running { offset } => {
                let t = (real + offset).with_timezone(&jst());
                t.with_nanosecond(0).unwrap_or(t)
            }
            SandboxTime::Frozen(t) => t,
        }
    }

    pub fn is_frozen(self) -> bool {
        matches!(self, SandboxTime::Frozen(_))
    }
}

impl Clock {
    pub fn fake(start: SandboxTime) -> Clock {
        Clock::Fake(Mutex::new(start))
    }

    pub fn now(&self) -> DateTime<FixedOffset> {
        match self {
            Clock::System => Utc::now().with_timezone(&jst()),
            Clock::Fake(t) => t.lock().unwrap_or_else(|e| e.into_inner()).at(Utc::now()),
        }
    }

    /// Unix seconds of now.
    pub fn unix(&self) -> i64 {
        self.now().timestamp()
    }

    pub fn is_fake(&self) -> bool {
        matches!(self, Clock::Fake(_))
    }

    /// Whether a sandbox clock stands still (a system clock never does).
    pub fn is_frozen(&self) -> bool {
        match self {
            Clock::System => false,
            Clock::Fake(t) => t.lock().unwrap_or_else(|e| e.into_inner()).is_frozen(),
        }
    }

    /// Moves a fake clock; a system clock cannot be set and answers false.
    pub fn set(&self, to: SandboxTime) -> bool {
        match self {
            Clock::System => false,
            Clock::Fake(t) => {
                *t.lock().unwrap_or_else(|e| e.into_inner()) = to;
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_sandbox_moves_with_real_time_and_a_frozen_one_stands() {
        let real = Utc::now();
        let to = DateTime::parse_from_rfc3339("2024-12-01T10:00:00+09:00").unwrap();
        let running = SandboxTime::set(to, false, real);
        assert_eq!(running.at(real), to);
        assert_eq!(
            running.at(real + Duration::seconds(90)),
            to + Duration::seconds(90)
        );
        let frozen = SandboxTime::set(to, true, real);
        assert_eq!(frozen.at(real + Duration::seconds(90)), to);
        assert!(frozen.is_frozen() && !running.is_frozen());
    }
}
