//! The secretariat's list of stores, with suspension, removal and reinstatement.

use crate::i18n::Msg;
use maud::html;

use super::location::{location_fields, location_from_form};
use super::{message, render, status_of};
use crate::domain::{Code, StoreProfile, StoreStatus};
use crate::service::merchants::{directory, store_office, stores};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::percent_encode;
use crate::web::request::{Ctx, field};
use crate::web::views::{Lang, alert, approve_or_reject, csrf_field, notice};

fn status_label(l: Lang, s: StoreStatus) -> &'static str {
    match s {
        StoreStatus::Active => l.t(Msg::Active2),
        StoreStatus::Suspended => l.t(Msg::Suspended),
        StoreStatus::Removed => l.t(Msg::Removed),
    }
}

pub fn list(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, None)
}

/// The list: search by name, reading or keyword, filter by status, 50 a page.
fn page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let q = ctx.query_get("q").unwrap_or("").trim().to_owned();
    let only = ctx.query_get("status").and_then(StoreStatus::parse);
    let at = ctx
        .query_get("page")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1);
    let list = store_office::list(ctx.app, ctx.who()?, Some(&q), only, at)?;
    let link = |page: i64| {
        format!(
            "/office/stores?q={}&status={}&page={page}",
            percent_encode(&q),
            only.map(|s| s.code()).unwrap_or("")
        )
    };
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        p { a.button href="/office/stores/import" { (l.t(Msg::ImportTheCitysListExcel)) } }
        form.card.search method="get" action="/office/stores" role="search" {
            div.field {
                label for="f-q" { (l.t(Msg::Search)) }
                input #f-q type="search" name="q" value=(q) autocomplete="off";
            }
            div.field {
                label for="f-status" { (l.t(Msg::Status)) }
                select #f-status name="status" {
                    option value="" { (l.t(Msg::EveryStatus)) }
                    @for st in StoreStatus::ALL {
                        option value=(st.code()) selected[only == Some(*st)] { (status_label(l, *st)) }
                    }
                }
            }
            button type="submit" { (l.t(Msg::Search)) }
        }
        p role="status" { (l.f(Msg::StoresFound, &[("n", &list.total.to_string())])) }
        div.table-scroll tabindex="0" role="region" aria-label=(l.t(Msg::Stores3)) {
            table {
                thead { tr { th { (l.t(Msg::StoreNumber)) } th { (l.t(Msg::StoreName)) } th { (l.t(Msg::Category)) } th { (l.t(Msg::Status)) } th { (l.t(Msg::StoreLocation)) } } }
                tbody {
                    @for s in &list.lines {
                        tr {
                            td.num { (s.id) }
                            td { a href={ "/office/stores/" (s.id) } { (s.name) } }
                            td { (s.category) }
                            td {
                                span.badge { (status_label(l, s.status)) }
                                @if let Some(r) = &s.reason { br; small.reason { (r) } }
                            }
                            td {
                                @if s.located { (l.t(Msg::OnTheMap)) } @else { span.tag.no-location { (l.t(Msg::NoLocationYet)) } }
                                " " a href={ "/office/stores/" (s.id) "/location" } { (l.t(Msg::SetTheLocation)) }
                            }
                        }
                    }
                }
            }
        }
        @if list.pages > 1 {
            nav.pager aria-label=(l.t(Msg::Pages)) {
                @if list.page > 1 { a.button href=(link(list.page - 1)) rel="prev" { (l.t(Msg::PreviousPage)) } }
                span { (l.f(Msg::PageOf, &[("page", &list.page.to_string()), ("pages", &list.pages.to_string())])) }
                @if list.page < list.pages { a.button href=(link(list.page + 1)) rel="next" { (l.t(Msg::NextPage)) } }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::Stores3), body))
}

/// One store: contact, bank, sales, its public page, and the status with a reason.
pub fn show(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let done = match ctx.query_get("done") {
        Some("suspended") => Some(Msg::TheStoreIsSuspended),
        Some("removed") => Some(Msg::TheStoreIsRemoved),
        Some("active") => Some(Msg::TheStoreIsReinstated),
        Some("photo") => Some(Msg::ThePhotoIsTakenDown),
        _ => None,
    };
    detail_page(ctx, 200, None, done.map(|m| l.t(m)))
}

fn detail_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let id = ctx.param_id(0)?;
    let d = store_office::detail(ctx.app, ctx.who()?, id)?;
    let s = &d.store;
    let csrf = ctx.csrf_token();
    let body = html! {
        @if let Some(m) = done { (notice(m)) }
        @if let Some(e) = error { (alert(e)) }
        section.card aria-labelledby="store-profile" {
            h2 #store-profile { (l.t(Msg::StoreProfile)) }
            p { span.badge { (status_label(l, s.status)) } @if let Some(r) = &d.reason { " " (r) } }
            dl {
                dt { (l.t(Msg::StoreNumber)) } dd { (s.id) }
                dt { (l.t(Msg::NameReading)) } dd { (s.name_kana) }
                dt { (l.t(Msg::Category)) } dd { (s.category) }
                dt { (l.t(Msg::Address)) } dd { (s.address) }
                @if let Some(p) = &s.phone { dt { (l.t(Msg::Phone)) } dd { a href={ "tel:" (p) } { (p) } } }
                @if let Some(h) = &s.hours { dt { (l.t(Msg::Hours)) } dd { (h) } }
            }
            p {
                @if s.lat.is_some() { (l.t(Msg::OnTheMap)) } @else { span.tag.no-location { (l.t(Msg::NoLocationYet)) } }
                " " a href={ "/office/stores/" (s.id) "/location" } { (l.t(Msg::SetTheLocation)) }
            }
            p { a href={ "/stores/" (s.id) } { (l.t(Msg::ThePublicPage)) } }
        }
        section.card aria-labelledby="store-sales" {
            h2 #store-sales { (l.t(Msg::Sales)) }
            dl {
                dt { (l.t(Msg::PaymentsTaken)) } dd.num { (d.payments) }
                dt { (l.t(Msg::TotalPaid)) } dd.num { (l.yen(d.gross)) }
                dt { (l.t(Msg::RefundedTotal)) } dd.num { (l.yen(d.refunded)) }
            }
        }
        section.card aria-labelledby="store-bank" {
            h2 #store-bank { (l.t(Msg::BankAccount)) }
            @match &d.bank {
                Some(b) => dl {
                    dt { (l.t(Msg::BankCode)) } dd { (b.bank_code) }
                    dt { (l.t(Msg::BranchCode)) } dd { (b.branch_code) }
                    dt { (l.t(Msg::AccountType)) } dd { (l.t(if b.account_type == "current" { Msg::AccountCurrent } else { Msg::AccountOrdinary })) }
                    dt { (l.t(Msg::AccountNumber)) } dd { (b.account_number) }
                    dt { (l.t(Msg::AccountHolder)) } dd { (b.holder_kana) }
                },
                None => p { (l.t(Msg::NoBankAccountYet)) },
            }
        }
        @if s.photo_at.is_some() {
            form.card method="post" action={ "/office/stores/" (id) "/photo/remove" } {
                (csrf_field(&csrf))
                p { (l.t(Msg::HasAPhoto)) }
                button type="submit" { (l.t(Msg::TakeThePhotoDown)) }
            }
        }
        form.card method="post" action={ "/office/stores/" (id) "/status" } {
            h2 { (l.t(Msg::Status)) }
            (csrf_field(&csrf))
            @if s.status == StoreStatus::Active {
                div.field {
                    label for="f-reason" { (l.t(Msg::Reason3)) }
                    input #f-reason name="reason" type="text";
                }
                div.actions {
                    button type="submit" name="status" value=(StoreStatus::Suspended.code()) { (l.t(Msg::Suspend)) }
                    button type="submit" name="status" value=(StoreStatus::Removed.code()) { (l.t(Msg::Remove)) }
                }
            } @else {
                button type="submit" name="status" value=(StoreStatus::Active.code()) { (l.t(Msg::Reinstate)) }
            }
        }
        p { a href="/office/stores" { (l.t(Msg::BackToTheList)) } }
    };
    Ok(render(ctx, status, &s.name, body))
}

/// A status change is asked once more, in words, before it happens.
pub fn set_status(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let who = ctx.who()?.clone();
    let id = ctx.param_id(0)?;
    let reason = field(&f, "reason").unwrap_or("").to_owned();
    // The status is parsed here, at the edge: an unknown one is refused before any use case.
    let st = match StoreStatus::from_wire(field(&f, "status").unwrap_or("")) {
        Ok(st) => st,
        Err(t) => return detail_page(ctx, 400, Some(&t.in_lang(l)), None),
    };
    if field(&f, "confirmed") != Some("yes") {
        let store = stores::get(ctx.app, id)?;
        let (question, button) = match st {
            StoreStatus::Suspended => (Msg::SuspendThisStore, Msg::YesSuspend),
            StoreStatus::Removed => (Msg::RemoveThisStore, Msg::YesRemove),
            StoreStatus::Active => (Msg::ReinstateThisStore, Msg::YesReinstate),
        };
        let body = html! {
            section.card {
                p.lead { (l.f(question, &[("store", &store.name)])) }
                @if !reason.is_empty() { p { (l.t(Msg::Reason3)) ": " (reason) } }
                form method="post" action={ "/office/stores/" (id) "/status" } {
                    (csrf_field(&ctx.csrf_token()))
                    input type="hidden" name="status" value=(st.code());
                    input type="hidden" name="reason" value=(reason);
                    input type="hidden" name="confirmed" value="yes";
                    div.actions {
                        button.primary type="submit" { (l.t(button)) }
                        a.button href={ "/office/stores/" (id) } { (l.t(Msg::Cancel)) }
                    }
                }
            }
        };
        return Ok(render(ctx, 200, &store.name, body));
    }
    match stores::set_status(ctx.app, &who, id, st, &reason) {
        Ok(()) => Ok(Reply::redirect(&format!(
            "/office/stores/{id}?done={}",
            st.code()
        ))),
        Err(e) if status_of(&e) < 500 => {
            detail_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn remove_photo(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let who = ctx.who()?.clone();
    let id = ctx.param_id(0)?;
    match stores::remove_photo(ctx.app, &who, id) {
        Ok(()) => Ok(Reply::redirect(&format!("/office/stores/{id}?done=photo"))),
        Err(e) if status_of(&e) < 500 => {
            detail_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Where the office places a store on the map (or types its latitude and longitude).
pub fn location(ctx: &mut Ctx) -> Result<Reply, WebError> {
    location_page(ctx, 200, None, None, None)
}

fn location_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<&str>,
    typed: Option<&[(String, String)]>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let s = stores::get(ctx.app, ctx.param_id(0)?)?;
    let shown = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    let (lat, lng) = match typed {
        Some(f) => (
            field(f, "lat").unwrap_or("").to_owned(),
            field(f, "lng").unwrap_or("").to_owned(),
        ),
        None => (shown(s.lat), shown(s.lng)),
    };
    let body = html! {
        @if let Some(d) = done { (crate::web::views::notice(d)) }
        @if let Some(e) = error { (alert(e)) }
        p { strong { (s.name) } " " small { "#" (s.id) } }
        form.card method="post" action={ "/office/stores/" (s.id) "/location" } {
            (csrf_field(&ctx.csrf_token()))
            (location_fields(ctx, &lat, &lng, &s.address, directory::map_centre(ctx.app)?))
            button.primary type="submit" { (l.t(Msg::SaveTheLocation)) }
        }
        p { a href={ "/office/stores/" (s.id) } { (s.name) } }
    };
    Ok(render(ctx, status, l.t(Msg::StoreLocation), body))
}

pub fn set_location(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let who = ctx.who()?.clone();
    let id = ctx.param_id(0)?;
    let at = match location_from_form(&f) {
        Ok(at) => at,
        Err(m) => return location_page(ctx, 400, Some(l.t(m)), None, Some(&f)),
    };
    match stores::set_location(ctx.app, &who, id, at) {
        Ok(()) => location_page(ctx, 200, None, Some(l.t(Msg::TheLocationWasSaved)), None),
        Err(e) if status_of(&e) < 500 => {
            location_page(ctx, status_of(&e), Some(&message(ctx, &e)), None, Some(&f))
        }
        Err(e) => Err(e.into()),
    }
}

/// Changes stores asked for, pending ones first, with approve and reject.
pub fn requests(ctx: &mut Ctx) -> Result<Reply, WebError> {
    requests_page(ctx, 200, None)
}

fn requests_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let items = crate::service::merchants::store_requests::requests(ctx.app, ctx.who()?)?;
    let csrf = ctx.csrf_token();
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        ul.notice-admin {
            @for r in &items {
                li.card {
                    strong { "#" (r.store_id) " " (if r.kind == "update" { l.t(Msg::ProfileChange2) } else { l.t(Msg::Removal2) }) }
                    " " small { (r.status) }
                    @if let Some(p) = r.profile.as_deref().and_then(|p| serde_json::from_str::<StoreProfile>(p).ok()) {
                        p.small { (p.name) " / " (p.address) " / " (p.hours.unwrap_or_default()) }
                    }
                    @if let Some(n) = &r.note { p.small { (n) } }
                    @if r.status == "pending" {
                        (approve_or_reject(l, &format!("/office/store-requests/{}/decide", r.id), r.id, &csrf))
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::StoreRequests), body))
}

pub fn decide_request(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let f = ctx.form();
    let who = ctx.who()?.clone();
    let approve = field(&f, "decision") == Some("approve");
    match crate::service::merchants::store_requests::decide_request(
        ctx.app,
        &who,
        ctx.param_id(0)?,
        approve,
        field(&f, "reason").unwrap_or(""),
    ) {
        Ok(()) => Ok(Reply::redirect("/office/store-requests")),
        Err(e) if status_of(&e) < 500 => requests_page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}
