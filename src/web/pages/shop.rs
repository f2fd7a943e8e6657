//! The store's till, on the merchant's own phone or tablet: today's takings and a live
//! feed of payments (so goods are never handed over unpaid), taking a payment from a
//! resident's code (CPM), refunds, and a day's payments as CSV.

use crate::i18n::Msg;
use maud::{Markup, html};
use serde_json::json;

use super::resident::answer_id;
use super::{message, render, status_of};
use crate::domain::program::start_of_day;
use crate::domain::time::{day_colour, format_time_seconds, from_unix, parse_date};
use crate::domain::{PaymentKind, Text, Yen};
use crate::service::money::ledger::{self, PaymentRow};
use crate::service::money::{idempotency, movement};
use crate::service::{ServiceError, crypto};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field, percent_encode};
use crate::web::views::money::yen;
use crate::web::views::pay;
use crate::web::views::{Lang, alert, csrf_field};

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
                span.what { (kind_word(l, p.kind)) }
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
    let store = crate::service::merchants::stores::get(
        ctx.app,
        ctx.who()?.store_id.ok_or(WebError::RouteNotFound)?,
    )?;
    let colour = day_colour(ctx.app.now());
    let body = html! {
        section.figures aria-label=(l.t(Msg::TodaysTakings)) {
            div.figure { span.label { (l.t(Msg::Today)) } span.value #takings { (yen(l, total)) } }
            div.figure { span.label { (l.t(Msg::Payments)) } span.value #count { (payments.len()) } }
        }
        // The colour the customers' completion screens show today: a screenshot from
        // another day shows another colour.
        p.daymark #till-colour { (l.t(Msg::TodaysColour)) (pay::day_swatch(l, colour)) }
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
        (pay::store_qr(l, &super::home::pay_url(ctx, &store.mpm_code), store.short_code.as_deref().unwrap_or(&store.mpm_code)))
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

/// Taking a payment from a resident's code: camera where the browser can, or typed in;
/// the amount on the keypad, then a confirmation showing it large before it is taken.
pub fn cpm_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let code = ctx.query_get("code").unwrap_or("").to_owned();
    Ok(cpm_page(ctx, 200, None, &code, ""))
}

fn cpm_page(ctx: &Ctx, status: u16, error: Option<&str>, code: &str, amount: &str) -> Reply {
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
        form.card method="post" action="/shop/cpm/confirm" {
            (csrf_field(&ctx.csrf_token()))
            div.field {
                label for="f-code" { (l.t(Msg::CustomersCode)) }
                input #f-code name="code" type="text" autocomplete="off" autocapitalize="characters" required value=(code);
            }
            (pay::amount_then_button(l, l.t(Msg::AmountYen2), amount, l.t(Msg::Continue2)))
        }
        p { a href="/shop/till" { (l.t(Msg::BackToTheTill)) } }
        script src="/assets/keypad.js" {}
        script src="/assets/jsQR.js" {}
        script src="/assets/scan.js" {}
    };
    render(ctx, status, l.t(Msg::TakeAPaymentByCode), body)
}

/// What a CPM confirmation's key is bound to: this customer's code and this amount.
fn cpm_purpose(code: &str, amount: Yen) -> String {
    format!("cpm {code} {}", amount.0)
}

/// The code and amount of the CPM form, or that form again with a message.
fn cpm_typed(ctx: &Ctx, code: Option<&str>, amount: Option<&str>) -> Result<(String, Yen), Reply> {
    let code = code.unwrap_or("").trim().to_owned();
    let typed = amount.unwrap_or("").to_owned();
    match Yen::parse_typed(&typed) {
        Some(a) if !code.is_empty() => Ok((code, a)),
        _ => Err(cpm_page(
            ctx,
            400,
            Some(ctx.lang.t(Msg::TypeTheAmountInDigits3)),
            &code,
            &typed,
        )),
    }
}

/// The CPM form's answer: on to the confirmation's own address with a fresh retry key
/// (Post/Redirect/Get); nothing is taken yet.
pub fn cpm_confirm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let form = ctx.form();
    let (code, amount) = match cpm_typed(ctx, field(&form, "code"), field(&form, "amount")) {
        Ok(t) => t,
        Err(page) => return Ok(page),
    };
    let who = ctx.who()?.clone();
    let key = idempotency::confirmation_key(ctx.app, &who, &cpm_purpose(&code, amount));
    Ok(Reply::redirect(&format!(
        "/shop/cpm/confirm?code={}&amount={}&key={key}",
        percent_encode(&code),
        amount.0
    )))
}

/// The amount, large, before it is taken. Bound to the key in its address: reloaded or
/// reached with Back it offers the same key; once that key was used it shows the payment.
pub fn cpm_confirm_page(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?.clone();
    let code = ctx.query_get("code").unwrap_or("").to_owned();
    let key = ctx.query_get("key").unwrap_or("").to_owned();
    let Some(amount) = ctx.query_get("amount").and_then(Yen::parse_typed) else {
        return Ok(Reply::redirect("/shop/cpm"));
    };
    if !idempotency::confirmation_key_is_ours(ctx.app, &who, &cpm_purpose(&code, amount), &key) {
        return Ok(Reply::redirect("/shop/cpm"));
    }
    if let Some(done) = idempotency::answered(ctx.app, &who.idempotency_scope(), &key)?
        && let Some(id) = answer_id(&done, "payment_id")
    {
        return Ok(Reply::redirect(&format!("/shop/payments/{id}?taken=again")));
    }
    let body = html! {
        form.card.confirm-pay method="post" action="/shop/cpm" {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="code" value=(code);
            input type="hidden" name="amount" value=(amount.0);
            // The page's one key: pressing twice, reloading or coming back takes once.
            input type="hidden" name="key" value=(key);
            p.big-amount #cpm-amount { (yen(l, amount)) }
            @if crate::service::money::cards::needs_pin(ctx.app, &code) {
                (crate::web::views::Field::new(l.t(Msg::CardPin), "pin").kind("password").required(true).render(l))
            }
            p.question { (l.t(Msg::TakeThisAmountFromTheCode)) }
            (pay::reach_button(l.t(Msg::TakeThePayment)))
        }
        p { a href={ "/shop/cpm?code=" (percent_encode(&code)) } { (l.t(Msg::ChangeTheAmount2)) } }
        script src="/assets/keypad.js" {}
    };
    Ok(render(ctx, 200, l.t(Msg::CheckTheAmount), body))
}

/// The confirmation's answer: the payment, then its page with the completion screen.
pub fn cpm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let (code, amount) = match cpm_typed(ctx, field(&form, "code"), field(&form, "amount")) {
        Ok(t) => t,
        Err(page) => return Ok(page),
    };
    let who = ctx.who()?.clone();
    let store_id = who.store_id.ok_or(WebError::RouteNotFound)?;
    let key = field(&form, "key").unwrap_or("").to_owned();
    // Only from the confirmation: a form that skipped it takes nothing.
    if !idempotency::confirmation_key_is_ours(ctx.app, &who, &cpm_purpose(&code, amount), &key) {
        return Ok(cpm_page(
            ctx,
            400,
            Some(l.t(Msg::ConfirmTheAmountFirst)),
            &code,
            &amount.0.to_string(),
        ));
    }
    let pin = field(&form, "pin").map(str::to_owned);
    if let Err(e) = crate::service::money::cards::count_pin_attempt(ctx.app, &code, pin.as_deref())
    {
        return Ok(cpm_page(
            ctx,
            status_of(&e),
            Some(&message(ctx, &e)),
            &code,
            &amount.0.to_string(),
        ));
    }
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
            pin: pin.clone(),
        },
        |o| (201, json!({ "payment_id": o.payment_id })),
    );
    match result {
        // Post/Redirect/Get: a reload of the answer sends nothing again.
        Ok(a) => Ok(Reply::redirect(&format!(
            "/shop/payments/{}?taken={}",
            answer_id(&a, "payment_id").ok_or(WebError::Panic)?,
            if a.replayed { "again" } else { "1" }
        ))),
        Err(ServiceError::IdempotencyConflict) => Err(WebError::Service(ServiceError::Conflict(
            Text::new(Msg::ThisFormWasAlreadyUsed),
        ))),
        Err(e) if status_of(&e) < 500 => Ok(cpm_page(
            ctx,
            status_of(&e),
            Some(&message(ctx, &e)),
            &code,
            &amount.0.to_string(),
        )),
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
    let who = ctx.who()?;
    let rows = ledger::store_payments(ctx.app, who, from, from + 86_400)?;
    let split = ledger::store_split(ctx.app, who, from, from + 86_400)?;
    // Each payment's net part per program, in the columns of `split.programs`.
    let parts = |id: i64| -> Vec<Yen> {
        split
            .programs
            .iter()
            .map(|name| {
                split
                    .lines
                    .iter()
                    .filter(|(p, n, _)| *p == id && n == name)
                    .map(|(_, _, y)| *y)
                    .sum()
            })
            .collect()
    };
    let mut table: Vec<Vec<String>> = rows
        .iter()
        .rev()
        .map(|p| {
            let mut line = vec![
                p.id.to_string(),
                format!("{} {}", day.format("%Y-%m-%d"), format_time_seconds(p.at)),
                kind_word(l, p.kind).to_owned(),
                p.amount.0.to_string(),
                p.refunded.0.to_string(),
                (p.amount - p.refunded).0.to_string(),
            ];
            line.extend(parts(p.id).iter().map(|y| y.0.to_string()));
            line
        })
        .collect();
    // The totals line: what the till says for the day, and the same split by program.
    let paid: Yen = rows.iter().map(|p| p.amount).sum();
    let refunded: Yen = rows.iter().map(|p| p.refunded).sum();
    let mut totals = vec![
        l.t(Msg::CsvTotal).to_owned(),
        l.f(Msg::CsvPaymentCount, &[("n", &rows.len())]),
        String::new(),
        paid.0.to_string(),
        refunded.0.to_string(),
        (paid - refunded).0.to_string(),
    ];
    totals.extend(split.programs.iter().map(|name| {
        let sum: Yen = split
            .lines
            .iter()
            .filter(|(_, n, _)| n == name)
            .map(|(_, _, y)| *y)
            .sum();
        sum.0.to_string()
    }));
    table.push(totals);
    let mut header: Vec<String> = [
        l.t(Msg::No),
        l.t(Msg::When),
        l.t(Msg::Kind),
        l.t(Msg::Amount4),
        l.t(Msg::Refunded4),
        l.t(Msg::CsvNet),
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(
        split
            .programs
            .iter()
            .map(|name| l.f(Msg::CsvProgramColumn, &[("program", name)])),
    );
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok(Reply::csv(
        &format!("payments-{}.csv", day.format("%Y-%m-%d")),
        crate::export::csv(&header, &table),
    ))
}

/// How a payment was made, in the till's words (the feed and the CSV say the same).
fn kind_word(l: Lang, kind: PaymentKind) -> &'static str {
    if kind == PaymentKind::Cpm {
        l.t(Msg::ScannedCode)
    } else {
        l.t(Msg::QrPayment)
    }
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
