//! The ledger's payments (see the parent module).

use super::*;
use crate::domain::StoreStatus::{Active, Suspended};
use crate::i18n::Msg;

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

pub(super) fn store_for_payment(s: Option<stores::StoreRow>) -> Result<stores::StoreRow> {
    match s {
        Some(s) if s.status == Active && s.accepts.iter().any(|m| m == "money") => Ok(s),
        Some(s) if s.status == Active => Err(ServiceError::RuleViolation(
            Text::new(Msg::StoreDoesNotAcceptMoney).with("store", &s.name),
        )),
        _ => Err(not_found(Msg::NoSuchStoreCheckThe)),
    }
}

/// A suspended or removed store moves no value, refunds included: the staff hear why.
pub fn store_moves_value(s: Option<stores::StoreRow>) -> Result<()> {
    match s {
        Some(s) if s.status == Active => Ok(()),
        Some(s) if s.status == Suspended => Err(ServiceError::RuleViolation(Text::new(
            Msg::ThisStoreIsSuspendedIt,
        ))),
        _ => Err(ServiceError::RuleViolation(Text::new(
            Msg::ThisStoreHasLeftThe,
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
    let wallet = own_wallet(tx, who)?;
    // The long code of the printed QR codes, or the short one people type (any case and
    // width); the short one is looked up only when the long one is not found.
    let code = store_code.trim();
    let found = match stores::by_mpm_code(tx, code)? {
        Some(s) => Some(s),
        None => match crate::domain::store::short_code_of(code) {
            Some(short) => stores::by_short_code(tx, &short)?,
            None => None,
        },
    };
    let store = store_for_payment(found)?;
    pay(
        app,
        tx,
        &who.actor,
        wallet,
        PaymentKind::Mpm,
        &store,
        amount,
    )
}

/// The life of a resident's CPM code, in seconds: long enough for a slow hand at the till.
pub const QR_TOKEN_SECS: i64 = 180;

/// A new single-use code for the resident to show at the till.
pub fn issue_qr_token(app: &App, who: &Principal) -> Result<(String, i64)> {
    require(who, &[Role::Resident])?;
    let resident_id = who.user_id.ok_or_else(|| not_found(Msg::NoResident))?;
    // Showing a code records it: while read-only, there is no code to show.
    if crate::service::operations::maintenance::read_only(app) {
        return Err(ServiceError::ReadOnly);
    }
    let token = format!("R{}", crypto::random_upper_code(23));
    let now = app.now();
    let expires_at = now + QR_TOKEN_SECS;
    let mut c = app.conn()?;
    crate::db::write(&mut c, |tx| {
        let wallet = resident_wallet(tx, resident_id, now)?;
        db::delete_old_qr_tokens(tx, now - 86_400)?;
        db::insert_qr_token(tx, &crypto::sha256(token.as_bytes()), wallet, expires_at)?;
        Ok::<_, ServiceError>(())
    })?;
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
    pin: Option<&str>,
) -> Result<PaymentOutcome> {
    require(who, &[Role::Merchant])?;
    if who.store_id != Some(store_id) {
        return Err(ServiceError::Forbidden(Text::new(
            Msg::StaffMayTakePaymentsOnly,
        )));
    }
    let store = store_for_payment(stores::get(tx, store_id)?)?;
    // A printed card's QR: the card pays while sold and not frozen or moved.
    if crate::domain::card::CardCode::looks_like_card(token) {
        let card = crate::service::money::cards::resolve(app, tx, token)?;
        crate::service::money::cards::check_usable(&card)?;
        crate::service::money::cards::check_pin(app, &card, pin)?;
        let wallet = db::wallet_of(tx, Payer::Card(card.id))?;
        return pay(
            app,
            tx,
            &who.actor,
            wallet,
            PaymentKind::Cpm,
            &store,
            amount,
        );
    }
    let hash = crypto::sha256(token.trim().to_ascii_uppercase().as_bytes());
    let now = app.now();
    let (wallet, expires_at, used_at) =
        db::qr_token(tx, &hash)?.ok_or_else(|| invalid(Msg::ThisIsNotAValid))?;
    if used_at.is_some() {
        return Err(ServiceError::Conflict(Text::new(
            Msg::ThisPaymentCodeWasAlready,
        )));
    }
    if now >= expires_at {
        return Err(ServiceError::Expired(Text::new(
            Msg::ThisPaymentCodeHasExpired,
        )));
    }
    let out = pay(
        app,
        tx,
        &who.actor,
        Some(wallet),
        PaymentKind::Cpm,
        &store,
        amount,
    )?;
    db::use_qr_token(tx, &hash, now, out.payment_id)?;
    Ok(out)
}

pub(super) fn pay(
    app: &App,
    tx: &Transaction,
    actor: &str,
    wallet: Option<WalletId>,
    kind: PaymentKind,
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
        wallet,
        kind,
        Some((store.id, store.name.clone())),
        purpose,
        amount,
        None,
    )
}

/// Draws `amount` of yen from the wallet's lots this purpose allows and records the
/// payment (to the store, or to the city's tax account). No wallet: nothing to draw from.
#[allow(clippy::too_many_arguments)]
pub(in crate::service) fn spend(
    app: &App,
    tx: &Transaction,
    actor: &str,
    wallet: Option<WalletId>,
    kind: PaymentKind,
    store: Option<(i64, String)>,
    purpose: Purpose,
    amount: Yen,
    notice_number: Option<&str>,
) -> Result<PaymentOutcome> {
    let now = app.now();
    let lots = match wallet {
        Some(w) => db::open_lots(tx, w)?,
        None => Vec::new(),
    };
    let programs = programs::all(app);
    let draws = allocate(&lots, &programs, purpose, Unit::Yen, now, amount.into()).map_err(
        |Shortfall { available }| {
            ServiceError::InsufficientFunds(
                Text::new(Msg::BalanceUsableHere).with_yen("available", available.yen()),
            )
        },
    )?;
    let wallet = wallet.ok_or_else(|| ServiceError::Internal("allocated from no wallet".into()))?;
    let store_id = store.as_ref().map(|s| s.0);
    let entry = post(
        tx,
        &EntryMeta {
            kind: kind.entry_kind(),
            at: now,
            actor,
            wallet: Some(wallet),
            store_id,
        },
        |_| {
            let mut ps: Vec<Posting> = draws
                .iter()
                .map(|d| posting(Account::Lot(d.lot_id), &d.program, -d.amount))
                .collect();
            let to = store_id.map_or(Account::Tax, Account::Store);
            for (program, y) in
                per_program(draws.iter().map(|d| (d.program.as_str(), d.amount.yen())))
            {
                ps.push(posting(to, &program, y));
            }
            Ok(ps)
        },
    )?;
    let payment_id = db::insert_payment(
        tx,
        &db::NewPayment {
            kind,
            wallet,
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
    let remaining = live_total(&lots, &programs, Unit::Yen, now).yen() - amount;
    Ok(PaymentOutcome {
        payment_id,
        store,
        amount,
        paid_at: now,
        breakdown: per_program(draws.iter().map(|d| (d.program.as_str(), d.amount.yen()))),
        balance_after: remaining,
    })
}

/// Sums amounts per program, keeping the order in which programs first appear.
pub(super) fn per_program<'a>(items: impl Iterator<Item = (&'a str, Yen)>) -> Vec<(String, Yen)> {
    let mut out: Vec<(String, Yen)> = Vec::new();
    for (p, y) in items {
        match out.iter_mut().find(|(q, _)| q == p) {
            Some((_, sum)) => *sum += y,
            None => out.push((p.to_owned(), y)),
        }
    }
    out
}
