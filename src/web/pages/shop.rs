//! The store's till, on the merchant's own phone or tablet: today's takings and a live
//! feed of payments (so goods are never handed over unpaid), taking a payment from a
//! resident's code (CPM), refunds, and a day's payments as CSV.

use crate::i18n::Msg;
use maud::{Markup, html};
use serde_json::json;

use super::{message, render, status_of};
use crate::domain::program::start_of_day;
use crate::domain::time::{day_colour, format_time_seconds, from_unix, parse_date};
use crate::domain::{PaymentKind, Text, Yen};
use crate::service::money::ledger::{self, PaymentRow};
use crate::service::money::{idempotency, movement};
use crate::service::{ServiceError, crypto};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::yen;
use crate::web::views::pay::{self, Completion};
use crate::web::views::{Lang, alert, csrf_field, notice};

/// Today's [start, end) in JST.
fn today(ctx: &Ctx) -> (i64, i64) {
    let start = start_of_day(from_unix(ctx.app.now()).date_naive());
    (start, start + 86_400)
}

fn line(l: Lang, p: &PaymentRow) -> Markup {
    html! {
        li data-id=(p.id) {
            a href={ "/shop/payments/" (p.id) } {
                span.when { (format_time_seconds(p.at)) }
                span.what { (if p.kind == PaymentKind::Cpm { l.t(Msg::ScannedCode) } else { l.t(Msg::QrPayment) }) }
                span.delta { (yen(l, p.amount)) @if p.refunded.0 > 0 { small { " (" (l.f(Msg::RefundedAmount, &[("amount", &yen(l, p.refunded))])) ")" } } }
            }
        }
    }
}

/// The till: today's total and the payments as they come in.
pub fn till(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (from, until) = today(ctx);
    let payments = ledger::store_payments(ctx.app, ctx.who()?, from, until)?;
    let total: Yen = payments.iter().map(|p| p.amount - p.refunded).sum();
    let last = payments.first().map(|p| p.id).unwrap_or(0);
    let body = html! {
        section.figures aria-label=(l.t(Msg::TodaysTakings)) {
            div.figure { span.label { (l.t(Msg::Today)) } span.value #takings { (yen(l, total)) } }
            div.figure { span.label { (l.t(Msg::Payments)) } span.value #count { (payments.len()) } }
        }
        nav.actions {
            a.button.primary href="/shop/cpm" { (l.t(Msg::ScanACustomersCode)) }
            a.button href={ "/shop/payments.csv?date=" (from_unix(from).format("%Y-%m-%d")) } download { (l.t(Msg::TodaysCsv)) }
            a.button href="/shop/history" { (l.t(Msg::PastTakings)) }
        }
        h2 { (l.t(Msg::PaymentsNewestFirstUpdatesBy)) }
        ul.history.feed #feed data-after=(last) aria-live="polite" {
            @for p in &payments { (line(l, p)) }
        }
        p.small { (l.t(Msg::NewPaymentsAppearAtThe)) }
        script src="/assets/till.js" {}
    };
    Ok(render(ctx, 200, l.t(Msg::Till), body))
}

/// Polled by the till page: payments after `after`.
pub fn feed(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let after = ctx
        .query_get("after")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(0);
    let l = ctx.lang;
    let rows = ledger::store_feed(ctx.app, ctx.who()?, after)?;
    let items: Vec<_> = rows
        .iter()
        .map(|p| json!({ "id": p.id, "html": line(l, p).into_string(), "amount": p.amount.0 }))
        .collect();
    Ok(Reply::json(200, &json!({ "items": items })))
}

pub fn payment(ctx: &mut Ctx) -> Result<Reply, WebError> {
    // After a refund (Post/Redirect/Get): says so; the figures below are the stored ones.
    let done = (ctx.query_get("refunded") == Some("1"))
        .then(|| ctx.lang.t(Msg::RefundedCheckTheRefundedAmount));
    payment_page(ctx, 200, None, done)
}

fn payment_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (r, breakdown) = ledger::receipt(ctx.app, ctx.who()?, ctx.param_id(0)?)?;
    let p = r.payment;
    let open = p.amount - p.refunded;
    // A suspended or removed store gives no refunds: say so instead of offering the form.
    let store =
        crate::service::merchants::stores::get(ctx.app, ctx.who()?.store_id.unwrap_or_default())?;
    let frozen = ledger::store_moves_value(Some(store))
        .err()
        .map(|e| message(ctx, &e));
    let body = html! {
        @if let Some(d) = done { (notice(d)) }
        @if let Some(e) = error { (alert(e)) }
        dl.confirm {
            dt { (l.t(Msg::When)) } dd { (l.date(p.at)) " " (format_time_seconds(p.at)) }
            dt { (l.t(Msg::Amount3)) } dd.num { (yen(l, p.amount)) }
            dt { (l.t(Msg::Refunded3)) } dd.num { (yen(l, p.refunded)) }
            @for (program, y) in &breakdown { dt { (program) } dd.num { (yen(l, *y)) } }
        }
        @if let (true, Some(why), None) = (open.0 > 0, &frozen, error) {
            (notice(why))
        }
        @if open.0 > 0 && frozen.is_none() {
            form.card method="post" action={ "/shop/payments/" (p.id) "/refund" } {
                h2 { (l.t(Msg::Refund)) }
                (csrf_field(&ctx.csrf_token()))
                input type="hidden" name="key" value=(crypto::random_token());
                // What was still refundable when this form was shown: a form sent again
                // after Back, once that changed, is refused instead of refunding twice.
                input type="hidden" name="open" value=(open.0);
                div.field {
                    label for="f-amount" { (l.t(Msg::AmountYen)) }
                    small #f-amount-hint { (l.t(Msg::FullRefund)) (yen(l, open)) }
                    input #f-amount.amount name="amount" type="text" inputmode="numeric" value=(open.0) required aria-describedby="f-amount-hint";
                }
                button.primary type="submit" { (l.t(Msg::Refund)) }
            }
        }
        p { a href="/shop/till" { (l.t(Msg::BackToTheTill)) } }
    };
    Ok(render(ctx, status, l.t(Msg::Payment), body))
}

pub fn refund(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let payment_id = ctx.param_id(0)?;
    let form = ctx.form();
    let Some(amount) = Yen::parse_typed(field(&form, "amount").unwrap_or("")) else {
        return payment_page(ctx, 400, Some(l.t(Msg::TypeTheAmountInDigits2)), None);
    };
    let key = field(&form, "key").unwrap_or("").to_owned();
    let who = ctx.who()?.clone();
    let fp = crypto::sha256(format!("page-refund {payment_id} {}", amount.0).as_bytes());
    let seen = field(&form, "open").and_then(|o| o.parse::<i64>().ok());
    let (now, _) = ledger::receipt(ctx.app, &who, payment_id)?;
    let open_now = now.payment.amount - now.payment.refunded;
    let replay = idempotency::answered(ctx.app, &who.idempotency_scope(), &key)?.is_some();
    if !replay && seen.is_some_and(|s| s != open_now.0) {
        return payment_page(ctx, 409, Some(l.t(Msg::ThisPaymentWasRefundedAfter)), None);
    }
    let result = movement::run(
        &ctx.shared,
        &who,
        Some(&key),
        &fp,
        movement::Refund { payment_id, amount },
        |o| (201, json!({ "refund_id": o.refund_id })),
    );
    match result {
        // Post/Redirect/Get: a reload of the answer sends nothing again.
        Ok(_) => Ok(Reply::redirect(&format!(
            "/shop/payments/{payment_id}?refunded=1"
        ))),
        Err(e) if status_of(&e) < 500 => {
            payment_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Taking a payment from a resident's code: camera where the browser can, or typed in.
pub fn cpm_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    cpm_page(ctx, 200, None, "", "")
}

fn cpm_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    code: &str,
    amount: &str,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        div.scanner hidden data-fill="f-code" {
            video #scan-video hidden playsinline muted {}
            p.small { (l.t(Msg::ShowTheCustomersCodeTo)) }
            div.field {
                label for="scan-photo" { (l.t(Msg::ReadFromAPhoto)) }
                input #scan-photo type="file" accept="image/*" capture="environment";
            }
            p.small.unreadable-note { (l.t(Msg::CouldNotReadItTry)) }
        }
        form.card method="post" action="/shop/cpm" {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="key" value=(crypto::random_token());
            div.field {
                label for="f-code" { (l.t(Msg::CustomersCode)) }
                input #f-code name="code" type="text" autocomplete="off" autocapitalize="characters" required value=(code);
            }
            (pay::amount_field(l, amount))
            button.primary type="submit" { (l.t(Msg::TakeThePayment)) }
        }
        p { a href="/shop/till" { (l.t(Msg::BackToTheTill)) } }
        script src="/assets/keypad.js" {}
        script src="/assets/jsQR.js" {}
        script src="/assets/scan.js" {}
    };
    Ok(render(ctx, status, l.t(Msg::TakeAPaymentByCode), body))
}

pub fn cpm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let code = field(&form, "code").unwrap_or("").trim().to_owned();
    let typed = field(&form, "amount").unwrap_or("").to_owned();
    let Some(amount) = Yen::parse_typed(&typed) else {
        return cpm_page(
            ctx,
            400,
            Some(l.t(Msg::TypeTheAmountInDigits3)),
            &code,
            &typed,
        );
    };
    let who = ctx.who()?.clone();
    let store_id = who.store_id.ok_or(WebError::RouteNotFound)?;
    let key = field(&form, "key").unwrap_or("").to_owned();
    let fp = crypto::sha256(format!("page-cpm {code} {}", amount.0).as_bytes());
    let result = movement::run(
        &ctx.shared,
        &who,
        Some(&key),
        &fp,
        movement::PayByToken {
            store_id,
            token: code.clone(),
            amount,
        },
        |o| {
            (
                201,
                json!({ "payment_id": o.payment_id, "store": o.store.as_ref().map(|s| s.1.clone()), "at": o.paid_at }),
            )
        },
    );
    match result {
        Ok(a) => {
            let v: serde_json::Value = serde_json::from_str(&a.body).unwrap_or_default();
            let at = v["at"].as_i64().unwrap_or_else(|| ctx.app.now());
            let c = Completion {
                store: v["store"].as_str().unwrap_or_default().to_owned(),
                amount,
                date: l.date(at),
                time: format_time_seconds(at),
                colour: day_colour(ctx.app.now()),
                breakdown: vec![],
                balance_after: None,
            };
            let body = html! {
                (pay::completion(l, &c))
                p { a.button.primary href="/shop/cpm" { (l.t(Msg::NextCustomer)) } }
                p { a href="/shop/till" { (l.t(Msg::BackToTheTill)) } }
            };
            Ok(render(ctx, 201, l.t(Msg::PaymentTaken), body))
        }
        Err(ServiceError::IdempotencyConflict) => Err(WebError::Service(ServiceError::Conflict(
            Text::new(Msg::ThisFormWasAlreadyUsed),
        ))),
        Err(e) if status_of(&e) < 500 => cpm_page(
            ctx,
            status_of(&e),
            Some(&message(ctx, &e)),
            &code,
            &amount.0.to_string(),
        ),
        Err(e) => Err(e.into()),
    }
}

/// One day's payments (`?date=2024-12-01`, JST) as CSV.
pub fn payments_csv(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let day = ctx
        .query_get("date")
        .and_then(parse_date)
        .ok_or_else(|| WebError::BadRequest("date must look like 2024-12-01".into()))?;
    let from = start_of_day(day);
    let rows = ledger::store_payments(ctx.app, ctx.who()?, from, from + 86_400)?;
    let table: Vec<Vec<String>> = rows
        .iter()
        .rev()
        .map(|p| {
            vec![
                p.id.to_string(),
                format!("{} {}", day.format("%Y-%m-%d"), format_time_seconds(p.at)),
                if p.kind == PaymentKind::Cpm {
                    "CPM"
                } else {
                    "MPM"
                }
                .to_owned(),
                p.amount.0.to_string(),
                p.refunded.0.to_string(),
            ]
        })
        .collect();
    let header = [
        l.t(Msg::No),
        l.t(Msg::When),
        l.t(Msg::Kind),
        l.t(Msg::Amount4),
        l.t(Msg::Refunded4),
    ];
    Ok(Reply::csv(
        &format!("payments-{}.csv", day.format("%Y-%m-%d")),
        crate::export::csv(&header, &table),
    ))
}

/// Payments of a chosen day (`?date=2024-12-01`, JST; today when absent).
pub fn history(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let day = match ctx.query_get("date").filter(|d| !d.is_empty()) {
        Some(d) => parse_date(d)
            .ok_or_else(|| WebError::BadRequest("date must look like 2024-12-01".into()))?,
        None => from_unix(ctx.app.now()).date_naive(),
    };
    let from = start_of_day(day);
    let payments = ledger::store_payments(ctx.app, ctx.who()?, from, from + 86_400)?;
    let total: Yen = payments.iter().map(|p| p.amount - p.refunded).sum();
    let date = day.format("%Y-%m-%d").to_string();
    let body = html! {
        form.card.search method="get" action="/shop/history" {
            div.field {
                label for="f-date" { (l.t(Msg::Date)) }
                input #f-date type="date" name="date" value=(date);
            }
            button.primary type="submit" { (l.t(Msg::Show)) }
        }
        p.lead { (crate::web::views::fill(l, Msg::TakingsLine, &[("date", html! { (l.date(from)) }), ("total", html! { strong { (yen(l, total)) } }), ("count", html! { (payments.len()) })])) }
        ul.history.feed { @for p in &payments { (line(l, p)) } }
        p { a.button href={ "/shop/payments.csv?date=" (date) } download { (l.t(Msg::CsvOfThisDay)) } }
        p { a href="/shop/till" { (l.t(Msg::BackToTheTill)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::PastTakings2), body))
}
