//! The subcommands. `main.rs` parses the command line into these calls; each returns a
//! `CliError` that `main` prints.

pub mod backup;
pub mod data_key;
pub mod demo;
pub mod init;
pub mod mail;
pub mod maintenance;
pub mod serve;
pub mod systemd;
pub mod token;
pub mod verify;

use crate::db::DbError;
use crate::service::ServiceError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Mail(#[from] crate::service::adapters::smtp::SmtpError),
    /// `verify` found broken invariants; it has printed them.
    #[error("{0} invariant(s) broken")]
    VerifyFailed(usize),
    /// `init` found a database already there; nothing was changed.
    #[error("a database already exists at {0}; nothing was changed")]
    AlreadyInitialised(String),
}

/// Database options with the personal data keys of the file at `data_key`.
fn with_key(data_key: &std::path::Path) -> Result<crate::db::DbOptions, CliError> {
    Ok(crate::db::DbOptions {
        personal: Some(crate::service::operations::data_key::load(data_key)?),
        ..crate::db::DbOptions::default()
    })
}

impl From<rusqlite::Error> for CliError {
    fn from(e: rusqlite::Error) -> Self {
        CliError::Db(DbError::Sqlite(e))
    }
}
