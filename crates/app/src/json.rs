//! JSON shapes of domain values, shared by `--json` and the HTTP API (whose
//! OpenAPI document is derived from these types). Times are RFC 3339 in UTC;
//! dates are `YYYY-MM-DD`; absent values are `null`.

use kith_core::contact::{Contact, ContactRef, ContactSummary};
use kith_core::conversation::Conversation;
use kith_core::follow_up::FollowUp;
use kith_core::goal::Goal;
use kith_core::rules::cadence::CadenceSource;
use kith_core::rules::due::DueEntry;
use kith_core::rules::goals::Progress;
use kith_core::user::User;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

fn value(shape: impl Serialize) -> Value {
    serde_json::to_value(shape).expect("JSON shapes always serialise")
}

/// A contact named by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactRefOut {
    pub id: i64,
    pub name: String,
}

impl From<&ContactRef> for ContactRefOut {
    fn from(c: &ContactRef) -> Self {
        Self {
            id: c.id.0,
            name: c.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOut {
    pub url: String,
    /// `linkedin`, `github`, `website`, …
    pub kind: String,
}

/// Everything Kith keeps about a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactOut {
    pub id: i64,
    /// Stable across exports (the vCard UID).
    pub uid: String,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub links: Vec<LinkOut>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<String>,
    pub how_met: Option<String>,
    pub introduced_by: Option<ContactRefOut>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    /// The contact's own keep-in-touch rhythm, if set.
    pub cadence_days: Option<u32>,
    pub snoozed_until: Option<String>,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    pub revision: i64,
    pub etag: String,
}

impl From<&Contact> for ContactOut {
    fn from(c: &Contact) -> Self {
        Self {
            id: c.id.0,
            uid: c.uid.clone(),
            name: c.name.clone(),
            given_name: c.given_name.clone(),
            family_name: c.family_name.clone(),
            nickname: c.nickname.clone(),
            emails: c.emails.clone(),
            phones: c.phones.clone(),
            links: c
                .links
                .iter()
                .map(|l| LinkOut {
                    url: l.url.clone(),
                    kind: l.kind.clone(),
                })
                .collect(),
            organisation: c.organisation.as_ref().map(|o| o.name.clone()),
            title: c.title.clone(),
            function: c.function.clone(),
            industry: c.industry.clone(),
            location: c.location.clone(),
            timezone: c.timezone.clone(),
            birthday: c.birthday.clone(),
            how_met: c.how_met.clone(),
            introduced_by: c.introduced_by.as_ref().map(Into::into),
            tags: c.tags.clone(),
            notes: c.notes.clone(),
            cadence_days: c.cadence.map(|c| c.days()),
            snoozed_until: c.snoozed_until.map(|t| t.to_rfc3339()),
            archived: c.archived,
            created_at: c.created_at.to_rfc3339(),
            updated_at: c.updated_at.to_rfc3339(),
            revision: c.revision,
            etag: c.etag(),
        }
    }
}

/// A contact as a list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactSummaryOut {
    pub id: i64,
    pub name: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub tags: Vec<String>,
    pub archived: bool,
}

impl From<&ContactSummary> for ContactSummaryOut {
    fn from(c: &ContactSummary) -> Self {
        Self {
            id: c.id.0,
            name: c.name.clone(),
            organisation: c.organisation.clone(),
            title: c.title.clone(),
            function: c.function.clone(),
            tags: c.tags.clone(),
            archived: c.archived,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LearningOut {
    /// `skill`, `industry`, `company` or `role`.
    pub kind: String,
    pub text: String,
}

/// A conversation that happened.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationOut {
    pub id: i64,
    pub uid: String,
    pub occurred_at: String,
    /// `zoom`, `meet`, `teams`, `jitsi`, `video`, `phone`, `coffee`, `in-person`, `email`, `message`, …
    pub channel: String,
    pub minutes: Option<u32>,
    pub summary: String,
    pub participants: Vec<ContactRefOut>,
    /// `catch-up` or `informational`.
    pub kind: String,
    pub learned: Vec<LearningOut>,
}

impl From<&Conversation> for ConversationOut {
    fn from(c: &Conversation) -> Self {
        Self {
            id: c.id.0,
            uid: c.uid.clone(),
            occurred_at: c.occurred_at.to_rfc3339(),
            channel: c.channel.as_str().to_owned(),
            minutes: c.minutes,
            summary: c.summary.clone(),
            participants: c.participants.iter().map(Into::into).collect(),
            kind: c.kind.as_str().to_owned(),
            learned: c
                .learned
                .iter()
                .map(|l| LearningOut {
                    kind: l.kind.as_str().to_owned(),
                    text: l.text.clone(),
                })
                .collect(),
        }
    }
}

/// A promise from a conversation: mine (`owner: me`) or theirs.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpOut {
    pub id: i64,
    pub contact: ContactRefOut,
    pub conversation: Option<i64>,
    /// `me` or `them`.
    pub owner: String,
    /// `task`, `loop-back`, `introduction` or `reach-out`.
    pub kind: String,
    pub title: String,
    pub due_on: Option<String>,
    /// Completing it asks me to report back to the person.
    pub loop_back: bool,
    /// `open`, `done` or `dropped`.
    pub status: String,
    pub created_at: String,
    pub closed_at: Option<String>,
}

impl From<&FollowUp> for FollowUpOut {
    fn from(f: &FollowUp) -> Self {
        Self {
            id: f.id.0,
            contact: (&f.contact).into(),
            conversation: f.conversation.map(|c| c.0),
            owner: f.owner.as_str().to_owned(),
            kind: f.kind.as_str().to_owned(),
            title: f.title.clone(),
            due_on: f.due_on.map(|d| d.to_string()),
            loop_back: f.loop_back,
            status: f.status.as_str().to_owned(),
            created_at: f.created_at.to_rfc3339(),
            closed_at: f.closed_at.map(|t| t.to_rfc3339()),
        }
    }
}

/// An action that can be undone for a while: POST `/api/v1/undo/{id}`
/// (the `undo` link) takes it back.
#[derive(Debug, Serialize, ToSchema)]
pub struct UndoOut {
    pub id: i64,
    /// `done`, `drop` or `archive`.
    pub kind: String,
    /// What it did, in words.
    pub label: String,
    /// When it was done; it can be undone until `until`.
    pub at: String,
    pub until: String,
    /// Where to POST to undo it.
    pub undo: String,
}

impl From<&kith_store::Undoable> for UndoOut {
    fn from(u: &kith_store::Undoable) -> Self {
        Self {
            id: u.id.0,
            kind: u.kind.as_str().to_owned(),
            label: u.label.clone(),
            at: u.at.to_rfc3339(),
            until: (u.at + kith_core::undo::window()).to_rfc3339(),
            undo: undo_link(u.id),
        }
    }
}

/// Where to POST to undo an action.
pub fn undo_link(id: kith_core::ids::UndoId) -> String {
    format!("/api/v1/undo/{id}")
}

/// Where a keep-in-touch rhythm comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct CadenceSourceOut {
    /// `own`, `tag` or `default`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl From<&CadenceSource> for CadenceSourceOut {
    fn from(source: &CadenceSource) -> Self {
        let (kind, tag) = match source {
            CadenceSource::Own => ("own", None),
            CadenceSource::Tag(tag) => ("tag", Some(tag.clone())),
            CadenceSource::Default => ("default", None),
        };
        Self {
            kind: kind.to_owned(),
            tag,
        }
    }
}

/// Someone due for a check-in, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueOut {
    pub contact: ContactRefOut,
    pub due_on: String,
    pub overdue_days: i64,
    pub cadence_days: u32,
    pub cadence_source: CadenceSourceOut,
    pub last_talked_at: Option<String>,
    pub one_off: bool,
    pub score: f64,
    /// In words, most important first.
    pub reasons: Vec<String>,
}

impl From<&DueEntry> for DueOut {
    fn from(e: &DueEntry) -> Self {
        Self {
            contact: ContactRefOut {
                id: e.contact.0,
                name: e.name.clone(),
            },
            due_on: e.due_on.to_string(),
            overdue_days: e.overdue_days,
            cadence_days: e.cadence.cadence.days(),
            cadence_source: (&e.cadence.source).into(),
            last_talked_at: e.last_talked.map(|t| t.to_rfc3339()),
            one_off: e.one_off,
            score: e.score,
            reasons: e.reasons.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub timezone: String,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.0,
            username: u.username.clone(),
            name: u.display_name.clone(),
            email: u.email.clone(),
            timezone: u.timezone.name().to_owned(),
        }
    }
}

/// A networking goal and how it is going.
#[derive(Debug, Serialize, ToSchema)]
pub struct GoalOut {
    pub id: i64,
    /// `new-role`, `new-skill`, `industry-change`, `reconnect`, `internal` or `custom`.
    pub kind: String,
    pub title: String,
    pub industry: Option<String>,
    pub function: Option<String>,
    pub company: Option<String>,
    pub skill: Option<String>,
    /// Conversations to aim for.
    pub target: Option<u32>,
    pub due_on: Option<String>,
    /// `active`, `done` or `dropped`.
    pub status: String,
    pub created_at: String,
    pub linked_conversations: u32,
    /// "7 of 10, on track".
    pub progress: String,
}

impl GoalOut {
    pub fn new(g: &Goal, p: &Progress) -> Self {
        Self {
            id: g.id.0,
            kind: g.kind.as_str().to_owned(),
            title: g.title.clone(),
            industry: g.industry.clone(),
            function: g.function.clone(),
            company: g.company.clone(),
            skill: g.skill.clone(),
            target: g.target_count,
            due_on: g.due_on.map(|d| d.to_string()),
            status: g.status.as_str().to_owned(),
            created_at: g.created_at.to_rfc3339(),
            linked_conversations: p.linked,
            progress: p.describe(),
        }
    }
}

pub fn goal(g: &Goal, p: &Progress) -> Value {
    value(GoalOut::new(g, p))
}

pub fn contact_ref(c: &ContactRef) -> Value {
    value(ContactRefOut::from(c))
}

pub fn contact(c: &Contact) -> Value {
    value(ContactOut::from(c))
}

pub fn summary(c: &ContactSummary) -> Value {
    value(ContactSummaryOut::from(c))
}

pub fn conversation(c: &Conversation) -> Value {
    value(ConversationOut::from(c))
}

pub fn follow_up(f: &FollowUp) -> Value {
    value(FollowUpOut::from(f))
}

/// An action that can be undone (`kith undo --list --json`).
pub fn undoable(u: &kith_store::Undoable) -> Value {
    value(UndoOut::from(u))
}

/// One open follow-up of the agenda (`kith today --json`).
pub fn agenda_item(item: &crate::agenda::Item) -> Value {
    serde_json::json!({
        "id": item.id,
        "contact": item.contact,
        "text": item.text,
        "when": item.when,
        "loop_back": item.loop_back,
    })
}

pub fn due(e: &DueEntry) -> Value {
    value(DueOut::from(e))
}

pub fn cadence_source(source: &CadenceSource) -> Value {
    value(CadenceSourceOut::from(source))
}

pub fn user(u: &User) -> Value {
    value(UserOut::from(u))
}

/// A meeting, in person, virtual or by phone.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingOut {
    pub id: i64,
    /// The iCalendar UID: the same across updates of the invitation.
    pub uid: String,
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    pub minutes: u32,
    /// `in-person`, `virtual` or `phone`.
    pub mode: String,
    pub place: Option<String>,
    /// `zoom`, `meet`, `teams`, `jitsi` or `other`.
    pub platform: Option<String>,
    pub url: Option<String>,
    pub phone: Option<String>,
    /// `scheduled` or `cancelled`.
    pub status: String,
    /// The iCalendar SEQUENCE: grows with every change.
    pub sequence: u32,
    pub dtstamp: String,
    pub attendees: Vec<ContactRefOut>,
    /// The conversation it was logged as.
    pub conversation: Option<i64>,
}

impl From<&kith_core::meeting::Meeting> for MeetingOut {
    fn from(m: &kith_core::meeting::Meeting) -> Self {
        use kith_core::meeting::MeetingMode;
        let (place, platform, url, phone) = match &m.mode {
            MeetingMode::InPerson { place } => (Some(place.clone()), None, None, None),
            MeetingMode::Virtual { platform, url } => (
                None,
                Some(platform.as_str().to_owned()),
                Some(url.clone()),
                None,
            ),
            MeetingMode::Phone { number } => (None, None, None, Some(number.clone())),
        };
        Self {
            id: m.id.0,
            uid: m.uid.clone(),
            title: m.title.clone(),
            starts_at: m.starts_at.to_rfc3339(),
            ends_at: m.ends_at().to_rfc3339(),
            minutes: m.minutes,
            mode: m.mode.kind().to_owned(),
            place,
            platform,
            url,
            phone,
            status: m.status.as_str().to_owned(),
            sequence: m.sequence,
            dtstamp: m.dtstamp.to_rfc3339(),
            attendees: m.attendees.iter().map(Into::into).collect(),
            conversation: m.conversation.map(|c| c.0),
        }
    }
}

pub fn meeting(m: &kith_core::meeting::Meeting) -> Value {
    value(MeetingOut::from(m))
}
