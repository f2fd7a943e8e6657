//! The secretariat's view of stores: a searchable, paged list over every status, and a
//! store's bank account and sales for its detail page.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::store::BankAccount;
use crate::domain::{Code, StoreStatus, Yen};

pub struct OfficeStoreLine {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub status: StoreStatus,
    pub reason: Option<String>,
    /// Whether it has a place on the map.
    pub located: bool,
}

/// A page of stores matching the search key (see `domain::kana::search_key`) and status,
/// by id; and how many match in all.
pub fn page(
    c: &Connection,
    key: Option<&str>,
    status: Option<StoreStatus>,
    offset: i64,
    limit: i64,
) -> rusqlite::Result<(Vec<OfficeStoreLine>, i64)> {
    let filter = "(?1 IS NULL OR instr(search_key, ?1) > 0) AND (?2 IS NULL OR status = ?2)";
    let status = status.map(|s| s.code());
    let total = super::one(
        c,
        &format!("SELECT count(*) FROM stores WHERE {filter}"),
        params![key, status],
        |r| r.get(0),
    )?;
    let mut st = c.prepare(&format!(
        "SELECT id, name, category, status, status_reason, lat IS NOT NULL FROM stores WHERE {filter}
         ORDER BY id LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = st
        .query_map(params![key, status, limit, offset], |r| {
            let s: String = r.get(3)?;
            Ok(OfficeStoreLine {
                id: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                status: StoreStatus::parse(&s).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        format!("unknown store status {s:?}").into(),
                    )
                })?,
                reason: r.get(4)?,
                located: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((rows, total))
}

/// The store's bank account, opened from its sealed column.
pub fn bank(c: &Connection, id: i64) -> rusqlite::Result<Option<BankAccount>> {
    let json: Option<String> = super::one(
        c,
        "SELECT pii_open('stores.bank', bank) FROM stores WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .flatten();
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

/// Payments taken by the store: how many, their total and what was refunded of them.
pub fn sales(c: &Connection, id: i64) -> rusqlite::Result<(i64, Yen, Yen)> {
    super::one(
        c,
        "SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(refunded), 0)
         FROM payments WHERE store_id = ?1",
        [id],
        |r| Ok((r.get(0)?, Yen(r.get(1)?), Yen(r.get(2)?))),
    )
}

/// Why the store was suspended or removed, when it was.
pub fn status_reason(c: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    Ok(super::one(
        c,
        "SELECT status_reason FROM stores WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .flatten())
}
