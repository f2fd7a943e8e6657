//! The ledger's tables: records (see the parent module).

use super::*;

// --- records ----------------------------------------------------------------------

pub struct NewCharge<'a> {
    pub wallet: WalletId,
    pub program: &'a str,
    pub amount: Yen,
    pub premium: Yen,
    pub method: ChargeMethod,
    pub provider: Option<&'a str>,
    pub provider_ref: Option<&'a str>,
    pub entry_id: i64,
    pub at: i64,
    /// The card-selling store that took the cash, which it owes the city.
    pub store_id: Option<i64>,
}

pub fn insert_charge(c: &Connection, ch: &NewCharge) -> rusqlite::Result<i64> {
    crate::db::exec(c,
        "INSERT INTO charges (wallet_id, program, amount, premium, method, provider, provider_ref, entry_id, at, store_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![ch.wallet.0, ch.program, ch.amount.0, ch.premium.0, ch.method.code(), ch.provider, ch.provider_ref, ch.entry_id, ch.at, ch.store_id],
    )?;
    Ok(c.last_insert_rowid())
}

pub struct PaymentRow {
    pub id: i64,
    pub kind: PaymentKind,
    pub wallet: WalletId,
    pub store_id: Option<i64>,
    pub amount: Yen,
    pub refunded: Yen,
    pub at: i64,
}

pub struct NewPayment<'a> {
    pub kind: PaymentKind,
    pub wallet: WalletId,
    pub store_id: Option<i64>,
    pub amount: Yen,
    pub notice_number: Option<&'a str>,
    pub entry_id: i64,
    pub at: i64,
}

pub fn insert_payment(c: &Connection, p: &NewPayment) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "INSERT INTO payments (kind, wallet_id, store_id, amount, notice_number, entry_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        p.kind.code(),
        p.wallet.0,
        p.store_id,
        p.amount.0,
        p.notice_number,
        p.entry_id,
        p.at
    ])?;
    Ok(c.last_insert_rowid())
}

pub fn insert_payment_part(
    c: &Connection,
    payment_id: i64,
    seq: i64,
    lot_id: i64,
    program: &str,
    amount: Amount,
) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO payment_parts (payment_id, seq, lot_id, program, amount) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![payment_id, seq, lot_id, program, amount.0])?;
    Ok(())
}

pub fn payment(c: &Connection, id: i64) -> rusqlite::Result<Option<PaymentRow>> {
    crate::db::one(
        c,
        "SELECT id, kind, wallet_id, store_id, amount, refunded, at FROM payments WHERE id = ?1",
        [id],
        |r| {
            Ok(PaymentRow {
                id: r.get(0)?,
                kind: code_at(r, 1)?,
                wallet: WalletId(r.get(2)?),
                store_id: r.get(3)?,
                amount: Yen(r.get(4)?),
                refunded: Yen(r.get(5)?),
                at: r.get(6)?,
            })
        },
    )
    .optional()
}

/// One lot's share of a payment.
pub struct PartRow {
    pub seq: i64,
    pub lot_id: i64,
    pub program: String,
    pub amount: Amount,
    pub refunded: Amount,
}

/// A payment's parts in spending order.
pub fn payment_parts(c: &Connection, payment_id: i64) -> rusqlite::Result<Vec<PartRow>> {
    let mut st = c.prepare("SELECT seq, lot_id, program, amount, refunded FROM payment_parts WHERE payment_id = ?1 ORDER BY seq")?;
    st.query_map([payment_id], |r| {
        Ok(PartRow {
            seq: r.get(0)?,
            lot_id: r.get(1)?,
            program: r.get(2)?,
            amount: Amount(r.get(3)?),
            refunded: Amount(r.get(4)?),
        })
    })?
    .collect()
}

pub fn add_part_refund(
    c: &Connection,
    payment_id: i64,
    seq: i64,
    amount: Amount,
) -> rusqlite::Result<()> {
    crate::db::exec(
        c,
        "UPDATE payment_parts SET refunded = refunded + ?3 WHERE payment_id = ?1 AND seq = ?2",
        params![payment_id, seq, amount.0],
    )?;
    Ok(())
}

pub fn add_payment_refund(c: &Connection, payment_id: i64, amount: Yen) -> rusqlite::Result<()> {
    crate::db::exec(
        c,
        "UPDATE payments SET refunded = refunded + ?2 WHERE id = ?1",
        params![payment_id, amount.0],
    )?;
    Ok(())
}

pub fn insert_refund(
    c: &Connection,
    payment_id: i64,
    amount: Yen,
    entry_id: i64,
    at: i64,
) -> rusqlite::Result<i64> {
    crate::db::exec(
        c,
        "INSERT INTO refunds (payment_id, amount, entry_id, at) VALUES (?1, ?2, ?3, ?4)",
        params![payment_id, amount.0, entry_id, at],
    )?;
    Ok(c.last_insert_rowid())
}

/// One refund as recorded: which payment, how much, when.
pub struct RefundRow {
    pub id: i64,
    pub payment_id: i64,
    pub amount: Yen,
    pub at: i64,
}

pub fn refund_row(c: &Connection, id: i64) -> rusqlite::Result<Option<RefundRow>> {
    crate::db::one(
        c,
        "SELECT id, payment_id, amount, at FROM refunds WHERE id = ?1",
        [id],
        |r| {
            Ok(RefundRow {
                id: r.get(0)?,
                payment_id: r.get(1)?,
                amount: Yen(r.get(2)?),
                at: r.get(3)?,
            })
        },
    )
    .optional()
}

/// The parts (payment id, program, amount drawn, amount refunded) of a store's payments
/// in [from, until), for the day's CSV split by program.
pub fn store_parts_between(
    c: &Connection,
    store_id: i64,
    from: i64,
    until: i64,
) -> rusqlite::Result<Vec<(i64, String, Amount, Amount)>> {
    let mut st = c.prepare_cached(
        "SELECT pp.payment_id, pp.program, pp.amount, pp.refunded
         FROM payment_parts pp JOIN payments p ON p.id = pp.payment_id
         WHERE p.store_id = ?1 AND p.at >= ?2 AND p.at < ?3 ORDER BY pp.payment_id, pp.seq",
    )?;
    st.query_map(params![store_id, from, until], |r| {
        Ok((r.get(0)?, r.get(1)?, Amount(r.get(2)?), Amount(r.get(3)?)))
    })?
    .collect()
}

/// How many charges a wallet has taken.
pub fn charge_count(c: &Connection, wallet: WalletId) -> rusqlite::Result<i64> {
    crate::db::one(
        c,
        "SELECT count(*) FROM charges WHERE wallet_id = ?1",
        [wallet.0],
        |r| r.get(0),
    )
}
