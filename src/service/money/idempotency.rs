//! Safe retries: a value-moving request with an `Idempotency-Key` stores its answer in the
//! same transaction as its effect. The same key and request get the stored answer again;
//! the same key with another request is refused.

use crate::i18n::Msg;
use rusqlite::Transaction;

use crate::db::ledger;
use crate::service::{App, Principal, Result, ServiceError, crypto, invalid};

/// An answer to send: fresh, or replayed from the first time.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub replayed: bool,
}

/// Checks a client's key: 1 to 200 visible ASCII characters.
pub fn check_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(Msg::IdempotencyKeyMustBe1));
    }
    Ok(())
}

/// The stored answer for `key`, read before any outside work (a payment provider call).
pub fn stored(
    app: &App,
    actor: &str,
    key: Option<&str>,
    fingerprint: &[u8],
) -> Result<Option<Answer>> {
    let Some(key) = key else { return Ok(None) };
    check_key(key)?;
    replay(&*app.conn()?, actor, key, fingerprint)
}

/// A retry key for a confirmation page showing `what` (say, "pay SHOP 1200") to `who`:
/// a fresh nonce and a MAC under the server secret, so a confirmation address can only
/// come from the person's own form, never from a link someone else made up.
pub fn confirmation_key(app: &App, who: &Principal, what: &str) -> String {
    let nonce = crate::hex::encode(&crypto::random_bytes::<16>());
    format!("{nonce}.{}", confirmation_mac(app, who, what, &nonce))
}

/// Whether `key` was made by `confirmation_key` for this person and this `what`.
pub fn confirmation_key_is_ours(app: &App, who: &Principal, what: &str, key: &str) -> bool {
    key.split_once('.').is_some_and(|(nonce, mac)| {
        crypto::constant_time_eq(
            mac.as_bytes(),
            confirmation_mac(app, who, what, nonce).as_bytes(),
        )
    })
}

fn confirmation_mac(app: &App, who: &Principal, what: &str, nonce: &str) -> String {
    let data = format!("confirm\n{}\n{what}\n{nonce}", who.idempotency_scope());
    crate::hex::encode(&crypto::hmac_sha256(&app.secret, data.as_bytes())[..16])
}

/// The answer already stored for `key`, whatever request it answered: a confirmation
/// page bound to a key that was used shows what became of it instead of asking again.
pub fn answered(app: &App, actor: &str, key: &str) -> Result<Option<Answer>> {
    check_key(key)?;
    Ok(
        ledger::idempotent_response(&*app.conn()?, actor, key)?.map(|(_, status, body)| Answer {
            status,
            body,
            replayed: true,
        }),
    )
}

fn replay(
    c: &rusqlite::Connection,
    actor: &str,
    key: &str,
    fingerprint: &[u8],
) -> Result<Option<Answer>> {
    match ledger::idempotent_response(c, actor, key)? {
        None => Ok(None),
        Some((fp, status, body)) if fp == fingerprint => Ok(Some(Answer {
            status,
            body,
            replayed: true,
        })),
        Some(_) => Err(ServiceError::IdempotencyConflict),
    }
}

/// Runs `effect` in the next group-committed batch (see `db::group`) and returns
/// `render`'s answer once it is durable; with a key, the answer is stored in the same
/// transaction, or the stored one is returned without running.
pub(in crate::service) fn run<T, F, R>(
    app: &App,
    scope: &str,
    key: Option<&str>,
    fingerprint: &[u8],
    effect: F,
    render: R,
) -> Result<Answer>
where
    T: 'static,
    F: FnOnce(&Transaction) -> Result<T> + Send + 'static,
    R: FnOnce(&T) -> (u16, serde_json::Value) + Send + 'static,
{
    if let Some(k) = key {
        check_key(k)?;
    }
    let (scope, key, fingerprint, now) = (
        scope.to_owned(),
        key.map(str::to_owned),
        fingerprint.to_vec(),
        app.now(),
    );
    app.writer.submit(move |tx| {
        if let Some(k) = &key
            && let Some(a) = replay(tx, &scope, k, &fingerprint)?
        {
            return Ok(a);
        }
        let out = effect(tx)?;
        let (status, body) = render(&out);
        let body = body.to_string();
        if let Some(k) = &key {
            ledger::store_idempotent_response(tx, &scope, k, &fingerprint, status, &body, now)?;
        }
        Ok(Answer {
            status,
            body,
            replayed: false,
        })
    })
}
