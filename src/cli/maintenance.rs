//! `meguri read-only on|off`: the maintenance switch from a shell, for an upgrade at a
//! terminal. A running server sees it within a second.

use std::path::Path;

use super::CliError;
use crate::db::{self, DbOptions};
use crate::service::operations::maintenance;

pub fn read_only(path: &Path, state: &str, now: i64) -> Result<bool, CliError> {
    let on = match state {
        "on" => true,
        "off" => false,
        other => return Err(CliError::Usage(format!("say on or off, not {other}"))),
    };
    let pool = db::open(path, &DbOptions::default())?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    maintenance::set_read_only_offline(&mut conn, now, on)?;
    Ok(on)
}
