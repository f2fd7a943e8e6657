//! Programs (事業): creating them and reading them (cached: every payment needs them).

use crate::i18n::Msg;
use std::collections::HashMap;
use std::sync::Arc;

use crate::db::{self, audit, ledger, stores};
use crate::domain::program::{ChargePremium, Expiry, Program, ProgramKind};
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
}

pub fn create(app: &App, who: &Principal, n: NewProgram) -> Result<Program> {
    require(who, &[Role::Admin])?;
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
    let program = Program {
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
    };
    let mut conn = app.conn()?;
    db::write(&mut conn, |tx| -> Result<()> {
        for id in &program.store_ids {
            if stores::get(tx, *id)?.is_none() {
                return Err(invalid(Text::new(Msg::StoreIdsNoStore).with("id", id)));
            }
        }
        ledger::insert_program(tx, &program, now).map_err(|e| {
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
            &serde_json::json!({ "name": program.name, "kind": program.kind.code() }),
        )?;
        Ok(())
    })?;
    reload(app)?;
    Ok(program)
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
