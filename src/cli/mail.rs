//! `meguri mail`: the outbox of mails (application receipts and results) for an SMTP relay
//! to drain: `list` prints unsent mails as JSON lines, `sent ID` marks one handed over.

use std::path::Path;

use super::CliError;
use crate::db::{self, applications};

pub fn list(path: &Path, data_key: &Path, out: &mut impl std::io::Write) -> Result<(), CliError> {
    let pool = db::open(path, &super::with_key(data_key)?)?;
    let conn = pool.get().map_err(db::DbError::from)?;
    for (id, to, subject, body) in applications::unsent_mail(&conn)? {
        writeln!(
            out,
            "{}",
            serde_json::json!({ "id": id, "to": to, "subject": subject, "body": body })
        )?;
    }
    Ok(())
}

pub fn mark_sent(path: &Path, data_key: &Path, id: i64, now: i64) -> Result<(), CliError> {
    let pool = db::open(path, &super::with_key(data_key)?)?;
    let conn = pool.get().map_err(db::DbError::from)?;
    if applications::mark_sent(&conn, id, now)? == 0 {
        return Err(CliError::Usage(format!("no unsent mail {id}")));
    }
    Ok(())
}
