//! Card batches and cards (see `domain::card`).

use rusqlite::{Connection, OptionalExtension, params};

use crate::db::ledger::code_at;
use crate::domain::Code;
use crate::domain::card::{CardKind, CardStatus, Serial};

pub struct NewBatch<'a> {
    pub kind: CardKind,
    pub count: i64,
    pub preload: Option<(&'a str, i64)>,
    pub pin_required: bool,
    pub created_by: &'a str,
    pub now: i64,
}

/// Inserts the batch and its `count` cards, numbered on from the last card; gives the
/// batch's id and its cards' ids.
pub fn insert_batch(c: &Connection, b: &NewBatch) -> rusqlite::Result<(i64, Vec<i64>)> {
    c.execute(
        "INSERT INTO card_batches (kind, count, preload_program, preload_amount, pin_required, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![b.kind.code(), b.count, b.preload.map(|p| p.0), b.preload.map(|p| p.1), b.pin_required, b.created_by, b.now],
    )?;
    let batch = c.last_insert_rowid();
    let first: i64 = c.query_row("SELECT coalesce(max(id), 0) + 1 FROM cards", [], |r| {
        r.get(0)
    })?;
    let mut st = c.prepare(
        "INSERT INTO cards (id, batch_id, serial, status, status_at) VALUES (?1, ?2, ?3, 'issued', ?4)",
    )?;
    let ids: Vec<i64> = (first..first + b.count).collect();
    for id in &ids {
        st.execute(params![id, batch, Serial::of(*id).as_str(), b.now])?;
    }
    Ok((batch, ids))
}

#[derive(Debug, Clone)]
pub struct BatchRow {
    pub id: i64,
    pub kind: CardKind,
    pub count: i64,
    pub preload: Option<(String, i64)>,
    pub created_by: String,
    pub created_at: i64,
    /// Of its cards, how many were sold.
    pub sold: i64,
}

const BATCH_COLUMNS: &str =
    "b.id, b.kind, b.count, b.preload_program, b.preload_amount, b.created_by, b.created_at,
     (SELECT count(*) FROM cards c WHERE c.batch_id = b.id AND c.status <> 'issued')";

fn batch_row(r: &rusqlite::Row) -> rusqlite::Result<BatchRow> {
    let program: Option<String> = r.get(3)?;
    let amount: Option<i64> = r.get(4)?;
    Ok(BatchRow {
        id: r.get(0)?,
        kind: code_at(r, 1)?,
        count: r.get(2)?,
        preload: program.zip(amount),
        created_by: r.get(5)?,
        created_at: r.get(6)?,
        sold: r.get(7)?,
    })
}

pub fn batch(c: &Connection, id: i64) -> rusqlite::Result<Option<BatchRow>> {
    c.query_row(
        &format!("SELECT {BATCH_COLUMNS} FROM card_batches b WHERE b.id = ?1"),
        [id],
        batch_row,
    )
    .optional()
}

/// The newest batches first.
pub fn batches(c: &Connection, limit: i64) -> rusqlite::Result<Vec<BatchRow>> {
    c.prepare(&format!(
        "SELECT {BATCH_COLUMNS} FROM card_batches b ORDER BY b.id DESC LIMIT ?1"
    ))?
    .query_map([limit], batch_row)?
    .collect()
}

#[derive(Debug, Clone)]
pub struct CardRow {
    pub id: i64,
    pub batch_id: i64,
    pub serial: Serial,
    pub status: CardStatus,
    pub kind: CardKind,
    pub preload: Option<(String, i64)>,
    pub sold_at: Option<i64>,
    pub migrated_to: Option<i64>,
    pub status_at: i64,
    /// Its batch asks for a PIN, set when the card is sold.
    pub pin_required: bool,
    pub pin_hash: Option<Vec<u8>>,
    pub pin_failures: i64,
    pub pin_locked_until: Option<i64>,
}

const CARD_COLUMNS: &str =
    "c.id, c.batch_id, c.serial, c.status, b.kind, b.preload_program, b.preload_amount,
     c.sold_at, c.migrated_to, c.status_at, b.pin_required, c.pin_hash, c.pin_failures, c.pin_locked_until";

fn card_row(r: &rusqlite::Row) -> rusqlite::Result<CardRow> {
    let serial: String = r.get(2)?;
    let program: Option<String> = r.get(5)?;
    let amount: Option<i64> = r.get(6)?;
    Ok(CardRow {
        id: r.get(0)?,
        batch_id: r.get(1)?,
        serial: Serial::parse(&serial).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                "bad serial".into(),
            )
        })?,
        status: code_at(r, 3)?,
        kind: code_at(r, 4)?,
        preload: program.zip(amount),
        sold_at: r.get(7)?,
        migrated_to: r.get(8)?,
        status_at: r.get(9)?,
        pin_required: r.get(10)?,
        pin_hash: r.get(11)?,
        pin_failures: r.get(12)?,
        pin_locked_until: r.get(13)?,
    })
}

pub fn card(c: &Connection, id: i64) -> rusqlite::Result<Option<CardRow>> {
    c.prepare_cached(&format!(
        "SELECT {CARD_COLUMNS} FROM cards c JOIN card_batches b ON b.id = c.batch_id WHERE c.id = ?1"
    ))?
    .query_row([id], card_row)
    .optional()
}

/// A batch's cards in serial order, from card `after` on.
pub fn cards_of_batch(
    c: &Connection,
    batch: i64,
    after: i64,
    limit: i64,
) -> rusqlite::Result<Vec<CardRow>> {
    c.prepare(&format!(
        "SELECT {CARD_COLUMNS} FROM cards c JOIN card_batches b ON b.id = c.batch_id
         WHERE c.batch_id = ?1 AND c.id > ?2 ORDER BY c.id LIMIT ?3"
    ))?
    .query_map(params![batch, after, limit], card_row)?
    .collect()
}

pub fn set_status(c: &Connection, id: i64, status: CardStatus, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE cards SET status = ?2, status_at = ?3 WHERE id = ?1",
        params![id, status.code(), now],
    )?;
    Ok(())
}

pub fn mark_sold(c: &Connection, id: i64, by: &str, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE cards SET status = 'active', sold_at = ?3, sold_by = ?2, status_at = ?3 WHERE id = ?1",
        params![id, by, now],
    )?;
    Ok(())
}

pub fn mark_migrated(c: &Connection, id: i64, resident: i64, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE cards SET status = 'migrated', migrated_to = ?2, status_at = ?3 WHERE id = ?1",
        params![id, resident, now],
    )?;
    Ok(())
}

/// Card `id` was lost and its value moved onto card `by`, which is now in use.
pub fn mark_replaced(
    c: &Connection,
    id: i64,
    by: &str,
    new: i64,
    now: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE cards SET status = 'migrated', replaced_by = ?2, status_at = ?3 WHERE id = ?1",
        params![id, new, now],
    )?;
    mark_sold(c, new, by, now)
}

pub fn set_pin(c: &Connection, id: i64, hash: &[u8]) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE cards SET pin_hash = ?2, pin_failures = 0, pin_locked_until = NULL WHERE id = ?1",
        params![id, hash],
    )?;
    Ok(())
}

/// Records a PIN attempt: a right one clears the count, a wrong one adds to it and,
/// at `lock_after`, locks the PIN until `locked_until`.
pub fn pin_attempt(
    c: &Connection,
    id: i64,
    right: bool,
    lock_after: i64,
    locked_until: i64,
) -> rusqlite::Result<()> {
    if right {
        c.execute(
            "UPDATE cards SET pin_failures = 0, pin_locked_until = NULL WHERE id = ?1",
            [id],
        )?;
    } else {
        c.execute(
            "UPDATE cards SET pin_failures = pin_failures + 1,
                 pin_locked_until = CASE WHEN pin_failures + 1 >= ?2 THEN ?3 ELSE pin_locked_until END
             WHERE id = ?1",
            params![id, lock_after, locked_until],
        )?;
    }
    Ok(())
}
