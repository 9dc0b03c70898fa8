//! Errors as HTTP answers. A user's mistake is a 4xx naming the field; only
//! a fault of ours is a 500, and its details go to the log, not the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kith_app::{AppError, Field};
use kith_core::ValidationError;
use kith_store::StoreError;

#[derive(Debug)]
pub enum WebError {
    NotFound(String),
    /// A value that does not pass validation: 422, with the field.
    Invalid {
        field: String,
        message: String,
    },
    /// A request that is not even well-formed: 400.
    BadRequest(String),
    Unauthorized,
    Forbidden(String),
    Conflict(String),
    /// A contact that may already be there (`AppError::LooksLike`): 409,
    /// code `possible_duplicate`.
    PossibleDuplicate(String),
    Unavailable(String),
    /// A body over the size limit: 413.
    TooLarge(String),
    /// Too many wrong passwords or codes: 429, try again after so many seconds.
    Throttled {
        retry_after: u64,
    },
    Internal(anyhow::Error),
}

impl WebError {
    pub fn invalid(field: &str, message: impl Into<String>) -> WebError {
        WebError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) | WebError::PossibleDuplicate(_) => StatusCode::CONFLICT,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the client is told.
    pub fn message(&self) -> String {
        match self {
            WebError::NotFound(what) => what.clone(),
            WebError::Invalid { field, message } => {
                format!("invalid {field}: {message}")
            }
            WebError::BadRequest(m)
            | WebError::Forbidden(m)
            | WebError::Conflict(m)
            | WebError::PossibleDuplicate(m)
            | WebError::Unavailable(m)
            | WebError::TooLarge(m) => m.clone(),
            WebError::Unauthorized => "sign in first".into(),
            WebError::Throttled { retry_after } => format!(
                "too many wrong attempts; try again in {} minutes",
                retry_after.div_ceil(60)
            ),
            WebError::Internal(_) => "something went wrong on our side; it has been logged".into(),
        }
    }

    /// The failing field, if one is to blame.
    pub fn field(&self) -> Option<&str> {
        match self {
            WebError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound(_) => "not_found",
            WebError::Invalid { .. } => "invalid",
            WebError::BadRequest(_) => "bad_request",
            WebError::Unauthorized => "unauthorized",
            WebError::Forbidden(_) => "forbidden",
            WebError::Conflict(_) => "conflict",
            WebError::PossibleDuplicate(_) => "possible_duplicate",
            WebError::Unavailable(_) => "unavailable",
            WebError::TooLarge(_) => "too_large",
            WebError::Throttled { .. } => "throttled",
            WebError::Internal(_) => "internal",
        }
    }

    /// Sets what the error's status asks of the response's headers
    /// (`Retry-After` on a 429).
    pub fn add_headers(&self, response: &mut Response) {
        if let WebError::Throttled { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
    }

    /// Logs a 500's cause once, where it is turned into a response.
    pub fn log(&self) {
        if let WebError::Internal(e) = self {
            tracing::error!(error = format!("{e:#}"), "request failed");
        }
    }
}

/// What a client is told while storage refuses writes (a full disk, a
/// read-only file): a 503 to retry, not a fault of the request.
const CANNOT_SAVE: &str =
    "the server cannot save right now (its storage is full or read-only); try again later";

/// As the application layer sorts it: one mapping for every front end.
impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

/// The web's name for an input: the form's and the body's field (the API's
/// `in_body` renames it further where a body spells it otherwise).
pub fn field_name(field: &Field) -> String {
    match field {
        Field::Contact | Field::OrgContact => "contact".into(),
        Field::IntroducedBy => "introduced_by".into(),
        Field::With => "with".into(),
        Field::Attendees => "attendees".into(),
        Field::Username => "username".into(),
        Field::DisplayName => "name".into(),
        Field::AccountEmail => "email".into(),
        Field::TimeZone => "timezone".into(),
        Field::DefaultCadence | Field::RhythmEvery => "every".into(),
        Field::JitsiServer => "jitsi".into(),
        Field::RhythmTag => "tag".into(),
        Field::DigestDays => "days".into(),
        Field::DigestAt => "at".into(),
        Field::DigestTo => "address".into(),
        Field::Format => "format".into(),
        Field::File => "file".into(),
        Field::Version => "version".into(),
        Field::MergeKeep => "keep".into(),
        Field::MergeOther => "other".into(),
        Field::Name | Field::NewName | Field::TokenName => "name".into(),
        Field::Email => "emails".into(),
        Field::Phone => "phones".into(),
        Field::Link => "links".into(),
        Field::Tag => "tags".into(),
        Field::Organisation => "organisation".into(),
        Field::JobTitle => "title".into(),
        Field::Function => "function".into(),
        Field::Industry => "industry".into(),
        Field::Location => "location".into(),
        Field::Birthday => "birthday".into(),
        Field::HowMet => "how_met".into(),
        Field::Notes => "notes".into(),
        Field::Cadence => "cadence".into(),
        Field::GivenName => "given_name".into(),
        Field::FamilyName => "family_name".into(),
        Field::Nickname => "nickname".into(),
        Field::RemoveEmail => "remove_emails".into(),
        Field::RemovePhone => "remove_phones".into(),
        Field::RemoveLink => "remove_links".into(),
        Field::RemoveTag => "remove_tags".into(),
        Field::Via => "via".into(),
        Field::When => "on".into(),
        Field::Minutes => "minutes".into(),
        Field::Summary => "summary".into(),
        Field::MyTodo => "todos".into(),
        Field::TheirTodo => "their_todos".into(),
        Field::DueBy => "by".into(),
        Field::TodoOptions => "by/loop_back".into(),
        Field::Intro => "intros".into(),
        Field::ConversationKind => "kind".into(),
        Field::Learned => "learned".into(),
        Field::Goal => "goal".into(),
        Field::FollowUpTitle => "title".into(),
        Field::GoalTitle | Field::MeetingTitle | Field::WorkedTitle => "title".into(),
        Field::GoalKind => "kind".into(),
        Field::GoalIndustry => "industry".into(),
        Field::GoalFunction => "function".into(),
        Field::GoalCompany => "company".into(),
        Field::GoalSkill => "skill".into(),
        Field::GoalTarget => "target".into(),
        Field::GoalBy => "by".into(),
        Field::WorkedAt => "organisation".into(),
        Field::WorkedFrom => "from".into(),
        Field::WorkedTo => "to".into(),
        Field::MeetingAt | Field::BlockAt => "at".into(),
        Field::MeetingMinutes | Field::BlockMinutes => "minutes".into(),
        Field::MeetingHow => "how".into(),
        Field::MeetingMode(how) => how.word().into(),
        Field::BlockDays => "days".into(),
        Field::BlockCapacity => "capacity".into(),
        Field::Weeks => "weeks".into(),
        Field::InFile(path) => path.clone(),
        other => other.to_string(),
    }
}

/// An application error by its type: the person's input is 422 naming the
/// field, a missing thing 404, several candidates 422, a clash 409, a busy
/// store 503; only `Internal` is ours (500, cause logged, not told).
impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match mapped(&e) {
            Some(web) => web,
            None => WebError::Internal(e.into()),
        }
    }
}

/// [`AppError`] as a [`WebError`], or `None` when it is a fault of ours.
fn mapped(e: &AppError) -> Option<WebError> {
    Some(match e {
        AppError::Invalid { field, message } => WebError::invalid(&field_name(field), message),
        AppError::Missing { field, message } => WebError::invalid(
            &field_name(field),
            format!("{message}: {}", where_to(field)),
        ),
        AppError::NotFound {
            field: Some(field), ..
        }
        | AppError::Ambiguous {
            field: Some(field), ..
        } => WebError::invalid(&field_name(field), e.to_string()),
        AppError::NotFound { field: None, .. } => WebError::NotFound(e.to_string()),
        AppError::Ambiguous {
            what, field: None, ..
        } => WebError::invalid(what, e.to_string()),
        AppError::Conflict(m) => WebError::Conflict(m.clone()),
        AppError::LooksLike { .. } => WebError::PossibleDuplicate(e.to_string()),
        AppError::Busy => WebError::Unavailable(e.to_string()),
        AppError::CannotSave(cause) => {
            tracing::error!(error = %cause, "storage cannot save");
            WebError::Unavailable(CANNOT_SAVE.into())
        }
        AppError::Forbidden(m) => WebError::Forbidden(m.clone()),
        AppError::Internal(_) => return None,
    })
}

/// Where on the web a missing value is given.
pub fn where_to(field: &Field) -> &'static str {
    match field {
        Field::DigestTo => "set the digest's or your account's",
        Field::AccountEmail => "set your e-mail address in Settings",
        Field::Attendees => "add an address to an attendee's contact",
        _ => "fill it in",
    }
}

impl From<ValidationError> for WebError {
    fn from(v: ValidationError) -> Self {
        WebError::Invalid {
            field: v.field,
            message: v.message,
        }
    }
}

/// What still reports with `anyhow` (the server's own plumbing): an
/// application, validation or store error inside keeps its meaning by its
/// type; anything else is ours. No message is ever read as text.
impl From<anyhow::Error> for WebError {
    fn from(e: anyhow::Error) -> Self {
        let e = match e.downcast::<ValidationError>() {
            Ok(v) => return v.into(),
            Err(e) => e,
        };
        let e = match e.downcast::<StoreError>() {
            Ok(s) => return s.into(),
            Err(e) => e,
        };
        if let Some(v) = e.chain().find_map(|c| c.downcast_ref::<ValidationError>()) {
            return v.clone().into();
        }
        if let Some(app) = e.chain().find_map(|c| c.downcast_ref::<AppError>()) {
            return mapped(app).unwrap_or(WebError::Internal(e));
        }
        if let Some(s) = e.chain().find_map(|c| c.downcast_ref::<StoreError>()) {
            return match s {
                StoreError::NotFound { what, key } => {
                    WebError::NotFound(format!("no {what} {key}"))
                }
                StoreError::Busy => WebError::Unavailable(s.to_string()),
                StoreError::CannotWrite(cause) => {
                    tracing::error!(error = %cause, "storage cannot save");
                    WebError::Unavailable(CANNOT_SAVE.into())
                }
                _ => WebError::Internal(e),
            };
        }
        WebError::Internal(e)
    }
}

/// A 500 for a panicking handler, without its message.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    let mut r = (
        StatusCode::INTERNAL_SERVER_ERROR,
        "something went wrong on our side; it has been logged\n",
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}
