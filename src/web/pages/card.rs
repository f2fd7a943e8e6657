//! The page a printed card's QR opens on any phone: what the card holds, its lots and
//! their expiries, without logging in and without personal data; a logged-in resident
//! may move it all into their own account (M5).

use maud::html;

use super::{message, render, status_of};
use crate::domain::card::CardStatus;
use crate::domain::{Role, Text};
use crate::i18n::Msg;
use crate::service::money::{cards, idempotency, movement};
use crate::service::{ServiceError, crypto};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field, percent_encode};
use crate::web::views::money::{amount, yen};
use crate::web::views::{Field, alert, csrf_field, notice};

/// `GET /c/{code}`.
pub fn balance(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let code = ctx.params.first().cloned().unwrap_or_default();
    card_page(ctx, 200, None, &code)
}

fn card_page(ctx: &Ctx, status: u16, error: Option<&str>, code: &str) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let b = cards::balance(ctx.app, code)?;
    let resident = ctx.principal.as_ref().filter(|p| p.role == Role::Resident);
    let here = format!("/c/{}", percent_encode(code));
    let status_text = match b.card.status {
        CardStatus::Issued => l.t(Msg::ThisCardHasNotBeenSold),
        CardStatus::Active => l.t(Msg::CardInUse),
        CardStatus::Frozen => l.t(Msg::ThisCardIsStopped),
        CardStatus::Migrated => l.t(Msg::ThisCardsValueWasMoved),
    };
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        @if ctx.query_get("moved").is_some() { (notice(l.t(Msg::TheCardsValueIsNowInYourAccount))) }
        section.card {
            p.small { (l.t(Msg::CardNumber)) " " span.num { (b.card.serial.grouped()) } }
            p.big-amount { (yen(l, b.yen)) }
            @if b.points.0 > 0 { p { (l.t(Msg::Points)) " " (amount(l, crate::domain::Unit::Points, b.points)) } }
            p { (status_text) }
        }
        @if !b.lots.is_empty() {
            table.lots {
                thead { tr { th scope="col" { (l.t(Msg::Program)) } th scope="col" { (l.t(Msg::Amount)) } th scope="col" { (l.t(Msg::UsableUntil)) } } }
                tbody {
                    @for (name, left, unit, expires) in &b.lots {
                        tr {
                            td { (name) }
                            td.num { (amount(l, *unit, *left)) }
                            td { @match expires { Some(e) => (l.date(*e - 1)), None => (l.t(Msg::NoExpiry)) } }
                        }
                    }
                }
            }
        }
        @if b.card.status == CardStatus::Active {
            @if let Some(who) = resident {
                form.card method="post" action=(here) {
                    (csrf_field(&ctx.csrf_token()))
                    // One key per page: pressing twice, reloading or coming back moves once.
                    input type="hidden" name="key" value=(idempotency::confirmation_key(ctx.app, who, &format!("card-move {code}")));
                    p { (l.t(Msg::MoveEverythingOnThisCard)) }
                    @if b.card.pin_hash.is_some() {
                        (Field::new(l.t(Msg::CardPin), "pin").kind("password").required(true).autocomplete("off").render(l))
                    }
                    button.primary type="submit" { (l.t(Msg::MoveItIntoMyAccount)) }
                }
            } @else {
                p.small { (l.t(Msg::HaveTheAppLogInTo)) " " a href={ "/login?next=" (percent_encode(&here)) } { (l.t(Msg::LogIn)) } }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::CardBalance), body))
}

/// `POST /c/{code}`: moves the card's value into the resident's account.
pub fn move_to_account(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let code = ctx.params.first().cloned().unwrap_or_default();
    let form = ctx.form();
    let who = ctx.who()?.clone();
    let key = field(&form, "key").unwrap_or("").to_owned();
    if !idempotency::confirmation_key_is_ours(ctx.app, &who, &format!("card-move {code}"), &key) {
        return card_page(ctx, 400, Some(l.t(Msg::ThisFormWasAlreadyUsed)), &code);
    }
    let pin = field(&form, "pin").map(str::to_owned);
    if let Err(e) = cards::count_pin_attempt(ctx.app, &code, pin.as_deref()) {
        return card_page(ctx, status_of(&e), Some(&message(ctx, &e)), &code);
    }
    let fp = crypto::sha256(format!("page-card-move {code}").as_bytes());
    let result = movement::run(
        &ctx.shared,
        &who,
        Some(&key),
        &fp,
        movement::MigrateCard {
            card_qr: code.clone(),
            pin: pin.clone(),
        },
        |y| (201, serde_json::json!({ "moved_amount": y.0 })),
    );
    match result {
        Ok(_) => Ok(Reply::redirect(&format!(
            "/c/{}?moved=1",
            percent_encode(&code)
        ))),
        Err(ServiceError::IdempotencyConflict) => Err(WebError::Service(ServiceError::Conflict(
            Text::new(Msg::ThisFormWasAlreadyUsed),
        ))),
        Err(e) if status_of(&e) < 500 => {
            card_page(ctx, status_of(&e), Some(&message(ctx, &e)), &code)
        }
        Err(e) => Err(e.into()),
    }
}
