//! Storage of the ledger: programs, wallets, lots, journal entries and postings, and the
//! records of charges, grants, payments and refunds.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::journal::{Account, Posting};
use crate::domain::kinds::{ChargeMethod, Code, EntryKind, LotOrigin, PaymentKind};
use crate::domain::lots::Lot;
use crate::domain::money::{Amount, Unit};
use crate::domain::money::{Rate, Yen};
use crate::domain::program::{Approval, ChargePremium, Expiry, Program, ProgramKind, Window};
use crate::domain::wallet::{Payer, WalletId};

// One file per table group; their public items are the module's.
mod programs;
pub use programs::*;
mod wallets;
pub use wallets::*;
mod lots;
pub use lots::*;
mod journal;
pub use journal::*;
mod records;
pub use records::*;
mod grants;
pub use grants::*;
mod qr_tokens;
pub use qr_tokens::*;
mod idempotency;
pub use idempotency::*;
mod history;
pub use history::*;

/// A kind stored by its code; a code this meguri does not know is a read error.
pub(crate) fn code_at<K: Code>(r: &rusqlite::Row, i: usize) -> rusqlite::Result<K> {
    let s: String = r.get(i)?;
    K::parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown {} code {s:?}", K::TABLE).into(),
        )
    })
}
