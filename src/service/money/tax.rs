//! City tax paid with money (KUM-ア-h): only tax-payable value is used, and a notice
//! number the resident has already paid is refused, so a second tap or a mixed-up notice
//! does not pay the same tax twice. (A retry with the same Idempotency-Key is answered from
//! the idempotency record before this runs, and is not a second payment.)

use crate::i18n::Msg;
use rusqlite::Transaction;

use crate::db::tax as rows;
use crate::domain::program::Purpose;
use crate::domain::{PaymentKind, Role, Text, Yen};
use crate::service::money::ledger::{PaymentOutcome, own_wallet, spend};
use crate::service::{App, Principal, Result, ServiceError, invalid, require};

pub fn pay_tax(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    amount: Yen,
    notice_number: &str,
) -> Result<PaymentOutcome> {
    require(who, &[Role::Resident])?;
    let n = notice_number.trim();
    if n.is_empty() || n.len() > 40 || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid(Msg::NoticeNumberMustBe1));
    }
    let wallet = own_wallet(tx, who)?;
    if let Some(wallet) = wallet
        && let Some(at) = rows::notice_paid_at(tx, wallet, n)?
    {
        return Err(ServiceError::Conflict(
            Text::new(Msg::TaxNoticeAlreadyPaid)
                .with("notice", n)
                .with_datetime("at", at),
        ));
    }
    spend(
        app,
        tx,
        &who.actor,
        wallet,
        PaymentKind::Tax,
        None,
        Purpose::Tax,
        amount,
        Some(n),
    )
}
