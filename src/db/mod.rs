//! Storage: SQLite through an r2d2 pool. Every pooled connection gets the same pragmas;
//! the schema is built by numbered migrations tracked in `user_version`.
//! Functions here take a connection or transaction and return rows; no business rules.

pub mod accounts;
pub mod applications;
pub mod attention;
pub mod audit;
pub mod cards;
pub mod device_subsidies;
pub mod grant_requests;
pub mod group;
pub mod ledger;
pub mod mail;
pub mod migrate;
pub mod notices;
pub mod password_resets;
pub mod personal;
pub mod residents;
pub mod settings;
pub mod store_office;
pub mod stores;
pub mod tax;

use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::sync::{Arc, Mutex};

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, Transaction, TransactionBehavior};

pub type Pool = r2d2::Pool<SqliteConnectionManager>;
pub type Conn = r2d2::PooledConnection<SqliteConnectionManager>;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error(
        "the database has schema version {found}, newer than this meguri understands ({supported}); upgrade meguri"
    )]
    TooNew { found: i64, supported: i64 },
    #[error("no meguri database at {0}; create one with `meguri init`")]
    Missing(String),
    #[error("a database already exists at {0}")]
    Exists(String),
    #[error("{0}: {1}")]
    File(String, io::Error),
}

/// How hard SQLite works to make a commit survive power loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// Every commit reaches the disk before it is acknowledged (the default).
    Full,
    /// WAL-safe against application crashes, may lose the last commits on power loss.
    Normal,
}

impl Synchronous {
    pub fn parse(s: &str) -> Option<Synchronous> {
        match s.to_ascii_lowercase().as_str() {
            "full" => Some(Synchronous::Full),
            "normal" => Some(Synchronous::Normal),
            _ => None,
        }
    }

    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub synchronous: Synchronous,
    pub pool_size: u32,
    /// SQLite checkpoints the WAL itself; off when Litestream replicates the database and
    /// checkpoints in step with its copying (Litestream's advice for busy servers).
    pub autocheckpoint: bool,
    /// The keys that seal personal data (`db::personal`); tools that never read personal
    /// data may go without.
    pub personal: Option<Arc<personal::PersonalKeys>>,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            synchronous: Synchronous::Full,
            pool_size: 8,
            autocheckpoint: true,
            personal: None,
        }
    }
}

/// Opens an existing meguri database, brings its schema up to date and returns a pool.
pub fn open(path: &Path, opts: &DbOptions) -> Result<Pool, DbError> {
    if !path.exists() {
        return Err(DbError::Missing(path.display().to_string()));
    }
    tighten(path);
    let pool = pool(path, opts)?;
    migrate::run(&mut *pool.get()?)?;
    Ok(pool)
}

/// Creates a new database file with the current schema. Refuses an existing file.
pub fn create(path: &Path, opts: &DbOptions) -> Result<Pool, DbError> {
    if path.exists() {
        return Err(DbError::Exists(path.display().to_string()));
    }
    // SQLite gives the -wal and -shm files the main file's mode, so making the main file
    // owner-only first keeps all three from other users whatever the umask.
    create_owner_only(path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => DbError::Exists(path.display().to_string()),
        _ => DbError::File(path.display().to_string(), e),
    })?;
    let pool = pool(path, opts)?;
    migrate::run(&mut *pool.get()?)?;
    Ok(pool)
}

/// Creates a new, empty file that only its owner may read or write (mode 600); refuses an
/// existing one. For the database and everything holding a copy of it.
pub fn create_owner_only(path: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Takes group and other permissions off a database an older meguri made readable to
/// other users (and off its -wal and -shm, which SQLite keeps as they are). Best effort:
/// a file this user may not change is left for the operator.
fn tighten(path: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let file = format!("{}{ext}", path.display());
        if let Ok(meta) = std::fs::metadata(&file) {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                let _ =
                    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode & 0o700));
            }
        }
    }
}

/// A connection of its own for the group writer, with the same pragmas as the pool's.
pub fn writer_connection(path: &Path, opts: &DbOptions) -> Result<Connection, DbError> {
    let mut c = Connection::open(path)?;
    set_up_connection(&mut c, opts)?;
    Ok(c)
}

fn pool(path: &Path, opts: &DbOptions) -> Result<Pool, DbError> {
    let size = opts.pool_size.max(1);
    let opts = opts.clone();
    // Pooled connections read; they write only inside `write` (which lifts query_only for
    // its transaction), so a write that bypasses it fails instead of slipping past the
    // read-only switch and the write turn.
    let manager = SqliteConnectionManager::file(path).with_init(move |c| {
        set_up_connection(c, &opts)?;
        c.pragma_update(None, "query_only", true)
    });
    Ok(r2d2::Pool::builder().max_size(size).build(manager)?)
}

/// `Connection::execute` through the connection's statement cache: SQLite parses each
/// statement once per connection instead of once per request.
pub fn exec<P: rusqlite::Params>(c: &Connection, sql: &str, params: P) -> rusqlite::Result<usize> {
    c.prepare_cached(sql)?.execute(params)
}

/// `Connection::query_row` through the statement cache.
pub fn one<T, P, F>(c: &Connection, sql: &str, params: P, f: F) -> rusqlite::Result<T>
where
    P: rusqlite::Params,
    F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
{
    c.prepare_cached(sql)?.query_row(params, f)
}

/// Pragmas and the personal data functions, the same on every connection.
fn set_up_connection(c: &mut Connection, opts: &DbOptions) -> rusqlite::Result<()> {
    // busy_timeout first: switching to WAL itself may wait for another connection.
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    c.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = {};
         PRAGMA foreign_keys = ON;
         PRAGMA wal_autocheckpoint = {};",
        opts.synchronous.pragma(),
        if opts.autocheckpoint { 1000 } else { 0 }
    ))?;
    // Enough for every statement a busy server repeats (the default is 16).
    c.set_prepared_statement_cache_capacity(128);
    personal::register(c, opts.personal.clone())
}

/// Writers of this process take turns here before asking SQLite for its write lock: a
/// queue on a mutex, instead of SQLite's busy handler, which sleeps in growing steps and
/// made the slowest requests wait close to a second under load.
pub(crate) static WRITE_TURN: Mutex<()> = Mutex::new(());

/// Runs `f` in a `BEGIN IMMEDIATE` transaction: it takes the write lock up front, so
/// concurrent writers queue instead of failing half-way, and commits only if `f` succeeds.
pub fn write<T, E>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<rusqlite::Error>,
{
    let _turn = WRITE_TURN.lock().unwrap_or_else(|e| e.into_inner());
    let _writable = Writable::new(conn)?;
    let tx = _writable
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// Runs `f` as `write` does, then always rolls back: what a write would do, without
/// doing it (a charge's preview).
pub fn rehearse<T, E>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<rusqlite::Error>,
{
    let _turn = WRITE_TURN.lock().unwrap_or_else(|e| e.into_inner());
    let writable = Writable::new(conn)?;
    let tx = writable
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&tx);
    tx.rollback()?;
    out
}

/// A connection's query_only lifted while it lives, and put back as it was after.
pub(crate) struct Writable<'a> {
    pub(crate) conn: &'a mut Connection,
    was: bool,
}

impl<'a> Writable<'a> {
    pub(crate) fn new(conn: &'a mut Connection) -> rusqlite::Result<Writable<'a>> {
        let was: bool = conn.query_row("PRAGMA query_only", [], |r| r.get(0))?;
        if was {
            conn.pragma_update(None, "query_only", false)?;
        }
        Ok(Writable { conn, was })
    }
}

impl Drop for Writable<'_> {
    fn drop(&mut self) {
        if self.was {
            // A failure leaves the connection writable; the pool's next user still
            // goes through `write`, so this is only a lost guard, never lost data.
            let _ = self.conn.pragma_update(None, "query_only", true);
        }
    }
}

/// Whether an error is SQLite's unique-constraint failure (a duplicate login, code, ...).
pub fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pooled connection writes only inside `write` (or `rehearse`, which keeps
    /// nothing); a write past them is refused, and the connection reads again after.
    #[test]
    fn pooled_connections_write_only_through_write() {
        let dir = std::env::temp_dir().join(format!("meguri-db-ro-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("ro.db");
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        let pool = create(&path, &DbOptions::default()).unwrap();
        let mut c = pool.get().unwrap();
        let set = "INSERT INTO settings (key, value) VALUES ('k', 'v')";
        let refused = c.execute(set, []).unwrap_err();
        assert!(
            matches!(&refused, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly),
            "{refused}"
        );
        rehearse(&mut c, |tx| tx.execute(set, [])).unwrap();
        let count = |c: &Connection| -> i64 {
            c.query_row("SELECT count(*) FROM settings WHERE key = 'k'", [], |r| {
                r.get(0)
            })
            .unwrap()
        };
        assert_eq!(count(&c), 0, "a rehearsal keeps nothing");
        write(&mut c, |tx| tx.execute(set, [])).unwrap();
        assert_eq!(count(&c), 1);
        assert!(
            c.execute("DELETE FROM settings WHERE key = 'k'", [])
                .is_err()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn checkpoints_are_left_to_litestream_only_when_asked() {
        let dir = std::env::temp_dir().join(format!("meguri-db-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (auto, expected) in [(true, 1000), (false, 0)] {
            let path = dir.join(format!("auto-{auto}.db"));
            let _ = std::fs::remove_file(&path);
            let opts = DbOptions {
                autocheckpoint: auto,
                ..DbOptions::default()
            };
            let pool = create(&path, &opts).unwrap();
            let every = |c: &Connection| -> i64 {
                c.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
                    .unwrap()
            };
            assert_eq!(every(&pool.get().unwrap()), expected);
            assert_eq!(every(&writer_connection(&path, &opts).unwrap()), expected);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
