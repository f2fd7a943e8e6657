//! The server's idea of "now". Production reads the system clock; the sandbox
//! (`--fake-clock`) holds a settable instant so the city and the tests can move time.

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, Utc};

use crate::domain::time::jst;

pub enum Clock {
    System,
    Fake(Mutex<DateTime<FixedOffset>>),
}

impl Clock {
    pub fn fake(start: DateTime<FixedOffset>) -> Clock {
        Clock::Fake(Mutex::new(start))
    }

    pub fn now(&self) -> DateTime<FixedOffset> {
        match self {
            Clock::System => Utc::now().with_timezone(&jst()),
            Clock::Fake(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Unix seconds of now.
    pub fn unix(&self) -> i64 {
        self.now().timestamp()
    }

    pub fn is_fake(&self) -> bool {
        matches!(self, Clock::Fake(_))
    }

    /// Moves a fake clock; a system clock cannot be set and answers false.
    pub fn set(&self, to: DateTime<FixedOffset>) -> bool {
        match self {
            Clock::System => false,
            Clock::Fake(t) => {
                *t.lock().unwrap_or_else(|e| e.into_inner()) = to.with_timezone(&jst());
                true
            }
        }
    }
}
