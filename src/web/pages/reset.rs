//! "Forgot your password": the form that asks for a mailed link, and the link's own form
//! that sets a new password. The first answers the same whatever was typed, as long as
//! it was typed; the second logs its owner in once the password is set.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::{form_errors, home_of, render, status_of};
use crate::domain::recovery::LINK_SECS;
use crate::service::ServiceError;
use crate::service::identity::{accounts, reset_links};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, SESSION_COOKIE, field};
use crate::web::views::{Field, FormErrors, csrf_field, notice};

pub fn forgot_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let sent = ctx.query_get("sent").is_some();
    Ok(forgot_page(ctx, 200, "", sent, &FormErrors::none()))
}

fn forgot_page(ctx: &Ctx, status: u16, typed: &str, sent: bool, errors: &FormErrors) -> Reply {
    let l = ctx.lang;
    let minutes = LINK_SECS / 60;
    let body = html! {
        @if sent {
            div.notice role="status" {
                p { (l.f(Msg::ResetMailMaybeSent, &[("minutes", &minutes)])) }
                p { (l.t(Msg::NoMailAskTheOffice)) }
            }
            p { a href="/login" { (l.t(Msg::BackToLogin)) } }
        } @else {
            p { (l.f(Msg::ForgotIntro, &[("minutes", &minutes)])) }
            p { (l.t(Msg::NoMailRegisteredAskTheOffice)) }
            (errors.summary(l))
            form.card method="post" action="/password/forgot" novalidate {
                (csrf_field(&ctx.csrf_token()))
                (Field::new(l.t(Msg::LoginIdOrMail), "identifier").value(typed).required(true).autocomplete("username").errors(errors).render(l))
                button.primary type="submit" { (l.t(Msg::SendTheLink)) }
            }
            p { a href="/login" { (l.t(Msg::BackToLogin)) } }
        }
    };
    render(ctx, status, l.t(Msg::ForgotYourPassword), body)
}

pub fn forgot(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let form = ctx.form();
    let identifier = field(&form, "identifier").unwrap_or("").to_owned();
    match reset_links::request(ctx.app, &identifier, &ctx.remote) {
        // The same answer whether or not a mail went out; a reload sends nothing again.
        Ok(()) => Ok(Reply::redirect("/password/forgot?sent=1")),
        Err(e) if status_of(&e) < 500 => Ok(forgot_page(
            ctx,
            status_of(&e),
            &identifier,
            false,
            &form_errors(ctx, &e),
        )),
        Err(e) => Err(e.into()),
    }
}

/// A link that no longer works: used, past its time, or mistyped.
fn dead_link(ctx: &Ctx, e: &ServiceError) -> Reply {
    let l = ctx.lang;
    let body = html! {
        p.alert role="alert" { (e.text(l)) }
        p { a.button.primary href="/password/forgot" { (l.t(Msg::AskForANewLink)) } }
        p { a href="/login" { (l.t(Msg::BackToLogin)) } }
    };
    render(ctx, status_of(e), l.t(Msg::SetANewPassword), body)
}

fn link_page(
    ctx: &Ctx,
    status: u16,
    token: &str,
    link: &reset_links::LinkFor,
    errors: &FormErrors,
) -> Reply {
    let l = ctx.lang;
    let action = format!("/password/reset/{token}");
    let body: Markup = html! {
        p { (l.f(Msg::NewPasswordFor, &[("name", &link.display_name), ("login", &link.login)])) }
        (errors.summary(l))
        form.card method="post" action=(action) novalidate {
            (csrf_field(&ctx.csrf_token()))
            // For password managers: whose password this is.
            input type="hidden" name="username" autocomplete="username" value=(link.login);
            (Field::new(l.t(Msg::NewPassword), "new").kind("password").required(true).autocomplete("new-password").hint(l.t(Msg::AtLeast8CharactersNot)).errors(errors).render(l))
            (Field::new(l.t(Msg::NewPasswordAgain), "again").kind("password").required(true).autocomplete("new-password").errors(errors).render(l))
            button.primary type="submit" { (l.t(Msg::SetThisPassword)) }
        }
    };
    render(ctx, status, l.t(Msg::SetANewPassword), body)
}

/// Opening the link shows its form; nothing is used up until the form is sent (mail
/// programs open links to look at them).
pub fn link_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let token = ctx.params.first().cloned().unwrap_or_default();
    match reset_links::open(ctx.app, &token) {
        Ok(link) => Ok(link_page(ctx, 200, &token, &link, &FormErrors::none())),
        Err(e @ ServiceError::NotFound(_)) => Ok(dead_link(ctx, &e)),
        Err(e) => Err(e.into()),
    }
}

pub fn reset(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let token = ctx.params.first().cloned().unwrap_or_default();
    let form = ctx.form();
    let (new, again) = (
        field(&form, "new").unwrap_or(""),
        field(&form, "again").unwrap_or(""),
    );
    match reset_links::reset(ctx.app, &token, new, again) {
        Ok(user) => {
            // The owner of the mail is logged in here; every other session has ended.
            if let Some(old) = ctx.cookie(SESSION_COOKIE) {
                accounts::end_session(ctx.app, &old)?;
            }
            let session = accounts::start_session(ctx.app, &user)?;
            let max_age = user.role.session_policy().max_secs;
            let body = html! {
                (notice(l.t(Msg::PasswordSetYouAreLoggedIn)))
                p { a.button.primary href=(home_of(user.role)) { (l.t(Msg::Continue)) } }
            };
            Ok(
                render(ctx, 200, l.t(Msg::SetANewPassword), body).cookie(format!(
                    "{SESSION_COOKIE}={session}{}",
                    ctx.cookie_attrs(Some(max_age))
                )),
            )
        }
        Err(e @ ServiceError::NotFound(_)) => Ok(dead_link(ctx, &e)),
        Err(e) if status_of(&e) < 500 => {
            let link = reset_links::open(ctx.app, &token);
            match link {
                Ok(link) => {
                    let errors = form_errors(ctx, &e).in_order(&["new", "again"]);
                    Ok(link_page(ctx, status_of(&e), &token, &link, &errors))
                }
                Err(e) => Ok(dead_link(ctx, &e)),
            }
        }
        Err(e) => Err(e.into()),
    }
}
