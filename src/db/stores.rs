//! Stores (加盟店): the profile residents see and the codes that take payments.

use rusqlite::{Connection, OptionalExtension, params};

use super::ledger::code_at;
use crate::domain::{Code, StoreProfile, StoreStatus};

/// A stored store: its profile (without the bank account, which stays sealed for
/// settlement), its payment code and its status. It reads as its profile (`row.name`).
#[derive(Debug, Clone)]
pub struct StoreRow {
    pub id: i64,
    pub profile: StoreProfile,
    pub mpm_code: String,
    /// The short code customers type (upper case; absent only if a migration left none).
    pub short_code: Option<String>,
    pub status: StoreStatus,
    pub created_at: i64,
    /// When the store's photo was last set, if it has one (also its version in URLs).
    pub photo_at: Option<i64>,
}

impl std::ops::Deref for StoreRow {
    type Target = StoreProfile;
    fn deref(&self) -> &StoreProfile {
        &self.profile
    }
}

/// The profile columns, in the order `from_row` and the writes use.
const COLS: &str = "id, name, name_kana, category, address, phone, hours, holidays, pr, url, \
                    keywords, lat, lng, accepts, sells_cards, mpm_code, status, created_at, \
                    (SELECT updated_at FROM store_photos p WHERE p.store_id = stores.id), \
                    short_code";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<StoreRow> {
    let json_list = |i: usize| -> rusqlite::Result<Vec<String>> {
        let s: String = r.get(i)?;
        Ok(serde_json::from_str(&s).unwrap_or_default())
    };
    Ok(StoreRow {
        id: r.get(0)?,
        profile: StoreProfile {
            name: r.get(1)?,
            name_kana: r.get(2)?,
            category: r.get(3)?,
            address: r.get(4)?,
            phone: r.get(5)?,
            hours: r.get(6)?,
            holidays: r.get(7)?,
            pr: r.get(8)?,
            url: r.get(9)?,
            keywords: json_list(10)?,
            lat: r.get(11)?,
            lng: r.get(12)?,
            accepts: json_list(13)?,
            sells_cards: r.get(14)?,
            bank: None,
        },
        mpm_code: r.get(15)?,
        short_code: r.get(19)?,
        status: code_at(r, 16)?,
        created_at: r.get(17)?,
        photo_at: r.get(18)?,
    })
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// Writes a store with a checked, normalised profile (`StoreProfile::normalised`).
pub fn insert(
    c: &Connection,
    s: &StoreProfile,
    codes: (&str, &str),
    search_key: &str,
    created_at: i64,
) -> rusqlite::Result<i64> {
    let (mpm_code, short_code) = codes;
    // The bank account as JSON; settlement reads it.
    let bank = s
        .bank
        .as_ref()
        .map(|b| serde_json::to_value(b).unwrap_or_default().to_string());
    super::exec(c,
        "INSERT INTO stores (name, name_kana, category, address, phone, hours, holidays, pr, url,
                             keywords, lat, lng, accepts, sells_cards, bank, mpm_code, search_key, created_at,
                             short_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                 pii_seal('stores.bank', ?15), ?16, ?17, ?18, ?19)",
        params![
            s.name,
            s.name_kana,
            s.category,
            s.address,
            s.phone,
            s.hours,
            s.holidays,
            s.pr,
            s.url,
            json_list(&s.keywords),
            s.lat,
            s.lng,
            json_list(&s.accepts),
            s.sells_cards,
            bank,
            mpm_code,
            search_key,
            created_at,
            short_code
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn get(c: &Connection, id: i64) -> rusqlite::Result<Option<StoreRow>> {
    super::one(
        c,
        &format!("SELECT {COLS} FROM stores WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()
}

pub fn by_mpm_code(c: &Connection, code: &str) -> rusqlite::Result<Option<StoreRow>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM stores WHERE mpm_code = ?1"))?
        .query_row([code], from_row)
        .optional()
}

/// The store whose short code this is (upper case, as stored).
pub fn by_short_code(c: &Connection, code: &str) -> rusqlite::Result<Option<StoreRow>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM stores WHERE short_code = ?1"))?
        .query_row([code], from_row)
        .optional()
}

pub struct StoreQuery<'a> {
    /// A search key (see `domain::kana::search_key`); matched as a substring.
    pub key: Option<&'a str>,
    pub category: Option<&'a str>,
    /// Only stores with an id greater than this (keyset pagination).
    pub after_id: i64,
    pub limit: i64,
}

/// Active stores matching the query, in id order.
pub fn search(c: &Connection, q: &StoreQuery) -> rusqlite::Result<Vec<StoreRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {COLS} FROM stores
         WHERE status = ?5 AND id > ?1
           AND (?2 IS NULL OR instr(search_key, ?2) > 0)
           AND (?3 IS NULL OR category = ?3)
         ORDER BY id LIMIT ?4"
    ))?;
    let active = StoreStatus::Active.code();
    st.query_map(
        params![q.after_id, q.key, q.category, q.limit, active],
        from_row,
    )?
    .collect()
}

pub fn set_status(
    c: &Connection,
    id: i64,
    status: StoreStatus,
    reason: Option<&str>,
) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE stores SET status = ?2, status_reason = ?3 WHERE id = ?1",
        params![id, status.code(), reason],
    )
}

/// A store as the secretariat's list shows it.
pub struct StoreListing {
    pub id: i64,
    pub name: String,
    pub status: StoreStatus,
    pub reason: Option<String>,
    pub has_photo: bool,
    /// Whether the store has a location, so shows on the map.
    pub located: bool,
}

/// Every store, whatever its status, for the secretariat.
pub fn all_with_status(c: &Connection) -> rusqlite::Result<Vec<StoreListing>> {
    let mut st = c.prepare(
        "SELECT id, name, status, status_reason,
                EXISTS (SELECT 1 FROM store_photos p WHERE p.store_id = stores.id),
                lat IS NOT NULL AND lng IS NOT NULL
         FROM stores ORDER BY id",
    )?;
    st.query_map([], |r| {
        Ok(StoreListing {
            id: r.get(0)?,
            name: r.get(1)?,
            status: code_at(r, 2)?,
            reason: r.get(3)?,
            has_photo: r.get(4)?,
            located: r.get(5)?,
        })
    })?
    .collect()
}

/// Places a store on the map (or takes it off with `None`).
pub fn set_location(c: &Connection, id: i64, at: Option<(f64, f64)>) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE stores SET lat = ?2, lng = ?3 WHERE id = ?1",
        params![id, at.map(|a| a.0), at.map(|a| a.1)],
    )
}

/// Every store with its stored search key, whatever its status.
pub fn with_search_keys(c: &Connection) -> rusqlite::Result<Vec<(StoreRow, String)>> {
    let mut st = c.prepare(&format!(
        "SELECT {COLS}, search_key FROM stores ORDER BY id"
    ))?;
    st.query_map([], |r| Ok((from_row(r)?, r.get(19)?)))?
        .collect()
}

pub fn set_search_key(c: &Connection, id: i64, key: &str) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE stores SET search_key = ?2 WHERE id = ?1",
        params![id, key],
    )
}

/// The categories of active stores, for the directory's filter.
pub fn categories(c: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut st =
        c.prepare("SELECT DISTINCT category FROM stores WHERE status = ?1 ORDER BY category")?;
    st.query_map([StoreStatus::Active.code()], |r| r.get(0))?
        .collect()
}

pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    super::one(c, "SELECT count(*) FROM stores", [], |r| r.get(0))
}

pub fn by_external_key(c: &Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    super::one(
        c,
        "SELECT id FROM stores WHERE external_key = ?1",
        [key],
        |r| r.get(0),
    )
    .optional()
}

pub fn set_external_key(c: &Connection, id: i64, key: &str) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE stores SET external_key = ?2 WHERE id = ?1",
        params![id, key],
    )?;
    Ok(())
}

/// Replaces a store's public profile with a checked, normalised one (not its codes, bank
/// account, media or status).
pub fn update_profile(
    c: &Connection,
    id: i64,
    s: &StoreProfile,
    search_key: &str,
) -> rusqlite::Result<()> {
    super::exec(c,
        "UPDATE stores SET name = ?2, name_kana = ?3, category = ?4, address = ?5, phone = ?6, hours = ?7,
                holidays = ?8, pr = ?9, url = ?10, keywords = ?11, lat = ?12, lng = ?13, search_key = ?14
         WHERE id = ?1",
        params![
            id,
            s.name,
            s.name_kana,
            s.category,
            s.address,
            s.phone,
            s.hours,
            s.holidays,
            s.pr,
            s.url,
            json_list(&s.keywords),
            s.lat,
            s.lng,
            search_key
        ],
    )?;
    Ok(())
}

/// A change a store asked for.
pub struct RequestRow {
    pub id: i64,
    pub store_id: i64,
    pub kind: String,
    pub profile: Option<String>,
    pub note: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub created_at: i64,
}

fn request_from_row(r: &rusqlite::Row) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        id: r.get(0)?,
        store_id: r.get(1)?,
        kind: r.get(2)?,
        profile: r.get(3)?,
        note: r.get(4)?,
        status: r.get(5)?,
        reason: r.get(6)?,
        created_at: r.get(7)?,
    })
}

const REQUEST_COLS: &str = "id, store_id, kind, pii_open('store_requests.profile', profile), note, \
     status, reason, created_at";

pub fn insert_request(
    c: &Connection,
    store_id: i64,
    kind: &str,
    profile: Option<&str>,
    note: Option<&str>,
    by: &str,
    now: i64,
) -> rusqlite::Result<i64> {
    super::exec(
        c,
        "INSERT INTO store_requests (store_id, kind, profile, note, status, created_by, created_at)
         VALUES (?1, ?2, pii_seal('store_requests.profile', ?3), ?4, 'pending', ?5, ?6)",
        params![store_id, kind, profile, note, by, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn request(c: &Connection, id: i64) -> rusqlite::Result<Option<RequestRow>> {
    super::one(
        c,
        &format!("SELECT {REQUEST_COLS} FROM store_requests WHERE id = ?1"),
        [id],
        request_from_row,
    )
    .optional()
}

/// Requests, pending ones first; of one store or of all.
pub fn requests(
    c: &Connection,
    store_id: Option<i64>,
    limit: i64,
) -> rusqlite::Result<Vec<RequestRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {REQUEST_COLS} FROM store_requests WHERE (?1 IS NULL OR store_id = ?1)
         ORDER BY status != 'pending', id DESC LIMIT ?2"
    ))?;
    st.query_map(params![store_id, limit], request_from_row)?
        .collect()
}

pub fn decide_request(
    c: &Connection,
    id: i64,
    status: &str,
    reason: Option<&str>,
    by: &str,
    now: i64,
) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE store_requests SET status = ?2, reason = ?3, decided_by = ?4, decided_at = ?5 WHERE id = ?1 AND status = 'pending'",
        params![id, status, reason, by, now],
    )
}

/// Sets (or replaces) a store's photo.
pub fn set_photo(
    c: &Connection,
    store_id: i64,
    content_type: &str,
    bytes: &[u8],
    now: i64,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO store_photos (store_id, content_type, bytes, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (store_id) DO UPDATE SET content_type = excluded.content_type,
             bytes = excluded.bytes, updated_at = excluded.updated_at",
        params![store_id, content_type, bytes, now],
    )?;
    Ok(())
}

/// A store's photo: (content type, bytes).
pub fn photo(c: &Connection, store_id: i64) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    super::one(
        c,
        "SELECT content_type, bytes FROM store_photos WHERE store_id = ?1",
        [store_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

pub fn delete_photo(c: &Connection, store_id: i64) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "DELETE FROM store_photos WHERE store_id = ?1",
        [store_id],
    )
}
