//! The ledger's kinds as enums: what an entry records, where a lot came from, how a
//! payment was made, how a charge was paid. Each is stored by its code in a reference
//! table (`entry_kinds`, `lot_origins`, `payment_kinds`, `charge_methods`), so a new kind
//! is a new row and a new variant, never a rebuilt table; a test keeps the enums and the
//! tables equal.

/// An enum stored and sent by a fixed code.
pub trait Code: Sized + Copy + 'static {
    /// Every variant, in declaration order.
    const ALL: &'static [Self];
    /// The reference table that lists the codes.
    const TABLE: &'static str;
    fn code(self) -> &'static str;
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == s)
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident in $table:literal { $($(#[$vm:meta])* $v:ident = $code:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $v,)+
        }

        impl Code for $name {
            const ALL: &'static [$name] = &[$($name::$v,)+];
            const TABLE: &'static str = $table;
            fn code(self) -> &'static str {
                match self {
                    $($name::$v => $code,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use code_enum;

code_enum! {
    /// What a journal entry records.
    EntryKind in "entry_kinds" {
        Charge = "charge",
        Grant = "grant",
        Payment = "payment",
        Refund = "refund",
        Expiry = "expiry",
        Tax = "tax",
        /// A card's lots moved, as they were, into an account or onto another card.
        CardMove = "card_move",
    }
}

code_enum! {
    /// Where a lot's value came from.
    LotOrigin in "lot_origins" {
        /// Paid in by the holder.
        Charge = "charge",
        /// The city's bonus on a charge.
        Premium = "premium",
        /// Handed out by the city (subsidies, gifts, points).
        Grant = "grant",
    }
}

code_enum! {
    /// How a payment reached its payee.
    PaymentKind in "payment_kinds" {
        /// The payer scanned the store's code.
        Mpm = "mpm",
        /// The store scanned the payer's code.
        Cpm = "cpm",
        /// City tax paid from the wallet.
        Tax = "tax",
    }
}

code_enum! {
    /// How a charge was paid for.
    ChargeMethod in "charge_methods" {
        CreditCard = "credit_card",
        Bank = "bank",
        Cash = "cash",
        Admin = "admin",
    }
}

impl ChargeMethod {
    /// Card and bank charges go through the payment provider.
    pub fn needs_provider(self) -> bool {
        matches!(self, ChargeMethod::CreditCard | ChargeMethod::Bank)
    }
}

impl PaymentKind {
    /// The journal entry a payment of this kind is recorded as.
    pub fn entry_kind(self) -> EntryKind {
        match self {
            PaymentKind::Tax => EntryKind::Tax,
            PaymentKind::Mpm | PaymentKind::Cpm => EntryKind::Payment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<K: Code + PartialEq + std::fmt::Debug>() {
        for k in K::ALL {
            assert_eq!(K::parse(k.code()), Some(*k));
        }
        assert_eq!(K::parse("nonsense"), None);
        let mut codes: Vec<&str> = K::ALL.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(
            codes.len(),
            K::ALL.len(),
            "codes of {} are distinct",
            K::TABLE
        );
    }

    #[test]
    fn codes_round_trip() {
        round_trips::<EntryKind>();
        round_trips::<LotOrigin>();
        round_trips::<PaymentKind>();
        round_trips::<ChargeMethod>();
        round_trips::<crate::domain::Unit>();
        round_trips::<crate::domain::program::ProgramKind>();
        round_trips::<crate::domain::StoreStatus>();
    }
}
