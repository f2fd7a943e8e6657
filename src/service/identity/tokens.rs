//! Listing and revoking API tokens (`meguri token list | revoke`). Only a token's hash is
//! stored, so a listing can never show a token itself.

use crate::i18n::Msg;
use rusqlite::Connection;

use crate::db::{self, accounts as rows, audit};
use crate::domain::Text;
use crate::service::{Result, ServiceError, not_found};

pub use rows::TokenRow;

/// A token's state at `now`.
pub fn status(t: &TokenRow, now: i64) -> &'static str {
    if t.revoked() {
        "revoked"
    } else if t.expires_at.is_some_and(|e| now >= e) {
        "expired"
    } else {
        "active"
    }
}

pub fn list(conn: &Connection) -> Result<Vec<TokenRow>> {
    Ok(rows::all_tokens(conn)?)
}

/// Revokes token `id` at once (audited); a token already revoked is refused, unchanged.
pub fn revoke(conn: &mut Connection, now: i64, id: i64) -> Result<TokenRow> {
    db::write(conn, |tx| -> Result<TokenRow> {
        let t = rows::token_by_id(tx, id)?
            .ok_or_else(|| not_found(Text::new(Msg::NoToken).with("id", id)))?;
        if t.revoked() {
            return Err(ServiceError::Conflict(
                Text::new(Msg::TokenWasAlreadyRevoked).with("id", id),
            ));
        }
        rows::revoke_token(tx, id, now)?;
        audit::record(
            tx,
            now,
            "cli",
            "token.revoke",
            &format!("token:{id}"),
            &serde_json::json!({ "name": t.name, "role": t.role.as_str(), "subject": t.user_id }),
        )?;
        Ok(t)
    })
}
