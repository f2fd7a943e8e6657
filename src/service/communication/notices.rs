//! Notices (お知らせ, N1): the secretariat drafts, the city approves, and the notice is
//! published at once or at its set time. Residents and visitors read published ones.

use crate::db::{self, audit, notices as rows};
use crate::domain::{Role, Text};
use crate::i18n::Msg;
use crate::service::{App, Principal, Result, STAFF, ServiceError, invalid, not_found, require};

pub use rows::NoticeRow;

pub fn draft(
    app: &App,
    who: &Principal,
    title: &str,
    body: &str,
    publish_at: Option<i64>,
) -> Result<i64> {
    require(who, STAFF)?;
    let (title, body) = (title.trim(), body.trim());
    if title.is_empty() || title.chars().count() > 100 {
        return Err(invalid(Msg::TitleMustBe1To));
    }
    if body.is_empty() || body.chars().count() > 5000 {
        return Err(invalid(Msg::BodyMustBe1To));
    }
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<i64> {
        let id = rows::insert(tx, title, body, publish_at, &who.actor, now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            "notice.draft",
            &format!("notice:{id}"),
            &serde_json::json!({ "title": title }),
        )?;
        Ok(id)
    })
}

/// The city approves a draft: it is published at its time (or at once).
pub fn approve(app: &App, who: &Principal, id: i64) -> Result<()> {
    require(who, &[Role::Admin])?;
    change(app, who, id, "draft", "approved", "notice.approve")
}

/// Takes a notice down (or discards a draft).
pub fn withdraw(app: &App, who: &Principal, id: i64) -> Result<()> {
    require(who, STAFF)?;
    let n = get(app, id)?;
    change(app, who, id, &n.status, "withdrawn", "notice.withdraw")
}

fn change(app: &App, who: &Principal, id: i64, from: &str, to: &str, action: &str) -> Result<()> {
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        let n = rows::get(tx, id)?.ok_or_else(|| no_notice(id))?;
        if n.status != from || n.status == "withdrawn" {
            return Err(ServiceError::Conflict(
                Text::new(Msg::NoticeIsAlready).with_msg("status", status_label(&n.status)),
            ));
        }
        let approver = (to == "approved").then_some(who.actor.as_str());
        rows::set_status(tx, id, to, approver, now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            action,
            &format!("notice:{id}"),
            &serde_json::json!({}),
        )?;
        Ok(())
    })
}

/// A notice's state as the office reads it.
pub fn status_label(s: &str) -> Msg {
    match s {
        "draft" => Msg::NoticeDraft,
        "approved" => Msg::NoticeApproved,
        _ => Msg::NoticeWithdrawn,
    }
}

fn no_notice(id: i64) -> ServiceError {
    not_found(Text::new(Msg::NoNotice).with("id", id))
}

fn get(app: &App, id: i64) -> Result<NoticeRow> {
    rows::get(&*app.conn()?, id)?.ok_or_else(|| no_notice(id))
}

/// Published notices, newest first.
pub fn published(app: &App, limit: i64) -> Result<Vec<NoticeRow>> {
    Ok(rows::published(&*app.conn()?, app.now(), limit)?)
}

/// One published notice.
pub fn published_one(app: &App, id: i64) -> Result<NoticeRow> {
    get(app, id).and_then(|n| {
        if n.status == "approved" && n.publish_at.is_none_or(|t| t <= app.now()) {
            Ok(n)
        } else {
            Err(no_notice(id))
        }
    })
}

/// Every notice, for the secretariat.
pub fn all(app: &App, who: &Principal) -> Result<Vec<NoticeRow>> {
    require(who, STAFF)?;
    Ok(rows::all(&*app.conn()?, 200)?)
}
