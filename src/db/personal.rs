//! Personal data sealed at rest. Names, phone numbers, LINE ids and other registration
//! answers, applicants' addresses and bank accounts are stored only as XChaCha20-Poly1305
//! ciphertext under a key from a file, so a copied database file, a Litestream replica or
//! a leaked backup does not reveal who the residents are. Lookups (a resident by phone, an
//! application by mail address) go through keyed hashes.
//!
//! The SQL does the sealing, through three functions every connection gets:
//! `pii_seal(column, text)`, `pii_open(column, sealed)` and `pii_index(text)`. So the
//! queries of `db/` say which columns are personal, and no row type ever holds ciphertext.
//! The column's name is the associated data: a value moved to another column fails to open.
//!
//! Sealed text: `pii1.` key id (8 hex) `.` hex(nonce ‖ ciphertext).

use std::sync::Arc;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension};
use sha2::Sha256;

use crate::hex::{decode as unhex, encode as hex};
use crate::keyfile::Key;

/// Every sealed column (table, column), for rotation and for `meguri verify`.
pub const SEALED: &[(&str, &str)] = &[
    ("users", "display_name"),
    ("residents", "phone"),
    ("residents", "attributes"),
    ("residents", "mail"),
    ("stores", "bank"),
    ("store_applications", "profile"),
    ("store_applications", "applicant_name"),
    ("store_applications", "email"),
    ("store_requests", "profile"),
    ("mail_outbox", "to_addr"),
    ("mail_outbox", "body"),
];

/// Keyed-hash columns (table, index column, the sealed column it finds).
pub const INDEXED: &[(&str, &str, &str)] = &[
    ("residents", "phone_index", "phone"),
    ("residents", "mail_index", "mail"),
    ("store_applications", "email_index", "email"),
];

/// Where the key file lives when none is named: beside the database
/// (`meguri.db` → `meguri.key`).
pub fn default_key_path(db: &std::path::Path) -> std::path::PathBuf {
    db.with_extension("key")
}

/// What every sealed value starts with.
pub const PREFIX: &str = "pii1.";

/// The personal data keys: the current one seals and hashes; older ones (present only
/// while a rotation runs) still open what they sealed.
pub struct PersonalKeys {
    keys: Vec<DerivedKey>,
}

struct DerivedKey {
    id: String,
    seal: XChaCha20Poly1305,
    index: [u8; 32],
    server_secret: [u8; 32],
}

impl std::fmt::Debug for PersonalKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|k| k.id.as_str()).collect();
        write!(f, "PersonalKeys({ids:?})")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("personal data in {0} could not be opened (wrong key file, or the value was changed)")]
    Unreadable(String),
    #[error("personal data in {0} is not sealed")]
    NotSealed(String),
    #[error("no personal data key is loaded (pass --data-key)")]
    NoKey,
}

impl PersonalKeys {
    /// `masters[0]` is the current key. Panics on an empty list (a key file always has one).
    pub fn new(masters: &[Key]) -> PersonalKeys {
        assert!(!masters.is_empty(), "at least one personal data key");
        let keys = masters
            .iter()
            .map(|m| DerivedKey {
                id: hex(&mac(m, b"meguri personal data key id")[..4]),
                seal: XChaCha20Poly1305::new(&mac(m, b"meguri personal data seal v1").into()),
                index: mac(m, b"meguri personal data index v1"),
                server_secret: mac(m, b"meguri server secret v1"),
            })
            .collect();
        PersonalKeys { keys }
    }

    /// The current key's id, as sealed values show it.
    pub fn current_id(&self) -> &str {
        &self.keys[0].id
    }

    pub fn seal(&self, column: &str, plain: &str) -> String {
        let key = &self.keys[0];
        let mut nonce = [0u8; 24];
        getrandom::getrandom(&mut nonce).expect("the operating system's random source failed");
        let sealed = key
            .seal
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: column.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any length we store");
        format!("{PREFIX}{}.{}{}", key.id, hex(&nonce), hex(&sealed))
    }

    pub fn open(&self, column: &str, sealed: &str) -> Result<String, SealError> {
        let unreadable = || SealError::Unreadable(column.to_string());
        let rest = sealed
            .strip_prefix(PREFIX)
            .ok_or_else(|| SealError::NotSealed(column.to_string()))?;
        let (id, body) = rest.split_once('.').ok_or_else(unreadable)?;
        let key = self
            .keys
            .iter()
            .find(|k| k.id == id)
            .ok_or_else(unreadable)?;
        let bytes = unhex(body)
            .filter(|b| b.len() >= 24 + 16)
            .ok_or_else(unreadable)?;
        let plain = key
            .seal
            .decrypt(
                XNonce::from_slice(&bytes[..24]),
                Payload {
                    msg: &bytes[24..],
                    aad: column.as_bytes(),
                },
            )
            .map_err(|_| unreadable())?;
        String::from_utf8(plain).map_err(|_| unreadable())
    }

    /// The server's secret for MACs (CSRF tokens, and the codes printed on cards), from
    /// the current key: it lives in the key file, not in the database, so a copy of the
    /// database (a replica, a backup) is not enough to forge them.
    pub fn server_secret(&self) -> [u8; 32] {
        self.keys[0].server_secret
    }

    /// The keyed hash that finds a value without opening every row (16 bytes).
    pub fn index(&self, plain: &str) -> Vec<u8> {
        mac(&self.keys[0].index, plain.as_bytes())[..16].to_vec()
    }
}

/// Gives a connection the sealing functions. Without keys they exist but fail when a row
/// asks for them, so tools that never touch personal data (verify, backup) need no key.
pub fn register(c: &Connection, keys: Option<Arc<PersonalKeys>>) -> rusqlite::Result<()> {
    // DIRECTONLY: a trigger or view planted in a database file cannot call them.
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY;
    let with_keys = move || keys.clone().ok_or_else(|| user_error(SealError::NoKey));
    let k = with_keys.clone();
    c.create_scalar_function("pii_seal", 2, flags, move |ctx| {
        let value: Option<String> = ctx.get(1)?;
        match value {
            None => Ok(None),
            Some(v) => Ok(Some(k()?.seal(&ctx.get::<String>(0)?, &v))),
        }
    })?;
    let k = with_keys.clone();
    c.create_scalar_function(
        "pii_open",
        2,
        flags | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| {
            let value: Option<String> = ctx.get(1)?;
            match value {
                None => Ok(None),
                Some(v) => k()?
                    .open(&ctx.get::<String>(0)?, &v)
                    .map(Some)
                    .map_err(user_error),
            }
        },
    )?;
    c.create_scalar_function(
        "pii_index",
        1,
        flags | FunctionFlags::SQLITE_DETERMINISTIC,
        move |ctx| {
            let value: Option<String> = ctx.get(0)?;
            match value {
                None => Ok(None),
                Some(v) => Ok(Some(with_keys()?.index(&v))),
            }
        },
    )
}

/// Seals every personal value again under the current key and recomputes the keyed
/// hashes, in the caller's transaction (key rotation). Returns how many values moved.
pub fn reseal_all(c: &Connection) -> rusqlite::Result<usize> {
    let mut moved = 0;
    for (table, column) in SEALED {
        let name = format!("{table}.{column}");
        moved += c.execute(
            &format!(
                "UPDATE {table} SET {column} = pii_seal('{name}', pii_open('{name}', {column}))
                 WHERE {column} IS NOT NULL"
            ),
            [],
        )?;
    }
    for (table, index, column) in INDEXED {
        c.execute(
            &format!(
                "UPDATE {table} SET {index} = pii_index(pii_open('{table}.{column}', {column}))"
            ),
            [],
        )?;
    }
    Ok(moved)
}

/// Opens one sealed value (the first user's name), so a server started with the wrong key
/// file says so at once instead of failing on every request.
pub fn check_key(c: &Connection) -> rusqlite::Result<()> {
    c.query_row(
        "SELECT pii_open('users.display_name', display_name) FROM users ORDER BY id LIMIT 1",
        [],
        |_| Ok(()),
    )
    .optional()
    .map(|_| ())
}

/// Values of a sealed column that are not sealed (for `meguri verify`).
pub fn unsealed(c: &Connection, table: &str, column: &str) -> rusqlite::Result<i64> {
    c.query_row(
        &format!(
            "SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND substr({column}, 1, 5) != '{PREFIX}'"
        ),
        [],
        |r| r.get(0),
    )
}

fn user_error(e: SealError) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(Box::new(e))
}

fn mac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(data);
    m.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyfile::random_key;

    #[test]
    fn sealed_values_open_only_with_their_key_and_column() {
        let (a, b) = (random_key(), random_key());
        let keys = PersonalKeys::new(&[a]);
        let sealed = keys.seal("residents.phone", "09012345678");
        assert!(sealed.starts_with(PREFIX));
        assert!(!sealed.contains("09012345678"));
        assert_ne!(
            sealed,
            keys.seal("residents.phone", "09012345678"),
            "fresh nonce"
        );
        assert_eq!(
            keys.open("residents.phone", &sealed).unwrap(),
            "09012345678"
        );
        assert!(
            keys.open("users.display_name", &sealed).is_err(),
            "other column"
        );
        assert!(
            PersonalKeys::new(&[b])
                .open("residents.phone", &sealed)
                .is_err()
        );
        // During a rotation the old key still opens, the new one seals.
        let both = PersonalKeys::new(&[b, a]);
        assert_eq!(
            both.open("residents.phone", &sealed).unwrap(),
            "09012345678"
        );
        assert!(both.seal("x", "y").contains(both.current_id()));
        assert_ne!(both.index("09012345678"), keys.index("09012345678"));
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 1;
        changed[last] = if changed[last] == b'0' { b'1' } else { b'0' };
        let changed = String::from_utf8(changed).unwrap();
        assert!(keys.open("residents.phone", &changed).is_err());
        assert!(matches!(
            keys.open("residents.phone", "09012345678"),
            Err(SealError::NotSealed(_))
        ));
    }

    #[test]
    fn sql_functions_seal_open_and_index() {
        let c = Connection::open_in_memory().unwrap();
        register(&c, Some(Arc::new(PersonalKeys::new(&[random_key()])))).unwrap();
        let (sealed, opened, same_index): (String, String, bool) = c
            .query_row(
                "SELECT s, pii_open('t.c', s), pii_index('x') = pii_index('x')
                 FROM (SELECT pii_seal('t.c', '山田花子') AS s)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert!(sealed.starts_with(PREFIX));
        assert_eq!(opened, "山田花子");
        assert!(same_index);
        let null: Option<String> = c
            .query_row("SELECT pii_seal('t.c', NULL)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(null, None);
        let keyless = Connection::open_in_memory().unwrap();
        register(&keyless, None).unwrap();
        let err = keyless
            .query_row("SELECT pii_seal('t.c', 'x')", [], |r| r.get::<_, String>(0))
            .unwrap_err();
        assert!(err.to_string().contains("--data-key"), "{err}");
    }
}
