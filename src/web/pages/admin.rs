//! The city's administration pages: staff accounts, settings, the audit log.

use crate::i18n::Msg;
use maud::html;

use super::{answer_form, message, render, status_of};
use crate::domain::Role;
use crate::service::identity::accounts::{self, CREATABLE_ROLES, NewStaff};
use crate::service::identity::actors::name_of;
use crate::service::identity::residents::field_label;
use crate::service::operations::settings::{self as city, Branding, REGISTRATION_FIELDS};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Field, Lang, alert, audit, csrf_field, notice};

pub fn accounts(ctx: &mut Ctx) -> Result<Reply, WebError> {
    accounts_page(ctx, 200, None, None)
}

fn accounts_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    created: Option<&accounts::CreatedAccount>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let users = accounts::staff_list(ctx.app, ctx.who()?)?;
    let body = html! {
        @if let Some(c) = created {
            div.notice role="status" {
                p { (l.t(Msg::TheAccountWasCreatedGive)) }
                dl { dt { (l.t(Msg::LoginId)) } dd { code { (c.login) } } dt { (l.t(Msg::OneTimePassword)) } dd { code.secret { (c.one_time_password) } } }
            }
        }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/admin/accounts" {
            h2 { (l.t(Msg::AddAnAccount)) }
            (csrf_field(&ctx.csrf_token()))
            (Field::new(l.t(Msg::LoginId), "login").required(true).hint(l.t(Msg::N3To64LettersOr)).render(l))
            (Field::new(l.t(Msg::Name), "display_name").required(true).render(l))
            fieldset {
                legend { (l.t(Msg::Role)) }
                @for (i, r) in CREATABLE_ROLES.iter().enumerate() {
                    label.choice { input type="radio" name="role" value=(r.as_str()) checked[i == 1] required; " " (role_label(l, *r)) }
                }
            }
            button.primary type="submit" { (l.t(Msg::Create)) }
        }
        h2 { (l.t(Msg::StaffAccounts)) }
        table {
            thead { tr { th { (l.t(Msg::LoginId)) } th { (l.t(Msg::Name2)) } th { (l.t(Msg::Role)) } } }
            tbody {
                @for u in &users {
                    tr { td { (u.login) } td { (u.display_name) } td { (role_label(l, u.role)) } }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::Accounts), body))
}

fn role_label(l: Lang, r: Role) -> &'static str {
    l.t(r.label())
}

pub fn create_account(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let Some(role) = field(&form, "role").and_then(Role::parse) else {
        return accounts_page(ctx, 400, Some(l.t(Msg::ChooseARole)), None);
    };
    let new = NewStaff {
        login: field(&form, "login").unwrap_or("").to_owned(),
        display_name: field(&form, "display_name").unwrap_or("").to_owned(),
        role,
        password: None,
    };
    let who = ctx.who()?.clone();
    match accounts::create_staff(ctx.app, &who, new) {
        Ok(created) => accounts_page(ctx, 201, None, Some(&created)),
        Err(e) if status_of(&e) < 500 => {
            accounts_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn settings(ctx: &mut Ctx) -> Result<Reply, WebError> {
    settings_page(ctx, 200, None, None)
}

fn settings_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    saved: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let b = ctx.app.branding();
    let required = city::required_registration_fields(ctx.app)?;
    let phone_login = city::phone_login_enabled(ctx.app)?;
    let terms = city::store_terms(ctx.app)?.unwrap_or_default();
    let body = html! {
        @if let Some(s) = saved { (notice(s)) }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/admin/settings" {
            (csrf_field(&ctx.csrf_token()))
            h2 { (l.t(Msg::Branding)) }
            (Field::new(l.t(Msg::CityName), "city_name").value(&b.city_name).required(true).render(l))
            (Field::new(l.t(Msg::CurrencyName), "currency_name").value(&b.currency_name).required(true).render(l))
            (Field::new(l.t(Msg::ThemeColour), "color").kind("color").value(&b.color).required(true).render(l))
            h2 { (l.t(Msg::RequiredAtRegistration)) }
            fieldset {
                legend { (l.t(Msg::RequiredFields)) }
                @for f in REGISTRATION_FIELDS {
                    label.choice {
                        input type="checkbox" name="required" value=(f) checked[required.iter().any(|r| r == f)];
                        " " (field_label(f).map_or(*f, |m| l.t(m)))
                    }
                }
            }
            h2 { (l.t(Msg::LoggingIn)) }
            fieldset {
                legend { (l.t(Msg::LoggingInWithThePhone)) }
                label.choice {
                    input type="checkbox" name="phone_login" value="on" checked[phone_login] aria-describedby="phone-login-hint";
                    " " (l.t(Msg::ResidentsMayLogInWithPhone))
                }
                p.small #phone-login-hint { (l.t(Msg::PhoneLoginHint)) }
            }
            h2 { (l.t(Msg::StoreTerms)) }
            div.field {
                label for="f-store_terms" { (l.t(Msg::StoreTermsShownOnTheForm)) }
                small #f-store_terms-hint { (l.t(Msg::StoreTermsHint)) " " a href="/apply/terms" { (l.t(Msg::SeeTheTermsPage)) } }
                textarea #f-store_terms name="store_terms" rows="8" aria-describedby="f-store_terms-hint" { (terms) }
            }
            button.primary type="submit" { (l.t(Msg::Save)) }
        }
        form.card method="post" action="/admin/logo" enctype="multipart/form-data" {
            (csrf_field(&ctx.csrf_token()))
            h2 { (l.t(Msg::Logo)) }
            @if b.logo_type.is_some() { p { img.logo-preview src="/assets/logo" alt=(l.t(Msg::CurrentLogo)); } }
            div.field {
                label for="f-logo" { (l.t(Msg::LogoImagePngOrJpeg)) }
                input #f-logo type="file" name="logo" accept="image/png,image/jpeg" required;
            }
            button.primary type="submit" { (l.t(Msg::UploadLogo)) }
        }
    };
    Ok(render(ctx, status, l.t(Msg::CitySettings), body))
}

pub fn save_settings(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let branding = Branding {
        city_name: field(&form, "city_name").unwrap_or("").to_owned(),
        currency_name: field(&form, "currency_name").unwrap_or("").to_owned(),
        color: field(&form, "color").unwrap_or("").to_owned(),
        logo_type: ctx.app.branding().logo_type,
    };
    let required: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "required")
        .map(|(_, v)| v.clone())
        .collect();
    let who = ctx.who()?.clone();
    let settings = city::CitySettings {
        branding,
        required,
        phone_login: field(&form, "phone_login") == Some("on"),
    };
    let result =
        city::save(ctx.app, &who, settings).and_then(|_| match field(&form, "store_terms") {
            Some(t) => city::set_store_terms(ctx.app, &who, t),
            None => Ok(()),
        });
    answer_form(ctx, result, settings_page, 200, l.t(Msg::Saved))
}

pub fn audit(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let rows = crate::service::merchants::directory::audit_log(ctx.app, ctx.who()?, 200)?;
    // One name lookup per person, however many entries they made.
    let mut names: std::collections::HashMap<String, String> = Default::default();
    let mut lines = Vec::with_capacity(rows.len());
    for r in &rows {
        if !names.contains_key(&r.actor) {
            let n = name_of(ctx.app, &r.actor)?;
            names.insert(r.actor.clone(), n);
        }
        let target = if r.target.starts_with("user:") {
            name_of(ctx.app, &r.target)?
        } else {
            audit::target_words(l, &r.target)
        };
        lines.push(audit::AuditLine {
            when: l.datetime(r.at),
            who: names[&r.actor].clone(),
            action: audit::action_words(l, &r.action),
            target,
            details: audit::details(&r.detail),
        });
    }
    let body = html! {
        p { (l.t(Msg::AdministrativeChangesNewestFirstUp)) }
        (audit::table(l, &lines))
    };
    Ok(render(ctx, 200, l.t(Msg::AuditLog), body))
}

pub fn upload_logo(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let file = ctx.files().into_iter().find(|f| f.name == "logo");
    let who = ctx.who()?.clone();
    let result = match file {
        Some(f) if !f.data.is_empty() => city::set_logo(ctx.app, &who, &f.data),
        _ => {
            return settings_page(ctx, 400, Some(l.t(Msg::ChooseAnImage)), None);
        }
    };
    answer_form(
        ctx,
        result,
        settings_page,
        200,
        l.t(Msg::TheLogoWasUploaded),
    )
}
