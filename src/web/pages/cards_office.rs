//! The office's cards: issue a batch, see its cards, find a card by its serial, freeze a
//! lost one or let it pay again, and sell (hand out) a card at the counter.

use maud::{Markup, html};

use super::{message, render, status_of};
use crate::domain::card::{CardKind, CardStatus, Serial};
use crate::domain::{Code, Role, Yen};
use crate::i18n::Msg;
use crate::service::money::cards::{self, IssueBatch};
use crate::service::money::{idempotency, ledger, movement, programs};
use crate::service::{ServiceError, crypto};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::{amount, yen};
use crate::web::views::{Field, Lang, alert, csrf_field, notice};

/// Cards listed on a batch's page.
const SHOWN: i64 = 200;

pub fn list(ctx: &mut Ctx) -> Result<Reply, WebError> {
    list_page(ctx, 200, None)
}

fn list_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?;
    let batches = cards::batches(ctx.app, who)?;
    let all = programs::all(ctx.app);
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        form.card method="get" action="/office/cards/find" {
            (Field::new(l.t(Msg::CardNumber), "serial").required(true).hint(l.t(Msg::TheTwelveDigitsUnderTheQr)).render(l))
            button type="submit" { (l.t(Msg::FindTheCard)) }
        }
        @if who.role == Role::Admin {
            form.card method="post" action="/office/cards" {
                h2 { (l.t(Msg::IssueCards)) }
                (csrf_field(&ctx.csrf_token()))
                (Field::new(l.t(Msg::NumberOfCards), "count").kind("number").required(true).render(l))
                fieldset {
                    legend { (l.t(Msg::KindOfCard)) }
                    label.choice { input type="radio" name="kind" value="rechargeable" checked; " " (l.t(Msg::CardRechargeable)) }
                    label.choice { input type="radio" name="kind" value="single_use"; " " (l.t(Msg::CardSingleUse)) }
                }
                div.field {
                    label for="f-program" { (l.t(Msg::SingleUseCardsCarry)) }
                    select #f-program name="program" {
                        option value="" { "—" }
                        @for p in all.values() { option value=(p.code) { (p.name) } }
                    }
                }
                (Field::new(l.t(Msg::AmountYen2), "amount").kind("number").render(l))
                label.choice { input type="checkbox" name="pin" value="1"; " " (l.t(Msg::CardsAskForAPin)) }
                button.primary type="submit" { (l.t(Msg::IssueCards)) }
            }
        }
        h2 { (l.t(Msg::CardBatches)) }
        @for b in &batches {
            section.card {
                h3 { a href={ "/office/cards/batches/" (b.id) } { (l.f(Msg::CardBatchNumber, &[("id", &b.id.to_string())])) } }
                p { (kind_label(l, b.kind)) " · " (l.f(Msg::CardsSoldOfIssued, &[("sold", &b.sold.to_string()), ("count", &b.count.to_string())])) " · " (l.date(b.created_at)) }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::Cards), body))
}

/// Issues a batch (admin) and shows it.
pub fn issue(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let form = ctx.form();
    let who = ctx.who()?.clone();
    let count = field(&form, "count")
        .and_then(|c| c.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let kind = field(&form, "kind")
        .and_then(CardKind::parse)
        .unwrap_or(CardKind::Rechargeable);
    let preload = match (
        field(&form, "program").filter(|p| !p.is_empty()),
        field(&form, "amount").and_then(Yen::parse_typed),
    ) {
        (Some(p), Some(y)) if kind == CardKind::SingleUse => Some((p.to_owned(), y)),
        _ => None,
    };
    let pin_required = field(&form, "pin") == Some("1");
    match cards::issue_batch(
        ctx.app,
        &who,
        &IssueBatch {
            kind,
            count,
            preload,
            pin_required,
        },
    ) {
        Ok((id, _)) => Ok(Reply::redirect(&format!(
            "/office/cards/batches/{id}?issued=1"
        ))),
        Err(e) if status_of(&e) < 500 => list_page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}

pub fn batch(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let id = ctx.param_id(0)?;
    let who = ctx.who()?.clone();
    let (b, printed) = cards::batch_cards(ctx.app, &who, id, 0, SHOWN)?;
    let body = html! {
        @if ctx.query_get("issued").is_some() { (notice(&l.f(Msg::CardsWereIssued, &[("count", &b.count.to_string())]))) }
        dl.confirm {
            dt { (l.t(Msg::KindOfCard)) } dd { (kind_label(l, b.kind)) }
            @if let Some((p, y)) = &b.preload { dt { (l.t(Msg::SingleUseCardsCarry)) } dd { (p) " " (yen(l, Yen(*y))) } }
            dt { (l.t(Msg::NumberOfCards)) } dd.num { (b.count) }
        }
        table {
            thead { tr { th scope="col" { (l.t(Msg::CardNumber)) } } }
            tbody {
                @for c in &printed { tr { td { a href={ "/office/cards/" (c.id) } { (c.serial.grouped()) } } } }
            }
        }
        @if b.count > SHOWN { p.small { (l.f(Msg::FirstCardsShown, &[("n", &SHOWN.to_string())])) } }
        p { a href="/office/cards" { (l.t(Msg::BackToTheList)) } }
    };
    Ok(render(
        ctx,
        200,
        &l.f(Msg::CardBatchNumber, &[("id", &id.to_string())]),
        body,
    ))
}

/// `GET /office/cards/find?serial=`: on to the card's page, or back with why not.
pub fn find(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let typed = ctx.query_get("serial").unwrap_or("").to_owned();
    let who = ctx.who()?.clone();
    match Serial::parse(&typed).map(|s| cards::card(ctx.app, &who, s.number())) {
        Some(Ok(c)) => Ok(Reply::redirect(&format!("/office/cards/{}", c.id))),
        _ => list_page(ctx, 404, Some(ctx.lang.t(Msg::NoCardHasThisNumber))),
    }
}

pub fn show(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    card_page(ctx, 200, None, id)
}

fn card_page(ctx: &Ctx, status: u16, error: Option<&str>, id: i64) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?;
    let card = cards::card(ctx.app, who, id)?;
    let b = ledger::balance(ctx.app, crate::domain::Payer::Card(id))?;
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        @if let Some(done) = ctx.query_get("done") { (notice(l.t(match done { "sold" => Msg::TheCardWasSold, "frozen" => Msg::TheCardWasStopped, "reissued" => Msg::TheValueMovedToTheNewCard, _ => Msg::TheCardPaysAgain }))) }
        dl.confirm {
            dt { (l.t(Msg::CardNumber)) } dd.num { (card.serial.grouped()) }
            dt { (l.t(Msg::KindOfCard)) } dd { (kind_label(l, card.kind)) }
            dt { (l.t(Msg::Status)) } dd.status { (status_label(l, card.status)) }
            dt { (l.t(Msg::Balance)) } dd.num { (yen(l, b.total)) }
        }
        @if !b.lots.is_empty() {
            ul { @for lot in &b.lots { li { (lot.program_name) " " (amount(l, lot.unit, lot.amount)) @if let Some(e) = lot.expires_at { " · " (l.f(Msg::UntilDate, &[("date", &l.date(e - 1))])) } } } }
        }
        (actions(ctx, l, &card))
        p { a href={ "/office/cards/batches/" (card.batch_id) } { (l.f(Msg::CardBatchNumber, &[("id", &card.batch_id.to_string())])) } }
    };
    Ok(render(ctx, status, l.t(Msg::Card), body))
}

fn actions(ctx: &Ctx, l: Lang, card: &cards::CardRow) -> Markup {
    let Ok(who) = ctx.who() else { return html! {} };
    html! {
        @match card.status {
            CardStatus::Issued => {
                form.card method="post" action={ "/office/cards/" (card.id) "/sell" } {
                    (csrf_field(&ctx.csrf_token()))
                    input type="hidden" name="key" value=(idempotency::confirmation_key(ctx.app, who, &format!("card-sell {}", card.id)));
                    @if card.kind == CardKind::Rechargeable {
                        (Field::new(l.t(Msg::CashTakenYen), "amount").kind("number").value("0").render(l))
                    }
                    @if card.pin_required {
                        (Field::new(l.t(Msg::CardPin), "pin").kind("password").required(true).render(l))
                    }
                    button.primary type="submit" { (l.t(Msg::SellTheCard)) }
                }
            }
            CardStatus::Active => {
                form method="post" action={ "/office/cards/" (card.id) "/freeze" } {
                    (csrf_field(&ctx.csrf_token()))
                    button.danger type="submit" { (l.t(Msg::StopTheCardLost)) }
                }
                (reissue_form(ctx, l, card.id))
            }
            CardStatus::Frozen => {
                form method="post" action={ "/office/cards/" (card.id) "/unfreeze" } {
                    (csrf_field(&ctx.csrf_token()))
                    button type="submit" { (l.t(Msg::LetTheCardPayAgain)) }
                }
                (reissue_form(ctx, l, card.id))
            }
            CardStatus::Migrated => {}
        }
    }
}

fn reissue_form(ctx: &Ctx, l: Lang, id: i64) -> Markup {
    let Ok(who) = ctx.who() else { return html! {} };
    html! {
        form.card method="post" action={ "/office/cards/" (id) "/reissue" } {
            h2 { (l.t(Msg::ReissueOntoANewCard)) }
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="key" value=(idempotency::confirmation_key(ctx.app, who, &format!("card-reissue {id}")));
            (Field::new(l.t(Msg::TheNewCardsNumber), "serial").required(true).hint(l.t(Msg::TheTwelveDigitsUnderTheQr)).render(l))
            button type="submit" { (l.t(Msg::ReissueOntoANewCard)) }
        }
    }
}

/// Moves a lost card's value onto the new card whose serial was typed: once.
pub fn reissue(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    let form = ctx.form();
    let who = ctx.who()?.clone();
    let key = field(&form, "key").unwrap_or("").to_owned();
    let Some(new) = field(&form, "serial").and_then(Serial::parse) else {
        return card_page(ctx, 400, Some(ctx.lang.t(Msg::NoCardHasThisNumber)), id);
    };
    if !idempotency::confirmation_key_is_ours(ctx.app, &who, &format!("card-reissue {id}"), &key) {
        return card_page(ctx, 400, Some(ctx.lang.t(Msg::ThisFormWasAlreadyUsed)), id);
    }
    let new = new.number();
    let fp = crypto::sha256(format!("page-card-reissue {id} {new}").as_bytes());
    let result = movement::run(
        &ctx.shared,
        &who,
        Some(&key),
        &fp,
        movement::ReissueCard { lost: id, new },
        |y| (201, serde_json::json!({ "moved_amount": y.0 })),
    );
    match result {
        Ok(_) => Ok(Reply::redirect(&format!(
            "/office/cards/{new}?done=reissued"
        ))),
        Err(ServiceError::IdempotencyConflict) => {
            card_page(ctx, 409, Some(ctx.lang.t(Msg::ThisFormWasAlreadyUsed)), id)
        }
        Err(e) if status_of(&e) < 500 => card_page(ctx, status_of(&e), Some(&message(ctx, &e)), id),
        Err(e) => Err(e.into()),
    }
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
    match cards::set_frozen(ctx.app, &who, id, frozen) {
        Ok(_) => Ok(Reply::redirect(&format!(
            "/office/cards/{id}?done={}",
            if frozen { "frozen" } else { "unfrozen" }
        ))),
        Err(e) if status_of(&e) < 500 => card_page(ctx, status_of(&e), Some(&message(ctx, &e)), id),
        Err(e) => Err(e.into()),
    }
}

/// Sells the card at the counter: once, however often the button is pressed.
pub fn sell(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let id = ctx.param_id(0)?;
    let form = ctx.form();
    let who = ctx.who()?.clone();
    let key = field(&form, "key").unwrap_or("").to_owned();
    let typed = field(&form, "amount").unwrap_or("0").trim().to_owned();
    let amount = if typed.is_empty() || typed == "0" {
        Some(Yen(0))
    } else {
        Yen::parse_typed(&typed)
    };
    let Some(amount) = amount else {
        return card_page(ctx, 400, Some(ctx.lang.t(Msg::TypeTheAmountInDigits3)), id);
    };
    if !idempotency::confirmation_key_is_ours(ctx.app, &who, &format!("card-sell {id}"), &key) {
        return card_page(ctx, 400, Some(ctx.lang.t(Msg::ThisFormWasAlreadyUsed)), id);
    }
    let fp = crypto::sha256(format!("page-card-sell {id} {}", amount.0).as_bytes());
    let result = movement::run(
        &ctx.shared,
        &who,
        Some(&key),
        &fp,
        movement::SellCard {
            card_id: id,
            amount,
            pin: field(&form, "pin").map(str::to_owned),
        },
        |o| (201, serde_json::json!({ "card_id": o.card_id })),
    );
    match result {
        Ok(_) => Ok(Reply::redirect(&format!("/office/cards/{id}?done=sold"))),
        Err(ServiceError::IdempotencyConflict) => {
            card_page(ctx, 409, Some(ctx.lang.t(Msg::ThisFormWasAlreadyUsed)), id)
        }
        Err(e) if status_of(&e) < 500 => card_page(ctx, status_of(&e), Some(&message(ctx, &e)), id),
        Err(e) => Err(e.into()),
    }
}

pub fn kind_label(l: Lang, k: CardKind) -> &'static str {
    l.t(match k {
        CardKind::Rechargeable => Msg::CardRechargeable,
        CardKind::SingleUse => Msg::CardSingleUse,
    })
}

pub fn status_label(l: Lang, s: CardStatus) -> &'static str {
    l.t(match s {
        CardStatus::Issued => Msg::CardIssued,
        CardStatus::Active => Msg::CardActive,
        CardStatus::Frozen => Msg::CardFrozen,
        CardStatus::Migrated => Msg::CardMigrated,
    })
}
