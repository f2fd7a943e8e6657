//! Scheduled work: expiring lots and running scheduled grants. Every job is idempotent and
//! catches up on whatever became due, so running it late or twice is harmless.

use crate::db;
use crate::service::{App, Result, money::ledger};

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ran {
    pub expired_lots: usize,
    pub grants: usize,
}

/// Runs everything due at the app's "now".
pub fn run_due(app: &App) -> Result<Ran> {
    // Read-only for maintenance: nothing is written; what became due meanwhile runs after.
    if crate::service::operations::maintenance::read_only(app) {
        return Ok(Ran::default());
    }
    let now = app.now();
    let mut conn = app.conn()?;
    // Grants first: a grant scheduled before an expiry instant is handed out, then expires.
    let grants = db::write(&mut conn, |tx| ledger::run_due_grants(app, tx, now))?;
    let expired_lots = db::write(&mut conn, |tx| ledger::expire_due(tx, now))?;
    Ok(Ran {
        expired_lots,
        grants,
    })
}
