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
        ServiceError::RateLimited => (429, "rate_limited"),
        ServiceError::Internal(_) | ServiceError::Db(_) => (500, "internal_error"),
    }
}

impl From<rusqlite::Error> for WebError {
    fn from(e: rusqlite::Error) -> Self {
        WebError::Service(e.into())
    }
}
