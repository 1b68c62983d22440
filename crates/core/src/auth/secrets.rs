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

/// [`hash_password`] off the async workers (argon2 takes ~19 MiB and tens of milliseconds);
/// call it before opening a write transaction, so SQLite's write lock never waits on it.
pub(super) async fn hash_off_thread(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| ApiError::Internal {
            message: "could not store the password".into(),
        })?
}

/// [`verify_password`] off the async workers.
pub(super) async fn verify_off_thread(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A new one-time password and its hash.
pub(super) async fn issue_one_time() -> Result<(String, String), ApiError> {
    let otp = one_time_password();
    let hash = hash_off_thread(otp.clone()).await?;
    Ok((otp, hash))
}

pub(super) fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// The least zxcvbn score a new password needs: 3, "safely unguessable" (over 10^8 guesses).
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// Checks a new password; the field name is the caller's. Besides its length, its strength is
/// estimated by zxcvbn (dictionaries of common passwords, names, keyboard walks, dates, and
/// `related`: the login, the person's name, the centre's name).
pub fn check_new_password(field: &str, password: &str, problems: &mut Problems) {
    check_password_with(field, password, &[], problems);
}

/// [`check_new_password`], also refusing passwords made from `related` words.
pub fn check_password_with(field: &str, password: &str, related: &[&str], problems: &mut Problems) {
    let n = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        let related: Vec<String> = related.iter().map(|w| w.to_lowercase()).collect();
        if made_of(password, &related) {
            problems.add(
                field,
                "weak",
                "too easy to guess: it is made of your name or login",
            );
            return;
        }
        let related: Vec<&str> = related.iter().map(String::as_str).collect();
        let estimate = zxcvbn::zxcvbn(password, &related);
        if u8::from(estimate.score()) < MIN_PASSWORD_SCORE {
            let hint = estimate
                .feedback()
                .and_then(|f| f.warning().map(|w| format!(" ({w})")))
                .unwrap_or_default();
            problems.add(
                field,
                "weak",
                format!("too easy to guess{hint}: add more words or characters"),
            );
        }
        return;
    }
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

pub(crate) fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// Whether the password is little more than the given words (in any order, any case, with
/// spaces or punctuation between), which zxcvbn scores too kindly when they are separated.
fn made_of(password: &str, words: &[String]) -> bool {
    let mut rest: String = password
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    for w in words {
        let w: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        if w.chars().count() >= 3 {
            rest = rest.replace(&w, "");
        }
    }
    rest.chars().count() < 4
}

/// A one-time password to read out or write down: 16 letters and digits without look-alikes
/// (0/O, 1/l/I), in groups of four (about 80 bits).
pub(super) fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// `N` bytes from the operating system's random source, as `2N` lowercase hex digits.
pub(crate) fn random_hex<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn new_token() -> String {
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
    fn weak_and_common_passwords_are_refused() {
        let weak = |pw: &str, related: &[&str]| {
            let mut p = Problems::default();
            check_password_with("password", pw, related, &mut p);
            p.errors().first().map(|e| e.code.clone())
        };
        assert_eq!(weak("password1", &[]).as_deref(), Some("weak"));
        assert_eq!(weak("qwertyuiop", &[]).as_deref(), Some("weak"));
        assert_eq!(weak("12345678", &[]).as_deref(), Some("weak"));
        assert_eq!(
            weak("noyphommachanh", &["noy", "phommachanh"]).as_deref(),
            Some("weak")
        );
        assert_eq!(weak("short", &[]).as_deref(), Some("too_short"));
        assert_eq!(weak("violet harbour lantern 42", &[]), None);
        let otp = one_time_password();
        assert_eq!(otp.len(), 19, "{otp}");
        assert_eq!(weak(&otp, &[]), None, "{otp}");
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
