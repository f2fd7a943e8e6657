//! Device purchase subsidy pages: the store applies and uploads its receipt; the
//! secretariat decides, reads receipts and exports the approved list for the city.

use maud::html;

use super::{answer_form, message, render, status_of};
use crate::domain::Yen;
use crate::domain::time::format_datetime_ja;
use crate::service::money::device_subsidy as subsidy;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::yen;
use crate::web::views::{Field, Lang, alert, approve_or_reject, csrf_field, notice};

fn status_label(l: Lang, s: &str) -> &'static str {
    match s {
        "applied" => l.t("審査中", "applied"),
        "approved" => l.t("承認", "approved"),
        _ => l.t("不承認", "rejected"),
    }
}

pub fn store_page(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, None, None)
}

fn page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let mine = subsidy::of_store(ctx.app, ctx.who()?)?;
    let csrf = ctx.csrf_token();
    let body = html! {
        @if let Some(d) = done { (notice(d)) }
        @if let Some(e) = error { (alert(e)) }
        p { (l.t("お支払いを受けるためのスマートフォン・タブレットの購入費を、1店舗1回、20,000円まで補助します(先着100店舗)。", "The city pays up to 20,000 yen toward a phone or tablet for taking payments: once per store, first 100 stores.")) }
        @match &mine {
            None => {
                form.card method="post" action="/shop/device" {
                    (csrf_field(&csrf))
                    (Field::new(l.t("購入する端末", "Device to buy"), "item").required(true).render(l))
                    (Field::new(l.t("補助申請額(円、20,000円まで)", "Amount (yen, up to 20,000)"), "amount").kind("text").required(true).render(l))
                    button.primary type="submit" { (l.t("申請する", "Apply")) }
                }
            }
            Some(s) => {
                dl.confirm {
                    dt { (l.t("端末", "Device")) } dd { (s.item) }
                    dt { (l.t("申請額", "Amount")) } dd.num { (yen(l, s.amount)) }
                    dt { (l.t("状況", "Status")) } dd.status { (status_label(l, &s.status)) }
                    @if let Some(r) = &s.reason { dt { (l.t("理由", "Reason")) } dd { (r) } }
                    dt { (l.t("領収書", "Receipt")) } dd { (if s.has_receipt { l.t("提出済み", "received") } else { l.t("未提出", "not yet") }) }
                }
                @if s.status == "approved" {
                    form.card method="post" action="/shop/device/receipt" enctype="multipart/form-data" {
                        (csrf_field(&csrf))
                        div.field {
                            label for="f-receipt" { (l.t("領収書(写真またはPDF、800KBまで)", "Receipt (photo or PDF, up to 800 KB)")) }
                            input #f-receipt type="file" name="receipt" accept="image/png,image/jpeg,application/pdf" required;
                        }
                        button.primary type="submit" { (l.t("領収書を提出する", "Upload the receipt")) }
                    }
                }
            }
        }
    };
    Ok(render(
        ctx,
        status,
        l.t("端末購入補助", "Device subsidy"),
        body,
    ))
}

pub fn apply(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let Some(amount) = Yen::parse_typed(field(&f, "amount").unwrap_or("")) else {
        return page(
            ctx,
            400,
            Some(l.t(
                "申請額を数字で入力してください",
                "Type the amount in digits",
            )),
            None,
        );
    };
    let who = ctx.who()?.clone();
    answer_form(
        ctx,
        subsidy::apply(ctx.app, &who, field(&f, "item").unwrap_or(""), amount),
        page,
        201,
        l.t("申請しました。", "Applied."),
    )
}

pub fn receipt_upload(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let file = ctx
        .files()
        .into_iter()
        .find(|f| f.name == "receipt" && !f.data.is_empty());
    let Some(file) = file else {
        return page(
            ctx,
            400,
            Some(l.t("ファイルを選んでください", "Choose a file")),
            None,
        );
    };
    let who = ctx.who()?.clone();
    answer_form(
        ctx,
        subsidy::upload_receipt(ctx.app, &who, &file.data),
        page,
        200,
        l.t("領収書を提出しました。", "The receipt was uploaded."),
    )
}

pub fn office(ctx: &mut Ctx) -> Result<Reply, WebError> {
    office_page(ctx, 200, None)
}

fn office_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let items = subsidy::list(ctx.app, ctx.who()?)?;
    let csrf = ctx.csrf_token();
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        p { a.button href="/office/devices.csv" download { (l.t("承認済み一覧をCSVで保存", "Approved list as CSV")) } }
        ul.notice-admin {
            @for s in &items {
                li.card {
                    strong { (s.store_name) } " " small { (status_label(l, &s.status)) " · " (yen(l, s.amount)) " · " (format_datetime_ja(s.created_at)) }
                    p.small { (s.item) }
                    @if s.has_receipt { p { a href={ "/office/devices/" (s.id) "/receipt" } { (l.t("領収書を見る", "See the receipt")) } } }
                    @if s.status == "applied" {
                        (approve_or_reject(l, &format!("/office/devices/{}/decide", s.id), s.id, &csrf))
                    }
                }
            }
        }
    };
    Ok(render(
        ctx,
        status,
        l.t("端末購入補助の審査", "Device subsidies"),
        body,
    ))
}

pub fn decide(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let f = ctx.form();
    let who = ctx.who()?.clone();
    let approve = field(&f, "decision") == Some("approve");
    match subsidy::decide(
        ctx.app,
        &who,
        ctx.param_id(0)?,
        approve,
        field(&f, "reason").unwrap_or(""),
    ) {
        Ok(()) => Ok(Reply::redirect("/office/devices")),
        Err(e) if status_of(&e) < 500 => office_page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}

pub fn receipt(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let (bytes, kind) = subsidy::receipt(ctx.app, ctx.who()?, ctx.param_id(0)?)?;
    let ty: &'static str = match kind.as_str() {
        "application/pdf" => "application/pdf",
        "image/png" => "image/png",
        _ => "image/jpeg",
    };
    Ok(Reply::bytes(200, ty, bytes))
}

/// The approved subsidies for the city (with whether the receipt is in).
pub fn csv(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let rows: Vec<Vec<String>> = subsidy::list(ctx.app, ctx.who()?)?
        .into_iter()
        .filter(|s| s.status == "approved")
        .map(|s| {
            vec![
                s.store_id.to_string(),
                s.store_name,
                s.item,
                s.amount.0.to_string(),
                if s.has_receipt { "1" } else { "0" }.into(),
            ]
        })
        .collect();
    let header = [
        l.t("店舗番号", "Store"),
        l.t("店名", "Name"),
        l.t("端末", "Device"),
        l.t("補助額(円)", "Amount"),
        l.t("領収書", "Receipt"),
    ];
    Ok(Reply::csv(
        "device-subsidies.csv",
        crate::export::csv(&header, &rows),
    ))
}
