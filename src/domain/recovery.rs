//! Account recovery rules: how long a mailed password-reset link lives, when one may
//! still be used, and how often links may be asked for.

use super::ratelimit::Limit;

/// A mailed link sets a new password for this long after it was asked for.
pub const LINK_SECS: i64 = 30 * 60;

/// Asking for links from one network address (one household's or an event's Wi-Fi
/// fits). Past it the visitor is told to wait: the same for every login and address,
/// so it tells nothing about which accounts exist.
pub const REQUESTS_PER_ADDRESS: Limit = Limit {
    max_events: 10,
    window_secs: 3600,
};

/// Mails to one account, and to one mail address (a family may share one): past these
/// no more mail goes out, yet the visitor's answer stays the same, since saying so would
/// tell that the account exists.
pub const MAILS_PER_ACCOUNT: Limit = Limit {
    max_events: 3,
    window_secs: 3600,
};
pub const MAILS_PER_MAIL_ADDRESS: Limit = Limit {
    max_events: 5,
    window_secs: 3600,
};

/// Accounts one request may mail to (the login asked for, and the residents who
/// registered the mail address asked for).
pub const MAX_ACCOUNTS_PER_REQUEST: usize = 5;

/// A reset link as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetLink {
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl ResetLink {
    /// A link asked for at `now`.
    pub fn new(now: i64) -> ResetLink {
        ResetLink {
            created_at: now,
            expires_at: now + LINK_SECS,
            used_at: None,
        }
    }

    /// Whether the link still sets a password at `now`: once, within its time.
    pub fn usable(&self, now: i64) -> bool {
        self.used_at.is_none() && now >= self.created_at && now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_once_within_half_an_hour() {
        let l = ResetLink::new(1000);
        assert!(l.usable(1000));
        assert!(l.usable(1000 + LINK_SECS - 1));
        assert!(!l.usable(1000 + LINK_SECS), "expired");
        assert!(!l.usable(999), "not before it was made");
        let used = ResetLink {
            used_at: Some(1010),
            ..l
        };
        assert!(!used.usable(1020), "used");
    }
}
