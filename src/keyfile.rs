//! Key files: 32-byte keys as lines of 64 hex characters, readable by their owner only.
//! The backup key holds one key; the personal data key holds the current key first and,
//! only while a rotation is under way, the keys it replaces after it.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub type Key = [u8; 32];

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("key file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("key file {0} must be readable by its owner only (chmod 600)")]
    Exposed(String),
    #[error("key file {0} must hold lines of 64 hex characters")]
    Malformed(String),
    #[error("{0} exists; a key file is never overwritten (what was sealed with it needs it)")]
    Exists(String),
}

/// Reads every key of a file, the current one first. Refuses a file that group or others
/// may read, so a key left world-readable is noticed at start rather than after a leak.
pub fn read(path: &Path) -> Result<Vec<Key>, KeyFileError> {
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(KeyFileError::Exposed(shown(path)));
    }
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let keys: Option<Vec<Key>> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(unhex32)
        .collect();
    match keys {
        Some(k) if !k.is_empty() => Ok(k),
        _ => Err(KeyFileError::Malformed(shown(path))),
    }
}

/// Writes a new key file with one random key (mode 600); refuses to replace a file.
pub fn create(path: &Path, comment: &str) -> Result<Key, KeyFileError> {
    let key = random_key();
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => KeyFileError::Exists(shown(path)),
            _ => io(path)(e),
        })?;
    write_keys(&mut f, comment, &[key]).map_err(io(path))?;
    f.sync_all().map_err(io(path))?;
    Ok(key)
}

/// Replaces a key file's keys in one step (a new file renamed over the old one), so a
/// crash leaves either the old keys or the new ones, never half a file.
pub fn replace(path: &Path, comment: &str, keys: &[Key]) -> Result<(), KeyFileError> {
    let staged = PathBuf::from(format!("{}.new", path.display()));
    let _ = std::fs::remove_file(&staged);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&staged)
        .map_err(io(&staged))?;
    write_keys(&mut f, comment, keys).map_err(io(&staged))?;
    f.sync_all().map_err(io(&staged))?;
    std::fs::rename(&staged, path).map_err(io(path))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself must reach the disk before the caller relies on it.
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io(dir))?;
    }
    Ok(())
}

pub fn random_key() -> Key {
    let mut k = [0u8; 32];
    getrandom::getrandom(&mut k).expect("the operating system's random source failed");
    k
}

fn write_keys(f: &mut std::fs::File, comment: &str, keys: &[Key]) -> std::io::Result<()> {
    writeln!(f, "# {comment}")?;
    for k in keys {
        writeln!(f, "{}", crate::hex::encode(k))?;
    }
    Ok(())
}

fn unhex32(s: &str) -> Option<Key> {
    crate::hex::decode(s).and_then(|v| Key::try_from(v).ok())
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> KeyFileError + '_ {
    move |source| KeyFileError::Io {
        path: shown(path),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_exposed_or_malformed_files_are_refused() {
        let dir = std::env::temp_dir().join(format!("meguri-keyfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("k");
        let _ = std::fs::remove_file(&path);
        let first = create(&path, "test").unwrap();
        assert_eq!(read(&path).unwrap(), vec![first]);
        assert!(matches!(
            create(&path, "test"),
            Err(KeyFileError::Exists(_))
        ));
        let second = random_key();
        replace(&path, "test", &[second, first]).unwrap();
        assert_eq!(read(&path).unwrap(), vec![second, first]);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(matches!(read(&path), Err(KeyFileError::Exposed(_))));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::write(&path, "# nothing\n").unwrap();
        assert!(matches!(read(&path), Err(KeyFileError::Malformed(_))));
        std::fs::write(&path, "abc\n").unwrap();
        assert!(matches!(read(&path), Err(KeyFileError::Malformed(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
