//! Bearer tokens for the API.

use serde::Deserialize;
use serde_json::json;

use crate::service::accounts;
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
        &json!({ "token": t.token, "role": t.role.as_str(), "subject_id": t.subject_id }),
    ))
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
