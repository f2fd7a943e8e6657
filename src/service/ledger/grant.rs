//! The ledger's grants (see the parent module).

use super::*;

// --- grants -----------------------------------------------------------------------

pub struct GrantRequest {
    pub program: String,
    pub amount: Yen,
    pub resident_ids: Vec<i64>,
    pub scheduled_at: Option<i64>,
}

pub struct GrantOutcome {
    pub grant_id: i64,
    pub count: usize,
    pub scheduled: bool,
}

/// At most this many residents in one grant request.
pub const MAX_RECIPIENTS: usize = 100_000;

/// Grants value of a program to residents now, or schedules it. All or nothing: a missing
/// resident, a cap or the budget refuses the whole grant.
pub fn grant(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    rq: &GrantRequest,
) -> Result<GrantOutcome> {
    require(who, &[Role::Admin, Role::Operator, Role::Integration])?;
    let now = app.now();
    let program = programs::get(app, &rq.program)?;
    if program.kind == ProgramKind::Cash {
        return Err(invalid(
            "cash is charged, not granted; grant a premium or subsidy program",
            "通常チャージの事業は付与できません",
        ));
    }
    if rq.resident_ids.is_empty() || rq.resident_ids.len() > MAX_RECIPIENTS {
        return Err(invalid(
            format!("name 1 to {MAX_RECIPIENTS} recipients"),
            "付与先を1人以上指定してください",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = rq.resident_ids.iter().find(|id| !seen.insert(**id)) {
        return Err(invalid(
            format!("resident {dup} is named twice"),
            format!("利用者{dup}が重複しています"),
        ));
    }
    for id in &rq.resident_ids {
        resident(tx, *id)?;
    }
    let total = Yen(rq.amount.0 * rq.resident_ids.len() as i64);
    if budget_left(tx, &program)?.is_some_and(|left| total > left) {
        return Err(exhausted(&program));
    }
    let scheduled = rq.scheduled_at.is_some_and(|t| t > now);
    if !scheduled {
        for id in &rq.resident_ids {
            let received = match db::resident_wallet(tx, *id)? {
                Some(w) => db::received(tx, w, &program.code, None)?,
                None => Yen::ZERO,
            };
            check_cap(&program, received, rq.amount)?;
        }
    }
    let grant_id = db::insert_grant(
        tx,
        &program.code,
        rq.amount,
        rq.scheduled_at.filter(|_| scheduled),
        &who.actor,
        now,
    )?;
    for id in &rq.resident_ids {
        db::insert_grant_recipient(tx, grant_id, *id)?;
    }
    crate::db::audit::record(
        tx,
        now,
        &who.actor,
        if scheduled {
            "grant.schedule"
        } else {
            "grant.execute"
        },
        &format!("grant:{grant_id}"),
        &serde_json::json!({ "program": program.code, "amount": rq.amount.0, "count": rq.resident_ids.len(), "scheduled_at": rq.scheduled_at }),
    )?;
    if !scheduled {
        execute_grant(tx, now, &who.actor, grant_id, &program, rq.amount)?;
    }
    Ok(GrantOutcome {
        grant_id,
        count: rq.resident_ids.len(),
        scheduled,
    })
}

/// Gives each recipient of a grant their lot. A scheduled grant runs later, when caps may
/// have filled: a recipient who would pass the cap gets nothing (and no entry).
pub fn execute_grant(
    tx: &Transaction,
    now: i64,
    actor: &str,
    grant_id: i64,
    program: &Program,
    amount: Yen,
) -> Result<usize> {
    let mut done = 0;
    for resident_id in db::grant_recipients(tx, grant_id)? {
        let wallet = wallet_of(tx, resident_id, now)?;
        if check_cap(
            program,
            db::received(tx, wallet, &program.code, None)?,
            amount,
        )
        .is_err()
        {
            continue;
        }
        let entry = post(
            tx,
            &EntryMeta {
                kind: "grant",
                at: now,
                actor,
                wallet_id: Some(wallet),
                store_id: None,
            },
            |entry_id| {
                let lot = db::insert_lot(
                    tx,
                    &db::NewLot {
                        wallet_id: wallet,
                        program: &program.code,
                        origin: "grant",
                        amount,
                        expires_at: program.expiry.for_issue(now),
                        entry_id,
                        now,
                    },
                )?;
                Ok(vec![
                    posting(Account::Issue, &program.code, Yen(-amount.0)),
                    posting(Account::Lot(lot), &program.code, amount),
                ])
            },
        )?;
        db::set_recipient_entry(tx, grant_id, resident_id, entry)?;
        done += 1;
    }
    db::mark_grant_done(tx, grant_id, now)?;
    Ok(done)
}
