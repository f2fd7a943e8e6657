//! The ledger's tables: wallets (see the parent module).

use super::*;

// --- wallets ----------------------------------------------------------------------

pub fn resident_wallet(c: &Connection, resident_id: i64) -> rusqlite::Result<Option<i64>> {
    crate::db::one(
        c,
        "SELECT id FROM wallets WHERE resident_id = ?1",
        [resident_id],
        |r| r.get(0),
    )
    .optional()
}

pub fn create_resident_wallet(c: &Connection, resident_id: i64, now: i64) -> rusqlite::Result<i64> {
    crate::db::exec(
        c,
        "INSERT INTO wallets (resident_id, created_at) VALUES (?1, ?2)",
        params![resident_id, now],
    )?;
    Ok(c.last_insert_rowid())
}
