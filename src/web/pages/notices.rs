//! Notices: the public list and page, and the secretariat's drafting and the city's
//! approval.

use maud::{Markup, html};

use super::{message, render, status_of};
use crate::domain::Role;
use crate::domain::time::{format_datetime_en, format_datetime_ja, parse_local_datetime};
use crate::service::communication::notices::{self, NoticeRow};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Field, Lang, alert, csrf_field};

fn when(l: Lang, t: i64) -> String {
    match l {
        Lang::Ja => format_datetime_ja(t),
        Lang::En => format_datetime_en(t),
    }
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
                h2 #notices-h { (l.t("お知らせ", "Notices")) }
                ul.notice-list {
                    @for n in items {
                        li { a href={ "/notices/" (n.id) } { (n.title) } " " small { (when(l, n.publish_at.unwrap_or(n.created_at))) } }
                    }
                }
                p { a href="/notices" { (l.t("お知らせをすべて見る", "All notices")) } }
            }
        }
    }
}

pub fn list(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let items = notices::published(ctx.app, 100)?;
    let body = html! {
        @if items.is_empty() { p { (l.t("現在お知らせはありません。", "No notices at the moment.")) } }
        ul.notice-list {
            @for n in &items {
                li { a href={ "/notices/" (n.id) } { (n.title) } " " small { (when(l, n.publish_at.unwrap_or(n.created_at))) } }
            }
        }
    };
    Ok(render(ctx, 200, l.t("お知らせ", "Notices"), body))
}

pub fn show(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let n = notices::published_one(ctx.app, ctx.param_id(0)?)?;
    let page = html! {
        p.small { (when(l, n.publish_at.unwrap_or(n.created_at))) }
        article.card { (body(&n.body)) }
        p { a href="/notices" { (l.t("お知らせ一覧へ", "All notices")) } }
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
            h2 { (l.t("お知らせを作成(市の承認後に公開)", "Draft a notice (published after the city approves)")) }
            (csrf_field(&csrf))
            (Field::new(l.t("件名", "Title"), "title").required(true).render(l))
            div.field {
                label for="f-body" { (l.t("本文", "Text")) span.req { (l.t("必須", "required")) } }
                textarea #f-body name="body" rows="6" required {}
            }
            (Field::new(l.t("公開日時(空欄なら承認と同時に公開)", "Publish at (empty: when approved)"), "publish_at").kind("datetime-local").render(l))
            button.primary type="submit" { (l.t("下書きを保存", "Save draft")) }
        }
        h2 { (l.t("お知らせ一覧", "All notices")) }
        ul.notice-admin {
            @for n in &items {
                li.card {
                    strong { (n.title) }
                    p.small {
                        (if l == Lang::Ja { notices::status_ja(&n.status) } else { n.status.as_str() })
                        @if let Some(t) = n.publish_at { " · " (l.t("公開 ", "publish ")) (when(l, t)) }
                    }
                    div.actions {
                        @if n.status == "draft" && who.role == Role::Admin {
                            form method="post" action={ "/office/notices/" (n.id) "/approve" } {
                                (csrf_field(&csrf))
                                button.primary type="submit" { (l.t("承認して公開", "Approve and publish")) }
                            }
                        }
                        @if n.status != "withdrawn" {
                            form method="post" action={ "/office/notices/" (n.id) "/withdraw" } {
                                (csrf_field(&csrf))
                                button type="submit" { (l.t("取り下げ", "Withdraw")) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t("お知らせの管理", "Notices"), body))
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
                return office_page(
                    ctx,
                    400,
                    Some(l.t(
                        "公開日時の形式が正しくありません",
                        "The publish time is not valid",
                    )),
                );
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
