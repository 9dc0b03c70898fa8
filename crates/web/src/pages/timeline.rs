//! The contact page's timeline: its recent conversations and the dated
//! entries that are not conversations ("Connected on LinkedIn"), newest first.

use kith_app::contact_view::{ContactView, Entry, event_words};
use kith_core::conversation::ConversationKind;
use kith_core::ids::ContactId;
use kith_core::values::TimeZone;

pub struct TimelineItem {
    pub when: String,
    /// A dated entry's words; `None` for a conversation.
    pub event: Option<String>,
    pub channel: String,
    pub minutes: Option<u32>,
    pub others: String,
    pub summary: String,
    pub informational: bool,
}

/// Contact `id`'s timeline, as its page shows it in `tz`.
pub fn timeline(v: &ContactView, id: ContactId, tz: TimeZone) -> Vec<TimelineItem> {
    v.timeline(tz)
        .into_iter()
        .map(|entry| match entry {
            Entry::Conversation(cv) => TimelineItem {
                when: kith_app::words::date_time(cv.occurred_at, tz),
                event: None,
                channel: cv.channel.to_string(),
                minutes: cv.minutes,
                others: cv
                    .participants
                    .iter()
                    .filter(|p| p.id != id)
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                summary: cv.summary.clone(),
                informational: cv.kind == ConversationKind::Informational,
            },
            Entry::Event(e) => TimelineItem {
                when: e.on.to_string(),
                event: Some(event_words(&e.kind).to_owned()),
                channel: String::new(),
                minutes: None,
                others: String::new(),
                summary: String::new(),
                informational: false,
            },
        })
        .collect()
}
