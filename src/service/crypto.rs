//! Random secrets, hashes and MACs used by sessions, tokens and CSRF protection.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::ServiceError;

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).expect("the operating system's random source failed");
    b
}

/// A fresh random token of 32 bytes, hex-encoded (64 characters).
pub fn random_token() -> String {
    hex(&random_bytes::<32>())
}

/// A random code of `len` characters from an alphabet without look-alikes (no 0/O, 1/I/l),
/// for one-time passwords and codes people may have to type.
pub fn random_code(len: usize) -> String {
    random_from(
        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789",
        len,
    )
}

/// Like `random_code` but upper case only: fits a QR code's compact alphanumeric mode and
/// reads aloud without "capital or small?".
pub fn random_upper_code(len: usize) -> String {
    random_from(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", len)
}

/// `len` characters drawn uniformly from `alphabet` (at most 256 characters).
pub fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    // Rejection sampling keeps every character equally likely.
    let limit = 256 - (256 % alphabet.len());
    while out.len() < len {
        for b in random_bytes::<32>() {
            if (b as usize) < limit && out.len() < len {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

pub use crate::hex::{decode as unhex, encode as hex};

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    m.update(data);
    m.finalize().into_bytes().into()
}

/// Compares secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Argon2id with the crate's recommended parameters, in PHC string form.
pub fn hash_password(plain: &str) -> Result<String, ServiceError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>())
        .map_err(|e| ServiceError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(plain.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("password hash: {e}")))
}

pub fn verify_password(hash: &str, plain: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(plain.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse"));
        assert!(!verify_password(&h, "correct horsE"));
        assert!(!verify_password("garbage", "x"));
    }

    #[test]
    fn codes_use_the_alphabet() {
        let c = random_code(12);
        assert_eq!(c.len(), 12);
        assert!(
            c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() && !"0O1Il".contains(ch))
        );
        let u = random_upper_code(23);
        assert!(
            u.chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit())
        );
    }
}
