//! Resident registration: self-service on a phone, or typed in by the secretariat at the
//! counter for someone without a smartphone.

use crate::i18n::Msg;
use maud::html;
use serde_json::{Map, Value};

use super::{message, render, status_of};
use crate::service::{identity::accounts, identity::residents, operations::settings};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, SESSION_COOKIE, field};
use crate::web::views::{Field, alert, notice};

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

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, &[], None)
}

fn page(
    ctx: &Ctx,
    status: u16,
    values: &[(String, String)],
    error: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let required = settings::required_registration_fields(ctx.app)?;
    let req = |f: &str| required.iter().any(|r| r == f);
    let v = |name: &str| field(values, name).unwrap_or("").to_owned();
    let by_staff = ctx.principal.is_some();
    let body = html! {
        @if by_staff { (notice(l.t(Msg::RegisteringOnSomeonesBehalfAt))) }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/register" {
            (crate::web::views::csrf_field(&ctx.csrf_token()))
            (Field::new(l.t(Msg::NameANicknameIsFine), "display_name").value(&v("display_name")).required(true).autocomplete("nickname").render(l))
            (Field::new(l.t(Msg::LoginId), "login").value(&v("login")).required(true).autocomplete("username").hint(l.t(Msg::N3To64LettersOrDigits)).render(l))
            (Field::new(l.t(Msg::Password), "password").kind("password").required(true).autocomplete("new-password").hint(l.t(Msg::AtLeast8CharactersNotA)).render(l))
            (Field::new(l.t(Msg::Phone2), "phone").kind("tel").value(&v("phone")).required(req("phone")).autocomplete("tel").hint(l.t(Msg::EG09012345678)).render(l))
            (Field::new("LINE ID", "line_id").value(&v("line_id")).required(req("line_id")).render(l))
            div.field {
                label for="f-age_band" { (l.t(Msg::AgeBand)) @if req("age_band") { span.req { (l.t(Msg::Required)) } } }
                select #f-age_band name="age_band" required[req("age_band")] {
                    option value="" { (l.t(Msg::Choose)) }
                    @for (code, name) in AGE_BANDS {
                        option value=(code) selected[v("age_band") == *code] { (l.t(*name)) }
                    }
                }
            }
            (Field::new(l.t(Msg::AreaYouLiveIn), "area").value(&v("area")).required(req("area")).render(l))
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
    for name in ["line_id", "age_band", "area"] {
        if let Some(v) = text(name) {
            attributes.insert(name.to_owned(), Value::String(v));
        }
    }
    let new = residents::NewResident {
        login: text("login").unwrap_or_default(),
        password: field(&form, "password").unwrap_or("").to_owned(),
        display_name: text("display_name").unwrap_or_default(),
        phone: text("phone"),
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
            let keep: Vec<(String, String)> =
                form.into_iter().filter(|(k, _)| k != "password").collect();
            page(ctx, status_of(&e), &keep, Some(&message(ctx, &e)))
        }
        Err(e) => Err(e.into()),
    }
}
