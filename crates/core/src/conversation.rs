//! Conversations: who, when, how, how long, and what was said.

use chrono::{DateTime, Utc};

use crate::ValidationError;
use crate::contact::ContactRef;
use crate::ids::{ContactId, ConversationId};

word_enum! {
    /// How a conversation happened.
    pub enum Channel ("channel") {
        Zoom = "zoom",
        Meet = "meet" | "google-meet" | "gmeet",
        Hangouts = "hangouts" | "google-hangouts",
        Teams = "teams" | "ms-teams" | "microsoft-teams",
        Jitsi = "jitsi",
        /// A video call on some other platform.
        Video = "video" | "video-call",
        Phone = "phone" | "call" | "phone-call",
        Coffee = "coffee",
        InPerson = "in-person" | "inperson" | "irl" | "meal" | "lunch" | "dinner",
        Email = "email" | "e-mail" | "mail",
        Message = "message" | "text" | "sms" | "chat" | "dm",
    }
}

impl Channel {
    pub fn is_video(self) -> bool {
        matches!(
            self,
            Channel::Zoom
                | Channel::Meet
                | Channel::Hangouts
                | Channel::Teams
                | Channel::Jitsi
                | Channel::Video
        )
    }

    /// Whether the channel is a real conversation (voice or face to face)
    /// rather than a written exchange.
    pub fn is_meaningful(self) -> bool {
        !matches!(self, Channel::Email | Channel::Message)
    }

    /// How much a conversation on this channel counts: 1.0 for a call, video
    /// or meeting face to face, 0.25 for e-mail or a message.
    pub fn depth_weight(self) -> f64 {
        if self.is_meaningful() { 1.0 } else { 0.25 }
    }
}

word_enum! {
    /// What a conversation was for.
    pub enum ConversationKind ("conversation kind") {
        Regular = "regular" | "catch-up",
        /// Learning about someone's field: their career path, the skills it takes.
        Informational = "informational" | "info",
    }
}

word_enum! {
    /// What was learned in an informational conversation.
    pub enum LearningKind ("learning kind") {
        Skill = "skill" | "skills",
        Path = "path" | "career-path" | "career",
        Note = "note",
    }
}

/// One thing learned: `skill: SQL`, `path: analyst to PM in 3 years`, or a plain note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learning {
    pub kind: LearningKind,
    pub text: String,
}

impl Learning {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let (kind, text) = match input.split_once(':') {
            Some((kind, text)) => match LearningKind::parse(kind) {
                Ok(kind) => (kind, text),
                Err(_) => (LearningKind::Note, input),
            },
            None => (LearningKind::Note, input),
        };
        let text = crate::values::text("learned", text.trim())?;
        if text.is_empty() {
            return Err(ValidationError::new(
                "learned",
                "must say what was learned, e.g. \"skill: SQL\"",
            ));
        }
        if text.chars().count() > 500 || text.contains('\n') {
            return Err(ValidationError::new(
                "learned",
                "must be one line of at most 500 characters",
            ));
        }
        Ok(Self {
            kind,
            text: text.into_owned(),
        })
    }
}

/// The most people one conversation is with.
pub const MAX_PARTICIPANTS: usize = 100;

/// A validated conversation, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConversation {
    pub occurred_at: DateTime<Utc>,
    pub channel: Channel,
    pub minutes: Option<Minutes>,
    pub summary: String,
    pub participants: Vec<ContactId>,
    /// A stable identifier kept from an import; generated when absent.
    pub uid: Option<String>,
    pub kind: ConversationKind,
    pub learned: Vec<Learning>,
}

impl NewConversation {
    /// Checks the parts that only make sense together: at least one person
    /// and at most [`MAX_PARTICIPANTS`], nobody twice, a bounded summary.
    pub fn new(
        occurred_at: DateTime<Utc>,
        channel: Channel,
        minutes: Option<Minutes>,
        summary: &str,
        participants: Vec<ContactId>,
    ) -> Result<Self, ValidationError> {
        if participants.is_empty() {
            return Err(ValidationError::new(
                "participants",
                "name at least one person you talked to",
            ));
        }
        if participants.len() > MAX_PARTICIPANTS {
            return Err(ValidationError::new(
                "participants",
                format!(
                    "at most {MAX_PARTICIPANTS} people in one conversation ({} given)",
                    participants.len()
                ),
            ));
        }
        let mut seen = participants.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != participants.len() {
            return Err(ValidationError::new(
                "participants",
                "the same person is named twice",
            ));
        }
        let summary = crate::values::text("summary", summary.trim())?;
        if summary.chars().count() > 20_000 {
            return Err(ValidationError::new(
                "summary",
                "is longer than 20000 characters",
            ));
        }
        Ok(Self {
            occurred_at,
            channel,
            minutes,
            summary: summary.into_owned(),
            participants,
            uid: None,
            kind: ConversationKind::Regular,
            learned: Vec::new(),
        })
    }
}

/// A duration in minutes, 1 to 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minutes(u32);

impl Minutes {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let value = input.trim();
        let bad = || {
            ValidationError::new(
                "minutes",
                format!("'{value}' is not a duration in minutes between 1 and 1440"),
            )
        };
        let value_no_unit = value
            .strip_suffix("min")
            .or_else(|| value.strip_suffix('m'))
            .unwrap_or(value)
            .trim();
        let n: u32 = value_no_unit.parse().map_err(|_| bad())?;
        Self::new(n).ok_or_else(bad)
    }

    pub fn new(n: u32) -> Option<Self> {
        (1..=1440).contains(&n).then_some(Self(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A conversation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: ConversationId,
    pub uid: String,
    pub occurred_at: DateTime<Utc>,
    pub channel: Channel,
    pub minutes: Option<u32>,
    pub summary: String,
    pub participants: Vec<ContactRef>,
    pub kind: ConversationKind,
    pub learned: Vec<Learning>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_parse_with_aliases() {
        assert_eq!(Channel::parse("Google Meet").unwrap(), Channel::Meet);
        assert_eq!(Channel::parse("in_person").unwrap(), Channel::InPerson);
        assert_eq!(Channel::parse("SMS").unwrap(), Channel::Message);
        let err = Channel::parse("pigeon").unwrap_err();
        assert_eq!(err.field, "channel");
        assert!(err.message.contains("zoom, meet"), "{}", err.message);
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()).unwrap(), *c);
        }
    }

    #[test]
    fn conversations_need_distinct_people() {
        let now = Utc::now();
        let one = ContactId(1);
        assert!(NewConversation::new(now, Channel::Zoom, None, "x", vec![]).is_err());
        assert!(NewConversation::new(now, Channel::Zoom, None, "x", vec![one, one]).is_err());
        assert!(NewConversation::new(now, Channel::Zoom, None, "", vec![one]).is_ok());
    }

    #[test]
    fn summaries_and_learnings_follow_the_text_rule() {
        let now = Utc::now();
        let one = ContactId(1);
        let c = NewConversation::new(now, Channel::Zoom, None, "a\r\nb", vec![one]).unwrap();
        assert_eq!(c.summary, "a\nb");
        let err = NewConversation::new(now, Channel::Zoom, None, "a\u{0}b", vec![one]);
        assert_eq!(err.unwrap_err().field, "summary");
        assert_eq!(
            Learning::parse("skill: S\u{1}QL").unwrap_err().field,
            "learned"
        );
    }

    #[test]
    fn a_conversation_is_with_at_most_a_hundred_people() {
        let now = Utc::now();
        let people = |n: i64| (1..=n).map(ContactId).collect::<Vec<_>>();
        let max = MAX_PARTICIPANTS as i64;
        assert!(NewConversation::new(now, Channel::Zoom, None, "", people(max)).is_ok());
        let err = NewConversation::new(now, Channel::Zoom, None, "", people(max + 1)).unwrap_err();
        assert_eq!(err.field, "participants");
        assert_eq!(
            err.message,
            "at most 100 people in one conversation (101 given)"
        );
    }

    #[test]
    fn learnings_name_their_kind() {
        assert_eq!(
            Learning::parse("skill: SQL").unwrap(),
            Learning {
                kind: LearningKind::Skill,
                text: "SQL".into()
            }
        );
        assert_eq!(
            Learning::parse("Path: analyst to PM").unwrap().kind,
            LearningKind::Path
        );
        assert_eq!(
            Learning::parse("ratio 3:1 works").unwrap(),
            Learning {
                kind: LearningKind::Note,
                text: "ratio 3:1 works".into()
            }
        );
        assert_eq!(Learning::parse("skill:  ").unwrap_err().field, "learned");
    }

    #[test]
    fn minutes() {
        assert_eq!(Minutes::parse("45").unwrap().get(), 45);
        assert_eq!(Minutes::parse("30min").unwrap().get(), 30);
        assert!(Minutes::parse("0").is_err());
        assert!(Minutes::parse("long").is_err());
        assert!(Minutes::parse("2000").is_err());
    }
}
