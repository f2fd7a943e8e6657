//! Password-reset links as stored: the SHA-256 of the secret the mail holds, never the
//! secret itself.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::recovery::ResetLink;

pub fn insert(
    c: &Connection,
    token_hash: &[u8],
    user_id: i64,
    link: &ResetLink,
) -> rusqlite::Result<i64> {
    super::exec(
        c,
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, user_id, link.created_at, link.expires_at],
    )?;
    Ok(c.last_insert_rowid())
}

/// The link behind a secret: (user, link).
pub fn by_token(c: &Connection, token_hash: &[u8]) -> rusqlite::Result<Option<(i64, ResetLink)>> {
    super::one(
        c,
        "SELECT user_id, created_at, expires_at, used_at FROM password_resets WHERE token_hash = ?1",
        [token_hash],
        |r| {
            Ok((
                r.get(0)?,
                ResetLink {
                    created_at: r.get(1)?,
                    expires_at: r.get(2)?,
                    used_at: r.get(3)?,
                },
            ))
        },
    )
    .optional()
}

/// Uses the link: 1 when it was still unused and within its time at `now`, else 0
/// (someone used it first, or it lapsed meanwhile).
pub fn use_token(c: &Connection, token_hash: &[u8], now: i64) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE password_resets SET used_at = ?2
         WHERE token_hash = ?1 AND used_at IS NULL AND created_at <= ?2 AND expires_at > ?2",
        params![token_hash, now],
    )
}

/// Ends every unused link of a user (the password was set another way, or by one of
/// them); returns how many.
pub fn end_for_user(c: &Connection, user_id: i64, now: i64) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE password_resets SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
        params![user_id, now],
    )
}

/// Forgets links that lapsed long ago.
pub fn delete_old(c: &Connection, before: i64) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "DELETE FROM password_resets WHERE expires_at < ?1",
        [before],
    )
}
