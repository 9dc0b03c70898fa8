//! Credentials. Passwords are stored as Argon2id PHC strings (m = 19 MiB,
//! t = 2, p = 1: the OWASP minimum); sessions, API tokens and app passwords
//! are random 256-bit secrets of which only a SHA-256 digest is stored, so a
//! copy of the database opens nothing.
//!
//! Hashing a password costs tens of milliseconds of CPU: async callers run
//! [`hash_password`] and [`verify_password`] on a blocking thread.

use std::fmt;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use kith_core::user::Password;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot hash the password: {0}")]
    Hash(String),
    #[error("the system's random number generator failed")]
    Random,
}

pub mod totp;

/// An Argon2id hash of the password in PHC format.
pub fn hash_password(password: &Password) -> Result<String, AuthError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

/// Whether `password` matches the stored hash. A missing or malformed hash
/// is checked against a dummy one, so the time taken does not reveal whether
/// the account exists.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let parsed = stored.and_then(|s| PasswordHash::new(s).ok());
    match parsed {
        Some(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        None => {
            let dummy = PasswordHash::new(DUMMY_HASH).expect("a valid dummy hash");
            let _ = Argon2::default().verify_password(password.as_bytes(), &dummy);
            false
        }
    }
}

/// The hash of a password nobody knows, with the default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Pmt7Uhm/i4EkqCMYEZ+H6R7ekeL34lFjmLn5BjtHZxk";

/// A random secret handed to a client once (a session cookie, an API token,
/// an app password). Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// 32 random bytes as hex, after a readable prefix (`kith_`, `kdav_`).
    pub fn generate(prefix: &str) -> Result<Secret, AuthError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|_| AuthError::Random)?;
        let mut text = String::with_capacity(prefix.len() + 64);
        text.push_str(prefix);
        for b in bytes {
            text.push_str(&format!("{b:02x}"));
        }
        Ok(Secret(text))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the database stores.
    pub fn digest(&self) -> String {
        digest(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// SHA-256 of a presented secret, as lower-case hex: the lookup key for it.
/// A fast hash is right here: the secret has 256 bits of entropy.
pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let password = Password::parse("correct horse battery").unwrap();
        let hash = hash_password(&password).unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("correct horse battery!", Some(&hash)));
        assert!(!verify_password("anything", None));
        assert!(!verify_password("anything", Some("not a hash")));
        // Two hashes of the same password differ (random salt).
        assert_ne!(hash, hash_password(&password).unwrap());
    }

    #[test]
    fn secrets_are_random_and_stored_as_digests() {
        let a = Secret::generate("kith_").unwrap();
        let b = Secret::generate("kith_").unwrap();
        assert_ne!(a, b);
        assert!(a.expose().starts_with("kith_") && a.expose().len() == 5 + 64);
        assert_eq!(format!("{a:?}"), "Secret(…)");
        assert_eq!(a.digest(), digest(a.expose()));
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
