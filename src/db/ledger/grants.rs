//! The ledger's tables: grants (see the parent module).

use super::*;

// --- grants -----------------------------------------------------------------------

pub fn insert_grant(
    c: &Connection,
    program: &str,
    amount: Amount,
    scheduled_at: Option<i64>,
    actor: &str,
    now: i64,
) -> rusqlite::Result<i64> {
    crate::db::exec(
        c,
        "INSERT INTO grants (program, amount, status, scheduled_at, actor, created_at)
         VALUES (?1, ?2, 'scheduled', ?3, ?4, ?5)",
        params![program, amount.0, scheduled_at, actor, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn insert_grant_recipient(
    c: &Connection,
    grant_id: i64,
    wallet: WalletId,
) -> rusqlite::Result<()> {
    crate::db::exec(
        c,
        "INSERT INTO grant_recipients (grant_id, wallet_id) VALUES (?1, ?2)",
        params![grant_id, wallet.0],
    )?;
    Ok(())
}

pub fn grant_recipients(c: &Connection, grant_id: i64) -> rusqlite::Result<Vec<WalletId>> {
    let mut st =
        c.prepare("SELECT wallet_id FROM grant_recipients WHERE grant_id = ?1 ORDER BY wallet_id")?;
    st.query_map([grant_id], |r| r.get(0).map(WalletId))?
        .collect()
}

pub fn set_recipient_entry(
    c: &Connection,
    grant_id: i64,
    wallet: WalletId,
    entry_id: i64,
) -> rusqlite::Result<()> {
    crate::db::exec(
        c,
        "UPDATE grant_recipients SET entry_id = ?3 WHERE grant_id = ?1 AND wallet_id = ?2",
        params![grant_id, wallet.0, entry_id],
    )?;
    Ok(())
}

pub fn mark_grant_done(c: &Connection, grant_id: i64, at: i64) -> rusqlite::Result<()> {
    crate::db::exec(
        c,
        "UPDATE grants SET status = 'done', done_at = ?2 WHERE id = ?1",
        params![grant_id, at],
    )?;
    Ok(())
}

/// Scheduled grants whose time has come: (id, program, amount).
pub fn due_grants(c: &Connection, now: i64) -> rusqlite::Result<Vec<(i64, String, Amount)>> {
    let mut st = c.prepare(
        "SELECT id, program, amount FROM grants WHERE status = 'scheduled' AND scheduled_at <= ?1 ORDER BY scheduled_at, id",
    )?;
    st.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, Amount(r.get(2)?))))?
        .collect()
}

/// Value a scheduled (not yet done) grant will still issue from a program.
pub fn scheduled_total(c: &Connection, program: &str) -> rusqlite::Result<Amount> {
    crate::db::one(c,
        "SELECT coalesce(sum(g.amount), 0) FROM grants g JOIN grant_recipients r ON r.grant_id = g.id
         WHERE g.status = 'scheduled' AND g.program = ?1",
        [program],
        |r| r.get(0),
    )
    .map(Amount)
}
