//! The secretariat finds a resident by phone number (a call from someone who forgot their
//! login or password, or lost their phone, or a family member asking about a balance). The
//! number is sealed in the database and found through its keyed hash. From a resident
//! found, the office reissues the password or logs the phone out (`recovery_office`).

use crate::i18n::Msg;
use maud::html;

use super::register::AGE_BANDS;
use super::{message, render, status_of};
use crate::service::identity::residents::{self, Found};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;
use crate::web::views::money::yen;
use crate::web::views::{Field, Lang, alert, notice, shown_phone};

pub fn find(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let phone = ctx.query_get("phone").unwrap_or("").trim().to_string();
    let (status, found, error) = if phone.is_empty() {
        (200, None, None)
    } else {
        match residents::find_by_phone(ctx.app, ctx.who()?, &phone) {
            Ok(f) => (200, Some(f), None),
            Err(e) if status_of(&e) < 500 => (status_of(&e), None, Some(message(ctx, &e))),
            Err(e) => return Err(e.into()),
        }
    };
    let body = html! {
        @if let Some(e) = &error { (alert(e)) }
        form.card method="get" action="/office/residents" role="search" {
            (Field::new(l.t(Msg::Phone2), "phone").kind("tel").value(&phone).required(true).hint(l.t(Msg::EG090123456782)).render(l))
            div.actions { button type="submit" { (l.t(Msg::Find)) } }
        }
        @if let Some(found) = &found {
            @if found.is_empty() {
                (notice(l.t(Msg::NoResidentIsRegisteredWith)))
            } @else {
                h2 { (l.t(Msg::ResidentsFound)) " (" (found.len()) ")" }
                ul.notice-admin { @for r in found { (resident_card(l, r)) } }
            }
        }
        p.small { (l.t(Msg::PhoneNumbersAreStoredEncrypted)) }
    };
    Ok(render(ctx, status, l.t(Msg::FindAResident), body))
}

fn shown_attribute<'a>(l: Lang, key: &str, value: &'a str) -> &'a str {
    match AGE_BANDS
        .iter()
        .find(|(code, _)| key == "age_band" && *code == value)
    {
        Some((_, name)) => l.t(*name),
        None => value,
    }
}

fn resident_card(l: Lang, r: &Found) -> maud::Markup {
    html! {
        li.card {
            strong { (r.display_name) } " " small { "#" (r.id) @if r.disabled { " · " (l.t(Msg::Disabled)) } }
            dl {
                dt { (l.t(Msg::LoginId)) } dd { (r.login) }
                @if let Some(p) = &r.phone { dt { (l.t(Msg::Phone2)) } dd { (shown_phone(p)) } }
                @for (k, v) in &r.attributes {
                    dt { (residents::field_label(k).map_or(k.as_str(), |m| l.t(m))) } dd { (shown_attribute(l, k, v)) }
                }
                dt { (l.t(Msg::MailAddress)) } dd { (l.t(if r.has_mail { Msg::MailOnFile } else { Msg::NoMailOnFile })) }
                dt { (l.t(Msg::Balance2)) } dd { (yen(l, r.balance)) }
                dt { (l.t(Msg::Registered)) } dd { (l.date(r.registered_at)) }
            }
            @if !r.disabled {
                div.actions {
                    a.button href={ "/office/residents/" (r.id) "/password" } { (l.t(Msg::ReissueThePassword)) }
                    a.button href={ "/office/residents/" (r.id) "/sessions" } { (l.t(Msg::LogOutEverywhere)) }
                }
            }
        }
    }
}
