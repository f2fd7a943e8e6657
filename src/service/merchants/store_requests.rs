//! A store's requests to the secretariat: a new profile (shown once approved) and removal
//! from the scheme. Only the store's owner may file them; the secretariat decides.

use crate::db::{self, audit, stores as rows};
use crate::domain::{Role, StoreProfile, StoreStatus};
use crate::i18n::Msg;
use crate::service::merchants::stores::{no_store, owned_store, update_profile_in, validate};
use crate::service::{App, Principal, Result, STAFF, ServiceError, invalid, require};

/// The owner asks for a new profile; the secretariat approves it before it shows.
pub fn request_update(app: &App, who: &Principal, profile: StoreProfile) -> Result<i64> {
    let store = owned_store(app, who)?;
    validate(&profile)?;
    let json =
        serde_json::to_string(&profile).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<i64> {
        let now = app.now();
        Ok(rows::insert_request(
            tx,
            store,
            "update",
            Some(&json),
            None,
            &who.actor,
            now,
        )?)
    })
}

/// The owner asks for the store to leave the scheme.
pub fn request_removal(app: &App, who: &Principal, note: &str) -> Result<i64> {
    let store = owned_store(app, who)?;
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(invalid(Msg::SayWhyInAtMost));
    }
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<i64> {
        let now = app.now();
        Ok(rows::insert_request(
            tx,
            store,
            "removal",
            None,
            Some(note),
            &who.actor,
            now,
        )?)
    })
}

/// The secretariat approves (the new profile shows, or the store is removed) or rejects
/// with a reason.
pub fn decide_request(
    app: &App,
    who: &Principal,
    id: i64,
    approve: bool,
    reason: &str,
) -> Result<()> {
    require(who, STAFF)?;
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Err(invalid(Msg::GiveTheReason));
    }
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        let r =
            rows::request(tx, id)?.ok_or_else(|| crate::service::not_found(Msg::NoSuchRequest))?;
        let status = if approve { "approved" } else { "rejected" };
        if rows::decide_request(
            tx,
            id,
            status,
            (!reason.is_empty()).then_some(reason),
            &who.actor,
            now,
        )? == 0
        {
            return Err(ServiceError::Conflict(crate::domain::Text::new(
                Msg::AlreadyDecided,
            )));
        }
        if approve {
            match r.kind.as_str() {
                "update" => {
                    let p: StoreProfile = serde_json::from_str(r.profile.as_deref().unwrap_or(""))
                        .map_err(|e| ServiceError::Internal(e.to_string()))?;
                    update_profile_in(tx, r.store_id, &p)?;
                }
                _ => {
                    rows::set_status(tx, r.store_id, StoreStatus::Removed, r.note.as_deref())?;
                }
            }
        }
        audit::record(
            tx,
            now,
            &who.actor,
            &format!("store.request.{status}"),
            &format!("store:{}", r.store_id),
            &serde_json::json!({ "request": id, "kind": r.kind, "reason": reason }),
        )?;
        Ok(())
    })
}

/// Requests of the merchant's own store, or all for the secretariat.
pub fn requests(app: &App, who: &Principal) -> Result<Vec<rows::RequestRow>> {
    let store = if who.role.is_staff() {
        None
    } else {
        Some(who.store_id.ok_or_else(|| no_store(0))?)
    };
    require(who, &[Role::Admin, Role::Operator, Role::Merchant])?;
    Ok(rows::requests(&*app.conn()?, store, 200)?)
}
