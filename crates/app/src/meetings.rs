//! Scheduling a meeting: who, when, how long, and where (a place, a call
//! link, a phone number or a new Jitsi room), checked.

use chrono::{DateTime, Utc};
use kith_core::conversation::Minutes;
use kith_core::meeting::{JoinLink, MeetingMode, NewMeeting, Platform};
use kith_core::user::User;
use kith_core::when::parse_moment;
use kith_store::Store;

use crate::error::invalid;
use crate::error::{AppError, Field};
use crate::resolve;

/// The kinds of place a meeting can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum How {
    /// In person, at a place.
    Where,
    Zoom,
    Meet,
    Teams,
    /// A new room on the user's Jitsi server.
    Jitsi,
    Phone,
}

impl How {
    pub const ALL: &[How] = &[
        How::Where,
        How::Zoom,
        How::Meet,
        How::Teams,
        How::Jitsi,
        How::Phone,
    ];

    /// The word for it: `where`, `zoom`, `meet`, `teams`, `jitsi`, `phone`.
    pub fn word(self) -> &'static str {
        match self {
            How::Where => "where",
            How::Zoom => "zoom",
            How::Meet => "meet",
            How::Teams => "teams",
            How::Jitsi => "jitsi",
            How::Phone => "phone",
        }
    }
}

/// Where a meeting happens, before it is checked: a kind and its place,
/// link or number (nothing for Jitsi).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeInput {
    pub how: How,
    pub detail: String,
}

impl ModeInput {
    /// The kind by its word (as the web's forms and the API name it) and
    /// its detail.
    pub fn parse(how: &str, detail: &str) -> Result<ModeInput, AppError> {
        let how = How::ALL
            .iter()
            .copied()
            .find(|h| h.word() == how)
            .ok_or_else(|| AppError::Invalid {
                field: Field::MeetingHow,
                message: format!("'{how}' is not where, zoom, meet, teams, jitsi or phone"),
            })?;
        Ok(ModeInput {
            how,
            detail: detail.trim().to_owned(),
        })
    }
}

/// The mode `input` names; Jitsi makes a new room on the user's server.
pub async fn mode(store: &Store, user: &User, input: &ModeInput) -> Result<MeetingMode, AppError> {
    let detail = input.detail.as_str();
    let field = Field::MeetingMode(input.how);
    let link = |platform: Platform| {
        JoinLink::parse(platform, detail)
            .map(MeetingMode::virtual_call)
            .map_err(invalid(field.clone()))
    };
    match input.how {
        How::Where => MeetingMode::in_person(detail).map_err(invalid(field)),
        How::Zoom => link(Platform::Zoom),
        How::Meet => link(Platform::Meet),
        How::Teams => link(Platform::Teams),
        How::Phone => MeetingMode::phone(detail).map_err(invalid(field)),
        How::Jitsi => {
            let base = store.jitsi_base(user.id).await?;
            let mut entropy = [0u8; 16];
            getrandom::fill(&mut entropy).map_err(|e| AppError::Internal(Box::new(e)))?;
            Ok(MeetingMode::virtual_call(JoinLink::jitsi(&base, entropy)))
        }
    }
}

/// A meeting as a person describes it, before it is checked.
#[derive(Debug, Clone)]
pub struct NewMeetingInput {
    /// Who: ids (`#3`) or names, separated by commas.
    pub with: String,
    /// When, in the user's time zone or with an offset.
    pub at: String,
    /// How long, in minutes.
    pub minutes: String,
    pub mode: ModeInput,
    /// What it is about; "Meeting with NAMES" without one.
    pub title: Option<String>,
}

/// The meeting `input` describes, checked.
pub async fn new_meeting(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
    input: &NewMeetingInput,
) -> Result<NewMeeting, AppError> {
    let starts_at =
        parse_moment("at", &input.at, now, user.timezone).map_err(invalid(Field::MeetingAt))?;
    let minutes = Minutes::parse(&input.minutes)
        .map_err(invalid(Field::MeetingMinutes))?
        .get();
    let mode = mode(store, user, &input.mode).await?;
    let people = resolve::contacts(store, user.id, &input.with).await?;
    let title = match &input.title {
        Some(t) => t.clone(),
        None => format!(
            "Meeting with {}",
            people
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let attendees = people.iter().map(|p| p.id).collect();
    // Core checks the people (resolved above: it can only be one named
    // twice), the title, the end within the calendar's years and the
    // length, and says which by its own word.
    NewMeeting::new(&title, starts_at, minutes, mode, attendees).map_err(|e| {
        let field = match e.field.as_str() {
            "title" => Field::MeetingTitle,
            "at" => Field::MeetingAt,
            "minutes" => Field::MeetingMinutes,
            _ => Field::With,
        };
        invalid(field)(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_place_is_read_by_its_word() {
        for how in How::ALL {
            let input = ModeInput::parse(how.word(), "  there ").unwrap();
            assert_eq!((input.how, input.detail.as_str()), (*how, "there"));
        }
        match ModeInput::parse("pigeon", "") {
            Err(AppError::Invalid { field, message }) => {
                assert_eq!(field, Field::MeetingHow);
                assert!(message.contains("'pigeon'"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
