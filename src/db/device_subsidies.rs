//! Device purchase subsidy applications (端末購入補助), as stored.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::Yen;

pub struct SubsidyRow {
    pub id: i64,
    pub store_id: i64,
    pub store_name: String,
    pub item: String,
    pub amount: Yen,
    pub status: String,
    pub reason: Option<String>,
    pub has_receipt: bool,
    pub created_at: i64,
}

const SELECT: &str = "SELECT d.id, d.store_id, s.name, d.item, d.amount, d.status, d.reason,
                             d.receipt IS NOT NULL, d.created_at
                      FROM device_subsidies d JOIN stores s ON s.id = d.store_id";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<SubsidyRow> {
    Ok(SubsidyRow {
        id: r.get(0)?,
        store_id: r.get(1)?,
        store_name: r.get(2)?,
        item: r.get(3)?,
        amount: Yen(r.get(4)?),
        status: r.get(5)?,
        reason: r.get(6)?,
        has_receipt: r.get(7)?,
        created_at: r.get(8)?,
    })
}

pub fn of_store(c: &Connection, store_id: i64) -> rusqlite::Result<Option<SubsidyRow>> {
    super::one(
        c,
        &format!("{SELECT} WHERE d.store_id = ?1"),
        [store_id],
        from_row,
    )
    .optional()
}

pub fn all(c: &Connection) -> rusqlite::Result<Vec<SubsidyRow>> {
    let mut st = c.prepare(&format!("{SELECT} ORDER BY d.id"))?;
    st.query_map([], from_row)?.collect()
}

/// Applications still in the running (not rejected): the first-come places taken.
pub fn places_taken(c: &Connection) -> rusqlite::Result<i64> {
    super::one(
        c,
        "SELECT count(*) FROM device_subsidies WHERE status != 'rejected'",
        [],
        |r| r.get(0),
    )
}

pub fn insert(
    c: &Connection,
    store_id: i64,
    item: &str,
    amount: i64,
    now: i64,
) -> rusqlite::Result<i64> {
    super::exec(
        c,
        "INSERT INTO device_subsidies (store_id, item, amount, status, created_at)
         VALUES (?1, ?2, ?3, 'applied', ?4)",
        params![store_id, item, amount, now],
    )?;
    Ok(c.last_insert_rowid())
}

/// Records the decision on an application waiting for one; 0 when it was not waiting.
pub fn decide(
    c: &Connection,
    id: i64,
    status: &str,
    reason: Option<&str>,
    now: i64,
) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE device_subsidies SET status = ?2, reason = ?3, decided_at = ?4
         WHERE id = ?1 AND status = 'applied'",
        params![id, status, reason, now],
    )
}

/// Attaches the receipt to the store's approved application; 0 when there is none.
pub fn attach_receipt(
    c: &Connection,
    store_id: i64,
    bytes: &[u8],
    content_type: &str,
) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE device_subsidies SET receipt = ?2, receipt_type = ?3
         WHERE store_id = ?1 AND status = 'approved'",
        params![store_id, bytes, content_type],
    )
}

/// A receipt: (bytes, content type).
pub fn receipt(c: &Connection, id: i64) -> rusqlite::Result<Option<(Vec<u8>, String)>> {
    super::one(
        c,
        "SELECT receipt, receipt_type FROM device_subsidies WHERE id = ?1 AND receipt IS NOT NULL",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}
