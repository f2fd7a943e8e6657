//! JSON API handlers (api.md). Each parses its wire type, calls a use case and shapes
//! the answer; no business rules live here.

pub mod auth;
pub mod cards;
pub mod money;
pub mod openapi;
pub mod openapi_accounts;
pub mod openapi_cards;
mod openapi_schema;
pub mod residents;
pub mod stores;
pub mod system;

use super::error::WebError;
use super::reply::Reply;
use super::request::Ctx;
use crate::service::Principal;
use crate::service::money::movement::{self, Movement};

/// Runs a value-moving use case (group-committed), honouring `Idempotency-Key`: a retry
/// with the same key and body gets the first answer again and moves nothing.
pub fn value_moving<M, R>(
    ctx: &Ctx,
    who: &Principal,
    movement: M,
    render: R,
) -> Result<Reply, WebError>
where
    M: Movement,
    R: FnOnce(&M::Outcome) -> (u16, serde_json::Value) + Send + 'static,
{
    let a = movement::run(
        &ctx.shared,
        who,
        ctx.header("idempotency-key"),
        &money::fingerprint(ctx),
        movement,
        render,
    )?;
    Ok(money::answer(a))
}

/// `?limit=` (default 50, at most 500) and `?cursor=` (opaque; the last id seen).
pub struct Paging {
    pub after_id: i64,
    pub limit: i64,
}

impl Paging {
    pub fn from(ctx: &Ctx) -> Result<Paging, WebError> {
        for name in ["limit", "cursor"] {
            if ctx.query.iter().filter(|(k, _)| k == name).count() > 1 {
                return Err(WebError::BadRequest(format!("{name} is given twice")));
            }
        }
        let limit = match ctx.query_get("limit") {
            None => 50,
            Some(s) => s
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=500).contains(n))
                .ok_or_else(|| {
                    WebError::BadRequest("limit must be a whole number from 1 to 500".into())
                })?,
        };
        // An empty cursor is the first page (clients often start a loop with `cursor=`).
        let after_id = match ctx.query_get("cursor") {
            None | Some("") => 0,
            Some(s) => s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                WebError::BadRequest("cursor is not one this server gave out".into())
            })?,
        };
        Ok(Paging { after_id, limit })
    }

    /// The list body: `items`, and a cursor when the page was full.
    pub fn page(&self, items: Vec<serde_json::Value>, last_id: Option<i64>) -> serde_json::Value {
        let next = (items.len() as i64 == self.limit)
            .then_some(last_id)
            .flatten()
            .map(|id| id.to_string());
        serde_json::json!({ "items": items, "next_cursor": next })
    }
}
