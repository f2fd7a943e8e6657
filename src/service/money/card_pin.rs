//! A printed card's optional PIN (per batch): set when the card is sold, stored as a MAC
//! under the server secret, asked for at every payment and move; wrong ones counted in a
//! transaction of their own and, after a few, the PIN locked for a while.

use super::cards::{CardRow, resolve};
use crate::db::{self, cards as store};
use crate::domain::Text;
use crate::domain::card::CardCode;
use crate::i18n::Msg;
use crate::service::{App, Result, ServiceError, crypto};

/// Wrong PINs in a row before a card's PIN is locked, and for how long (seconds).
pub const PIN_TRIES: i64 = 5;
pub const PIN_LOCK_SECS: i64 = 30 * 60;

pub(super) fn pin_hash(app: &App, id: i64, pin: &str) -> [u8; 32] {
    crypto::hmac_sha256(&app.secret, format!("card-pin-v1:{id}:{pin}").as_bytes())
}

/// Inside a payment or a move: the card's PIN, if it has one, was given and is right.
pub fn check_pin(app: &App, card: &CardRow, pin: Option<&str>) -> Result<()> {
    let Some(hash) = &card.pin_hash else {
        return Ok(());
    };
    if card.pin_locked_until.is_some_and(|t| t > app.now()) {
        return Err(ServiceError::TooManyAttempts(Text::new(
            Msg::ThePinIsLockedForAWhile,
        )));
    }
    let Some(pin) = pin.map(str::trim).filter(|p| !p.is_empty()) else {
        return Err(ServiceError::CardInvalid(Text::new(
            Msg::ThisCardNeedsItsPin,
        )));
    };
    if !crypto::constant_time_eq(hash, &pin_hash(app, card.id, pin)) {
        return Err(ServiceError::CardInvalid(Text::new(Msg::TheWrongPin)));
    }
    Ok(())
}

/// Before a payment or a move runs: the PIN attempt, counted in a transaction of its own
/// (the payment's would roll it back with the refusal); wrong ones lock the PIN for a
/// while after [`PIN_TRIES`].
pub fn count_pin_attempt(app: &App, qr: &str, pin: Option<&str>) -> Result<()> {
    if !CardCode::looks_like_card(qr) {
        return Ok(());
    }
    let mut c = app.conn()?;
    let card = resolve(app, &c, qr)?;
    let outcome = check_pin(app, &card, pin);
    let counts = card.pin_hash.is_some()
        && pin.is_some_and(|p| !p.trim().is_empty())
        && !matches!(outcome, Err(ServiceError::TooManyAttempts(_)));
    if counts {
        let now = app.now();
        db::write(&mut c, |tx| {
            store::pin_attempt(tx, card.id, outcome.is_ok(), PIN_TRIES, now + PIN_LOCK_SECS)
        })?;
    }
    outcome
}

/// Whether the card a clerk scanned asks for its PIN (the till then shows the field).
pub fn needs_pin(app: &App, qr: &str) -> bool {
    CardCode::looks_like_card(qr)
        && app
            .conn()
            .ok()
            .and_then(|c| resolve(app, &c, qr).ok())
            .is_some_and(|card| card.pin_hash.is_some())
}
