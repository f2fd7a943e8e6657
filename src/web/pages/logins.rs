//! The admin's view of failed password attempts of the last day, and the unlock of a
//! login (after the office has made sure who is asking).

use crate::i18n::Msg;
use maud::html;

use super::{answer_form, render};
use crate::service::identity::login_limits;
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{alert, csrf_field, notice};

pub fn failures(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, None, None)
}

fn page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let rows = login_limits::recent_failures(ctx.app, ctx.who()?)?;
    let now = ctx.app.now();
    let when = |t: i64| l.datetime(t);
    let body = html! {
        @if let Some(d) = done { (notice(d)) }
        @if let Some(e) = error { (alert(e)) }
        p { (l.t(Msg::WrongPasswordsOfTheLast)) }
        @if rows.is_empty() {
            p { (l.t(Msg::NoFailedAttempts)) }
        } @else {
            div.table-scroll {
                table {
                    thead { tr {
                        th { (l.t(Msg::LoginId)) }
                        th { (l.t(Msg::Address2)) }
                        th { (l.t(Msg::Count)) }
                        th { (l.t(Msg::First)) }
                        th { (l.t(Msg::Latest)) }
                        th { (l.t(Msg::NextAttempt)) }
                        th {}
                    } }
                    tbody {
                        @for r in &rows {
                            tr {
                                td.login { code { (r.login) } }
                                td.address { (r.address) }
                                td.count { (r.count) }
                                td { (when(r.first_at)) }
                                td { (when(r.last_at)) }
                                td { @if r.retry_at > now { (when(r.retry_at)) } @else { (l.t(Msg::Now)) } }
                                td {
                                    form method="post" action="/admin/logins/unlock" {
                                        (csrf_field(&ctx.csrf_token()))
                                        input type="hidden" name="login" value=(r.login);
                                        button type="submit" { (l.t(Msg::Unlock)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::FailedLogins), body))
}

pub fn unlock(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let login = field(&form, "login").unwrap_or("").to_owned();
    let who = ctx.who()?.clone();
    let result = login_limits::unlock(ctx.app, &who, &login);
    let done = format!("{} {login}", l.t(Msg::Unlocked));
    answer_form(ctx, result, page, 200, &done)
}
