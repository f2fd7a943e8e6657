//! The secretariat's list of stores, with suspension, removal and reinstatement.

use crate::i18n::Msg;
use maud::html;

use super::location::{location_fields, location_from_form};
use super::{message, render, status_of};
use crate::domain::{Code, StoreProfile, StoreStatus};
use crate::service::ServiceError;
use crate::service::merchants::directory;
use crate::service::merchants::stores;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Lang, alert, approve_or_reject, csrf_field};

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

fn page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let all = stores::all_with_status(ctx.app, ctx.who()?)?;
    let csrf = ctx.csrf_token();
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        p { a.button href="/office/stores/import" { (l.t(Msg::ImportTheCitysListExcel)) } }
        ul.notice-admin {
            @for s in &all {
                @let (id, name, st, reason) = (s.id, &s.name, s.status, &s.reason);
                li.card {
                    strong { (name) } " " small { "#" (id) " · " (status_label(l, st)) }
                    @if let Some(r) = reason { p.small { (r) } }
                    p.small {
                        @if s.located { (l.t(Msg::OnTheMap)) } @else { span.tag.no-location { (l.t(Msg::NoLocationYet)) } }
                        " " a href={ "/office/stores/" (id) "/location" } { (l.t(Msg::SetTheLocation)) }
                    }
                    @if s.has_photo {
                        form.inline method="post" action={ "/office/stores/" (id) "/photo/remove" } {
                            (csrf_field(&csrf))
                            a href={ "/stores/" (id) } { (l.t(Msg::HasAPhoto)) } " "
                            button.link type="submit" { (l.t(Msg::TakeThePhotoDown)) }
                        }
                    }
                    form method="post" action={ "/office/stores/" (id) "/status" } {
                        (csrf_field(&csrf))
                        @if st == StoreStatus::Active {
                            div.field {
                                label for={ "r-" (id) } { (l.t(Msg::Reason3)) }
                                input id={ "r-" (id) } name="reason" type="text";
                            }
                            div.actions {
                                button type="submit" name="status" value=(StoreStatus::Suspended.code()) { (l.t(Msg::Suspend)) }
                                button type="submit" name="status" value=(StoreStatus::Removed.code()) { (l.t(Msg::Remove)) }
                            }
                        } @else {
                            button type="submit" name="status" value=(StoreStatus::Active.code()) { (l.t(Msg::Reinstate)) }
                        }
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::Stores3), body))
}

pub fn set_status(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let f = ctx.form();
    let who = ctx.who()?.clone();
    let id = ctx.param_id(0)?;
    // The status is parsed here, at the edge: an unknown one is refused before any use case.
    let result = StoreStatus::from_wire(field(&f, "status").unwrap_or(""))
        .map_err(ServiceError::Invalid)
        .and_then(|st| {
            stores::set_status(ctx.app, &who, id, st, field(&f, "reason").unwrap_or(""))
        });
    match result {
        Ok(()) => Ok(Reply::redirect("/office/stores")),
        Err(e) if status_of(&e) < 500 => page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}

pub fn remove_photo(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let who = ctx.who()?.clone();
    let id = ctx.param_id(0)?;
    match stores::remove_photo(ctx.app, &who, id) {
        Ok(()) => Ok(Reply::redirect("/office/stores")),
        Err(e) if status_of(&e) < 500 => page(ctx, status_of(&e), Some(&message(ctx, &e))),
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
        p { a href="/office/stores" { (l.t(Msg::BackToTheList)) } }
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
