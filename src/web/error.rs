//! The web layer's errors and the one place that maps every error to an HTTP status and
//! an api.md error code.

use crate::service::ServiceError;

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
    pub fn page_message(&self, ja: bool) -> String {
        let pick = |j: &str, e: &str| if ja { j.to_owned() } else { e.to_owned() };
        match self {
            WebError::Service(e) => e.text(ja),
            WebError::BadRequest(m) => pick("送信内容を読み取れませんでした", m),
            WebError::PayloadTooLarge(_) => {
                pick("送信された内容が大きすぎます", "What was sent is too large")
            }
            WebError::RouteNotFound => pick("ページが見つかりません", "No such page"),
            WebError::MethodNotAllowed(_) => {
                pick("この操作はできません", "This is not allowed here")
            }
            WebError::LoginRequired => pick("ログインしてください", "Please log in"),
            WebError::WrongRole(_) => pick(
                "この画面を開く権限がありません",
                "Your account may not open this page",
            ),
            WebError::Csrf => pick(
                "画面の有効期限が切れたか、別のサイトから送信されました。画面を再読み込みしてもう一度お試しください",
                "The form expired or came from another site; reload the page and try again",
            ),
            WebError::Panic => pick(
                "内部エラーが発生しました(記録済みです)",
                "An internal error occurred; it has been logged",
            ),
            WebError::ReadOnly => ServiceError::ReadOnly.text(ja),
        }
    }

    /// The message shown to the client; internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            WebError::Service(ServiceError::Internal(_) | ServiceError::Db(_)) => {
                "an internal error occurred; it has been logged".into()
            }
            other => other.to_string(),
        }
    }
}

/// The status and code of a use case's refusal.
pub fn service_status(e: &ServiceError) -> (u16, &'static str) {
    match e {
        ServiceError::Invalid(_) => (400, "invalid_request"),
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
