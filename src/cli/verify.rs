//! `meguri verify`: prints each invariant and exits non-zero naming the broken ones.

use std::path::Path;

use super::CliError;
use crate::db::{self, DbOptions};
use crate::service::{operations::data_key, operations::verify};

/// The personal data key is used when its file is there: a database whose sealed columns
/// were never written can be migrated without it.
pub fn run(path: &Path, data_key: &Path, out: &mut impl std::io::Write) -> Result<(), CliError> {
    let opts = DbOptions {
        personal: data_key::load_if_present(data_key)?,
        ..DbOptions::default()
    };
    let pool = db::open(path, &opts)?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    let report = verify::run(&mut conn)?;
    let mut broken = 0;
    for c in &report.checks {
        if c.problems.is_empty() {
            writeln!(out, "ok      {}", c.name)?;
        } else {
            broken += 1;
            writeln!(out, "BROKEN  {}", c.name)?;
            for p in c.problems.iter().take(20) {
                writeln!(out, "        - {p}")?;
            }
            if c.problems.len() > 20 {
                writeln!(out, "        ... and {} more", c.problems.len() - 20)?;
            }
        }
    }
    let counts: Vec<String> = report
        .counts
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    writeln!(out, "{}", counts.join(", "))?;
    if broken == 0 {
        writeln!(out, "verify: all {} invariants hold", report.checks.len())?;
        Ok(())
    } else {
        Err(CliError::VerifyFailed(broken))
    }
}
