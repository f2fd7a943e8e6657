//! `meguri demo`: a ready demo city (from `fixtures/demo.json`) on a sandbox clock, so a
//! newcomer sees a living system. An existing demo database is served as it is.

use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::CliError;
use crate::config::Config;
use crate::db::{self, DbOptions};
use crate::domain::Role;
use crate::service::accounts::{self, NewStaff};
use crate::service::residents::{self, NewResident};
use crate::service::settings::{self, Branding};
use crate::service::stores::{self, BankAccount, NewStore};
use crate::service::{App, Principal};

const FIXTURE: &str = include_str!("../../fixtures/demo.json");

#[derive(Deserialize)]
struct Fixture {
    branding: Branding,
    staff: Vec<Person>,
    stores: Vec<StoreFixture>,
    residents: Vec<ResidentFixture>,
}

#[derive(Deserialize)]
struct Person {
    login: String,
    password: String,
    display_name: String,
    role: String,
}

#[derive(Deserialize)]
struct StoreFixture {
    name: String,
    name_kana: String,
    category: String,
    address: String,
    phone: Option<String>,
    hours: Option<String>,
    holidays: Option<String>,
    pr: Option<String>,
    url: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    lat: Option<f64>,
    lng: Option<f64>,
    #[serde(default)]
    accepts: Vec<String>,
    #[serde(default)]
    sells_cards: bool,
    bank: Option<BankAccount>,
    staff: Vec<Login>,
}

#[derive(Deserialize)]
struct Login {
    login: String,
    password: String,
}

#[derive(Deserialize)]
struct ResidentFixture {
    login: String,
    password: String,
    display_name: String,
    phone: Option<String>,
    attributes: Map<String, Value>,
}

/// A line of the printed login list: (role label, login, password).
pub type DemoLogin = (String, String, String);

/// Creates the demo database at `path` when it does not exist; returns the demo logins.
pub fn prepare(path: &Path, now: i64) -> Result<Vec<DemoLogin>, CliError> {
    let fx: Fixture = serde_json::from_str(FIXTURE)
        .map_err(|e| CliError::Usage(format!("fixtures/demo.json: {e}")))?;
    let mut logins: Vec<DemoLogin> = Vec::new();
    for p in &fx.staff {
        logins.push((label(&p.role), p.login.clone(), p.password.clone()));
    }
    for s in &fx.stores {
        for l in &s.staff {
            logins.push((
                format!("加盟店 {}", s.name),
                l.login.clone(),
                l.password.clone(),
            ));
        }
    }
    for r in &fx.residents {
        logins.push((
            format!("利用者 {}", r.display_name),
            r.login.clone(),
            r.password.clone(),
        ));
    }
    if path.exists() {
        return Ok(logins);
    }
    let pool = db::create(path, &DbOptions::default())?;
    {
        let mut conn = pool.get().map_err(db::DbError::from)?;
        settings::initialise(&conn, &fx.branding.clone().validate()?)?;
        for p in &fx.staff {
            let role = Role::parse(&p.role)
                .ok_or_else(|| CliError::Usage(format!("unknown role {}", p.role)))?;
            accounts::create_account(
                &mut conn,
                now,
                "demo",
                NewStaff {
                    login: p.login.clone(),
                    display_name: p.display_name.clone(),
                    role,
                    password: Some(p.password.clone()),
                },
            )?;
        }
    }
    drop(pool);
    let app = App::open(Config::new(path.to_owned()))?;
    let cli = Principal::cli();
    for s in fx.stores {
        let created = stores::create(
            &app,
            &cli,
            NewStore {
                name: s.name,
                name_kana: s.name_kana,
                category: s.category,
                address: s.address,
                phone: s.phone,
                hours: s.hours,
                holidays: s.holidays,
                pr: s.pr,
                url: s.url,
                keywords: s.keywords,
                lat: s.lat,
                lng: s.lng,
                accepts: s.accepts,
                sells_cards: s.sells_cards,
                bank: s.bank,
            },
        )?;
        for l in s.staff {
            stores::add_staff(&app, &cli, created.id, &l.login, &l.password)?;
        }
    }
    for r in fx.residents {
        residents::register(
            &app,
            None,
            NewResident {
                login: r.login,
                password: r.password,
                display_name: r.display_name,
                phone: r.phone,
                attributes: r.attributes,
            },
        )?;
    }
    Ok(logins)
}

fn label(role: &str) -> String {
    Role::parse(role)
        .map(|r| r.label_ja().to_owned())
        .unwrap_or_else(|| role.to_owned())
}

/// Prepares the demo database and serves it on the sandbox clock.
pub fn run(mut config: Config, now: i64) -> Result<(), CliError> {
    let logins = prepare(&config.db_path, now)?;
    println!("demo city: {}", config.db_path.display());
    println!("open http://{} and log in as:", config.addr);
    for (who, login, password) in &logins {
        println!("  {who:<24} login: {login:<12} password: {password}");
    }
    config.fake_clock = true;
    super::serve::serve(Arc::new(App::open(config)?))
}
