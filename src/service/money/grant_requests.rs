//! Grants asked for in the office pages: a list of residents checked into a preview (who
//! gets what, what it costs the budget), sent for approval, and paid (or scheduled)
//! only when a second admin approves (four eyes). City systems grant through the API
//! at once, as api.md says.

use crate::i18n::Msg;
use rusqlite::Transaction;

use super::ledger::{self, GrantOutcome, GrantRequest};
use super::programs;
use crate::db::{self, audit, grant_requests as rows};
use crate::domain::program::{Approval, Program, ProgramKind};
use crate::domain::text::half_width_digit;
use crate::domain::wallet::Payer;
use crate::domain::{Amount, Role, Text};
use crate::service::{App, Principal, Result, ServiceError, invalid, not_found, require};

pub use crate::db::grant_requests::GrantRequestRow;

/// At most this many lines in one request typed or pasted into the page.
pub const MAX_LINES: usize = 5_000;

/// What the clerk typed: the program, the amount each, one resident per line (number or
/// login), and when (now if absent).
pub struct Draft {
    pub program: String,
    pub amount: Amount,
    pub lines: Vec<String>,
    pub scheduled_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Recipient {
    pub resident_id: i64,
    pub login: String,
    pub name: String,
}

/// Who gets what, before anything is paid.
pub struct Preview {
    pub program: Program,
    pub amount: Amount,
    pub recipients: Vec<Recipient>,
    /// Lines that name no resident (or one twice), as typed.
    pub unknown: Vec<String>,
    pub scheduled_at: Option<i64>,
    pub total: Amount,
    /// What the program's budget has left now (none: no budget).
    pub budget_left: Option<Amount>,
}

/// A request with its program and recipients, for its page.
pub struct Request {
    pub row: GrantRequestRow,
    pub program: Program,
    pub recipients: Vec<Recipient>,
}

pub fn preview(app: &App, who: &Principal, d: &Draft) -> Result<Preview> {
    require(who, &[Role::Admin, Role::Operator])?;
    let program = programs::get(app, &d.program)?;
    if program.kind == ProgramKind::Cash {
        return Err(invalid(Msg::CashIsChargedNotGranted));
    }
    if program.approval != Approval::Approved {
        return Err(invalid(
            Text::new(Msg::ProgramIsNotRunning).with("program", &program.name),
        ));
    }
    if d.amount <= Amount::ZERO || d.amount > Amount(crate::domain::Yen::MAX_PER_REQUEST.0) {
        return Err(invalid(Msg::AmountMustBeAPositive));
    }
    let lines: Vec<&str> = d
        .lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(invalid(
            Text::new(Msg::RecipientsCount).with("max", MAX_LINES),
        ));
    }
    let conn = app.conn()?;
    let mut recipients: Vec<Recipient> = Vec::new();
    let mut unknown = Vec::new();
    for line in lines {
        let typed: String = line.chars().map(half_width_digit).collect();
        let user = match typed.parse::<i64>() {
            Ok(id) => db::accounts::user_by_id(&conn, id)?,
            Err(_) => db::accounts::user_by_login(&conn, &typed.to_lowercase())?,
        };
        match user.filter(|u| u.role == Role::Resident && !u.disabled) {
            Some(u) if !recipients.iter().any(|r| r.resident_id == u.id) => {
                recipients.push(Recipient {
                    resident_id: u.id,
                    login: u.login,
                    name: u.display_name,
                })
            }
            _ => unknown.push(line.to_owned()),
        }
    }
    let total = Amount(d.amount.0 * recipients.len() as i64);
    let budget_left = program
        .budget
        .map(|b| -> Result<Amount> {
            Ok(b - db::ledger::program_city_issued(&conn, &program.code)?)
        })
        .transpose()?;
    Ok(Preview {
        program,
        amount: d.amount,
        recipients,
        unknown,
        scheduled_at: d.scheduled_at,
        total,
        budget_left,
    })
}

/// Sends a checked draft for approval; every line must name a resident.
pub fn request(app: &App, who: &Principal, d: &Draft) -> Result<i64> {
    let p = preview(app, who, d)?;
    if !p.unknown.is_empty() {
        return Err(invalid(
            Text::new(Msg::SomeLinesNameNoResident).with("lines", p.unknown.join(", ")),
        ));
    }
    if p.budget_left.is_some_and(|left| p.total > left) {
        return Err(ServiceError::BudgetExhausted(
            Text::new(Msg::BudgetUsedUp).with("program", &p.program.name),
        ));
    }
    let ids: Vec<i64> = p.recipients.iter().map(|r| r.resident_id).collect();
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<i64> {
        let id = rows::insert(
            tx,
            &p.program.code,
            p.amount,
            &ids,
            p.scheduled_at,
            &who.actor,
            now,
        )?;
        audit::record(
            tx,
            now,
            &who.actor,
            "grant.request",
            &format!("grant-request:{id}"),
            &serde_json::json!({ "program": p.program.code, "amount": p.amount.0, "count": ids.len() }),
        )?;
        Ok(id)
    })
}

pub fn recent(app: &App, who: &Principal) -> Result<Vec<GrantRequestRow>> {
    require(who, &[Role::Admin, Role::Operator])?;
    Ok(rows::recent(&*app.conn()?, 200)?)
}

pub fn get(app: &App, who: &Principal, id: i64) -> Result<Request> {
    require(who, &[Role::Admin, Role::Operator])?;
    let conn = app.conn()?;
    let row = rows::get(&conn, id)?.ok_or_else(|| no_request(id))?;
    let program = programs::get(app, &row.program)?;
    let mut recipients = Vec::with_capacity(row.resident_ids.len());
    for rid in &row.resident_ids {
        if let Some(u) = db::accounts::user_by_id(&conn, *rid)? {
            recipients.push(Recipient {
                resident_id: u.id,
                login: u.login,
                name: u.display_name,
            });
        }
    }
    Ok(Request {
        row,
        program,
        recipients,
    })
}

/// Turns a waiting request down; nothing is paid.
pub fn reject(app: &App, who: &Principal, id: i64) -> Result<()> {
    require(who, &[Role::Admin])?;
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        if !rows::decide(tx, id, Approval::Rejected, &who.actor, now, None)? {
            return Err(already_decided(tx, id)?);
        }
        audit::record(
            tx,
            now,
            &who.actor,
            "grant.reject",
            &format!("grant-request:{id}"),
            &serde_json::json!({}),
        )?;
        Ok(())
    })
}

/// The second admin's approval: the grant is paid (or scheduled) in the same transaction
/// that marks the request approved, so it is paid once however often approve is pressed.
pub fn approve(app: &App, tx: &Transaction, who: &Principal, id: i64) -> Result<GrantOutcome> {
    require(who, &[Role::Admin])?;
    let row = rows::get(tx, id)?.ok_or_else(|| no_request(id))?;
    if row.approval != Approval::Pending {
        return Err(already_decided(tx, id)?);
    }
    if row.requested_by == who.actor {
        return Err(ServiceError::Forbidden(Msg::ASecondAdminMustApprove.into()));
    }
    let rq = GrantRequest {
        program: row.program.clone(),
        amount: row.amount,
        recipients: row
            .resident_ids
            .iter()
            .map(|r| Payer::Resident(*r))
            .collect(),
        scheduled_at: row.scheduled_at,
    };
    let outcome = ledger::grant(app, tx, who, &rq)?;
    rows::decide(
        tx,
        id,
        Approval::Approved,
        &who.actor,
        app.now(),
        Some(outcome.grant_id),
    )?;
    audit::record(
        tx,
        app.now(),
        &who.actor,
        "grant.approve",
        &format!("grant-request:{id}"),
        &serde_json::json!({ "grant_id": outcome.grant_id }),
    )?;
    Ok(outcome)
}

fn no_request(id: i64) -> ServiceError {
    not_found(Text::new(Msg::NoGrantRequest).with("id", id))
}

fn already_decided(c: &rusqlite::Connection, id: i64) -> Result<ServiceError> {
    Ok(match rows::get(c, id)? {
        None => no_request(id),
        Some(_) => ServiceError::Conflict(Msg::ThisGrantIsAlreadyDecided.into()),
    })
}
