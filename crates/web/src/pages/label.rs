//! How a page names an input: by the label of its form field ("E-mails",
//! "Keep in touch every"), so a refused form says which box to fix.

use kith_app::{AppError, Field};

use crate::error::WebError;

/// The form label for `field`.
pub fn label(field: &Field) -> String {
    match field {
        Field::Contact | Field::OrgContact => "Contact",
        Field::IntroducedBy => "Introduced by",
        Field::With => "Also with",
        Field::Name | Field::NewName => "Name",
        Field::TokenName => "Token name",
        Field::Email | Field::RemoveEmail => "E-mails",
        Field::Phone | Field::RemovePhone => "Phones",
        Field::Link | Field::RemoveLink => "Links",
        Field::Tag | Field::RemoveTag => "Tags",
        Field::Organisation => "Organisation",
        Field::JobTitle => "Title",
        Field::Function => "Function",
        Field::Industry => "Industry",
        Field::Location => "Location",
        Field::TimeZone => "Time zone",
        Field::Birthday => "Birthday",
        Field::HowMet => "How you met",
        Field::Notes => "Notes",
        Field::Cadence => "Keep in touch every",
        Field::GivenName => "Given name",
        Field::FamilyName => "Family name",
        Field::Nickname => "Nickname",
        Field::Via => "How",
        Field::When => "When",
        Field::Minutes => "Minutes",
        Field::Summary => "What you talked about",
        Field::MyTodo => "I will…",
        Field::TheirTodo => "They will…",
        Field::DueBy => "By",
        Field::TodoOptions => "By / loop back",
        Field::Intro => "They'll introduce me to",
        Field::ConversationKind => "Kind",
        Field::Learned => "Learned",
        Field::Goal => "For the goal",
        Field::FollowUpTitle => "What",
        other => return other.to_string(),
    }
    .to_owned()
}

/// What a refused form says: the mistake after the label of the field it
/// is in ("E-mails: 'bob@' is not an e-mail address"), or, for a mistake of
/// no field, the error itself.
pub fn said(e: &AppError) -> String {
    match e {
        AppError::Invalid { field, message } => format!("{}: {message}", label(field)),
        AppError::NotFound {
            field: Some(field), ..
        }
        | AppError::Ambiguous {
            field: Some(field), ..
        } => format!("{}: {e}", label(field)),
        AppError::Missing { field, message } => {
            format!("{message}: {}", crate::error::where_to(field))
        }
        other => other.to_string(),
    }
}

/// A refused form's answer: its message and status, or the error page when
/// the fault is ours or the store's (`Err`).
pub fn refused(e: AppError) -> Result<(String, WebError), WebError> {
    let message = said(&e);
    match WebError::from(e) {
        web @ (WebError::Internal(_) | WebError::Unavailable(_)) => Err(web),
        web => Ok((message, web)),
    }
}
