//! `meguri token create | list | revoke`: bearer tokens for city systems and people.

use std::path::Path;

use super::CliError;
use crate::db;
use crate::domain::Role;
use crate::domain::time::rfc3339;
use crate::service::{identity::accounts, identity::tokens};

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

/// `meguri token list`: one line per token, tab-separated, under a header. Only hashes
/// are stored, so no token can be shown.
pub fn list(
    path: &Path,
    data_key: &Path,
    now: i64,
    out: &mut impl std::io::Write,
) -> Result<(), CliError> {
    let pool = db::open(path, &super::with_key(data_key)?)?;
    let conn = pool.get().map_err(db::DbError::from)?;
    let time = |t: Option<i64>| t.map_or_else(|| "-".to_owned(), rfc3339);
    writeln!(
        out,
        "id\trole\tname\tsubject\tcreated\tlast_used\texpires\tstatus"
    )?;
    for t in tokens::list(&conn)? {
        // A name is typed by a person; tabs or line breaks in it would break the columns.
        let name: String = t
            .name
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        writeln!(
            out,
            "{}\t{}\t{name}\t{}\t{}\t{}\t{}\t{}",
            t.id,
            t.role,
            t.user_id.map_or_else(|| "-".to_owned(), |u| u.to_string()),
            rfc3339(t.created_at),
            time(t.last_used_at),
            time(t.expires_at),
            tokens::status(&t, now),
        )?;
    }
    Ok(())
}

/// `meguri token revoke ID`: the token stops working at once.
pub fn revoke(path: &Path, data_key: &Path, id: i64, now: i64) -> Result<String, CliError> {
    let pool = db::open(path, &super::with_key(data_key)?)?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    let t = tokens::revoke(&mut conn, now, id)?;
    Ok(format!("revoked token {} ({}, {})", t.id, t.name, t.role))
}
