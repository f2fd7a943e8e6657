//! The ledger's tables: QR tokens (see the parent module).

use super::*;

// --- QR tokens --------------------------------------------------------------------

pub fn insert_qr_token(
    c: &Connection,
    hash: &[u8],
    wallet: WalletId,
    expires_at: i64,
) -> rusqlite::Result<()> {
    crate::db::exec(
        c,
        "INSERT INTO qr_tokens (token_hash, wallet_id, expires_at) VALUES (?1, ?2, ?3)",
        params![hash, wallet.0, expires_at],
    )?;
    Ok(())
}

/// (wallet, expires_at, used_at) of a token.
pub fn qr_token(
    c: &Connection,
    hash: &[u8],
) -> rusqlite::Result<Option<(WalletId, i64, Option<i64>)>> {
    crate::db::one(
        c,
        "SELECT wallet_id, expires_at, used_at FROM qr_tokens WHERE token_hash = ?1",
        [hash],
        |r| Ok((WalletId(r.get(0)?), r.get(1)?, r.get(2)?)),
    )
    .optional()
}

pub fn use_qr_token(c: &Connection, hash: &[u8], at: i64, payment_id: i64) -> rusqlite::Result<()> {
    crate::db::exec(
        c,
        "UPDATE qr_tokens SET used_at = ?2, payment_id = ?3 WHERE token_hash = ?1",
        params![hash, at, payment_id],
    )?;
    Ok(())
}

pub fn delete_old_qr_tokens(c: &Connection, before: i64) -> rusqlite::Result<usize> {
    crate::db::exec(
        c,
        "DELETE FROM qr_tokens WHERE expires_at < ?1 AND used_at IS NULL",
        [before],
    )
}

/// Whether a QR token has been used, and by which payment (the resident's page polls this).
pub fn qr_token_payment(c: &Connection, hash: &[u8]) -> rusqlite::Result<Option<i64>> {
    Ok(crate::db::one(
        c,
        "SELECT payment_id FROM qr_tokens WHERE token_hash = ?1",
        [hash],
        |r| r.get(0),
    )
    .optional()?
    .flatten())
}

/// Ends a resident's payment codes not used yet (a lost phone may still show one);
/// returns how many.
pub fn end_resident_qr_tokens(
    c: &Connection,
    resident_id: i64,
    now: i64,
) -> rusqlite::Result<usize> {
    crate::db::exec(
        c,
        "UPDATE qr_tokens SET expires_at = ?2
         WHERE used_at IS NULL AND expires_at > ?2
           AND wallet_id IN (SELECT id FROM wallets WHERE resident_id = ?1)",
        params![resident_id, now],
    )
}
