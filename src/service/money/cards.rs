//! Printed QR cards (M1, M2, M5, M6): batches issued by the admin, sold for cash at
//! card-selling stores (the cash is recorded as owed by that store, P4), frozen when lost,
//! paid with at the till, read by anyone holding one, and moved into a smartphone account
//! with their lots as they were. A card's QR is its serial and a MAC under the server
//! secret, so a guessed, altered or other city's card reads as `card_invalid`.

use rusqlite::{Connection, Transaction};

use super::ledger::{self, ChargeOutcome, ChargeRequest, EntryMeta, Method};
use super::programs;
use crate::db::{self, audit, cards as store, ledger as ldb, stores};
use crate::domain::card::{CardCode, CardKind, CardStatus, Serial, mac_text};
use crate::domain::journal::{Account, Posting};
use crate::domain::lots::{live_total, spending_order};
use crate::domain::program::ProgramKind;
use crate::domain::{Amount, EntryKind, Payer, Role, Text, Unit, Yen};
use crate::i18n::Msg;
use crate::service::{App, Principal, Result, ServiceError, crypto, invalid, not_found, require};

use super::card_pin::pin_hash;
pub use super::card_pin::{PIN_LOCK_SECS, PIN_TRIES, check_pin, count_pin_attempt, needs_pin};
pub use crate::db::cards::{BatchRow, CardRow};

/// The most cards one batch may hold.
pub const MAX_BATCH: i64 = 100_000;

/// What the admin asks for.
pub struct IssueBatch {
    pub kind: CardKind,
    pub count: i64,
    /// Single-use cards: the program and amount each carries once sold.
    pub preload: Option<(String, Yen)>,
    /// Each card gets a 4-digit PIN when sold, asked for at every payment.
    pub pin_required: bool,
}

/// A card as printed.
pub struct PrintedCard {
    pub id: i64,
    pub serial: Serial,
    /// The QR's text: the public balance page's address with the card's code.
    pub qr: String,
}

/// Issues a batch of cards (admin): printed, not yet sold, holding nothing.
pub fn issue_batch(app: &App, who: &Principal, rq: &IssueBatch) -> Result<(i64, Vec<PrintedCard>)> {
    require(who, &[Role::Admin])?;
    if !(1..=MAX_BATCH).contains(&rq.count) {
        return Err(invalid(
            Text::new(Msg::CardCountMustBe).with("max", MAX_BATCH),
        ));
    }
    match (&rq.kind, &rq.preload) {
        (CardKind::SingleUse, None) => return Err(invalid(Msg::SingleUseCardsNeedAPreload)),
        (CardKind::Rechargeable, Some(_)) => {
            return Err(invalid(Msg::RechargeableCardsTakeNoPreload));
        }
        (_, Some((program, amount))) => {
            let p = programs::get(app, program)?;
            if amount.0 <= 0 || p.kind == ProgramKind::Points {
                return Err(invalid(Msg::SingleUseCardsNeedAPreload));
            }
        }
        _ => {}
    }
    let now = app.now();
    let mut c = app.conn()?;
    let (batch, ids) = db::write(&mut c, |tx| -> Result<_> {
        let made = store::insert_batch(
            tx,
            &store::NewBatch {
                kind: rq.kind,
                count: rq.count,
                preload: rq.preload.as_ref().map(|(p, y)| (p.as_str(), y.0)),
                pin_required: rq.pin_required,
                created_by: &who.actor,
                now,
            },
        )?;
        audit::record(
            tx,
            now,
            &who.actor,
            "cards.issue",
            &format!("card_batch:{}", made.0),
            &serde_json::json!({ "count": rq.count, "kind": rq.kind.to_string() }),
        )?;
        Ok(made)
    })?;
    let cards = ids.into_iter().map(|id| printed(app, id)).collect();
    Ok((batch, cards))
}

/// Card `id` as printed.
pub fn printed(app: &App, id: i64) -> PrintedCard {
    let serial = Serial::of(id);
    PrintedCard {
        id,
        qr: qr_text(app, &serial),
        serial,
    }
}

/// The QR text of a card: `{public_url}/c/{serial}-{mac}`.
pub fn qr_text(app: &App, serial: &Serial) -> String {
    format!(
        "{}/c/{}",
        app.config.public_url.trim_end_matches('/'),
        code_of(app, serial).text()
    )
}

fn code_of(app: &App, serial: &Serial) -> CardCode {
    signed(&app.secret, serial)
}

/// The card's code under `secret`.
fn signed(secret: &[u8], serial: &Serial) -> CardCode {
    let mac = crypto::hmac_sha256(secret, format!("card-qr-v1:{}", serial.as_str()).as_bytes());
    CardCode {
        serial: serial.clone(),
        mac: mac_text(&mac),
    }
}

/// The serial a scanned text names, if it is a card's code whose MAC holds under `secret`.
fn verified(secret: &[u8], scanned: &str) -> Option<Serial> {
    let code = CardCode::parse(scanned)?;
    let expected = signed(secret, &code.serial);
    crypto::constant_time_eq(expected.mac.as_bytes(), code.mac.as_bytes()).then_some(code.serial)
}

/// The card a scanned QR names, if its MAC holds: anything else is `card_invalid`.
pub fn resolve(app: &App, c: &Connection, qr: &str) -> Result<CardRow> {
    let bad = || ServiceError::CardInvalid(Text::new(Msg::ThisCardCannotBeRead));
    let serial = verified(&app.secret, qr).ok_or_else(bad)?;
    store::card(c, serial.number())?.ok_or_else(bad)
}

/// The card a clerk scanned at the counter (staff, merchants).
pub fn scanned(app: &App, who: &Principal, qr: &str) -> Result<CardRow> {
    require(who, &[Role::Merchant, Role::Operator, Role::Admin])?;
    resolve(app, &*app.conn()?, qr)
}

/// A card may pay or take value only while sold and not frozen or moved.
pub fn check_usable(card: &CardRow) -> Result<()> {
    match card.status {
        CardStatus::Active => Ok(()),
        CardStatus::Issued => Err(ServiceError::CardInvalid(Text::new(
            Msg::ThisCardHasNotBeenSold,
        ))),
        CardStatus::Frozen => Err(ServiceError::CardInvalid(Text::new(Msg::ThisCardIsStopped))),
        CardStatus::Migrated => Err(ServiceError::CardInvalid(Text::new(
            Msg::ThisCardsValueWasMoved,
        ))),
    }
}

/// Card `id`, usable, for a charge or a grant named by id.
pub fn usable(c: &Connection, id: i64) -> Result<CardRow> {
    let card =
        store::card(c, id)?.ok_or_else(|| not_found(Text::new(Msg::NoCard).with("id", id)))?;
    check_usable(&card)?;
    Ok(card)
}

/// A charge to a card: cash, taken by a card-selling store's staff or the office; a
/// single-use card takes exactly one, its preload, when sold. Gives the store that took
/// the cash (which owes it to the city).
pub fn check_charge(
    tx: &Transaction,
    who: &Principal,
    card: &CardRow,
    rq: &ChargeRequest,
) -> Result<Option<i64>> {
    let store_id = match who.role {
        Role::Merchant => {
            let s = who
                .store_id
                .and_then(|id| stores::get(tx, id).ok().flatten());
            match s {
                Some(s) if s.sells_cards && rq.method == Method::Cash => {
                    ledger::store_moves_value(Some(s.clone()))?;
                    Some(s.id)
                }
                _ => {
                    return Err(ServiceError::Forbidden(Text::new(
                        Msg::OnlyCardSellingStores,
                    )));
                }
            }
        }
        _ => None,
    };
    if card.kind == CardKind::SingleUse {
        let charged = match ldb::wallet_of(tx, Payer::Card(card.id))? {
            Some(w) => ldb::charge_count(tx, w)? > 0,
            None => false,
        };
        let preload = card.preload.as_ref().map(|(p, a)| (p.as_str(), *a));
        if charged || preload != Some((rq.program.as_deref().unwrap_or("cash"), rq.amount.0)) {
            return Err(ServiceError::RuleViolation(Text::new(
                Msg::SingleUseCardsAreNotRecharged,
            )));
        }
    }
    Ok(store_id)
}

/// Sells card `id` (an issued one) for cash: a single-use card gets its preload, a
/// rechargeable one `amount` (which may be zero) of plain cash, premium as in the app.
pub fn sell(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    id: i64,
    amount: Yen,
    pin: Option<&str>,
) -> Result<SaleOutcome> {
    require(who, &[Role::Merchant, Role::Operator, Role::Admin])?;
    let card =
        store::card(tx, id)?.ok_or_else(|| not_found(Text::new(Msg::NoCard).with("id", id)))?;
    if card.status != CardStatus::Issued {
        return Err(ServiceError::Conflict(Text::new(
            Msg::ThisCardWasAlreadySold,
        )));
    }
    if who.role == Role::Merchant {
        let s = who
            .store_id
            .and_then(|sid| stores::get(tx, sid).ok().flatten());
        if !s.is_some_and(|s| s.sells_cards) {
            return Err(ServiceError::Forbidden(Text::new(
                Msg::OnlyCardSellingStores,
            )));
        }
    }
    let pin = pin.map(str::trim).filter(|p| !p.is_empty());
    match pin {
        Some(p) if p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()) => {
            store::set_pin(tx, id, &pin_hash(app, id, p))?;
        }
        Some(_) => return Err(invalid(Msg::APinIsFourDigits)),
        None if card.pin_required => return Err(invalid(Msg::APinIsFourDigits)),
        None => {}
    }
    let now = app.now();
    store::mark_sold(tx, id, &who.actor, now)?;
    let rq = match &card.preload {
        Some((program, y)) => Some(ChargeRequest {
            holder: Payer::Card(id),
            amount: Yen(*y),
            method: Method::Cash,
            program: Some(program.clone()),
            expires_at: None,
        }),
        None if amount.0 > 0 => Some(ChargeRequest {
            holder: Payer::Card(id),
            amount,
            method: Method::Cash,
            program: None,
            expires_at: None,
        }),
        None => None,
    };
    let charge = match rq {
        Some(rq) => {
            let program = ledger::check_charge(app, who, &rq)?;
            Some(ledger::charge(app, tx, who, &rq, &program, None)?)
        }
        None => None,
    };
    audit::record(
        tx,
        now,
        &who.actor,
        "card.sell",
        &format!("card:{id}"),
        &serde_json::json!({}),
    )?;
    Ok(SaleOutcome {
        card_id: id,
        serial: card.serial,
        charge,
    })
}

pub struct SaleOutcome {
    pub card_id: i64,
    pub serial: Serial,
    pub charge: Option<ChargeOutcome>,
}

/// Freezes (a lost card) or unfreezes card `id` (admin, operator).
pub fn set_frozen(app: &App, who: &Principal, id: i64, frozen: bool) -> Result<CardRow> {
    require(who, &[Role::Admin, Role::Operator])?;
    let now = app.now();
    let mut c = app.conn()?;
    db::write(&mut c, |tx| -> Result<CardRow> {
        let card =
            store::card(tx, id)?.ok_or_else(|| not_found(Text::new(Msg::NoCard).with("id", id)))?;
        let (from, to) = if frozen {
            (CardStatus::Active, CardStatus::Frozen)
        } else {
            (CardStatus::Frozen, CardStatus::Active)
        };
        if card.status == to {
            return Ok(card);
        }
        if card.status != from && !(frozen && card.status == CardStatus::Issued) {
            return Err(ServiceError::Conflict(Text::new(
                Msg::ThisCardCannotBeFrozen,
            )));
        }
        store::set_status(tx, id, to, now)?;
        audit::record(
            tx,
            now,
            &who.actor,
            if frozen {
                "card.freeze"
            } else {
                "card.unfreeze"
            },
            &format!("card:{id}"),
            &serde_json::json!({}),
        )?;
        Ok(store::card(tx, id)?.expect("the card just changed"))
    })
}

/// What a card holds, as anyone holding the card may see it: no personal data.
pub struct CardBalance {
    pub card: CardRow,
    pub yen: Yen,
    pub points: Amount,
    /// Program name, what is left, expiry; in the order a payment spends them.
    pub lots: Vec<(String, Amount, Unit, Option<i64>)>,
}

pub fn balance(app: &App, qr: &str) -> Result<CardBalance> {
    let c = app.conn()?;
    let card = resolve(app, &c, qr)?;
    let now = app.now();
    let all = programs::all(app);
    let mut lots = match ldb::wallet_of(&c, Payer::Card(card.id))? {
        Some(w) => ldb::open_lots(&c, w)?,
        None => Vec::new(),
    };
    spending_order(&mut lots, &all);
    let shown = lots
        .iter()
        .filter(|l| l.is_live(now))
        .filter_map(|l| {
            let p = all.get(&l.program)?;
            Some((p.name.clone(), l.remaining, p.kind.unit(), l.expires_at))
        })
        .collect();
    Ok(CardBalance {
        yen: live_total(&lots, &all, Unit::Yen, now).yen(),
        points: live_total(&lots, &all, Unit::Points, now),
        lots: shown,
        card,
    })
}

/// Moves a card's value into the resident's own wallet (M5): every open lot as it was
/// (program, origin, expiry), the card marked migrated. Gives the yen moved.
pub fn migrate(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    qr: &str,
    pin: Option<&str>,
) -> Result<Yen> {
    require(who, &[Role::Resident])?;
    let resident = who.user_id.ok_or_else(|| not_found(Msg::NoResident))?;
    let card = resolve(app, tx, qr)?;
    if card.status == CardStatus::Migrated {
        return Err(ServiceError::Conflict(Text::new(
            Msg::ThisCardWasAlreadyMoved,
        )));
    }
    check_usable(&card)?;
    check_pin(app, &card, pin)?;
    let now = app.now();
    let to = ledger::resident_wallet(tx, resident, now)?;
    let yen = move_lots(app, tx, &who.actor, card.id, to)?;
    store::mark_migrated(tx, card.id, resident, now)?;
    audit::record(
        tx,
        now,
        &who.actor,
        "card.migrate",
        &format!("card:{}", card.id),
        &serde_json::json!({ "yen": yen.0 }),
    )?;
    Ok(yen)
}

/// A lost card's value onto a new card from stock (staff): every open lot as it was, the
/// new card in use at once (with the old one's kind), the old one spent for good.
pub fn reissue(app: &App, tx: &Transaction, who: &Principal, old: i64, new: i64) -> Result<Yen> {
    require(who, &[Role::Admin, Role::Operator])?;
    let lost =
        store::card(tx, old)?.ok_or_else(|| not_found(Text::new(Msg::NoCard).with("id", old)))?;
    let fresh =
        store::card(tx, new)?.ok_or_else(|| not_found(Text::new(Msg::NoCard).with("id", new)))?;
    if !matches!(lost.status, CardStatus::Active | CardStatus::Frozen) {
        return Err(ServiceError::Conflict(Text::new(
            Msg::ThisCardsValueWasMoved,
        )));
    }
    if fresh.status != CardStatus::Issued || fresh.kind != lost.kind || fresh.id == lost.id {
        return Err(ServiceError::Conflict(Text::new(
            Msg::TheNewCardMustBeUnsoldOfTheSameKind,
        )));
    }
    let now = app.now();
    let to = ledger::wallet_of(tx, Payer::Card(new), now)?;
    let yen = move_lots(app, tx, &who.actor, old, to)?;
    store::mark_replaced(tx, old, &who.actor, new, now)?;
    audit::record(
        tx,
        now,
        &who.actor,
        "card.reissue",
        &format!("card:{old}"),
        &serde_json::json!({ "new_card": new, "yen": yen.0 }),
    )?;
    Ok(yen)
}

/// Moves every open lot of card `card` into wallet `to` as it was (program, origin,
/// expiry) in one `card_move` entry; gives the yen moved.
fn move_lots(
    app: &App,
    tx: &Transaction,
    actor: &str,
    card: i64,
    to: crate::domain::WalletId,
) -> Result<Yen> {
    let now = app.now();
    let lots = match ldb::wallet_of(tx, Payer::Card(card))? {
        Some(w) => ldb::open_lots(tx, w)?,
        None => Vec::new(),
    };
    let all = programs::all(app);
    let moved: Vec<_> = lots
        .into_iter()
        .filter(|l| l.remaining > Amount::ZERO)
        .collect();
    let yen = moved
        .iter()
        .filter(|l| {
            all.get(&l.program)
                .is_some_and(|p| p.kind.unit() == Unit::Yen)
        })
        .map(|l| l.remaining)
        .sum::<Amount>()
        .yen();
    if moved.is_empty() {
        return Ok(yen);
    }
    ledger::post(
        tx,
        &EntryMeta {
            kind: EntryKind::CardMove,
            at: now,
            actor,
            wallet: Some(to),
            store_id: None,
        },
        |entry_id| {
            let mut ps = Vec::new();
            for l in &moved {
                let origin = ldb::lot_origin(tx, l.id)?;
                let new = ldb::insert_lot(
                    tx,
                    &ldb::NewLot {
                        wallet: to,
                        program: &l.program,
                        origin,
                        amount: l.remaining,
                        expires_at: l.expires_at,
                        entry_id,
                        now,
                    },
                )?;
                ps.push(Posting {
                    account: Account::Lot(l.id),
                    program: l.program.clone(),
                    amount: -l.remaining,
                });
                ps.push(Posting {
                    account: Account::Lot(new),
                    program: l.program.clone(),
                    amount: l.remaining,
                });
            }
            Ok(ps)
        },
    )?;
    Ok(yen)
}

/// The newest batches, for the office.
pub fn batches(app: &App, who: &Principal) -> Result<Vec<BatchRow>> {
    require(who, &[Role::Admin, Role::Operator])?;
    let c = app.conn()?;
    Ok(store::batches(&c, 100)?)
}

/// Batch `id` and its cards as printed, from card `after` on, at most `limit`.
pub fn batch_cards(
    app: &App,
    who: &Principal,
    id: i64,
    after: i64,
    limit: i64,
) -> Result<(BatchRow, Vec<PrintedCard>)> {
    require(who, &[Role::Admin, Role::Operator])?;
    let c = app.conn()?;
    let batch = store::batch(&c, id)?.ok_or_else(|| not_found(Msg::NoSuchCardBatch))?;
    let cards = store::cards_of_batch(&c, id, after, limit)?
        .into_iter()
        .map(|r| printed(app, r.id))
        .collect();
    Ok((batch, cards))
}

/// Card `id` for the office, or the card a typed serial names.
pub fn card(app: &App, who: &Principal, id: i64) -> Result<CardRow> {
    require(who, &[Role::Admin, Role::Operator])?;
    let c = app.conn()?;
    store::card(&c, id)?.ok_or_else(|| not_found(Text::new(Msg::NoCard).with("id", id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A card's code reads back as its serial, as printed or in lower case, and any
        /// one character changed (to anything) is refused.
        #[test]
        fn a_signed_code_round_trips_and_one_changed_character_is_refused(
            n in 0i64..100_000_000_000,
            at in 0usize..27,
            to in proptest::char::any(),
        ) {
            let secret = [9u8; 32];
            let serial = Serial::of(n);
            let text = signed(&secret, &serial).text();
            let url = format!("https://pay.example.jp/c/{text}");
            prop_assert_eq!(verified(&secret, &url), Some(serial.clone()));
            prop_assert_eq!(verified(&secret, &text.to_lowercase()), Some(serial.clone()));
            prop_assert_eq!(verified(&[8u8; 32], &text), None, "another city's secret");
            let mut chars: Vec<char> = text.chars().collect();
            let at = at % chars.len();
            prop_assume!(!chars[at].eq_ignore_ascii_case(&to));
            chars[at] = to;
            let changed: String = chars.into_iter().collect();
            prop_assert_eq!(verified(&secret, &changed), None, "{}", changed);
        }
    }
}
