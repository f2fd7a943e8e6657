//! Wallets and who holds them. Every movement of value names a wallet; whether its holder
//! is a resident or a card is decided once, where the request comes in.

use std::fmt;

/// A wallet (`wallets.id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WalletId(pub i64);

impl fmt::Display for WalletId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Who holds a wallet: a resident's account or a printed QR card (later also a
/// distributor group or a place that takes points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Payer {
    Resident(i64),
    Card(i64),
}

impl Payer {
    /// The resident's or the card's id, as the request named it.
    pub fn id(self) -> i64 {
        match self {
            Payer::Resident(id) | Payer::Card(id) => id,
        }
    }
}
