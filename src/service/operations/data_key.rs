//! The personal data key file (`db::personal`): loaded at start, held by the running
//! server, and rotated while the server is stopped.
//!
//! Rotation is crash-safe by order: the new key is first written in front of the old one
//! (both open, the new one seals), then every value is sealed again in one transaction,
//! then the old key leaves the file. Whenever it stops, the file opens the database.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use crate::db::personal::{self, PersonalKeys};
use crate::db::{self, DbOptions};
use crate::keyfile;
use crate::service::{Result, ServiceError};

const COMMENT: &str = "meguri personal data key: without it names, phone numbers and bank accounts cannot be read; keep a copy away from the server";

/// Loads the keys; the file must exist and be readable by its owner only.
pub fn load(path: &Path) -> Result<Arc<PersonalKeys>> {
    let masters = keyfile::read(path).map_err(|e| match e {
        keyfile::KeyFileError::Io { ref source, .. }
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            fail(format!(
                "personal data key file {} not found: this database's names and phone numbers \
                 cannot be read without the key it was created with (pass --data-key)",
                path.display()
            ))
        }
        other => fail(other.to_string()),
    })?;
    Ok(Arc::new(PersonalKeys::new(&masters)))
}

/// For a new database: the key file if there is one (an operator may have made it in
/// /etc/meguri beforehand), otherwise a new one.
pub fn load_or_create(path: &Path) -> Result<Arc<PersonalKeys>> {
    if !path.exists() {
        keyfile::create(path, COMMENT).map_err(|e| fail(e.to_string()))?;
    }
    load(path)
}

/// Loads the keys only if the file is there (tools that never read personal data).
pub fn load_if_present(path: &Path) -> Result<Option<Arc<PersonalKeys>>> {
    path.exists().then(|| load(path)).transpose()
}

/// Locks the key file for as long as the returned handle lives, so a rotation cannot run
/// under a server that holds the old key.
pub fn hold(path: &Path) -> Result<File> {
    let f = File::open(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    f.try_lock_shared().map_err(|_| {
        fail(format!(
            "the personal data key {} is being rotated; try again when it is done",
            path.display()
        ))
    })?;
    Ok(f)
}

pub struct Rotated {
    pub old_ids: Vec<String>,
    pub new_id: String,
    pub values: usize,
}

/// Seals every personal value under a new key. The server must be stopped.
pub fn rotate(db_path: &Path, key_path: &Path) -> Result<Rotated> {
    if !db_path.exists() {
        return Err(fail(format!("no database at {}", db_path.display())));
    }
    let lock = File::open(key_path).map_err(|e| fail(format!("{}: {e}", key_path.display())))?;
    lock.try_lock().map_err(|_| {
        fail(
            "a meguri server is using this key; stop it first (systemctl stop meguri), \
             then rotate",
        )
    })?;
    let old = keyfile::read(key_path).map_err(|e| fail(e.to_string()))?;
    let old_ids: Vec<String> = old
        .iter()
        .map(|k| PersonalKeys::new(&[*k]).current_id().to_string())
        .collect();
    let new = keyfile::random_key();
    let both: Vec<keyfile::Key> = std::iter::once(new).chain(old.iter().copied()).collect();
    keyfile::replace(key_path, COMMENT, &both).map_err(|e| fail(e.to_string()))?;
    let opts = DbOptions {
        personal: Some(Arc::new(PersonalKeys::new(&both))),
        ..DbOptions::default()
    };
    let pool = db::open(db_path, &opts)?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    let values = db::write(&mut conn, |tx| -> Result<usize> {
        Ok(personal::reseal_all(tx)?)
    })?;
    drop(conn);
    drop(pool);
    keyfile::replace(key_path, COMMENT, &[new]).map_err(|e| fail(e.to_string()))?;
    Ok(Rotated {
        old_ids,
        new_id: PersonalKeys::new(&[new]).current_id().to_string(),
        values,
    })
}

fn fail(msg: impl Into<String>) -> ServiceError {
    ServiceError::Internal(msg.into())
}
