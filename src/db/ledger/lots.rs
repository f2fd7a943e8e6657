//! The ledger's tables: lots (see the parent module).

use super::*;

// --- lots -------------------------------------------------------------------------

/// Lots of a wallet that still hold value and have not been expired by the job (their
/// expiry instant may have passed: callers check it against their "now").
pub fn open_lots(c: &Connection, wallet: WalletId) -> rusqlite::Result<Vec<Lot>> {
    let mut st = c.prepare_cached(
        "SELECT id, program, remaining, expires_at FROM lots
         WHERE wallet_id = ?1 AND remaining > 0 AND expired_at IS NULL ORDER BY id",
    )?;
    st.query_map([wallet.0], |r| {
        Ok(Lot {
            id: r.get(0)?,
            program: r.get(1)?,
            remaining: Amount(r.get(2)?),
            expires_at: r.get(3)?,
        })
    })?
    .collect()
}

pub struct NewLot<'a> {
    pub wallet: WalletId,
    pub program: &'a str,
    pub origin: LotOrigin,
    pub amount: Amount,
    pub expires_at: Option<i64>,
    pub entry_id: i64,
    pub now: i64,
}

/// Inserts an empty lot; the entry's posting fills it.
pub fn insert_lot(c: &Connection, l: &NewLot) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "INSERT INTO lots (wallet_id, program, origin, amount, remaining, expires_at, entry_id, created_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)",
    )?
    .execute(params![l.wallet.0, l.program, l.origin.code(), l.amount.0, l.expires_at, l.entry_id, l.now])?;
    Ok(c.last_insert_rowid())
}

/// Lots whose expiry instant has come and that still hold value.
pub fn lots_due_to_expire(c: &Connection, now: i64) -> rusqlite::Result<Vec<(Lot, WalletId)>> {
    let mut st = c.prepare(
        "SELECT id, program, remaining, expires_at, wallet_id FROM lots
         WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?1 ORDER BY id",
    )?;
    st.query_map([now], |r| {
        Ok((
            Lot {
                id: r.get(0)?,
                program: r.get(1)?,
                remaining: Amount(r.get(2)?),
                expires_at: r.get(3)?,
            },
            WalletId(r.get(4)?),
        ))
    })?
    .collect()
}

pub fn mark_lot_expired(c: &Connection, lot_id: i64, at: i64) -> rusqlite::Result<()> {
    crate::db::exec(
        c,
        "UPDATE lots SET expired_at = ?2 WHERE id = ?1 AND expired_at IS NULL",
        params![lot_id, at],
    )?;
    Ok(())
}

/// Whether a lot's value can no longer be spent at `now`: its expiry has come (whether or
/// not the expiry job has run yet).
pub fn lot_is_over(c: &Connection, lot_id: i64, now: i64) -> rusqlite::Result<bool> {
    crate::db::one(
        c,
        "SELECT expired_at IS NOT NULL OR coalesce(expires_at <= ?2, 0) FROM lots WHERE id = ?1",
        params![lot_id, now],
        |r| r.get(0),
    )
}

/// Where lot `id`'s value came from.
pub fn lot_origin(c: &Connection, id: i64) -> rusqlite::Result<LotOrigin> {
    crate::db::one(c, "SELECT origin FROM lots WHERE id = ?1", [id], |r| {
        super::code_at(r, 0)
    })
}
