//! `meguri demo`: a ready demo city (from `fixtures/demo.json`) on a sandbox clock, so a
//! newcomer sees a living system. An existing demo database is served as it is.

use std::path::Path;
use std::sync::Arc;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::CliError;
use crate::config::Config;
use crate::db::{self, DbOptions};
use crate::domain::{Payer, Role, StoreProfile, Yen};
use crate::service::identity::accounts::{self, NewStaff};
use crate::service::identity::residents::{self, NewResident};
use crate::service::merchants::stores;
use crate::service::money::ledger::{self, ChargeRequest, GrantRequest, Method};
use crate::service::operations::data_key;
use crate::service::operations::settings::{self, Branding};
use crate::service::{App, Principal, money::programs};

const FIXTURE: &str = include_str!("../../fixtures/demo.json");

#[derive(Deserialize)]
struct Fixture {
    branding: Branding,
    staff: Vec<Person>,
    stores: Vec<StoreFixture>,
    residents: Vec<ResidentFixture>,
    /// Programs in the API's JSON form.
    programs: Vec<Value>,
    activity: Vec<Activity>,
}

/// Something that happened in the demo city before the newcomer arrived.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Activity {
    Charge {
        login: String,
        amount: i64,
    },
    Grant {
        program: String,
        amount: i64,
        logins: Vec<String>,
    },
    Pay {
        login: String,
        store: String,
        amount: i64,
    },
}

#[derive(Deserialize)]
struct Person {
    login: String,
    password: String,
    display_name: String,
    role: String,
}

/// A store of the fixture: its profile's fields (as the API takes them) and, beside them,
/// its staff logins.
struct StoreFixture {
    profile: StoreProfile,
    staff: Vec<Login>,
}

impl<'de> Deserialize<'de> for StoreFixture {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut fields = Map::<String, Value>::deserialize(d)?;
        let staff = fields
            .remove("staff")
            .ok_or_else(|| D::Error::missing_field("staff"))?;
        Ok(StoreFixture {
            staff: serde_json::from_value(staff).map_err(D::Error::custom)?,
            profile: serde_json::from_value(Value::Object(fields)).map_err(D::Error::custom)?,
        })
    }
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
    #[serde(default)]
    mail: Option<String>,
    attributes: Map<String, Value>,
}

/// A line of the printed login list: (role label, login, password).
pub type DemoLogin = (String, String, String);

/// Creates the demo database at `path` when it does not exist; returns the demo logins.
pub fn prepare(path: &Path, opts: &DbOptions, now: i64) -> Result<Vec<DemoLogin>, CliError> {
    let fx: Fixture = serde_json::from_str(FIXTURE)
        .map_err(|e| CliError::Usage(format!("fixtures/demo.json: {e}")))?;
    let mut logins: Vec<DemoLogin> = Vec::new();
    for p in &fx.staff {
        logins.push((label(&p.role), p.login.clone(), p.password.clone()));
    }
    for s in &fx.stores {
        for l in &s.staff {
            logins.push((
                format!("加盟店 {}", s.profile.name),
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
    let pool = db::create(path, opts)?;
    {
        let mut conn = pool.get().map_err(db::DbError::from)?;
        settings::initialise(&mut conn, &fx.branding.clone().validate()?)?;
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
    let mut config = Config::new(path.to_owned());
    config.db = opts.clone();
    let app = App::open(config)?;
    let cli = Principal::cli();
    for s in fx.stores {
        let created = stores::create(&app, &cli, s.profile)?;
        for l in s.staff {
            stores::add_staff(&app, &cli, created.id, &l.login, &l.password, false)?;
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
                mail: r.mail,
                lang: crate::i18n::Lang::Ja,
                attributes: r.attributes,
            },
        )?;
    }
    for p in fx.programs {
        let new = crate::web::api::money::program_from_json(p)
            .map_err(|e| CliError::Usage(format!("fixtures/demo.json: {e}")))?;
        programs::create(&app, &cli, new)?;
    }
    for a in fx.activity {
        play(&app, &cli, a)?;
    }
    Ok(logins)
}

fn user_id(app: &App, login: &str) -> Result<i64, CliError> {
    db::accounts::user_by_login(&*app.conn()?, login)?
        .map(|u| u.id)
        .ok_or_else(|| CliError::Usage(format!("fixtures/demo.json: no user {login}")))
}

fn yen(n: i64) -> Result<Yen, CliError> {
    Yen::positive(n).ok_or_else(|| CliError::Usage(format!("fixtures/demo.json: bad amount {n}")))
}

/// Replays one fixture activity through the same use cases the API calls.
fn play(app: &App, cli: &Principal, a: Activity) -> Result<(), CliError> {
    let mut conn = app.conn()?;
    match a {
        Activity::Charge { login, amount } => {
            let rq = ChargeRequest {
                holder: Payer::Resident(user_id(app, &login)?),
                amount: yen(amount)?,
                method: Method::Admin,
                program: None,
                expires_at: None,
            };
            let program = ledger::check_charge(app, cli, &rq)?;
            db::write(&mut conn, |tx| {
                ledger::charge(app, tx, cli, &rq, &program, None)
            })?;
        }
        Activity::Grant {
            program,
            amount,
            logins,
        } => {
            let rq = GrantRequest {
                program,
                amount: yen(amount)?.into(),
                recipients: logins
                    .iter()
                    .map(|l| user_id(app, l).map(Payer::Resident))
                    .collect::<Result<_, _>>()?,
                scheduled_at: None,
            };
            db::write(&mut conn, |tx| ledger::grant(app, tx, cli, &rq))?;
        }
        Activity::Pay {
            login,
            store,
            amount,
        } => {
            let resident = user_id(app, &login)?;
            let code = stores::search(app, Some(&store), None, 0, 1)?
                .into_iter()
                .next()
                .map(|s| s.mpm_code)
                .ok_or_else(|| CliError::Usage(format!("fixtures/demo.json: no store {store}")))?;
            let payer = Principal {
                role: Role::Resident,
                user_id: Some(resident),
                actor: format!("user:{resident}"),
                ..cli.clone()
            };
            let amount = yen(amount)?;
            db::write(&mut conn, |tx| {
                ledger::pay_at_store_code(app, tx, &payer, &code, amount)
            })?;
        }
    }
    Ok(())
}

fn label(role: &str) -> String {
    Role::parse(role)
        .map(|r| crate::i18n::Lang::Ja.t(r.label()).to_owned())
        .unwrap_or_else(|| role.to_owned())
}

/// Prepares the demo database and serves it on the sandbox clock.
pub fn run(mut config: Config, now: i64) -> Result<(), CliError> {
    config.db.personal = Some(data_key::load_or_create(&config.data_key)?);
    let logins = prepare(&config.db_path, &config.db, now)?;
    println!("demo city: {}", config.db_path.display());
    println!("open http://{} and log in as:", config.addr);
    for (who, login, password) in &logins {
        println!("  {who:<24} login: {login:<12} password: {password}");
    }
    config.fake_clock = true;
    config.sandbox = true;
    let _held = data_key::hold(&config.data_key)?;
    super::serve::serve(Arc::new(App::open(config)?))
}
