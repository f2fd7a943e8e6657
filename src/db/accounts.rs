//! Users, cookie sessions and API tokens. Secrets are never stored: sessions and tokens
//! are kept as SHA-256 hashes of the random value the client holds.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::Role;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub password_hash: Option<String>,
    pub role: Role,
    pub display_name: String,
    pub store_id: Option<i64>,
    pub must_change_password: bool,
    pub disabled: bool,
    pub created_at: i64,
}

pub struct NewUser<'a> {
    pub login: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub display_name: &'a str,
    pub store_id: Option<i64>,
    pub must_change_password: bool,
    pub created_at: i64,
}

const USER_COLS: &str = "id, login, password_hash, role, pii_open('users.display_name', display_name), \
     store_id, must_change_password, disabled, created_at";

fn user_from_row(r: &rusqlite::Row) -> rusqlite::Result<UserRow> {
    let role: String = r.get(3)?;
    Ok(UserRow {
        id: r.get(0)?,
        login: r.get(1)?,
        password_hash: r.get(2)?,
        role: Role::parse(&role).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                format!("unknown role {role}").into(),
            )
        })?,
        display_name: r.get(4)?,
        store_id: r.get(5)?,
        must_change_password: r.get(6)?,
        disabled: r.get(7)?,
        created_at: r.get(8)?,
    })
}

pub fn insert_user(c: &Connection, u: &NewUser) -> rusqlite::Result<i64> {
    super::exec(c,
        "INSERT INTO users (login, password_hash, role, display_name, store_id, must_change_password, created_at)
         VALUES (?1, ?2, ?3, pii_seal('users.display_name', ?4), ?5, ?6, ?7)",
        params![
            u.login,
            u.password_hash,
            u.role.as_str(),
            u.display_name,
            u.store_id,
            u.must_change_password,
            u.created_at
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn user_by_login(c: &Connection, login: &str) -> rusqlite::Result<Option<UserRow>> {
    super::one(
        c,
        &format!("SELECT {USER_COLS} FROM users WHERE login = ?1"),
        [login],
        user_from_row,
    )
    .optional()
}

pub fn user_by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<UserRow>> {
    super::one(
        c,
        &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
        [id],
        user_from_row,
    )
    .optional()
}

/// Staff and integration accounts (everything but residents), for the admin page.
pub fn staff_users(c: &Connection) -> rusqlite::Result<Vec<UserRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {USER_COLS} FROM users WHERE role IN ('admin', 'operator') ORDER BY id"
    ))?;
    st.query_map([], user_from_row)?.collect()
}

pub fn set_password(
    c: &Connection,
    user_id: i64,
    hash: &str,
    must_change: bool,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE users SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
        params![user_id, hash, must_change],
    )?;
    Ok(())
}

pub fn count_users(c: &Connection) -> rusqlite::Result<i64> {
    super::one(c, "SELECT count(*) FROM users", [], |r| r.get(0))
}

// --- sessions ---------------------------------------------------------------------

pub struct SessionRow {
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

pub fn insert_session(
    c: &Connection,
    token_hash: &[u8],
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES (?1, ?2, ?3, ?3, ?4)",
        params![token_hash, user_id, now, expires_at],
    )?;
    Ok(())
}

pub fn session(c: &Connection, token_hash: &[u8]) -> rusqlite::Result<Option<SessionRow>> {
    super::one(
        c,
        "SELECT user_id, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = ?1",
        [token_hash],
        |r| {
            Ok(SessionRow {
                user_id: r.get(0)?,
                created_at: r.get(1)?,
                last_seen_at: r.get(2)?,
                expires_at: r.get(3)?,
            })
        },
    )
    .optional()
}

pub fn touch_session(c: &Connection, token_hash: &[u8], now: i64) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
        params![token_hash, now],
    )?;
    Ok(())
}

pub fn delete_session(c: &Connection, token_hash: &[u8]) -> rusqlite::Result<()> {
    super::exec(
        c,
        "DELETE FROM sessions WHERE token_hash = ?1",
        [token_hash],
    )?;
    Ok(())
}

pub fn delete_expired_sessions(c: &Connection, now: i64) -> rusqlite::Result<usize> {
    super::exec(c, "DELETE FROM sessions WHERE expires_at <= ?1", [now])
}

// --- API tokens -------------------------------------------------------------------

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub user_id: Option<i64>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl TokenRow {
    pub fn revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

const TOKEN_COLS: &str =
    "id, name, role, user_id, created_at, expires_at, revoked_at, last_used_at";

fn token_from_row(r: &rusqlite::Row) -> rusqlite::Result<TokenRow> {
    let role: String = r.get(2)?;
    Ok(TokenRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::Resident),
        user_id: r.get(3)?,
        created_at: r.get(4)?,
        expires_at: r.get(5)?,
        revoked_at: r.get(6)?,
        last_used_at: r.get(7)?,
    })
}

pub fn insert_token(
    c: &Connection,
    token_hash: &[u8],
    name: &str,
    role: Role,
    user_id: Option<i64>,
    now: i64,
    expires_at: Option<i64>,
) -> rusqlite::Result<i64> {
    super::exec(
        c,
        "INSERT INTO api_tokens (token_hash, name, role, user_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token_hash, name, role.as_str(), user_id, now, expires_at],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn token(c: &Connection, token_hash: &[u8]) -> rusqlite::Result<Option<TokenRow>> {
    super::one(
        c,
        &format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE token_hash = ?1"),
        [token_hash],
        token_from_row,
    )
    .optional()
}

pub fn token_by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<TokenRow>> {
    super::one(
        c,
        &format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE id = ?1"),
        [id],
        token_from_row,
    )
    .optional()
}

/// Every token, oldest first (`meguri token list`).
pub fn all_tokens(c: &Connection) -> rusqlite::Result<Vec<TokenRow>> {
    let mut st = c.prepare(&format!("SELECT {TOKEN_COLS} FROM api_tokens ORDER BY id"))?;
    st.query_map([], token_from_row)?.collect()
}

pub fn touch_token(c: &Connection, id: i64, now: i64) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

pub fn revoke_token(c: &Connection, id: i64, now: i64) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, now],
    )
}

/// Revokes every live token of a user; returns how many.
pub fn revoke_user_tokens(c: &Connection, user_id: i64, now: i64) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE api_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL",
        params![user_id, now],
    )
}

/// Ends a user's sessions but the one with hash `keep`; returns how many ended.
pub fn end_other_sessions(
    c: &Connection,
    user_id: i64,
    keep: Option<&[u8]>,
) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2",
        params![user_id, keep],
    )
}

// --- password history -------------------------------------------------------------

/// The hashes of a user's earlier passwords, the latest first.
pub fn password_history(c: &Connection, user_id: i64) -> rusqlite::Result<Vec<String>> {
    let mut st = c.prepare(
        "SELECT password_hash FROM password_history WHERE user_id = ?1 ORDER BY id DESC",
    )?;
    st.query_map([user_id], |r| r.get(0))?.collect()
}

/// Remembers a replaced password's hash, keeping only the latest `keep` of the user.
pub fn remember_password(
    c: &Connection,
    user_id: i64,
    hash: &str,
    now: i64,
    keep: usize,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO password_history (user_id, password_hash, replaced_at) VALUES (?1, ?2, ?3)",
        params![user_id, hash, now],
    )?;
    super::exec(
        c,
        "DELETE FROM password_history WHERE user_id = ?1 AND id NOT IN
           (SELECT id FROM password_history WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2)",
        params![user_id, keep as i64],
    )?;
    Ok(())
}

/// Marks a merchant login as its store's owner (or not).
pub fn set_store_owner(c: &Connection, user_id: i64, owner: bool) -> rusqlite::Result<()> {
    super::exec(
        c,
        "UPDATE users SET store_owner = ?2 WHERE id = ?1",
        params![user_id, owner],
    )?;
    Ok(())
}

pub fn is_store_owner(c: &Connection, user_id: i64) -> rusqlite::Result<bool> {
    Ok(super::one(
        c,
        "SELECT store_owner FROM users WHERE id = ?1",
        [user_id],
        |r| r.get(0),
    )
    .optional()?
    .unwrap_or(false))
}

/// A store's logins: (user, owner?), active ones first.
pub fn store_staff(c: &Connection, store_id: i64) -> rusqlite::Result<Vec<(UserRow, bool)>> {
    let mut st = c.prepare(&format!(
        "SELECT {USER_COLS}, store_owner FROM users WHERE store_id = ?1 ORDER BY disabled, id"
    ))?;
    st.query_map([store_id], |r| Ok((user_from_row(r)?, r.get(9)?)))?
        .collect()
}

pub fn disable_user(c: &Connection, user_id: i64) -> rusqlite::Result<()> {
    super::exec(c, "UPDATE users SET disabled = 1 WHERE id = ?1", [user_id])?;
    super::exec(c, "DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
    super::exec(
        c,
        "UPDATE api_tokens SET revoked_at = 0 WHERE user_id = ?1 AND revoked_at IS NULL",
        [user_id],
    )?;
    Ok(())
}
