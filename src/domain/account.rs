//! Accounts: roles, login names and password rules.

use crate::i18n::Msg;
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// Who someone is to meguri. Each route of the web layer names the roles it admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The city (市): everything, including other admins.
    Admin,
    /// The secretariat (事務局): daily operations on behalf of the city.
    Operator,
    /// Staff of one store (加盟店).
    Merchant,
    /// A group that hands out community points (配布団体).
    Distributor,
    /// A resident using the currency (利用者).
    Resident,
    /// A city system calling the API with a key.
    Integration,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Operator,
        Role::Merchant,
        Role::Distributor,
        Role::Resident,
        Role::Integration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Merchant => "merchant",
            Role::Distributor => "distributor",
            Role::Resident => "resident",
            Role::Integration => "integration",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The role's name as the city's staff say it.
    pub fn label(self) -> Msg {
        match self {
            Role::Admin => Msg::RoleAdmin,
            Role::Operator => Msg::RoleOperator,
            Role::Merchant => Msg::RoleMerchant,
            Role::Distributor => Msg::RoleDistributor,
            Role::Resident => Msg::RoleResident,
            Role::Integration => Msg::RoleIntegration,
        }
    }

    /// Staff roles are the ones that administer the scheme; their changes are audited.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Operator)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a login name or password was refused; the message is shown to the person.
pub type AccountRuleError = super::Text;

/// A login as typed, folded the way logins are stored and looked up: NFKC (so the
/// full-width `ｔａｎａｋａ` a Japanese keyboard types, and its ideographic space, become
/// ASCII), trimmed, lower case. Logins stored before this folding were already ASCII
/// and lower case, which it leaves as they are, so they keep working.
pub fn login_key(raw: &str) -> String {
    raw.nfkc().collect::<String>().trim().to_lowercase()
}

/// A login name: 3 to 64 characters of ASCII letters, digits and `._-@+` after
/// [`login_key`], so that `ｔａｎａｋａ`, "Tanaka" and "tanaka" are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Login, AccountRuleError> {
        let s = login_key(raw);
        if s.len() < 3 || s.len() > 64 {
            return Err(AccountRuleError::new(Msg::LoginLength));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@+".contains(c))
        {
            return Err(AccountRuleError::new(Msg::LoginCharacters));
        }
        Ok(Login(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 8 characters, at most 256 (hashing cost stays bounded), and
/// not one a guesser tries first (`weak_passwords`).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;

    /// A new password for the account `login`: also refused when made from the login.
    pub fn parse_for(raw: &str, login: &str) -> Result<Password, AccountRuleError> {
        Password::check(raw, Some(login))
    }

    pub fn parse(raw: &str) -> Result<Password, AccountRuleError> {
        Password::check(raw, None)
    }

    fn check(raw: &str, login: Option<&str>) -> Result<Password, AccountRuleError> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(AccountRuleError::new(Msg::PasswordTooShort));
        }
        if raw.len() > 256 {
            return Err(AccountRuleError::new(Msg::PasswordTooLong));
        }
        if let Some(why) = super::weak_passwords::weakness(raw, login) {
            return Err(why);
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn login_rules() {
        assert_eq!(Login::parse(" Tanaka ").unwrap().as_str(), "tanaka");
        // Typed through a Japanese input method: full-width letters, an ideographic space.
        assert_eq!(Login::parse("ｔａｎａｋａ").unwrap().as_str(), "tanaka");
        assert_eq!(
            Login::parse("\u{3000}ＴＡＮＡＫＡ\u{3000}")
                .unwrap()
                .as_str(),
            "tanaka"
        );
        assert_eq!(
            Login::parse("ｓｈｏｐ－０１＠ｅｘａｍｐｌｅ．ｊｐ")
                .unwrap()
                .as_str(),
            "shop-01@example.jp"
        );
        assert_eq!(
            login_key("hanako"),
            "hanako",
            "stored logins are their own key"
        );
        assert!(Login::parse("ab").is_err());
        assert!(Login::parse("田中").is_err());
        assert!(Login::parse("a b c").is_err());
        assert!(Login::parse(&"x".repeat(65)).is_err());
        assert!(Login::parse("shop-01@example.jp").is_ok());
    }

    #[test]
    fn password_rules() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("ながいパスワード").is_ok());
        assert!(Password::parse(&"p".repeat(257)).is_err());
        assert!(Password::parse("12345678").is_err(), "a common password");
        assert!(Password::parse_for("hanako-2024", "hanako").is_err());
        assert!(Password::parse_for("password-1234", "hanako").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("secret-lantern").unwrap()),
            "Password(..)"
        );
    }
}

/// How long a login session lives: residents on their own phone stay logged in for weeks
/// (logging in again is a real obstacle for many), staff sessions end the same day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// The session ends after this many seconds without a request.
    pub idle_secs: i64,
    /// The session ends this many seconds after login, however active.
    pub max_secs: i64,
}

impl Role {
    pub fn session_policy(self) -> SessionPolicy {
        const HOUR: i64 = 3600;
        const DAY: i64 = 24 * HOUR;
        match self {
            Role::Resident => SessionPolicy {
                idle_secs: 30 * DAY,
                max_secs: 180 * DAY,
            },
            Role::Merchant => SessionPolicy {
                idle_secs: 12 * HOUR,
                max_secs: 7 * DAY,
            },
            _ => SessionPolicy {
                idle_secs: 2 * HOUR,
                max_secs: 12 * HOUR,
            },
        }
    }
}

impl SessionPolicy {
    /// Whether a session created at `created` and last used at `last_seen` is still valid.
    pub fn is_live(self, created: i64, last_seen: i64, now: i64) -> bool {
        now < created + self.max_secs && now < last_seen + self.idle_secs
    }
}

#[cfg(test)]
mod session_tests {
    use super::*;

    #[test]
    fn sessions_end_on_idle_and_on_age() {
        let p = Role::Admin.session_policy();
        assert!(p.is_live(0, 0, p.idle_secs - 1));
        assert!(!p.is_live(0, 0, p.idle_secs));
        // Active all along, but too old.
        assert!(!p.is_live(0, p.max_secs - 1, p.max_secs));
        assert!(Role::Resident.session_policy().idle_secs > p.idle_secs);
    }
}
