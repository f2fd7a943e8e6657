//! `meguri serve`: runs the server until SIGTERM or SIGINT, then lets in-flight requests
//! finish and exits.

use std::io::Write;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use super::{CliError, systemd};
use crate::config::Config;
use crate::service::{App, operations::data_key, operations::jobs};
use crate::web;

pub fn run(mut config: Config) -> Result<(), CliError> {
    if !config.db_path.exists() {
        return Err(crate::db::DbError::Missing(config.db_path.display().to_string()).into());
    }
    config.db.personal = Some(data_key::load(&config.data_key)?);
    let _held = data_key::hold(&config.data_key)?;
    let app = Arc::new(App::open(config)?);
    serve(app)
}

/// Serves an opened app; shared with `demo`.
pub fn serve(app: Arc<App>) -> Result<(), CliError> {
    // Search keys stored before the directory's search covered a field are made anew.
    if let Err(e) = crate::service::merchants::stores::refresh_search_keys(&app) {
        eprintln!("search keys: {e}");
    }
    // Register before announcing the address, so a signal sent right after is not lost.
    let mut signals = Signals::new([SIGTERM, SIGINT])?;
    let fake = app.clock.is_fake();
    let provider = app.provider.as_ref().map(|p| p.name());
    let (stop_jobs, jobs) = scheduler(app.clone());
    let running = web::start(app)?;
    if fake {
        eprintln!("sandbox clock is on (PUT /api/v1/sandbox/clock)");
    }
    match provider {
        Some("sandbox") => eprintln!(
            "payment provider: sandbox (card and bank charges are approved; no real money moves)"
        ),
        Some(name) => eprintln!("payment provider: {name}"),
        None => eprintln!("payment provider: none (card and bank charges are refused)"),
    }
    // The address goes to stdout alone, for scripts and tests that started us. Whoever
    // reads it may close the pipe afterwards; serving goes on regardless.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "meguri listening on http://{}", running.addr);
    let _ = out.flush();
    systemd::notify("READY=1");
    let watchdog = systemd::watchdog(running.addr);
    if let Some(sig) = signals.forever().next() {
        eprintln!("signal {sig}: finishing requests in flight");
    }
    systemd::notify("STOPPING=1");
    drop(watchdog);
    running.stop();
    drop(stop_jobs);
    let _ = jobs.join();
    Ok(())
}

/// Runs the due jobs at start and then every 30 seconds, until the sender is dropped.
fn scheduler(app: Arc<App>) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel::<()>();
    let handle = std::thread::spawn(move || {
        loop {
            if let Err(e) = jobs::run_due(&app) {
                eprintln!("jobs: {e}");
            }
            match rx.recv_timeout(Duration::from_secs(30)) {
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                _ => return,
            }
        }
    });
    (tx, handle)
}
