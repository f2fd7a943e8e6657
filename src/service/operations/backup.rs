//! Backups: a consistent snapshot of the live database (SQLite's online backup), with a
//! manifest, compressed and sealed with XChaCha20-Poly1305 under a key from a file.
//! Restoring checks the seal, the snapshot's hash, the schema version and every verify
//! invariant before anything is put in place, and never overwrites an existing file.
//!
//! File layout: `MEGURI-BACKUP-1\n`, the manifest length (u32, big-endian), the manifest
//! (JSON, authenticated as associated data), a 24-byte nonce, then the sealed,
//! deflate-compressed database.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};

use crate::db::{self, DbOptions, migrate};
use crate::keyfile;
use crate::service::{Result, ServiceError, crypto, operations::verify};

const MAGIC: &[u8] = b"MEGURI-BACKUP-1\n";

/// The settings key holding when the last backup was written (RFC 3339).
pub const LAST_BACKUP_AT: &str = "last_backup_at";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub created_at: String,
    pub schema_version: i64,
    /// Hash of the newest journal entry (hex), so two backups can be compared at a glance.
    pub journal_head: String,
    pub entries: i64,
    pub payments: i64,
    pub stores: i64,
    pub residents: i64,
    pub db_bytes: u64,
    /// SHA-256 of the database file inside (hex).
    pub db_sha256: String,
}

fn fail(msg: impl Into<String>) -> ServiceError {
    ServiceError::Internal(msg.into())
}

/// Reads the backup key from its file (which only its owner may read).
pub fn load_key(path: &Path) -> Result<[u8; 32]> {
    let keys = keyfile::read(path).map_err(|e| fail(e.to_string()))?;
    Ok(keys[0])
}

/// Writes a new random backup key file (mode 600); refuses to replace one.
pub fn create_key(path: &Path) -> Result<()> {
    keyfile::create(path, "meguri backup key: keep a copy away from the server")
        .map_err(|e| fail(e.to_string()))?;
    Ok(())
}

/// Seals a database image with its manifest.
pub fn seal(db: &[u8], manifest: &Manifest, key: &[u8; 32]) -> Result<Vec<u8>> {
    let head = serde_json::to_vec(manifest).map_err(|e| fail(e.to_string()))?;
    let nonce = crypto::random_bytes::<24>();
    let compressed = miniz_oxide::deflate::compress_to_vec(db, 6);
    let sealed = XChaCha20Poly1305::new(key.into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &compressed,
                aad: &head,
            },
        )
        .map_err(|_| fail("could not seal the backup"))?;
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + head.len() + 24 + sealed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(head.len() as u32).to_be_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens a sealed backup: any change or truncation fails here.
pub fn unseal(bytes: &[u8], key: &[u8; 32]) -> Result<(Manifest, Vec<u8>)> {
    let bad = || fail("this is not an intact meguri backup (wrong key, changed or cut short)");
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(bad)?;
    let len = u32::from_be_bytes(
        rest.get(..4)
            .ok_or_else(bad)?
            .try_into()
            .map_err(|_| bad())?,
    ) as usize;
    let head = rest.get(4..4 + len).ok_or_else(bad)?;
    let nonce = rest.get(4 + len..4 + len + 24).ok_or_else(bad)?;
    let sealed = rest.get(4 + len + 24..).ok_or_else(bad)?;
    let compressed = XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: head,
            },
        )
        .map_err(|_| bad())?;
    let manifest: Manifest = serde_json::from_slice(head).map_err(|_| bad())?;
    let db = miniz_oxide::inflate::decompress_to_vec(&compressed).map_err(|_| bad())?;
    if crypto::hex(&crypto::sha256(&db)) != manifest.db_sha256 {
        return Err(bad());
    }
    Ok((manifest, db))
}

fn temp_beside(path: &Path, tag: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(
        ".{tag}-{}",
        crypto::hex(&crypto::random_bytes::<4>())
    ));
    path.with_file_name(name)
}

/// Writes a new owner-only file: snapshots, backups and restored databases are the ledger.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    db::create_owner_only(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| fail(format!("{}: {e}", path.display())))
}

/// Takes a consistent snapshot of the database (the server may keep running) and writes
/// the sealed backup to `to`.
/// `progress` hears how far the copy is, every 4096 pages (16 MiB).
pub fn backup(
    db_path: &Path,
    to: &Path,
    key: &[u8; 32],
    now: &str,
    progress: Option<fn(rusqlite::backup::Progress)>,
) -> Result<Manifest> {
    let snapshot = temp_beside(to, "snapshot");
    let result = (|| {
        let src = rusqlite::Connection::open(db_path)?;
        src.busy_timeout(std::time::Duration::from_secs(30))?;
        {
            write_new(&snapshot, b"")?;
            let mut dst = rusqlite::Connection::open(&snapshot)?;
            let b = rusqlite::backup::Backup::new(&src, &mut dst)?;
            b.run_to_completion(4096, std::time::Duration::ZERO, progress)?;
        }
        let snap = rusqlite::Connection::open(&snapshot)?;
        let count = |sql: &str| -> rusqlite::Result<i64> { snap.query_row(sql, [], |r| r.get(0)) };
        let head: Option<Vec<u8>> = snap
            .query_row(
                "SELECT hash FROM entries ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        let (entries, payments, stores, residents) = (
            count("SELECT count(*) FROM entries")?,
            count("SELECT count(*) FROM payments")?,
            count("SELECT count(*) FROM stores")?,
            count("SELECT count(*) FROM residents")?,
        );
        let version = migrate::version(&snap)?;
        drop(snap);
        let bytes = std::fs::read(&snapshot).map_err(|e| fail(e.to_string()))?;
        let manifest = Manifest {
            created_at: now.to_owned(),
            schema_version: version,
            journal_head: head.map(|h| crypto::hex(&h)).unwrap_or_default(),
            entries,
            payments,
            stores,
            residents,
            db_bytes: bytes.len() as u64,
            db_sha256: crypto::hex(&crypto::sha256(&bytes)),
        };
        let sealed = seal(&bytes, &manifest, key)?;
        let part = temp_beside(to, "part");
        write_new(&part, &sealed)?;
        std::fs::rename(&part, to).map_err(|e| fail(e.to_string()))?;
        // For `/metrics`: an operator's alert fires when backups stop.
        db::settings::set(&src, LAST_BACKUP_AT, now)?;
        Ok(manifest)
    })();
    let _ = std::fs::remove_file(&snapshot);
    result
}

/// Restores a backup to `to`, which must not exist yet. Nothing is put in place unless the
/// seal holds, the schema is one this meguri knows, and every verify invariant holds.
pub fn restore(from: &Path, to: &Path, key: &[u8; 32]) -> Result<Manifest> {
    if to.exists() {
        return Err(fail(format!(
            "{} exists; restore never overwrites a database (move it away first)",
            to.display()
        )));
    }
    let bytes = std::fs::read(from).map_err(|e| fail(format!("{}: {e}", from.display())))?;
    let (manifest, db_bytes) = unseal(&bytes, key)?;
    let staged = temp_beside(to, "restoring");
    write_new(&staged, &db_bytes)?;
    let checked = (|| {
        let pool = db::open(&staged, &DbOptions::default())?;
        let report = verify::run(&mut *pool.get().map_err(db::DbError::from)?)?;
        if let Some(broken) = report.checks.iter().find(|c| !c.problems.is_empty()) {
            return Err(fail(format!(
                "the backup fails verification: {}",
                broken.name
            )));
        }
        Ok(())
    })();
    if let Err(e) = checked {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", staged.display()));
        }
        return Err(e);
    }
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", staged.display()));
    }
    std::fs::rename(&staged, to).map_err(|e| fail(e.to_string()))?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(db: &[u8]) -> Manifest {
        Manifest {
            created_at: "2024-12-01T10:00:00+09:00".into(),
            schema_version: 1,
            journal_head: String::new(),
            entries: 0,
            payments: 0,
            stores: 0,
            residents: 0,
            db_bytes: db.len() as u64,
            db_sha256: crypto::hex(&crypto::sha256(db)),
        }
    }

    #[test]
    fn sealed_backups_open_only_intact_and_with_the_key() {
        let db = b"SQLite format 3\0 pretend pages ".repeat(100);
        let key = crypto::random_bytes::<32>();
        let sealed = seal(&db, &manifest(&db), &key).unwrap();
        let (m, back) = unseal(&sealed, &key).unwrap();
        assert_eq!((m, back.as_slice()), (manifest(&db), db.as_slice()));
        assert!(sealed.len() < db.len(), "compressed");
        assert!(
            unseal(&sealed, &crypto::random_bytes::<32>()).is_err(),
            "wrong key"
        );
        for i in [0, 20, sealed.len() / 2, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[i] ^= 1;
            assert!(unseal(&bad, &key).is_err(), "byte {i} changed");
        }
        assert!(
            unseal(&sealed[..sealed.len() - 10], &key).is_err(),
            "cut short"
        );
        // The manifest is authenticated too.
        let text = String::from_utf8_lossy(&sealed).replace("\"payments\":0", "\"payments\":9");
        assert!(unseal(text.as_bytes(), &key).is_err());
    }
}
