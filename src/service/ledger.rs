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

// --- charges ----------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    CreditCard,
    Bank,
    Cash,
    Admin,
}

impl Method {
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s {
            "credit_card" => Method::CreditCard,
            "bank" => Method::Bank,
            "cash" => Method::Cash,
            "admin" => Method::Admin,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::CreditCard => "credit_card",
            Method::Bank => "bank",
            Method::Cash => "cash",
            Method::Admin => "admin",
        }
    }

    /// Card and bank charges go through the payment provider.
    pub fn needs_provider(self) -> bool {
        matches!(self, Method::CreditCard | Method::Bank)
    }
}

#[derive(Debug, Clone)]
pub struct ChargeRequest {
    pub resident_id: i64,
    pub amount: Yen,
    pub method: Method,
    /// The program charged into; `cash` when not named.
    pub program: Option<String>,
    /// An expiry for this charge alone (KUM-エ-h); otherwise the program's.
    pub expires_at: Option<i64>,
}

pub struct ChargeOutcome {
    pub charge_id: i64,
    pub amount: Yen,
    pub premium_granted: Yen,
    pub balance: Yen,
    /// The payment provider that took the money, if any.
    pub provider: Option<String>,
}

/// Who may charge whom, with which method. Checked before any money is taken.
pub fn check_charge(app: &App, who: &Principal, rq: &ChargeRequest) -> Result<Program> {
    let allowed = match who.role {
        Role::Resident => who.user_id == Some(rq.resident_id) && rq.method.needs_provider(),
        Role::Operator => rq.method == Method::Cash,
        Role::Admin => true,
        _ => false,
    };
    if !allowed {
        return Err(ServiceError::Forbidden(Text::new(
            format!(
                "the {} role may not charge this wallet with {}",
                who.role,
                rq.method.as_str()
            ),
            "この方法ではチャージできません",
        )));
    }
    if rq.method.needs_provider() && app.provider.is_none() {
        return Err(provider::unavailable());
    }
    if rq.method == Method::Admin && who.role != Role::Admin {
        return Err(ServiceError::Forbidden(Text::new(
            "only an admin may use method admin",
            "管理者のみ使える方法です",
        )));
    }
    let program = programs::get(app, rq.program.as_deref().unwrap_or("cash"))?;
    if program.kind == ProgramKind::Subsidy {
        return Err(invalid(
            format!("{} is a subsidy: it is granted, not charged", program.code),
            format!("{}は付与のみの事業です", program.name),
        ));
    }
    if rq.amount.0 % program.charge_unit.0 != 0 {
        return Err(invalid(
            format!(
                "charges to {} are in units of {} yen",
                program.code, program.charge_unit.0
            ),
            format!("{}単位でチャージしてください", program.charge_unit.ja()),
        ));
    }
    let now = app.now();
    if let Some(e) = rq.expires_at
        && e <= now
    {
        return Err(invalid(
            "expires_at is already past",
            "有効期限が過去の日時です",
        ));
    }
    if program.expiry.for_issue(now).is_some_and(|e| e <= now)
        || program.usable_until.is_some_and(|u| u <= now)
    {
        return Err(ServiceError::Expired(Text::new(
            format!("{} has ended", program.code),
            format!("{}は終了しました", program.name),
        )));
    }
    Ok(program)
}

/// Records a charge (after the provider approved it): the charged lot plus any premium
/// that active premium programs grant on it.
pub fn charge(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    rq: &ChargeRequest,
    program: &Program,
    approval: Option<(&str, &str)>,
) -> Result<ChargeOutcome> {
    let now = app.now();
    resident(tx, rq.resident_id)?;
    let wallet = wallet_of(tx, rq.resident_id, now)?;

    // Premium: the charged program's own, or, for plain cash, every running premium
    // campaign that grants premium on charges.
    let all = programs::all(app);
    let sources: Vec<&Program> = if program.charge_premium.is_some() {
        vec![program]
    } else if program.kind == ProgramKind::Cash {
        let mut v: Vec<&Program> = all
            .values()
            .filter(|p| p.kind == ProgramKind::Premium && p.charge_premium.is_some())
            .filter(|p| {
                p.expiry.for_issue(now).is_none_or(|e| e > now)
                    && p.usable_until.is_none_or(|u| u > now)
            })
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    } else {
        vec![]
    };
    let mut premiums: Vec<(&Program, Yen)> = Vec::new();
    for p in sources {
        let Some(cp) = p.charge_premium else { continue };
        let received = db::received(tx, wallet, &p.code, Some("premium"))?;
        let left = budget_left(tx, p)?;
        let y = charge_premium(rq.amount, cp, received, left);
        // Charging into a campaign whose premium budget is spent stops (KUM-エ-d).
        if p.code == program.code && left.is_some_and(|l| l <= Yen::ZERO) {
            return Err(exhausted(p));
        }
        if y > Yen::ZERO {
            premiums.push((p, y));
        }
    }
    let own_premium: Yen = premiums
        .iter()
        .filter(|(p, _)| p.code == program.code)
        .map(|(_, y)| *y)
        .sum();
    check_cap(
        program,
        db::received(tx, wallet, &program.code, None)?,
        rq.amount + own_premium,
    )?;
    for (p, y) in &premiums {
        if p.code != program.code {
            check_cap(p, db::received(tx, wallet, &p.code, None)?, *y)?;
        }
    }

    let entry = post(
        tx,
        &EntryMeta {
            kind: "charge",
            at: now,
            actor: &who.actor,
            wallet_id: Some(wallet),
            store_id: None,
        },
        |entry_id| {
            let mut ps = Vec::new();
            let charged = db::insert_lot(
                tx,
                &db::NewLot {
                    wallet_id: wallet,
                    program: &program.code,
                    origin: "charge",
                    amount: rq.amount,
                    expires_at: rq.expires_at.or(program.expiry.for_issue(now)),
                    entry_id,
                    now,
                },
            )?;
            ps.push(posting(Account::Issue, &program.code, Yen(-rq.amount.0)));
            ps.push(posting(Account::Lot(charged), &program.code, rq.amount));
            for (p, y) in &premiums {
                let lot = db::insert_lot(
                    tx,
                    &db::NewLot {
                        wallet_id: wallet,
                        program: &p.code,
                        origin: "premium",
                        amount: *y,
                        expires_at: p.expiry.for_issue(now),
                        entry_id,
                        now,
                    },
                )?;
                ps.push(posting(Account::Issue, &p.code, Yen(-y.0)));
                ps.push(posting(Account::Lot(lot), &p.code, *y));
            }
            Ok(ps)
        },
    )?;
    let premium_granted: Yen = premiums.iter().map(|(_, y)| *y).sum();
    let charge_id = db::insert_charge(
        tx,
        &db::NewCharge {
            wallet_id: wallet,
            program: &program.code,
            amount: rq.amount,
            premium: premium_granted,
            method: rq.method.as_str(),
            provider: approval.map(|a| a.0),
            provider_ref: approval.map(|a| a.1),
            entry_id: entry,
            at: now,
        },
    )?;
    Ok(ChargeOutcome {
        charge_id,
        provider: approval.map(|a| a.0.to_owned()),
        amount: rq.amount,
        premium_granted,
        balance: balance_now(tx, wallet, now)?,
    })
}

/// The whole charge: checks, the payment provider (for card and bank), and the ledger,
/// honouring an Idempotency-Key. The provider takes the money before the ledger records
/// it; if recording fails the provider gives it back. The answer is the API's body.
pub fn charge_paid(
    app: &Arc<App>,
    who: &Principal,
    rq: &ChargeRequest,
    key: Option<&str>,
    fingerprint: &[u8],
) -> Result<idempotency::Answer> {
    let program = check_charge(app, who, rq)?;
    let scope = who.idempotency_scope();
    if let Some(a) = idempotency::stored(app, &scope, key, fingerprint)? {
        return Ok(a);
    }
    let provider = match (&app.provider, rq.method.needs_provider()) {
        (Some(p), true) => Some(p),
        (None, true) => return Err(provider::unavailable()),
        (_, false) => None,
    };
    let approval = match provider {
        Some(p) => {
            let attempt = key.map(str::to_owned).unwrap_or_else(crypto::random_token);
            Some(p.authorize(rq.method.as_str(), rq.amount, &attempt)?)
        }
        None => None,
    };
    let provider_name = provider.map_or("", |p| p.name());
    let reference = approval.as_ref().map(|a| a.reference.clone());
    let (shared, who2, rq2) = (app.clone(), who.clone(), rq.clone());
    let result = idempotency::run(
        app,
        &scope,
        key,
        fingerprint,
        move |tx| {
            charge(
                &shared,
                tx,
                &who2,
                &rq2,
                &program,
                reference.as_deref().map(|r| (provider_name, r)),
            )
        },
        |o| {
            (
                201,
                serde_json::json!({
                    "charge_id": o.charge_id,
                    "amount": o.amount.0,
                    "premium_granted": o.premium_granted.0,
                    "balance": o.balance.0,
                    // Which provider took the money; "sandbox" means no real money moved.
                    "provider": o.provider,
                }),
            )
        },
    );
    if result.is_err()
        && let (Some(p), Some(a)) = (provider, &approval)
    {
        p.void(a);
    }
    result
}

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

// --- payments ---------------------------------------------------------------------

pub struct PaymentOutcome {
    pub payment_id: i64,
    pub store: Option<(i64, String)>,
    pub amount: Yen,
    pub paid_at: i64,
    /// Per program, in spending order.
    pub breakdown: Vec<(String, Yen)>,
    pub balance_after: Yen,
}

fn store_for_payment(s: Option<stores::StoreRow>) -> Result<stores::StoreRow> {
    match s {
        Some(s) if s.status == "active" && s.accepts.iter().any(|m| m == "money") => Ok(s),
        Some(s) if s.status == "active" => Err(ServiceError::RuleViolation(Text::new(
            format!("{} does not accept money payments", s.name),
            format!("{}ではこの支払いはご利用になれません", s.name),
        ))),
        _ => Err(not_found(
            "no such store (check the QR code)",
            "加盟店が見つかりません(QRコードをご確認ください)",
        )),
    }
}

/// A suspended or removed store moves no value, refunds included: the staff hear why.
pub fn store_moves_value(s: Option<stores::StoreRow>) -> Result<()> {
    match s {
        Some(s) if s.status == "active" => Ok(()),
        Some(s) if s.status == "suspended" => Err(ServiceError::RuleViolation(Text::new(
            "this store is suspended: it can take no payments and give no refunds until the secretariat reinstates it",
            "この店舗は利用停止中のため、支払いの受付と返金はできません。事務局にお問い合わせください",
        ))),
        _ => Err(ServiceError::RuleViolation(Text::new(
            "this store has left the scheme: it can take no payments and give no refunds",
            "この店舗は登録が抹消されているため、支払いの受付と返金はできません",
        ))),
    }
}

/// MPM: the resident scanned the store's code and pays `amount`.
pub fn pay_at_store_code(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    store_code: &str,
    amount: Yen,
) -> Result<PaymentOutcome> {
    require(who, &[Role::Resident])?;
    let resident_id = who
        .user_id
        .ok_or_else(|| not_found("no resident", "利用者が見つかりません"))?;
    let store = store_for_payment(stores::by_mpm_code(tx, store_code.trim())?)?;
    pay(app, tx, &who.actor, resident_id, "mpm", &store, amount)
}

/// The life of a resident's CPM code, in seconds: long enough for a slow hand at the till.
pub const QR_TOKEN_SECS: i64 = 180;

/// A new single-use code for the resident to show at the till.
pub fn issue_qr_token(app: &App, who: &Principal) -> Result<(String, i64)> {
    require(who, &[Role::Resident])?;
    let resident_id = who
        .user_id
        .ok_or_else(|| not_found("no resident", "利用者が見つかりません"))?;
    let token = format!("R{}", crypto::random_upper_code(23));
    let expires_at = app.now() + QR_TOKEN_SECS;
    let c = app.conn()?;
    db::delete_old_qr_tokens(&c, app.now() - 86_400)?;
    db::insert_qr_token(
        &c,
        &crypto::sha256(token.as_bytes()),
        resident_id,
        expires_at,
    )?;
    Ok((token, expires_at))
}

/// CPM: the store scanned the resident's code and charges `amount` to it.
pub fn pay_by_token(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    store_id: i64,
    token: &str,
    amount: Yen,
) -> Result<PaymentOutcome> {
    require(who, &[Role::Merchant])?;
    if who.store_id != Some(store_id) {
        return Err(ServiceError::Forbidden(Text::new(
            "staff may take payments only for their own store",
            "自店舗以外の決済はできません",
        )));
    }
    let store = store_for_payment(stores::get(tx, store_id)?)?;
    let hash = crypto::sha256(token.trim().to_ascii_uppercase().as_bytes());
    let now = app.now();
    let (resident_id, expires_at, used_at) = db::qr_token(tx, &hash)?.ok_or_else(|| {
        invalid(
            "this is not a valid payment code",
            "読み取ったコードは使えません",
        )
    })?;
    if used_at.is_some() {
        return Err(ServiceError::Conflict(Text::new(
            "this payment code was already used",
            "このコードは使用済みです",
        )));
    }
    if now >= expires_at {
        return Err(ServiceError::Expired(Text::new(
            "this payment code has expired; ask for a new one",
            "コードの有効期限が切れました。もう一度表示してもらってください",
        )));
    }
    let out = pay(app, tx, &who.actor, resident_id, "cpm", &store, amount)?;
    db::use_qr_token(tx, &hash, now, out.payment_id)?;
    Ok(out)
}

fn pay(
    app: &App,
    tx: &Transaction,
    actor: &str,
    resident_id: i64,
    kind: &str,
    store: &stores::StoreRow,
    amount: Yen,
) -> Result<PaymentOutcome> {
    let purpose = Purpose::Payment {
        store_id: store.id,
        category: &store.category,
    };
    spend(
        app,
        tx,
        actor,
        resident_id,
        kind,
        Some((store.id, store.name.clone())),
        purpose,
        amount,
        None,
    )
}

/// Draws `amount` from the resident's lots this purpose allows and records the payment
/// (to the store, or to the city's tax account).
#[allow(clippy::too_many_arguments)]
pub(super) fn spend(
    app: &App,
    tx: &Transaction,
    actor: &str,
    resident_id: i64,
    kind: &str,
    store: Option<(i64, String)>,
    purpose: Purpose,
    amount: Yen,
    notice_number: Option<&str>,
) -> Result<PaymentOutcome> {
    let now = app.now();
    let wallet = db::resident_wallet(tx, resident_id)?;
    let lots = match wallet {
        Some(w) => db::open_lots(tx, w)?,
        None => Vec::new(),
    };
    let programs = programs::all(app);
    let draws =
        allocate(&lots, &programs, purpose, now, amount).map_err(|Shortfall { available }| {
            ServiceError::InsufficientFunds(Text::new(
                format!(
                    "the balance usable here is {} yen, less than {}",
                    available.0, amount.0
                ),
                format!("ここで使える残高は{}です(不足しています)", available.ja()),
            ))
        })?;
    let wallet = wallet.ok_or_else(|| ServiceError::Internal("allocated from no wallet".into()))?;
    let store_id = store.as_ref().map(|s| s.0);
    let entry = post(
        tx,
        &EntryMeta {
            kind: if kind == "tax" { "tax" } else { "payment" },
            at: now,
            actor,
            wallet_id: Some(wallet),
            store_id,
        },
        |_| {
            let mut ps: Vec<Posting> = draws
                .iter()
                .map(|d| posting(Account::Lot(d.lot_id), &d.program, Yen(-d.amount.0)))
                .collect();
            let to = store_id.map_or(Account::Tax, Account::Store);
            for (program, y) in per_program(draws.iter().map(|d| (d.program.as_str(), d.amount))) {
                ps.push(posting(to, &program, y));
            }
            Ok(ps)
        },
    )?;
    let payment_id = db::insert_payment(
        tx,
        &db::NewPayment {
            kind,
            wallet_id: wallet,
            store_id,
            amount,
            notice_number,
            entry_id: entry,
            at: now,
        },
    )?;
    for (seq, d) in draws.iter().enumerate() {
        db::insert_payment_part(tx, payment_id, seq as i64, d.lot_id, &d.program, d.amount)?;
    }
    let remaining: Yen = lots
        .iter()
        .filter(|l| l.is_live(now))
        .map(|l| l.remaining)
        .sum::<Yen>()
        - amount;
    Ok(PaymentOutcome {
        payment_id,
        store,
        amount,
        paid_at: now,
        breakdown: per_program(draws.iter().map(|d| (d.program.as_str(), d.amount))),
        balance_after: remaining,
    })
}

/// Sums amounts per program, keeping the order in which programs first appear.
fn per_program<'a>(items: impl Iterator<Item = (&'a str, Yen)>) -> Vec<(String, Yen)> {
    let mut out: Vec<(String, Yen)> = Vec::new();
    for (p, y) in items {
        match out.iter_mut().find(|(q, _)| q == p) {
            Some((_, sum)) => *sum += y,
            None => out.push((p.to_owned(), y)),
        }
    }
    out
}

// --- refunds ----------------------------------------------------------------------

pub struct RefundOutcome {
    pub refund_id: i64,
    pub amount: Yen,
    pub payment_id: i64,
}

/// A store gives back `amount` of one of its payments; the value returns to the lots it
/// came from (last spent first). Value returning to a lot whose expiry has come goes
/// straight to the expired account.
pub fn refund(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    payment_id: i64,
    amount: Yen,
) -> Result<RefundOutcome> {
    require(who, &[Role::Merchant])?;
    let now = app.now();
    let p = db::payment(tx, payment_id)?
        .filter(|p| p.store_id.is_some() && p.store_id == who.store_id)
        .ok_or_else(|| {
            not_found(
                format!("no payment {payment_id} at your store"),
                "この店舗の支払いが見つかりません",
            )
        })?;
    let store_id = p.store_id.unwrap_or_default();
    store_moves_value(stores::get(tx, store_id)?)?;
    let parts = db::payment_parts(tx, payment_id)?;
    let open: Vec<(i64, Yen)> = parts
        .iter()
        .map(|p| (p.seq, p.amount - p.refunded))
        .collect();
    let split = refund_split(&open, amount).ok_or_else(|| {
        ServiceError::LimitExceeded(Text::new(
            format!(
                "at most {} yen of this payment can still be refunded",
                (p.amount - p.refunded).0
            ),
            format!("返金できるのは残り{}までです", (p.amount - p.refunded).ja()),
        ))
    })?;
    let mut ps = Vec::new();
    for (seq, y) in &split {
        let part = parts
            .iter()
            .find(|p| p.seq == *seq)
            .ok_or_else(|| ServiceError::Internal("refund part vanished".into()))?;
        ps.push(posting(Account::Store(store_id), &part.program, Yen(-y.0)));
        let to = if db::lot_is_over(tx, part.lot_id, now)? {
            Account::Expired
        } else {
            Account::Lot(part.lot_id)
        };
        ps.push(posting(to, &part.program, *y));
        db::add_part_refund(tx, payment_id, *seq, *y)?;
    }
    let entry = post(
        tx,
        &EntryMeta {
            kind: "refund",
            at: now,
            actor: &who.actor,
            wallet_id: Some(p.wallet_id),
            store_id: Some(store_id),
        },
        |_| Ok(ps),
    )?;
    db::add_payment_refund(tx, payment_id, amount)?;
    Ok(RefundOutcome {
        refund_id: db::insert_refund(tx, payment_id, amount, entry, now)?,
        amount,
        payment_id,
    })
}

// --- expiry and scheduled work ----------------------------------------------------

/// Moves the value of every lot whose expiry has come to the expired account, one entry
/// per lot. Idempotent: an expired lot holds nothing and is not picked again.
pub fn expire_due(tx: &Transaction, now: i64) -> Result<usize> {
    let due = db::lots_due_to_expire(tx, now)?;
    for (lot, wallet) in &due {
        post(
            tx,
            &EntryMeta {
                kind: "expiry",
                at: now,
                actor: "job:expiry",
                wallet_id: Some(*wallet),
                store_id: None,
            },
            |_| {
                Ok(vec![
                    posting(Account::Lot(lot.id), &lot.program, Yen(-lot.remaining.0)),
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

// --- reading ----------------------------------------------------------------------

pub struct BalanceLot {
    pub program: String,
    pub program_name: String,
    pub amount: Yen,
    pub expires_at: Option<i64>,
    pub restricted: bool,
}

pub struct Balance {
    pub total: Yen,
    /// In the order a payment would spend them.
    pub lots: Vec<BalanceLot>,
}

pub fn balance(app: &App, resident_id: i64) -> Result<Balance> {
    let c = app.conn()?;
    resident(&c, resident_id)?;
    let now = app.now();
    let mut lots: Vec<Lot> = match db::resident_wallet(&c, resident_id)? {
        Some(w) => db::open_lots(&c, w)?
            .into_iter()
            .filter(|l| l.is_live(now))
            .collect(),
        None => Vec::new(),
    };
    let programs = programs::all(app);
    spending_order(&mut lots, &programs);
    Ok(Balance {
        total: lots.iter().map(|l| l.remaining).sum(),
        lots: lots
            .into_iter()
            .map(|l| {
                let p = programs.get(&l.program);
                BalanceLot {
                    program_name: p
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| l.program.clone()),
                    restricted: p.is_some_and(Program::is_restricted),
                    program: l.program,
                    amount: l.remaining,
                    expires_at: l.expires_at,
                }
            })
            .collect(),
    })
}

/// A resident's history, newest first; `before` is the cursor (an entry id).
pub fn history(
    app: &App,
    resident_id: i64,
    filter: &db::HistoryFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<db::HistoryRow>> {
    let c = app.conn()?;
    Ok(match db::resident_wallet(&c, resident_id)? {
        Some(w) => db::history(&c, w, filter, before.unwrap_or(i64::MAX), limit)?,
        None => Vec::new(),
    })
}

/// What a charge would earn, worked out by running it and rolling it back, so the
/// resident sees exactly the premium the real charge will give (unless others charge in
/// between and use up a budget).
pub fn preview_charge(app: &App, who: &Principal, rq: &ChargeRequest) -> Result<ChargeOutcome> {
    let program = check_charge(app, who, rq)?;
    let mut conn = app.conn()?;
    let tx = conn.transaction()?;
    let out = charge(app, &tx, who, rq, &program, None);
    tx.rollback()?;
    out
}

/// A payment receipt, for the resident who paid or the store that was paid.
pub fn receipt(
    app: &App,
    who: &Principal,
    payment_id: i64,
) -> Result<(db::Receipt, Vec<(String, Yen)>)> {
    let c = app.conn()?;
    let r = db::receipt(&c, payment_id)?
        .filter(|r| match who.role {
            Role::Resident => r.resident_id.is_some() && r.resident_id == who.user_id,
            Role::Merchant => r.payment.store_id.is_some() && r.payment.store_id == who.store_id,
            Role::Admin | Role::Operator => true,
            _ => false,
        })
        .ok_or_else(|| {
            not_found(
                format!("no payment {payment_id}"),
                "お支払いが見つかりません",
            )
        })?;
    let parts = db::payment_parts(&c, payment_id)?;
    let breakdown = per_program(parts.iter().map(|p| (p.program.as_str(), p.amount)));
    Ok((r, breakdown))
}

/// A charge receipt, for the resident it was for.
pub fn charge_receipt(app: &App, who: &Principal, charge_id: i64) -> Result<db::ChargeRow> {
    db::charge_row(&*app.conn()?, charge_id)?
        .filter(|c| {
            who.role.is_staff() || (c.resident_id.is_some() && c.resident_id == who.user_id)
        })
        .ok_or_else(|| not_found(format!("no charge {charge_id}"), "チャージが見つかりません"))
}

/// The merchant's own store, or a refusal.
fn own_store(who: &Principal) -> Result<i64> {
    require(who, &[Role::Merchant])?;
    who.store_id
        .ok_or_else(|| not_found("no store", "店舗が見つかりません"))
}

/// New payments at the merchant's store since `after_id` (the till's live feed).
pub fn store_feed(app: &App, who: &Principal, after_id: i64) -> Result<Vec<db::PaymentRow>> {
    let store = own_store(who)?;
    Ok(db::store_payments_since(
        &*app.conn()?,
        store,
        after_id,
        100,
    )?)
}

/// The merchant's payments in [from, until), newest first.
pub fn store_payments(
    app: &App,
    who: &Principal,
    from: i64,
    until: i64,
) -> Result<Vec<db::PaymentRow>> {
    let store = own_store(who)?;
    Ok(db::store_payments_between(
        &*app.conn()?,
        store,
        from,
        until,
        100_000,
    )?)
}

/// Whether the resident's CPM code has been used, and by which payment.
pub fn qr_status(app: &App, who: &Principal, token: &str) -> Result<Option<i64>> {
    require(who, &[Role::Resident])?;
    let c = app.conn()?;
    let hash = crypto::sha256(token.trim().as_bytes());
    match db::qr_token(&c, &hash)? {
        Some((resident, _, _)) if Some(resident) == who.user_id => {
            Ok(db::qr_token_payment(&c, &hash)?)
        }
        _ => Err(not_found("no such code", "コードが見つかりません")),
    }
}

/// Per-program figures for the city: issued, outstanding, redeemed, expired.
pub fn program_figures(app: &App, who: &Principal) -> Result<Vec<db::Figures>> {
    require(who, super::STAFF)?;
    Ok(db::program_figures(&*app.conn()?)?)
}
