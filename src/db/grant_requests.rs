//! Grants asked for in the office pages, waiting for a second admin (`grant_requests`).

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::program::Approval;
use crate::domain::{Amount, Code};

#[derive(Debug, Clone)]
pub struct GrantRequestRow {
    pub id: i64,
    pub program: String,
    /// Per recipient, in the program's unit.
    pub amount: Amount,
    pub resident_ids: Vec<i64>,
    pub scheduled_at: Option<i64>,
    pub approval: Approval,
    pub requested_by: String,
    pub requested_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub grant_id: Option<i64>,
}

const COLS: &str = "id, program, amount, recipients, scheduled_at, approval, requested_by, \
     requested_at, decided_by, decided_at, grant_id";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<GrantRequestRow> {
    let recipients: String = r.get(3)?;
    let approval: String = r.get(5)?;
    Ok(GrantRequestRow {
        id: r.get(0)?,
        program: r.get(1)?,
        amount: Amount(r.get(2)?),
        resident_ids: serde_json::from_str(&recipients).unwrap_or_default(),
        scheduled_at: r.get(4)?,
        approval: Approval::parse(&approval).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                5,
                rusqlite::types::Type::Text,
                format!("unknown approval {approval:?}").into(),
            )
        })?,
        requested_by: r.get(6)?,
        requested_at: r.get(7)?,
        decided_by: r.get(8)?,
        decided_at: r.get(9)?,
        grant_id: r.get(10)?,
    })
}

pub fn insert(
    c: &Connection,
    program: &str,
    amount: Amount,
    resident_ids: &[i64],
    scheduled_at: Option<i64>,
    by: &str,
    now: i64,
) -> rusqlite::Result<i64> {
    super::exec(
        c,
        "INSERT INTO grant_requests (program, amount, recipients, scheduled_at, requested_by, requested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            program,
            amount.0,
            serde_json::to_string(resident_ids).unwrap_or_default(),
            scheduled_at,
            by,
            now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn get(c: &Connection, id: i64) -> rusqlite::Result<Option<GrantRequestRow>> {
    super::one(
        c,
        &format!("SELECT {COLS} FROM grant_requests WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
}

/// The newest first, waiting ones before decided ones.
pub fn recent(c: &Connection, limit: i64) -> rusqlite::Result<Vec<GrantRequestRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {COLS} FROM grant_requests ORDER BY approval != 'pending', id DESC LIMIT ?1"
    ))?;
    st.query_map([limit], from_row)?.collect()
}

/// Records the decision on a waiting request; false when it was decided meanwhile.
pub fn decide(
    c: &Connection,
    id: i64,
    to: Approval,
    by: &str,
    now: i64,
    grant_id: Option<i64>,
) -> rusqlite::Result<bool> {
    Ok(super::exec(
        c,
        "UPDATE grant_requests SET approval = ?2, decided_by = ?3, decided_at = ?4, grant_id = ?5
         WHERE id = ?1 AND approval = 'pending'",
        params![id, to.code(), by, now, grant_id],
    )? == 1)
}
