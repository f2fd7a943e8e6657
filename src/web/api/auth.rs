//! Bearer tokens for the API.

use serde::Deserialize;
use serde_json::json;

use crate::service::identity::accounts;
use crate::service::identity::passwords::{self, PasswordChange};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    login: String,
    password: String,
}

pub fn token(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let rq: TokenRequest = ctx.json()?;
    let t = accounts::token_for_login(ctx.app, &rq.login, &rq.password, &ctx.remote)?;
    Ok(Reply::json(
        200,
        &json!({
            "token": t.token,
            "role": t.role.as_str(),
            "subject_id": t.subject_id,
            "must_change_password": t.must_change_password,
        }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordRequest {
    current: String,
    new: String,
}

/// Changes the caller's password; the only call a one-time password allows. Every bearer
/// token of the account is revoked, the calling one too: log in again with the new one.
pub fn change_password(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let rq: PasswordRequest = ctx.json()?;
    let who = ctx.who()?.clone();
    passwords::change_password(
        ctx.app,
        &who,
        PasswordChange {
            current: &rq.current,
            new: &rq.new,
            again: None,
            address: &ctx.remote,
            session: ctx.session_token.as_deref(),
        },
    )?;
    Ok(Reply::json(200, &json!({ "changed": true })))
}

/// Who the caller is: role, subject and, for merchant staff, the store.
pub fn me(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let p = ctx.who()?;
    Ok(Reply::json(
        200,
        &json!({
            "role": p.role.as_str(),
            "subject_id": p.user_id,
            "display_name": p.display_name,
            "store_id": p.store_id,
        }),
    ))
}
