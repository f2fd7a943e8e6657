//! The ledger's expiry and scheduled work (see the parent module).

use super::*;

// --- expiry and scheduled work ----------------------------------------------------

/// Moves the value of every lot whose expiry has come to the expired account, one entry
/// per lot. Idempotent: an expired lot holds nothing and is not picked again.
pub fn expire_due(tx: &Transaction, now: i64) -> Result<usize> {
    let due = db::lots_due_to_expire(tx, now)?;
    for (lot, wallet) in &due {
        post(
            tx,
            &EntryMeta {
                kind: EntryKind::Expiry,
                at: now,
                actor: "job:expiry",
                wallet: Some(*wallet),
                store_id: None,
            },
            |_| {
                Ok(vec![
                    posting(Account::Lot(lot.id), &lot.program, -lot.remaining),
                    posting(Account::Expired, &lot.program, lot.remaining),
                ])
            },
        )?;
        db::mark_lot_expired(tx, lot.id, lot.expires_at.unwrap_or(now))?;
    }
    Ok(due.len())
}

/// Runs the scheduled grants whose time has come.
pub fn run_due_grants(app: &App, tx: &Transaction, now: i64) -> Result<usize> {
    let due = db::due_grants(tx, now)?;
    for (id, code, amount) in &due {
        let program = programs::get(app, code)?;
        execute_grant(tx, now, "job:grant", *id, &program, *amount)?;
    }
    Ok(due.len())
}
