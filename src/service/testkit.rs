//! Building blocks for tests and benchmarks that drive the use cases directly: a fresh
//! database on the sandbox clock, a plain store, a resident without password hashing, a
//! program with defaults. Not used by the running server.

use std::path::Path;

use crate::config::Config;
use crate::db;
use crate::domain::Role;
use crate::domain::program::{Expiry, ProgramKind};
use crate::service::{
    App, Principal, Result, merchants::stores, money::programs, operations::settings,
};

/// A new database at `path` (replacing any) opened with the sandbox clock.
pub fn fresh_app(path: &Path) -> App {
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let mut config = Config::new(path.to_owned());
    config.fake_clock = true;
    config.db.personal = Some(std::sync::Arc::new(db::personal::PersonalKeys::new(&[
        crate::keyfile::random_key(),
    ])));
    let pool = db::create(path, &config.db).expect("create database");
    settings::initialise(
        &mut pool.get().expect("connection"),
        &settings::Branding::default(),
    )
    .expect("settings");
    drop(pool);
    let app = App::open(config).expect("open database");
    // Tests and benches see exactly the instants they set.
    app.clock
        .set(crate::clock::SandboxTime::Frozen(app.clock.now()));
    app
}

/// A store with only the required profile; returns (id, MPM code, a merchant principal).
pub fn store(app: &App, name: &str, category: &str) -> (i64, String, Principal) {
    let s = stores::create(
        app,
        &Principal::cli(),
        crate::domain::StoreProfile {
            name: name.into(),
            name_kana: "ミセ".into(),
            category: category.into(),
            address: "本町".into(),
            ..Default::default()
        },
    )
    .expect("create store");
    let merchant = Principal {
        role: Role::Merchant,
        store_id: Some(s.id),
        actor: format!("store:{}", s.id),
        ..Principal::cli()
    };
    (s.id, s.mpm_code, merchant)
}

/// A resident written straight to the database (no password hashing: not what is tested).
pub fn resident(app: &App, login: &str) -> Principal {
    let mut c = app.conn().expect("connection");
    let id = db::write(&mut c, |tx| -> Result<i64> {
        let id = db::accounts::insert_user(
            tx,
            &db::accounts::NewUser {
                login,
                password_hash: "x",
                role: Role::Resident,
                display_name: login,
                store_id: None,
                must_change_password: false,
                created_at: 0,
            },
        )?;
        db::residents::insert(
            tx,
            id,
            &db::residents::NewProfile {
                phone: None,
                mail: None,
                lang: "ja",
                attributes: &serde_json::json!({}),
            },
        )?;
        Ok(id)
    })
    .expect("insert resident");
    Principal {
        role: Role::Resident,
        user_id: Some(id),
        actor: format!("user:{id}"),
        ..Principal::cli()
    }
}

/// A program with no restrictions, caps or premium; adjust the fields you need.
pub fn program(code: &str, kind: ProgramKind, expiry: Expiry) -> programs::NewProgram {
    programs::NewProgram {
        code: code.into(),
        name: code.into(),
        kind,
        expiry,
        store_ids: vec![],
        categories: vec![],
        weekdays: vec![],
        usable_from: None,
        usable_until: None,
        tax_payable: None,
        per_person_cap: None,
        budget: None,
        charge_premium: None,
        charge_unit: None,
        window: Default::default(),
    }
}
