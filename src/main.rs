//! The `meguri` command: parses the command line and calls `meguri::cli`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use meguri::cli::{self, CliError};
use meguri::config::Config;
use meguri::db::Synchronous;
use meguri::db::personal::default_key_path;
use meguri::service::operations::settings::Branding;

#[derive(Parser)]
#[command(
    name = "meguri",
    version,
    about = "Electronic regional currency for a city (電子地域通貨)"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new database and print the first admin's one-time password.
    Init(InitArgs),
    /// Serve the web pages and the API until SIGTERM or SIGINT.
    Serve(ServeArgs),
    /// Run a ready demo city on localhost with the sandbox clock on.
    Demo {
        #[arg(long, default_value = "meguri-demo.db")]
        db: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Maintenance: refuse every change (on) or accept them again (off); a running server
    /// follows within a second.
    ReadOnly {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        /// on or off
        state: String,
    },
    /// Seal all personal data under a new key; stop the server first.
    RotateDataKey {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        /// The personal data key file [default: the database's name with .key].
        #[arg(long)]
        data_key: Option<PathBuf>,
    },
    /// The mail outbox for an SMTP relay: list unsent mails, mark one sent.
    Mail {
        #[command(subcommand)]
        action: MailAction,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Write a new backup key file (keep a copy away from the server).
    Keygen {
        #[arg(long)]
        to: PathBuf,
    },
    /// Write a sealed, consistent backup of the database; the server may keep running.
    Backup {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        #[arg(long)]
        to: PathBuf,
        #[arg(long)]
        key: PathBuf,
    },
    /// Restore a backup to a new database file after checking its seal and invariants.
    Restore {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        to: PathBuf,
        #[arg(long)]
        key: PathBuf,
    },
    /// Check every ledger and data invariant; exit 1 naming what is broken.
    Verify {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        /// The personal data key file [default: the database's name with .key].
        #[arg(long)]
        data_key: Option<PathBuf>,
    },
}

/// What `meguri init` is told.
#[derive(clap::Args)]
struct InitArgs {
    #[arg(long, default_value = "meguri.db")]
    db: PathBuf,
    /// The city's name as pages show it.
    #[arg(long, default_value = "めぐり市")]
    city_name: String,
    /// The currency's name as pages show it.
    #[arg(long, default_value = "めぐりペイ")]
    currency_name: String,
    #[arg(long, default_value = "admin")]
    admin_login: String,
    /// The personal data key file; made if missing [default: the database's name with .key].
    #[arg(long)]
    data_key: Option<PathBuf>,
}

/// What `meguri serve` is told.
#[derive(clap::Args)]
struct ServeArgs {
    #[arg(long, default_value = "meguri.db")]
    db: PathBuf,
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Enable the sandbox clock (PUT /api/v1/sandbox/clock).
    #[arg(long)]
    fake_clock: bool,
    /// Run as the city's rehearsal environment: the sandbox clock on and a banner on
    /// every page. Needs its own database (not meguri.db).
    #[arg(long)]
    sandbox: bool,
    /// The public address, e.g. https://pay.example-city.jp (https marks cookies Secure).
    #[arg(long)]
    public_url: Option<String>,
    /// Worker threads answering requests.
    #[arg(long, default_value_t = 16)]
    workers: usize,
    /// Seconds a connection may stay silent (idle keep-alive, or a request stopped half
    /// way) before it is closed.
    #[arg(long, default_value_t = 20)]
    idle_timeout: u64,
    /// Litestream replicates the database: leave WAL checkpoints to it.
    #[arg(long)]
    litestream: bool,
    /// SQLite synchronous mode: full (every commit on disk) or normal.
    #[arg(long, default_value = "full")]
    synchronous: String,
    /// Map tiles for the store map, as a URL template with {z}, {x} and {y} (a path such
    /// as /tiles/{z}/{x}/{y}.png means a tile proxy on this server's address).
    #[arg(long)]
    map_tiles: Option<String>,
    /// The attribution the tile server requires.
    #[arg(long)]
    map_attribution: Option<String>,
    /// The personal data key file [default: the database's name with .key].
    #[arg(long)]
    data_key: Option<PathBuf>,
}

#[derive(Subcommand)]
enum MailAction {
    /// Print unsent mails, one JSON object a line.
    List {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        /// The personal data key file [default: the database's name with .key].
        #[arg(long)]
        data_key: Option<PathBuf>,
    },
    /// Send unsent mails through an SMTP server (the city's relay); run it from a timer.
    Send {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        /// The personal data key file [default: the database's name with .key].
        #[arg(long)]
        data_key: Option<PathBuf>,
        /// The SMTP server, host:port (plain SMTP; typically the local mail server).
        #[arg(long, default_value = "127.0.0.1:25")]
        smtp: String,
        /// The sender address, e.g. noreply@pay.example-city.jp.
        #[arg(long)]
        from: String,
    },
    /// Mark a mail as handed to the relay.
    Sent {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        /// The personal data key file [default: the database's name with .key].
        #[arg(long)]
        data_key: Option<PathBuf>,
        id: i64,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create a bearer token; it is printed alone on the last line.
    Create {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
        /// The user the token acts as (required for resident and merchant tokens).
        #[arg(long)]
        subject: Option<i64>,
        /// The personal data key file [default: the database's name with .key].
        #[arg(long)]
        data_key: Option<PathBuf>,
    },
    /// List tokens: id, role, name, subject, created, last used, expiry, status (never
    /// the token itself).
    List {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        /// The personal data key file [default: the database's name with .key].
        #[arg(long)]
        data_key: Option<PathBuf>,
    },
    /// Revoke a token by its id (from `token list`); it stops working at once.
    Revoke {
        #[arg(long, default_value = "meguri.db")]
        db: PathBuf,
        /// The personal data key file [default: the database's name with .key].
        #[arg(long)]
        data_key: Option<PathBuf>,
        id: i64,
    },
}

fn main() -> ExitCode {
    // Everything meguri writes (the ledger, its WAL, keys, backups) is for its own user
    // alone, whatever umask the shell or service manager handed down.
    // SAFETY: umask only swaps the process's file-creation mask; no memory is involved.
    unsafe {
        libc::umask(0o077);
    }
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("meguri: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    let now = chrono::Utc::now().timestamp();
    match args.command {
        Command::Init(a) => init(a, now)?,
        Command::Serve(a) => serve(a)?,
        Command::Demo { db, addr } => {
            let mut config = Config::new(db);
            config.addr = addr;
            config.public_url = format!("http://{addr}");
            cli::demo::run(config, now)?;
        }
        Command::Token {
            action:
                TokenAction::Create {
                    db,
                    role,
                    name,
                    subject,
                    data_key,
                },
        } => {
            let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
            let token = cli::token::create(&db, &data_key, &role, &name, subject, now)?;
            println!("token for {name} ({role}):");
            println!("{token}");
        }
        Command::Token {
            action: TokenAction::List { db, data_key },
        } => {
            let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
            cli::token::list(&db, &data_key, now, &mut std::io::stdout())?;
        }
        Command::Token {
            action: TokenAction::Revoke { db, data_key, id },
        } => {
            let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
            println!("{}", cli::token::revoke(&db, &data_key, id, now)?);
        }
        Command::Mail {
            action: MailAction::List { db, data_key },
        } => {
            let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
            cli::mail::list(&db, &data_key, &mut std::io::stdout())?
        }
        Command::Mail {
            action:
                MailAction::Send {
                    db,
                    data_key,
                    smtp,
                    from,
                },
        } => {
            let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
            let done = cli::mail::send(&db, &data_key, &smtp, &from, now)?;
            println!("sent {} mail(s) through {smtp}", done.sent);
            for (id, why) in &done.refused {
                eprintln!("mail {id} stays queued: {why}");
            }
            anyhow::ensure!(
                done.refused.is_empty(),
                "{} mail(s) were refused",
                done.refused.len()
            );
        }
        Command::Mail {
            action: MailAction::Sent { db, data_key, id },
        } => {
            let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
            cli::mail::mark_sent(&db, &data_key, id, now)?
        }
        Command::Keygen { to } => {
            cli::backup::keygen(&to)?;
            println!("wrote a new backup key to {}", to.display());
            println!("keep a copy somewhere else: without it no backup can be restored");
        }
        Command::Backup { db, to, key } => {
            let taken = chrono::Utc::now()
                .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("JST"))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            let m = cli::backup::backup(&db, &to, &key, &taken)?;
            println!("backup written to {}", to.display());
            println!("{}", cli::backup::describe(&m));
        }
        Command::Restore { from, to, key } => {
            let m = cli::backup::restore(&from, &to, &key)?;
            println!("restored {} to {}", from.display(), to.display());
            println!("{}", cli::backup::describe(&m));
            println!(
                "every invariant holds; start meguri with --db {}",
                to.display()
            );
        }
        Command::Verify { db, data_key } => {
            let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
            match cli::verify::run(&db, &data_key, &mut std::io::stdout()) {
                Err(CliError::VerifyFailed(n)) => {
                    anyhow::bail!("verify: {n} invariant(s) broken")
                }
                other => other?,
            }
        }
        Command::ReadOnly { db, state } => {
            if cli::maintenance::read_only(&db, &state, now)? {
                println!(
                    "read-only: payments, charges and registrations are refused until `meguri read-only off`"
                );
            } else {
                println!("open: changes are accepted again");
            }
        }
        Command::RotateDataKey { db, data_key } => {
            let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
            let r = cli::data_key::rotate(&db, &data_key)?;
            println!(
                "sealed {} personal values under key {} (was {}); {} now holds only the new key",
                r.values,
                r.new_id,
                r.old_ids.join(", "),
                data_key.display()
            );
            println!("replace every other copy of the key file (standby, safe) with this one");
        }
    }
    Ok(())
}

/// Makes a new city's database and tells the operator the first admin's login.
fn init(a: InitArgs, now: i64) -> anyhow::Result<()> {
    let InitArgs {
        db,
        city_name,
        currency_name,
        admin_login,
        data_key,
    } = a;
    let data_key = data_key.unwrap_or_else(|| default_key_path(&db));
    let branding = Branding {
        city_name,
        currency_name,
        ..Branding::default()
    };
    let created = cli::init::run(&db, &data_key, branding, &admin_login, now)?;
    println!("created {}", db.display());
    println!(
        "personal data key: {} (keep a copy away from the server: without it names and phone numbers cannot be read)",
        data_key.display()
    );
    println!("first admin login: {}", created.admin_login);
    println!("one-time password: {}", created.admin_password);
    println!("(a new password is chosen at the first login)");
    Ok(())
}

/// Turns `serve`'s arguments into a checked `Config` and serves until told to stop.
fn serve(a: ServeArgs) -> anyhow::Result<()> {
    let ServeArgs {
        db,
        addr,
        fake_clock,
        sandbox,
        public_url,
        workers,
        idle_timeout,
        litestream,
        synchronous,
        map_tiles,
        map_attribution,
        data_key,
    } = a;
    let sync = Synchronous::parse(&synchronous)
        .with_context(|| format!("--synchronous must be full or normal, not {synchronous}"))?;
    anyhow::ensure!(
        !sandbox || db.file_name().is_some_and(|n| n != "meguri.db"),
        "--sandbox needs its own database, e.g. --db meguri-sandbox.db"
    );
    let mut config = Config::new(db).with_synchronous(sync);
    if let Some(k) = data_key {
        config.data_key = k;
    }
    config.addr = addr;
    config.fake_clock = fake_clock || sandbox;
    config.sandbox = sandbox;
    config.idle_timeout = std::time::Duration::from_secs(idle_timeout.clamp(1, 3600));
    config.workers = workers.clamp(1, 256);
    config.db.pool_size = (config.workers as u32 + 2).min(64);
    config.db.autocheckpoint = !litestream;
    config.public_url = public_url.unwrap_or_else(|| format!("http://{addr}"));
    if let Some(t) = map_tiles {
        anyhow::ensure!(
            t.starts_with("https://") || t.starts_with("http://") || t.starts_with('/'),
            "--map-tiles must be an http(s) URL template, or a path on this server"
        );
        config.map_tiles = t;
    }
    if let Some(a) = map_attribution {
        config.map_attribution = a;
    }
    cli::serve::run(config)?;
    Ok(())
}
