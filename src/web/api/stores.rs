//! Stores: creation and staff by the secretariat, the public directory.

use serde::Deserialize;
use serde_json::{Value, json};

use super::Paging;
use crate::service::merchants::stores::{self, BankAccount, NewStore, StoreRow};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewStoreWire {
    name: String,
    name_kana: String,
    category: String,
    address: String,
    phone: Option<String>,
    hours: Option<String>,
    holidays: Option<String>,
    pr: Option<String>,
    url: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    #[serde(default)]
    accepts: Vec<String>,
    #[serde(default)]
    sells_cards: bool,
    bank: Option<BankAccount>,
}

pub fn create(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: NewStoreWire = ctx.json()?;
    let s = stores::create(
        ctx.app,
        ctx.who()?,
        NewStore {
            name: w.name,
            name_kana: w.name_kana,
            category: w.category,
            address: w.address,
            phone: w.phone,
            hours: w.hours,
            holidays: w.holidays,
            pr: w.pr,
            url: w.url,
            keywords: w.keywords,
            lat: w.lat,
            lng: w.lng,
            accepts: w.accepts,
            sells_cards: w.sells_cards,
            bank: w.bank,
        },
    )?;
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
        v["status"] = json!(s.status);
    }
    if s.status != "active" && !p.is_some_and(|p| p.role.is_staff() || p.store_id == Some(s.id)) {
        return Err(WebError::RouteNotFound);
    }
    Ok(Reply::json(200, &v))
}

fn public_store(s: &StoreRow) -> Value {
    json!({
        "id": s.id,
        "name": s.name,
        "name_kana": s.name_kana,
        "category": s.category,
        "address": s.address,
        "phone": s.phone,
        "hours": s.hours,
        "holidays": s.holidays,
        "pr": s.pr,
        "url": s.url,
        "keywords": s.keywords,
        "lat": s.lat,
        "lng": s.lng,
        "accepts": s.accepts,
        "sells_cards": s.sells_cards,
        "photo_url": crate::web::pages::directory::photo_url(s),
    })
}
