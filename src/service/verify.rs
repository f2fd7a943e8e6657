//! `meguri verify`: checks every invariant the stored data must keep, and names each one
//! that is broken. Read-only; runs inside one read transaction so it sees one moment.

use rusqlite::Connection;

use super::Result;
use crate::db::migrate;

/// The outcome of one invariant.
pub struct Check {
    pub name: &'static str,
    /// Empty when the invariant holds; otherwise what is wrong, one line each.
    pub problems: Vec<String>,
}

pub struct Report {
    pub checks: Vec<Check>,
    /// Counts for the summary line, e.g. ("users", 12).
    pub counts: Vec<(&'static str, i64)>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.problems.is_empty())
    }
}

/// Runs every check on the database behind `conn`.
pub fn run(conn: &mut Connection) -> Result<Report> {
    let tx = conn.transaction()?;
    let mut checks = Vec::new();

    checks.push(Check {
        name: "sqlite integrity",
        problems: tx
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|s| s != "ok")
            .collect(),
    });

    checks.push(Check {
        name: "foreign keys",
        problems: tx
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |r| {
                Ok(format!(
                    "{} row {} points to a missing {}",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    });

    let version = migrate::version(&tx)?;
    checks.push(Check {
        name: "schema version",
        problems: if version == migrate::current_version() {
            vec![]
        } else {
            vec![format!(
                "schema version {version}, expected {}",
                migrate::current_version()
            )]
        },
    });

    checks.push(Check {
        name: "merchant logins belong to stores",
        problems: rows(
            &tx,
            "SELECT 'user ' || id || ' (' || login || ')' FROM users
             WHERE (role = 'merchant') != (store_id IS NOT NULL)",
        )?,
    });

    checks.push(Check {
        name: "every resident has a resident login",
        problems: rows(
            &tx,
            "SELECT 'resident ' || r.user_id FROM residents r LEFT JOIN users u ON u.id = r.user_id
             WHERE u.role IS NOT 'resident'",
        )?,
    });

    let mut counts = Vec::new();
    for (label, sql) in [
        ("users", "SELECT count(*) FROM users"),
        ("residents", "SELECT count(*) FROM residents"),
        ("stores", "SELECT count(*) FROM stores"),
        ("audit entries", "SELECT count(*) FROM audit_log"),
    ] {
        counts.push((label, tx.query_row(sql, [], |r| r.get(0))?));
    }
    Ok(Report { checks, counts })
}

fn rows(c: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    c.prepare(sql)?.query_map([], |r| r.get(0))?.collect()
}
