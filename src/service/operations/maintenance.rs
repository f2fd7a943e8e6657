//! Maintenance: the announced window and the read-only switch (`domain::maintenance`).
//! The state lives in the settings table, so `meguri read-only on` from a shell reaches a
//! running server; the server reads it again at most once a second.

use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::db::{self, audit, settings as kv};
use crate::domain::Role;
use crate::domain::maintenance::{Maintenance, Window};
use crate::service::{App, Principal, Result, ServiceError, require};

const KEY: &str = "maintenance";
const FRESH_FOR: Duration = Duration::from_secs(1);

/// The last state read, and when.
pub struct Cached(std::sync::RwLock<(Instant, Maintenance)>);

impl Cached {
    pub fn new(m: Maintenance) -> Cached {
        Cached(std::sync::RwLock::new((Instant::now(), m)))
    }
}

pub fn load(c: &Connection) -> Result<Maintenance> {
    Ok(kv::get(c, KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// The state now (at most a second old).
pub fn state(app: &App) -> Maintenance {
    {
        let cached = app.maintenance.0.read().unwrap_or_else(|e| e.into_inner());
        if cached.0.elapsed() < FRESH_FOR {
            return cached.1.clone();
        }
    }
    // A failed read keeps the last known state rather than failing every request.
    let fresh = app.conn().and_then(|c| load(&c)).unwrap_or_else(|_| {
        app.maintenance
            .0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .1
            .clone()
    });
    *app.maintenance.0.write().unwrap_or_else(|e| e.into_inner()) = (Instant::now(), fresh.clone());
    fresh
}

pub fn read_only(app: &App) -> bool {
    state(app).read_only
}

/// Turns read-only on or off (admin, audited).
pub fn set_read_only(app: &App, who: &Principal, on: bool) -> Result<Maintenance> {
    change(app, who, "maintenance.read_only", |m| {
        m.read_only = on;
        Ok(())
    })
}

/// Announces a window (`None` withdraws the announcement).
pub fn announce(
    app: &App,
    who: &Principal,
    window: Option<(i64, i64, String)>,
) -> Result<Maintenance> {
    let now = app.now();
    change(app, who, "maintenance.announce", |m| {
        m.window = match &window {
            Some((from, until, note)) => {
                Some(Window::parse(*from, *until, note, now).map_err(ServiceError::Invalid)?)
            }
            None => None,
        };
        Ok(())
    })
}

/// Read-only from the command line (no server needed; a running one sees it within a second).
pub fn set_read_only_offline(c: &mut Connection, now: i64, on: bool) -> Result<()> {
    db::write(c, |tx| -> Result<()> {
        let mut m = load(tx)?;
        m.read_only = on;
        save(tx, now, "cli", "maintenance.read_only", &m)
    })
}

fn change(
    app: &App,
    who: &Principal,
    action: &str,
    edit: impl FnOnce(&mut Maintenance) -> Result<()>,
) -> Result<Maintenance> {
    require(who, &[Role::Admin])?;
    let now = app.now();
    let mut conn = app.conn()?;
    let m = db::write(&mut conn, |tx| -> Result<Maintenance> {
        let mut m = load(tx)?;
        edit(&mut m)?;
        save(tx, now, &who.actor, action, &m)?;
        Ok(m)
    })?;
    *app.maintenance.0.write().unwrap_or_else(|e| e.into_inner()) = (Instant::now(), m.clone());
    Ok(m)
}

fn save(c: &Connection, now: i64, actor: &str, action: &str, m: &Maintenance) -> Result<()> {
    let json = serde_json::to_value(m).unwrap_or_default();
    kv::set(c, KEY, &json.to_string())?;
    audit::record(c, now, actor, action, "settings", &json)?;
    Ok(())
}
