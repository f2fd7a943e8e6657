//! The ledger's tables: history (see the parent module).

use super::*;

// --- history ----------------------------------------------------------------------

/// One line of a wallet's history. An entry moves value of one unit (a payment draws
/// lots of its unit only; a charge's premiums are yen like the charge).
pub struct HistoryRow {
    pub entry_id: i64,
    pub kind: EntryKind,
    pub at: i64,
    /// The unit of the entry's programs.
    pub unit: Unit,
    /// Net change of the wallet (positive: value came in).
    pub amount: Amount,
    pub store: Option<(i64, String)>,
}

/// Which history lines to show.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    /// One entry kind, or all.
    pub kind: Option<EntryKind>,
    /// From this instant on.
    pub from: Option<i64>,
    /// Strictly before this instant.
    pub until: Option<i64>,
}

/// A wallet's history, newest first, before entry `before_id` (keyset pagination).
pub fn history(
    c: &Connection,
    wallet: WalletId,
    filter: &HistoryFilter,
    before_id: i64,
    limit: i64,
) -> rusqlite::Result<Vec<HistoryRow>> {
    let mut st = c.prepare_cached(
        "SELECT e.id, e.kind, e.at,
                (SELECT coalesce(sum(p.amount), 0) FROM postings p JOIN lots l ON l.id = p.ref_id
                  WHERE p.entry_id = e.id AND p.account = 'lot' AND l.wallet_id = e.wallet_id),
                s.id, s.name,
                (SELECT k.unit FROM postings p JOIN programs g ON g.code = p.program
                   JOIN program_kinds k ON k.code = g.kind WHERE p.entry_id = e.id LIMIT 1)
         FROM entries e LEFT JOIN stores s ON s.id = e.store_id
         WHERE e.wallet_id = ?1 AND e.id < ?2
           AND (?4 IS NULL OR e.kind = ?4) AND (?5 IS NULL OR e.at >= ?5) AND (?6 IS NULL OR e.at < ?6)
         ORDER BY e.id DESC LIMIT ?3",
    )?;
    st.query_map(
        params![
            wallet.0,
            before_id,
            limit,
            filter.kind.map(|k| k.code()),
            filter.from,
            filter.until
        ],
        |r| {
            let sid: Option<i64> = r.get(4)?;
            let sname: Option<String> = r.get(5)?;
            Ok(HistoryRow {
                entry_id: r.get(0)?,
                kind: code_at(r, 1)?,
                at: r.get(2)?,
                unit: code_at(r, 6)?,
                amount: Amount(r.get(3)?),
                store: sid.zip(sname),
            })
        },
    )?
    .collect()
}

/// A store's payments with an id above `after_id`, oldest first (the till's live feed).
pub fn store_payments_since(
    c: &Connection,
    store_id: i64,
    after_id: i64,
    limit: i64,
) -> rusqlite::Result<Vec<PaymentRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, kind, wallet_id, store_id, amount, refunded, at FROM payments
         WHERE store_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    )?;
    st.query_map(params![store_id, after_id, limit], payment_from_row)?
        .collect()
}

/// A store's payments in [from, until), newest first.
pub fn store_payments_between(
    c: &Connection,
    store_id: i64,
    from: i64,
    until: i64,
    limit: i64,
) -> rusqlite::Result<Vec<PaymentRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, kind, wallet_id, store_id, amount, refunded, at FROM payments
         WHERE store_id = ?1 AND at >= ?2 AND at < ?3 ORDER BY id DESC LIMIT ?4",
    )?;
    st.query_map(params![store_id, from, until, limit], payment_from_row)?
        .collect()
}

pub(super) fn payment_from_row(r: &rusqlite::Row) -> rusqlite::Result<PaymentRow> {
    Ok(PaymentRow {
        id: r.get(0)?,
        kind: code_at(r, 1)?,
        wallet: WalletId(r.get(2)?),
        store_id: r.get(3)?,
        amount: Yen(r.get(4)?),
        refunded: Yen(r.get(5)?),
        at: r.get(6)?,
    })
}

/// A payment as its receipt shows it: store name and per-program breakdown.
pub struct Receipt {
    pub payment: PaymentRow,
    pub store_name: Option<String>,
    /// Who paid: a resident or a card.
    pub holder: Option<Payer>,
}

pub fn receipt(c: &Connection, payment_id: i64) -> rusqlite::Result<Option<Receipt>> {
    let Some(payment) = payment(c, payment_id)? else {
        return Ok(None);
    };
    let store_name = crate::db::one(
        c,
        "SELECT s.name FROM payments p LEFT JOIN stores s ON s.id = p.store_id WHERE p.id = ?1",
        [payment_id],
        |r| r.get(0),
    )?;
    Ok(Some(Receipt {
        holder: wallet_holder(c, payment.wallet)?,
        payment,
        store_name,
    }))
}

/// A charge as its receipt shows it.
pub struct ChargeRow {
    /// Whose wallet was charged: a resident's or a card's.
    pub holder: Option<Payer>,
    pub program: String,
    pub amount: Yen,
    pub premium: Yen,
    pub method: ChargeMethod,
    pub provider: Option<String>,
    pub at: i64,
}

pub fn charge_row(c: &Connection, charge_id: i64) -> rusqlite::Result<Option<ChargeRow>> {
    crate::db::one(
        c,
        "SELECT w.resident_id, c.program, c.amount, c.premium, c.method, c.provider, c.at, w.card_id
         FROM charges c JOIN wallets w ON w.id = c.wallet_id WHERE c.id = ?1",
        [charge_id],
        |r| {
            let (resident, card): (Option<i64>, Option<i64>) = (r.get(0)?, r.get(7)?);
            Ok(ChargeRow {
                holder: resident.map(Payer::Resident).or(card.map(Payer::Card)),
                program: r.get(1)?,
                amount: Yen(r.get(2)?),
                premium: Yen(r.get(3)?),
                method: code_at(r, 4)?,
                provider: r.get(5)?,
                at: r.get(6)?,
            })
        },
    )
    .optional()
}

/// A program's figures from the journal (L4): issued = outstanding + redeemed + expired.
pub struct Figures {
    pub code: String,
    /// What the amounts are counted in.
    pub unit: Unit,
    pub issued: Amount,
    pub outstanding: Amount,
    pub redeemed: Amount,
    pub expired: Amount,
}

pub fn program_figures(c: &Connection) -> rusqlite::Result<Vec<Figures>> {
    let mut st = c.prepare(
        "SELECT pr.code,
                coalesce(-sum(CASE WHEN p.account = 'issue' THEN p.amount END), 0),
                coalesce(sum(CASE WHEN p.account = 'lot' THEN p.amount END), 0),
                coalesce(sum(CASE WHEN p.account IN ('store', 'tax') THEN p.amount END), 0),
                coalesce(sum(CASE WHEN p.account = 'expired' THEN p.amount END), 0),
                k.unit
         FROM programs pr JOIN program_kinds k ON k.code = pr.kind
         LEFT JOIN postings p ON p.program = pr.code
         GROUP BY pr.code ORDER BY pr.created_at, pr.code",
    )?;
    st.query_map([], |r| {
        Ok(Figures {
            code: r.get(0)?,
            unit: code_at(r, 5)?,
            issued: Amount(r.get(1)?),
            outstanding: Amount(r.get(2)?),
            redeemed: Amount(r.get(3)?),
            expired: Amount(r.get(4)?),
        })
    })?
    .collect()
}
