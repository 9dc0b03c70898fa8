//! Meetings: scheduled conversations, in person, virtual or by phone.

use chrono::{DateTime, Utc};

use crate::contact::ContactRef;
use crate::ids::MeetingId;

word_enum! {
    pub enum Platform ("platform") {
        Zoom = "zoom",
        Meet = "meet" | "google-meet",
        Teams = "teams",
        Jitsi = "jitsi",
        Other = "other",
    }
}

/// Where a meeting happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeetingMode {
    InPerson { place: String },
    Virtual { platform: Platform, url: String },
    Phone { number: String },
}

word_enum! {
    pub enum MeetingStatus ("meeting status") {
        Scheduled = "scheduled",
        Cancelled = "cancelled" | "canceled",
    }
}

/// A meeting as stored. `uid` and `sequence` follow RFC 5545 so an updated
/// invitation replaces the event in the other person's calendar.
#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub id: MeetingId,
    pub uid: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub minutes: u32,
    pub mode: MeetingMode,
    pub sequence: u32,
    pub status: MeetingStatus,
    pub attendees: Vec<ContactRef>,
}
