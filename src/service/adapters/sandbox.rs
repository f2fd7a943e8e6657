//! The sandbox clock: with `--fake-clock` an admin sets "now" (running on from there, or
//! frozen), and whatever became due by then runs at once. The setting is stored so a
//! restarted sandbox keeps its time.

use crate::i18n::Msg;
use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::Connection;

use crate::db::{self, audit, settings as kv};
use crate::domain::Role;
use crate::domain::time::{jst, parse_rfc3339};
use crate::service::{App, Principal, Result, not_found, require};

use crate::clock::SandboxTime;

/// The instant set, and the real time it was set at (absent: frozen at the instant).
const NOW: &str = "sandbox_now";
const SET_AT: &str = "sandbox_set_at";

/// The sandbox's stored time, or the real time for a sandbox that never moved.
pub fn stored_time(c: &Connection) -> Result<SandboxTime> {
    let instant = |key| -> Result<Option<DateTime<FixedOffset>>> {
        Ok(kv::get(c, key)?.and_then(|s| parse_rfc3339(&s)))
    };
    Ok(match (instant(NOW)?, instant(SET_AT)?) {
        (Some(to), Some(real)) => SandboxTime::set(to, false, real.with_timezone(&Utc)),
        (Some(to), None) => SandboxTime::Frozen(to),
        (None, _) => SandboxTime::Running {
            offset: chrono::Duration::zero(),
        },
    })
}

/// Moves the sandbox clock (forwards or backwards), running on from `to` unless
/// `frozen`, and runs the jobs that became due.
pub fn set_clock(
    app: &App,
    who: &Principal,
    to: DateTime<FixedOffset>,
    frozen: bool,
) -> Result<DateTime<FixedOffset>> {
    require(who, &[Role::Admin])?;
    if !app.clock.is_fake() {
        return Err(not_found(Msg::TheSandboxClockIsOff));
    }
    let to = to.with_timezone(&jst());
    let real = Utc::now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        kv::set(tx, NOW, &to.to_rfc3339())?;
        if frozen {
            kv::delete(tx, SET_AT)?;
        } else {
            kv::set(tx, SET_AT, &real.with_timezone(&jst()).to_rfc3339())?;
        }
        audit::record(
            tx,
            to.timestamp(),
            &who.actor,
            "sandbox.clock",
            "clock",
            &serde_json::json!({ "from": app.clock.now().to_rfc3339(), "to": to.to_rfc3339(), "frozen": frozen }),
        )?;
        Ok(())
    })?;
    app.clock.set(SandboxTime::set(to, frozen, real));
    crate::service::operations::jobs::run_due(app)?;
    Ok(to)
}
