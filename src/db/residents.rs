//! Resident profiles (the personal data beside a resident's user row), sealed at rest
//! (`db::personal`); the phone number is found through its keyed hash.

use rusqlite::{Connection, OptionalExtension, params};

pub struct ResidentRow {
    pub user_id: i64,
    pub phone: Option<String>,
    pub attributes: serde_json::Value,
}

/// A resident as the secretariat finds them: the profile with the login beside it.
pub struct FoundResident {
    pub profile: ResidentRow,
    pub login: String,
    pub display_name: String,
    pub disabled: bool,
    pub created_at: i64,
}

pub fn insert(
    c: &Connection,
    user_id: i64,
    phone: Option<&str>,
    attributes: &serde_json::Value,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO residents (user_id, phone, phone_index, attributes)
         VALUES (?1, pii_seal('residents.phone', ?2), pii_index(?2),
                 pii_seal('residents.attributes', ?3))",
        params![user_id, phone, attributes.to_string()],
    )?;
    Ok(())
}

const PROFILE_COLS: &str = "r.user_id, pii_open('residents.phone', r.phone), \
     pii_open('residents.attributes', r.attributes)";

fn profile_from_row(r: &rusqlite::Row) -> rusqlite::Result<ResidentRow> {
    let attrs: String = r.get(2)?;
    Ok(ResidentRow {
        user_id: r.get(0)?,
        phone: r.get(1)?,
        attributes: serde_json::from_str(&attrs).unwrap_or_default(),
    })
}

pub fn get(c: &Connection, user_id: i64) -> rusqlite::Result<Option<ResidentRow>> {
    super::one(
        c,
        &format!("SELECT {PROFILE_COLS} FROM residents r WHERE r.user_id = ?1"),
        [user_id],
        profile_from_row,
    )
    .optional()
}

/// Residents registered with this phone number (normalised digits), oldest first.
pub fn find_by_phone(c: &Connection, phone: &str) -> rusqlite::Result<Vec<FoundResident>> {
    let mut st = c.prepare(&format!(
        "SELECT {PROFILE_COLS}, u.login, pii_open('users.display_name', u.display_name),
                u.disabled, u.created_at
         FROM residents r JOIN users u ON u.id = r.user_id
         WHERE r.phone_index = pii_index(?1) ORDER BY r.user_id LIMIT 50"
    ))?;
    st.query_map([phone], |r| {
        Ok(FoundResident {
            profile: profile_from_row(r)?,
            login: r.get(3)?,
            display_name: r.get(4)?,
            disabled: r.get(5)?,
            created_at: r.get(6)?,
        })
    })?
    .collect()
}

pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    super::one(c, "SELECT count(*) FROM residents", [], |r| r.get(0))
}
