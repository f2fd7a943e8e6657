//! The error page: what happened in plain words, and a way back, in the page frame
//! (skip link, language switch, text size) like every other page.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::Chrome;

pub fn page(ch: &Chrome, status: u16, detail: &str) -> Markup {
    let l = ch.lang;
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
    super::page(
        ch,
        title,
        html! {
            p { (explain) }
            p.detail { small { (detail) } }
            p { a.button href="/" { (l.t(Msg::BackToTheStart)) } }
        },
    )
}
