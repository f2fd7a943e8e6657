//! Limits on guessing: wrong passwords (at login and when changing one) per login and
//! address (`domain::login_throttle`), the office's view of them and its unlock,
//! self-registration per address, and password-reset mails per address and account.

use crate::db::{self, audit};
use crate::domain::login_throttle::{Failures, LoginThrottle, address_group};
use crate::domain::ratelimit::{Limit, RateLimiter};
use crate::domain::recovery;
use crate::domain::time::format_time_seconds;
use crate::domain::{Role, Text};
use crate::i18n::Msg;
use crate::service::{App, Principal, Result, ServiceError, invalid, require};

/// Self-registrations from one address (an event's shared Wi-Fi still fits), and among
/// them answers "this login is taken", which would otherwise tell which logins exist.
const REGISTRATIONS: Limit = Limit {
    max_events: 30,
    window_secs: 3600,
};
const TAKEN: Limit = Limit {
    max_events: 10,
    window_secs: 3600,
};

fn throttle(app: &App) -> std::sync::MutexGuard<'_, LoginThrottle> {
    app.logins.lock().unwrap_or_else(|e| e.into_inner())
}

fn windows(app: &App) -> std::sync::MutexGuard<'_, RateLimiter> {
    app.limiter.lock().unwrap_or_else(|e| e.into_inner())
}

/// Refuses when `login` may not be tried from `address` yet, saying when it may.
pub fn check(app: &App, login: &str, address: &str) -> Result<()> {
    let now = app.now();
    match throttle(app).retry_at(login, address, now) {
        Some(at) => Err(try_again(now, at)),
        None => Ok(()),
    }
}

pub fn failed(app: &App, login: &str, address: &str) {
    throttle(app).failed(login, address, app.now());
}

pub fn succeeded(app: &App, login: &str, address: &str) {
    throttle(app).succeeded(login, address);
}

/// Wrong passwords: when to try again, in both languages.
pub fn try_again(now: i64, at: i64) -> ServiceError {
    ServiceError::TooManyAttempts(
        Text::new(Msg::TooManyWrongPasswords).with_text("when", when(now, at)),
    )
}

fn too_many_registrations(now: i64, at: i64) -> ServiceError {
    ServiceError::TooManyAttempts(
        Text::new(Msg::TooManyRegistrations).with_text("when", when(now, at)),
    )
}

/// "in 2 minutes (after 10:15:30 JST)", "2分後(10:15:30以降)".
fn when(now: i64, at: i64) -> Text {
    let wait = (at - now).max(1);
    let (msg, n) = if wait < 120 {
        (Msg::WaitSeconds, wait)
    } else if wait < 2 * 3600 {
        (Msg::WaitMinutes, (wait + 59) / 60)
    } else {
        (Msg::WaitHours, (wait + 3599) / 3600)
    };
    Text::new(msg)
        .with("n", n)
        .with("clock", format_time_seconds(at))
}

/// The failed attempts of the last day, the latest first (the admin's page).
pub fn recent_failures(app: &App, who: &Principal) -> Result<Vec<Failures>> {
    require(who, &[Role::Admin])?;
    Ok(throttle(app).recent(app.now()))
}

/// The office lets a login in again from every address, after checking who asks (by
/// phone, at the counter). Audited; returns how many addresses were held back.
pub fn unlock(app: &App, who: &Principal, login: &str) -> Result<usize> {
    require(who, &[Role::Admin])?;
    let login = crate::domain::account::login_key(login);
    if login.is_empty() {
        return Err(invalid(Msg::NameTheLoginToUnlock));
    }
    let now = app.now();
    let held: Vec<String> = throttle(app)
        .recent(now)
        .into_iter()
        .filter(|f| f.login == login)
        .map(|f| f.address)
        .collect();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        audit::record(
            tx,
            now,
            &who.actor,
            "account.unlock",
            &format!("login:{login}"),
            &serde_json::json!({ "addresses": held }),
        )?;
        Ok(())
    })?;
    Ok(throttle(app).unlock(&login))
}

/// Lifts the wrong-password waits of a login everywhere, without an audit row of its own:
/// for a password just set another way (reissued by the office, or by a mailed link).
pub fn forget(app: &App, login: &str) {
    throttle(app).unlock(login);
}

/// Counts one request for a password-reset link from `address`; refuses past the limit,
/// the same for every login and mail address asked about.
pub fn reset_request(app: &App, address: &str) -> Result<()> {
    let now = app.now();
    let key = format!("reset:{}", address_group(address));
    let mut w = windows(app);
    if let Some(at) = w.retry_at(&key, recovery::REQUESTS_PER_ADDRESS, now) {
        return Err(ServiceError::TooManyAttempts(
            Text::new(Msg::TooManyResetRequests).with_text("when", when(now, at)),
        ));
    }
    w.record(&key, now);
    Ok(())
}

/// Whether one more reset mail may go to `user_id` at `mail` (`mail_key` stands for the
/// address: its hash, so no address is kept in memory); counts it when so. A refusal is
/// silent: the visitor's answer must not tell that the account exists.
pub fn reset_mail(app: &App, user_id: i64, mail_key: &str) -> bool {
    let now = app.now();
    let (account, mail) = (
        format!("reset-account:{user_id}"),
        format!("reset-mail:{mail_key}"),
    );
    let mut w = windows(app);
    if !w.allows(&account, recovery::MAILS_PER_ACCOUNT, now)
        || !w.allows(&mail, recovery::MAILS_PER_MAIL_ADDRESS, now)
    {
        return false;
    }
    w.record(&account, now);
    w.record(&mail, now);
    true
}

/// Counts one self-registration from `address`; refuses past the limits.
pub fn registration_attempt(app: &App, address: &str) -> Result<()> {
    let now = app.now();
    let group = address_group(address);
    let (all, taken) = (format!("register:{group}"), format!("taken:{group}"));
    let mut w = windows(app);
    let wait = [
        w.retry_at(&all, REGISTRATIONS, now),
        w.retry_at(&taken, TAKEN, now),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(at) = wait {
        return Err(too_many_registrations(now, at));
    }
    w.record(&all, now);
    Ok(())
}

/// A self-registration from `address` was told its login is taken.
pub fn registration_taken(app: &App, address: &str) {
    let key = format!("taken:{}", address_group(address));
    windows(app).record(&key, app.now());
}
