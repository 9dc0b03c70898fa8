//! The user's settings: their name, address, time zone, default rhythm,
//! which conversations reset the clock, the Jitsi server for new rooms, and
//! each tag's rhythm. The command line's `settings` and `tag set` and the
//! settings page change them here.

use chrono::{DateTime, Utc};
use kith_core::ids::UserId;
use kith_core::meeting::JitsiBase;
use kith_core::user::{SettingsPatch, User};
use kith_core::values::{Cadence, Email, TagName, TimeZone, optional_text};
use kith_store::{Store, StoreError};

use crate::digest::reschedule_digest;
use crate::error::{AppError, Field, invalid};

/// A change to the settings, as typed; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct SettingsChanges {
    pub name: Option<String>,
    /// `""` removes the address.
    pub email: Option<String>,
    pub timezone: Option<String>,
    /// The default rhythm: `30d`, `6w`, `3m`.
    pub every: Option<String>,
    pub light_resets_clock: Option<bool>,
    /// `""` goes back to the public Jitsi server.
    pub jitsi: Option<String>,
}

/// The changes, checked: the profile's and the Jitsi server's (`Some(None)`
/// clears it).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckedSettings {
    pub patch: SettingsPatch,
    pub jitsi: Option<Option<JitsiBase>>,
}

impl SettingsChanges {
    /// Checks every change, naming the first field that does not pass.
    pub fn check(&self) -> Result<CheckedSettings, AppError> {
        let display_name = match self.name.as_deref() {
            None => None,
            Some(n) => Some(
                optional_text("name", Some(n), 200)
                    .map_err(invalid(Field::DisplayName))?
                    .ok_or_else(|| AppError::Invalid {
                        field: Field::DisplayName,
                        message: "must not be empty".into(),
                    })?,
            ),
        };
        let email = match self.email.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(e) => Some(Some(Email::parse(e).map_err(invalid(Field::AccountEmail))?)),
        };
        let timezone = self
            .timezone
            .as_deref()
            .map(TimeZone::parse)
            .transpose()
            .map_err(invalid(Field::TimeZone))?;
        let default_cadence = self
            .every
            .as_deref()
            .map(Cadence::parse)
            .transpose()
            .map_err(invalid(Field::DefaultCadence))?;
        let jitsi = match self.jitsi.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(url) => Some(Some(
                JitsiBase::parse(url).map_err(invalid(Field::JitsiServer))?,
            )),
        };
        Ok(CheckedSettings {
            patch: SettingsPatch {
                display_name,
                email,
                timezone,
                default_cadence,
                light_resets_clock: self.light_resets_clock,
            },
            jitsi,
        })
    }
}

/// Checks and stores `changes`; a new time zone moves the next digest to
/// the same local time in it. Returns the user as they are now.
pub async fn update_settings(
    store: &Store,
    user: &User,
    changes: &SettingsChanges,
    now: DateTime<Utc>,
) -> Result<User, AppError> {
    let checked = changes.check()?;
    let mut user = user.clone();
    if checked.patch != SettingsPatch::default() {
        user = store.update_settings(user.id, &checked.patch).await?;
        if checked.patch.timezone.is_some() {
            reschedule_digest(store, &user, now).await?;
        }
    }
    if let Some(base) = &checked.jitsi {
        store.set_jitsi_base(user.id, base.as_ref()).await?;
    }
    Ok(user)
}

/// Sets (or, with "" or "none", clears) a tag's keep-in-touch interval.
pub async fn set_tag(store: &Store, user: UserId, tag: &str, every: &str) -> Result<(), AppError> {
    let tag = TagName::parse(tag).map_err(invalid(Field::RhythmTag))?;
    let cadence = match every.trim() {
        "" | "none" => None,
        every => Some(Cadence::parse(every).map_err(invalid(Field::RhythmEvery))?),
    };
    store
        .set_tag_cadence(user, &tag, cadence)
        .await
        .map_err(|e| match e {
            // The input's fault: a tag no contact has.
            StoreError::NotFound { .. } => AppError::Invalid {
                field: Field::RhythmTag,
                message: format!("no tag '{tag}': a tag exists once a contact has it"),
            },
            other => other.into(),
        })
}
