//! The audit log: one row for every administrative change, written in the same
//! transaction as the change itself so the two cannot disagree.

use rusqlite::{Connection, params};

pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

pub fn record(
    c: &Connection,
    at: i64,
    actor: &str,
    action: &str,
    target: &str,
    detail: &serde_json::Value,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![at, actor, action, target, detail.to_string()],
    )?;
    Ok(())
}

pub fn recent(c: &Connection, limit: i64) -> rusqlite::Result<Vec<AuditRow>> {
    let mut st = c.prepare(
        "SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    st.query_map([limit], |r| {
        Ok(AuditRow {
            id: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            target: r.get(4)?,
            detail: r.get(5)?,
        })
    })?
    .collect()
}
