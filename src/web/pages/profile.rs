//! The resident's own details: phone number, the mail address for a forgotten password,
//! and the language of mails. Problems are shown beside their fields, all at once.

use crate::i18n::{Lang, Msg};
use maud::html;

use super::{form_errors, render, status_of};
use crate::service::identity::profile::{self, ContactChange};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::form::Select;
use crate::web::views::{Field, FormErrors, csrf_field, notice, shown_phone};

const FIELDS: &[&str] = &["phone", "mail", "lang", "current"];

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    page(ctx, 200, None, &FormErrors::none(), None)
}

fn page(
    ctx: &Ctx,
    status: u16,
    typed: Option<&[(String, String)]>,
    errors: &FormErrors,
    saved: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let c = profile::contact(ctx.app, ctx.who()?)?;
    // What was typed, else what is on file.
    let value = |name: &str, stored: Option<&str>| match typed {
        Some(t) => field(t, name).unwrap_or("").to_owned(),
        None => stored.unwrap_or("").to_owned(),
    };
    let phone = value("phone", c.phone.as_deref().map(shown_phone).as_deref());
    let mail = value("mail", c.mail.as_deref());
    let lang = value("lang", Some(c.lang.code()));
    let current = match typed {
        Some(t) if errors.keeps(&["current"]) => field(t, "current").unwrap_or("").to_owned(),
        _ => String::new(),
    };
    let languages = Select {
        label: l.t(Msg::LanguageOfMails),
        name: "lang",
        options: Lang::ALL
            .iter()
            .map(|x| (x.code(), x.native_name()))
            .collect(),
        selected: &lang,
        required: true,
        blank: None,
    };
    let body = html! {
        @if let Some(s) = saved { (notice(s)) }
        (errors.summary(l))
        dl.card {
            dt { (l.t(Msg::YourName)) } dd { (c.display_name) }
            dt { (l.t(Msg::LoginId)) } dd { (c.login) }
        }
        form.card method="post" action="/app/profile" novalidate {
            (csrf_field(&ctx.csrf_token()))
            (Field::new(l.t(Msg::Phone2), "phone").kind("tel").value(&phone).required(c.phone_required).autocomplete("tel").hint(l.t(Msg::EG09012345678)).errors(errors).render(l))
            (Field::new(l.t(Msg::MailAddress), "mail").kind("email").value(&mail).autocomplete("email").hint(l.t(Msg::MailForForgottenPassword)).errors(errors).render(l))
            (languages.render(l, errors))
            (Field::new(l.t(Msg::CurrentPassword), "current").kind("password").value(&current).autocomplete("current-password").hint(l.t(Msg::CurrentPasswordForMailOnly)).errors(errors).render(l))
            button.primary type="submit" { (l.t(Msg::Save)) }
        }
        p { a href="/app" { (l.t(Msg::BackToMyPage)) } }
    };
    Ok(render(ctx, status, l.t(Msg::MyDetails), body))
}

pub fn save(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let form = ctx.form();
    let text = |n: &str| field(&form, n).map(str::trim).filter(|s| !s.is_empty());
    let who = ctx.who()?.clone();
    let change = ContactChange {
        phone: text("phone"),
        mail: text("mail"),
        lang: text("lang").and_then(Lang::from_code),
        current_password: field(&form, "current").unwrap_or(""),
        address: &ctx.remote,
    };
    match profile::change_contact(ctx.app, &who, change) {
        Ok(()) => page(ctx, 200, None, &FormErrors::none(), Some(l.t(Msg::Saved))),
        Err(e) if status_of(&e) < 500 => {
            let errors = form_errors(ctx, &e).in_order(FIELDS);
            page(ctx, status_of(&e), Some(&form), &errors, None)
        }
        Err(e) => Err(e.into()),
    }
}
