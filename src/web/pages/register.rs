//! Resident registration: self-service on a phone, or typed in by the secretariat at the
//! counter for someone without a smartphone. Every problem is shown beside its field at
//! once, with what was typed kept; the password too when it was itself fine (it was
//! chosen with care and cannot be seen, so typing it again is where mistakes creep in).

use crate::i18n::Msg;
use maud::html;
use serde_json::{Map, Value};

use super::{form_errors, render, status_of};
use crate::service::ServiceError;
use crate::service::{identity::accounts, identity::residents, operations::settings};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, SESSION_COOKIE, field};
use crate::web::views::form::Select;
use crate::web::views::{Field, FormErrors, notice};

/// Age bands offered on the form (the city's surveys count residents by these).
pub const AGE_BANDS: &[(&str, Msg)] = &[
    ("10s", Msg::AgeBand10s),
    ("20s", Msg::AgeBand20s),
    ("30s", Msg::AgeBand30s),
    ("40s", Msg::AgeBand40s),
    ("50s", Msg::AgeBand50s),
    ("60s", Msg::AgeBand60s),
    ("70s", Msg::AgeBand70s),
    ("80+", Msg::AgeBand80Plus),
];

/// The form's fields, in order (the summary of problems follows it).
const FIELDS: &[&str] = &[
    "display_name",
    "login",
    "password",
    "phone",
    "mail",
    "line_id",
    "age_band",
    "area",
];

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, &[], &FormErrors::none())
}

fn page(
    ctx: &Ctx,
    status: u16,
    values: &[(String, String)],
    errors: &FormErrors,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let required = settings::required_registration_fields(ctx.app)?;
    let req = |f: &str| required.iter().any(|r| r == f);
    let v = |name: &str| field(values, name).unwrap_or("").to_owned();
    let password = if errors.keeps(&["password"]) {
        v("password")
    } else {
        String::new()
    };
    let by_staff = ctx.principal.is_some();
    let age = v("age_band");
    let age_band = Select {
        label: l.t(Msg::AgeBand),
        name: "age_band",
        options: AGE_BANDS
            .iter()
            .map(|(code, name)| (*code, l.t(*name)))
            .collect(),
        selected: &age,
        required: req("age_band"),
        blank: Some(l.t(Msg::Choose)),
    };
    let body = html! {
        @if by_staff { (notice(l.t(Msg::RegisteringOnSomeonesBehalfAt))) }
        (errors.summary(l))
        form.card method="post" action="/register" novalidate {
            (crate::web::views::csrf_field(&ctx.csrf_token()))
            (Field::new(l.t(Msg::NameANicknameIsFine), "display_name").value(&v("display_name")).required(true).autocomplete("nickname").errors(errors).render(l))
            (Field::new(l.t(Msg::LoginId), "login").value(&v("login")).required(true).autocomplete("username").hint(l.t(Msg::N3To64LettersOrDigits)).errors(errors).render(l))
            (Field::new(l.t(Msg::Password), "password").kind("password").value(&password).required(true).autocomplete("new-password").hint(l.t(Msg::AtLeast8CharactersNotA)).errors(errors).render(l))
            (Field::new(l.t(Msg::Phone2), "phone").kind("tel").value(&v("phone")).required(req("phone")).autocomplete("tel").hint(l.t(Msg::EG09012345678)).errors(errors).render(l))
            (Field::new(l.t(Msg::MailAddress), "mail").kind("email").value(&v("mail")).autocomplete("email").hint(l.t(Msg::MailForForgottenPassword)).errors(errors).render(l))
            (Field::new("LINE ID", "line_id").value(&v("line_id")).required(req("line_id")).errors(errors).render(l))
            (age_band.render(l, errors))
            (Field::new(l.t(Msg::AreaYouLiveIn), "area").value(&v("area")).required(req("area")).errors(errors).render(l))
            button.primary type="submit" { (l.t(Msg::Register2)) }
        }
    };
    Ok(render(ctx, status, l.t(Msg::Register), body))
}

pub fn submit(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let text = |n: &str| {
        field(&form, n)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut attributes = Map::new();
    for name in residents::ATTRIBUTES {
        if let Some(v) = text(name) {
            attributes.insert((*name).to_owned(), Value::String(v));
        }
    }
    let new = residents::NewResident {
        login: text("login").unwrap_or_default(),
        password: field(&form, "password").unwrap_or("").to_owned(),
        display_name: text("display_name").unwrap_or_default(),
        phone: text("phone"),
        mail: text("mail"),
        lang: l,
        attributes,
    };
    let login = new.login.clone();
    let password = new.password.clone();
    let who = ctx.principal.clone();
    let result = match &who {
        Some(p) => residents::register(ctx.app, Some(p), new),
        None => residents::register_self(ctx.app, new, &ctx.remote),
    };
    match result {
        Ok(id) if who.is_some() => {
            let body = html! {
                (notice(&format!("{} (ID {id})", l.t(Msg::TheResidentHasBeenRegistered))))
                p { a.button href="/register" { (l.t(Msg::RegisterAnother)) } }
            };
            Ok(render(ctx, 201, l.t(Msg::Register), body))
        }
        Ok(_) => {
            // Self-registration logs the new resident straight in.
            let user = accounts::authenticate(ctx.app, &login, &password, &ctx.remote)?;
            let token = accounts::start_session(ctx.app, &user)?;
            let max_age = user.role.session_policy().max_secs;
            Ok(Reply::redirect("/app/welcome").cookie(format!(
                "{SESSION_COOKIE}={token}{}",
                ctx.cookie_attrs(Some(max_age))
            )))
        }
        Err(e) if status_of(&e) < 500 => {
            // The one conflict registration has: the login is someone else's.
            let errors = match &e {
                ServiceError::Conflict(t) => FormErrors {
                    fields: vec![("login".into(), t.in_lang(l))],
                    ..FormErrors::none()
                },
                other => form_errors(ctx, other),
            };
            page(ctx, status_of(&e), &form, &errors.in_order(FIELDS))
        }
        Err(e) => Err(e.into()),
    }
}
