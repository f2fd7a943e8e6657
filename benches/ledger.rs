//! Ledger benchmark: `cargo bench --bench ledger`.
//!
//! In one run, on the same disk (under `target/bench/`), it measures
//! 1. the baseline: raw SQLite single-row durable commits (WAL, synchronous=FULL), and
//! 2. in-process MPM payments through the real use case (idempotency, allocation over a
//!    3-lot wallet, journal entry, payment records), also synchronous=FULL,
//!
//! and prints both rates and their ratio as a Markdown table for BENCHMARKS.md.
//! Target (design.md): payments at least 30% of the baseline rate.

use std::path::{Path, PathBuf};
use std::time::Instant;

use meguri::db;
use meguri::domain::program::{ChargePremium, Expiry, ProgramKind};
use meguri::domain::{Payer, Rate, Yen};
use meguri::service::money::ledger::{self, ChargeRequest, GrantRequest, Method};
use meguri::service::money::{movement, programs};
use meguri::service::{Principal, testkit};

const COMMITS: usize = 3000;
const PAYMENTS: usize = 3000;
const RESIDENTS: usize = 300;

fn main() {
    // MEGURI_BENCH_DIR=/dev/shm/... takes the disk's fsync out of the figure.
    let dir =
        PathBuf::from(std::env::var("MEGURI_BENCH_DIR").unwrap_or_else(|_| "target/bench".into()));
    std::fs::create_dir_all(&dir).unwrap();
    let baseline = raw_commits(&dir.join("baseline.db"));
    let payments = mpm_payments(&dir.join("ledger.db"));
    let ratio = payments / baseline;
    println!("| measure | per second |");
    println!("|---|---|");
    println!("| raw SQLite single-row durable commits (baseline) | {baseline:.0} |");
    println!("| in-process MPM payments, 3-lot wallets | {payments:.0} |");
    println!(
        "| ratio payments / baseline | {:.0}% (target: at least 30%) |",
        ratio * 100.0
    );
    if ratio < 0.30 {
        eprintln!("below target");
        std::process::exit(1);
    }
}

fn fresh(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
}

/// One INSERT per transaction, each committed durably.
fn raw_commits(path: &Path) -> f64 {
    fresh(path);
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL);")
        .unwrap();
    let mut st = c.prepare("INSERT INTO t (v) VALUES (?1)").unwrap();
    let started = Instant::now();
    for i in 0..COMMITS {
        c.execute_batch("BEGIN IMMEDIATE").unwrap();
        st.execute([i as i64]).unwrap();
        c.execute_batch("COMMIT").unwrap();
    }
    COMMITS as f64 / started.elapsed().as_secs_f64()
}

/// Residents with a cash lot, a premium lot and a subsidy lot each pay at a store.
fn mpm_payments(path: &Path) -> f64 {
    let app = std::sync::Arc::new(testkit::fresh_app(path));
    let admin = Principal::cli();
    let (_, code, _) = testkit::store(&app, "ベンチ商店", "食料品");
    let mut premium = testkit::program("premium", ProgramKind::Premium, Expiry::Days(90));
    premium.charge_premium = Some(ChargePremium {
        rate: Rate(2000),
        cap_per_person: None,
    });
    programs::create(&app, &admin, premium).unwrap();
    programs::create(
        &app,
        &admin,
        testkit::program("gift", ProgramKind::Subsidy, Expiry::Days(90)),
    )
    .unwrap();

    let mut conn = app.conn().unwrap();
    let residents: Vec<Principal> = (0..RESIDENTS)
        .map(|i| {
            let who = testkit::resident(&app, &format!("bench-{i}"));
            let id = who.user_id.unwrap();
            // Three lots: cash, premium (20% on the charge), and a subsidy.
            let rq = ChargeRequest {
                holder: Payer::Resident(id),
                amount: Yen(500_000),
                method: Method::Admin,
                program: None,
                expires_at: None,
            };
            let p = ledger::check_charge(&app, &admin, &rq).unwrap();
            db::write(&mut conn, |tx| {
                ledger::charge(&app, tx, &admin, &rq, &p, None)
            })
            .unwrap();
            let g = GrantRequest {
                program: "gift".into(),
                amount: Yen(30_000).into(),
                recipients: vec![Payer::Resident(id)],
                scheduled_at: None,
            };
            db::write(&mut conn, |tx| ledger::grant(&app, tx, &admin, &g)).unwrap();
            who
        })
        .collect();
    drop(conn);

    let started = Instant::now();
    for i in 0..PAYMENTS {
        let who = &residents[i % residents.len()];
        let amount = Yen(100 + (i as i64 * 37) % 400);
        let key = format!("bench-{i}");
        let answer = movement::run(
            &app,
            who,
            Some(&key),
            &[0u8; 32],
            movement::PayAtStore {
                store_code: code.clone(),
                amount,
            },
            |o| (201, serde_json::json!({ "payment_id": o.payment_id })),
        )
        .unwrap();
        assert_eq!(answer.status, 201);
    }
    let rate = PAYMENTS as f64 / started.elapsed().as_secs_f64();
    let mut c = app.conn().unwrap();
    let report = meguri::service::operations::verify::run(&mut c).unwrap();
    assert!(report.ok(), "the ledger must verify after the benchmark");
    rate
}
