//! The ledger's tables: idempotency (see the parent module).

use super::*;

// --- idempotency ------------------------------------------------------------------

/// (fingerprint, status, body) stored for a key.
pub fn idempotent_response(
    c: &Connection,
    actor: &str,
    key: &str,
) -> rusqlite::Result<Option<(Vec<u8>, u16, String)>> {
    crate::db::one(
        c,
        "SELECT fingerprint, status, body FROM idempotency WHERE actor = ?1 AND key = ?2",
        params![actor, key],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

pub fn store_idempotent_response(
    c: &Connection,
    actor: &str,
    key: &str,
    fingerprint: &[u8],
    status: u16,
    body: &str,
    now: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO idempotency (actor, key, fingerprint, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![actor, key, fingerprint, status, body, now])?;
    Ok(())
}
