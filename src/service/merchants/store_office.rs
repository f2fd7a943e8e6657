//! The secretariat's store pages: the searchable, paged list of every store and one
//! store's detail (contact, bank, sales, status).

use crate::db::{self, stores as rows};
use crate::domain::kana::search_key;
use crate::domain::store::BankAccount;
use crate::domain::{StoreStatus, Yen};
use crate::service::{App, Principal, Result, STAFF, require};

pub use crate::db::store_office::OfficeStoreLine;

/// Stores on one page of the list.
pub const PAGE: i64 = 50;

pub struct StoreList {
    pub lines: Vec<OfficeStoreLine>,
    pub total: i64,
    /// From 1.
    pub page: i64,
    pub pages: i64,
}

pub fn list(
    app: &App,
    who: &Principal,
    q: Option<&str>,
    status: Option<StoreStatus>,
    page: i64,
) -> Result<StoreList> {
    require(who, STAFF)?;
    let key = q.map(search_key).filter(|k| !k.is_empty());
    let page = page.clamp(1, 100_000);
    let (lines, total) = db::store_office::page(
        &*app.conn()?,
        key.as_deref(),
        status,
        (page - 1) * PAGE,
        PAGE,
    )?;
    Ok(StoreList {
        lines,
        total,
        page,
        pages: ((total + PAGE - 1) / PAGE).max(1),
    })
}

pub struct StoreDetail {
    pub store: rows::StoreRow,
    pub reason: Option<String>,
    pub bank: Option<BankAccount>,
    /// Payments taken, their total, and what was refunded of it.
    pub payments: i64,
    pub gross: Yen,
    pub refunded: Yen,
}

pub fn detail(app: &App, who: &Principal, id: i64) -> Result<StoreDetail> {
    require(who, STAFF)?;
    let store = super::stores::get(app, id)?;
    let conn = app.conn()?;
    let reason = db::store_office::status_reason(&conn, id)?;
    let (payments, gross, refunded) = db::store_office::sales(&conn, id)?;
    Ok(StoreDetail {
        store,
        reason,
        bank: db::store_office::bank(&conn, id)?,
        payments,
        gross,
        refunded,
    })
}
