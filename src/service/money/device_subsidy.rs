//! Device purchase subsidy (端末購入補助, ANN-7): a store applies once, for at most
//! 20,000 yen, and only the first 100 applications are taken, in order of arrival; the
//! secretariat approves; the store uploads its receipt; the city gets the approved list.

use crate::db::{self, audit, device_subsidies as rows};
use crate::domain::{Role, Text, Yen};
use crate::i18n::Msg;
use crate::service::{App, Principal, Result, STAFF, ServiceError, invalid, not_found, require};

pub const MAX_AMOUNT: Yen = Yen(20_000);
pub const MAX_APPLICATIONS: i64 = 100;
/// Receipts are photos or PDFs of at most this size.
pub const MAX_RECEIPT_BYTES: usize = 800 * 1024;

pub use crate::db::device_subsidies::SubsidyRow as Subsidy;

fn own_store(who: &Principal) -> Result<i64> {
    require(who, &[Role::Merchant])?;
    who.store_id.ok_or_else(|| not_found(Msg::NoStore))
}

pub fn apply(app: &App, who: &Principal, item: &str, amount: Yen) -> Result<i64> {
    let store = own_store(who)?;
    let item = item.trim();
    if item.is_empty() || item.chars().count() > 100 {
        return Err(invalid(Msg::DescribeTheDeviceIn1));
    }
    if amount > MAX_AMOUNT {
        return Err(ServiceError::LimitExceeded(Text::new(
            Msg::TheSubsidyIsAtMost,
        )));
    }
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<i64> {
        if rows::of_store(tx, store)?.is_some() {
            return Err(ServiceError::Conflict(Text::new(
                Msg::ThisStoreHasAppliedAlready,
            )));
        }
        if rows::places_taken(tx)? >= MAX_APPLICATIONS {
            return Err(ServiceError::BudgetExhausted(Text::new(
                Msg::TheFirst100ApplicationsHave,
            )));
        }
        let id = rows::insert(tx, store, item, amount.0, now).map_err(|e| {
            if db::is_unique_violation(&e) {
                ServiceError::Conflict(Text::new(Msg::ThisStoreHasAppliedAlready))
            } else {
                e.into()
            }
        })?;
        audit::record(
            tx,
            now,
            &who.actor,
            "device.apply",
            &format!("device:{id}"),
            &serde_json::json!({ "amount": amount.0 }),
        )?;
        Ok(id)
    })
}

pub fn of_store(app: &App, who: &Principal) -> Result<Option<Subsidy>> {
    let store = own_store(who)?;
    Ok(rows::of_store(&*app.conn()?, store)?)
}

pub fn decide(app: &App, who: &Principal, id: i64, approve: bool, reason: &str) -> Result<()> {
    require(who, STAFF)?;
    if !approve && reason.trim().is_empty() {
        return Err(invalid(Msg::GiveTheReason));
    }
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        let status = if approve { "approved" } else { "rejected" };
        let reason_given = (!reason.trim().is_empty()).then(|| reason.trim());
        let n = rows::decide(tx, id, status, reason_given, now)?;
        if n == 0 {
            return Err(ServiceError::Conflict(Text::new(
                Msg::NotWaitingForADecision,
            )));
        }
        audit::record(
            tx,
            now,
            &who.actor,
            &format!("device.{status}"),
            &format!("device:{id}"),
            &serde_json::json!({ "reason": reason }),
        )?;
        Ok(())
    })
}

/// The store uploads the receipt of an approved subsidy (PNG, JPEG or PDF).
pub fn upload_receipt(app: &App, who: &Principal, bytes: &[u8]) -> Result<()> {
    let store = own_store(who)?;
    let kind = crate::domain::image::document_type(bytes)
        .ok_or_else(|| invalid(Msg::TheReceiptMustBeA))?;
    if bytes.len() > MAX_RECEIPT_BYTES {
        return Err(invalid(Msg::TheReceiptMustBeAt));
    }
    let n = db::write(&mut *app.conn()?, |tx| {
        rows::attach_receipt(tx, store, bytes, kind)
    })?;
    if n == 0 {
        return Err(ServiceError::Conflict(Text::new(
            Msg::NoApprovedSubsidyToAttach,
        )));
    }
    Ok(())
}

pub fn list(app: &App, who: &Principal) -> Result<Vec<Subsidy>> {
    require(who, STAFF)?;
    Ok(rows::all(&*app.conn()?)?)
}

/// A receipt's bytes and media type, for the secretariat.
pub fn receipt(app: &App, who: &Principal, id: i64) -> Result<(Vec<u8>, String)> {
    require(who, STAFF)?;
    rows::receipt(&*app.conn()?, id)?.ok_or_else(|| not_found(Msg::NoReceipt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::testkit;

    #[test]
    fn only_the_first_hundred_stores_are_taken_and_rejections_free_a_place() {
        let path = std::env::temp_dir().join(format!("meguri-device-{}.db", std::process::id()));
        let app = testkit::fresh_app(&path);
        let shops: Vec<Principal> = (0..101)
            .map(|i| testkit::store(&app, &format!("店{i}"), "その他").2)
            .collect();
        for shop in &shops[..100] {
            apply(&app, shop, "タブレット", Yen(20_000)).unwrap();
        }
        assert!(matches!(
            apply(&app, &shops[100], "タブレット", Yen(1)),
            Err(ServiceError::BudgetExhausted(_))
        ));
        // A rejection gives its place to the next store.
        let first = of_store(&app, &shops[0]).unwrap().unwrap();
        decide(
            &app,
            &Principal::cli(),
            first.id,
            false,
            "対象外の端末のため",
        )
        .unwrap();
        apply(&app, &shops[100], "タブレット", Yen(1)).unwrap();
        assert!(
            matches!(
                apply(&app, &shops[0], "スマホ", Yen(1)),
                Err(ServiceError::Conflict(_))
            ),
            "one per store"
        );
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
    }
}
