//! The ledger's tables: programs (see the parent module).

use super::*;

// --- programs ---------------------------------------------------------------------

pub(super) const PROGRAM_COLS: &str = "code, name, kind, expires_at, valid_days, store_ids, categories, weekdays, \
     usable_from, usable_until, tax_payable, per_person_cap, budget, premium_rate_bp, premium_cap_per_person, charge_unit, \
     starts_at, ends_at, approval, created_by, created_at";

pub(super) fn program_from_row(r: &rusqlite::Row) -> rusqlite::Result<Program> {
    let json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let kind: String = r.get(2)?;
    let expires_at: Option<i64> = r.get(3)?;
    let valid_days: Option<u32> = r.get(4)?;
    let rate: Option<i64> = r.get(13)?;
    let cap: Option<i64> = r.get(14)?;
    Ok(Program {
        code: r.get(0)?,
        name: r.get(1)?,
        kind: ProgramKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                format!("unknown program kind {kind:?}").into(),
            )
        })?,
        expiry: match (expires_at, valid_days) {
            (Some(t), _) => Expiry::At(t),
            (None, Some(d)) => Expiry::Days(d),
            _ => Expiry::Never,
        },
        store_ids: serde_json::from_str(&json(5)?).unwrap_or_default(),
        categories: serde_json::from_str(&json(6)?).unwrap_or_default(),
        weekdays: serde_json::from_str(&json(7)?).unwrap_or_default(),
        usable_from: r.get(8)?,
        usable_until: r.get(9)?,
        tax_payable: r.get(10)?,
        per_person_cap: r.get::<_, Option<i64>>(11)?.map(Amount),
        budget: r.get::<_, Option<i64>>(12)?.map(Amount),
        charge_premium: rate.map(|bp| ChargePremium {
            rate: Rate(bp),
            cap_per_person: cap.map(Yen),
        }),
        charge_unit: Yen(r.get(15)?),
        window: Window {
            starts_at: r.get(16)?,
            ends_at: r.get(17)?,
        },
        approval: {
            let a: String = r.get(18)?;
            Approval::parse(&a).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    18,
                    rusqlite::types::Type::Text,
                    format!("unknown approval {a:?}").into(),
                )
            })?
        },
        created_by: r.get(19)?,
        created_at: r.get(20)?,
    })
}

pub fn insert_program(c: &Connection, p: &Program) -> rusqlite::Result<()> {
    with_columns(p, |v| {
        crate::db::exec(
            c,
            &format!(
                "INSERT INTO programs ({PROGRAM_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"
            ),
            v,
        )
    })?;
    Ok(())
}

/// Replaces a program's rules (a pending program being edited); the code stays.
pub fn update_program(c: &Connection, p: &Program) -> rusqlite::Result<usize> {
    with_columns(p, |v| {
        crate::db::exec(
            c,
            "UPDATE programs SET name = ?2, kind = ?3, expires_at = ?4, valid_days = ?5, store_ids = ?6,
                 categories = ?7, weekdays = ?8, usable_from = ?9, usable_until = ?10, tax_payable = ?11,
                 per_person_cap = ?12, budget = ?13, premium_rate_bp = ?14, premium_cap_per_person = ?15,
                 charge_unit = ?16, starts_at = ?17, ends_at = ?18
             WHERE code = ?1 AND approval = 'pending'",
            // The rules only: code to ends_at, the first 18 columns.
            &v[..18],
        )
    })
}

/// Runs `f` with the program's values in `PROGRAM_COLS` order.
fn with_columns<T>(p: &Program, f: impl FnOnce(&[&dyn rusqlite::ToSql]) -> T) -> T {
    let (expires_at, valid_days) = match p.expiry {
        Expiry::Never => (None, None),
        Expiry::At(t) => (Some(t), None),
        Expiry::Days(d) => (None, Some(d)),
    };
    let (store_ids, categories, weekdays) = (
        serde_json::to_string(&p.store_ids).unwrap_or_default(),
        serde_json::to_string(&p.categories).unwrap_or_default(),
        serde_json::to_string(&p.weekdays).unwrap_or_default(),
    );
    let (kind, approval) = (p.kind.code(), p.approval.code());
    let (cap, budget) = (p.per_person_cap.map(|y| y.0), p.budget.map(|y| y.0));
    let rate = p.charge_premium.map(|c| c.rate.0);
    let premium_cap = p.charge_premium.and_then(|c| c.cap_per_person).map(|y| y.0);
    f(&[
        &p.code,
        &p.name,
        &kind,
        &expires_at,
        &valid_days,
        &store_ids,
        &categories,
        &weekdays,
        &p.usable_from,
        &p.usable_until,
        &p.tax_payable,
        &cap,
        &budget,
        &rate,
        &premium_cap,
        &p.charge_unit.0,
        &p.window.starts_at,
        &p.window.ends_at,
        &approval,
        &p.created_by,
        &p.created_at,
    ])
}

/// Records the second admin's decision on a pending program; false when it was not
/// pending any more (decided by someone else meanwhile).
pub fn decide_program(
    c: &Connection,
    code: &str,
    to: Approval,
    by: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    Ok(crate::db::exec(
        c,
        "UPDATE programs SET approval = ?2, decided_by = ?3, decided_at = ?4
         WHERE code = ?1 AND approval = 'pending'",
        params![code, to.code(), by, now],
    )? == 1)
}

/// Who decided on a program, and when.
pub fn program_decision(c: &Connection, code: &str) -> rusqlite::Result<Option<(String, i64)>> {
    crate::db::one(
        c,
        "SELECT decided_by, decided_at FROM programs WHERE code = ?1 AND decided_by IS NOT NULL",
        [code],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

pub fn payment_count(c: &Connection) -> rusqlite::Result<i64> {
    crate::db::one(c, "SELECT count(*) FROM payments", [], |r| r.get(0))
}

pub fn program(c: &Connection, code: &str) -> rusqlite::Result<Option<Program>> {
    crate::db::one(
        c,
        &format!("SELECT {PROGRAM_COLS} FROM programs WHERE code = ?1"),
        [code],
        program_from_row,
    )
    .optional()
}

pub fn programs(c: &Connection) -> rusqlite::Result<HashMap<String, Program>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {PROGRAM_COLS} FROM programs ORDER BY created_at, code"
    ))?;
    st.query_map([], program_from_row)?
        .map(|p| p.map(|p| (p.code.clone(), p)))
        .collect()
}

pub fn program_list(c: &Connection) -> rusqlite::Result<Vec<Program>> {
    let mut st = c.prepare(&format!(
        "SELECT {PROGRAM_COLS} FROM programs ORDER BY created_at, code"
    ))?;
    st.query_map([], program_from_row)?.collect()
}

/// What the city has paid into a program so far: its premium and grant lots as issued
/// (residents' own charges are not the city's budget).
pub fn program_city_issued(c: &Connection, code: &str) -> rusqlite::Result<Amount> {
    crate::db::one(c,
        "SELECT coalesce(sum(amount), 0) FROM lots WHERE program = ?1 AND origin IN ('premium', 'grant')",
        [code],
        |r| r.get(0),
    )
    .map(Amount)
}

/// What one wallet has received from a program, all origins or one.
pub fn received(
    c: &Connection,
    wallet: WalletId,
    code: &str,
    origin: Option<LotOrigin>,
) -> rusqlite::Result<Amount> {
    crate::db::one(c,
        "SELECT coalesce(sum(amount), 0) FROM lots WHERE program = ?1 AND wallet_id = ?2 AND (?3 IS NULL OR origin = ?3)",
        params![code, wallet.0, origin.map(LotOrigin::code)],
        |r| r.get(0),
    )
    .map(Amount)
}
