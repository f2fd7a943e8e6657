//! `meguri verify`: checks every invariant the stored data must keep, and names each one
//! that is broken. Read-only; runs inside one read transaction so it sees one moment.

use rusqlite::Connection;

use crate::db::{ledger, migrate, personal};
use crate::domain::journal::{EntryHead, HashVersion, entry_hash, is_balanced};
use crate::service::Result;

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

    let mut exposed = Vec::new();
    for (table, column) in personal::SEALED {
        let n = personal::unsealed(&tx, table, column)?;
        if n > 0 {
            exposed.push(format!("{table}.{column}: {n} value(s) stored in clear"));
        }
    }
    checks.push(Check {
        name: "personal data sealed",
        problems: exposed,
    });

    ledger_checks(&tx, &mut checks)?;

    let mut counts = Vec::new();
    for (label, sql) in [
        ("users", "SELECT count(*) FROM users"),
        ("residents", "SELECT count(*) FROM residents"),
        ("stores", "SELECT count(*) FROM stores"),
        ("audit entries", "SELECT count(*) FROM audit_log"),
        ("journal entries", "SELECT count(*) FROM entries"),
        ("lots", "SELECT count(*) FROM lots"),
        ("payments", "SELECT count(*) FROM payments"),
    ] {
        counts.push((label, tx.query_row(sql, [], |r| r.get(0))?));
    }
    Ok(Report { checks, counts })
}

fn rows(c: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    c.prepare(sql)?.query_map([], |r| r.get(0))?.collect()
}

/// The ledger's invariants (L4, L6): balanced entries, an intact hash chain, lots equal to
/// their postings, nothing negative, and issued = outstanding + redeemed + expired.
fn ledger_checks(tx: &Connection, checks: &mut Vec<Check>) -> Result<()> {
    let mut unbalanced = Vec::new();
    let mut chain = Vec::new();
    let mut prev: Vec<u8> = vec![0; 32];
    let mut expected_id = 1;
    ledger::for_each_entry(tx, |e, postings| {
        if !is_balanced(&postings) {
            unbalanced.push(format!(
                "entry {} ({}) does not balance per program",
                e.id, e.kind
            ));
        }
        if e.id != expected_id {
            chain.push(format!(
                "entry {} follows entry {}: entries are missing",
                e.id,
                expected_id - 1
            ));
        }
        if e.prev_hash != prev {
            chain.push(format!(
                "entry {} does not point to the hash of the entry before it",
                e.id
            ));
        }
        let head = EntryHead {
            id: e.id,
            kind: &e.kind,
            at: e.at,
            actor: &e.actor,
            wallet_id: e.wallet_id,
            store_id: e.store_id,
        };
        // Each entry is recomputed with the encoding it was written with.
        match HashVersion::from_number(e.hash_version) {
            None => chain.push(format!(
                "entry {} names hash version {}, which this meguri does not know",
                e.id, e.hash_version
            )),
            Some(v) if entry_hash(v, &e.prev_hash, &head, &postings).as_slice() != e.hash => chain
                .push(format!(
                    "entry {} was changed after it was written (hash mismatch, version {})",
                    e.id, e.hash_version
                )),
            Some(_) => {}
        }
        prev = e.hash;
        expected_id = e.id + 1;
    })?;
    checks.push(Check {
        name: "journal entries balance",
        problems: unbalanced,
    });
    checks.push(Check {
        name: "journal hash chain intact",
        problems: chain,
    });

    checks.push(Check {
        name: "all accounts sum to zero",
        problems: rows(
            tx,
            "SELECT 'postings sum to ' || sum(amount) FROM postings HAVING sum(amount) != 0",
        )?,
    });
    checks.push(Check {
        name: "lots equal their postings",
        problems: rows(
            tx,
            "SELECT 'lot ' || l.id || ' holds ' || l.remaining || ' but its postings sum to ' || coalesce(p.s, 0)
             FROM lots l LEFT JOIN (SELECT ref_id, sum(amount) s FROM postings WHERE account = 'lot' GROUP BY ref_id) p ON p.ref_id = l.id
             WHERE l.remaining != coalesce(p.s, 0)
             UNION ALL
             SELECT 'posting ' || id || ' names lot ' || ref_id || ', which does not exist'
             FROM postings WHERE account = 'lot' AND ref_id NOT IN (SELECT id FROM lots)",
        )?,
    });
    checks.push(Check {
        name: "no negative balance",
        problems: rows(
            tx,
            "SELECT 'lot ' || id || ' is negative (' || remaining || ')' FROM lots WHERE remaining < 0
             UNION ALL
             SELECT 'store ' || ref_id || ' is owed a negative amount (' || sum(amount) || ')'
             FROM postings WHERE account = 'store' GROUP BY ref_id HAVING sum(amount) < 0
             UNION ALL
             SELECT 'wallet ' || wallet_id || ' is negative' FROM lots GROUP BY wallet_id HAVING sum(remaining) < 0",
        )?,
    });
    // Yen and points never mix: an entry moves one unit, and a payment (in yen) draws
    // only money lots.
    checks.push(Check {
        name: "yen and points never mix",
        problems: rows(
            tx,
            "SELECT 'entry ' || p.entry_id || ' moves ' || group_concat(DISTINCT k.unit) || ' together'
             FROM postings p JOIN programs g ON g.code = p.program JOIN program_kinds k ON k.code = g.kind
             GROUP BY p.entry_id HAVING count(DISTINCT k.unit) > 1
             UNION ALL
             SELECT 'payment ' || pp.payment_id || ' drew ' || pp.program || ', a ' || k.unit || ' program'
             FROM payment_parts pp JOIN programs g ON g.code = pp.program JOIN program_kinds k ON k.code = g.kind
             WHERE k.unit != 'yen'",
        )?,
    });
    let mut per_program = Vec::new();
    let lots_by_program: std::collections::HashMap<String, i64> = tx
        .prepare("SELECT program, sum(remaining) FROM lots GROUP BY program")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for f in ledger::program_figures(tx)? {
        if f.issued != f.outstanding + f.redeemed + f.expired {
            per_program.push(format!(
                "{}: issued {} != outstanding {} + redeemed {} + expired {}",
                f.code, f.issued.0, f.outstanding.0, f.redeemed.0, f.expired.0
            ));
        }
        let held = lots_by_program.get(&f.code).copied().unwrap_or(0);
        if held != f.outstanding.0 {
            per_program.push(format!(
                "{}: lots hold {held} but the journal says {} is outstanding",
                f.code, f.outstanding.0
            ));
        }
    }
    checks.push(Check {
        name: "issued = outstanding + redeemed + expired",
        problems: per_program,
    });
    checks.push(Check {
        name: "payments match their parts",
        problems: rows(
            tx,
            "SELECT 'payment ' || p.id || ': parts sum to ' || coalesce(sum(pp.amount), 0) || ', refunds to ' || coalesce(sum(pp.refunded), 0)
             FROM payments p LEFT JOIN payment_parts pp ON pp.payment_id = p.id GROUP BY p.id
             HAVING coalesce(sum(pp.amount), 0) != p.amount OR coalesce(sum(pp.refunded), 0) != p.refunded
             UNION ALL
             SELECT 'payment ' || p.id || ': refunds recorded ' || coalesce(sum(r.amount), 0) || ' but refunded is ' || p.refunded
             FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id GROUP BY p.id HAVING coalesce(sum(r.amount), 0) != p.refunded",
        )?,
    });
    Ok(())
}
