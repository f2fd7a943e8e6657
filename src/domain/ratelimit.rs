//! Sliding-window rate limits: at most `limit` events per key within `window` seconds.
//! Pure bookkeeping; the caller passes "now" and keeps the state behind a lock.

use std::collections::{HashMap, VecDeque};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_events: usize,
    pub window_secs: i64,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    events: HashMap<String, VecDeque<i64>>,
}

impl RateLimiter {
    /// Whether one more event for `key` at `now` would stay within the limit.
    pub fn allows(&mut self, key: &str, limit: Limit, now: i64) -> bool {
        self.retry_at(key, limit, now).is_none()
    }

    /// When one more event for `key` will fit in the window again; `None` when it fits now.
    pub fn retry_at(&mut self, key: &str, limit: Limit, now: i64) -> Option<i64> {
        let q = self.events.get_mut(key)?;
        while q.front().is_some_and(|&t| t <= now - limit.window_secs) {
            q.pop_front();
        }
        if q.len() < limit.max_events {
            return None;
        }
        // The event whose leaving the window makes room for one more.
        q.get(q.len() - limit.max_events)
            .map(|&t| t + limit.window_secs)
    }

    pub fn record(&mut self, key: &str, now: i64) {
        // Keep memory bounded under a flood of distinct keys.
        if self.events.len() > 100_000 {
            self.events.clear();
        }
        self.events
            .entry(key.to_owned())
            .or_default()
            .push_back(now);
    }

    pub fn clear(&mut self, key: &str) {
        self.events.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let lim = Limit {
            max_events: 2,
            window_secs: 60,
        };
        let mut r = RateLimiter::default();
        assert!(r.allows("k", lim, 0));
        r.record("k", 0);
        r.record("k", 10);
        assert!(!r.allows("k", lim, 59));
        assert_eq!(r.retry_at("k", lim, 59), Some(60));
        assert!(r.allows("other", lim, 59));
        assert!(
            r.allows("k", lim, 60),
            "the first event has left the window"
        );
        r.clear("k");
        assert!(r.allows("k", lim, 61));
    }
}
