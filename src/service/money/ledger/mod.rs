//! The money use cases: charges, grants, payments (MPM, CPM; city tax in `tax`), refunds,
//! expiry, balances and history. Each runs inside the caller's write transaction and
//! records one balanced, hash-chained journal entry per wallet it touches.

use crate::i18n::Msg;
use std::sync::Arc;

use rusqlite::{Connection, Transaction};

use crate::db::{accounts as users, ledger as db, stores};
use crate::service::{
    App, Principal, Result, ServiceError, adapters::provider, crypto, invalid, money::idempotency,
    money::programs, not_found, require,
};

/// Rows the money use cases give out as they are (a payment; a history filter).
pub use crate::db::ledger::{HistoryFilter, PaymentRow};
use crate::domain::journal::{Account, EntryHead, HashVersion, Posting, entry_hash, is_balanced};
use crate::domain::lots::{Lot, Shortfall, allocate, live_total, refund_split, spending_order};
use crate::domain::program::{Program, ProgramKind, Purpose, charge_premium};
use crate::domain::{
    Amount, Code, EntryKind, LotOrigin, Payer, PaymentKind, Role, Text, Unit, WalletId, Yen,
};

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
    pub kind: EntryKind,
    pub at: i64,
    pub actor: &'a str,
    pub wallet: Option<WalletId>,
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
            kind: m.kind.code().to_owned(),
            at: m.at,
            actor: m.actor.to_owned(),
            wallet_id: m.wallet.map(|w| w.0),
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
        kind: m.kind.code(),
        at: m.at,
        actor: m.actor,
        wallet_id: m.wallet.map(|w| w.0),
        store_id: m.store_id,
    };
    let hash = entry_hash(HashVersion::CURRENT, &prev_hash, &head, &postings);
    db::set_entry_hash(tx, id, &hash)?;
    Ok(id)
}

fn posting(account: Account, program: &str, amount: impl Into<Amount>) -> Posting {
    Posting {
        account,
        program: program.to_owned(),
        amount: amount.into(),
    }
}

/// New value: a lot of `program` in `wallet`, as issued by the program.
pub struct Issue<'a> {
    pub wallet: WalletId,
    pub program: &'a Program,
    pub amount: Amount,
    pub origin: LotOrigin,
    /// Usable strictly before this instant (`None`: no expiry).
    pub expires_at: Option<i64>,
}

/// The one way value is created: inserts the lot (empty) for entry `entry_id` and gives
/// the two postings that fill it from the program's issue account. Called inside
/// `post`'s builder, so the lot and its entry are written together or not at all.
pub fn issue_lot(tx: &Transaction, entry_id: i64, now: i64, i: &Issue) -> Result<[Posting; 2]> {
    if i.amount <= Amount::ZERO {
        return Err(ServiceError::Internal(format!(
            "a lot of {} must hold value",
            i.program.code
        )));
    }
    let lot = db::insert_lot(
        tx,
        &db::NewLot {
            wallet: i.wallet,
            program: &i.program.code,
            origin: i.origin,
            amount: i.amount,
            expires_at: i.expires_at,
            entry_id,
            now,
        },
    )?;
    Ok([
        posting(Account::Issue, &i.program.code, -i.amount),
        posting(Account::Lot(lot), &i.program.code, i.amount),
    ])
}

/// The wallet of a resident or a card, made on first use. The holder must have been
/// checked where the request came in ([`resident_wallet`] for residents).
pub fn wallet_of(tx: &Connection, holder: Payer, now: i64) -> Result<WalletId> {
    match db::wallet_of(tx, holder)? {
        Some(w) => Ok(w),
        None => Ok(db::create_wallet(tx, holder, now)?),
    }
}

/// A resident's wallet, made on first use, after checking that the resident exists and
/// may hold value.
pub fn resident_wallet(tx: &Connection, resident_id: i64, now: i64) -> Result<WalletId> {
    holder_wallet(tx, Payer::Resident(resident_id), now)
}

/// The wallet of a holder named in a request, made on first use.
pub fn holder_wallet(tx: &Connection, holder: Payer, now: i64) -> Result<WalletId> {
    check_holder(tx, holder)?;
    wallet_of(tx, holder, now)
}

/// A holder named in a request exists and may hold value: a resident is checked to
/// exist and be active, a card to be sold and neither frozen nor moved.
pub fn check_holder(c: &Connection, holder: Payer) -> Result<()> {
    match holder {
        Payer::Resident(id) => resident(c, id).map(|_| ()),
        Payer::Card(id) => crate::service::money::cards::usable(c, id).map(|_| ()),
    }
}

/// The wallet of the resident acting, if any value ever reached it.
pub fn own_wallet(c: &Connection, who: &Principal) -> Result<Option<WalletId>> {
    require(who, &[Role::Resident])?;
    let id = who.user_id.ok_or_else(|| not_found(Msg::NoResident))?;
    Ok(db::wallet_of(c, Payer::Resident(id))?)
}

fn resident(c: &Connection, id: i64) -> Result<()> {
    match users::user_by_id(c, id)? {
        Some(u) if u.role == Role::Resident && !u.disabled => Ok(()),
        _ => Err(not_found(Text::new(Msg::NoResident2).with("id", id))),
    }
}

/// Spendable value of a wallet in `unit` now.
fn balance_now(
    app: &App,
    c: &Connection,
    wallet: WalletId,
    unit: Unit,
    now: i64,
) -> Result<Amount> {
    Ok(live_total(
        &db::open_lots(c, wallet)?,
        &programs::all(app),
        unit,
        now,
    ))
}

fn check_cap(p: &Program, received: Amount, adding: Amount) -> Result<()> {
    if let Some(cap) = p.per_person_cap
        && received + adding > cap
    {
        return Err(ServiceError::LimitExceeded(
            Text::new(Msg::PerPersonCap)
                .with("program", &p.name)
                .with_amount("cap", p.unit(), cap)
                .with_amount("received", p.unit(), received),
        ));
    }
    Ok(())
}

fn budget_left(tx: &Connection, p: &Program) -> Result<Option<Amount>> {
    match p.budget {
        None => Ok(None),
        Some(b) => Ok(Some(
            b - db::program_city_issued(tx, &p.code)? - db::scheduled_total(tx, &p.code)?,
        )),
    }
}

fn exhausted(p: &Program) -> ServiceError {
    ServiceError::BudgetExhausted(Text::new(Msg::BudgetUsedUp).with("program", &p.name))
}

/// A program that waits for approval, has not started or is over hands out nothing.
fn not_running(p: &Program) -> ServiceError {
    ServiceError::RuleViolation(Text::new(Msg::ProgramIsNotRunning).with("program", &p.name))
}
