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

use meguri::config::Config;
use meguri::db::{self, DbOptions};
use meguri::domain::program::{ChargePremium, Expiry, ProgramKind};
use meguri::domain::{Rate, Role, Yen};
use meguri::service::ledger::{self, ChargeRequest, GrantRequest, Method};
use meguri::service::{App, Principal, idempotency, programs, settings, stores};

const COMMITS: usize = 3000;
const PAYMENTS: usize = 3000;
const RESIDENTS: usize = 300;

fn main() {
    let dir = PathBuf::from("target/bench");
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
    fresh(path);
    let pool = db::create(path, &DbOptions::default()).unwrap();
    settings::initialise(&pool.get().unwrap(), &settings::Branding::default()).unwrap();
    drop(pool);
    let mut config = Config::new(path.to_owned());
    config.fake_clock = true;
    let app = App::open(config).unwrap();
    let admin = Principal::cli();
    let store = stores::create(
        &app,
        &admin,
        stores::NewStore {
            name: "ベンチ商店".into(),
            name_kana: "ベンチ".into(),
            category: "食料品".into(),
            address: "本町".into(),
            phone: None,
            hours: None,
            holidays: None,
            pr: None,
            url: None,
            keywords: vec![],
            lat: None,
            lng: None,
            accepts: vec![],
            sells_cards: false,
            bank: None,
        },
    )
    .unwrap();
    let program = |code: &str, kind, premium| programs::NewProgram {
        code: code.into(),
        name: code.into(),
        kind,
        expiry: Expiry::Days(90),
        store_ids: vec![],
        categories: vec![],
        weekdays: vec![],
        usable_from: None,
        usable_until: None,
        tax_payable: None,
        per_person_cap: None,
        budget: None,
        charge_premium: premium,
        charge_unit: None,
    };
    programs::create(
        &app,
        &admin,
        program(
            "premium",
            ProgramKind::Premium,
            Some(ChargePremium {
                rate: Rate(2000),
                cap_per_person: None,
            }),
        ),
    )
    .unwrap();
    programs::create(&app, &admin, program("gift", ProgramKind::Subsidy, None)).unwrap();

    let mut residents = Vec::new();
    let mut conn = app.conn().unwrap();
    for i in 0..RESIDENTS {
        let login = format!("bench-{i}");
        let id = db::write(&mut conn, |tx| -> meguri::service::Result<i64> {
            let id = db::accounts::insert_user(
                tx,
                &db::accounts::NewUser {
                    login: &login,
                    password_hash: "x",
                    role: Role::Resident,
                    display_name: &login,
                    store_id: None,
                    must_change_password: false,
                    created_at: 0,
                },
            )?;
            db::residents::insert(tx, id, None, &serde_json::json!({}))?;
            Ok(id)
        })
        .unwrap();
        // Three lots: cash, premium (20% on the charge), and a subsidy.
        let rq = ChargeRequest {
            resident_id: id,
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
            amount: Yen(30_000),
            resident_ids: vec![id],
            scheduled_at: None,
        };
        db::write(&mut conn, |tx| ledger::grant(&app, tx, &admin, &g)).unwrap();
        residents.push(Principal {
            role: Role::Resident,
            user_id: Some(id),
            actor: format!("user:{id}"),
            ..admin.clone()
        });
    }
    drop(conn);

    let started = Instant::now();
    for i in 0..PAYMENTS {
        let who = &residents[i % residents.len()];
        let amount = Yen(100 + (i as i64 * 37) % 400);
        let key = format!("bench-{i}");
        let answer = idempotency::run(
            &app,
            &who.idempotency_scope(),
            Some(&key),
            &[0u8; 32],
            |tx| ledger::pay_at_store_code(&app, tx, who, &store.mpm_code, amount),
            |o| (201, serde_json::json!({ "payment_id": o.payment_id })),
        )
        .unwrap();
        assert_eq!(answer.status, 201);
    }
    let rate = PAYMENTS as f64 / started.elapsed().as_secs_f64();
    let mut c = app.conn().unwrap();
    let report = meguri::service::verify::run(&mut c).unwrap();
    assert!(report.ok(), "the ledger must verify after the benchmark");
    rate
}
