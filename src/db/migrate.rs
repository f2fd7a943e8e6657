//! Versioned migrations. `PRAGMA user_version` holds how many have been applied; each
//! runs in its own transaction together with the version bump. `schema.sql` at the top of
//! the repository is the whole current schema, and a test keeps the two equal.

use rusqlite::Connection;

use super::DbError;

/// Every migration in order; the position + 1 is the schema version it produces.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_foundation.sql"),
    include_str!("migrations/0002_ledger.sql"),
    include_str!("migrations/0003_notices.sql"),
    include_str!("migrations/0004_applications.sql"),
    include_str!("migrations/0005_store_status.sql"),
    include_str!("migrations/0006_store_owner.sql"),
    include_str!("migrations/0007_store_import.sql"),
    include_str!("migrations/0008_store_requests.sql"),
    include_str!("migrations/0009_device_subsidy.sql"),
    include_str!("migrations/0010_personal_data_sealed.sql"),
    include_str!("migrations/0011_store_photos.sql"),
    include_str!("migrations/0012_account_security.sql"),
    include_str!("migrations/0013_tax_notices.sql"),
    include_str!("migrations/0014_journal_hash_version.sql"),
];

pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn version(conn: &Connection) -> Result<i64, DbError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies the migrations the database lacks; refuses a database from a newer meguri.
pub fn run(conn: &mut Connection) -> Result<(), DbError> {
    let found = version(conn)?;
    let supported = current_version();
    if found > supported {
        return Err(DbError::TooNew { found, supported });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        if version(&tx)? > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema as SQLite itself records it, independent of formatting and order.
    fn dump(conn: &Connection) -> Vec<(String, String, String)> {
        let mut st = conn
            .prepare(
                "SELECT type, name, sql FROM sqlite_master
                 WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )
            .unwrap();
        st.query_map([], |r| {
            let sql: Option<String> = r.get(2)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                sql.unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    /// A database in memory with the functions the migrations call.
    fn memory() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        crate::db::personal::register(&c, None).unwrap();
        c
    }

    #[test]
    fn migrations_from_empty_equal_schema_sql() {
        let mut migrated = memory();
        run(&mut migrated).unwrap();
        assert_eq!(version(&migrated).unwrap(), current_version());

        let fresh = Connection::open_in_memory().unwrap();
        fresh
            .execute_batch(include_str!("../../schema.sql"))
            .unwrap();
        assert_eq!(
            dump(&migrated),
            dump(&fresh),
            "schema.sql must be the whole current schema: update it with the migration"
        );
    }

    #[test]
    fn running_twice_changes_nothing() {
        let mut c = memory();
        run(&mut c).unwrap();
        let before = dump(&c);
        run(&mut c).unwrap();
        assert_eq!(dump(&c), before);
    }

    #[test]
    fn refuses_newer_database() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", current_version() + 1)
            .unwrap();
        match run(&mut c) {
            Err(DbError::TooNew { found, supported }) => {
                assert_eq!(found, supported + 1)
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
    }
}
