//! City tax payments (rows of `payments` with kind `tax`) by notice number.

use rusqlite::{Connection, params};

use crate::domain::WalletId;

/// When the wallet last paid this tax notice (letters in any case), if that payment was
/// not refunded in full.
pub fn notice_paid_at(
    c: &Connection,
    wallet: WalletId,
    notice_number: &str,
) -> rusqlite::Result<Option<i64>> {
    super::one(
        c,
        "SELECT max(at) FROM payments
         WHERE wallet_id = ?1 AND kind = 'tax' AND notice_number = ?2 COLLATE NOCASE
           AND refunded < amount",
        params![wallet.0, notice_number],
        |r| r.get(0),
    )
}
