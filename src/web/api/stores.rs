//! Stores: creation and staff by the secretariat, the public directory.

use serde::Deserialize;
use serde_json::{Value, json};

use super::Paging;
use crate::domain::{Code, StoreProfile, StoreStatus};
use crate::service::merchants::stores::{self, StoreRow};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;

/// The request body is the profile itself (`StoreProfile`: api.md's fields, unknown ones
/// refused).
pub fn create(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let profile: StoreProfile = ctx.json()?;
    let s = stores::create(ctx.app, ctx.who()?, profile)?;
    Ok(Reply::json(
        201,
        &json!({ "id": s.id, "mpm_code": s.mpm_code }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewStaffWire {
    login: String,
    password: String,
}

pub fn add_staff(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let store_id = ctx.param_id(0)?;
    let w: NewStaffWire = ctx.json()?;
    let id = stores::add_staff(ctx.app, ctx.who()?, store_id, &w.login, &w.password, false)?;
    Ok(Reply::json(201, &json!({ "id": id })))
}

/// The public directory. `q` matches name, reading and keywords in any kana or width.
pub fn list(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let paging = Paging::from(ctx)?;
    let q = ctx.query_get("q").map(str::to_owned);
    let category = ctx.query_get("category").map(str::to_owned);
    let rows = stores::search(
        ctx.app,
        q.as_deref(),
        category.as_deref(),
        paging.after_id,
        paging.limit,
    )?;
    let last = rows.last().map(|s| s.id);
    Ok(Reply::json(
        200,
        &paging.page(rows.iter().map(public_store).collect(), last),
    ))
}

pub fn get(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let s = stores::get(ctx.app, ctx.param_id(0)?)?;
    let mut v = public_store(&s);
    // The MPM code is printed at the till; the directory does not hand it out, so nobody
    // can pay a store from afar without standing in it. Its staff and the office see it.
    let p = ctx.principal.as_ref();
    if p.is_some_and(|p| p.role.is_staff() || p.store_id == Some(s.id)) {
        v["mpm_code"] = json!(s.mpm_code);
        v["status"] = json!(s.status.code());
    }
    if s.status != StoreStatus::Active
        && !p.is_some_and(|p| p.role.is_staff() || p.store_id == Some(s.id))
    {
        return Err(WebError::RouteNotFound);
    }
    Ok(Reply::json(200, &v))
}

/// A store as the directory shows it: its profile without the bank account, its id and
/// photo.
fn public_store(s: &StoreRow) -> Value {
    let mut v = serde_json::to_value(&s.profile).unwrap_or_else(|_| json!({}));
    if let Some(o) = v.as_object_mut() {
        o.remove("bank");
    }
    v["id"] = json!(s.id);
    v["photo_url"] = json!(crate::web::pages::directory::photo_url(s));
    v
}
