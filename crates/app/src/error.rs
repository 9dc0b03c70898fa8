//! What a use case can answer instead of a value, sorted by what the front
//! end does next: ask the person to fix a field (`Invalid`), say that the
//! thing is not there (`NotFound`) or which ones they could have meant
//! (`Ambiguous`), refuse (`Conflict`, `Forbidden`), ask them to try again
//! (`Busy`), or log a fault of ours (`Internal`). HTTP statuses, exit codes
//! and messages come from the variant, never from the text.

use std::fmt;

use kith_core::ValidationError;
use kith_store::StoreError;

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
    /// A goal named by id or part of its title (a block's or a
    /// conversation's goal).
    Goal,
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
    Organisation,
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
    /// A field that core's validation (`ValidationError`) or the store
    /// named by its own word; it becomes a variant of its own as the use
    /// cases that check it move here.
    Named(String),
}

impl fmt::Display for Field {
    /// Plain words, for logs and for a front end that has no names of its own.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Contact | Field::OrgContact => "contact",
            Field::IntroducedBy => "introduced by",
            Field::With => "participants",
            Field::Goal => "goal",
            Field::GoalTitle | Field::MeetingTitle => "title",
            Field::GoalKind => "kind",
            Field::GoalIndustry => "industry",
            Field::GoalFunction => "function",
            Field::GoalCompany => "company",
            Field::GoalSkill => "skill",
            Field::GoalTarget => "target",
            Field::GoalBy => "by",
            Field::Organisation => "organisation",
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
            Field::Named(name) => name,
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
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Id(id) => write!(f, "with id {id}"),
            Key::Name(name) => write!(f, "matches '{name}'"),
            Key::Store(key) => f.write_str(key),
        }
    }
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
    /// The change clashes with what is stored.
    #[error("{0}")]
    Conflict(String),
    /// Storage is busy: try again.
    #[error(
        "the database is busy (another kith is writing to it, or all connections are in use); try again"
    )]
    Busy,
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

/// By the store error's type: a missing row, a clash, refused input and a
/// busy database keep their meaning; anything else is ours.
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, key } => AppError::NotFound {
                what,
                key: Key::Store(key),
                field: None,
            },
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(v) => v.into(),
            StoreError::Busy => AppError::Busy,
            other @ (StoreError::Database(_) | StoreError::Migrate(_)) => {
                AppError::Internal(Box::new(other))
            }
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(v: ValidationError) -> Self {
        AppError::Invalid {
            field: Field::Named(v.field),
            message: v.message,
        }
    }
}
