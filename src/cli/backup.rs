//! `meguri keygen`, `meguri backup` and `meguri restore`: sealed, verified backups.

use std::io::IsTerminal;
use std::path::Path;

use super::CliError;
use crate::service::operations::backup::{self, Manifest};

/// Writes a new random backup key (mode 0600); refuses to replace an existing one, since
/// every backup sealed with it would become unreadable.
pub fn keygen(to: &Path) -> Result<(), CliError> {
    if to.exists() {
        return Err(CliError::Usage(format!(
            "{} exists; a key is never overwritten (backups sealed with it need it)",
            to.display()
        )));
    }
    Ok(backup::create_key(to)?)
}

pub fn backup(db: &Path, to: &Path, key: &Path, now: &str) -> Result<Manifest, CliError> {
    if !db.exists() {
        return Err(CliError::Usage(format!("no database at {}", db.display())));
    }
    let key = backup::load_key(key)?;
    let progress = std::io::stderr()
        .is_terminal()
        .then_some(show_progress as fn(_));
    let manifest = backup::backup(db, to, &key, now, progress)?;
    if progress.is_some() {
        eprintln!();
    }
    Ok(manifest)
}

/// A progress line for an operator watching a large backup at a terminal.
fn show_progress(p: rusqlite::backup::Progress) {
    let total = p.pagecount.max(1);
    let done = total - p.remaining.clamp(0, total);
    let width = 30 * done as usize / total as usize;
    eprint!(
        "\rcopying [{}{}] {}%",
        "#".repeat(width),
        " ".repeat(30 - width),
        100 * done / total
    );
}

pub fn restore(from: &Path, to: &Path, key: &Path) -> Result<Manifest, CliError> {
    let key = backup::load_key(key)?;
    Ok(backup::restore(from, to, &key)?)
}

/// One line an operator can read at a glance.
pub fn describe(m: &Manifest) -> String {
    format!(
        "taken {}: schema {}, {} journal entries (head {}), {} payments, {} stores, {} residents, {} bytes",
        m.created_at,
        m.schema_version,
        m.entries,
        m.journal_head.get(..16).unwrap_or("-"),
        m.payments,
        m.stores,
        m.residents,
        m.db_bytes
    )
}
