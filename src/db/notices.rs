//! Notices (お知らせ) as stored.

use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, Clone)]
pub struct NoticeRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub status: String,
    pub publish_at: Option<i64>,
    pub created_by: String,
    pub approved_by: Option<String>,
    pub created_at: i64,
}

const COLS: &str = "id, title, body, status, publish_at, created_by, approved_by, created_at";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<NoticeRow> {
    Ok(NoticeRow {
        id: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        status: r.get(3)?,
        publish_at: r.get(4)?,
        created_by: r.get(5)?,
        approved_by: r.get(6)?,
        created_at: r.get(7)?,
    })
}

pub fn insert(
    c: &Connection,
    title: &str,
    body: &str,
    publish_at: Option<i64>,
    by: &str,
    now: i64,
) -> rusqlite::Result<i64> {
    super::exec(
        c,
        "INSERT INTO notices (title, body, status, publish_at, created_by, created_at, updated_at)
         VALUES (?1, ?2, 'draft', ?3, ?4, ?5, ?5)",
        params![title, body, publish_at, by, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn get(c: &Connection, id: i64) -> rusqlite::Result<Option<NoticeRow>> {
    super::one(
        c,
        &format!("SELECT {COLS} FROM notices WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
}

pub fn set_status(
    c: &Connection,
    id: i64,
    status: &str,
    approved_by: Option<&str>,
    now: i64,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE notices SET status = ?2, approved_by = coalesce(?3, approved_by), updated_at = ?4 WHERE id = ?1",
        params![id, status, approved_by, now],
    )?;
    Ok(())
}

/// Notices residents can read at `now`, newest first.
pub fn published(c: &Connection, now: i64, limit: i64) -> rusqlite::Result<Vec<NoticeRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLS} FROM notices WHERE status = 'approved' AND coalesce(publish_at, 0) <= ?1
         ORDER BY coalesce(publish_at, created_at) DESC, id DESC LIMIT ?2"
    ))?;
    st.query_map(params![now, limit], from_row)?.collect()
}

/// Every notice, newest first, for the secretariat.
pub fn all(c: &Connection, limit: i64) -> rusqlite::Result<Vec<NoticeRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {COLS} FROM notices ORDER BY id DESC LIMIT ?1"
    ))?;
    st.query_map([limit], from_row)?.collect()
}
