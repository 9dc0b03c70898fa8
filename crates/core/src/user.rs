//! The people who own data on an instance.

use chrono::{DateTime, Utc};

use crate::ids::UserId;
use crate::values::{Cadence, TimeZone};

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub timezone: TimeZone,
    /// How often to be in touch when neither the contact nor a tag says.
    pub default_cadence: Cadence,
    /// Whether an e-mail or message resets the keep-in-touch clock (by
    /// default only calls and meetings do).
    pub light_resets_clock: bool,
    pub created_at: DateTime<Utc>,
    /// Changes (never back to an earlier value) whenever the user's contacts,
    /// conversations, follow-ups, tags, goals or meetings do, whoever writes:
    /// the store's triggers keep it. Views derived from those tables may be
    /// cached for as long as it holds.
    pub data_version: i64,
}

/// A change to a user's settings; `None` leaves a setting alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsPatch {
    pub display_name: Option<String>,
    pub email: Option<Option<crate::values::Email>>,
    pub timezone: Option<TimeZone>,
    pub default_cadence: Option<Cadence>,
    pub light_resets_clock: Option<bool>,
}

/// A validated request to create a user.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub email: Option<crate::values::Email>,
    pub timezone: TimeZone,
}

/// A login name: 1-64 characters of letters, digits, `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, crate::ValidationError> {
        let value = input.trim();
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(Self(value.to_lowercase()))
        } else {
            Err(crate::ValidationError::new(
                "username",
                format!("'{value}' must be 1-64 letters, digits, '.', '_' or '-'"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password good enough to protect someone's whole network: at least 12
/// characters, not one of the passwords attackers try first. `Debug` never
/// shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;

    pub fn parse(input: &str) -> Result<Self, crate::ValidationError> {
        let bad = |why: &str| crate::ValidationError::new("password", why);
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(bad("must be at least 12 characters long"));
        }
        if chars > 1024 {
            return Err(bad("must be at most 1024 characters long"));
        }
        let lower = input.to_lowercase();
        let mut distinct: Vec<char> = lower.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 4 || COMMON_PASSWORDS.contains(&lower.as_str()) {
            return Err(bad(
                "is too common or too simple; choose a passphrase of a few words",
            ));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// Passwords of 12 or more characters that lead the public breach lists
/// (shorter ones are refused by length already).
const COMMON_PASSWORDS: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789101",
    "1234567891011",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "qwertyuiop12",
    "qwertyuiop123",
    "qwertyuiopasdf",
    "qwertyuiopasdfghjkl",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "asdfghjkl123",
    "iloveyou1234",
    "abcdefghijkl",
    "abc123abc123",
    "qwerty123456",
    "123456qwerty",
    "111111111111",
    "000000000000",
    "123123123123",
    "welcome12345",
    "letmein12345",
    "changeme1234",
    "administrator",
    "admin1234567",
    "p@ssw0rd1234",
    "passw0rd1234",
    "football1234",
    "baseball1234",
    "superman1234",
    "princess1234",
    "sunshine1234",
    "trustno11234",
    "monkey123456",
    "dragon123456",
    "correcthorsebatterystaple",
    "correct horse battery staple",
    "thequickbrownfox",
    "1234qwerasdf",
    "qwer1234asdf",
    "asdf1234qwer",
    "987654321098",
    "098765432109",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_length_and_some_variety() {
        assert!(Password::parse("correct horse battery").is_ok());
        for bad in [
            "short",
            "password1234",
            "PASSWORD1234",
            "aaaaaaaaaaaaaaa",
            "121212121212",
            "correct horse battery staple",
        ] {
            let err = Password::parse(bad).unwrap_err();
            assert_eq!(err.field, "password", "{bad}");
        }
        assert_eq!(
            format!("{:?}", Password::parse("correct horse battery").unwrap()),
            "Password(…)"
        );
    }
}
