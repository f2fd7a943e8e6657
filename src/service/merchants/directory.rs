//! Reads that pages show as they are: the store directory's categories, the store behind
//! a QR code (only an active one can be paid), the office's first figures and the
//! admin's audit log. Pages reach the database only through use cases like these.

use crate::db;
use crate::domain::{Role, StoreStatus};
use crate::i18n::Msg;
use crate::service::{App, Principal, Result, not_found, require};

pub use crate::db::audit::AuditRow;

/// The categories stores are listed under.
pub fn categories(app: &App) -> Result<Vec<String>> {
    Ok(db::stores::categories(&*app.conn()?)?)
}

/// The active store whose MPM code this is; a store that is suspended or gone is not
/// found, so nobody is led to pay it.
/// The code is the long one of the printed QR codes (exactly), or the short one customers
/// type, in any case and width.
pub fn payable_store(app: &App, code: &str) -> Result<db::stores::StoreRow> {
    let c = app.conn()?;
    let found = match db::stores::by_mpm_code(&c, code)? {
        Some(s) => Some(s),
        None => match crate::domain::store::short_code_of(code) {
            Some(short) => db::stores::by_short_code(&c, &short)?,
            None => None,
        },
    };
    found
        .filter(|s| s.status == StoreStatus::Active)
        .ok_or_else(|| not_found(Msg::NoStoreHasThisQr))
}

/// How many residents and stores the scheme has (the office's home page).
pub fn counts(app: &App) -> Result<(i64, i64)> {
    let c = app.conn()?;
    Ok((db::residents::count(&c)?, db::stores::count(&c)?))
}

/// The latest administrative changes, newest first.
pub fn audit_log(app: &App, who: &Principal, limit: i64) -> Result<Vec<AuditRow>> {
    require(who, &[Role::Admin])?;
    Ok(db::audit::recent(&*app.conn()?, limit)?)
}

/// Where a map to place a store starts: the middle of the stores already on the map
/// (zoom 14), or all of Japan (zoom 5) while none is.
pub fn map_centre(app: &App) -> Result<(f64, f64, u8)> {
    let placed: Vec<(f64, f64)> = db::stores::search(
        &*app.conn()?,
        &db::stores::StoreQuery {
            key: None,
            category: None,
            after_id: 0,
            limit: 2000,
        },
    )?
    .iter()
    .filter_map(|s| Some((s.lat?, s.lng?)))
    .collect();
    if placed.is_empty() {
        return Ok((36.2, 138.25, 5));
    }
    let n = placed.len() as f64;
    let (lat, lng) = placed
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    Ok((lat, lng, 14))
}
