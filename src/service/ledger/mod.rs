//! The money use cases: charges, grants, payments (MPM, CPM; city tax in `tax`), refunds,
//! expiry, balances and history. Each runs inside the caller's write transaction and
//! records one balanced, hash-chained journal entry per wallet it touches.

use std::sync::Arc;

use rusqlite::{Connection, Transaction};

use super::{
    App, Principal, Result, ServiceError, crypto, idempotency, invalid, not_found, programs,
    provider, require,
};
use crate::db::{accounts as users, ledger as db, stores};

/// Rows the money use cases give out as they are (a payment; a history filter).
pub use crate::db::ledger::{HistoryFilter, PaymentRow};
use crate::domain::journal::{Account, EntryHead, HashVersion, Posting, entry_hash, is_balanced};
use crate::domain::lots::{Lot, Shortfall, allocate, refund_split, spending_order};
use crate::domain::program::{Program, ProgramKind, Purpose, charge_premium};
use crate::domain::{Role, Text, Yen};

// The use cases, one file each; their public items are the ledger's.
mod charge;
pub use charge::*;
mod grant;
pub use grant::*;
mod pay;
pub use pay::*;
mod refund;
pub use refund::*;
mod expiry;
pub use expiry::*;
mod read;
pub use read::*;

// --- the journal ------------------------------------------------------------------

/// Who and what an entry is about.
pub struct EntryMeta<'a> {
    pub kind: &'a str,
    pub at: i64,
    pub actor: &'a str,
    pub wallet_id: Option<i64>,
    pub store_id: Option<i64>,
}

/// Records one entry. `build` receives the new entry's id (to create lots pointing at it)
/// and returns the postings; they must balance per program, or nothing is written.
pub fn post(
    tx: &Transaction,
    m: &EntryMeta,
    build: impl FnOnce(i64) -> Result<Vec<Posting>>,
) -> Result<i64> {
    let (last, prev_hash) = db::journal_head(tx)?;
    let id = last + 1;
    db::insert_entry(
        tx,
        &db::EntryRow {
            id,
            kind: m.kind.to_owned(),
            at: m.at,
            actor: m.actor.to_owned(),
            wallet_id: m.wallet_id,
            store_id: m.store_id,
            prev_hash: prev_hash.clone(),
            hash: vec![0; 32],
            hash_version: HashVersion::CURRENT.number(),
        },
    )?;
    let postings = build(id)?;
    if !is_balanced(&postings) {
        return Err(ServiceError::Internal(format!(
            "unbalanced {} entry: {postings:?}",
            m.kind
        )));
    }
    for p in &postings {
        db::insert_posting(tx, id, p)?;
    }
    let head = EntryHead {
        id,
        kind: m.kind,
        at: m.at,
        actor: m.actor,
        wallet_id: m.wallet_id,
        store_id: m.store_id,
    };
    let hash = entry_hash(HashVersion::CURRENT, &prev_hash, &head, &postings);
    db::set_entry_hash(tx, id, &hash)?;
    Ok(id)
}

fn posting(account: Account, program: &str, amount: Yen) -> Posting {
    Posting {
        account,
        program: program.to_owned(),
        amount,
    }
}

/// A resident's wallet, made on first use.
pub fn wallet_of(tx: &Connection, resident_id: i64, now: i64) -> Result<i64> {
    match db::resident_wallet(tx, resident_id)? {
        Some(w) => Ok(w),
        None => Ok(db::create_resident_wallet(tx, resident_id, now)?),
    }
}

fn resident(c: &Connection, id: i64) -> Result<()> {
    match users::user_by_id(c, id)? {
        Some(u) if u.role == Role::Resident && !u.disabled => Ok(()),
        _ => Err(not_found(
            format!("no resident {id}"),
            format!("利用者{id}は見つかりません"),
        )),
    }
}

/// Spendable value of a wallet now.
fn balance_now(c: &Connection, wallet_id: i64, now: i64) -> Result<Yen> {
    Ok(db::open_lots(c, wallet_id)?
        .iter()
        .filter(|l| l.is_live(now))
        .map(|l| l.remaining)
        .sum())
}

fn check_cap(p: &Program, received: Yen, adding: Yen) -> Result<()> {
    if let Some(cap) = p.per_person_cap
        && received + adding > cap
    {
        return Err(ServiceError::LimitExceeded(Text::new(
            format!(
                "{} allows at most {} yen per person ({} received)",
                p.code, cap.0, received.0
            ),
            format!(
                "{}は1人あたり{}までです(受取済み{})",
                p.name,
                cap.ja(),
                received.ja()
            ),
        )));
    }
    Ok(())
}

fn budget_left(tx: &Connection, p: &Program) -> Result<Option<Yen>> {
    match p.budget {
        None => Ok(None),
        Some(b) => Ok(Some(
            b - db::program_city_issued(tx, &p.code)? - db::scheduled_total(tx, &p.code)?,
        )),
    }
}

fn exhausted(p: &Program) -> ServiceError {
    ServiceError::BudgetExhausted(Text::new(
        format!("the budget of {} is used up", p.code),
        format!("{}の予算の上限に達しました", p.name),
    ))
}
