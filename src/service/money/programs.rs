//! Programs (事業): creating them and reading them (cached: every payment needs them).

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
        return Err(invalid(
            "code must be 1 to 40 characters of a-z, 0-9, - and _",
            "事業コードは半角英小文字・数字・-・_ の1〜40文字です",
        ));
    }
    let name = n.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(invalid(
            "name must be 1 to 80 characters",
            "事業名は1〜80文字です",
        ));
    }
    if n.weekdays.iter().any(|d| !(1..=7).contains(d)) {
        return Err(invalid(
            "weekdays are 1 (Monday) to 7 (Sunday)",
            "曜日は1(月)〜7(日)で指定してください",
        ));
    }
    if let (Some(f), Some(u)) = (n.usable_from, n.usable_until)
        && f >= u
    {
        return Err(invalid(
            "usable_from must be before usable_until",
            "利用開始日は終了日より前にしてください",
        ));
    }
    if n.categories
        .iter()
        .any(|c| c.trim().is_empty() || c.chars().count() > 40)
    {
        return Err(invalid(
            "categories must be 1 to 40 characters each",
            "業種は各1〜40文字です",
        ));
    }
    let now = app.now();
    if let Expiry::At(t) = n.expiry
        && t <= now
    {
        return Err(invalid(
            "expires_at is already past",
            "有効期限が過去の日時です",
        ));
    }
    if n.charge_premium.is_some() && n.kind == ProgramKind::Cash {
        return Err(invalid(
            "a cash program earns no premium itself",
            "通常チャージの事業にはプレミアムを設定できません",
        ));
    }
    if n.kind == ProgramKind::Points && (n.charge_premium.is_some() || n.tax_payable == Some(true))
    {
        return Err(invalid(
            "points are not money: a points program has no charge premium and pays no tax",
            "ポイントはお金ではないため、チャージのプレミアムや納税には使えません",
        ));
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
                return Err(invalid(
                    format!("store_ids: no store {id}"),
                    format!("加盟店{id}は登録されていません"),
                ));
            }
        }
        ledger::insert_program(tx, &program, now).map_err(|e| {
            if db::is_unique_violation(&e) {
                ServiceError::Conflict(Text::new(
                    format!("a program with code {} exists", program.code),
                    format!("事業コード {} は既に使われています", program.code),
                ))
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
    all(app).get(code).cloned().ok_or_else(|| {
        crate::service::not_found(
            format!("no program {code}"),
            format!("事業 {code} はありません"),
        )
    })
}
