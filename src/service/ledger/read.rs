//! The ledger's reading (see the parent module).

use super::*;

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
pub(super) fn own_store(who: &Principal) -> Result<i64> {
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
    require(who, crate::service::STAFF)?;
    Ok(db::program_figures(&*app.conn()?)?)
}
