//! Changing one's password: the current one checked (wrong ones limited like logins), the
//! new one refused when weak, made from the login or used before, and every other way
//! into the account ended. The rules for a new password and the ending of the ways in
//! are shared with the office's reissue and the mailed reset link (`recovery`,
//! `reset_links`).

use rusqlite::Connection;

use crate::db::{self, accounts as rows, audit, password_resets};
use crate::domain::{Password, Problems, Text};
use crate::i18n::Msg;
use crate::service::{
    App, Principal, Result, ServiceError, crypto, identity::login_limits, no_problems, not_found,
};

/// Earlier passwords remembered per account, besides the current one.
pub const REMEMBERED: usize = 5;

pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    /// The new password typed again, where a form asks for it (the API does not).
    pub again: Option<&'a str>,
    /// The client's address, for the attempt limit.
    pub address: &'a str,
    /// The session cookie making the change: it stays logged in.
    pub session: Option<&'a str>,
}

/// Sets a new password after checking the current one. The account's other sessions
/// and all its bearer tokens end (whoever had the old password is out); the one-time
/// password's restriction ends. Every problem is told at once, each by its field
/// (`current`, `new`, `again`).
pub fn change_password(app: &App, who: &Principal, change: PasswordChange) -> Result<()> {
    let uid = who
        .user_id
        .ok_or_else(|| ServiceError::Forbidden(Text::new(Msg::ThisAccountHasNoPassword)))?;
    let mut conn = app.conn()?;
    let user = rows::user_by_id(&conn, uid)?.ok_or_else(|| not_found(Msg::NoSuchUser))?;
    login_limits::check(app, &user.login, change.address)?;
    let old_hash = user.password_hash.clone().unwrap_or_default();
    let mut problems = Problems::default();
    let current_ok = crypto::verify_password(&old_hash, change.current);
    if current_ok {
        login_limits::succeeded(app, &user.login, change.address);
    } else {
        login_limits::failed(app, &user.login, change.address);
        problems.add("current", Msg::TheCurrentPasswordIsWrong);
    }
    // Only whoever proved the current password learns which passwords were used before.
    let known = match current_ok {
        true => Known::Current(change.current),
        false => Known::Nothing,
    };
    let new = check_new(&conn, &user, change.new, change.again, known, &mut problems)?;
    no_problems(problems)?;
    let Some(new) = new else {
        return Err(ServiceError::Internal(
            "a checked password is missing".into(),
        ));
    };
    let hash = crypto::hash_password(new.expose())?;
    let keep = change.session.map(|t| crypto::sha256(t.as_bytes()));
    let now = app.now();
    db::write(&mut conn, |tx| -> Result<()> {
        replace(tx, uid, &old_hash, &hash, false, now)?;
        let ended = end_ways_in(tx, uid, keep.as_ref().map(|k| &k[..]), now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            "account.password",
            &format!("user:{uid}"),
            &serde_json::json!({ "sessions_ended": ended.sessions, "tokens_revoked": ended.tokens }),
        )?;
        Ok(())
    })
}

/// Who is choosing a new password, as far as the check may rely on it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Known<'a> {
    /// The current password, proven right.
    Current(&'a str),
    /// Someone the account trusts another way (a mailed link): the current password
    /// counts as one used before.
    Trusted,
    /// Nobody proven: the earlier passwords are not compared, or the answer would tell
    /// a guesser which ones they were.
    Nothing,
}

/// Checks a new password for `user`: the password rules (`new`), the same typed twice
/// (`again`, where asked), not the current one and none of the last few (compared only
/// once the rest holds, since each costs a password hash). Problems are noted; the
/// password comes back when it may be used.
pub(crate) fn check_new(
    conn: &Connection,
    user: &rows::UserRow,
    new: &str,
    again: Option<&str>,
    known: Known,
    problems: &mut Problems,
) -> Result<Option<Password>> {
    let parsed = problems.check("new", Password::parse_for(new, &user.login));
    if again.is_some_and(|a| a != new) {
        problems.add("again", Msg::TheTwoNewPasswordsDiffer);
    }
    let Some(parsed) = parsed else {
        return Ok(None);
    };
    let current_hash = match known {
        Known::Nothing => return Ok(Some(parsed)),
        Known::Current(c) if c == parsed.expose() => {
            problems.add("new", Msg::TheNewPasswordMustDiffer);
            return Ok(None);
        }
        Known::Current(_) => None,
        Known::Trusted => user.password_hash.as_ref(),
    };
    let before = rows::password_history(conn, user.id)?;
    if before
        .iter()
        .chain(current_hash)
        .any(|h| crypto::verify_password(h, parsed.expose()))
    {
        problems.add(
            "new",
            Text::new(Msg::PasswordUsedBefore).with("count", REMEMBERED),
        );
        return Ok(None);
    }
    Ok(Some(parsed))
}

/// Puts `new_hash` in place of the account's password, remembering the old one.
pub(crate) fn replace(
    tx: &Connection,
    uid: i64,
    old_hash: &str,
    new_hash: &str,
    must_change: bool,
    now: i64,
) -> rusqlite::Result<()> {
    if !old_hash.is_empty() {
        rows::remember_password(tx, uid, old_hash, now, REMEMBERED)?;
    }
    rows::set_password(tx, uid, new_hash, must_change)
}

/// What ending the ways into an account ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ended {
    pub sessions: usize,
    pub tokens: usize,
    /// Mailed reset links not used yet.
    pub links: usize,
}

/// Ends the account's sessions but `keep`, all its bearer tokens and its unused reset
/// links: whoever held a way in before is out.
pub(crate) fn end_ways_in(
    tx: &Connection,
    uid: i64,
    keep: Option<&[u8]>,
    now: i64,
) -> rusqlite::Result<Ended> {
    Ok(Ended {
        sessions: rows::end_other_sessions(tx, uid, keep)?,
        tokens: rows::revoke_user_tokens(tx, uid, now)?,
        links: password_resets::end_for_user(tx, uid, now)?,
    })
}
