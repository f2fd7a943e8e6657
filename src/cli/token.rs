//! `meguri token create`: a bearer token for a city system or a person.

use std::path::Path;

use super::CliError;
use crate::db;
use crate::domain::Role;
use crate::service::accounts;

pub fn create(
    path: &Path,
    data_key: &Path,
    role: &str,
    name: &str,
    subject: Option<i64>,
    now: i64,
) -> Result<String, CliError> {
    let role = Role::parse(role).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown role {role}; use one of {}",
            Role::ALL.map(|r| r.as_str()).join(", ")
        ))
    })?;
    let pool = db::open(path, &super::with_key(data_key)?)?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    Ok(accounts::create_token(&mut conn, now, name, role, subject)?.token)
}
