//! Login, logout and changing one's password. Problems are shown beside their fields,
//! all at once; the browser's own one-at-a-time checks are off (`novalidate`).

use crate::i18n::Msg;
use maud::{Markup, html};

use super::{form_errors, home_of, local_path, message, render, status_of};
use crate::service::identity::passwords::{self, PasswordChange};
use crate::service::operations::settings;
use crate::service::{ServiceError, identity::accounts};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, SESSION_COOKIE, field};
use crate::web::views::{Field, FormErrors, csrf_field};

pub fn login_form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    if let Some(p) = &ctx.principal {
        return Ok(Reply::redirect(home_of(p.role)));
    }
    let next = ctx.query_get("next").unwrap_or("").to_owned();
    login_page(ctx, 200, &[], &next, &FormErrors::none())
}

fn login_page(
    ctx: &Ctx,
    status: u16,
    typed: &[(String, String)],
    next: &str,
    errors: &FormErrors,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let v = |n: &str| field(typed, n).unwrap_or("").to_owned();
    let password = if errors.keeps(&["password"]) {
        v("password")
    } else {
        String::new()
    };
    // Where the city lets residents log in with their phone number, the field says so.
    let by_phone = settings::phone_login_enabled(ctx.app)?;
    let (label, hint) = if by_phone {
        (l.t(Msg::LoginIdOrPhone), Some(l.t(Msg::LoginWithPhoneHint)))
    } else {
        (l.t(Msg::LoginId), None)
    };
    let typed_login = v("login");
    let mut login_field = Field::new(label, "login")
        .value(&typed_login)
        .required(true)
        .autocomplete("username")
        .errors(errors);
    login_field.hint = hint;
    let body: Markup = html! {
        (errors.summary(l))
        form.card method="post" action="/login" novalidate {
            (csrf_field(&ctx.csrf_token()))
            input type="hidden" name="next" value=(next);
            (login_field.render(l))
            (Field::new(l.t(Msg::Password), "password").kind("password").value(&password).required(true).autocomplete("current-password").errors(errors).render(l))
            button.primary type="submit" { (l.t(Msg::LogIn)) }
        }
        p { a href="/password/forgot" { (l.t(Msg::ForgotYourPassword)) } }
        p { (l.t(Msg::NewHere)) " " a href="/register" { (l.t(Msg::Register)) } }
    };
    Ok(render(ctx, status, l.t(Msg::LogIn), body))
}

pub fn login(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let login = field(&form, "login").unwrap_or("").to_owned();
    let password = field(&form, "password").unwrap_or("");
    let next = field(&form, "next").unwrap_or("").to_owned();
    // Nothing typed: said beside the field, and no attempt is counted.
    let mut empty = FormErrors::none();
    if login.trim().is_empty() {
        empty
            .fields
            .push(("login".into(), l.t(Msg::EnterYourLoginId).into()));
    }
    if password.is_empty() {
        empty
            .fields
            .push(("password".into(), l.t(Msg::EnterYourPassword).into()));
    }
    if !empty.is_empty() {
        return login_page(ctx, 400, &form, &next, &empty);
    }
    let user = match accounts::authenticate(ctx.app, &login, password, &ctx.remote) {
        Ok(u) => u,
        Err(
            e @ (ServiceError::Unauthorized(_)
            | ServiceError::RateLimited
            | ServiceError::TooManyAttempts(_)),
        ) => {
            // Which of the two was wrong is not said: both fields point at the message.
            let mut errors = FormErrors::general(message(ctx, &e));
            if matches!(e, ServiceError::Unauthorized(_)) {
                errors.marks = vec!["login".into(), "password".into()];
            }
            return login_page(ctx, status_of(&e), &form, &next, &errors);
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
    Ok(password_page(ctx, 200, &[], &FormErrors::none()))
}

/// The password form. A password typed is shown again (as dots) only when it was
/// right: the current one when it was accepted, the new pair when neither had a problem
/// (after "the two differ" nobody knows which one holds the typo, so both are cleared).
fn password_page(ctx: &Ctx, status: u16, typed: &[(String, String)], errors: &FormErrors) -> Reply {
    let l = ctx.lang;
    let forced = ctx
        .principal
        .as_ref()
        .is_some_and(|p| p.must_change_password);
    let kept = |names: &[&str], name: &str| {
        if errors.keeps(names) {
            field(typed, name).unwrap_or("").to_owned()
        } else {
            String::new()
        }
    };
    let current = kept(&["current"], "current");
    let (new, again) = (
        kept(&["new", "again"], "new"),
        kept(&["new", "again"], "again"),
    );
    let body = html! {
        @if forced {
            p.notice role="status" { (l.t(Msg::YouLoggedInWithA)) }
        }
        (errors.summary(l))
        form.card method="post" action="/password" novalidate {
            (csrf_field(&ctx.csrf_token()))
            (Field::new(l.t(Msg::CurrentPassword), "current").kind("password").value(&current).required(true).autocomplete("current-password").errors(errors).render(l))
            (Field::new(l.t(Msg::NewPassword), "new").kind("password").value(&new).required(true).autocomplete("new-password").hint(l.t(Msg::AtLeast8CharactersNot)).errors(errors).render(l))
            (Field::new(l.t(Msg::NewPasswordAgain), "again").kind("password").value(&again).required(true).autocomplete("new-password").errors(errors).render(l))
            button.primary type="submit" { (l.t(Msg::ChangePassword)) }
        }
    };
    render(ctx, status, l.t(Msg::ChangePassword2), body)
}

/// The fields of the password form, in order.
const PASSWORD_FIELDS: &[&str] = &["current", "new", "again"];

pub fn change_password(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let (current, new, again) = (
        field(&form, "current").unwrap_or(""),
        field(&form, "new").unwrap_or(""),
        field(&form, "again").unwrap_or(""),
    );
    let who = ctx.who()?.clone();
    let change = PasswordChange {
        current,
        new,
        again: Some(again),
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
            let errors = form_errors(ctx, &e).in_order(PASSWORD_FIELDS);
            Ok(password_page(ctx, status_of(&e), &form, &errors))
        }
        Err(e) => Err(e.into()),
    }
}
