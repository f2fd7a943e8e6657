//! A value-moving request as the edge hands it over: what to move, who asks, and the
//! retry key with the request's fingerprint. The service runs it in the writer's next
//! batch, stores the answer with the effect and replays it on a retry, so the web layer
//! names what it wants and never holds a transaction.

use std::sync::Arc;

use rusqlite::Transaction;

use super::idempotency::{self, Answer};
use super::ledger::{self, GrantOutcome, GrantRequest, PaymentOutcome, RefundOutcome};
use super::tax;
use crate::domain::Yen;
use crate::service::{App, Principal, Result};

/// One kind of value-moving request and what it yields.
pub trait Movement: Send + 'static {
    type Outcome: 'static;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<Self::Outcome>;
}

/// Runs `movement` for `who` under `key` (see `idempotency`): the answer `render` makes of
/// its outcome once durable, or the one stored for the same key and request.
pub fn run<M, R>(
    app: &Arc<App>,
    who: &Principal,
    key: Option<&str>,
    fingerprint: &[u8],
    movement: M,
    render: R,
) -> Result<Answer>
where
    M: Movement,
    R: FnOnce(&M::Outcome) -> (u16, serde_json::Value) + Send + 'static,
{
    let (shared, asker) = (app.clone(), who.clone());
    idempotency::run(
        app,
        &who.idempotency_scope(),
        key,
        fingerprint,
        move |tx| movement.apply(&shared, tx, &asker),
        render,
    )
}

/// Value handed out by the city, now or on a schedule.
pub struct Grant(pub GrantRequest);

/// A second admin approves a grant asked for in the office pages.
pub struct ApproveGrant(pub i64);

/// The payer scanned a store's code (MPM).
pub struct PayAtStore {
    pub store_code: String,
    pub amount: Yen,
}

/// The store scanned the payer's code (CPM).
pub struct PayByToken {
    pub store_id: i64,
    pub token: String,
    pub amount: Yen,
    /// A card's PIN, when the card has one.
    pub pin: Option<String>,
}

/// A card-selling store (or the office) sells a printed card for cash.
pub struct SellCard {
    pub card_id: i64,
    pub amount: Yen,
    /// The buyer's 4-digit PIN, when the card has one.
    pub pin: Option<String>,
}

/// The office moves a lost card's value onto a new card.
pub struct ReissueCard {
    pub lost: i64,
    pub new: i64,
}

/// A resident moves a printed card's value into their own account.
pub struct MigrateCard {
    pub card_qr: String,
    pub pin: Option<String>,
}

/// City tax paid from the resident's wallet.
pub struct PayTax {
    pub amount: Yen,
    pub notice_number: String,
}

/// Value back from a payment to the lots it came from.
pub struct Refund {
    pub payment_id: i64,
    pub amount: Yen,
}

impl Movement for Grant {
    type Outcome = GrantOutcome;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<GrantOutcome> {
        ledger::grant(app, tx, who, &self.0)
    }
}

impl Movement for ApproveGrant {
    type Outcome = GrantOutcome;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<GrantOutcome> {
        super::grant_requests::approve(app, tx, who, self.0)
    }
}

impl Movement for PayAtStore {
    type Outcome = PaymentOutcome;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<PaymentOutcome> {
        ledger::pay_at_store_code(app, tx, who, &self.store_code, self.amount)
    }
}

impl Movement for PayByToken {
    type Outcome = PaymentOutcome;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<PaymentOutcome> {
        ledger::pay_by_token(
            app,
            tx,
            who,
            self.store_id,
            &self.token,
            self.amount,
            self.pin.as_deref(),
        )
    }
}

impl Movement for PayTax {
    type Outcome = PaymentOutcome;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<PaymentOutcome> {
        tax::pay_tax(app, tx, who, self.amount, &self.notice_number)
    }
}

impl Movement for Refund {
    type Outcome = RefundOutcome;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<RefundOutcome> {
        ledger::refund(app, tx, who, self.payment_id, self.amount)
    }
}

impl Movement for SellCard {
    type Outcome = super::cards::SaleOutcome;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<Self::Outcome> {
        super::cards::sell(app, tx, who, self.card_id, self.amount, self.pin.as_deref())
    }
}

impl Movement for MigrateCard {
    type Outcome = Yen;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<Yen> {
        super::cards::migrate(app, tx, who, &self.card_qr, self.pin.as_deref())
    }
}

impl Movement for ReissueCard {
    type Outcome = Yen;
    fn apply(self, app: &App, tx: &Transaction, who: &Principal) -> Result<Yen> {
        super::cards::reissue(app, tx, who, self.lost, self.new)
    }
}
