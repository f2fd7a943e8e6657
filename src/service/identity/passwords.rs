//! Changing one's password: the current one checked (wrong ones limited like logins), the
//! new one refused when weak, made from the login or used before, and every other way
//! into the account ended.

use crate::db::{self, accounts as rows, audit};
use crate::domain::{Password, Text};
use crate::i18n::Msg;
use crate::service::{
    App, Principal, Result, ServiceError, crypto, identity::login_limits, invalid, not_found,
};

/// Earlier passwords remembered per account, besides the current one.
pub const REMEMBERED: usize = 5;

pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    /// The client's address, for the attempt limit.
    pub address: &'a str,
    /// The session cookie making the change: it stays logged in.
    pub session: Option<&'a str>,
}

/// Sets a new password after checking the current one. The account's other sessions
/// and all its bearer tokens end (whoever had the old password is out); the one-time
/// password's restriction ends.
pub fn change_password(app: &App, who: &Principal, change: PasswordChange) -> Result<()> {
    let uid = who
        .user_id
        .ok_or_else(|| ServiceError::Forbidden(Text::new(Msg::ThisAccountHasNoPassword)))?;
    let mut conn = app.conn()?;
    let user = rows::user_by_id(&conn, uid)?.ok_or_else(|| not_found(Msg::NoSuchUser))?;
    login_limits::check(app, &user.login, change.address)?;
    let old_hash = user.password_hash.clone().unwrap_or_default();
    if !crypto::verify_password(&old_hash, change.current) {
        login_limits::failed(app, &user.login, change.address);
        return Err(invalid(Msg::TheCurrentPasswordIsWrong));
    }
    login_limits::succeeded(app, &user.login, change.address);
    let new = Password::parse_for(change.new, &user.login).map_err(ServiceError::Invalid)?;
    if change.current == new.expose() {
        return Err(invalid(Msg::TheNewPasswordMustDiffer));
    }
    if rows::password_history(&conn, uid)?
        .iter()
        .any(|h| crypto::verify_password(h, new.expose()))
    {
        return Err(invalid(
            Text::new(Msg::PasswordUsedBefore).with("count", REMEMBERED),
        ));
    }
    let hash = crypto::hash_password(new.expose())?;
    let keep = change.session.map(|t| crypto::sha256(t.as_bytes()));
    let now = app.now();
    db::write(&mut conn, |tx| -> Result<()> {
        if !old_hash.is_empty() {
            rows::remember_password(tx, uid, &old_hash, now, REMEMBERED)?;
        }
        rows::set_password(tx, uid, &hash, false)?;
        let sessions = rows::end_other_sessions(tx, uid, keep.as_ref().map(|k| &k[..]))?;
        let tokens = rows::revoke_user_tokens(tx, uid, now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            "account.password",
            &format!("user:{uid}"),
            &serde_json::json!({ "sessions_ended": sessions, "tokens_revoked": tokens }),
        )?;
        Ok(())
    })
}
