//! Stores (加盟店): creating them, binding staff logins, suspension, the owner's photo and
//! staff, the public directory search. Profile-change and removal requests are in
//! `store_requests`.

use crate::i18n::{Msg, Text};
use rusqlite::Transaction;

/// A store as the use cases give it out (pages and the API render it).
pub use crate::db::stores::{StoreListing, StoreRow};

use crate::db::{self, accounts as users, audit, stores as rows};
use crate::domain::image::picture_type;
use crate::domain::kana::search_key;
use crate::domain::{Login, Password, Role, StoreProfile, StoreStatus};
use crate::service::{
    App, Principal, Result, STAFF, ServiceError, crypto, identity::accounts::duplicate_login,
    invalid, not_found, require,
};

pub struct CreatedStore {
    pub id: i64,
    pub mpm_code: String,
}

/// Checks a store profile as a person entered it (`StoreProfile::validate`).
pub fn validate(s: &StoreProfile) -> Result<()> {
    s.validate().map_err(ServiceError::Invalid)
}

pub fn create(app: &App, who: &Principal, s: StoreProfile) -> Result<CreatedStore> {
    require(who, STAFF)?;
    validate(&s)?;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| insert_store(tx, &who.actor, &s, app.now()))
}

/// Writes a checked store profile inside the caller's transaction, with a fresh MPM code.
pub fn insert_store(
    tx: &Transaction,
    actor: &str,
    s: &StoreProfile,
    now: i64,
) -> Result<CreatedStore> {
    let stored = s.normalised().map_err(ServiceError::Invalid)?;
    let mpm_code = crypto::random_code(16);
    let short_code = fresh_short_code(tx)?;
    let id = rows::insert(tx, &stored, (&mpm_code, &short_code), &s.search_key(), now)?;
    audit::record(
        tx,
        now,
        actor,
        "store.create",
        &format!("store:{id}"),
        &serde_json::json!({ "name": s.name }),
    )?;
    Ok(CreatedStore { id, mpm_code })
}

/// A short code no store has yet (drawn again on the rare collision; inside the write
/// transaction, so no other writer can take it meanwhile).
fn fresh_short_code(tx: &Transaction) -> Result<String> {
    use crate::domain::store::{SHORT_CODE_ALPHABET, SHORT_CODE_LEN};
    for _ in 0..20 {
        let code = crypto::random_from(SHORT_CODE_ALPHABET, SHORT_CODE_LEN);
        if rows::by_short_code(tx, &code)?.is_none() {
            return Ok(code);
        }
    }
    Err(ServiceError::Internal("no free short store code".into()))
}

/// Replaces a store's public profile inside the caller's transaction (its codes, bank
/// account, media and status stay).
pub fn update_profile_in(tx: &Transaction, id: i64, s: &StoreProfile) -> Result<()> {
    let stored = s.normalised().map_err(ServiceError::Invalid)?;
    rows::update_profile(tx, id, &stored, &s.search_key())?;
    Ok(())
}

/// Binds a new merchant login to a store. A one-time password (`must_change`) is replaced
/// at the first login.
pub fn add_staff(
    app: &App,
    who: &Principal,
    store_id: i64,
    login: &str,
    password: &str,
    must_change: bool,
) -> Result<i64> {
    require(who, STAFF)?;
    let login = Login::parse(login).map_err(ServiceError::Invalid)?;
    let password = Password::parse(password).map_err(ServiceError::Invalid)?;
    let hash = crypto::hash_password(password.expose())?;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        let id = insert_staff(
            tx,
            &who.actor,
            store_id,
            &login,
            &hash,
            must_change,
            app.now(),
        )?;
        // Logins the secretariat makes own the store: they manage its other staff.
        users::set_store_owner(tx, id, true)?;
        Ok(id)
    })
}

/// Writes a merchant login inside the caller's transaction.
pub fn insert_staff(
    tx: &Transaction,
    actor: &str,
    store_id: i64,
    login: &Login,
    password_hash: &str,
    must_change: bool,
    now: i64,
) -> Result<i64> {
    let store = rows::get(tx, store_id)?.ok_or_else(|| no_store(store_id))?;
    let id = users::insert_user(
        tx,
        &users::NewUser {
            login: login.as_str(),
            password_hash,
            role: Role::Merchant,
            display_name: &store.name,
            store_id: Some(store.id),
            must_change_password: must_change,
            created_at: now,
        },
    )
    .map_err(|e| duplicate_login(e, login.as_str()))?;
    audit::record(
        tx,
        now,
        actor,
        "store.staff.create",
        &format!("user:{id}"),
        &serde_json::json!({ "store_id": store.id, "login": login.as_str() }),
    )?;
    Ok(id)
}

/// Suspends a store for a violation (it can take no payments and leaves the directory),
/// removes it, or reinstates it. Suspension and removal need a reason.
pub fn set_status(
    app: &App,
    who: &Principal,
    store_id: i64,
    status: StoreStatus,
    reason: &str,
) -> Result<()> {
    require(who, STAFF)?;
    let reason = reason.trim();
    if status != StoreStatus::Active && reason.is_empty() {
        return Err(invalid(Msg::GiveTheReason));
    }
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        let reason = (!reason.is_empty()).then_some(reason);
        if rows::set_status(tx, store_id, status, reason)? == 0 {
            return Err(no_store(store_id));
        }
        audit::record(
            tx,
            app.now(),
            &who.actor,
            &format!("store.{status}"),
            &format!("store:{store_id}"),
            &serde_json::json!({ "reason": reason }),
        )?;
        Ok(())
    })
}

/// The office places a store on the map (latitude, longitude), or takes it off. Audited.
pub fn set_location(
    app: &App,
    who: &Principal,
    store_id: i64,
    at: Option<(f64, f64)>,
) -> Result<()> {
    require(who, STAFF)?;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        let mut store = rows::get(tx, store_id)?.ok_or_else(|| no_store(store_id))?;
        (store.profile.lat, store.profile.lng) = (at.map(|a| a.0), at.map(|a| a.1));
        validate(&store.profile)?;
        rows::set_location(tx, store_id, at)?;
        audit::record(
            tx,
            app.now(),
            &who.actor,
            "store.location",
            &format!("store:{store_id}"),
            &serde_json::json!({ "lat": store.lat, "lng": store.lng }),
        )?;
        Ok(())
    })
}

/// Brings every store's search key up to what `StoreProfile::search_key` makes now (run at
/// start, so stores stored before the search learnt a field are found by it too).
/// Returns how many keys changed.
pub fn refresh_search_keys(app: &App) -> Result<usize> {
    let mut conn = app.conn()?;
    let stale: Vec<(i64, String)> = rows::with_search_keys(&conn)?
        .into_iter()
        .map(|(s, key)| (s.id, s.profile.search_key(), key))
        .filter(|(_, new, old)| new != old)
        .map(|(id, new, _)| (id, new))
        .collect();
    if stale.is_empty() {
        return Ok(0);
    }
    db::write(&mut conn, |tx| -> Result<usize> {
        for (id, key) in &stale {
            rows::set_search_key(tx, *id, key)?;
        }
        Ok(stale.len())
    })
}

pub fn all_with_status(app: &App, who: &Principal) -> Result<Vec<rows::StoreListing>> {
    require(who, STAFF)?;
    Ok(rows::all_with_status(&*app.conn()?)?)
}

/// The store an owner manages, or a refusal.
pub(super) fn owned_store(app: &App, who: &Principal) -> Result<i64> {
    require(who, &[Role::Merchant])?;
    let (Some(uid), Some(store)) = (who.user_id, who.store_id) else {
        return Err(no_store(0));
    };
    if !users::is_store_owner(&*app.conn()?, uid)? {
        return Err(ServiceError::Forbidden(crate::domain::Text::new(
            Msg::OnlyTheStoresOwnerMay,
        )));
    }
    Ok(store)
}

/// Whether `who` is the owner of their store (pages offer the owner's forms only to them).
pub fn is_owner(app: &App, who: &Principal) -> Result<bool> {
    match (who.role, who.user_id, who.store_id) {
        (Role::Merchant, Some(uid), Some(_)) => Ok(users::is_store_owner(&*app.conn()?, uid)?),
        _ => Ok(false),
    }
}

/// The largest store photo accepted.
pub const MAX_PHOTO_BYTES: usize = 800 * 1024;

/// The owner sets the store's photo for the directory (PNG or JPEG, judged by content).
/// It shows at once; the secretariat can take it down (`remove_photo`). Audited.
pub fn set_photo(app: &App, who: &Principal, bytes: &[u8]) -> Result<()> {
    let store = owned_store(app, who)?;
    let kind = picture_type(bytes).ok_or_else(|| invalid(Msg::ThePhotoMustBeA))?;
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(invalid(Msg::ThePhotoMustBeAt));
    }
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        rows::set_photo(tx, store, kind, bytes, now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            "store.photo",
            &format!("store:{store}"),
            &serde_json::json!({ "type": kind, "bytes": bytes.len() }),
        )?;
        Ok(())
    })
}

/// The secretariat takes a store's photo down (say, one that is not of the store).
pub fn remove_photo(app: &App, who: &Principal, store_id: i64) -> Result<()> {
    require(who, STAFF)?;
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        if rows::delete_photo(tx, store_id)? == 0 {
            return Err(not_found(Msg::ThisStoreHasNoPhoto));
        }
        audit::record(
            tx,
            now,
            &who.actor,
            "store.photo.remove",
            &format!("store:{store_id}"),
            &serde_json::json!({}),
        )?;
        Ok(())
    })
}

/// An active store's photo for the directory: (content type, bytes).
pub fn photo(app: &App, store_id: i64) -> Result<(String, Vec<u8>)> {
    let conn = app.conn()?;
    let active = rows::get(&conn, store_id)?.is_some_and(|s| s.status == StoreStatus::Active);
    match rows::photo(&conn, store_id)? {
        Some(p) if active => Ok(p),
        _ => Err(not_found(Msg::NoSuchPhoto)),
    }
}

/// The owner adds a staff login; it gets a one-time password shown once.
pub fn owner_adds_staff(app: &App, who: &Principal, login: &str) -> Result<(String, String)> {
    let store = owned_store(app, who)?;
    let login = Login::parse(login).map_err(ServiceError::Invalid)?;
    let otp = crypto::random_code(12);
    let hash = crypto::hash_password(&otp)?;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| {
        insert_staff(tx, &who.actor, store, &login, &hash, true, app.now())
    })?;
    Ok((login.as_str().to_owned(), otp))
}

/// The owner stops a staff login (not an owner's): it can no longer log in.
pub fn owner_removes_staff(app: &App, who: &Principal, user_id: i64) -> Result<()> {
    let store = owned_store(app, who)?;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        let u = users::user_by_id(tx, user_id)?
            .filter(|u| u.store_id == Some(store))
            .ok_or_else(|| crate::service::not_found(Msg::NoSuchStaffLogin))?;
        if users::is_store_owner(tx, u.id)? {
            return Err(invalid(Msg::TheOwnersLoginCannotBe));
        }
        users::disable_user(tx, u.id)?;
        audit::record(
            tx,
            app.now(),
            &who.actor,
            "store.staff.remove",
            &format!("user:{}", u.id),
            &serde_json::json!({ "store_id": store }),
        )?;
        Ok(())
    })
}

/// The store's logins, for its owner: (login, owner?, active?, id).
pub fn staff_of_store(app: &App, who: &Principal) -> Result<Vec<(String, bool, bool, i64)>> {
    let store = owned_store(app, who)?;
    Ok(users::store_staff(&*app.conn()?, store)?
        .into_iter()
        .map(|(u, owner)| (u.login, owner, !u.disabled, u.id))
        .collect())
}

pub(super) fn no_store(id: i64) -> ServiceError {
    not_found(Text::new(Msg::NoStore2).with("id", id))
}

pub fn get(app: &App, id: i64) -> Result<StoreRow> {
    rows::get(&*app.conn()?, id)?.ok_or_else(|| no_store(id))
}

/// Searches active stores; `q` matches name, reading and keywords in any kana or width.
pub fn search(
    app: &App,
    q: Option<&str>,
    category: Option<&str>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<rows::StoreRow>> {
    let key = q.map(search_key).filter(|k| !k.is_empty());
    Ok(rows::search(
        &*app.conn()?,
        &rows::StoreQuery {
            key: key.as_deref(),
            category: category.map(str::trim).filter(|c| !c.is_empty()),
            after_id,
            limit,
        },
    )?)
}
