//! The sandbox clock: with `--fake-clock` an admin sets "now", and whatever became due
//! by then runs at once. The instant is stored so a restarted sandbox keeps its time.

use crate::i18n::Msg;
use chrono::{DateTime, FixedOffset};
use rusqlite::Connection;

use crate::db::{self, audit, settings as kv};
use crate::domain::Role;
use crate::domain::time::{jst, parse_rfc3339};
use crate::service::{App, Principal, Result, not_found, require};

const NOW: &str = "sandbox_now";

/// The sandbox's stored instant, or the real time for a sandbox that never moved.
pub fn stored_now(c: &Connection) -> Result<DateTime<FixedOffset>> {
    Ok(kv::get(c, NOW)?
        .and_then(|s| parse_rfc3339(&s))
        .unwrap_or_else(|| chrono::Utc::now().with_timezone(&jst())))
}

/// Moves the sandbox clock (forwards or backwards) and runs the jobs that became due.
pub fn set_clock(
    app: &App,
    who: &Principal,
    to: DateTime<FixedOffset>,
) -> Result<DateTime<FixedOffset>> {
    require(who, &[Role::Admin])?;
    if !app.clock.is_fake() {
        return Err(not_found(Msg::TheSandboxClockIsOff));
    }
    let to = to.with_timezone(&jst());
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        kv::set(tx, NOW, &to.to_rfc3339())?;
        audit::record(
            tx,
            to.timestamp(),
            &who.actor,
            "sandbox.clock",
            "clock",
            &serde_json::json!({ "from": app.clock.now().to_rfc3339(), "to": to.to_rfc3339() }),
        )?;
        Ok(())
    })?;
    app.clock.set(to);
    crate::service::operations::jobs::run_due(app)?;
    Ok(to)
}
