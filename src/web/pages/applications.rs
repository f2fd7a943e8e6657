//! Merchant applications: the public form (the secretariat uses the same form for
//! applications that came by post), the applicant's status page, and the review queue.

use maud::{Markup, html};

use super::{message, render, status_of, store_form};
use crate::domain::StoreProfile;
use crate::domain::time::format_datetime_ja;
use crate::service::merchants::applications::{self, Application, Decision};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Field, Lang, alert, csrf_field, notice};

fn form_page(ctx: &Ctx, status: u16, values: &[(String, String)], error: Option<&str>) -> Reply {
    let l = ctx.lang;
    let v = |n: &str| field(values, n).unwrap_or("").to_owned();
    let by_staff = ctx.principal.is_some();
    let body: Markup = html! {
        @if by_staff { (notice(l.t("郵送で届いた申請書の内容を入力します。", "Typing in an application that came by post."))) }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/apply" {
            (csrf_field(&ctx.csrf_token()))
            h2 { (l.t("お店の情報", "Your store")) }
            (Field::new(l.t("郵便番号", "Postal code"), "postal_code").value(&v("postal_code")).required(true).autocomplete("postal-code").hint(l.t("例: 379-0192", "e.g. 379-0192")).render(l))
            (store_form::store_fields(l, values))
            h2 { (l.t("精算金の振込口座", "Bank account for settlement")) }
            (Field::new(l.t("金融機関コード(4桁)", "Bank code (4 digits)"), "bank_code").value(&v("bank_code")).required(true).render(l))
            (Field::new(l.t("支店コード(3桁)", "Branch code (3 digits)"), "branch_code").value(&v("branch_code")).required(true).render(l))
            fieldset {
                legend { (l.t("預金種目", "Account type")) }
                label.choice { input type="radio" name="account_type" value="ordinary" checked[v("account_type") != "current"]; " " (l.t("普通", "Ordinary")) }
                label.choice { input type="radio" name="account_type" value="current" checked[v("account_type") == "current"]; " " (l.t("当座", "Current")) }
            }
            (Field::new(l.t("口座番号(7桁)", "Account number (7 digits)"), "account_number").value(&v("account_number")).required(true).render(l))
            (Field::new(l.t("口座名義(カタカナ)", "Account holder (katakana)"), "holder_kana").value(&v("holder_kana")).required(true).render(l))
            h2 { (l.t("申請者", "Applicant")) }
            (Field::new(l.t("お名前", "Your name"), "applicant_name").value(&v("applicant_name")).required(true).render(l))
            (Field::new(l.t("メールアドレス(審査結果とログイン情報のお知らせ先)", "E-mail (for the result and your login)"), "email").kind("email").value(&v("email")).required(true).render(l))
            fieldset {
                legend { (l.t("誓約と同意", "Pledge and terms")) }
                label.choice { input type="checkbox" name="pledge" value="1" required; " " (l.t("実際の商品・サービスの提供を伴わない換金目的の取引を行いません", "I will not move the currency without a real sale")) }
                label.choice { input type="checkbox" name="terms" value="1" required; " " (l.t("加盟店規約に同意します", "I accept the store terms")) }
            }
            button.primary type="submit" { (l.t("申請する", "Apply")) }
        }
    };
    render(ctx, status, l.t("加盟店の申請", "Apply as a store"), body)
}

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    Ok(form_page(ctx, 200, &[], None))
}

pub fn submit(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let text = |n: &str| {
        field(&f, n)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if field(&f, "terms") != Some("1") {
        return Ok(form_page(
            ctx,
            400,
            &f,
            Some(l.t("加盟店規約への同意が必要です", "Accept the store terms")),
        ));
    }
    let application = Application {
        store: StoreProfile {
            bank: Some(store_form::bank_from_form(&f)),
            ..store_form::profile_from_form(&f)
        },
        applicant_name: text("applicant_name").unwrap_or_default(),
        email: text("email").unwrap_or_default(),
        pledge: field(&f, "pledge") == Some("1"),
        postal_code: text("postal_code").unwrap_or_default(),
    };
    let who = ctx.principal.clone();
    match applications::submit(ctx.app, who.as_ref(), application) {
        Ok(s) => {
            let status_url = format!("/apply/status/{}", s.status_token);
            let body = html! {
                (notice(&format!("{} {}", l.t("申請を受け付けました。受付番号:", "Application received. Number:"), s.id)))
                p { (l.t("審査の結果はメールと次のページでお知らせします。このページのアドレスを控えてください。", "The result comes by mail and on this page; keep its address.")) }
                p { a.button.primary href=(status_url) { (l.t("申請の状況を見る", "See the status")) } }
            };
            Ok(render(
                ctx,
                201,
                l.t("申請を受け付けました", "Application received"),
                body,
            ))
        }
        Err(e) if status_of(&e) < 500 => {
            Ok(form_page(ctx, status_of(&e), &f, Some(&message(ctx, &e))))
        }
        Err(e) => Err(e.into()),
    }
}

fn status_label(l: Lang, s: &str) -> String {
    match l {
        Lang::Ja => applications::status_ja(s).to_owned(),
        Lang::En => s.replace('_', " "),
    }
}

/// The applicant's own page, reached through the secret address given at submission.
pub fn status(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let token = ctx.params.first().cloned().unwrap_or_default();
    let a = applications::by_token(ctx.app, &token)?;
    let body = html! {
        dl.confirm {
            dt { (l.t("受付番号", "Number")) } dd { (a.id) }
            dt { (l.t("状況", "Status")) } dd.status { (status_label(l, &a.status)) }
            @if let Some(r) = &a.reason { dt { (l.t("理由・ご依頼", "Reason")) } dd { (r) } }
        }
        @if a.status == "approved" { p { (l.t("ログインIDと仮パスワードをメールでお送りしました。", "Your login and one-time password were sent by mail.")) " " a href="/login" { (l.t("ログイン", "Log in")) } } }
        @if a.status == "changes_requested" { p { a.button href="/apply" { (l.t("申請をやり直す", "Apply again")) } } }
    };
    Ok(render(
        ctx,
        200,
        l.t("加盟店申請の状況", "Application status"),
        body,
    ))
}

pub fn queue(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let items = applications::list(ctx.app, ctx.who()?)?;
    let body = html! {
        p { a.button href="/apply" { (l.t("郵送の申請を入力する", "Type in a posted application")) } }
        ul.notice-list {
            @for a in &items {
                li {
                    a href={ "/office/applications/" (a.id) } { (a.id) ". " (serde_json::from_str::<StoreProfile>(&a.profile).map(|s| s.name).unwrap_or_default()) }
                    small { (status_label(l, &a.status)) " · " (if a.source == "post" { l.t("郵送", "post") } else { "web" }) " · " (format_datetime_ja(a.created_at)) }
                }
            }
        }
    };
    Ok(render(
        ctx,
        200,
        l.t("加盟店申請の審査", "Store applications"),
        body,
    ))
}

pub fn review(ctx: &mut Ctx) -> Result<Reply, WebError> {
    review_page(ctx, 200, None, None)
}

fn review_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<Markup>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let a = applications::get(ctx.app, ctx.param_id(0)?)?;
    let s: StoreProfile = serde_json::from_str(&a.profile)
        .map_err(|e| WebError::Service(crate::service::ServiceError::Internal(e.to_string())))?;
    let csrf = ctx.csrf_token();
    let bank = s.bank.clone();
    let body = html! {
        @if let Some(d) = done { (d) }
        @if let Some(e) = error { (alert(e)) }
        dl.confirm {
            dt { (l.t("状況", "Status")) } dd.status { (status_label(l, &a.status)) }
            dt { (l.t("店名", "Name")) } dd { (s.name) " (" (s.name_kana) ")" }
            dt { (l.t("業種", "Category")) } dd { (s.category) }
            dt { (l.t("住所", "Address")) } dd { (s.address) }
            @if let Some(p) = &s.phone { dt { (l.t("電話", "Phone")) } dd { (p) } }
            @if let Some(b) = &bank { dt { (l.t("口座", "Account")) } dd { (b.bank_code) "-" (b.branch_code) " " (b.account_type) " " (b.account_number) " " (b.holder_kana) } }
            dt { (l.t("申請者", "Applicant")) } dd { (a.applicant_name) " <" (a.email) ">" }
            @if let Some(r) = &a.reason { dt { (l.t("理由", "Reason")) } dd { (r) } }
        }
        @if a.status == "submitted" {
            form.card method="post" action={ "/office/applications/" (a.id) "/decide" } {
                (csrf_field(&csrf))
                div.field {
                    label for="f-reason" { (l.t("理由・修正のお願い(不承認・修正依頼のとき)", "Reason (to reject or ask for changes)")) }
                    textarea #f-reason name="reason" rows="3" {}
                }
                div.actions {
                    button.primary type="submit" name="decision" value="approve" { (l.t("承認して店舗を登録", "Approve and create the store")) }
                    button type="submit" name="decision" value="changes" { (l.t("修正を依頼", "Ask for changes")) }
                    button type="submit" name="decision" value="reject" { (l.t("不承認", "Reject")) }
                }
            }
        }
        p { a href="/office/applications" { (l.t("一覧へ戻る", "Back to the list")) } }
    };
    Ok(render(ctx, status, l.t("申請の審査", "Review"), body))
}

pub fn decide(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let reason = field(&f, "reason").unwrap_or("").to_owned();
    let decision = match field(&f, "decision") {
        Some("approve") => Decision::Approve,
        Some("reject") => Decision::Reject(reason),
        Some("changes") => Decision::AskForChanges(reason),
        _ => {
            return review_page(
                ctx,
                400,
                Some(l.t("審査結果を選んでください", "Choose a decision")),
                None,
            );
        }
    };
    let who = ctx.who()?.clone();
    match applications::decide(ctx.app, &who, ctx.param_id(0)?, decision) {
        Ok(Some(a)) => {
            let done = html! {
                div.notice role="status" {
                    p { (l.t("承認し、店舗を登録しました。ログイン情報は申請者にメールで送られます。", "Approved; the store exists and its login was mailed to the applicant.")) }
                    dl { dt { (l.t("店舗番号", "Store")) } dd { (a.store_id) } dt { (l.t("ログインID", "Login")) } dd { code { (a.login) } } }
                }
            };
            review_page(ctx, 200, None, Some(done))
        }
        Ok(None) => review_page(
            ctx,
            200,
            None,
            Some(notice(l.t(
                "審査結果を申請者に通知しました。",
                "The applicant has been told.",
            ))),
        ),
        Err(e) if status_of(&e) < 500 => {
            review_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}
