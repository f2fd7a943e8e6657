//! Login, logout and changing one's password.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::{home_of, local_path, message, render, status_of};
use crate::service::identity::passwords::{self, PasswordChange};
use crate::service::{ServiceError, identity::accounts};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, SESSION_COOKIE, field};
use crate::web::views::{Field, alert, csrf_field};

pub fn login_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    if let Some(p) = &ctx.principal {
        return Ok(Reply::redirect(home_of(p.role)));
    }
    let next = ctx.query_get("next").unwrap_or("").to_owned();
    Ok(login_page(ctx, 200, "", &next, None))
}

fn login_page(ctx: &Ctx, status: u16, login: &str, next: &str, error: Option<&str>) -> Reply {
    let l = ctx.lang;
    let body: Markup = html! {
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/login" {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="next" value=(next);
            (Field::new(l.t(Msg::LoginId), "login").value(login).required(true).autocomplete("username").render(l))
            (Field::new(l.t(Msg::Password), "password").kind("password").required(true).autocomplete("current-password").render(l))
            button.primary type="submit" { (l.t(Msg::LogIn)) }
        }
        p { (l.t(Msg::NewHere)) " " a href="/register" { (l.t(Msg::Register)) } }
    };
    render(ctx, status, l.t(Msg::LogIn), body)
}

pub fn login(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let form = ctx.form();
    let login = field(&form, "login").unwrap_or("").to_owned();
    let password = field(&form, "password").unwrap_or("");
    let next = field(&form, "next").unwrap_or("").to_owned();
    let user = match accounts::authenticate(ctx.app, &login, password, &ctx.remote) {
        Ok(u) => u,
        Err(
            e @ (ServiceError::Unauthorized(_)
            | ServiceError::RateLimited
            | ServiceError::TooManyAttempts(_)),
        ) => {
            return Ok(login_page(
                ctx,
                status_of(&e),
                &login,
                &next,
                Some(&message(ctx, &e)),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    // A fresh session id at every login, so a planted cookie cannot be ridden.
    if let Some(old) = ctx.cookie(SESSION_COOKIE) {
        accounts::end_session(ctx.app, &old)?;
    }
    let token = accounts::start_session(ctx.app, &user)?;
    let to = if user.must_change_password {
        "/password"
    } else {
        local_path(Some(&next))
            .filter(|n| *n != "/")
            .unwrap_or(home_of(user.role))
    };
    let max_age = user.role.session_policy().max_secs;
    Ok(Reply::redirect(to).cookie(format!(
        "{SESSION_COOKIE}={token}{}",
        ctx.cookie_attrs(Some(max_age))
    )))
}

pub fn logout(ctx: &mut Ctx) -> Result<Reply, WebError> {
    if let Some(t) = &ctx.session_token {
        accounts::end_session(ctx.app, t)?;
    }
    Ok(Reply::redirect("/").cookie(format!("{SESSION_COOKIE}={}", ctx.cookie_attrs(Some(0)))))
}

pub fn password_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    Ok(password_page(ctx, 200, None))
}

fn password_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Reply {
    let l = ctx.lang;
    let forced = ctx
        .principal
        .as_ref()
        .is_some_and(|p| p.must_change_password);
    let body = html! {
        @if forced {
            p.notice role="status" { (l.t(Msg::YouLoggedInWithA)) }
        }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/password" {
            (csrf_field(&ctx.csrf_token()))
            (Field::new(l.t(Msg::CurrentPassword), "current").kind("password").required(true).autocomplete("current-password").render(l))
            (Field::new(l.t(Msg::NewPassword), "new").kind("password").required(true).autocomplete("new-password").hint(l.t(Msg::AtLeast8CharactersNot)).render(l))
            (Field::new(l.t(Msg::NewPasswordAgain), "again").kind("password").required(true).autocomplete("new-password").render(l))
            button.primary type="submit" { (l.t(Msg::ChangePassword)) }
        }
    };
    render(ctx, status, l.t(Msg::ChangePassword2), body)
}

pub fn change_password(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let (current, new, again) = (
        field(&form, "current").unwrap_or(""),
        field(&form, "new").unwrap_or(""),
        field(&form, "again").unwrap_or(""),
    );
    if new != again {
        return Ok(password_page(
            ctx,
            400,
            Some(l.t(Msg::TheTwoNewPasswordsDiffer)),
        ));
    }
    let who = ctx.who()?.clone();
    let change = PasswordChange {
        current,
        new,
        address: &ctx.remote,
        session: ctx.session_token.as_deref(),
    };
    match passwords::change_password(ctx.app, &who, change) {
        Ok(()) => {
            let body = html! {
                p.notice role="status" { (l.t(Msg::YourPasswordHasBeenChanged)) }
                p { a.button href=(home_of(who.role)) { (l.t(Msg::Continue)) } }
            };
            Ok(render(ctx, 200, l.t(Msg::ChangePassword2), body))
        }
        Err(e) if status_of(&e) < 500 => {
            Ok(password_page(ctx, status_of(&e), Some(&message(ctx, &e))))
        }
        Err(e) => Err(e.into()),
    }
}
