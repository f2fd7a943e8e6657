//! Resident profiles (the personal data beside a resident's user row).

use rusqlite::{Connection, OptionalExtension, params};

pub struct ResidentRow {
    pub user_id: i64,
    pub phone: Option<String>,
    pub attributes: serde_json::Value,
}

pub fn insert(
    c: &Connection,
    user_id: i64,
    phone: Option<&str>,
    attributes: &serde_json::Value,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO residents (user_id, phone, attributes) VALUES (?1, ?2, ?3)",
        params![user_id, phone, attributes.to_string()],
    )?;
    Ok(())
}

pub fn get(c: &Connection, user_id: i64) -> rusqlite::Result<Option<ResidentRow>> {
    c.query_row(
        "SELECT user_id, phone, attributes FROM residents WHERE user_id = ?1",
        [user_id],
        |r| {
            let attrs: String = r.get(2)?;
            Ok(ResidentRow {
                user_id: r.get(0)?,
                phone: r.get(1)?,
                attributes: serde_json::from_str(&attrs).unwrap_or_default(),
            })
        },
    )
    .optional()
}

pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.query_row("SELECT count(*) FROM residents", [], |r| r.get(0))
}
