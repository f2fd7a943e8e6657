//! Health, metrics, the OpenAPI document and the sandbox clock.

use crate::i18n::Msg;
use serde::Deserialize;
use serde_json::json;

use crate::domain::time::parse_rfc3339;
use crate::service::adapters::sandbox;
use crate::service::operations::metrics;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;

/// Answers ok only when the database answers too, so a watchdog sees a stuck store.
pub fn healthz(ctx: &mut Ctx) -> Result<Reply, WebError> {
    ctx.app.database_answers()?;
    Ok(Reply::json(200, &json!({ "status": "ok" })))
}

/// Prometheus text format. Admin tokens only (a scraper gets one with `meguri token create
/// --role admin`).
pub fn metrics(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let gauges = metrics::gauges(ctx.app)?;
    Ok(Reply::bytes(
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        ctx.app.metrics.render(&gauges).into_bytes(),
    ))
}

pub fn openapi(_ctx: &mut Ctx) -> Result<Reply, WebError> {
    Ok(Reply::json(200, &super::openapi::document()))
}

fn clock_off() -> WebError {
    WebError::Service(crate::service::not_found(Msg::TheSandboxClockIsOffStart))
}

pub fn get_clock(ctx: &mut Ctx) -> Result<Reply, WebError> {
    if !ctx.app.clock.is_fake() {
        return Err(clock_off());
    }
    Ok(Reply::json(
        200,
        &json!({ "now": ctx.app.clock.now().to_rfc3339(), "frozen": ctx.app.clock.is_frozen() }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetClock {
    now: String,
    /// Stand still at `now` instead of running on from it.
    #[serde(default)]
    frozen: bool,
}

pub fn set_clock(ctx: &mut Ctx) -> Result<Reply, WebError> {
    if !ctx.app.clock.is_fake() {
        return Err(clock_off());
    }
    let body: SetClock = ctx.json()?;
    let to = parse_rfc3339(&body.now)
        .ok_or_else(|| WebError::BadRequest("now must be an RFC 3339 time with offset".into()))?;
    let now = sandbox::set_clock(ctx.app, ctx.who()?, to, body.frozen)?;
    Ok(Reply::json(
        200,
        &json!({ "now": now.to_rfc3339(), "frozen": body.frozen }),
    ))
}

/// Sandbox only: a handler that panics, so operators and tests can see that a failing
/// handler is answered with 500 and the worker lives on.
pub fn panic(ctx: &mut Ctx) -> Result<Reply, WebError> {
    if !ctx.app.clock.is_fake() {
        return Err(clock_off());
    }
    panic!("deliberate panic requested through the sandbox");
}

/// Published notices, newest first.
pub fn notices(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let items: Vec<serde_json::Value> = crate::service::communication::notices::published(
        ctx.app, 100,
    )?
    .into_iter()
    .map(|n| {
        json!({
            "id": n.id,
            "title": n.title,
            "body": n.body,
            "published_at": crate::domain::time::rfc3339(n.publish_at.unwrap_or(n.created_at)),
        })
    })
    .collect();
    Ok(Reply::json(
        200,
        &json!({ "items": items, "next_cursor": null }),
    ))
}
