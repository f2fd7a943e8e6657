//! A card-selling store's counter: scan a card, take the cash, and the card is sold (an
//! unsold one) or charged (a rechargeable one already sold). The cash is what the store
//! owes the city (P4). Pressing twice, reloading or coming back moves value once.

use maud::html;

use super::{message, render, status_of};
use crate::domain::card::CardStatus;
use crate::domain::{Payer, Yen};
use crate::i18n::Msg;
use crate::service::money::ledger::{self, ChargeRequest, Method};
use crate::service::money::{cards, idempotency, movement};
use crate::service::{ServiceError, crypto};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::yen;
use crate::web::views::{Field, alert, csrf_field, notice};

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, None, "", "")
}

fn page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    code: &str,
    amount: &str,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?;
    let done = ctx.query_get("balance").and_then(|b| b.parse::<i64>().ok());
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        @if let Some(b) = done { (notice(&l.f(Msg::DoneTheCardNowHolds, &[("balance", &yen(l, Yen(b)))]))) }
        div.scanner hidden data-fill="f-code" {
            video #scan-video hidden playsinline muted {}
            p.small { (l.t(Msg::HoldTheCardsQrToTheCamera)) }
        }
        form.card method="post" action="/shop/cards" {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="key" value=(idempotency::confirmation_key(ctx.app, who, "shop-card"));
            (Field::new(l.t(Msg::CardsCode), "code").value(code).required(true).render(l))
            (Field::new(l.t(Msg::CashTakenYen), "amount").kind("number").value(amount).hint(l.t(Msg::SingleUseCardsTakeTheirOwnAmount)).render(l))
            (Field::new(l.t(Msg::CardPin), "pin").kind("password").hint(l.t(Msg::CardsAskForAPin)).render(l))
            button.primary type="submit" { (l.t(Msg::SellOrChargeTheCard)) }
        }
        p { a href="/shop" { (l.t(Msg::BackToTheTill)) } }
        script src="/assets/jsQR.js" {}
        script src="/assets/scan.js" {}
    };
    Ok(render(ctx, status, l.t(Msg::SellAndChargeCards), body))
}

pub fn sell_or_charge(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let who = ctx.who()?.clone();
    let code = field(&form, "code").unwrap_or("").trim().to_owned();
    let typed = field(&form, "amount").unwrap_or("").trim().to_owned();
    let key = field(&form, "key").unwrap_or("").to_owned();
    if !idempotency::confirmation_key_is_ours(ctx.app, &who, "shop-card", &key) {
        return page(
            ctx,
            400,
            Some(l.t(Msg::ThisFormWasAlreadyUsed)),
            &code,
            &typed,
        );
    }
    let amount = if typed.is_empty() {
        Some(Yen(0))
    } else {
        Yen::parse_typed(&typed)
    };
    let Some(amount) = amount else {
        return page(
            ctx,
            400,
            Some(l.t(Msg::TypeTheAmountInDigits3)),
            &code,
            &typed,
        );
    };
    let card = match cards::scanned(ctx.app, &who, &code) {
        Ok(c) => c,
        Err(e) => return page(ctx, status_of(&e), Some(&message(ctx, &e)), &code, &typed),
    };
    let fp = crypto::sha256(format!("page-shop-card {} {}", card.id, amount.0).as_bytes());
    let result = if card.status == CardStatus::Issued {
        movement::run(
            &ctx.shared,
            &who,
            Some(&key),
            &fp,
            movement::SellCard {
                card_id: card.id,
                amount,
                pin: field(&form, "pin").map(str::to_owned),
            },
            |o| {
                (
                    201,
                    serde_json::json!({ "balance": o.charge.as_ref().map_or(0, |c| c.balance.0) }),
                )
            },
        )
    } else {
        let rq = ChargeRequest {
            holder: Payer::Card(card.id),
            amount,
            method: Method::Cash,
            program: None,
            expires_at: None,
        };
        if amount.0 <= 0 {
            return page(
                ctx,
                400,
                Some(l.t(Msg::TypeTheAmountInDigits3)),
                &code,
                &typed,
            );
        }
        ledger::charge_paid(&ctx.shared, &who, &rq, Some(&key), &fp)
    };
    match result {
        Ok(a) => Ok(Reply::redirect(&format!(
            "/shop/cards?balance={}",
            serde_json::from_str::<serde_json::Value>(&a.body)
                .ok()
                .and_then(|v| v["balance"].as_i64())
                .unwrap_or(0)
        ))),
        Err(ServiceError::IdempotencyConflict) => page(
            ctx,
            409,
            Some(l.t(Msg::ThisFormWasAlreadyUsed)),
            &code,
            &typed,
        ),
        Err(e) if status_of(&e) < 500 => {
            page(ctx, status_of(&e), Some(&message(ctx, &e)), &code, &typed)
        }
        Err(e) => Err(e.into()),
    }
}
