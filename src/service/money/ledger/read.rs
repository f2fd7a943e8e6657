//! The ledger's reading (see the parent module).

use super::*;
use crate::i18n::Msg;

// --- reading ----------------------------------------------------------------------

pub struct BalanceLot {
    pub program: String,
    pub program_name: String,
    pub unit: Unit,
    pub amount: Amount,
    pub expires_at: Option<i64>,
    pub restricted: bool,
}

pub struct Balance {
    /// Money only: points are never added to it.
    pub total: Yen,
    /// Community points, counted apart from money.
    pub points: Amount,
    /// In the order a payment would spend them.
    pub lots: Vec<BalanceLot>,
}

/// What a holder has now, money and points apart.
pub fn balance(app: &App, holder: Payer) -> Result<Balance> {
    let c = app.conn()?;
    let now = app.now();
    let mut lots: Vec<Lot> = match existing_wallet(&c, holder)? {
        Some(w) => db::open_lots(&c, w)?
            .into_iter()
            .filter(|l| l.is_live(now))
            .collect(),
        None => Vec::new(),
    };
    let programs = programs::all(app);
    spending_order(&mut lots, &programs);
    Ok(Balance {
        total: live_total(&lots, &programs, Unit::Yen, now).yen(),
        points: live_total(&lots, &programs, Unit::Points, now),
        lots: lots
            .into_iter()
            .map(|l| {
                let p = programs.get(&l.program);
                BalanceLot {
                    program_name: p
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| l.program.clone()),
                    restricted: p.is_some_and(Program::is_restricted),
                    unit: p.map_or(Unit::Yen, Program::unit),
                    program: l.program,
                    amount: l.remaining,
                    expires_at: l.expires_at,
                }
            })
            .collect(),
    })
}

/// A holder's history, newest first; `before` is the cursor (an entry id).
pub fn history(
    app: &App,
    holder: Payer,
    filter: &db::HistoryFilter,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<db::HistoryRow>> {
    let c = app.conn()?;
    Ok(match existing_wallet(&c, holder)? {
        Some(w) => db::history(&c, w, filter, before.unwrap_or(i64::MAX), limit)?,
        None => Vec::new(),
    })
}

/// A holder's wallet for reading: the holder must exist; no wallet yet reads as empty.
fn existing_wallet(c: &Connection, holder: Payer) -> Result<Option<WalletId>> {
    match holder {
        // What a card holds is read whatever its status (the office looks at lost ones).
        Payer::Card(id) => {
            crate::db::cards::card(c, id)?
                .ok_or_else(|| not_found(Text::new(Msg::NoCard).with("id", id)))?;
        }
        Payer::Resident(_) => check_holder(c, holder)?,
    }
    Ok(db::wallet_of(c, holder)?)
}

/// What a charge would earn, worked out by running it and rolling it back, so the
/// resident sees exactly the premium the real charge will give (unless others charge in
/// between and use up a budget).
pub fn preview_charge(app: &App, who: &Principal, rq: &ChargeRequest) -> Result<ChargeOutcome> {
    let program = check_charge(app, who, rq)?;
    crate::db::rehearse(&mut *app.conn()?, |tx| {
        charge(app, tx, who, rq, &program, None)
    })
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
            Role::Resident => r.holder.is_some() && r.holder == who.user_id.map(Payer::Resident),
            Role::Merchant => r.payment.store_id.is_some() && r.payment.store_id == who.store_id,
            Role::Admin | Role::Operator => true,
            _ => false,
        })
        .ok_or_else(|| not_found(Text::new(Msg::NoPayment).with("id", payment_id)))?;
    let parts = db::payment_parts(&c, payment_id)?;
    let breakdown = per_program(parts.iter().map(|p| (p.program.as_str(), p.amount.yen())));
    Ok((r, program_names(app, breakdown)))
}

/// The programs' names (what people read) in place of their codes.
fn program_names(app: &App, lines: Vec<(String, Yen)>) -> Vec<(String, Yen)> {
    let all = programs::all(app);
    lines
        .into_iter()
        .map(|(code, y)| (all.get(&code).map(|p| p.name.clone()).unwrap_or(code), y))
        .collect()
}

/// A refund's receipt for the store that gave it: the refund, the payment it was of
/// (with what is still refundable) and the store's name.
pub struct RefundReceipt {
    pub refund: db::RefundRow,
    pub payment: db::Receipt,
}

pub fn refund_receipt(app: &App, who: &Principal, refund_id: i64) -> Result<RefundReceipt> {
    let store = own_store(who)?;
    let c = app.conn()?;
    let missing = || not_found(Text::new(Msg::NoRefund).with("id", refund_id));
    let refund = db::refund_row(&c, refund_id)?.ok_or_else(missing)?;
    let payment = db::receipt(&c, refund.payment_id)?
        .filter(|r| r.payment.store_id == Some(store))
        .ok_or_else(missing)?;
    Ok(RefundReceipt { refund, payment })
}

/// A store's takings in [from, until) per program (names), net of refunds: what the
/// day's CSV adds up under its totals line.
pub fn store_split(app: &App, who: &Principal, from: i64, until: i64) -> Result<StoreSplit> {
    let store = own_store(who)?;
    let parts = db::store_parts_between(&*app.conn()?, store, from, until)?;
    let per_payment = parts
        .iter()
        .map(|(id, program, amount, refunded)| (*id, program.clone(), (*amount - *refunded).yen()))
        .collect::<Vec<_>>();
    let totals = per_program(per_payment.iter().map(|(_, p, y)| (p.as_str(), *y)));
    let all = programs::all(app);
    let name = |code: &str| {
        all.get(code)
            .map(|p| p.name.clone())
            .unwrap_or(code.to_owned())
    };
    Ok(StoreSplit {
        programs: totals.iter().map(|(code, _)| name(code)).collect(),
        lines: per_payment
            .into_iter()
            .map(|(id, code, y)| (id, name(&code), y))
            .collect(),
    })
}

/// The programs paid from (names, in order of first use) and each payment's net part per
/// program.
pub struct StoreSplit {
    pub programs: Vec<String>,
    pub lines: Vec<(i64, String, Yen)>,
}

/// A charge receipt, for the resident it was for.
pub fn charge_receipt(app: &App, who: &Principal, charge_id: i64) -> Result<db::ChargeRow> {
    db::charge_row(&*app.conn()?, charge_id)?
        .filter(|c| {
            who.role.is_staff()
                || (c.holder.is_some() && c.holder == who.user_id.map(Payer::Resident))
        })
        .ok_or_else(|| not_found(Text::new(Msg::NoCharge).with("id", charge_id)))
}

/// The merchant's own store, or a refusal.
pub(super) fn own_store(who: &Principal) -> Result<i64> {
    require(who, &[Role::Merchant])?;
    who.store_id.ok_or_else(|| not_found(Msg::NoStore))
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
        Some((wallet, _, _)) if Some(wallet) == own_wallet(&c, who)? => {
            Ok(db::qr_token_payment(&c, &hash)?)
        }
        _ => Err(not_found(Msg::NoSuchCode)),
    }
}

/// Per-program figures for the city: issued, outstanding, redeemed, expired.
pub fn program_figures(app: &App, who: &Principal) -> Result<Vec<db::Figures>> {
    require(who, crate::service::STAFF)?;
    Ok(db::program_figures(&*app.conn()?)?)
}
