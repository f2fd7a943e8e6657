//! The ledger's grants (see the parent module).

use super::*;
use crate::i18n::{Msg, Text};

// --- grants -----------------------------------------------------------------------

pub struct GrantRequest {
    pub program: String,
    /// Per recipient, in the program's unit.
    pub amount: Amount,
    pub recipients: Vec<Payer>,
    pub scheduled_at: Option<i64>,
}

pub struct GrantOutcome {
    pub grant_id: i64,
    pub count: usize,
    pub scheduled: bool,
}

/// At most this many residents in one grant request.
pub const MAX_RECIPIENTS: usize = 100_000;

/// Grants value of a program to residents (or cards) now, or schedules it. All or nothing:
/// a missing recipient, a cap or the budget refuses the whole grant.
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
        return Err(invalid(Msg::CashIsChargedNotGranted));
    }
    if !program.is_running(rq.scheduled_at.filter(|t| *t > now).unwrap_or(now)) {
        return Err(not_running(&program));
    }
    if rq.amount <= Amount::ZERO || rq.amount > Amount::from(Yen::MAX_PER_REQUEST) {
        return Err(invalid(Msg::AmountMustBeAPositive));
    }
    if rq.recipients.is_empty() || rq.recipients.len() > MAX_RECIPIENTS {
        return Err(invalid(
            Text::new(Msg::RecipientsCount).with("max", MAX_RECIPIENTS),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = rq.recipients.iter().find(|p| !seen.insert(**p)) {
        let n = dup.id();
        return Err(invalid(Text::new(Msg::RecipientIsNamedTwice).with("n", n)));
    }
    let mut wallets = Vec::with_capacity(rq.recipients.len());
    for p in &rq.recipients {
        wallets.push(holder_wallet(tx, *p, now)?);
    }
    let total = Amount(rq.amount.0 * rq.recipients.len() as i64);
    if budget_left(tx, &program)?.is_some_and(|left| total > left) {
        return Err(exhausted(&program));
    }
    let scheduled = rq.scheduled_at.is_some_and(|t| t > now);
    if !scheduled {
        for w in &wallets {
            check_cap(
                &program,
                db::received(tx, *w, &program.code, None)?,
                rq.amount,
            )?;
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
    for w in &wallets {
        db::insert_grant_recipient(tx, grant_id, *w)?;
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
        &serde_json::json!({ "program": program.code, "amount": rq.amount.0, "count": rq.recipients.len(), "scheduled_at": rq.scheduled_at }),
    )?;
    if !scheduled {
        execute_grant(tx, now, &who.actor, grant_id, &program, rq.amount)?;
    }
    Ok(GrantOutcome {
        grant_id,
        count: rq.recipients.len(),
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
    amount: Amount,
) -> Result<usize> {
    let mut done = 0;
    for wallet in db::grant_recipients(tx, grant_id)? {
        if check_cap(
            program,
            db::received(tx, wallet, &program.code, None)?,
            amount,
        )
        .is_err()
        {
            continue;
        }
        let issue = Issue {
            wallet,
            program,
            amount,
            origin: LotOrigin::Grant,
            expires_at: program.expiry.for_issue(now),
        };
        let entry = post(
            tx,
            &EntryMeta {
                kind: EntryKind::Grant,
                at: now,
                actor,
                wallet: Some(wallet),
                store_id: None,
            },
            |entry_id| Ok(issue_lot(tx, entry_id, now, &issue)?.to_vec()),
        )?;
        db::set_recipient_entry(tx, grant_id, wallet, entry)?;
        done += 1;
    }
    db::mark_grant_done(tx, grant_id, now)?;
    Ok(done)
}
