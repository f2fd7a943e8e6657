//! Device purchase subsidy pages: the store applies and uploads its receipt; the
//! secretariat decides, reads receipts and exports the approved list for the city.

use crate::i18n::Msg;
use maud::html;

use super::{answer_form, message, render, status_of};
use crate::domain::Yen;
use crate::service::money::device_subsidy as subsidy;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::money::yen;
use crate::web::views::{Field, Lang, alert, approve_or_reject, csrf_field, notice};

fn status_label(l: Lang, s: &str) -> &'static str {
    match s {
        "applied" => l.t(Msg::Applied),
        "approved" => l.t(Msg::Approved),
        _ => l.t(Msg::Rejected),
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
        p { (l.t(Msg::TheCityPaysUpTo)) }
        @match &mine {
            None => {
                form.card method="post" action="/shop/device" {
                    (csrf_field(&csrf))
                    (Field::new(l.t(Msg::DeviceToBuy), "item").required(true).render(l))
                    (Field::new(l.t(Msg::AmountYenUpTo20), "amount").kind("text").required(true).render(l))
                    button.primary type="submit" { (l.t(Msg::Apply)) }
                }
            }
            Some(s) => {
                dl.confirm {
                    dt { (l.t(Msg::Device)) } dd { (s.item) }
                    dt { (l.t(Msg::Amount)) } dd.num { (yen(l, s.amount)) }
                    dt { (l.t(Msg::Status)) } dd.status { (status_label(l, &s.status)) }
                    @if let Some(r) = &s.reason { dt { (l.t(Msg::Reason2)) } dd { (r) } }
                    dt { (l.t(Msg::Receipt)) } dd { (if s.has_receipt { l.t(Msg::Received) } else { l.t(Msg::NotYet) }) }
                }
                @if s.status == "approved" {
                    form.card method="post" action="/shop/device/receipt" enctype="multipart/form-data" {
                        (csrf_field(&csrf))
                        div.field {
                            label for="f-receipt" { (l.t(Msg::ReceiptPhotoOrPdfUp)) }
                            input #f-receipt type="file" name="receipt" accept="image/png,image/jpeg,application/pdf" required;
                        }
                        button.primary type="submit" { (l.t(Msg::UploadTheReceipt)) }
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::DeviceSubsidy), body))
}

pub fn apply(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let Some(amount) = Yen::parse_typed(field(&f, "amount").unwrap_or("")) else {
        return page(ctx, 400, Some(l.t(Msg::TypeTheAmountInDigits)), None);
    };
    let who = ctx.who()?.clone();
    answer_form(
        ctx,
        subsidy::apply(ctx.app, &who, field(&f, "item").unwrap_or(""), amount),
        page,
        201,
        l.t(Msg::Applied2),
    )
}

pub fn receipt_upload(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let file = ctx
        .files()
        .into_iter()
        .find(|f| f.name == "receipt" && !f.data.is_empty());
    let Some(file) = file else {
        return page(ctx, 400, Some(l.t(Msg::ChooseAFile)), None);
    };
    let who = ctx.who()?.clone();
    answer_form(
        ctx,
        subsidy::upload_receipt(ctx.app, &who, &file.data),
        page,
        200,
        l.t(Msg::TheReceiptWasUploaded),
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
        p { a.button href="/office/devices.csv" download { (l.t(Msg::ApprovedListAsCsv)) } }
        ul.notice-admin {
            @for s in &items {
                li.card {
                    strong { (s.store_name) } " " small { (status_label(l, &s.status)) " · " (yen(l, s.amount)) " · " (l.datetime(s.created_at)) }
                    p.small { (s.item) }
                    @if s.has_receipt { p { a href={ "/office/devices/" (s.id) "/receipt" } { (l.t(Msg::SeeTheReceipt)) } } }
                    @if s.status == "applied" {
                        (approve_or_reject(l, &format!("/office/devices/{}/decide", s.id), s.id, &csrf))
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::DeviceSubsidies), body))
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
        l.t(Msg::Store),
        l.t(Msg::Name3),
        l.t(Msg::Device),
        l.t(Msg::Amount2),
        l.t(Msg::Receipt),
    ];
    Ok(Reply::csv(
        "device-subsidies.csv",
        crate::export::csv(&header, &rows),
    ))
}
