//! What a resident does with the phone: charge, pay by the store's QR (MPM), show a code
//! to the store (CPM), see receipts, read the first-visit explanation.

use crate::i18n::Msg;
use maud::html;
use serde_json::Value;

use super::{message, render, status_of};
use crate::domain::time::{day_colour, format_time_seconds};
use crate::domain::{Payer, Text, Yen};
use crate::service::merchants::stores::StoreRow;
use crate::service::money::ledger;
use crate::service::money::{idempotency, movement};
use crate::service::{Principal, ServiceError, crypto};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::yen;
use crate::web::views::pay::{self, Completion};
use crate::web::views::{Lang, alert, csrf_field, notice};

pub(super) fn me(ctx: &Ctx) -> Result<(Principal, i64), WebError> {
    let who = ctx.who()?.clone();
    let id = who.user_id.ok_or(WebError::RouteNotFound)?;
    Ok((who, id))
}

fn date_text(l: Lang, t: i64) -> String {
    l.date(t)
}

/// The id a stored or fresh answer carries (`payment_id`, `charge_id`).
pub(super) fn answer_id(a: &idempotency::Answer, field: &str) -> Option<i64> {
    serde_json::from_str::<Value>(&a.body)
        .ok()?
        .get(field)?
        .as_i64()
}

// --- first visit ------------------------------------------------------------------

pub fn welcome(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let b = ctx.app.branding();
    let body = html! {
        p.lead { (l.f(Msg::RegisteredIntro, &[("currency", &b.currency_name)])) }
        ol.steps {
            li { strong { (l.t(Msg::Charge3)) } " — " (l.t(Msg::AddMoneyFromMyPage)) }
            li { strong { (l.t(Msg::ScanTheStoresQrCode)) } " — " (l.t(Msg::ScanTheCodeAtThe)) }
            li { strong { (l.t(Msg::ShowTheCompletionScreen)) } " — " (l.t(Msg::ShowTheMovingCompletionScreen)) }
        }
        p { (l.t(Msg::IfYouCannotScanShow)) }
        p { a.button.primary href="/app" { (l.t(Msg::GoToMyPage)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::GettingStarted), body))
}

// --- MPM: pay at the store's QR -----------------------------------------------------

/// The store behind a QR code, or a page saying it is not there.
fn store_of(ctx: &Ctx) -> Result<StoreRow, WebError> {
    let code = ctx.params.first().map(String::as_str).unwrap_or("");
    Ok(crate::service::merchants::directory::payable_store(
        ctx.app, code,
    )?)
}

pub fn pay_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let store = store_of(ctx)?;
    let amount = ctx.query_get("amount").unwrap_or("").to_owned();
    Ok(pay_page(ctx, &store, 200, None, &amount))
}

fn pay_page(ctx: &Ctx, store: &StoreRow, status: u16, error: Option<&str>, amount: &str) -> Reply {
    let l = ctx.lang;
    let body = html! {
        p.payee { span.label { (l.t(Msg::Paying)) } strong.store { (store.name) } }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action={ "/p/" (store.mpm_code) "/confirm" } {
            (csrf_field(&ctx.csrf_token()))
            (pay::amount_then_button(l, l.t(Msg::AmountYen2), amount, l.t(Msg::Continue2)))
        }
        script src="/assets/keypad.js" {}
    };
    render(ctx, status, l.t(Msg::Pay), body)
}

/// The amount typed on the pay page, or that page again with a message.
fn typed_amount(ctx: &Ctx, store: &StoreRow) -> Result<Yen, Reply> {
    let l = ctx.lang;
    let typed = field(&ctx.form(), "amount").unwrap_or("").to_owned();
    Yen::parse_typed(&typed).ok_or_else(|| {
        let msg = l.t(Msg::TypeTheAmountInDigitsAt);
        pay_page(ctx, store, 400, Some(msg), &typed)
    })
}

/// The amount form's answer: checked, then sent on to the confirmation's own address
/// with a fresh retry key (Post/Redirect/Get), so the confirmation is never the answer
/// to a POST that Back and reload would send again with a new key.
pub fn pay_confirm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let store = store_of(ctx)?;
    let (who, _) = me(ctx)?;
    let amount = match typed_amount(ctx, &store) {
        Ok(a) => a,
        Err(page) => return Ok(page),
    };
    let key = idempotency::confirmation_key(ctx.app, &who, &pay_purpose(&store, amount));
    Ok(Reply::redirect(&format!(
        "/p/{}/confirm?amount={}&key={key}",
        store.mpm_code, amount.0
    )))
}

/// What a pay confirmation's key is bound to: this store and this amount.
fn pay_purpose(store: &StoreRow, amount: Yen) -> String {
    format!("pay {} {}", store.mpm_code, amount.0)
}

/// The confirmation, bound to the key in its address: reloaded or reached again with
/// Back it offers the same key, and once that key paid it shows the completion screen.
pub fn pay_confirm_page(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let store = store_of(ctx)?;
    let (who, resident) = me(ctx)?;
    let key = ctx.query_get("key").unwrap_or("").to_owned();
    let Some(amount) = ctx.query_get("amount").and_then(Yen::parse_typed) else {
        return Ok(Reply::redirect(&format!("/p/{}", store.mpm_code)));
    };
    // Only a confirmation the resident's own amount form asked for: a link with an
    // amount filled in by someone else leads to the empty amount form instead.
    if !idempotency::confirmation_key_is_ours(ctx.app, &who, &pay_purpose(&store, amount), &key) {
        return Ok(Reply::redirect(&format!("/p/{}", store.mpm_code)));
    }
    if let Some(done) = idempotency::answered(ctx.app, &who.idempotency_scope(), &key)?
        && let Some(id) = answer_id(&done, "payment_id")
    {
        return Ok(Reply::redirect(&format!("/app/payments/{id}?again=1")));
    }
    let balance = ledger::balance(ctx.app, Payer::Resident(resident))?.total;
    let body = html! {
        form.card.confirm-pay method="post" action={ "/p/" (store.mpm_code) } {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="amount" value=(amount.0);
            // The page's one key: pressing twice, reloading or coming back pays once.
            input type="hidden" name="key" value=(key);
            p.payee { (crate::web::views::fill(l, Msg::PayeeLine, &[("store", html! { strong.store { (store.name) } })])) }
            p.big-amount { (yen(l, amount)) }
            p { (l.t(Msg::WillBePaid)) }
            p.small { (l.t(Msg::BalanceNow)) (yen(l, balance)) }
            (pay::reach_button(l.t(Msg::Pay2)))
        }
        p { a href={ "/p/" (store.mpm_code) "?amount=" (amount.0) } { (l.t(Msg::ChangeTheAmount2)) } }
        script src="/assets/keypad.js" {}
    };
    Ok(render(ctx, 200, l.t(Msg::ConfirmPayment), body))
}

pub fn pay(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let store = store_of(ctx)?;
    let (who, _) = me(ctx)?;
    let form = ctx.form();
    let amount = match typed_amount(ctx, &store) {
        Ok(a) => a,
        Err(page) => return Ok(page),
    };
    let key = field(&form, "key")
        .filter(|k| !k.is_empty())
        .unwrap_or("")
        .to_owned();
    let fp = crypto::sha256(format!("page-pay {} {}", store.mpm_code, amount.0).as_bytes());
    let result = movement::run(
        &ctx.shared,
        &who,
        Some(&key),
        &fp,
        movement::PayAtStore {
            store_code: store.mpm_code.clone(),
            amount,
        },
        |o| (201, serde_json::json!({ "payment_id": o.payment_id })),
    );
    match result {
        Ok(a) => Ok(Reply::redirect(&format!(
            "/app/payments/{}{}",
            answer_id(&a, "payment_id").ok_or(WebError::Panic)?,
            if a.replayed { "?again=1" } else { "" }
        ))),
        Err(ServiceError::IdempotencyConflict) => Err(WebError::Service(ServiceError::Conflict(
            Text::new(Msg::ThisConfirmationWasAlreadyUsed),
        ))),
        Err(e) if status_of(&e) < 500 => Ok(pay_page(
            ctx,
            &store,
            status_of(&e),
            Some(&message(ctx, &e)),
            &amount.0.to_string(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The completion screen: shown to the clerk, and safe to reload.
pub fn payment_done(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (who, resident) = me(ctx)?;
    let (r, breakdown) = ledger::receipt(ctx.app, &who, ctx.param_id(0)?)?;
    let c = Completion {
        store: r
            .store_name
            .clone()
            .unwrap_or_else(|| l.t(Msg::CityTax).to_owned()),
        amount: r.payment.amount,
        date: date_text(l, r.payment.at),
        time: format_time_seconds(r.payment.at),
        colour: day_colour(ctx.app.now()),
        // Program names (the receipt gives names, not codes).
        breakdown,
        balance_after: Some(ledger::balance(ctx.app, Payer::Resident(resident))?.total),
    };
    let refunded = r.payment.refunded;
    let body = html! {
        @if ctx.query_get("again") == Some("1") {
            (notice(l.t(Msg::ThisPaymentWasAlreadyMade)))
        }
        (pay::completion(l, &c))
        @if refunded.0 > 0 { (notice(&format!("{}{}", l.t(Msg::Refunded), yen(l, refunded)))) }
        p { a.button href="/app" { (l.t(Msg::GoToMyPage)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::Paid), body))
}

// --- CPM: show a code -------------------------------------------------------------

pub fn show_code(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (who, resident) = me(ctx)?;
    let (token, expires_at) = ledger::issue_qr_token(ctx.app, &who)?;
    let ttl = expires_at - ctx.app.now();
    let balance = ledger::balance(ctx.app, Payer::Resident(resident))?.total;
    let body = html! {
        section.cpm data-token=(token) data-ttl=(ttl) {
            p { (l.t(Msg::LetTheStoreScanThis)) }
            div.qr-box { (pay::qr_svg(&token, l.t(Msg::PaymentCode))) }
            p.code-text { code { (token) } }
            p.small { (l.f(Msg::ValidUntilRenews, &[("time", &format_time_seconds(expires_at))])) }
            p.small { (l.t(Msg::Balance)) (yen(l, balance)) }
            p { a.button href="/app/qr" { (l.t(Msg::ShowANewCode)) } }
        }
        script src="/assets/cpm.js" {}
    };
    Ok(render(ctx, 200, l.t(Msg::PaymentCode), body))
}

/// Polled by the code page: has a store used the code yet?
pub fn code_status(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let token = ctx.query_get("token").unwrap_or("").to_owned();
    let paid = ledger::qr_status(ctx.app, ctx.who()?, &token)?;
    Ok(Reply::json(200, &serde_json::json!({ "payment_id": paid })))
}

// --- finding a store's code without the camera app ---------------------------------

pub fn scan(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let body = html! {
        p { (l.t(Msg::ScanTheStoresQrCodeWith)) }
        div.scanner hidden {
            video #scan-video hidden playsinline muted {}
            p.small { (l.t(Msg::HoldTheQrCodeInside)) }
        }
        form.card method="get" action="/app/scan/code" {
            div.field {
                label for="f-code" { (l.t(Msg::OrTypeTheStoreCode)) }
                input #f-code name="code" type="text" autocomplete="off" autocapitalize="off" required;
            }
            button.primary type="submit" { (l.t(Msg::Next)) }
        }
        script src="/assets/jsQR.js" {}
        script src="/assets/scan.js" {}
    };
    Ok(render(ctx, 200, l.t(Msg::ScanTheStoresCode), body))
}

pub fn scan_code(ctx: &mut Ctx) -> Result<Reply, WebError> {
    // Full-width characters folded, spaces and hyphens dropped; the case is kept for the
    // long code, and the short one is read in any case by the pay page.
    let code = crate::domain::store::typed_store_code(ctx.query_get("code").unwrap_or(""));
    Ok(Reply::redirect(&format!("/p/{code}")))
}
