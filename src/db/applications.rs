//! Merchant applications, as stored.

use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, Clone)]
pub struct ApplicationRow {
    pub id: i64,
    pub status: String,
    pub source: String,
    /// The store profile as JSON (`service::merchants::stores::NewStore`).
    pub profile: String,
    pub applicant_name: String,
    pub email: String,
    pub reason: Option<String>,
    pub store_id: Option<i64>,
    pub created_at: i64,
    /// The language code the applicant used (`crate::i18n::Lang::code`).
    pub lang: String,
}

const COLS: &str = "id, status, source, pii_open('store_applications.profile', profile),
     pii_open('store_applications.applicant_name', applicant_name),
     pii_open('store_applications.email', email), reason, store_id, created_at, lang";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<ApplicationRow> {
    Ok(ApplicationRow {
        id: r.get(0)?,
        status: r.get(1)?,
        source: r.get(2)?,
        profile: r.get(3)?,
        applicant_name: r.get(4)?,
        email: r.get(5)?,
        reason: r.get(6)?,
        store_id: r.get(7)?,
        created_at: r.get(8)?,
        lang: r.get(9)?,
    })
}

pub struct NewApplication<'a> {
    pub source: &'a str,
    pub profile: &'a str,
    pub applicant_name: &'a str,
    pub email: &'a str,
    pub status_token: &'a [u8],
    /// The SHA-256 of the short number (`domain::application_number`).
    pub status_number: &'a [u8],
    pub now: i64,
    pub lang: &'a str,
}

pub fn insert(c: &Connection, a: &NewApplication) -> rusqlite::Result<i64> {
    super::exec(c,
        "INSERT INTO store_applications (status, source, profile, applicant_name, email, email_index,
                                         status_token, created_at, lang, status_number)
         VALUES ('submitted', ?1, pii_seal('store_applications.profile', ?2),
                 pii_seal('store_applications.applicant_name', ?3),
                 pii_seal('store_applications.email', ?4), pii_index(?4), ?5, ?6, ?7, ?8)",
        params![a.source, a.profile, a.applicant_name, a.email, a.status_token, a.now, a.lang, a.status_number],
    )?;
    Ok(c.last_insert_rowid())
}

/// Whether an application from this address is waiting for review.
pub fn pending_for(c: &Connection, email: &str) -> rusqlite::Result<bool> {
    super::one(
        c,
        "SELECT count(*) > 0 FROM store_applications
         WHERE email_index = pii_index(?1) AND status = 'submitted'",
        [email],
        |r| r.get(0),
    )
}

pub fn get(c: &Connection, id: i64) -> rusqlite::Result<Option<ApplicationRow>> {
    super::one(
        c,
        &format!("SELECT {COLS} FROM store_applications WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
}

pub fn by_token(c: &Connection, token_hash: &[u8]) -> rusqlite::Result<Option<ApplicationRow>> {
    super::one(
        c,
        &format!("SELECT {COLS} FROM store_applications WHERE status_token = ?1"),
        [token_hash],
        from_row,
    )
    .optional()
}

pub fn by_number(c: &Connection, number_hash: &[u8]) -> rusqlite::Result<Option<ApplicationRow>> {
    super::one(
        c,
        &format!("SELECT {COLS} FROM store_applications WHERE status_number = ?1"),
        [number_hash],
        from_row,
    )
    .optional()
}

/// Applications, those waiting first, then the newest.
pub fn list(c: &Connection, limit: i64) -> rusqlite::Result<Vec<ApplicationRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {COLS} FROM store_applications ORDER BY status != 'submitted', id DESC LIMIT ?1"
    ))?;
    st.query_map([limit], from_row)?.collect()
}

pub fn decide(
    c: &Connection,
    id: i64,
    status: &str,
    reason: Option<&str>,
    store_id: Option<i64>,
    by: &str,
    now: i64,
) -> rusqlite::Result<usize> {
    super::exec(c,
        "UPDATE store_applications SET status = ?2, reason = ?3, store_id = ?4, decided_by = ?5, decided_at = ?6
         WHERE id = ?1 AND status = 'submitted'",
        params![id, status, reason, store_id, by, now],
    )
}
