//! What a resident does with the phone: charge, pay by the store's QR (MPM), show a code
//! to the store (CPM), see receipts, read the first-visit explanation.

use maud::{Markup, html};
use serde_json::Value;

use super::{message, render, status_of};
use crate::domain::time::{
    day_colour, format_date_ja, format_datetime_ja, format_time_seconds, from_unix,
};
use crate::domain::{Text, Yen};
use crate::service::ledger::{self, ChargeRequest, Method};
use crate::service::{Principal, ServiceError, crypto, idempotency, programs};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::yen;
use crate::web::views::pay::{self, Completion};
use crate::web::views::{Lang, alert, csrf_field, notice};

fn me(ctx: &Ctx) -> Result<(Principal, i64), WebError> {
    let who = ctx.who()?.clone();
    let id = who.user_id.ok_or(WebError::RouteNotFound)?;
    Ok((who, id))
}

fn date_text(l: Lang, t: i64) -> String {
    match l {
        Lang::Ja => format_date_ja(t),
        Lang::En => from_unix(t).format("%Y-%m-%d").to_string(),
    }
}

/// The id a stored or fresh answer carries (`payment_id`, `charge_id`).
fn answer_id(a: &idempotency::Answer, field: &str) -> Option<i64> {
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
        p.lead { (l.t("ご登録ありがとうございます。", "Thank you for registering. ")) (b.currency_name) (l.t("の使い方は3つだけです。", " works in three steps.")) }
        ol.steps {
            li { strong { (l.t("チャージする", "Charge")) } " — " (l.t("マイページの「チャージする」から入金します。キャンペーン中はプレミアム分が上乗せされます。", "Add money from My page. During campaigns a premium is added.")) }
            li { strong { (l.t("お店のQRコードを読む", "Scan the store's QR code")) } " — " (l.t("スマートフォンのカメラでレジのQRコードを読み、金額を入れて「支払う」を押します。", "Scan the code at the till with your camera, enter the amount and press Pay.")) }
            li { strong { (l.t("完了画面をお店の人に見せる", "Show the completion screen")) } " — " (l.t("動いている完了画面を見せてください。", "Show the moving completion screen to the clerk.")) }
        }
        p { (l.t("QRコードが読めないときは、マイページの「支払いコードを見せる」でお店に読み取ってもらえます。", "If you cannot scan, show your payment code from My page and the store scans it.")) }
        p { a.button.primary href="/app" { (l.t("マイページへ", "Go to My page")) } }
    };
    Ok(render(
        ctx,
        200,
        l.t("はじめての方へ", "Getting started"),
        body,
    ))
}

// --- charge -----------------------------------------------------------------------

const PRESETS: [i64; 6] = [1_000, 3_000, 5_000, 10_000, 20_000, 30_000];

fn sandbox_notice(ctx: &Ctx) -> Markup {
    let l = ctx.lang;
    html! {
        @if ctx.app.provider.as_ref().is_some_and(|p| p.name() == "sandbox") {
            p.notice role="note" { (l.t("これはテスト用の決済です。実際のお金は動きません。", "This is a test payment provider: no real money moves.")) }
        }
    }
}

pub fn charge_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    Ok(charge_page(ctx, 200, None, ""))
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
            (notice(&message(ctx, &crate::service::provider::unavailable())))
            p { a.button href="/stores" { (l.t("お店をさがす", "Find a store")) } }
            p { a href="/app" { (l.t("マイページへ", "Go to My page")) } }
        };
        return render(ctx, status, l.t("チャージ", "Charge"), body);
    }
    let body = html! {
        (sandbox_notice(ctx))
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/app/charge/confirm" {
            (csrf_field(&ctx.csrf_token()))
            fieldset.presets {
                legend { (l.t("チャージする金額", "Amount to charge")) }
                @for p in PRESETS {
                    label.choice { input type="radio" name="preset" value=(p) checked[amount == p.to_string()]; " " (yen(l, Yen(p))) }
                }
            }
            div.field {
                label for="f-other" { (l.t("その他の金額(円)", "Another amount (yen)")) }
                @if unit.0 > 1 { small #f-other-hint { (yen(l, unit)) (l.t("単位でチャージできます", " units")) } }
                input #f-other name="other" type="text" inputmode="numeric" autocomplete="off" value=(if PRESETS.iter().any(|p| p.to_string() == amount) { "" } else { amount });
            }
            fieldset {
                legend { (l.t("お支払い方法", "Pay with")) }
                label.choice { input type="radio" name="method" value="credit_card" checked; " " (l.t("クレジットカード", "Credit card")) }
                label.choice { input type="radio" name="method" value="bank"; " " (l.t("銀行口座", "Bank account")) }
            }
            button.primary type="submit" { (l.t("確認へ進む", "Continue")) }
        }
    };
    render(ctx, status, l.t("チャージ", "Charge"), body)
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
        .ok_or_else(|| {
            l.t(
                "金額を選ぶか、数字で入力してください",
                "Choose or type an amount",
            )
            .to_owned()
        })?;
    let method = match field(form, "method") {
        Some("bank") => Method::Bank,
        _ => Method::CreditCard,
    };
    Ok(ChargeRequest {
        resident_id: resident,
        amount,
        method,
        program: None,
        expires_at: None,
    })
}

pub fn charge_confirm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (who, resident) = me(ctx)?;
    let form = ctx.form();
    let rq = match charge_request(ctx, &form, resident) {
        Ok(rq) => rq,
        Err(e) => return Ok(charge_page(ctx, 400, Some(&e), "")),
    };
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
            input type="hidden" name="method" value=(rq.method.as_str());
            // One key per confirmation page: pressing twice charges once.
            input type="hidden" name="key" value=(crypto::random_token());
            dl.confirm {
                dt { (l.t("チャージ金額", "Charge")) } dd.num { (yen(l, rq.amount)) }
                dt { (l.t("プレミアム分", "Premium")) } dd.num { "+" (yen(l, preview.premium_granted)) }
                dt { (l.t("チャージ後の残高", "Balance after")) } dd.num { (yen(l, preview.balance)) }
                dt { (l.t("お支払い方法", "Pay with")) } dd { (if rq.method == Method::Bank { l.t("銀行口座", "Bank account") } else { l.t("クレジットカード", "Credit card") }) }
            }
            button.primary type="submit" { (l.t("チャージする", "Charge now")) }
        }
        p { a href="/app/charge" { (l.t("金額を変える", "Change the amount")) } }
    };
    Ok(render(
        ctx,
        200,
        l.t("チャージの確認", "Confirm the charge"),
        body,
    ))
}

pub fn charge(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let (who, resident) = me(ctx)?;
    let form = ctx.form();
    let rq = match charge_request(ctx, &form, resident) {
        Ok(rq) => rq,
        Err(e) => return Ok(charge_page(ctx, 400, Some(&e), "")),
    };
    let key = field(&form, "key").unwrap_or("").to_owned();
    let fp =
        crypto::sha256(format!("page-charge {} {}", rq.amount.0, rq.method.as_str()).as_bytes());
    match ledger::charge_paid(&ctx.shared, &who, &rq, Some(&key), &fp) {
        Ok(a) => {
            let id = answer_id(&a, "charge_id").ok_or(WebError::Panic)?;
            Ok(Reply::redirect(&format!("/app/charges/{id}")))
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
        (notice(l.t("チャージが完了しました。", "The charge is complete.")))
        dl.confirm.receipt {
            dt { (l.t("日時", "When")) } dd { (format_datetime_ja(c.at)) }
            dt { (l.t("チャージ金額", "Charge")) } dd.num { (yen(l, c.amount)) }
            dt { (l.t("プレミアム分", "Premium")) } dd.num { "+" (yen(l, c.premium)) }
            @if c.provider.as_deref() == Some("sandbox") {
                dt { (l.t("決済", "Provider")) } dd { (l.t("テスト用(実際のお金は動いていません)", "test (no real money moved)")) }
            }
        }
        p { a.button.primary href="/app" { (l.t("マイページへ", "Go to My page")) } }
    };
    Ok(render(ctx, 200, l.t("チャージ完了", "Charged"), body))
}

// --- MPM: pay at the store's QR -----------------------------------------------------

/// The store behind a QR code, or a page saying it is not there.
fn store_of(ctx: &Ctx) -> Result<crate::db::stores::StoreRow, WebError> {
    let code = ctx.params.first().map(String::as_str).unwrap_or("");
    crate::db::stores::by_mpm_code(&*ctx.app.conn()?, code)?
        .filter(|s| s.status == "active")
        .ok_or_else(|| {
            WebError::Service(crate::service::not_found(
                "no store has this QR code",
                "このQRコードのお店は見つかりません。お店の方にご確認ください。",
            ))
        })
}

pub fn pay_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let store = store_of(ctx)?;
    Ok(pay_page(ctx, &store, 200, None, ""))
}

fn pay_page(
    ctx: &Ctx,
    store: &crate::db::stores::StoreRow,
    status: u16,
    error: Option<&str>,
    amount: &str,
) -> Reply {
    let l = ctx.lang;
    let body = html! {
        p.payee { span.label { (l.t("お支払い先", "Paying")) } strong.store { (store.name) } }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action={ "/p/" (store.mpm_code) "/confirm" } {
            (csrf_field(&ctx.csrf_token()))
            (pay::amount_field(l, amount))
            button.primary type="submit" { (l.t("確認へ進む", "Continue")) }
        }
        script src="/assets/keypad.js" {}
    };
    render(ctx, status, l.t("お支払い", "Pay"), body)
}

/// The amount typed on the pay page, or that page again with a message.
fn typed_amount(ctx: &Ctx, store: &crate::db::stores::StoreRow) -> Result<Yen, Reply> {
    let l = ctx.lang;
    let typed = field(&ctx.form(), "amount").unwrap_or("").to_owned();
    Yen::parse_typed(&typed).ok_or_else(|| {
        let msg = l.t(
            "金額を数字で入力してください(1円以上)",
            "Type the amount in digits (at least 1 yen)",
        );
        pay_page(ctx, store, 400, Some(msg), &typed)
    })
}

pub fn pay_confirm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let store = store_of(ctx)?;
    let (_, resident) = me(ctx)?;
    let amount = match typed_amount(ctx, &store) {
        Ok(a) => a,
        Err(page) => return Ok(page),
    };
    let balance = ledger::balance(ctx.app, resident)?.total;
    let body = html! {
        form.card.confirm-pay method="post" action={ "/p/" (store.mpm_code) } {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="amount" value=(amount.0);
            input type="hidden" name="key" value=(crypto::random_token());
            p.payee { strong.store { (store.name) } (l.t(" に", "")) }
            p.big-amount { (yen(l, amount)) }
            p { (l.t("を支払います。", "will be paid.")) }
            p.small { (l.t("現在の残高: ", "Balance now: ")) (yen(l, balance)) }
            button.primary type="submit" { (l.t("支払う", "Pay")) }
        }
        p { a href={ "/p/" (store.mpm_code) } { (l.t("金額を直す", "Change the amount")) } }
    };
    Ok(render(
        ctx,
        200,
        l.t("お支払いの確認", "Confirm payment"),
        body,
    ))
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
    let result = idempotency::run(
        ctx.app,
        &who.idempotency_scope(),
        Some(&key),
        &fp,
        {
            let (app, who, code) = (ctx.shared.clone(), who.clone(), store.mpm_code.clone());
            move |tx| ledger::pay_at_store_code(&app, tx, &who, &code, amount)
        },
        |o| (201, serde_json::json!({ "payment_id": o.payment_id })),
    );
    match result {
        Ok(a) => Ok(Reply::redirect(&format!(
            "/app/payments/{}",
            answer_id(&a, "payment_id").ok_or(WebError::Panic)?
        ))),
        Err(ServiceError::IdempotencyConflict) => {
            Err(WebError::Service(ServiceError::Conflict(Text::new(
                "this confirmation was already used for another amount",
                "この確認画面は別の金額で使用済みです。もう一度金額を入力してください。",
            ))))
        }
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
    let names = programs::all(ctx.app);
    let c = Completion {
        store: r
            .store_name
            .clone()
            .unwrap_or_else(|| l.t("市税", "City tax").to_owned()),
        amount: r.payment.amount,
        date: date_text(l, r.payment.at),
        time: format_time_seconds(r.payment.at),
        colour: day_colour(ctx.app.now()),
        breakdown: breakdown
            .into_iter()
            .map(|(p, y)| (names.get(&p).map(|p| p.name.clone()).unwrap_or(p), y))
            .collect(),
        balance_after: Some(ledger::balance(ctx.app, resident)?.total),
    };
    let refunded = r.payment.refunded;
    let body = html! {
        (pay::completion(l, &c))
        @if refunded.0 > 0 { (notice(&format!("{}{}", l.t("返金済み: ", "Refunded: "), yen(l, refunded)))) }
        p { a.button href="/app" { (l.t("マイページへ", "Go to My page")) } }
    };
    Ok(render(ctx, 200, l.t("お支払い完了", "Paid"), body))
}

// --- CPM: show a code -------------------------------------------------------------

pub fn show_code(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let (who, resident) = me(ctx)?;
    let (token, expires_at) = ledger::issue_qr_token(ctx.app, &who)?;
    let ttl = expires_at - ctx.app.now();
    let balance = ledger::balance(ctx.app, resident)?.total;
    let body = html! {
        section.cpm data-token=(token) data-ttl=(ttl) {
            p { (l.t("お店の方にこのコードを読み取ってもらってください。", "Let the store scan this code.")) }
            div.qr-box { (pay::qr_svg(&token, l.t("支払いコード", "Payment code"))) }
            p.code-text { code { (token) } }
            p.small { (l.t("有効期限: ", "Valid until: ")) (format_time_seconds(expires_at)) (l.t(" まで(自動で新しくなります)", " (renews by itself)")) }
            p.small { (l.t("残高: ", "Balance: ")) (yen(l, balance)) }
            p { a.button href="/app/qr" { (l.t("新しいコードを表示", "Show a new code")) } }
        }
        script src="/assets/cpm.js" {}
    };
    Ok(render(ctx, 200, l.t("支払いコード", "Payment code"), body))
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
        p { (l.t("スマートフォンのカメラでお店のQRコードを読み取ると、支払い画面が開きます。", "Scan the store's QR code with your phone's camera: the payment page opens.")) }
        div.scanner hidden {
            video #scan-video hidden playsinline muted {}
            p.small { (l.t("QRコードを枠の中に写してください", "Hold the QR code inside the frame")) }
        }
        form.card method="get" action="/app/scan/code" {
            div.field {
                label for="f-code" { (l.t("読み取れないときは、QRコードの下の店舗コードを入力", "Or type the store code printed under the QR code")) }
                input #f-code name="code" type="text" autocomplete="off" autocapitalize="off" required;
            }
            button.primary type="submit" { (l.t("次へ", "Next")) }
        }
        script src="/assets/jsQR.js" {}
        script src="/assets/scan.js" {}
    };
    Ok(render(
        ctx,
        200,
        l.t("お店のQRコードを読む", "Scan the store's code"),
        body,
    ))
}

pub fn scan_code(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let code: String = ctx
        .query_get("code")
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    Ok(Reply::redirect(&format!("/p/{code}")))
}
