//! Lots and allocation: which slices of a wallet pay for something, and where a refund
//! goes back to.

use std::collections::HashMap;

use super::money::{Amount, Unit};
use super::program::{Program, Purpose};

/// A slice of value in one wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    pub id: i64,
    pub program: String,
    pub remaining: Amount,
    /// Usable strictly before this instant.
    pub expires_at: Option<i64>,
}

impl Lot {
    pub fn is_live(&self, now: i64) -> bool {
        self.remaining > Amount::ZERO && self.expires_at.is_none_or(|e| now < e)
    }
}

/// One lot's share of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    pub lot_id: i64,
    pub program: String,
    pub amount: Amount,
}

/// Not enough usable value: how much there was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub available: Amount,
}

/// Sorts lots into spending order: store-restricted first, then the soonest expiry (no
/// expiry last), then the oldest (lowest id).
pub fn spending_order(lots: &mut [Lot], programs: &HashMap<String, Program>) {
    lots.sort_by_key(|l| {
        let restricted = programs.get(&l.program).is_some_and(Program::is_restricted);
        (!restricted, l.expires_at.unwrap_or(i64::MAX), l.id)
    });
}

/// The live value of `lots` in `unit` at `now` (lots of unknown programs count for
/// nothing).
pub fn live_total(
    lots: &[Lot],
    programs: &HashMap<String, Program>,
    unit: Unit,
    now: i64,
) -> Amount {
    lots.iter()
        .filter(|l| l.is_live(now) && programs.get(&l.program).is_some_and(|p| p.unit() == unit))
        .map(|l| l.remaining)
        .sum()
}

/// Which lots pay `amount` of `unit` for `purpose` at `now`: only live lots of that unit
/// whose program allows it, in spending order. Never draws more than a lot holds; the
/// draws sum to `amount`.
pub fn allocate(
    lots: &[Lot],
    programs: &HashMap<String, Program>,
    purpose: Purpose,
    unit: Unit,
    now: i64,
    amount: Amount,
) -> Result<Vec<Draw>, Shortfall> {
    let mut usable: Vec<Lot> = lots
        .iter()
        .filter(|l| {
            l.is_live(now)
                && programs
                    .get(&l.program)
                    .is_some_and(|p| p.unit() == unit && p.allows(purpose, now))
        })
        .cloned()
        .collect();
    let available: Amount = usable.iter().map(|l| l.remaining).sum();
    if available < amount {
        return Err(Shortfall { available });
    }
    spending_order(&mut usable, programs);
    let mut left = amount;
    let mut draws = Vec::new();
    for l in usable {
        if left == Amount::ZERO {
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
pub fn refund_split(parts: &[(i64, Amount)], amount: Amount) -> Option<Vec<(i64, Amount)>> {
    let refundable: Amount = parts.iter().map(|(_, y)| *y).sum();
    if amount <= Amount::ZERO || amount > refundable {
        return None;
    }
    let mut left = amount;
    let mut out = Vec::new();
    for (lot, open) in parts.iter().rev() {
        if left == Amount::ZERO {
            break;
        }
        let back = (*open).min(left);
        if back > Amount::ZERO {
            out.push((*lot, back));
            left -= back;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::program::{Expiry, ProgramKind};
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
        let mut points = Program::cash();
        points.code = "points".into();
        points.kind = ProgramKind::Points;
        points.tax_payable = false;
        m.insert("points".into(), points);
        m
    }

    fn lot(id: i64, program: &str, remaining: i64, expires_at: Option<i64>) -> Lot {
        Lot {
            id,
            program: program.into(),
            remaining: Amount(remaining),
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
        let d = allocate(&lots, &programs(), AT_1, Unit::Yen, 100, Amount(1900)).unwrap();
        let got: Vec<(i64, i64)> = d.iter().map(|d| (d.lot_id, d.amount.0)).collect();
        assert_eq!(got, vec![(3, 300), (2, 500), (1, 1000), (4, 100)]);
        // Elsewhere the gift may not be used.
        assert_eq!(
            allocate(&lots, &programs(), AT_2, Unit::Yen, 100, Amount(2600)),
            Err(Shortfall {
                available: Amount(2500)
            })
        );
        // After the premium expired (at 900, exclusive) only cash pays.
        assert_eq!(
            allocate(&lots, &programs(), AT_2, Unit::Yen, 900, Amount(2001)),
            Err(Shortfall {
                available: Amount(2000)
            })
        );
        // Tax takes only tax-payable value.
        let d = allocate(
            &lots,
            &programs(),
            Purpose::Tax,
            Unit::Yen,
            100,
            Amount(1500),
        )
        .unwrap();
        assert!(d.iter().all(|d| d.program == "cash"));
    }

    #[test]
    fn yen_and_points_never_mix() {
        let lots = vec![lot(1, "cash", 1000, None), lot(2, "points", 700, None)];
        let p = programs();
        assert_eq!(live_total(&lots, &p, Unit::Yen, 0), Amount(1000));
        assert_eq!(live_total(&lots, &p, Unit::Points, 0), Amount(700));
        assert_eq!(
            allocate(&lots, &p, AT_1, Unit::Yen, 0, Amount(1001)),
            Err(Shortfall {
                available: Amount(1000)
            }),
            "points do not top up a yen payment"
        );
        let d = allocate(&lots, &p, AT_1, Unit::Points, 0, Amount(700)).unwrap();
        assert_eq!((d.len(), d[0].lot_id), (1, 2));
    }

    #[test]
    fn refunds_go_back_last_spent_first() {
        let parts = vec![(3, Amount(300)), (2, Amount(500)), (1, Amount(1000))];
        assert_eq!(
            refund_split(&parts, Amount(1200)).unwrap(),
            vec![(1, Amount(1000)), (2, Amount(200))]
        );
        assert_eq!(refund_split(&parts, Amount(1800)).unwrap().len(), 3);
        assert!(refund_split(&parts, Amount(1801)).is_none());
        assert!(refund_split(&parts, Amount(0)).is_none());
    }

    fn arb_lots() -> impl Strategy<Value = Vec<Lot>> {
        prop::collection::vec(
            (
                prop::sample::select(vec!["cash", "premium", "gift", "points", "unknown"]),
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
            points in any::<bool>(),
        ) {
            let programs = programs();
            let purpose = if tax { Purpose::Tax } else { Purpose::Payment { store_id: store, category: "食料品" } };
            let unit = if points { Unit::Points } else { Unit::Yen };
            let usable_total: Amount = lots
                .iter()
                .filter(|l| l.is_live(now) && programs.get(&l.program).is_some_and(|p| p.unit() == unit && p.allows(purpose, now)))
                .map(|l| l.remaining)
                .sum();
            match allocate(&lots, &programs, purpose, unit, now, Amount(amount)) {
                Ok(draws) => {
                    prop_assert!(usable_total >= Amount(amount));
                    prop_assert_eq!(draws.iter().map(|d| d.amount).sum::<Amount>(), Amount(amount));
                    for d in &draws {
                        let l = lots.iter().find(|l| l.id == d.lot_id).unwrap();
                        prop_assert!(d.amount > Amount::ZERO && d.amount <= l.remaining);
                        prop_assert!(l.is_live(now));
                        prop_assert!(programs[&l.program].allows(purpose, now));
                        // A yen amount never draws points and the other way round.
                        prop_assert_eq!(programs[&l.program].unit(), unit);
                        prop_assert_eq!(&d.program, &l.program);
                    }
                    let mut ids: Vec<i64> = draws.iter().map(|d| d.lot_id).collect();
                    ids.dedup();
                    prop_assert_eq!(ids.len(), draws.len(), "each lot drawn once");
                }
                Err(Shortfall { available }) => {
                    prop_assert_eq!(available, usable_total);
                    prop_assert!(usable_total < Amount(amount));
                }
            }
        }

        #[test]
        fn refunds_never_exceed_what_each_lot_gave(
            parts in prop::collection::vec((1i64..100, 0i64..5000), 0..8),
            amount in 0i64..30_000,
        ) {
            let parts: Vec<(i64, Amount)> = parts.into_iter().map(|(l, y)| (l, Amount(y))).collect();
            let open: Amount = parts.iter().map(|p| p.1).sum();
            match refund_split(&parts, Amount(amount)) {
                Some(back) => {
                    prop_assert!(amount > 0 && Amount(amount) <= open);
                    prop_assert_eq!(back.iter().map(|b| b.1).sum::<Amount>(), Amount(amount));
                    for (lot, y) in &back {
                        let given: Amount = parts.iter().filter(|p| p.0 == *lot).map(|p| p.1).sum();
                        prop_assert!(*y <= given);
                    }
                }
                None => prop_assert!(amount == 0 || Amount(amount) > open),
            }
        }
    }
}
