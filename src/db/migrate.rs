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
    include_str!("migrations/0015_money_core.sql"),
    include_str!("migrations/0016_store_statuses.sql"),
    include_str!("migrations/0017_application_language.sql"),
    include_str!("migrations/0018_account_recovery.sql"),
    include_str!("migrations/0019_program_approval.sql"),
    include_str!("migrations/0020_store_short_code.sql"),
    include_str!("migrations/0021_application_number.sql"),
    include_str!("migrations/0022_cards.sql"),
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
    // A migration may rebuild a table that others reference (SQLite's way to change a
    // constraint), which needs foreign keys off; they are checked before each commit and
    // turned on again whatever happens.
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    let writable = super::Writable::new(conn)?;
    let conn = &mut *writable.conn;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = apply(conn, found);
    conn.pragma_update(None, "foreign_keys", enforced)?;
    result
}

fn apply(conn: &mut Connection, found: i64) -> Result<(), DbError> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        if version(&tx)? > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(DbError::Sqlite(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!(
                    "migration {} leaves {broken} broken references",
                    i + 1
                )),
            )));
        }
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

    fn codes(c: &Connection, sql: &str) -> Vec<String> {
        let mut rows: Vec<String> = c
            .prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        rows
    }

    fn enum_codes<K: crate::domain::Code>() -> Vec<String> {
        let mut all: Vec<String> = K::ALL.iter().map(|k| k.code().to_owned()).collect();
        all.sort();
        all
    }

    /// Every kind the code knows is a row of its reference table and the reverse, in a
    /// migrated database and in schema.sql: a new variant without its row (or a row
    /// without its variant) fails here, not at a city's first payment of that kind.
    #[test]
    fn reference_tables_list_exactly_the_enums() {
        use crate::domain::card::{CardKind, CardStatus};
        use crate::domain::program::{Approval, ProgramKind};
        use crate::domain::{
            ChargeMethod, Code, EntryKind, LotOrigin, PaymentKind, StoreStatus, Unit,
        };
        let mut migrated = memory();
        run(&mut migrated).unwrap();
        let fresh = Connection::open_in_memory().unwrap();
        fresh
            .execute_batch(include_str!("../../schema.sql"))
            .unwrap();
        for c in [&migrated, &fresh] {
            let table = |t: &str| codes(c, &format!("SELECT code FROM {t}"));
            assert_eq!(table(EntryKind::TABLE), enum_codes::<EntryKind>());
            assert_eq!(table(LotOrigin::TABLE), enum_codes::<LotOrigin>());
            assert_eq!(table(PaymentKind::TABLE), enum_codes::<PaymentKind>());
            assert_eq!(table(ChargeMethod::TABLE), enum_codes::<ChargeMethod>());
            assert_eq!(table(Unit::TABLE), enum_codes::<Unit>());
            assert_eq!(table(ProgramKind::TABLE), enum_codes::<ProgramKind>());
            assert_eq!(table(StoreStatus::TABLE), enum_codes::<StoreStatus>());
            assert_eq!(table(Approval::TABLE), enum_codes::<Approval>());
            assert_eq!(table(CardKind::TABLE), enum_codes::<CardKind>());
            assert_eq!(table(CardStatus::TABLE), enum_codes::<CardStatus>());
            for k in ProgramKind::ALL {
                let unit: String = c
                    .query_row(
                        "SELECT unit FROM program_kinds WHERE code = ?1",
                        [k.code()],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(unit, k.unit().code(), "unit of {k}");
            }
            let mut accounts: Vec<String> = crate::domain::journal::Account::NAMES
                .iter()
                .map(|s| s.to_string())
                .collect();
            accounts.sort();
            assert_eq!(table("posting_accounts"), accounts);
        }
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

#[cfg(test)]
mod store_statuses_tests {
    use super::*;

    /// A database at schema 15, as a city has it before store statuses were a table.
    fn at_version_15() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        crate::db::personal::register(&c, None).unwrap();
        for sql in &MIGRATIONS[..15] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 15).unwrap();
        c
    }

    #[test]
    fn the_stores_rebuild_keeps_every_row_and_refuses_unknown_statuses() {
        let mut c = at_version_15();
        c.execute_batch(
            "INSERT INTO stores (id, name, name_kana, category, address, mpm_code, search_key,
                                 status, created_at, status_reason, external_key)
             VALUES (3, 'A', 'ア', 'c', 'x', 'm3', 'a', 'active', 1, NULL, 'K-3'),
                    (7, 'B', 'ビ', 'c', 'x', 'm7', 'b', 'suspended', 2, 'why', NULL),
                    (9, 'C', 'シ', 'd', 'x', 'm9', 'c', 'removed', 3, 'gone', NULL);
             INSERT INTO users (login, role, display_name, store_id, created_at)
             VALUES ('m', 'merchant', 'B', 7, 2);",
        )
        .unwrap();
        run(&mut c).unwrap();
        assert_eq!(version(&c).unwrap(), current_version());
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = c
            .prepare("SELECT id, status, status_reason, external_key FROM stores ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            rows,
            [
                (3, "active".into(), None, Some("K-3".into())),
                (7, "suspended".into(), Some("why".into()), None),
                (9, "removed".into(), Some("gone".into()), None),
            ]
        );
        let owner: i64 = c
            .query_row("SELECT store_id FROM users WHERE login = 'm'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(owner, 7, "references to stores still name the table");
        c.pragma_update(None, "foreign_keys", true).unwrap();
        assert!(
            c.execute("UPDATE stores SET status = 'closed' WHERE id = 3", [])
                .is_err(),
            "a status outside store_statuses is refused"
        );
        assert!(
            c.execute(
                "INSERT INTO stores (name, name_kana, category, address, mpm_code, search_key, created_at)
                 VALUES ('D', 'ディ', 'c', 'x', 'm3', 'd', 4)",
                [],
            )
            .is_err(),
            "the MPM code is still unique"
        );
    }
}

#[cfg(test)]
mod short_code_tests {
    use super::*;

    #[test]
    fn existing_stores_get_distinct_short_codes_and_keep_their_long_ones() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::db::personal::register(&c, None).unwrap();
        for sql in &MIGRATIONS[..17] {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", 17).unwrap();
        for i in 0..300 {
            c.execute(
                "INSERT INTO stores (name, name_kana, category, address, mpm_code, search_key, created_at)
                 VALUES ('S', 'エス', 'c', 'x', ?1, 's', 1)",
                [format!("LongMixedCode{i:03}")],
            )
            .unwrap();
        }
        run(&mut c).unwrap();
        let codes: Vec<(String, String)> = c
            .prepare("SELECT mpm_code, short_code FROM stores ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(codes.len(), 300);
        let mut shorts: Vec<&str> = codes.iter().map(|(_, s)| s.as_str()).collect();
        for (i, (long, short)) in codes.iter().enumerate() {
            assert_eq!(long, &format!("LongMixedCode{i:03}"));
            assert_eq!(
                crate::domain::store::short_code_of(short).as_deref(),
                Some(short.as_str()),
                "{short} is 6 characters of the alphabet"
            );
        }
        shorts.sort();
        shorts.dedup();
        assert_eq!(shorts.len(), 300, "no two stores share a short code");
    }
}
