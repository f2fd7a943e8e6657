//! The Cards endpoints of api.md: batches, a batch's cards, freezing, selling, the
//! office's look at one card, and moving a card into the resident's account.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Paging, value_moving};
use crate::domain::card::CardKind;
use crate::domain::{Code, Payer, Yen};
use crate::service::money::cards::{self, CardRow, IssueBatch, PrintedCard};
use crate::service::money::movement;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;

/// Batches up to this size list their cards in the answer; larger ones page them.
const LISTED: i64 = 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreloadWire {
    program: String,
    amount: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchWire {
    count: i64,
    kind: String,
    preload: Option<PreloadWire>,
    #[serde(default)]
    pin: bool,
}

pub fn issue_batch(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: BatchWire = ctx.json()?;
    let kind = CardKind::parse(&w.kind)
        .ok_or_else(|| WebError::BadRequest("kind must be rechargeable or single_use".into()))?;
    let preload = match w.preload {
        Some(p) => Some((p.program, super::money::amount(p.amount)?)),
        None => None,
    };
    let who = ctx.who()?.clone();
    let (batch, printed) = cards::issue_batch(
        ctx.app,
        &who,
        &IssueBatch {
            kind,
            count: w.count,
            preload,
            pin_required: w.pin,
        },
    )?;
    let mut body = json!({ "batch_id": batch });
    if w.count <= LISTED {
        body["cards"] = printed.iter().map(printed_json).collect();
    }
    Ok(Reply::json(201, &body))
}

/// `GET /api/v1/card-batches/{id}/cards`: a batch's cards as printed, paged.
pub fn batch_cards(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    let paging = Paging::from(ctx)?;
    let who = ctx.who()?.clone();
    let (_, printed) = cards::batch_cards(ctx.app, &who, id, paging.after_id, paging.limit)?;
    let next = (printed.len() as i64 == paging.limit)
        .then(|| printed.last().map(|c| c.id.to_string()))
        .flatten();
    Ok(Reply::json(
        200,
        &json!({ "items": printed.iter().map(printed_json).collect::<Vec<_>>(), "next_cursor": next }),
    ))
}

fn printed_json(c: &PrintedCard) -> Value {
    json!({ "id": c.id, "serial": c.serial.as_str(), "qr": c.qr })
}

fn card_json(c: &CardRow) -> Value {
    json!({
        "id": c.id,
        "serial": c.serial.as_str(),
        "batch_id": c.batch_id,
        "kind": c.kind.code(),
        "status": c.status.code(),
    })
}

pub fn freeze(ctx: &mut Ctx) -> Result<Reply, WebError> {
    set_frozen(ctx, true)
}

pub fn unfreeze(ctx: &mut Ctx) -> Result<Reply, WebError> {
    set_frozen(ctx, false)
}

fn set_frozen(ctx: &mut Ctx, frozen: bool) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    let who = ctx.who()?.clone();
    let card = cards::set_frozen(ctx.app, &who, id, frozen)?;
    Ok(Reply::json(200, &card_json(&card)))
}

/// `GET /api/v1/cards/{id}`: the card and what it holds, for the office.
pub fn get(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    let who = ctx.who()?.clone();
    let card = cards::card(ctx.app, &who, id)?;
    let mut v = card_json(&card);
    let balance = super::money::balance_json(ctx, Payer::Card(id))?;
    v["balance"] = serde_json::from_slice(&balance.body).unwrap_or(Value::Null);
    Ok(Reply::json(200, &v))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaleWire {
    #[serde(default)]
    amount: i64,
    pin: Option<String>,
}

/// `POST /api/v1/cards/{id}/sale`: a card-selling store sells the card for cash.
pub fn sell(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let card_id = ctx.param_id(0)?;
    let w: SaleWire = ctx.json()?;
    if !(0..=10_000_000).contains(&w.amount) {
        return Err(WebError::BadRequest(
            "amount must be a whole number of yen from 0 to 10,000,000".into(),
        ));
    }
    let who = ctx.who()?.clone();
    value_moving(
        ctx,
        &who,
        movement::SellCard {
            card_id,
            amount: Yen(w.amount),
            pin: w.pin,
        },
        |o| {
            (
                201,
                json!({
                    "card_id": o.card_id,
                    "serial": o.serial.as_str(),
                    "charge_id": o.charge.as_ref().map(|c| c.charge_id),
                    "amount": o.charge.as_ref().map_or(0, |c| c.amount.0),
                    "premium_granted": o.charge.as_ref().map_or(0, |c| c.premium_granted.0),
                    "balance": o.charge.as_ref().map_or(0, |c| c.balance.0),
                }),
            )
        },
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MigrationWire {
    card_qr: String,
    pin: Option<String>,
}

/// `POST /api/v1/me/card-migrations`: the card's value moves into the caller's wallet.
pub fn migrate(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: MigrationWire = ctx.json()?;
    let who = ctx.who()?.clone();
    cards::count_pin_attempt(ctx.app, &w.card_qr, w.pin.as_deref())?;
    value_moving(
        ctx,
        &who,
        movement::MigrateCard {
            card_qr: w.card_qr,
            pin: w.pin,
        },
        |y| (201, json!({ "moved_amount": y.0 })),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReissueWire {
    new_card_id: i64,
}

/// `POST /api/v1/cards/{id}/reissue`: a lost card's value onto a new card from stock.
pub fn reissue(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let lost = ctx.param_id(0)?;
    let w: ReissueWire = ctx.json()?;
    let who = ctx.who()?.clone();
    let new = w.new_card_id;
    value_moving(ctx, &who, movement::ReissueCard { lost, new }, move |y| {
        (201, json!({ "card_id": new, "moved_amount": y.0 }))
    })
}
