//! The error page: what happened in plain words, and a way back.

use crate::i18n::Msg;
use maud::{DOCTYPE, Markup, html};

use super::Lang;
use crate::service::Branding;

pub fn page(b: &Branding, l: Lang, status: u16, detail: &str) -> Markup {
    let (title, explain) = match status {
        400 | 413 => (
            l.t(Msg::PleaseCheckWhatYouEntered),
            l.t(Msg::WhatWasSentCouldNot),
        ),
        401 => (l.t(Msg::PleaseLogIn), l.t(Msg::YouNeedToLogIn)),
        403 => (l.t(Msg::ThisIsNotAllowed), l.t(Msg::YouMayNotOpenThis)),
        404 => (l.t(Msg::PageNotFound), l.t(Msg::PleaseCheckTheAddress)),
        429 => (l.t(Msg::PleaseWaitAMoment), l.t(Msg::TooManyAttemptsInA)),
        _ => (
            l.t(Msg::SomethingWentWrong),
            l.t(Msg::PleaseTryAgainLaterIf),
        ),
    };
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | " (b.currency_name) }
                link rel="stylesheet" href="/assets/app.css";
                link rel="stylesheet" href="/assets/brand.css";
            }
            body {
                header.top { a.brand href="/" { span.city { (b.city_name) } span.currency { (b.currency_name) } } }
                main #main {
                    h1 { (title) }
                    p { (explain) }
                    p.detail { small { (detail) } }
                    p { a.button href="/" { (l.t(Msg::BackToTheStart)) } }
                }
            }
        }
    }
}
