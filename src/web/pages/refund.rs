//! Refunds at the till. The amount is typed on the keypad into an empty field (never
//! filled in with the payment), a confirmation says amount, payment and time, and the
//! answer is a refund receipt the clerk shows the customer. The confirmation is reached by
//! Post/Redirect/Get with its retry key in the address, so Back, reload and a second
//! press refund once.

use crate::i18n::Msg;
use maud::html;
use serde_json::json;

use super::resident::answer_id;
use super::{message, render, status_of};
use crate::domain::Yen;
use crate::domain::time::{day_colour, format_time_seconds};
use crate::service::money::ledger;
use crate::service::money::{idempotency, movement};
use crate::service::{Principal, crypto};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::yen;
use crate::web::views::pay::{self, Completion};
use crate::web::views::{Lang, alert, csrf_field, notice};

/// What a refund confirmation's key is bound to: this payment, this amount, and what was
/// still refundable when the clerk typed it.
fn purpose(payment_id: i64, amount: Yen, open: Yen) -> String {
    format!("refund {payment_id} {} {}", amount.0, open.0)
}

fn when(l: Lang, at: i64) -> String {
    format!("{} {}", l.date(at), format_time_seconds(at))
}

/// A payment at the store, with the refund form; after a CPM payment (`?taken=`) the
/// completion screen on top.
pub fn payment(ctx: &mut Ctx) -> Result<Reply, WebError> {
    payment_page(ctx, 200, None)
}

fn payment_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (r, breakdown) = ledger::receipt(ctx.app, ctx.who()?, ctx.param_id(0)?)?;
    let p = &r.payment;
    let open = p.amount - p.refunded;
    // A suspended or removed store gives no refunds: say so instead of offering the form.
    let store =
        crate::service::merchants::stores::get(ctx.app, ctx.who()?.store_id.unwrap_or_default())?;
    let frozen = ledger::store_moves_value(Some(store))
        .err()
        .map(|e| message(ctx, &e));
    let taken = ctx.query_get("taken");
    let body = html! {
        @if taken == Some("again") { (notice(l.t(Msg::ThisPaymentWasAlreadyTaken))) }
        @if taken.is_some() {
            (pay::completion(l, &Completion {
                store: r.store_name.clone().unwrap_or_default(),
                amount: p.amount,
                date: l.date(p.at),
                time: format_time_seconds(p.at),
                colour: day_colour(ctx.app.now()),
                breakdown: vec![],
                balance_after: None,
            }))
            p { a.button.primary href="/shop/cpm" { (l.t(Msg::NextCustomer)) } }
        }
        @if let Some(e) = error { (alert(e)) }
        dl.confirm {
            dt { (l.t(Msg::When)) } dd { (when(l, p.at)) }
            dt { (l.t(Msg::Amount3)) } dd.num { (yen(l, p.amount)) }
            dt { (l.t(Msg::Refunded3)) } dd.num { (yen(l, p.refunded)) }
            @for (program, y) in &breakdown { dt { (program) } dd.num { (yen(l, *y)) } }
        }
        @if let (true, Some(why), None) = (open.0 > 0, &frozen, error) {
            (notice(why))
        }
        @if open.0 > 0 && frozen.is_none() {
            form.card.refund method="post" action={ "/shop/payments/" (p.id) "/refund/confirm" } {
                h2 { (l.t(Msg::Refund)) }
                (csrf_field(&ctx.csrf_token()))
                // What was still refundable when this form was shown: a form sent again
                // after Back, once that changed, is refused instead of refunding twice.
                input type="hidden" name="open" value=(open.0);
                p.lead #refundable { (l.f(Msg::StillRefundableLine, &[("amount", &yen(l, open))])) }
                // Always empty: the clerk types the amount, nothing is refunded by one tap.
                (pay::amount_then_button(l, l.t(Msg::RefundAmountYen), "", l.t(Msg::Continue2)))
            }
            script src="/assets/keypad.js" {}
        }
        p { a href="/shop/till" { (l.t(Msg::BackToTheTill)) } }
    };
    let title = if taken.is_some() {
        Msg::PaymentTaken
    } else {
        Msg::Payment
    };
    Ok(render(ctx, status, l.t(title), body))
}

/// The amount and what was refundable when the form was shown, from a form or an address.
fn typed(value: Option<&str>, open: Option<&str>) -> Option<(Yen, Yen)> {
    let amount = Yen::parse_typed(value?)?;
    let open = Yen(open?.parse::<i64>().ok()?);
    Some((amount, open))
}

/// Checks a typed refund against the payment as it is now: the page of the payment with
/// the refusal, or the amount and what is refundable now.
fn check(ctx: &Ctx, who: &Principal, amount: Yen, seen: Yen) -> Result<Option<Reply>, WebError> {
    let l = ctx.lang;
    let (now, _) = ledger::receipt(ctx.app, who, ctx.param_id(0)?)?;
    let open = now.payment.amount - now.payment.refunded;
    if seen != open {
        return payment_page(ctx, 409, Some(l.t(Msg::ThisPaymentWasRefundedAfter))).map(Some);
    }
    if amount > open {
        let text = l.f(Msg::RefundAtMost, &[("left", &yen(l, open))]);
        return payment_page(ctx, 422, Some(&text)).map(Some);
    }
    Ok(None)
}

/// The amount form's answer: checked, then on to the confirmation's own address with a
/// fresh retry key (nothing is refunded yet).
pub fn confirm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let payment_id = ctx.param_id(0)?;
    let who = ctx.who()?.clone();
    let form = ctx.form();
    let Some((amount, seen)) = typed(field(&form, "amount"), field(&form, "open")) else {
        return payment_page(ctx, 400, Some(l.t(Msg::TypeTheAmountInDigits2)));
    };
    if let Some(refused) = check(ctx, &who, amount, seen)? {
        return Ok(refused);
    }
    let key = idempotency::confirmation_key(ctx.app, &who, &purpose(payment_id, amount, seen));
    Ok(Reply::redirect(&format!(
        "/shop/payments/{payment_id}/refund/confirm?amount={}&open={}&key={key}",
        amount.0, seen.0
    )))
}

/// The confirmation: "refund 200 yen of the payment of 1,200 yen at 14:05?". Bound to the
/// key in its address; once that key refunded, it leads to the refund's receipt.
pub fn confirm_page(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let payment_id = ctx.param_id(0)?;
    let who = ctx.who()?.clone();
    let back = format!("/shop/payments/{payment_id}");
    let key = ctx.query_get("key").unwrap_or("").to_owned();
    let Some((amount, seen)) = typed(ctx.query_get("amount"), ctx.query_get("open")) else {
        return Ok(Reply::redirect(&back));
    };
    if !idempotency::confirmation_key_is_ours(
        ctx.app,
        &who,
        &purpose(payment_id, amount, seen),
        &key,
    ) {
        return Ok(Reply::redirect(&back));
    }
    if let Some(done) = idempotency::answered(ctx.app, &who.idempotency_scope(), &key)?
        && let Some(id) = answer_id(&done, "refund_id")
    {
        return Ok(Reply::redirect(&format!("/shop/refunds/{id}?again=1")));
    }
    let (r, _) = ledger::receipt(ctx.app, &who, payment_id)?;
    let p = &r.payment;
    let question = l.f(
        Msg::RefundConfirmQuestion,
        &[
            ("amount", &yen(l, amount)),
            ("payment", &yen(l, p.amount)),
            ("time", &format_time_seconds(p.at)),
        ],
    );
    let body = html! {
        form.card.confirm-pay method="post" action={ "/shop/payments/" (payment_id) "/refund" } {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="amount" value=(amount.0);
            input type="hidden" name="open" value=(seen.0);
            // The page's one key: pressing twice, reloading or coming back refunds once.
            input type="hidden" name="key" value=(key);
            p.big-amount { (yen(l, amount)) }
            p.question { (question) }
            p.small { (l.f(Msg::PaidAtLine, &[("when", &when(l, p.at))])) }
            (pay::reach_button(l.t(Msg::RefundNow)))
        }
        p { a href=(back) { (l.t(Msg::ChangeTheAmount2)) } }
        script src="/assets/keypad.js" {}
    };
    Ok(render(ctx, 200, l.t(Msg::RefundConfirmTitle), body))
}

/// The confirmation's answer: the refund, then its receipt (Post/Redirect/Get).
pub fn refund(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let payment_id = ctx.param_id(0)?;
    let who = ctx.who()?.clone();
    let form = ctx.form();
    let Some((amount, seen)) = typed(field(&form, "amount"), field(&form, "open")) else {
        return payment_page(ctx, 400, Some(l.t(Msg::TypeTheAmountInDigits2)));
    };
    let key = field(&form, "key").unwrap_or("").to_owned();
    // Only from the confirmation: a form that skipped it refunds nothing.
    if !idempotency::confirmation_key_is_ours(
        ctx.app,
        &who,
        &purpose(payment_id, amount, seen),
        &key,
    ) {
        return payment_page(ctx, 400, Some(l.t(Msg::ConfirmTheRefundFirst)));
    }
    let replay = idempotency::answered(ctx.app, &who.idempotency_scope(), &key)?.is_some();
    if !replay && let Some(refused) = check(ctx, &who, amount, seen)? {
        return Ok(refused);
    }
    let fp = crypto::sha256(format!("page-refund {payment_id} {}", amount.0).as_bytes());
    let result = movement::run(
        &ctx.shared,
        &who,
        Some(&key),
        &fp,
        movement::Refund { payment_id, amount },
        |o| (201, json!({ "refund_id": o.refund_id })),
    );
    match result {
        Ok(a) => Ok(Reply::redirect(&format!(
            "/shop/refunds/{}{}",
            answer_id(&a, "refund_id").ok_or(WebError::Panic)?,
            if a.replayed { "?again=1" } else { "" }
        ))),
        Err(e) if status_of(&e) < 500 => payment_page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}

/// The refund receipt the clerk shows the customer: store, time, amount, the payment it
/// was of and what is still refundable. Safe to reload.
pub fn receipt(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let r = ledger::refund_receipt(ctx.app, ctx.who()?, ctx.param_id(0)?)?;
    let p = &r.payment.payment;
    let left = p.amount - p.refunded;
    let body = html! {
        @if ctx.query_get("again") == Some("1") {
            (notice(l.t(Msg::ThisRefundWasAlreadyMade)))
        }
        (notice(&l.f(Msg::RefundDoneLine, &[("amount", &yen(l, r.refund.amount)), ("left", &yen(l, left))])))
        section.card.refund-receipt aria-labelledby="refund-h" {
            h2 #refund-h { (l.t(Msg::RefundReceipt)) }
            p.store { (r.payment.store_name.clone().unwrap_or_default()) }
            p.big-amount #refund-amount { (yen(l, r.refund.amount)) }
            dl.confirm {
                dt { (l.t(Msg::RefundTime)) } dd #refund-time { (when(l, r.refund.at)) }
                dt { (l.t(Msg::OriginalPayment)) } dd #refund-of { (yen(l, p.amount)) " (" (when(l, p.at)) ")" }
                dt { (l.t(Msg::Refunded3)) } dd.num { (yen(l, p.refunded)) }
                dt { (l.t(Msg::StillRefundable)) } dd.num #refund-left { (yen(l, left)) }
            }
            p.small { (l.t(Msg::ShowThisToTheCustomer)) }
        }
        p { a.button href={ "/shop/payments/" (p.id) } { (l.t(Msg::BackToThePayment)) } }
        p { a href="/shop/till" { (l.t(Msg::BackToTheTill)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::RefundReceipt), body))
}
