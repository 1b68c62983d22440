//! Passwords and session tokens: argon2id hashes, the strength rule for a new password,
//! random tokens kept only as their SHA-256.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand_core::RngCore;
use sha2::{Digest, Sha256};

use super::MIN_PASSWORD_CHARS;
use crate::error::{ApiError, Problems};

pub(super) const MAX_PASSWORD_CHARS: usize = 256;

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::Internal {
                message: "could not store the password".into(),
            }
        })
}

pub(super) fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Checks a new password; the field name is the caller's.
pub fn check_new_password(field: &str, password: &str, problems: &mut Problems) {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        problems.add(
            field,
            "too_short",
            format!("at least {MIN_PASSWORD_CHARS} characters"),
        );
    } else if n > MAX_PASSWORD_CHARS {
        problems.add(
            field,
            "too_long",
            format!("at most {MAX_PASSWORD_CHARS} characters"),
        );
    }
}

pub(super) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

pub(super) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A real argon2id hash, verified against when the login is unknown.
pub(super) fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no such user").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let h = hash_password("hallpass-demo").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("hallpass-demo", &h));
        assert!(!verify_password("hallpass-dem0", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }
}
