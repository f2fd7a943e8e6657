//! Views: small maud partials fed by view-models, every sentence from the catalogue
//! (`crate::i18n`); mobile first; every page works without JavaScript.

use crate::i18n::Msg;
pub mod audit;
pub mod error;
pub mod form;
pub mod money;
pub mod pay;
pub mod programs;

pub use form::FormErrors;

use std::fmt::Write;

use maud::{DOCTYPE, Markup, html};

use crate::service::Branding;

pub use crate::i18n::Lang;

/// What the frame of every page needs to know.
pub struct Chrome<'a> {
    pub branding: &'a Branding,
    pub lang: Lang,
    /// The logged-in person's name, when there is one.
    pub user_name: Option<&'a str>,
    pub csrf: &'a str,
    /// The current path, so the language switch returns to it.
    pub path: &'a str,
    /// The sandbox (fake clock): every page says that nothing here is real money.
    pub sandbox: bool,
    /// The maintenance announcement or notice, in the visitor's language.
    pub maintenance: Option<String>,
    pub view: ViewPrefs,
}

/// The page frame: header with the city's name, the page settings (language, text size),
/// logout; then `body`.
pub fn page(ch: &Chrome, title: &str, body: Markup) -> Markup {
    let l = ch.lang;
    let next = super::request::percent_encode(ch.path);
    html! {
        (DOCTYPE)
        html lang=(l.tag()) class=[ch.view.large_text.then_some("large")] {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | " (ch.branding.currency_name) }
                link rel="stylesheet" href="/assets/app.css";
                link rel="stylesheet" href="/assets/brand.css";
                link rel="icon" href="/assets/icon.svg" type="image/svg+xml";
            }
            body {
                a.skip href="#main" { (l.t(Msg::SkipToContent)) }
                @if ch.sandbox {
                    p.sandbox-banner role="note" { (l.t(Msg::ThisIsTheTestEnvironment)) }
                }
                @if let Some(m) = &ch.maintenance {
                    p.maintenance-banner role="status" { (m) }
                }
                header.top {
                    a.brand href="/" {
                        @if ch.branding.logo_type.is_some() { img.logo src="/assets/logo" alt=""; }
                        span.names {
                            span.city { (ch.branding.city_name) }
                            span.currency { (ch.branding.currency_name) }
                        }
                    }
                    nav.tools aria-label=(l.t(Msg::PageSettings)) {
                        details.settings {
                            summary { (globe()) span { (l.t(Msg::LanguageAndTextSize)) } }
                            div.settings-panel {
                                ul.langs {
                                    @for other in Lang::ALL {
                                        li {
                                            a href={ "/lang?to=" (other.code()) "&next=" (next) }
                                                lang=(other.tag()) hreflang=(other.tag())
                                                aria-current=[(other == l).then_some("true")] { (other.native_name()) }
                                        }
                                    }
                                }
                                a.text-size href={ "/view?large=" (if ch.view.large_text { "off" } else { "on" }) "&next=" (next) } {
                                    (l.t(if ch.view.large_text { Msg::TextSizeNormal } else { Msg::TextSizeLarge }))
                                }
                            }
                        }
                        @if let Some(name) = ch.user_name {
                            span.user { (name) }
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(ch.csrf);
                                button.link type="submit" { (l.t(Msg::LogOut)) }
                            }
                        }
                    }
                }
                main #main {
                    h1 { (title) }
                    (body)
                }
                footer.bottom {
                    p { (ch.branding.city_name) " · " (ch.branding.currency_name) }
                }
            }
        }
    }
}

/// How a visitor chose to see the pages, remembered in a cookie: larger text, and the
/// simple resident home (balance, pay, history only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ViewPrefs {
    pub large_text: bool,
    pub simple: bool,
}

impl ViewPrefs {
    /// From the cookie's value: `large`, `simple` or both, joined by `.`.
    pub fn parse(s: &str) -> ViewPrefs {
        let has = |w: &str| s.split('.').any(|x| x == w);
        ViewPrefs {
            large_text: has("large"),
            simple: has("simple"),
        }
    }

    pub fn code(self) -> String {
        let mut parts = vec![];
        if self.large_text {
            parts.push("large");
        }
        if self.simple {
            parts.push("simple");
        }
        parts.join(".")
    }
}

fn globe() -> Markup {
    html! {
        svg.globe viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" {
            circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2" {}
            path d="M2 12h20M12 2c3 3.5 3 16.5 0 20M12 2c-3 3.5-3 16.5 0 20" fill="none" stroke="currentColor" stroke-width="2" {}
        }
    }
}

/// A message with markup in its arguments (an amount in bold, a store's name): the
/// text is escaped, the arguments are put in as they are rendered.
pub fn fill(l: Lang, m: Msg, args: &[(&str, Markup)]) -> Markup {
    let mut text = String::new();
    let template = l.t_any(m);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let arg = after
            .find('}')
            .and_then(|c| args.iter().find(|(n, _)| *n == &after[..c]));
        maud::Escaper::new(&mut text).write_str(&rest[..open]).ok();
        match arg {
            Some((n, v)) => {
                text.push_str(&v.0);
                rest = &after[n.len() + 1..];
            }
            None => {
                text.push('{');
                rest = after;
            }
        }
    }
    maud::Escaper::new(&mut text).write_str(rest).ok();
    maud::PreEscaped(text)
}

/// A message box for errors (role=alert, read out at once) or notices.
pub fn alert(message: &str) -> Markup {
    html! { p.alert role="alert" { (message) } }
}

pub fn notice(message: &str) -> Markup {
    html! { p.notice role="status" { (message) } }
}

/// A labelled input; `hint` (and a problem's message) is tied to it with
/// aria-describedby.
pub struct Field<'a> {
    pub label: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub autocomplete: &'a str,
    pub hint: Option<&'a str>,
    /// The field's own problem, shown beside it.
    pub error: Option<&'a str>,
    /// A message about the whole form concerns this field (a wrong login or password).
    pub general_error: bool,
}

impl<'a> Field<'a> {
    pub fn new(label: &'a str, name: &'a str) -> Field<'a> {
        Field {
            label,
            name,
            kind: "text",
            value: "",
            required: false,
            autocomplete: "off",
            hint: None,
            error: None,
            general_error: false,
        }
    }

    /// The field's problem among a form's, if it has one.
    pub fn errors(mut self, e: &'a FormErrors) -> Self {
        self.error = e.field(self.name);
        self.general_error = e.marks.iter().any(|m| m == self.name);
        self
    }

    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }

    pub fn value(mut self, v: &'a str) -> Self {
        self.value = v;
        self
    }

    pub fn required(mut self, r: bool) -> Self {
        self.required = r;
        self
    }

    pub fn autocomplete(mut self, a: &'a str) -> Self {
        self.autocomplete = a;
        self
    }

    pub fn hint(mut self, h: &'a str) -> Self {
        self.hint = Some(h);
        self
    }

    pub fn render(&self, l: Lang) -> Markup {
        let id = form::field_id(self.name);
        let hint_id = format!("{id}-hint");
        let err_id = form::error_id(self.name);
        let invalid = self.error.is_some() || self.general_error;
        let described = form::described_by(
            self.hint.map(|_| hint_id.as_str()),
            self.error.map(|_| err_id.as_str()),
            self.general_error,
        );
        html! {
            div.field.invalid[invalid] {
                label for=(id) {
                    (self.label)
                    @if self.required { span.req { (l.t(Msg::Required)) } }
                }
                @if let Some(h) = self.hint { small #(hint_id) { (h) } }
                (form::field_message(self.name, self.error))
                input #(id) type=(self.kind) name=(self.name) value=(self.value)
                    required[self.required] autocomplete=(self.autocomplete)
                    aria-invalid=[invalid.then_some("true")]
                    aria-describedby=[described];
            }
        }
    }
}

/// A mobile number as people write it (090-1234-5678); other numbers as stored, since
/// where a landline's area code ends depends on the area.
pub fn shown_phone(digits: &str) -> String {
    if digits.len() == 11 && digits.is_ascii() {
        format!("{}-{}-{}", &digits[..3], &digits[3..7], &digits[7..])
    } else {
        digits.to_string()
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// The clerk's approve / reject form under a request in a review list, posting
/// `decision` and an optional `reason` to `action`.
pub fn approve_or_reject(l: Lang, action: &str, id: i64, csrf: &str) -> Markup {
    html! {
        form method="post" action=(action) {
            (csrf_field(csrf))
            div.field { label for={ "r-" (id) } { (l.t(Msg::ReasonToReject)) } input id={ "r-" (id) } name="reason" type="text"; }
            div.actions {
                button.primary type="submit" name="decision" value="approve" { (l.t(Msg::Approve)) }
                button type="submit" name="decision" value="reject" { (l.t(Msg::Reject)) }
            }
        }
    }
}
