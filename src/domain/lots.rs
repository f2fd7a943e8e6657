//! Lots and allocation: which slices of a wallet pay for something, and where a refund
//! goes back to.

use std::collections::HashMap;

use super::money::Yen;
use super::program::{Program, Purpose};

/// A slice of value in one wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    pub id: i64,
    pub program: String,
    pub remaining: Yen,
    /// Usable strictly before this instant.
    pub expires_at: Option<i64>,
}

impl Lot {
    pub fn is_live(&self, now: i64) -> bool {
        self.remaining > Yen::ZERO && self.expires_at.is_none_or(|e| now < e)
    }
}

/// One lot's share of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    pub lot_id: i64,
    pub program: String,
    pub amount: Yen,
}

/// Not enough usable value: how much there was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub available: Yen,
}

/// Sorts lots into spending order: store-restricted first, then the soonest expiry (no
/// expiry last), then the oldest (lowest id).
pub fn spending_order(lots: &mut [Lot], programs: &HashMap<String, Program>) {
    lots.sort_by_key(|l| {
        let restricted = programs.get(&l.program).is_some_and(Program::is_restricted);
        (!restricted, l.expires_at.unwrap_or(i64::MAX), l.id)
    });
}

/// Which lots pay `amount` for `purpose` at `now`: only live lots whose program allows
/// it, in spending order. Never draws more than a lot holds; the draws sum to `amount`.
pub fn allocate(
    lots: &[Lot],
    programs: &HashMap<String, Program>,
    purpose: Purpose,
    now: i64,
    amount: Yen,
) -> Result<Vec<Draw>, Shortfall> {
    let mut usable: Vec<Lot> = lots
        .iter()
        .filter(|l| {
            l.is_live(now)
                && programs
                    .get(&l.program)
                    .is_some_and(|p| p.allows(purpose, now))
        })
        .cloned()
        .collect();
    let available: Yen = usable.iter().map(|l| l.remaining).sum();
    if available < amount {
        return Err(Shortfall { available });
    }
    spending_order(&mut usable, programs);
    let mut left = amount;
    let mut draws = Vec::new();
    for l in usable {
        if left == Yen::ZERO {
            break;
        }
        let take = l.remaining.min(left);
        left -= take;
        draws.push(Draw {
            lot_id: l.id,
            program: l.program,
            amount: take,
        });
    }
    Ok(draws)
}

/// How a refund of `amount` returns to the lots of a payment. `parts` are the payment's
/// draws in spending order with what of each is not yet refunded. The value spent last
/// (the longest-lived, least restricted) goes back first.
pub fn refund_split(parts: &[(i64, Yen)], amount: Yen) -> Option<Vec<(i64, Yen)>> {
    let refundable: Yen = parts.iter().map(|(_, y)| *y).sum();
    if amount <= Yen::ZERO || amount > refundable {
        return None;
    }
    let mut left = amount;
    let mut out = Vec::new();
    for (lot, open) in parts.iter().rev() {
        if left == Yen::ZERO {
            break;
        }
        let back = (*open).min(left);
        if back > Yen::ZERO {
            out.push((*lot, back));
            left -= back;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::program::Expiry;
    use proptest::prelude::*;

    fn programs() -> HashMap<String, Program> {
        let mut m = HashMap::new();
        m.insert("cash".to_owned(), Program::cash());
        let mut premium = Program::cash();
        premium.code = "premium".into();
        premium.tax_payable = false;
        premium.expiry = Expiry::At(1_000);
        m.insert("premium".into(), premium);
        let mut gift = Program::cash();
        gift.code = "gift".into();
        gift.tax_payable = false;
        gift.store_ids = vec![1];
        m.insert("gift".into(), gift);
        m
    }

    fn lot(id: i64, program: &str, remaining: i64, expires_at: Option<i64>) -> Lot {
        Lot {
            id,
            program: program.into(),
            remaining: Yen(remaining),
            expires_at,
        }
    }

    const AT_1: Purpose = Purpose::Payment {
        store_id: 1,
        category: "食料品",
    };
    const AT_2: Purpose = Purpose::Payment {
        store_id: 2,
        category: "食料品",
    };

    #[test]
    fn restricted_first_then_soonest_expiry_then_oldest() {
        let lots = vec![
            lot(1, "cash", 1000, None),
            lot(2, "premium", 500, Some(900)),
            lot(3, "gift", 300, None),
            lot(4, "cash", 1000, None),
        ];
        let d = allocate(&lots, &programs(), AT_1, 100, Yen(1900)).unwrap();
        let got: Vec<(i64, i64)> = d.iter().map(|d| (d.lot_id, d.amount.0)).collect();
        assert_eq!(got, vec![(3, 300), (2, 500), (1, 1000), (4, 100)]);
        // Elsewhere the gift may not be used.
        assert_eq!(
            allocate(&lots, &programs(), AT_2, 100, Yen(2600)),
            Err(Shortfall {
                available: Yen(2500)
            })
        );
        // After the premium expired (at 900, exclusive) only cash pays.
        assert_eq!(
            allocate(&lots, &programs(), AT_2, 900, Yen(2001)),
            Err(Shortfall {
                available: Yen(2000)
            })
        );
        // Tax takes only tax-payable value.
        let d = allocate(&lots, &programs(), Purpose::Tax, 100, Yen(1500)).unwrap();
        assert!(d.iter().all(|d| d.program == "cash"));
    }

    #[test]
    fn refunds_go_back_last_spent_first() {
        let parts = vec![(3, Yen(300)), (2, Yen(500)), (1, Yen(1000))];
        assert_eq!(
            refund_split(&parts, Yen(1200)).unwrap(),
            vec![(1, Yen(1000)), (2, Yen(200))]
        );
        assert_eq!(refund_split(&parts, Yen(1800)).unwrap().len(), 3);
        assert!(refund_split(&parts, Yen(1801)).is_none());
        assert!(refund_split(&parts, Yen(0)).is_none());
    }

    fn arb_lots() -> impl Strategy<Value = Vec<Lot>> {
        prop::collection::vec(
            (
                prop::sample::select(vec!["cash", "premium", "gift", "unknown"]),
                0i64..5000,
                prop::option::of(0i64..2000),
            ),
            0..12,
        )
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (p, r, e))| lot(i as i64 + 1, p, r, e))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn allocation_never_overdraws_or_touches_unusable_lots(
            lots in arb_lots(),
            amount in 1i64..20_000,
            now in 0i64..2000,
            store in 1i64..3,
            tax in any::<bool>(),
        ) {
            let programs = programs();
            let purpose = if tax { Purpose::Tax } else { Purpose::Payment { store_id: store, category: "食料品" } };
            let usable_total: Yen = lots
                .iter()
                .filter(|l| l.is_live(now) && programs.get(&l.program).is_some_and(|p| p.allows(purpose, now)))
                .map(|l| l.remaining)
                .sum();
            match allocate(&lots, &programs, purpose, now, Yen(amount)) {
                Ok(draws) => {
                    prop_assert!(usable_total >= Yen(amount));
                    prop_assert_eq!(draws.iter().map(|d| d.amount).sum::<Yen>(), Yen(amount));
                    for d in &draws {
                        let l = lots.iter().find(|l| l.id == d.lot_id).unwrap();
                        prop_assert!(d.amount > Yen::ZERO && d.amount <= l.remaining);
                        prop_assert!(l.is_live(now));
                        prop_assert!(programs[&l.program].allows(purpose, now));
                        prop_assert_eq!(&d.program, &l.program);
                    }
                    let mut ids: Vec<i64> = draws.iter().map(|d| d.lot_id).collect();
                    ids.dedup();
                    prop_assert_eq!(ids.len(), draws.len(), "each lot drawn once");
                }
                Err(Shortfall { available }) => {
                    prop_assert_eq!(available, usable_total);
                    prop_assert!(usable_total < Yen(amount));
                }
            }
        }

        #[test]
        fn refunds_never_exceed_what_each_lot_gave(
            parts in prop::collection::vec((1i64..100, 0i64..5000), 0..8),
            amount in 0i64..30_000,
        ) {
            let parts: Vec<(i64, Yen)> = parts.into_iter().map(|(l, y)| (l, Yen(y))).collect();
            let open: Yen = parts.iter().map(|p| p.1).sum();
            match refund_split(&parts, Yen(amount)) {
                Some(back) => {
                    prop_assert!(amount > 0 && Yen(amount) <= open);
                    prop_assert_eq!(back.iter().map(|b| b.1).sum::<Yen>(), Yen(amount));
                    for (lot, y) in &back {
                        let given: Yen = parts.iter().filter(|p| p.0 == *lot).map(|p| p.1).sum();
                        prop_assert!(*y <= given);
                    }
                }
                None => prop_assert!(amount == 0 || Yen(amount) > open),
            }
        }
    }
}
