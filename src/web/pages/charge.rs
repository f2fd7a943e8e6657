//! Charging from the phone: choose an amount and a method, confirm, done. The
//! confirmation is reached by Post/Redirect/Get and bound to one retry key in its
//! address, so Back, reload and pressing again charge at most once.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::resident::{answer_id, me};
use super::{message, render, status_of};
use crate::domain::{Code, Payer, Yen};
use crate::service::money::ledger::{self, ChargeRequest, Method};
use crate::service::{crypto, money::idempotency, money::programs};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::yen;
use crate::web::views::{alert, csrf_field, notice};

// --- charge -----------------------------------------------------------------------

const PRESETS: [i64; 6] = [1_000, 3_000, 5_000, 10_000, 20_000, 30_000];

fn sandbox_notice(ctx: &Ctx) -> Markup {
    let l = ctx.lang;
    html! {
        @if ctx.app.provider.as_ref().is_some_and(|p| p.name() == "sandbox") {
            p.notice role="note" { (l.t(Msg::ThisIsATestPayment)) }
        }
    }
}

pub fn charge_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let amount = ctx.query_get("amount").unwrap_or("").to_owned();
    Ok(charge_page(ctx, 200, None, &amount))
}

fn charge_page(ctx: &Ctx, status: u16, error: Option<&str>, amount: &str) -> Reply {
    let l = ctx.lang;
    let unit = programs::all(ctx.app)
        .get("cash")
        .map(|p| p.charge_unit)
        .unwrap_or(Yen(1));
    if ctx.app.provider.is_none() {
        // No provider: say where money can be charged instead of offering a form that
        // can only be refused.
        let body = html! {
            (notice(&message(ctx, &crate::service::adapters::provider::unavailable())))
            p { a.button href="/stores" { (l.t(Msg::FindAStore)) } }
            p { a href="/app" { (l.t(Msg::GoToMyPage)) } }
        };
        return render(ctx, status, l.t(Msg::Charge), body);
    }
    let body = html! {
        (sandbox_notice(ctx))
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/app/charge/confirm" {
            (csrf_field(&ctx.csrf_token()))
            fieldset.presets {
                legend { (l.t(Msg::AmountToCharge)) }
                @for p in PRESETS {
                    label.choice { input type="radio" name="preset" value=(p) checked[amount == p.to_string()]; " " (yen(l, Yen(p))) }
                }
            }
            div.field {
                label for="f-other" { (l.t(Msg::AnotherAmountYen)) }
                @if unit.0 > 1 { small #f-other-hint { (l.f(Msg::ChargeUnitHint, &[("unit", &yen(l, unit))])) } }
                input #f-other name="other" type="text" inputmode="numeric" autocomplete="off" value=(if PRESETS.iter().any(|p| p.to_string() == amount) { "" } else { amount });
            }
            fieldset {
                legend { (l.t(Msg::PayWith)) }
                label.choice { input type="radio" name="method" value="credit_card" checked; " " (l.t(Msg::CreditCard)) }
                label.choice { input type="radio" name="method" value="bank"; " " (l.t(Msg::BankAccount)) }
            }
            button.primary type="submit" { (l.t(Msg::Continue2)) }
        }
    };
    render(ctx, status, l.t(Msg::Charge), body)
}

fn charge_request(
    ctx: &Ctx,
    form: &[(String, String)],
    resident: i64,
) -> Result<ChargeRequest, String> {
    let l = ctx.lang;
    let typed = field(form, "other")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let amount = typed
        .or(field(form, "preset"))
        .and_then(Yen::parse_typed)
        .ok_or_else(|| l.t(Msg::ChooseOrTypeAnAmount).to_owned())?;
    let method = match field(form, "method") {
        Some("bank") => Method::Bank,
        None | Some("credit_card") => Method::CreditCard,
        // The page offers only these two; anything else is not quietly made a card.
        Some(_) => {
            return Err(l.t(Msg::ChooseHowToPay).to_owned());
        }
    };
    Ok(ChargeRequest {
        holder: Payer::Resident(resident),
        amount,
        method,
        program: None,
        expires_at: None,
    })
}

/// The amount form's answer: checked, then sent on to the confirmation's own address
/// with a fresh retry key (Post/Redirect/Get).
pub fn charge_confirm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let (who, resident) = me(ctx)?;
    let form = ctx.form();
    let rq = match charge_request(ctx, &form, resident) {
        Ok(rq) => rq,
        Err(e) => return Ok(charge_page(ctx, 400, Some(&e), "")),
    };
    let key = idempotency::confirmation_key(ctx.app, &who, &charge_purpose(&rq));
    Ok(Reply::redirect(&format!(
        "/app/charge/confirm?other={}&method={}&key={key}",
        rq.amount.0,
        rq.method.code(),
    )))
}

/// What a charge confirmation's key is bound to: this amount and this method.
fn charge_purpose(rq: &ChargeRequest) -> String {
    format!("charge {} {}", rq.amount.0, rq.method.code())
}

/// The confirmation, bound to the key in its address: reloaded or reached again with
/// Back, it offers the same key, and once that key charged it shows the receipt.
pub fn charge_confirm_page(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (who, resident) = me(ctx)?;
    let key = ctx.query_get("key").unwrap_or("").to_owned();
    let query = ctx.query.clone();
    let rq = match charge_request(ctx, &query, resident) {
        Ok(rq) => rq,
        Err(e) => return Ok(charge_page(ctx, 400, Some(&e), "")),
    };
    // Only a confirmation the resident's own form asked for (see `pay_confirm_page`).
    if !idempotency::confirmation_key_is_ours(ctx.app, &who, &charge_purpose(&rq), &key) {
        return Ok(Reply::redirect("/app/charge"));
    }
    if let Some(done) = idempotency::answered(ctx.app, &who.idempotency_scope(), &key)?
        && let Some(id) = answer_id(&done, "charge_id")
    {
        return Ok(Reply::redirect(&format!("/app/charges/{id}?again=1")));
    }
    let preview = match ledger::preview_charge(ctx.app, &who, &rq) {
        Ok(p) => p,
        Err(e) if status_of(&e) < 500 => {
            return Ok(charge_page(
                ctx,
                status_of(&e),
                Some(&message(ctx, &e)),
                &rq.amount.0.to_string(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let body = html! {
        (sandbox_notice(ctx))
        form.card method="post" action="/app/charge" {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="other" value=(rq.amount.0);
            input type="hidden" name="method" value=(rq.method.code());
            // The page's one key: pressing twice, reloading or coming back charges once.
            input type="hidden" name="key" value=(key);
            dl.confirm {
                dt { (l.t(Msg::Charge2)) } dd.num { (yen(l, rq.amount)) }
                dt { (l.t(Msg::Premium)) } dd.num { "+" (yen(l, preview.premium_granted)) }
                dt { (l.t(Msg::BalanceAfter)) } dd.num { (yen(l, preview.balance)) }
                dt { (l.t(Msg::PayWith)) } dd { (if rq.method == Method::Bank { l.t(Msg::BankAccount) } else { l.t(Msg::CreditCard) }) }
            }
            button.primary type="submit" { (l.t(Msg::ChargeNow)) }
        }
        p { a href={ "/app/charge?amount=" (rq.amount.0) } { (l.t(Msg::ChangeTheAmount)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::ConfirmTheCharge), body))
}

pub fn charge(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let (who, resident) = me(ctx)?;
    let form = ctx.form();
    let rq = match charge_request(ctx, &form, resident) {
        Ok(rq) => rq,
        Err(e) => return Ok(charge_page(ctx, 400, Some(&e), "")),
    };
    let key = field(&form, "key").unwrap_or("").to_owned();
    let fp = crypto::sha256(format!("page-charge {} {}", rq.amount.0, rq.method.code()).as_bytes());
    match ledger::charge_paid(&ctx.shared, &who, &rq, Some(&key), &fp) {
        Ok(a) => {
            let id = answer_id(&a, "charge_id").ok_or(WebError::Panic)?;
            let again = if a.replayed { "?again=1" } else { "" };
            Ok(Reply::redirect(&format!("/app/charges/{id}{again}")))
        }
        Err(e) if status_of(&e) < 500 => Ok(charge_page(
            ctx,
            status_of(&e),
            Some(&message(ctx, &e)),
            &rq.amount.0.to_string(),
        )),
        Err(e) => Err(e.into()),
    }
}

pub fn charge_receipt(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (who, _) = me(ctx)?;
    let c = ledger::charge_receipt(ctx.app, &who, ctx.param_id(0)?)?;
    let body = html! {
        @if ctx.query_get("again") == Some("1") {
            (notice(l.t(Msg::ThisChargeWasAlreadyMade)))
        } @else {
            (notice(l.t(Msg::TheChargeIsComplete)))
        }
        dl.confirm.receipt {
            dt { (l.t(Msg::When)) } dd { (l.datetime(c.at)) }
            dt { (l.t(Msg::Charge2)) } dd.num { (yen(l, c.amount)) }
            dt { (l.t(Msg::Premium)) } dd.num { "+" (yen(l, c.premium)) }
            @if c.provider.as_deref() == Some("sandbox") {
                dt { (l.t(Msg::Provider)) } dd { (l.t(Msg::TestNoRealMoneyMoved)) }
            }
        }
        p { a.button.primary href="/app" { (l.t(Msg::GoToMyPage)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::Charged), body))
}
