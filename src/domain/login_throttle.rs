//! Failed password attempts (logins, and the current password when changing it): who may
//! try again, and when.
//!
//! Kept per (login, address), with a delay that doubles with each failure after the first
//! few: a guesser slows down quickly, while the owner, from another address, is not held
//! up by them, and attempts refused while waiting do not prolong the wait. A much higher
//! ceiling per login over all addresses bounds a guesser with many addresses, and one per
//! address bounds trying many logins. Pure bookkeeping: the caller passes "now" and keeps
//! the state behind a lock.

use std::collections::HashMap;
use std::net::IpAddr;

use super::ratelimit::{Limit, RateLimiter};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures in a row that cost no waiting.
    pub free_failures: u32,
    /// The wait after the first failure past the free ones; it doubles with each more.
    pub first_delay_secs: i64,
    pub max_delay_secs: i64,
    /// A (login, address) quiet for this long starts afresh.
    pub forget_after_secs: i64,
    /// Failures of one login over all addresses.
    pub per_login: Limit,
    /// Failures from one address over all logins.
    pub per_address: Limit,
}

pub const POLICY: Policy = Policy {
    free_failures: 5,
    first_delay_secs: 30,
    max_delay_secs: 3600,
    forget_after_secs: 24 * 3600,
    per_login: Limit {
        max_events: 100,
        window_secs: 3600,
    },
    per_address: Limit {
        max_events: 30,
        window_secs: 15 * 60,
    },
};

impl Policy {
    /// How long to wait after the `count`-th failure in a row.
    pub fn delay(&self, count: u32) -> i64 {
        if count < self.free_failures {
            return 0;
        }
        let doublings = (count - self.free_failures).min(32);
        self.first_delay_secs
            .saturating_mul(1i64 << doublings)
            .min(self.max_delay_secs)
    }
}

/// Failed attempts in a row for one login from one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failures {
    pub login: String,
    pub address: String,
    pub count: u32,
    pub first_at: i64,
    pub last_at: i64,
    /// When the next attempt may be made (`last_at` when at once).
    pub retry_at: i64,
}

/// Keys kept at most; past this, forgotten ones go, then everything (memory stays bounded
/// under a flood of made-up logins).
const MAX_PAIRS: usize = 100_000;

#[derive(Debug)]
pub struct LoginThrottle {
    policy: Policy,
    pairs: HashMap<(String, String), Failures>,
    windows: RateLimiter,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(POLICY)
    }
}

impl LoginThrottle {
    pub fn new(policy: Policy) -> LoginThrottle {
        LoginThrottle {
            policy,
            pairs: HashMap::new(),
            windows: RateLimiter::default(),
        }
    }

    /// When `login` may next be tried from `address`; `None` when now.
    pub fn retry_at(&mut self, login: &str, address: &str, now: i64) -> Option<i64> {
        let (login, address) = keys(login, address);
        let pair = self
            .live(&(login.clone(), address.clone()), now)
            .map(|f| f.retry_at)
            .filter(|&t| t > now);
        let per_login =
            self.windows
                .retry_at(&format!("login:{login}"), self.policy.per_login, now);
        let per_address =
            self.windows
                .retry_at(&format!("addr:{address}"), self.policy.per_address, now);
        [pair, per_login, per_address].into_iter().flatten().max()
    }

    /// Records a wrong password for `login` from `address`.
    pub fn failed(&mut self, login: &str, address: &str, now: i64) {
        let (login, address) = keys(login, address);
        let key = (login.clone(), address.clone());
        let count = self.live(&key, now).map_or(0, |f| f.count) + 1;
        let first_at = self.live(&key, now).map_or(now, |f| f.first_at);
        if self.pairs.len() >= MAX_PAIRS {
            let forget = self.policy.forget_after_secs;
            self.pairs.retain(|_, f| now - f.last_at < forget);
            if self.pairs.len() >= MAX_PAIRS {
                self.pairs.clear();
            }
        }
        self.windows.record(&format!("login:{login}"), now);
        self.windows.record(&format!("addr:{address}"), now);
        let retry_at = now + self.policy.delay(count);
        self.pairs.insert(
            key,
            Failures {
                login,
                address,
                count,
                first_at,
                last_at: now,
                retry_at,
            },
        );
    }

    /// The right password from `address`: its failures in a row are over. The per-login
    /// ceiling stays, or every success of the owner would give guessers a fresh budget.
    pub fn succeeded(&mut self, login: &str, address: &str) {
        self.pairs.remove(&keys(login, address));
    }

    /// The office lets `login` in again from everywhere; returns how many addresses were
    /// held back.
    pub fn unlock(&mut self, login: &str) -> usize {
        let (login, _) = keys(login, "");
        let before = self.pairs.len();
        self.pairs.retain(|(l, _), _| *l != login);
        self.windows.clear(&format!("login:{login}"));
        before - self.pairs.len()
    }

    /// The failures not yet forgotten, the latest first. Each row's `retry_at` counts
    /// every limit that holds that login at that address (the login's ceiling over all
    /// addresses too), so the office sees why the owner is refused.
    pub fn recent(&mut self, now: i64) -> Vec<Failures> {
        let mut all: Vec<Failures> = self
            .pairs
            .values()
            .filter(|f| now - f.last_at < self.policy.forget_after_secs)
            .cloned()
            .collect();
        for f in &mut all {
            let held = self.retry_at(&f.login, &f.address, now);
            f.retry_at = f.retry_at.max(held.unwrap_or(f.retry_at));
        }
        all.sort_by(|a, b| b.last_at.cmp(&a.last_at).then(a.login.cmp(&b.login)));
        all
    }

    fn live(&self, key: &(String, String), now: i64) -> Option<&Failures> {
        self.pairs
            .get(key)
            .filter(|f| now - f.last_at < self.policy.forget_after_secs)
    }
}

/// Logins compare as accounts do (trimmed, lower case, and no longer than a login can
/// be); addresses as the network that holds them.
fn keys(login: &str, address: &str) -> (String, String) {
    let login: String = login.trim().to_ascii_lowercase().chars().take(64).collect();
    (login, address_group(address))
}

/// The unit an address limit counts: an IPv4 address, or the /64 network of an IPv6 one
/// (one customer's whole allocation, whose addresses they can change at will).
pub fn address_group(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(String::new, |v4| v4.to_string()),
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => address.chars().take(64).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "203.0.113.9";
    const B: &str = "198.51.100.7";

    #[test]
    fn the_delay_doubles_after_the_free_failures() {
        let p = POLICY;
        assert_eq!(p.delay(4), 0);
        assert_eq!(p.delay(5), 30);
        assert_eq!(p.delay(6), 60);
        assert_eq!(p.delay(8), 240);
        assert_eq!(p.delay(40), p.max_delay_secs);
        assert_eq!(p.delay(u32::MAX), p.max_delay_secs);
    }

    #[test]
    fn a_guesser_waits_and_the_owner_elsewhere_does_not() {
        let mut t = LoginThrottle::default();
        for i in 0..5 {
            assert_eq!(t.retry_at("Admin", A, i), None);
            t.failed("Admin", A, i);
        }
        assert_eq!(t.retry_at("admin", A, 5), Some(4 + 30));
        assert_eq!(t.retry_at("admin", B, 5), None, "another address");
        assert_eq!(t.retry_at("taro", A, 5), None, "another login");
        // Asking while waiting does not prolong the wait.
        assert_eq!(t.retry_at("admin", A, 20), Some(34));
        assert_eq!(t.retry_at("admin", A, 34), None);
        t.failed("admin", A, 34);
        assert_eq!(t.retry_at("admin", A, 35), Some(34 + 60));
        t.succeeded("admin", A);
        assert_eq!(t.retry_at("admin", A, 35), None);
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_day() {
        let mut t = LoginThrottle::default();
        for i in 0..8 {
            t.failed("hanako", A, i);
        }
        let day = POLICY.forget_after_secs;
        assert!(
            t.retry_at("hanako", A, 8 + 3600).is_none(),
            "the wait is capped"
        );
        t.failed("hanako", A, 7 + day);
        assert_eq!(t.recent(7 + day)[0].count, 1, "a fresh start");
    }

    #[test]
    fn many_addresses_meet_the_per_login_ceiling_and_the_office_unlocks() {
        let mut t = LoginThrottle::default();
        for i in 0..100 {
            let addr = format!("10.0.{}.{}", i / 200, i % 200);
            assert_eq!(t.retry_at("admin", &addr, 100), None);
            t.failed("admin", &addr, 100);
        }
        assert_eq!(t.retry_at("admin", B, 100), Some(100 + 3600));
        assert_eq!(t.recent(100).len(), 100);
        assert_eq!(t.unlock("ADMIN"), 100);
        assert_eq!(t.retry_at("admin", B, 100), None);
        assert!(t.recent(100).is_empty());
    }

    #[test]
    fn one_address_trying_many_logins_is_stopped() {
        let mut t = LoginThrottle::default();
        for i in 0..30 {
            t.failed(&format!("user{i}"), A, 0);
        }
        assert_eq!(t.retry_at("someone", A, 1), Some(15 * 60));
        assert_eq!(t.retry_at("someone", B, 1), None);
    }

    #[test]
    fn ipv6_counts_by_its_64_network() {
        assert_eq!(address_group("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            address_group("2001:db8:1:2:bbbb::9"),
            address_group("2001:db8:1:2:aaaa::1")
        );
        assert_eq!(address_group("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(address_group("192.0.2.1"), "192.0.2.1");
        assert_eq!(address_group(""), "");
    }

    #[test]
    fn the_list_shows_a_login_held_by_its_ceiling_at_every_address() {
        let mut t = LoginThrottle::default();
        // Many addresses, two failures each: no pair waits, but the login's ceiling does.
        for i in 0..50 {
            let address = format!("198.51.100.{i}");
            t.failed("hanako", &address, 10);
            t.failed("hanako", &address, 10);
        }
        assert!(t.retry_at("hanako", "203.0.113.1", 11).is_some());
        let rows = t.recent(11);
        assert!(rows.iter().all(|f| f.retry_at > 11), "{rows:?}");
    }
}
