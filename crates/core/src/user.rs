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
