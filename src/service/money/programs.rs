//! Programs (事業): creating them and reading them (cached: every payment needs them).
//! A program made through the API or the CLI is approved by whoever made it (a city
//! system's contract, api.md); one set up in the office pages waits, editable, until a
//! second admin approves it (four eyes), and hands out value only inside its window.

use crate::i18n::Msg;
use std::collections::HashMap;
use std::sync::Arc;

use crate::db::{self, audit, ledger, stores};
use crate::domain::program::{Approval, ChargePremium, Expiry, Program, ProgramKind, Window};
use crate::domain::{Amount, Code, Role, Text, Yen};
use crate::service::{App, Principal, Result, ServiceError, invalid, require};

/// A program as an admin describes it; checked by `create`.
pub struct NewProgram {
    pub code: String,
    pub name: String,
    pub kind: ProgramKind,
    pub expiry: Expiry,
    pub store_ids: Vec<i64>,
    pub categories: Vec<String>,
    pub weekdays: Vec<u32>,
    pub usable_from: Option<i64>,
    pub usable_until: Option<i64>,
    pub tax_payable: Option<bool>,
    /// In the program's unit (yen, or points for a points program).
    pub per_person_cap: Option<Amount>,
    pub budget: Option<Amount>,
    pub charge_premium: Option<ChargePremium>,
    pub charge_unit: Option<Yen>,
    /// When it hands out value (premiums, charges into it, grants).
    pub window: Window,
}

/// Creates a program that is in force at once (the API's and the CLI's way).
pub fn create(app: &App, who: &Principal, n: NewProgram) -> Result<Program> {
    insert(app, who, n, Approval::Approved)
}

/// Sets up a program that waits for a second admin's approval (the office pages' way).
pub fn propose(app: &App, who: &Principal, n: NewProgram) -> Result<Program> {
    insert(app, who, n, Approval::Pending)
}

/// Changes a program that is still waiting for approval.
pub fn edit(app: &App, who: &Principal, n: NewProgram) -> Result<Program> {
    let old = get(app, &n.code)?;
    if old.approval != Approval::Pending {
        return Err(ServiceError::Conflict(Msg::OnlyAProgramWaitingFor.into()));
    }
    let mut program = checked(app, n, Approval::Pending)?;
    program.created_by = old.created_by;
    program.created_at = old.created_at;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        check_stores(tx, &program)?;
        if ledger::update_program(tx, &program)? != 1 {
            return Err(ServiceError::Conflict(Msg::OnlyAProgramWaitingFor.into()));
        }
        audit::record(
            tx,
            app.now(),
            &who.actor,
            "program.edit",
            &format!("program:{}", program.code),
            &serde_json::json!({ "name": program.name }),
        )?;
        Ok(())
    })?;
    reload(app)?;
    Ok(program)
}

/// The second admin's decision on a waiting program; the admin who set it up may not
/// approve it. Premiums on charges never stack: while two run, the one that began later
/// applies alone (`Program::began`), which the program's page says before approval.
pub fn decide(app: &App, who: &Principal, code: &str, approve: bool) -> Result<Program> {
    require(who, &[Role::Admin])?;
    let program = get(app, code)?;
    if program.approval != Approval::Pending {
        return Err(ServiceError::Conflict(
            Msg::ThisProgramIsAlreadyDecided.into(),
        ));
    }
    if approve && program.created_by == who.actor {
        return Err(ServiceError::Forbidden(Msg::ASecondAdminMustApprove.into()));
    }
    let to = if approve {
        Approval::Approved
    } else {
        Approval::Rejected
    };
    let now = app.now();
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        if !ledger::decide_program(tx, code, to, &who.actor, now)? {
            return Err(ServiceError::Conflict(
                Msg::ThisProgramIsAlreadyDecided.into(),
            ));
        }
        audit::record(
            tx,
            now,
            &who.actor,
            if approve {
                "program.approve"
            } else {
                "program.reject"
            },
            &format!("program:{code}"),
            &serde_json::json!({ "name": program.name }),
        )?;
        Ok(())
    })?;
    reload(app)?;
    get(app, code)
}

/// The approved premiums on charges whose window overlaps this one's, by name: while
/// both run, the one that began later applies alone.
pub fn overlapping_premiums(app: &App, p: &Program) -> Vec<String> {
    if p.charge_premium.is_none() {
        return vec![];
    }
    let now = app.now();
    let mut names: Vec<String> = all(app)
        .values()
        .filter(|o| {
            o.code != p.code
                && o.approval == Approval::Approved
                && o.charge_premium.is_some()
                && o.window.overlaps(p.window)
                && o.window.ends_at.is_none_or(|e| e > now)
        })
        .map(|o| o.name.clone())
        .collect();
    names.sort();
    names
}

/// Who decided on a program and when, once someone has.
pub fn decision(app: &App, who: &Principal, code: &str) -> Result<Option<(String, i64)>> {
    require(who, &[Role::Admin, Role::Operator])?;
    Ok(ledger::program_decision(&*app.conn()?, code)?)
}

fn insert(app: &App, who: &Principal, n: NewProgram, approval: Approval) -> Result<Program> {
    let mut program = checked(app, n, approval)?;
    program.created_by = who.actor.clone();
    let now = app.now();
    program.created_at = now;
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        check_stores(tx, &program)?;
        ledger::insert_program(tx, &program).map_err(|e| {
            if db::is_unique_violation(&e) {
                ServiceError::Conflict(Text::new(Msg::ProgramCodeTaken).with("code", &program.code))
            } else {
                e.into()
            }
        })?;
        audit::record(
            tx,
            now,
            &who.actor,
            "program.create",
            &format!("program:{}", program.code),
            &serde_json::json!({ "name": program.name, "kind": program.kind.code(), "approval": program.approval.code() }),
        )?;
        Ok(())
    })?;
    reload(app)?;
    Ok(program)
}

fn check_stores(tx: &rusqlite::Transaction, program: &Program) -> Result<()> {
    for id in &program.store_ids {
        if stores::get(tx, *id)?.is_none() {
            return Err(invalid(Text::new(Msg::StoreIdsNoStore).with("id", id)));
        }
    }
    Ok(())
}

/// The rules of `n` checked, as the program they describe (no creator yet).
fn checked(app: &App, n: NewProgram, approval: Approval) -> Result<Program> {
    let code_ok = (1..=40).contains(&n.code.len())
        && n.code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !code_ok {
        return Err(invalid(Msg::CodeMustBe1To));
    }
    let name = n.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(invalid(Msg::NameMustBe1To80));
    }
    if n.weekdays.iter().any(|d| !(1..=7).contains(d)) {
        return Err(invalid(Msg::WeekdaysAre1MondayTo));
    }
    if let (Some(f), Some(u)) = (n.usable_from, n.usable_until)
        && f >= u
    {
        return Err(invalid(Msg::UsableFromMustBeBefore));
    }
    if n.categories
        .iter()
        .any(|c| c.trim().is_empty() || c.chars().count() > 40)
    {
        return Err(invalid(Msg::CategoriesMustBe1To));
    }
    let now = app.now();
    if let Expiry::At(t) = n.expiry
        && t <= now
    {
        return Err(invalid(Msg::ExpiresAtIsAlreadyPast));
    }
    if n.charge_premium.is_some() && n.kind == ProgramKind::Cash {
        return Err(invalid(Msg::ACashProgramEarnsNo));
    }
    if n.kind == ProgramKind::Points && (n.charge_premium.is_some() || n.tax_payable == Some(true))
    {
        return Err(invalid(Msg::PointsAreNotMoneyA));
    }
    if let (Some(f), Some(u)) = (n.window.starts_at, n.window.ends_at)
        && f >= u
    {
        return Err(invalid(Msg::TheEndMustComeAfter));
    }
    if approval == Approval::Pending && n.window.ends_at.is_some_and(|e| e <= now) {
        return Err(invalid(Msg::ThisWindowIsAlreadyOver));
    }
    Ok(Program {
        code: n.code.clone(),
        name: name.to_owned(),
        kind: n.kind,
        expiry: n.expiry,
        store_ids: n.store_ids.clone(),
        categories: n.categories.iter().map(|c| c.trim().to_owned()).collect(),
        weekdays: n.weekdays.clone(),
        usable_from: n.usable_from,
        usable_until: n.usable_until,
        // Premiums and subsidies may not pay city tax unless the city says so (KUM-ア-h).
        tax_payable: n.tax_payable.unwrap_or(n.kind == ProgramKind::Cash),
        per_person_cap: n.per_person_cap,
        budget: n.budget,
        charge_premium: n.charge_premium,
        charge_unit: n.charge_unit.unwrap_or(Yen(1)),
        window: n.window,
        approval,
        created_by: String::new(),
        created_at: 0,
    })
}

/// All programs by code, from the cache.
pub fn all(app: &App) -> Arc<HashMap<String, Program>> {
    app.programs
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// Re-reads the programs into the cache after a change.
pub fn reload(app: &App) -> Result<()> {
    let fresh = Arc::new(ledger::programs(&*app.conn()?)?);
    *app.programs.write().unwrap_or_else(|e| e.into_inner()) = fresh;
    Ok(())
}

pub fn get(app: &App, code: &str) -> Result<Program> {
    all(app)
        .get(code)
        .cloned()
        .ok_or_else(|| crate::service::not_found(Text::new(Msg::NoProgram).with("code", code)))
}
