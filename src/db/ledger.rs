//! Storage of the ledger: programs, wallets, lots, journal entries and postings, and the
//! records of charges, grants, payments and refunds.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::journal::{Account, Posting};
use crate::domain::lots::Lot;
use crate::domain::money::{Rate, Yen};
use crate::domain::program::{ChargePremium, Expiry, Program, ProgramKind};

// --- programs ---------------------------------------------------------------------

const PROGRAM_COLS: &str = "code, name, kind, expires_at, valid_days, store_ids, categories, weekdays, \
     usable_from, usable_until, tax_payable, per_person_cap, budget, premium_rate_bp, premium_cap_per_person, charge_unit";

fn program_from_row(r: &rusqlite::Row) -> rusqlite::Result<Program> {
    let json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let kind: String = r.get(2)?;
    let expires_at: Option<i64> = r.get(3)?;
    let valid_days: Option<u32> = r.get(4)?;
    let rate: Option<i64> = r.get(13)?;
    let cap: Option<i64> = r.get(14)?;
    Ok(Program {
        code: r.get(0)?,
        name: r.get(1)?,
        kind: ProgramKind::parse(&kind).unwrap_or(ProgramKind::Subsidy),
        expiry: match (expires_at, valid_days) {
            (Some(t), _) => Expiry::At(t),
            (None, Some(d)) => Expiry::Days(d),
            _ => Expiry::Never,
        },
        store_ids: serde_json::from_str(&json(5)?).unwrap_or_default(),
        categories: serde_json::from_str(&json(6)?).unwrap_or_default(),
        weekdays: serde_json::from_str(&json(7)?).unwrap_or_default(),
        usable_from: r.get(8)?,
        usable_until: r.get(9)?,
        tax_payable: r.get(10)?,
        per_person_cap: r.get::<_, Option<i64>>(11)?.map(Yen),
        budget: r.get::<_, Option<i64>>(12)?.map(Yen),
        charge_premium: rate.map(|bp| ChargePremium {
            rate: Rate(bp),
            cap_per_person: cap.map(Yen),
        }),
        charge_unit: Yen(r.get(15)?),
    })
}

pub fn insert_program(c: &Connection, p: &Program, now: i64) -> rusqlite::Result<()> {
    let (expires_at, valid_days) = match p.expiry {
        Expiry::Never => (None, None),
        Expiry::At(t) => (Some(t), None),
        Expiry::Days(d) => (None, Some(d)),
    };
    super::exec(
        c,
        &format!(
            "INSERT INTO programs ({PROGRAM_COLS}, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        ),
        params![
            p.code,
            p.name,
            p.kind.as_str(),
            expires_at,
            valid_days,
            serde_json::to_string(&p.store_ids).unwrap_or_default(),
            serde_json::to_string(&p.categories).unwrap_or_default(),
            serde_json::to_string(&p.weekdays).unwrap_or_default(),
            p.usable_from,
            p.usable_until,
            p.tax_payable,
            p.per_person_cap.map(|y| y.0),
            p.budget.map(|y| y.0),
            p.charge_premium.map(|c| c.rate.0),
            p.charge_premium.and_then(|c| c.cap_per_person).map(|y| y.0),
            p.charge_unit.0,
            now
        ],
    )?;
    Ok(())
}

pub fn payment_count(c: &Connection) -> rusqlite::Result<i64> {
    super::one(c, "SELECT count(*) FROM payments", [], |r| r.get(0))
}

pub fn program(c: &Connection, code: &str) -> rusqlite::Result<Option<Program>> {
    super::one(
        c,
        &format!("SELECT {PROGRAM_COLS} FROM programs WHERE code = ?1"),
        [code],
        program_from_row,
    )
    .optional()
}

pub fn programs(c: &Connection) -> rusqlite::Result<HashMap<String, Program>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {PROGRAM_COLS} FROM programs ORDER BY created_at, code"
    ))?;
    st.query_map([], program_from_row)?
        .map(|p| p.map(|p| (p.code.clone(), p)))
        .collect()
}

pub fn program_list(c: &Connection) -> rusqlite::Result<Vec<Program>> {
    let mut st = c.prepare(&format!(
        "SELECT {PROGRAM_COLS} FROM programs ORDER BY created_at, code"
    ))?;
    st.query_map([], program_from_row)?.collect()
}

/// What the city has paid into a program so far: its premium and grant lots as issued
/// (residents' own charges are not the city's budget).
pub fn program_city_issued(c: &Connection, code: &str) -> rusqlite::Result<Yen> {
    super::one(c,
        "SELECT coalesce(sum(amount), 0) FROM lots WHERE program = ?1 AND origin IN ('premium', 'grant')",
        [code],
        |r| r.get(0),
    )
    .map(Yen)
}

/// What one wallet has received from a program, all origins or one.
pub fn received(
    c: &Connection,
    wallet_id: i64,
    code: &str,
    origin: Option<&str>,
) -> rusqlite::Result<Yen> {
    super::one(c,
        "SELECT coalesce(sum(amount), 0) FROM lots WHERE program = ?1 AND wallet_id = ?2 AND (?3 IS NULL OR origin = ?3)",
        params![code, wallet_id, origin],
        |r| r.get(0),
    )
    .map(Yen)
}

// --- wallets ----------------------------------------------------------------------

pub fn resident_wallet(c: &Connection, resident_id: i64) -> rusqlite::Result<Option<i64>> {
    super::one(
        c,
        "SELECT id FROM wallets WHERE resident_id = ?1",
        [resident_id],
        |r| r.get(0),
    )
    .optional()
}

pub fn create_resident_wallet(c: &Connection, resident_id: i64, now: i64) -> rusqlite::Result<i64> {
    super::exec(
        c,
        "INSERT INTO wallets (resident_id, created_at) VALUES (?1, ?2)",
        params![resident_id, now],
    )?;
    Ok(c.last_insert_rowid())
}

// --- lots -------------------------------------------------------------------------

/// Lots of a wallet that still hold value and have not been expired by the job (their
/// expiry instant may have passed: callers check it against their "now").
pub fn open_lots(c: &Connection, wallet_id: i64) -> rusqlite::Result<Vec<Lot>> {
    let mut st = c.prepare_cached(
        "SELECT id, program, remaining, expires_at FROM lots
         WHERE wallet_id = ?1 AND remaining > 0 AND expired_at IS NULL ORDER BY id",
    )?;
    st.query_map([wallet_id], |r| {
        Ok(Lot {
            id: r.get(0)?,
            program: r.get(1)?,
            remaining: Yen(r.get(2)?),
            expires_at: r.get(3)?,
        })
    })?
    .collect()
}

pub struct NewLot<'a> {
    pub wallet_id: i64,
    pub program: &'a str,
    pub origin: &'a str,
    pub amount: Yen,
    pub expires_at: Option<i64>,
    pub entry_id: i64,
    pub now: i64,
}

/// Inserts an empty lot; the entry's posting fills it.
pub fn insert_lot(c: &Connection, l: &NewLot) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "INSERT INTO lots (wallet_id, program, origin, amount, remaining, expires_at, entry_id, created_at)
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7)",
    )?
    .execute(params![l.wallet_id, l.program, l.origin, l.amount.0, l.expires_at, l.entry_id, l.now])?;
    Ok(c.last_insert_rowid())
}

/// Lots whose expiry instant has come and that still hold value.
pub fn lots_due_to_expire(c: &Connection, now: i64) -> rusqlite::Result<Vec<(Lot, i64)>> {
    let mut st = c.prepare(
        "SELECT id, program, remaining, expires_at, wallet_id FROM lots
         WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?1 ORDER BY id",
    )?;
    st.query_map([now], |r| {
        Ok((
            Lot {
                id: r.get(0)?,
                program: r.get(1)?,
                remaining: Yen(r.get(2)?),
                expires_at: r.get(3)?,
            },
            r.get(4)?,
        ))
    })?
    .collect()
}

pub fn mark_lot_expired(c: &Connection, lot_id: i64, at: i64) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE lots SET expired_at = ?2 WHERE id = ?1 AND expired_at IS NULL",
        params![lot_id, at],
    )?;
    Ok(())
}

/// Whether a lot's value can no longer be spent at `now`: its expiry has come (whether or
/// not the expiry job has run yet).
pub fn lot_is_over(c: &Connection, lot_id: i64, now: i64) -> rusqlite::Result<bool> {
    super::one(
        c,
        "SELECT expired_at IS NOT NULL OR coalesce(expires_at <= ?2, 0) FROM lots WHERE id = ?1",
        params![lot_id, now],
        |r| r.get(0),
    )
}

// --- journal ----------------------------------------------------------------------

pub struct EntryRow {
    pub id: i64,
    pub kind: String,
    pub at: i64,
    pub actor: String,
    pub wallet_id: Option<i64>,
    pub store_id: Option<i64>,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
    /// `domain::journal::HashVersion` as stored.
    pub hash_version: i64,
}

/// The id and hash of the newest entry (id 0 and zeros before the first).
pub fn journal_head(c: &Connection) -> rusqlite::Result<(i64, Vec<u8>)> {
    Ok(
        c.prepare_cached("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, vec![0; 32])),
    )
}

pub fn insert_entry(c: &Connection, e: &EntryRow) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO entries (id, kind, at, actor, wallet_id, store_id, prev_hash, hash, hash_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.id,
        e.kind,
        e.at,
        e.actor,
        e.wallet_id,
        e.store_id,
        e.prev_hash,
        e.hash,
        e.hash_version
    ])?;
    Ok(())
}

pub fn set_entry_hash(c: &Connection, id: i64, hash: &[u8]) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE entries SET hash = ?2 WHERE id = ?1")?
        .execute(params![id, hash])?;
    Ok(())
}

/// Inserts a posting and, for a lot, moves its balance by the same amount (the CHECK on
/// `lots.remaining` refuses a negative balance).
pub fn insert_posting(c: &Connection, entry_id: i64, p: &Posting) -> rusqlite::Result<()> {
    let (name, ref_id) = p.account.parts();
    c.prepare_cached("INSERT INTO postings (entry_id, account, ref_id, program, amount) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![entry_id, name, ref_id, p.program, p.amount.0])?;
    if let Account::Lot(id) = p.account {
        c.prepare_cached("UPDATE lots SET remaining = remaining + ?2 WHERE id = ?1")?
            .execute(params![id, p.amount.0])?;
    }
    Ok(())
}

/// Every entry in id order, with its postings, for verification.
pub fn for_each_entry(
    c: &Connection,
    mut f: impl FnMut(EntryRow, Vec<Posting>),
) -> rusqlite::Result<()> {
    let mut entries = c.prepare(
        "SELECT id, kind, at, actor, wallet_id, store_id, prev_hash, hash, hash_version FROM entries ORDER BY id",
    )?;
    let mut postings = c.prepare(
        "SELECT account, ref_id, program, amount FROM postings WHERE entry_id = ?1 ORDER BY id",
    )?;
    let mut rows = entries.query([])?;
    while let Some(r) = rows.next()? {
        let e = EntryRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            at: r.get(2)?,
            actor: r.get(3)?,
            wallet_id: r.get(4)?,
            store_id: r.get(5)?,
            prev_hash: r.get(6)?,
            hash: r.get(7)?,
            hash_version: r.get(8)?,
        };
        let ps = postings
            .query_map([e.id], |r| {
                let name: String = r.get(0)?;
                let id: Option<i64> = r.get(1)?;
                Ok(Posting {
                    // An unknown account name cannot be stored (CHECK); Issue is a safe stand-in.
                    account: Account::from_parts(&name, id).unwrap_or(Account::Issue),
                    program: r.get(2)?,
                    amount: Yen(r.get(3)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        f(e, ps);
    }
    Ok(())
}

// --- records ----------------------------------------------------------------------

pub struct NewCharge<'a> {
    pub wallet_id: i64,
    pub program: &'a str,
    pub amount: Yen,
    pub premium: Yen,
    pub method: &'a str,
    pub provider: Option<&'a str>,
    pub provider_ref: Option<&'a str>,
    pub entry_id: i64,
    pub at: i64,
}

pub fn insert_charge(c: &Connection, ch: &NewCharge) -> rusqlite::Result<i64> {
    super::exec(c,
        "INSERT INTO charges (wallet_id, program, amount, premium, method, provider, provider_ref, entry_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![ch.wallet_id, ch.program, ch.amount.0, ch.premium.0, ch.method, ch.provider, ch.provider_ref, ch.entry_id, ch.at],
    )?;
    Ok(c.last_insert_rowid())
}

pub struct PaymentRow {
    pub id: i64,
    pub kind: String,
    pub wallet_id: i64,
    pub store_id: Option<i64>,
    pub amount: Yen,
    pub refunded: Yen,
    pub at: i64,
}

pub struct NewPayment<'a> {
    pub kind: &'a str,
    pub wallet_id: i64,
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
        p.kind,
        p.wallet_id,
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
    amount: Yen,
) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO payment_parts (payment_id, seq, lot_id, program, amount) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![payment_id, seq, lot_id, program, amount.0])?;
    Ok(())
}

pub fn payment(c: &Connection, id: i64) -> rusqlite::Result<Option<PaymentRow>> {
    super::one(
        c,
        "SELECT id, kind, wallet_id, store_id, amount, refunded, at FROM payments WHERE id = ?1",
        [id],
        |r| {
            Ok(PaymentRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                wallet_id: r.get(2)?,
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
    pub amount: Yen,
    pub refunded: Yen,
}

/// A payment's parts in spending order.
pub fn payment_parts(c: &Connection, payment_id: i64) -> rusqlite::Result<Vec<PartRow>> {
    let mut st = c.prepare("SELECT seq, lot_id, program, amount, refunded FROM payment_parts WHERE payment_id = ?1 ORDER BY seq")?;
    st.query_map([payment_id], |r| {
        Ok(PartRow {
            seq: r.get(0)?,
            lot_id: r.get(1)?,
            program: r.get(2)?,
            amount: Yen(r.get(3)?),
            refunded: Yen(r.get(4)?),
        })
    })?
    .collect()
}

pub fn add_part_refund(
    c: &Connection,
    payment_id: i64,
    seq: i64,
    amount: Yen,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE payment_parts SET refunded = refunded + ?3 WHERE payment_id = ?1 AND seq = ?2",
        params![payment_id, seq, amount.0],
    )?;
    Ok(())
}

pub fn add_payment_refund(c: &Connection, payment_id: i64, amount: Yen) -> rusqlite::Result<()> {
    super::exec(
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
    super::exec(
        c,
        "INSERT INTO refunds (payment_id, amount, entry_id, at) VALUES (?1, ?2, ?3, ?4)",
        params![payment_id, amount.0, entry_id, at],
    )?;
    Ok(c.last_insert_rowid())
}

// --- grants -----------------------------------------------------------------------

pub fn insert_grant(
    c: &Connection,
    program: &str,
    amount: Yen,
    scheduled_at: Option<i64>,
    actor: &str,
    now: i64,
) -> rusqlite::Result<i64> {
    super::exec(
        c,
        "INSERT INTO grants (program, amount, status, scheduled_at, actor, created_at)
         VALUES (?1, ?2, 'scheduled', ?3, ?4, ?5)",
        params![program, amount.0, scheduled_at, actor, now],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn insert_grant_recipient(
    c: &Connection,
    grant_id: i64,
    resident_id: i64,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO grant_recipients (grant_id, resident_id) VALUES (?1, ?2)",
        params![grant_id, resident_id],
    )?;
    Ok(())
}

pub fn grant_recipients(c: &Connection, grant_id: i64) -> rusqlite::Result<Vec<i64>> {
    let mut st = c.prepare(
        "SELECT resident_id FROM grant_recipients WHERE grant_id = ?1 ORDER BY resident_id",
    )?;
    st.query_map([grant_id], |r| r.get(0))?.collect()
}

pub fn set_recipient_entry(
    c: &Connection,
    grant_id: i64,
    resident_id: i64,
    entry_id: i64,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE grant_recipients SET entry_id = ?3 WHERE grant_id = ?1 AND resident_id = ?2",
        params![grant_id, resident_id, entry_id],
    )?;
    Ok(())
}

pub fn mark_grant_done(c: &Connection, grant_id: i64, at: i64) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE grants SET status = 'done', done_at = ?2 WHERE id = ?1",
        params![grant_id, at],
    )?;
    Ok(())
}

/// Scheduled grants whose time has come: (id, program, amount).
pub fn due_grants(c: &Connection, now: i64) -> rusqlite::Result<Vec<(i64, String, Yen)>> {
    let mut st = c.prepare(
        "SELECT id, program, amount FROM grants WHERE status = 'scheduled' AND scheduled_at <= ?1 ORDER BY scheduled_at, id",
    )?;
    st.query_map([now], |r| Ok((r.get(0)?, r.get(1)?, Yen(r.get(2)?))))?
        .collect()
}

/// Value a scheduled (not yet done) grant will still issue from a program.
pub fn scheduled_total(c: &Connection, program: &str) -> rusqlite::Result<Yen> {
    super::one(c,
        "SELECT coalesce(sum(g.amount), 0) FROM grants g JOIN grant_recipients r ON r.grant_id = g.id
         WHERE g.status = 'scheduled' AND g.program = ?1",
        [program],
        |r| r.get(0),
    )
    .map(Yen)
}

// --- QR tokens --------------------------------------------------------------------

pub fn insert_qr_token(
    c: &Connection,
    hash: &[u8],
    resident_id: i64,
    expires_at: i64,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO qr_tokens (token_hash, resident_id, expires_at) VALUES (?1, ?2, ?3)",
        params![hash, resident_id, expires_at],
    )?;
    Ok(())
}

/// (resident id, expires_at, used_at) of a token.
pub fn qr_token(c: &Connection, hash: &[u8]) -> rusqlite::Result<Option<(i64, i64, Option<i64>)>> {
    super::one(
        c,
        "SELECT resident_id, expires_at, used_at FROM qr_tokens WHERE token_hash = ?1",
        [hash],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

pub fn use_qr_token(c: &Connection, hash: &[u8], at: i64, payment_id: i64) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE qr_tokens SET used_at = ?2, payment_id = ?3 WHERE token_hash = ?1",
        params![hash, at, payment_id],
    )?;
    Ok(())
}

pub fn delete_old_qr_tokens(c: &Connection, before: i64) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "DELETE FROM qr_tokens WHERE expires_at < ?1 AND used_at IS NULL",
        [before],
    )
}

/// Whether a QR token has been used, and by which payment (the resident's page polls this).
pub fn qr_token_payment(c: &Connection, hash: &[u8]) -> rusqlite::Result<Option<i64>> {
    Ok(super::one(
        c,
        "SELECT payment_id FROM qr_tokens WHERE token_hash = ?1",
        [hash],
        |r| r.get(0),
    )
    .optional()?
    .flatten())
}

// --- idempotency ------------------------------------------------------------------

/// (fingerprint, status, body) stored for a key.
pub fn idempotent_response(
    c: &Connection,
    actor: &str,
    key: &str,
) -> rusqlite::Result<Option<(Vec<u8>, u16, String)>> {
    super::one(
        c,
        "SELECT fingerprint, status, body FROM idempotency WHERE actor = ?1 AND key = ?2",
        params![actor, key],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

pub fn store_idempotent_response(
    c: &Connection,
    actor: &str,
    key: &str,
    fingerprint: &[u8],
    status: u16,
    body: &str,
    now: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO idempotency (actor, key, fingerprint, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![actor, key, fingerprint, status, body, now])?;
    Ok(())
}

// --- history ----------------------------------------------------------------------

/// One line of a wallet's history.
pub struct HistoryRow {
    pub entry_id: i64,
    pub kind: String,
    pub at: i64,
    /// Net change of the wallet (positive: value came in).
    pub amount: Yen,
    pub store: Option<(i64, String)>,
}

/// Which history lines to show.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    /// One entry kind (`charge`, `payment`, ...), or all.
    pub kind: Option<String>,
    /// From this instant on.
    pub from: Option<i64>,
    /// Strictly before this instant.
    pub until: Option<i64>,
}

/// A wallet's history, newest first, before entry `before_id` (keyset pagination).
pub fn history(
    c: &Connection,
    wallet_id: i64,
    filter: &HistoryFilter,
    before_id: i64,
    limit: i64,
) -> rusqlite::Result<Vec<HistoryRow>> {
    let mut st = c.prepare_cached(
        "SELECT e.id, e.kind, e.at,
                (SELECT coalesce(sum(p.amount), 0) FROM postings p JOIN lots l ON l.id = p.ref_id
                  WHERE p.entry_id = e.id AND p.account = 'lot' AND l.wallet_id = e.wallet_id),
                s.id, s.name
         FROM entries e LEFT JOIN stores s ON s.id = e.store_id
         WHERE e.wallet_id = ?1 AND e.id < ?2
           AND (?4 IS NULL OR e.kind = ?4) AND (?5 IS NULL OR e.at >= ?5) AND (?6 IS NULL OR e.at < ?6)
         ORDER BY e.id DESC LIMIT ?3",
    )?;
    st.query_map(
        params![
            wallet_id,
            before_id,
            limit,
            filter.kind,
            filter.from,
            filter.until
        ],
        |r| {
            let sid: Option<i64> = r.get(4)?;
            let sname: Option<String> = r.get(5)?;
            Ok(HistoryRow {
                entry_id: r.get(0)?,
                kind: r.get(1)?,
                at: r.get(2)?,
                amount: Yen(r.get(3)?),
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

fn payment_from_row(r: &rusqlite::Row) -> rusqlite::Result<PaymentRow> {
    Ok(PaymentRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        wallet_id: r.get(2)?,
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
    pub resident_id: Option<i64>,
}

pub fn receipt(c: &Connection, payment_id: i64) -> rusqlite::Result<Option<Receipt>> {
    let Some(payment) = payment(c, payment_id)? else {
        return Ok(None);
    };
    let (store_name, resident_id) = super::one(
        c,
        "SELECT s.name, w.resident_id FROM payments p JOIN wallets w ON w.id = p.wallet_id
         LEFT JOIN stores s ON s.id = p.store_id WHERE p.id = ?1",
        [payment_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Some(Receipt {
        payment,
        store_name,
        resident_id,
    }))
}

/// A charge as its receipt shows it: (resident id, program, amount, premium, method, at).
pub struct ChargeRow {
    pub resident_id: Option<i64>,
    pub program: String,
    pub amount: Yen,
    pub premium: Yen,
    pub method: String,
    pub provider: Option<String>,
    pub at: i64,
}

pub fn charge_row(c: &Connection, charge_id: i64) -> rusqlite::Result<Option<ChargeRow>> {
    super::one(
        c,
        "SELECT w.resident_id, c.program, c.amount, c.premium, c.method, c.provider, c.at
         FROM charges c JOIN wallets w ON w.id = c.wallet_id WHERE c.id = ?1",
        [charge_id],
        |r| {
            Ok(ChargeRow {
                resident_id: r.get(0)?,
                program: r.get(1)?,
                amount: Yen(r.get(2)?),
                premium: Yen(r.get(3)?),
                method: r.get(4)?,
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
    pub issued: Yen,
    pub outstanding: Yen,
    pub redeemed: Yen,
    pub expired: Yen,
}

pub fn program_figures(c: &Connection) -> rusqlite::Result<Vec<Figures>> {
    let mut st = c.prepare(
        "SELECT pr.code,
                coalesce(-sum(CASE WHEN p.account = 'issue' THEN p.amount END), 0),
                coalesce(sum(CASE WHEN p.account = 'lot' THEN p.amount END), 0),
                coalesce(sum(CASE WHEN p.account IN ('store', 'tax') THEN p.amount END), 0),
                coalesce(sum(CASE WHEN p.account = 'expired' THEN p.amount END), 0)
         FROM programs pr LEFT JOIN postings p ON p.program = pr.code
         GROUP BY pr.code ORDER BY pr.created_at, pr.code",
    )?;
    st.query_map([], |r| {
        Ok(Figures {
            code: r.get(0)?,
            issued: Yen(r.get(1)?),
            outstanding: Yen(r.get(2)?),
            redeemed: Yen(r.get(3)?),
            expired: Yen(r.get(4)?),
        })
    })?
    .collect()
}
