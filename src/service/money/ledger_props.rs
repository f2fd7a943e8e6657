//! Property test of the whole ledger: random sequences of charges, grants, payments,
//! refunds, tax payments and time passing, run through the real use cases on a real
//! database. After every step a refused operation has changed nothing, points and yen
//! never mix (a points grant leaves the yen total alone, nothing else moves points), and
//! at the end every invariant of `meguri verify` holds.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;

use crate::db;
use crate::domain::program::{ChargePremium, Expiry, ProgramKind};
use crate::domain::{Payer, Rate, Yen};
use crate::service::money::ledger::{self, ChargeRequest, GrantRequest, Method};
use crate::service::{App, Principal, money::programs, operations::verify, testkit};

#[derive(Debug, Clone)]
enum Op {
    Charge {
        who: usize,
        amount: i64,
    },
    Grant {
        who: usize,
        amount: i64,
        program: Granted,
    },
    Pay {
        who: usize,
        store: usize,
        amount: i64,
    },
    Refund {
        nth: usize,
        amount: i64,
    },
    Tax {
        who: usize,
        amount: i64,
    },
    Wait {
        days: i64,
    },
}

#[derive(Debug, Clone, Copy)]
enum Granted {
    /// Yen, spendable at the first store only.
    Gift,
    /// Yen, spendable anywhere.
    General,
    /// Community points.
    Points,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..2usize, 1..20_000i64).prop_map(|(who, amount)| Op::Charge { who, amount }),
        (
            0..2usize,
            1..5_000i64,
            prop_oneof![
                Just(Granted::Gift),
                Just(Granted::General),
                Just(Granted::Points)
            ]
        )
            .prop_map(|(who, amount, program)| Op::Grant {
                who,
                amount,
                program
            }),
        (0..2usize, 0..2usize, 1..15_000i64).prop_map(|(who, store, amount)| Op::Pay {
            who,
            store,
            amount
        }),
        (0..8usize, 1..8_000i64).prop_map(|(nth, amount)| Op::Refund { nth, amount }),
        (0..2usize, 1..5_000i64).prop_map(|(who, amount)| Op::Tax { who, amount }),
        (0..40i64).prop_map(|days| Op::Wait { days }),
    ]
}

struct City {
    app: App,
    residents: Vec<Principal>,
    stores: Vec<(i64, String, Principal)>,
    payments: Vec<i64>,
    path: std::path::PathBuf,
}

impl Drop for City {
    fn drop(&mut self) {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", self.path.display()));
        }
    }
}

fn city() -> City {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "meguri-props-{}-{}.db",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let app = testkit::fresh_app(&path);
    app.clock.set(crate::clock::SandboxTime::Frozen(
        crate::domain::time::parse_rfc3339("2024-12-01T10:00:00+09:00").unwrap(),
    ));
    let shops: Vec<_> = [("青果店", "食料品"), ("喫茶店", "飲食店")]
        .iter()
        .map(|(n, c)| testkit::store(&app, n, c))
        .collect();
    let admin = Principal::cli();
    let with_budget = |mut p: programs::NewProgram| {
        p.budget = Some(Yen(100_000).into());
        p
    };
    let mut premium = with_budget(testkit::program(
        "premium",
        ProgramKind::Premium,
        Expiry::Days(30),
    ));
    premium.charge_premium = Some(ChargePremium {
        rate: Rate(1000),
        cap_per_person: Some(Yen(3000)),
    });
    let mut gift = with_budget(testkit::program(
        "gift",
        ProgramKind::Subsidy,
        Expiry::Days(20),
    ));
    gift.store_ids = vec![shops[0].0];
    let general = with_budget(testkit::program(
        "general",
        ProgramKind::Subsidy,
        Expiry::Days(60),
    ));
    let points = with_budget(testkit::program(
        "points",
        ProgramKind::Points,
        Expiry::Days(45),
    ));
    for p in [premium, gift, general, points] {
        programs::create(&app, &admin, p).unwrap();
    }
    let people = vec![
        testkit::resident(&app, "resident-a"),
        testkit::resident(&app, "resident-b"),
    ];
    City {
        app,
        residents: people,
        stores: shops,
        payments: Vec::new(),
        path,
    }
}

/// Each resident's (yen, points).
fn totals(c: &City) -> Vec<(i64, i64)> {
    c.residents
        .iter()
        .map(|r| {
            let b = ledger::balance(&c.app, Payer::Resident(r.user_id.unwrap())).unwrap();
            (b.total.0, b.points.0)
        })
        .collect()
}

fn apply(c: &mut City, op: &Op) -> Result<(), crate::service::ServiceError> {
    let app = &c.app;
    let mut conn = app.conn()?;
    match op {
        Op::Charge { who, amount } => {
            let rq = ChargeRequest {
                holder: Payer::Resident(c.residents[*who].user_id.unwrap()),
                amount: Yen(*amount),
                method: Method::Admin,
                program: None,
                expires_at: None,
            };
            let p = ledger::check_charge(app, &Principal::cli(), &rq)?;
            db::write(&mut conn, |tx| {
                ledger::charge(app, tx, &Principal::cli(), &rq, &p, None)
            })?;
        }
        Op::Grant {
            who,
            amount,
            program,
        } => {
            let rq = GrantRequest {
                program: match program {
                    Granted::Gift => "gift",
                    Granted::General => "general",
                    Granted::Points => "points",
                }
                .into(),
                amount: Yen(*amount).into(),
                recipients: vec![Payer::Resident(c.residents[*who].user_id.unwrap())],
                scheduled_at: None,
            };
            db::write(&mut conn, |tx| {
                ledger::grant(app, tx, &Principal::cli(), &rq)
            })?;
        }
        Op::Pay { who, store, amount } => {
            let code = c.stores[*store].1.clone();
            let out = db::write(&mut conn, |tx| {
                ledger::pay_at_store_code(app, tx, &c.residents[*who], &code, Yen(*amount))
            })?;
            c.payments.push(out.payment_id);
        }
        Op::Refund { nth, amount } => {
            let Some(pid) = c.payments.get(*nth).copied() else {
                return Ok(());
            };
            let store = db::ledger::payment(&conn, pid)?
                .and_then(|p| p.store_id)
                .unwrap();
            let merchant = c.stores.iter().find(|s| s.0 == store).unwrap().2.clone();
            db::write(&mut conn, |tx| {
                ledger::refund(app, tx, &merchant, pid, Yen(*amount))
            })?;
        }
        Op::Tax { who, amount } => {
            // A notice of its own each time: one notice is paid once (`tax`).
            static NOTICES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let notice = format!(
                "T-{}",
                NOTICES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            );
            db::write(&mut conn, |tx| {
                crate::service::money::tax::pay_tax(
                    app,
                    tx,
                    &c.residents[*who],
                    Yen(*amount),
                    &notice,
                )
            })?;
        }
        Op::Wait { days } => {
            app.clock.set(crate::clock::SandboxTime::Frozen(
                app.clock.now() + chrono::Duration::days(*days),
            ));
            crate::service::operations::jobs::run_due(app)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_sequence_keeps_every_invariant(ops in prop::collection::vec(op(), 1..40)) {
        let mut c = city();
        for op in &ops {
            let before = totals(&c);
            if let Err(e) = apply(&mut c, op) {
                prop_assert!(!matches!(e, crate::service::ServiceError::Internal(_) | crate::service::ServiceError::Db(_)), "{op:?}: {e:?}");
                prop_assert_eq!(totals(&c), before, "a refused {:?} changed balances", op);
                continue;
            }
            let after = totals(&c);
            for (i, (b, a)) in before.iter().zip(&after).enumerate() {
                match op {
                    Op::Grant { who, amount, program: Granted::Points } => {
                        prop_assert_eq!(a.0, b.0, "a points grant changed yen");
                        let got = if *who == i { *amount } else { 0 };
                        prop_assert_eq!(a.1, b.1 + got, "points granted");
                    }
                    // Only time passing (expiry) moves points otherwise.
                    Op::Wait { .. } => prop_assert!(a.1 <= b.1),
                    _ => prop_assert_eq!(a.1, b.1, "{:?} moved points", op),
                }
            }
        }
        let report = verify::run(&mut c.app.conn().unwrap()).unwrap();
        for check in &report.checks {
            prop_assert!(check.problems.is_empty(), "{}: {:?} after {:?}", check.name, check.problems, ops);
        }
    }
}
