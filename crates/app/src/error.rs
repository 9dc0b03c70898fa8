//! What a use case can answer instead of a value, sorted by what the front
//! end does next: ask the person to fix a field (`Invalid`), say that the
//! thing is not there (`NotFound`) or which ones they could have meant
//! (`Ambiguous`), refuse (`Conflict`, `Forbidden`), ask them to try again
//! (`Busy`), or log a fault of ours (`Internal`). HTTP statuses, exit codes
//! and messages come from the variant, never from the text.

use std::fmt;

use kith_core::ValidationError;
use kith_store::{ContactList, Input, StoreError};

/// An input a person gave, independent of how a front end spells it: the
/// command line names a flag (`--introduced-by`), a form or JSON body its own
/// field (`introduced_by`). Each front end maps these to its names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The contact a command or form is about.
    Contact,
    /// Who introduced a contact.
    IntroducedBy,
    /// The people a conversation or meeting was with.
    With,
    /// The contact who worked at an organisation.
    OrgContact,
    /// The people a meeting is with, as its invitation's recipients.
    Attendees,
    /// An account's username.
    Username,
    /// The user's name as others see it (settings).
    DisplayName,
    /// The user's own e-mail address (settings).
    AccountEmail,
    /// A time zone: the user's (settings) or a contact's.
    TimeZone,
    /// The rhythm for contacts without one of their own (settings).
    DefaultCadence,
    /// The Jitsi server new rooms are made on (settings).
    JitsiServer,
    /// The tag whose rhythm is set.
    RhythmTag,
    /// A tag's rhythm.
    RhythmEvery,
    /// The days the digest goes out.
    DigestDays,
    /// The local time it goes out.
    DigestAt,
    /// Where it goes.
    DigestTo,
    /// The kind of file imported (vCard, LinkedIn, Google, Outlook).
    Format,
    /// The file given to import.
    File,
    /// The vCard version to export.
    Version,
    /// The contact a merge keeps.
    MergeKeep,
    /// The contact a merge folds into the kept one and deletes.
    MergeOther,
    // A contact's fields (`contacts.rs`).
    Name,
    /// A contact's new name, when its other fields are being changed too.
    NewName,
    Email,
    Phone,
    Link,
    Tag,
    Organisation,
    /// A contact's job title.
    JobTitle,
    Function,
    Industry,
    Location,
    Birthday,
    HowMet,
    Notes,
    /// How often to keep in touch.
    Cadence,
    GivenName,
    FamilyName,
    Nickname,
    RemoveEmail,
    RemovePhone,
    RemoveLink,
    RemoveTag,
    // A conversation to log (`log.rs`).
    /// The channel it happened on.
    Via,
    /// When it happened.
    When,
    Minutes,
    Summary,
    /// What I will do.
    MyTodo,
    /// What they will do.
    TheirTodo,
    /// When the to-dos (or a follow-up) are due.
    DueBy,
    /// A due date or loop-back given without a to-do to apply to.
    TodoOptions,
    /// Someone they will introduce me to.
    Intro,
    ConversationKind,
    Learned,
    /// The goal a conversation counts towards.
    Goal,
    // A follow-up (`follow_ups.rs`).
    FollowUpTitle,
    /// A goal's title, kind, aims, count of conversations and date.
    GoalTitle,
    GoalKind,
    GoalIndustry,
    GoalFunction,
    GoalCompany,
    GoalSkill,
    GoalTarget,
    GoalBy,
    /// An organisation someone worked at, the first and last year there,
    /// and the title they had.
    WorkedAt,
    WorkedFrom,
    WorkedTo,
    WorkedTitle,
    /// When a meeting starts, how long it is and what it is called.
    MeetingAt,
    MeetingMinutes,
    MeetingTitle,
    /// The kind of place a meeting has (the web's word for it).
    MeetingHow,
    /// The place, link or number of a meeting of that kind.
    MeetingMode(crate::meetings::How),
    /// An outreach block's weekdays, start, length and capacity.
    BlockDays,
    BlockAt,
    BlockMinutes,
    BlockCapacity,
    /// How many weeks a plan or calendar feed looks ahead.
    Weeks,
    /// The meeting a command or form is about.
    Meeting,
    /// The words of a search.
    Query,
    /// What a new token is for ("backup script").
    TokenName,
    /// An SQLite snapshot a restore reads.
    Snapshot,
    /// Where the database is, and how durably it writes (the command line's
    /// and the server's settings).
    Database,
    Durability,
    /// A place inside a file being imported, as its JSON path
    /// (`contacts[3].email`) or line: every front end shows it as it is.
    InFile(String),
}

impl fmt::Display for Field {
    /// Plain words, for logs and for a front end that has no names of its own.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Contact | Field::OrgContact => "contact",
            Field::IntroducedBy => "introduced by",
            Field::With => "participants",
            Field::Attendees => "attendees",
            Field::Username => "username",
            Field::DisplayName => "name",
            Field::AccountEmail => "e-mail address",
            Field::TimeZone => "time zone",
            Field::DefaultCadence => "rhythm",
            Field::JitsiServer => "Jitsi server",
            Field::RhythmTag => "tag",
            Field::RhythmEvery => "tag rhythm",
            Field::DigestDays => "digest days",
            Field::DigestAt => "digest time",
            Field::DigestTo => "digest address",
            Field::Format => "format",
            Field::File => "file",
            Field::Version => "version",
            Field::MergeKeep | Field::MergeOther => "contact",
            Field::Name | Field::NewName => "name",
            Field::Email => "e-mail",
            Field::Phone => "phone",
            Field::Link => "link",
            Field::Tag => "tag",
            Field::Organisation => "organisation",
            Field::JobTitle => "job title",
            Field::Function => "function",
            Field::Industry => "industry",
            Field::Location => "location",
            Field::Birthday => "birthday",
            Field::HowMet => "how met",
            Field::Notes => "notes",
            Field::Cadence => "rhythm",
            Field::GivenName => "given name",
            Field::FamilyName => "family name",
            Field::Nickname => "nickname",
            Field::RemoveEmail => "e-mail to remove",
            Field::RemovePhone => "phone to remove",
            Field::RemoveLink => "link to remove",
            Field::RemoveTag => "tag to remove",
            Field::Via => "channel",
            Field::When => "when",
            Field::Minutes => "minutes",
            Field::Summary => "summary",
            Field::MyTodo => "to-do",
            Field::TheirTodo => "their to-do",
            Field::DueBy => "due date",
            Field::TodoOptions => "due date or loop-back",
            Field::Intro => "introduction",
            Field::ConversationKind => "kind",
            Field::Learned => "learned",
            Field::Goal => "goal",
            Field::FollowUpTitle => "title",
            Field::GoalTitle | Field::MeetingTitle => "title",
            Field::GoalKind => "kind",
            Field::GoalIndustry => "industry",
            Field::GoalFunction => "function",
            Field::GoalCompany => "company",
            Field::GoalSkill => "skill",
            Field::GoalTarget => "target",
            Field::GoalBy => "by",
            Field::WorkedAt => "organisation",
            Field::WorkedFrom => "from",
            Field::WorkedTo => "to",
            Field::WorkedTitle => "title",
            Field::MeetingAt | Field::BlockAt => "at",
            Field::MeetingMinutes | Field::BlockMinutes => "minutes",
            Field::MeetingHow => "how",
            Field::MeetingMode(how) => how.word(),
            Field::BlockDays => "days",
            Field::BlockCapacity => "capacity",
            Field::Weeks => "weeks",
            Field::Meeting => "meeting",
            Field::Query => "query",
            Field::Snapshot => "snapshot",
            Field::TokenName => "name",
            Field::Database => "database",
            Field::Durability => "durability",
            Field::InFile(path) => path,
        })
    }
}

/// How something that is not there was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// By id: "no contact with id 12".
    Id(i64),
    /// By part of its name: "no contact matches 'zed'".
    Name(String),
    /// As the store said it: "no goal 7".
    Store(String),
    /// By a name no contact has, with the names it is close to (a slip of
    /// the keyboard): "no contact matches 'jnae'; did you mean Jane Doe (#3)?"
    Misspelt { name: String, close: Vec<Candidate> },
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Id(id) => write!(f, "with id {id}"),
            Key::Name(name) => write!(f, "matches '{name}'"),
            Key::Store(key) => f.write_str(key),
            Key::Misspelt { name, close } => {
                write!(f, "matches '{name}'; did you mean ")?;
                for (i, c) in close.iter().enumerate() {
                    let sep = match i {
                        0 => "",
                        _ if i + 1 == close.len() => " or ",
                        _ => ", ",
                    };
                    write!(f, "{sep}{} (#{})", c.name, c.id)?;
                }
                f.write_str("?")
            }
        }
    }
}

/// A contact already in the book that a new one may be the same person as,
/// and why ("the same e-mail jane@example.com").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookAlike {
    pub id: i64,
    pub name: String,
    pub why: String,
}

fn look_alikes(matches: &[LookAlike]) -> String {
    matches
        .iter()
        .map(|m| format!("{} (#{}, {})", m.name, m.id, m.why))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One of the things an ambiguous name could mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A value the person gave does not pass: fix `field`.
    #[error("invalid {field}: {message}")]
    Invalid { field: Field, message: String },
    /// Nothing gives `field`, and this needs it (`message` says what
    /// for: "the digest needs an address"). Each front end says where to
    /// give it.
    #[error("{message}")]
    Missing { field: Field, message: String },
    /// No `what` fits `key`. `field` is the input that named it, if one did:
    /// then it is that input's mistake rather than a missing page.
    #[error("no {what} {key}")]
    NotFound {
        what: &'static str,
        key: Key,
        field: Option<Field>,
    },
    /// `query` fits several `what`s; `candidates` are the first few, and
    /// `more` says there are others.
    #[error(
        "'{query}' matches several {what}s: {}; use the id or more of the name",
        listed(candidates, *more)
    )]
    Ambiguous {
        what: &'static str,
        query: String,
        candidates: Vec<Candidate>,
        more: bool,
        field: Option<Field>,
    },
    /// The contact to add may already be in the book: `matches`, each with
    /// why. Nothing was added; each front end offers to add it anyway.
    #[error("{name} may already be in your contacts: {}", look_alikes(matches))]
    LooksLike {
        name: String,
        matches: Vec<LookAlike>,
    },
    /// The change clashes with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// Storage is busy: try again.
    #[error(
        "the database is busy (another kith is writing to it, or all connections are in use); try again"
    )]
    Busy,
    /// Storage will not take a write (a full disk, a read-only file): the
    /// same request succeeds once the operator has made room. The cause is
    /// kept for the log.
    #[error(
        "the database cannot save right now: its storage is full or read-only; try again once there is room"
    )]
    CannotSave(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The person may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A fault of ours. The cause is kept for the log; the message never
    /// carries it (no database text reaches a person).
    #[error("something went wrong on our side")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

fn listed(candidates: &[Candidate], more: bool) -> String {
    let mut names: Vec<String> = candidates
        .iter()
        .map(|c| format!("{} (#{})", c.name, c.id))
        .collect();
    if more {
        names.push("…".into());
    }
    names.join(", ")
}

impl AppError {
    /// The same error, as the mistake of the input `field` when it is about
    /// something that input named.
    pub fn in_field(self, field: Field) -> AppError {
        match self {
            AppError::NotFound { what, key, .. } => AppError::NotFound {
                what,
                key,
                field: Some(field),
            },
            AppError::Ambiguous {
                what,
                query,
                candidates,
                more,
                ..
            } => AppError::Ambiguous {
                what,
                query,
                candidates,
                more,
                field: Some(field),
            },
            other => other,
        }
    }
}

/// Core's refusal of a value, as the mistake of `field`: the one way a
/// `ValidationError` becomes an `AppError`.
pub(crate) fn invalid(field: Field) -> impl Fn(ValidationError) -> AppError {
    move |e| AppError::Invalid {
        field: field.clone(),
        message: e.message,
    }
}

/// By the store error's type: a missing row, a clash, refused input and a
/// busy database and storage that cannot save keep their meaning; anything
/// else is ours.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, key } => AppError::NotFound {
                what,
                key: Key::Store(key),
                field: None,
            },
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid { input, message } => AppError::Invalid {
                field: refused(input),
                message,
            },
            StoreError::Busy => AppError::Busy,
            e @ StoreError::CannotWrite(_) => AppError::CannotSave(Box::new(e)),
            other @ (StoreError::Database(_) | StoreError::Migrate(_)) => {
                AppError::Internal(Box::new(other))
            }
        }
    }
}

/// The field of each input the store refuses.
fn refused(input: Input) -> Field {
    match input {
        Input::Name => Field::Name,
        Input::IntroducedBy => Field::IntroducedBy,
        Input::Remove(ContactList::Emails) => Field::RemoveEmail,
        Input::Remove(ContactList::Phones) => Field::RemovePhone,
        Input::Remove(ContactList::Links) => Field::RemoveLink,
        Input::Remove(ContactList::Tags) => Field::RemoveTag,
        Input::Meeting => Field::Meeting,
        Input::Summary => Field::Summary,
        Input::Merge => Field::MergeOther,
        Input::Query => Field::Query,
        Input::DatabaseUrl => Field::Database,
        Input::Synchronous => Field::Durability,
        Input::File => Field::File,
        Input::Snapshot => Field::Snapshot,
        Input::InFile(path) => Field::InFile(path),
    }
}
