//! Key-value settings of the deployment (branding, registration rules, the server secret).

use rusqlite::{Connection, OptionalExtension, params};

pub fn get(c: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    super::one(c, "SELECT value FROM settings WHERE key = ?1", [key], |r| {
        r.get(0)
    })
    .optional()
}

pub fn set(c: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub fn delete(c: &Connection, key: &str) -> rusqlite::Result<()> {
    super::exec(c, "DELETE FROM settings WHERE key = ?1", [key])?;
    Ok(())
}
