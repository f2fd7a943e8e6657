//! The web layer's errors and the one place that maps every error to an HTTP status and
//! an api.md error code.

use crate::i18n::{Lang, Msg};
use crate::service::{App, ServiceError};

use super::reply::Reply;
use super::router::Kind;
use super::views;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("{0}")]
    BadRequest(String),
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("no such page or endpoint")]
    RouteNotFound,
    #[error("this path does not take the {0} method")]
    MethodNotAllowed(String),
    #[error("log in first")]
    LoginRequired,
    #[error("the {0} role may not use this")]
    WrongRole(String),
    #[error("the form has expired or did not come from this site; reload the page and try again")]
    Csrf,
    #[error("an internal error occurred; it has been logged")]
    Panic,
    #[error("meguri is under maintenance and accepts no changes for now; try again later")]
    ReadOnly,
}

impl WebError {
    /// HTTP status and api.md error code. Every error response goes through here.
    pub fn status_and_code(&self) -> (u16, &'static str) {
        match self {
            WebError::Service(e) => service_status(e),
            WebError::BadRequest(_) => (400, "invalid_request"),
            WebError::PayloadTooLarge(_) => (413, "invalid_request"),
            WebError::RouteNotFound => (404, "not_found"),
            WebError::MethodNotAllowed(_) => (405, "invalid_request"),
            WebError::LoginRequired => (401, "unauthorized"),
            WebError::WrongRole(_) | WebError::Csrf => (403, "forbidden"),
            WebError::Panic => (500, "internal_error"),
            WebError::ReadOnly => (503, "maintenance"),
        }
    }

    /// The message for a page in the visitor's language.
    pub fn page_message(&self, l: Lang) -> String {
        let msg = match self {
            WebError::Service(e) => return e.text(l),
            WebError::ReadOnly => return ServiceError::ReadOnly.text(l),
            WebError::BadRequest(_) => Msg::CouldNotReadForm,
            WebError::PayloadTooLarge(_) => Msg::TooLarge,
            WebError::RouteNotFound => Msg::NoSuchPage,
            WebError::MethodNotAllowed(_) => Msg::NotAllowedHere,
            WebError::LoginRequired => Msg::PleaseLogIn,
            WebError::WrongRole(_) => Msg::MayNotOpenPage,
            WebError::Csrf => Msg::FormExpired,
            WebError::Panic => Msg::AnInternalErrorOccurredIt,
        };
        l.t(msg).to_owned()
    }

    /// The message an API client gets, in the language it asked for (English by
    /// default, with the details of a bad request); internal details stay in the log.
    pub fn public_message(&self, l: Lang) -> String {
        match self {
            WebError::Service(e) => e.text(l),
            other if l == Lang::En && !matches!(other, WebError::Panic) => other.to_string(),
            other => other.page_message(l),
        }
    }
}

/// The status and code of a use case's refusal.
pub fn service_status(e: &ServiceError) -> (u16, &'static str) {
    match e {
        ServiceError::Invalid(_) | ServiceError::Fields(_) => (400, "invalid_request"),
        ServiceError::Unauthorized(_) => (401, "unauthorized"),
        ServiceError::Forbidden(_) => (403, "forbidden"),
        ServiceError::NotFound(_) => (404, "not_found"),
        ServiceError::Conflict(_) => (409, "conflict"),
        ServiceError::IdempotencyConflict => (409, "idempotency_conflict"),
        ServiceError::InsufficientFunds(_) => (422, "insufficient_funds"),
        ServiceError::LimitExceeded(_) => (422, "limit_exceeded"),
        ServiceError::Expired(_) => (422, "expired"),
        ServiceError::BudgetExhausted(_) => (422, "budget_exhausted"),
        ServiceError::RuleViolation(_) => (422, "rule_violation"),
        ServiceError::CardInvalid(_) => (422, "card_invalid"),
        ServiceError::RateLimited | ServiceError::TooManyAttempts(_) => (429, "rate_limited"),
        ServiceError::ReadOnly => (503, "maintenance"),
        ServiceError::Internal(_) | ServiceError::Db(_) => (500, "internal_error"),
    }
}

/// Who asked, as far as an error reply needs it: API or page, the language, and for a
/// page the path (the language switch returns to it) and the view chosen.
pub struct Asked<'a> {
    pub kind: Kind,
    pub lang: Lang,
    pub path: &'a str,
    pub view: views::ViewPrefs,
}

/// The error as api.md's JSON body for the API, or as a page in the visitor's language.
pub fn error_reply(app: &App, asked: &Asked, e: &WebError) -> Reply {
    let lang = asked.lang;
    let (status, code) = e.status_and_code();
    if status >= 500 && !matches!(e, WebError::ReadOnly) {
        eprintln!("error: {e:?}");
    }
    match asked.kind {
        Kind::Api => Reply::json(
            status,
            &serde_json::json!({ "error": { "code": code, "message": e.public_message(lang) } }),
        ),
        Kind::Page => {
            let branding = app.branding();
            let chrome = views::Chrome {
                branding: &branding,
                lang,
                user_name: None,
                csrf: "",
                path: asked.path,
                sandbox: app.config.sandbox || app.config.fake_clock,
                maintenance: None,
                view: asked.view,
            };
            Reply::html(
                status,
                views::error::page(&chrome, status, &e.page_message(lang)),
            )
        }
    }
}
