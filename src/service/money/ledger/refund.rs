//! The ledger's refunds (see the parent module).

use super::*;

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
        .ok_or_else(|| not_found(Text::new(Msg::NoPaymentAtYourStore).with("id", payment_id)))?;
    let store_id = p.store_id.unwrap_or_default();
    store_moves_value(stores::get(tx, store_id)?)?;
    let parts = db::payment_parts(tx, payment_id)?;
    let open: Vec<(i64, Amount)> = parts
        .iter()
        .map(|p| (p.seq, p.amount - p.refunded))
        .collect();
    let split = refund_split(&open, amount.into()).ok_or_else(|| {
        ServiceError::LimitExceeded(
            Text::new(Msg::RefundAtMost).with_yen("left", p.amount - p.refunded),
        )
    })?;
    let mut ps = Vec::new();
    for (seq, y) in &split {
        let part = parts
            .iter()
            .find(|p| p.seq == *seq)
            .ok_or_else(|| ServiceError::Internal("refund part vanished".into()))?;
        ps.push(posting(Account::Store(store_id), &part.program, -*y));
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
            kind: EntryKind::Refund,
            at: now,
            actor: &who.actor,
            wallet: Some(p.wallet),
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
