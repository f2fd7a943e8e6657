//! Use cases. Each opens its own transaction, loads what it needs, asks `domain` for the
//! decision, stores the result and writes the audit log, so a request commits whole or
//! changes nothing.

use crate::i18n::Msg;
pub mod adapters;
pub mod communication;
pub mod crypto;
pub mod identity;
pub mod merchants;
pub mod money;
pub mod operations;
#[doc(hidden)]
pub mod testkit;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{self, DbError, Pool};
use crate::domain::login_throttle::LoginThrottle;
use crate::domain::program::Program;
use crate::domain::ratelimit::RateLimiter;
use crate::domain::{Problems, Role, Text};
use crate::i18n::Lang;

pub use operations::settings::Branding;

/// Everything a use case needs: storage, time, the server secret and shared state.
pub struct App {
    pub pool: Pool,
    pub clock: Clock,
    pub config: Config,
    /// Server secret for MACs (CSRF tokens, card codes), derived from the data key file.
    pub secret: [u8; 32],
    /// Sliding windows per address (registration).
    pub limiter: Mutex<RateLimiter>,
    /// Failed password attempts per login and address.
    pub logins: Mutex<LoginThrottle>,
    /// The city's branding, cached because every page shows it.
    pub branding: RwLock<Branding>,
    /// Programs by code, cached because every payment needs their rules.
    pub programs: RwLock<Arc<HashMap<String, Program>>>,
    /// Takes credit card and bank charges; none unless configured (`adapters::provider::configured`).
    pub provider: Option<Box<dyn adapters::provider::PaymentProvider>>,
    /// Writes value-moving requests in group-committed batches.
    pub writer: db::group::GroupWriter,
    /// Request counters for `/metrics`.
    pub metrics: operations::metrics::Metrics,
    /// The maintenance state, read again at most once a second.
    pub maintenance: operations::maintenance::Cached,
}

impl App {
    /// Opens the database of `config` and loads the secret, branding and sandbox clock.
    pub fn open(config: Config) -> Result<App> {
        let pool = db::open(&config.db_path, &config.db)?;
        let conn = pool.get().map_err(DbError::from)?;
        let secret = config
            .db
            .personal
            .as_ref()
            .ok_or_else(|| ServiceError::Internal("no personal data key is loaded".into()))?
            .server_secret();
        db::personal::check_key(&conn).map_err(|e| {
            ServiceError::Internal(format!(
                "the personal data key {} does not open this database ({e}); start with the key \
                 file it was created with",
                config.data_key.display()
            ))
        })?;
        let branding = operations::settings::branding(&conn)?;
        let programs = db::ledger::programs(&conn)?;
        let maintenance =
            operations::maintenance::Cached::new(operations::maintenance::load(&conn)?);
        let clock = if config.fake_clock {
            Clock::fake(adapters::sandbox::stored_time(&conn)?)
        } else {
            Clock::System
        };
        drop(conn);
        Ok(App {
            pool,
            clock,
            secret,
            limiter: Mutex::new(RateLimiter::default()),
            logins: Mutex::new(LoginThrottle::default()),
            branding: RwLock::new(branding),
            programs: RwLock::new(Arc::new(programs)),
            provider: adapters::provider::configured(&config),
            metrics: operations::metrics::Metrics::default(),
            maintenance,
            writer: db::group::GroupWriter::new(db::writer_connection(
                &config.db_path,
                &config.db,
            )?),
            config,
        })
    }

    pub fn conn(&self) -> Result<db::Conn> {
        Ok(self.pool.get().map_err(DbError::from)?)
    }

    /// A trivial query: the database answers (the health check).
    pub fn database_answers(&self) -> Result<()> {
        Ok(self.conn()?.query_row("SELECT 1", [], |_| Ok(()))?)
    }

    pub fn now(&self) -> i64 {
        self.clock.unix()
    }

    pub fn branding(&self) -> Branding {
        self.branding
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Who is acting: a logged-in person, an API token, or the command line.
#[derive(Debug, Clone)]
pub struct Principal {
    pub role: Role,
    /// The user behind it; a token made by `meguri token create` without `--subject` has none.
    pub user_id: Option<i64>,
    /// For merchant staff, the store they work for.
    pub store_id: Option<i64>,
    pub display_name: String,
    /// How the audit log names this actor, e.g. `user:3` or `token:2`.
    pub actor: String,
    /// A one-time password is in use: pages send the person to choose a new one first.
    pub must_change_password: bool,
}

impl Principal {
    /// The command line, acting as the city.
    pub fn cli() -> Principal {
        Principal {
            role: Role::Admin,
            user_id: None,
            store_id: None,
            display_name: "command line".into(),
            actor: "cli".into(),
            must_change_password: false,
        }
    }

    /// Whose retries an Idempotency-Key belongs to: the person, whichever token they use.
    pub fn idempotency_scope(&self) -> String {
        match self.user_id {
            Some(id) => format!("user:{id}"),
            None => self.actor.clone(),
        }
    }

    pub fn is(&self, roles: &[Role]) -> bool {
        roles.contains(&self.role)
    }
}

/// What can go wrong in a use case, in the words of api.md's error codes.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(Text),
    /// Several fields are wrong (`invalid_request`); pages show each beside its field.
    #[error("{}", .0.iter().map(|(_, t)| t.to_string()).collect::<Vec<_>>().join("; "))]
    Fields(Problems),
    #[error("{0}")]
    Unauthorized(Text),
    #[error("{0}")]
    Forbidden(Text),
    #[error("{0}")]
    NotFound(Text),
    #[error("{0}")]
    Conflict(Text),
    #[error("{0}")]
    InsufficientFunds(Text),
    #[error("{0}")]
    LimitExceeded(Text),
    #[error("{0}")]
    Expired(Text),
    #[error("{0}")]
    BudgetExhausted(Text),
    #[error("{0}")]
    RuleViolation(Text),
    #[error("{0}")]
    CardInvalid(Text),
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyConflict,
    /// The server is read-only for maintenance: nothing is written, not even behind a GET.
    #[error("read-only for maintenance")]
    ReadOnly,
    #[error("too many attempts; wait a while and try again")]
    RateLimited,
    /// Like `RateLimited`, saying when to try again.
    #[error("{0}")]
    TooManyAttempts(Text),
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for ServiceError {
    fn from(e: rusqlite::Error) -> Self {
        ServiceError::Db(DbError::Sqlite(e))
    }
}

impl ServiceError {
    /// The message in the reader's language.
    pub fn text(&self, l: Lang) -> String {
        match self {
            ServiceError::Invalid(t)
            | ServiceError::Unauthorized(t)
            | ServiceError::Forbidden(t)
            | ServiceError::NotFound(t)
            | ServiceError::Conflict(t)
            | ServiceError::InsufficientFunds(t)
            | ServiceError::LimitExceeded(t)
            | ServiceError::Expired(t)
            | ServiceError::BudgetExhausted(t)
            | ServiceError::RuleViolation(t)
            | ServiceError::CardInvalid(t)
            | ServiceError::TooManyAttempts(t) => t.in_lang(l),
            ServiceError::Fields(p) => p
                .iter()
                .map(|(_, t)| t.in_lang(l))
                .collect::<Vec<_>>()
                .join(l.t(Msg::MessageSeparator)),
            ServiceError::IdempotencyConflict => l.t(Msg::ThisIdempotencyKeyWasUsed).to_owned(),
            ServiceError::ReadOnly => l.t(Msg::UnderMaintenancePaymentsChargesAnd).to_owned(),
            ServiceError::RateLimited => l.t(Msg::TooManyAttemptsWaitA).to_owned(),
            ServiceError::Internal(_) | ServiceError::Db(_) => {
                l.t(Msg::AnInternalErrorOccurredIt).to_owned()
            }
        }
    }
}

/// Shorthands for the common refusals.
pub fn invalid(t: impl Into<Text>) -> ServiceError {
    ServiceError::Invalid(t.into())
}

/// Refuses with every problem found, unless there is none.
pub fn no_problems(p: Problems) -> Result<()> {
    p.into_result().map_err(ServiceError::Fields)
}

pub fn not_found(t: impl Into<Text>) -> ServiceError {
    ServiceError::NotFound(t.into())
}

pub type Result<T> = std::result::Result<T, ServiceError>;

/// Refuses unless `who` has one of `roles`; use cases check again what the router checked,
/// so that a use case called from elsewhere (CLI, jobs) cannot skip it.
pub fn require(who: &Principal, roles: &[Role]) -> Result<()> {
    if who.is(roles) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            Text::new(Msg::RoleMayNotDoThis).with_msg("role", who.role.label()),
        ))
    }
}

pub const STAFF: &[Role] = &[Role::Admin, Role::Operator];
