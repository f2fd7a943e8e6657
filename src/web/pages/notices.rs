//! Notices: the public list and page, and the secretariat's drafting and the city's
//! approval.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::{message, render, status_of};
use crate::domain::Role;
use crate::domain::time::parse_local_datetime;
use crate::service::communication::notices::{self, NoticeRow};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Field, Lang, alert, csrf_field};

fn when(l: Lang, t: i64) -> String {
    l.datetime(t)
}

/// A notice's text as paragraphs, one per line.
fn body(text: &str) -> Markup {
    html! { @for line in text.lines().filter(|l| !l.trim().is_empty()) { p { (line) } } }
}

/// The latest notices as a short list (the resident's home shows it).
pub fn latest(l: Lang, items: &[NoticeRow]) -> Markup {
    html! {
        @if !items.is_empty() {
            section.notices aria-labelledby="notices-h" {
                h2 #notices-h { (l.t(Msg::Notices2)) }
                ul.notice-list {
                    @for n in items {
                        li { a href={ "/notices/" (n.id) } { (n.title) } " " small { (when(l, n.publish_at.unwrap_or(n.created_at))) } }
                    }
                }
                p { a href="/notices" { (l.t(Msg::AllNotices)) } }
            }
        }
    }
}

pub fn list(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let items = notices::published(ctx.app, 100)?;
    let body = html! {
        @if items.is_empty() { p { (l.t(Msg::NoNoticesAtTheMoment)) } }
        ul.notice-list {
            @for n in &items {
                li { a href={ "/notices/" (n.id) } { (n.title) } " " small { (when(l, n.publish_at.unwrap_or(n.created_at))) } }
            }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::Notices2), body))
}

pub fn show(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let n = notices::published_one(ctx.app, ctx.param_id(0)?)?;
    let page = html! {
        p.small { (when(l, n.publish_at.unwrap_or(n.created_at))) }
        article.card { (body(&n.body)) }
        p { a href="/notices" { (l.t(Msg::AllNotices2)) } }
    };
    Ok(render(ctx, 200, &n.title, page))
}

pub fn office(ctx: &mut Ctx) -> Result<Reply, WebError> {
    office_page(ctx, 200, None)
}

fn office_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?.clone();
    let items = notices::all(ctx.app, &who)?;
    let csrf = ctx.csrf_token();
    let body = html! {
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/office/notices" {
            h2 { (l.t(Msg::DraftANoticePublishedAfter)) }
            (csrf_field(&csrf))
            (Field::new(l.t(Msg::Title), "title").required(true).render(l))
            div.field {
                label for="f-body" { (l.t(Msg::Text5)) span.req { (l.t(Msg::Required)) } }
                textarea #f-body name="body" rows="6" required {}
            }
            (Field::new(l.t(Msg::PublishAtEmptyWhenApproved), "publish_at").kind("datetime-local").render(l))
            button.primary type="submit" { (l.t(Msg::SaveDraft)) }
        }
        h2 { (l.t(Msg::AllNotices3)) }
        ul.notice-admin {
            @for n in &items {
                li.card {
                    strong { (n.title) }
                    p.small {
                        (l.t(notices::status_label(&n.status)))
                        @if let Some(t) = n.publish_at { " · " (l.t(Msg::Publish)) (when(l, t)) }
                    }
                    div.actions {
                        @if n.status == "draft" && who.role == Role::Admin {
                            form method="post" action={ "/office/notices/" (n.id) "/approve" } {
                                (csrf_field(&csrf))
                                button.primary type="submit" { (l.t(Msg::ApproveAndPublish)) }
                            }
                        }
                        @if n.status != "withdrawn" {
                            form method="post" action={ "/office/notices/" (n.id) "/withdraw" } {
                                (csrf_field(&csrf))
                                button type="submit" { (l.t(Msg::Withdraw2)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::Notices), body))
}

pub fn create(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let publish_at = match field(&form, "publish_at")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => match parse_local_datetime(s) {
            Some(t) => Some(t),
            None => {
                return office_page(ctx, 400, Some(l.t(Msg::ThePublishTimeIsNot)));
            }
        },
    };
    let who = ctx.who()?.clone();
    match notices::draft(
        ctx.app,
        &who,
        field(&form, "title").unwrap_or(""),
        field(&form, "body").unwrap_or(""),
        publish_at,
    ) {
        Ok(_) => Ok(Reply::redirect("/office/notices")),
        Err(e) if status_of(&e) < 500 => office_page(ctx, status_of(&e), Some(&message(ctx, &e))),
        Err(e) => Err(e.into()),
    }
}

pub fn approve(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let who = ctx.who()?.clone();
    notices::approve(ctx.app, &who, ctx.param_id(0)?)?;
    Ok(Reply::redirect("/office/notices"))
}

pub fn withdraw(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let who = ctx.who()?.clone();
    notices::withdraw(ctx.app, &who, ctx.param_id(0)?)?;
    Ok(Reply::redirect("/office/notices"))
}
