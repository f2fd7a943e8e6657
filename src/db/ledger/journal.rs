//! The ledger's tables: journal (see the parent module).

use super::*;

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
                    amount: Amount(r.get(3)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        f(e, ps);
    }
    Ok(())
}
