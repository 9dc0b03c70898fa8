//! Time-based one-time passwords (RFC 6238, HMAC-SHA-1, 30-second steps,
//! six digits: what every authenticator app speaks; the codes are
//! `totp-rs`'s) and recovery codes.

use totp_rs::{Algorithm, Builder, Totp};

use crate::AuthError;

/// Seconds per step.
pub const STEP: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;

/// A TOTP seed: 20 random bytes (160 bits, as RFC 4226 recommends).
/// `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    pub fn generate() -> Result<Self, AuthError> {
        let mut bytes = vec![0u8; 20];
        getrandom::fill(&mut bytes).map_err(|_| AuthError::Random)?;
        Ok(Self(bytes))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The seed in base32 (no padding), as authenticator apps take it.
    pub fn to_base32(&self) -> String {
        base32(&self.0)
    }

    /// Reads a base32 seed (spaces and case ignored).
    pub fn from_base32(text: &str) -> Option<Self> {
        from_base32(text).filter(|b| !b.is_empty()).map(Self)
    }

    /// The `otpauth://` address an authenticator app reads from a QR code.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let label = format!("{}:{}", encode(issuer), encode(account));
        format!(
            "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP}",
            self.to_base32(),
            encode(issuer)
        )
    }

    /// The code for the step that `unix_time` falls in, with `digits` digits.
    pub fn code(&self, unix_time: i64, digits: u32) -> String {
        let digits = u8::try_from(digits).expect("a code has at most nine digits");
        self.totp(digits)
            .generate(unix_time.max(0).unsigned_abs())
            .to_string()
    }

    /// The step `code` belongs to, if it is the code of the current step or
    /// of one step either side (clocks drift); `None` otherwise. Callers
    /// refuse a step at or before the last one used, so a code works once.
    pub fn verify(&self, code: &str, unix_time: i64) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let step = self
            .totp(DIGITS as u8)
            .check(&code, unix_time.max(0).unsigned_abs())?;
        i64::try_from(step).ok()
    }

    /// SHA-1, 30-second steps, one step of skew either way. Built without
    /// the crate's length check: a seed restored from a backup is used as
    /// it is (Kith's own are 160 bits).
    fn totp(&self, digits: u8) -> Totp {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(digits)
            .with_step_duration(STEP as u64)
            .with_skew(1)
            .with_secret(self.0.as_slice())
            .build_noncompliant()
    }
}

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=' && *c != '-')
    {
        let c = c.to_ascii_uppercase() as u8;
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// Percent-encodes what may not stand in an otpauth label or parameter.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Ten fresh recovery codes, each 80 random bits as `xxxx-xxxx-xxxx-xxxx`
/// (base32, lower case): enough entropy that a SHA-256 digest protects them
/// at rest (`crate::digest`).
pub fn recovery_codes() -> Result<Vec<String>, AuthError> {
    (0..10)
        .map(|_| {
            let mut bytes = [0u8; 10];
            getrandom::fill(&mut bytes).map_err(|_| AuthError::Random)?;
            let text = base32(&bytes).to_lowercase();
            Ok(text
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).expect("ASCII"))
                .collect::<Vec<_>>()
                .join("-"))
        })
        .collect()
}

/// A recovery code as typed (case, spaces and dashes ignored), in the form
/// its digest was taken of.
pub fn normalize_recovery_code(input: &str) -> String {
    let plain: String = input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows: the seed is "12345678901234567890".
    #[test]
    fn rfc_6238_test_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        for (time, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(secret.code(time, 8), code, "at {time}");
            // Six digits are the last six of the eight.
            assert_eq!(secret.code(time, 6), code[2..], "at {time}");
        }
    }

    #[test]
    fn one_step_of_clock_skew_is_forgiven_and_no_more() {
        let secret = TotpSecret::generate().unwrap();
        let now = 1_700_000_015;
        let step = now / STEP;
        let code = secret.code(now, DIGITS);
        assert_eq!(secret.verify(&code, now), Some(step));
        // The phone is a step behind, or ahead.
        assert_eq!(
            secret.verify(&secret.code(now - STEP, DIGITS), now),
            Some(step - 1)
        );
        assert_eq!(
            secret.verify(&secret.code(now + STEP, DIGITS), now),
            Some(step + 1)
        );
        // Two steps off is refused.
        assert_eq!(
            secret.verify(&secret.code(now - 2 * STEP, DIGITS), now),
            None
        );
        assert_eq!(
            secret.verify(&secret.code(now + 2 * STEP, DIGITS), now),
            None
        );
        // Spaces are fine; letters, wrong lengths and wrong codes are not.
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(secret.verify(&spaced, now), Some(step));
        for bad in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(secret.verify(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("mzxw 6ytb oi").unwrap(), b"foobar");
        assert_eq!(from_base32("MZXW6YQ="), Some(b"foob".to_vec()));
        assert_eq!(from_base32("M1"), None, "1 is not base32");
        let secret = TotpSecret::generate().unwrap();
        assert_eq!(
            TotpSecret::from_base32(&secret.to_base32()).unwrap(),
            secret
        );
    }

    #[test]
    fn the_seed_stays_out_of_debug_and_the_uri_is_what_apps_read() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(format!("{secret:?}"), "TotpSecret(…)");
        assert_eq!(
            secret.uri("Kith (kith.example)", "ann"),
            "otpauth://totp/Kith%20%28kith.example%29:ann?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kith%20%28kith.example%29&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let codes = recovery_codes().unwrap();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 19, "{code}");
            assert_eq!(
                normalize_recovery_code(&code.to_uppercase().replace('-', " ")),
                *code
            );
        }
    }
}
