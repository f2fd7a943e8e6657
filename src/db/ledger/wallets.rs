//! The ledger's tables: wallets (see the parent module).

use super::*;

// --- wallets ----------------------------------------------------------------------

/// The wallet of a resident or a card, if it has one yet.
pub fn wallet_of(c: &Connection, holder: Payer) -> rusqlite::Result<Option<WalletId>> {
    let (sql, id) = match holder {
        Payer::Resident(id) => ("SELECT id FROM wallets WHERE resident_id = ?1", id),
        Payer::Card(id) => ("SELECT id FROM wallets WHERE card_id = ?1", id),
    };
    crate::db::one(c, sql, [id], |r| r.get(0).map(WalletId)).optional()
}

pub fn create_wallet(c: &Connection, holder: Payer, now: i64) -> rusqlite::Result<WalletId> {
    let (sql, id) = match holder {
        Payer::Resident(id) => (
            "INSERT INTO wallets (resident_id, created_at) VALUES (?1, ?2)",
            id,
        ),
        Payer::Card(id) => (
            "INSERT INTO wallets (card_id, created_at) VALUES (?1, ?2)",
            id,
        ),
    };
    crate::db::exec(c, sql, params![id, now])?;
    Ok(WalletId(c.last_insert_rowid()))
}

/// Who holds a wallet.
pub fn wallet_holder(c: &Connection, wallet: WalletId) -> rusqlite::Result<Option<Payer>> {
    crate::db::one(
        c,
        "SELECT resident_id, card_id FROM wallets WHERE id = ?1",
        [wallet.0],
        |r| {
            let (resident, card): (Option<i64>, Option<i64>) = (r.get(0)?, r.get(1)?);
            Ok(resident.map(Payer::Resident).or(card.map(Payer::Card)))
        },
    )
    .optional()
    .map(Option::flatten)
}
