//! Adding and changing a contact: the fields a person typed (on the command
//! line, in the web's form or an API body) become a checked `ContactDraft`
//! or `ContactPatch`, each mistake naming its [`Field`], before anything is
//! stored.

use chrono::{DateTime, Utc};
use kith_core::ValidationError;
use kith_core::contact::{Contact, ContactDraft, ContactPatch, List, TooMany};
use kith_core::ids::{ContactId, UserId};
use kith_core::rules::duplicates::MatchKeys;
use kith_core::values::{
    Birthday, Cadence, ContactName, Email, Link, Phone, TagName, TimeZone, optional_text,
};
use kith_store::Store;

use crate::error::{AppError, Field, LookAlike, invalid};
use crate::resolve::{self, Who};

/// The fields that adding sets and editing changes, as typed. A scalar is
/// `None` when not given; when editing, an empty one clears the field.
#[derive(Debug, Clone, Default)]
pub struct ContactFields {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub links: Vec<String>,
    pub tags: Vec<String>,
    pub organisation: Option<String>,
    /// The job title.
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<String>,
    pub how_met: Option<String>,
    /// Who introduced them; `Who::Named("")` clears it when editing.
    pub introduced_by: Option<Who>,
    pub notes: Option<String>,
    /// How often to keep in touch: `30d`, `3 months`.
    pub cadence: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
}

/// A new contact.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub name: String,
    pub fields: ContactFields,
    /// Add it even when it looks like someone already in the book (the
    /// person said so after [`AppError::LooksLike`]).
    pub allow_duplicate: bool,
}

/// A change to a contact: fields set (or cleared), lists added to and
/// removed from, archived or not.
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub fields: ContactFields,
    pub remove_emails: Vec<String>,
    pub remove_phones: Vec<String>,
    pub remove_links: Vec<String>,
    pub remove_tags: Vec<String>,
    pub archived: Option<bool>,
}

fn each<T>(
    values: &[String],
    field: Field,
    parse: fn(&str) -> Result<T, ValidationError>,
) -> Result<Vec<T>, AppError> {
    values
        .iter()
        .map(|v| parse(v).map_err(invalid(field.clone())))
        .collect()
}

/// A field's new value: `None` when absent, `Some(None)` when given empty
/// (clear it), `Some(Some(v))` otherwise.
fn change<T>(
    value: &Option<String>,
    field: Field,
    parse: impl Fn(&str) -> Result<T, ValidationError>,
) -> Result<Option<Option<T>>, AppError> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(v) => parse(v).map(|v| Some(Some(v))).map_err(invalid(field)),
    }
}

fn text(max: usize) -> impl Fn(&str) -> Result<String, ValidationError> {
    move |v| optional_text("text", Some(v), max).map(Option::unwrap_or_default)
}

fn lower(max: usize) -> impl Fn(&str) -> Result<String, ValidationError> {
    move |v| text(max)(v).map(|s| s.to_lowercase())
}

/// The scalar fields shared by adding and editing, checked.
struct Scalars {
    organisation: Option<Option<String>>,
    title: Option<Option<String>>,
    function: Option<Option<String>>,
    industry: Option<Option<String>>,
    location: Option<Option<String>>,
    timezone: Option<Option<TimeZone>>,
    birthday: Option<Option<Birthday>>,
    how_met: Option<Option<String>>,
    notes: Option<Option<String>>,
    cadence: Option<Option<Cadence>>,
    given_name: Option<Option<String>>,
    family_name: Option<Option<String>>,
    nickname: Option<Option<String>>,
}

fn scalars(f: &ContactFields) -> Result<Scalars, AppError> {
    Ok(Scalars {
        organisation: change(&f.organisation, Field::Organisation, text(200))?,
        title: change(&f.title, Field::JobTitle, text(200))?,
        function: change(&f.function, Field::Function, lower(100))?,
        industry: change(&f.industry, Field::Industry, lower(100))?,
        location: change(&f.location, Field::Location, text(200))?,
        timezone: change(&f.timezone, Field::TimeZone, TimeZone::parse)?,
        birthday: change(&f.birthday, Field::Birthday, Birthday::parse)?,
        how_met: change(&f.how_met, Field::HowMet, text(1000))?,
        notes: change(&f.notes, Field::Notes, text(20_000))?,
        cadence: change(&f.cadence, Field::Cadence, Cadence::parse)?,
        given_name: change(&f.given_name, Field::GivenName, text(100))?,
        family_name: change(&f.family_name, Field::FamilyName, text(100))?,
        nickname: change(&f.nickname, Field::Nickname, text(100))?,
    })
}

/// Who introduced them: `None` when not said, `Some(None)` when cleared.
async fn introducer(
    store: &Store,
    user: UserId,
    who: &Option<Who>,
) -> Result<Option<Option<ContactId>>, AppError> {
    match who {
        None => Ok(None),
        Some(Who::Named(text)) if text.trim().is_empty() => Ok(Some(None)),
        Some(who) => Ok(Some(Some(
            resolve::who(store, user, who, Field::IntroducedBy)
                .await?
                .id,
        ))),
    }
}

/// A list over its limit, as the mistake of the field that adds to it.
fn too_many(t: TooMany) -> AppError {
    let field = match t.list {
        List::Emails => Field::Email,
        List::Phones => Field::Phone,
        List::Links => Field::Link,
        List::Tags => Field::Tag,
    };
    AppError::Invalid {
        field,
        message: t.message(),
    }
}

/// The contact `input` describes, checked.
pub async fn draft(
    store: &Store,
    user: UserId,
    input: &ContactInput,
) -> Result<ContactDraft, AppError> {
    let name = ContactName::parse(&input.name).map_err(invalid(Field::Name))?;
    let f = &input.fields;
    let s = scalars(f)?;
    let introduced_by = introducer(store, user, &f.introduced_by).await?.flatten();
    let draft = ContactDraft {
        name: Some(name),
        emails: each(&f.emails, Field::Email, Email::parse)?,
        phones: each(&f.phones, Field::Phone, Phone::parse)?,
        links: each(&f.links, Field::Link, Link::parse)?,
        tags: each(&f.tags, Field::Tag, TagName::parse)?,
        organisation: s.organisation.flatten(),
        title: s.title.flatten(),
        function: s.function.flatten(),
        industry: s.industry.flatten(),
        location: s.location.flatten(),
        timezone: s.timezone.flatten(),
        birthday: s.birthday.flatten(),
        how_met: s.how_met.flatten(),
        notes: s.notes.flatten(),
        cadence: s.cadence.flatten(),
        given_name: s.given_name.flatten(),
        family_name: s.family_name.flatten(),
        nickname: s.nickname.flatten(),
        introduced_by,
        uid: None,
    };
    match draft.too_many() {
        Some(t) => Err(too_many(t)),
        None => Ok(draft),
    }
}

/// At most this many look-alikes are named.
const LOOK_ALIKES: usize = 5;

/// Contacts already in the book that `draft` may be the same person as:
/// the same e-mail address, phone number, LinkedIn profile or name.
pub async fn look_alikes(
    store: &Store,
    user: UserId,
    draft: &ContactDraft,
) -> Result<Vec<LookAlike>, AppError> {
    let new = MatchKeys::of_draft(draft);
    let mut found: Vec<(ContactId, String)> = Vec::new();
    for (id, old) in store.match_keys(user).await? {
        let why = if let Some(e) = new.emails.iter().find(|e| old.emails.contains(e)) {
            format!("the same e-mail {e}")
        } else if new.phones.iter().any(|p| old.phones.contains(p)) {
            "the same phone number".to_owned()
        } else if new.linkedin.iter().any(|l| old.linkedin.contains(l)) {
            "the same LinkedIn profile".to_owned()
        } else if new.name.is_some() && new.name == old.name {
            "the same name".to_owned()
        } else {
            continue;
        };
        found.push((id, why));
        if found.len() == LOOK_ALIKES {
            break;
        }
    }
    let ids: Vec<ContactId> = found.iter().map(|(id, _)| *id).collect();
    let names = store.contact_summaries(user, &ids).await?;
    Ok(found
        .into_iter()
        .map(|(id, why)| LookAlike {
            id: id.0,
            name: names
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            why,
        })
        .collect())
}

/// Adds the contact `input` describes; refuses one that looks like someone
/// already in the book ([`AppError::LooksLike`]) unless
/// `input.allow_duplicate`.
pub async fn add(
    store: &Store,
    user: UserId,
    input: &ContactInput,
    now: DateTime<Utc>,
) -> Result<Contact, AppError> {
    let draft = draft(store, user, input).await?;
    if !input.allow_duplicate {
        let matches = look_alikes(store, user, &draft).await?;
        if !matches.is_empty() {
            return Err(AppError::LooksLike {
                name: draft
                    .name
                    .as_ref()
                    .map(|n| n.as_str().to_owned())
                    .unwrap_or_default(),
                matches,
            });
        }
    }
    let id = store.add_contact(user, &draft, now).await?;
    Ok(store.contact(user, id).await?)
}

/// The change `changes` describes, checked; empty when nothing changes.
pub async fn patch(
    store: &Store,
    user: UserId,
    changes: &ContactChanges,
) -> Result<ContactPatch, AppError> {
    let f = &changes.fields;
    let s = scalars(f)?;
    let name = changes
        .name
        .as_deref()
        .map(ContactName::parse)
        .transpose()
        .map_err(invalid(Field::NewName))?;
    let introduced_by = introducer(store, user, &f.introduced_by).await?;
    Ok(ContactPatch {
        name,
        add_emails: each(&f.emails, Field::Email, Email::parse)?,
        remove_emails: each(&changes.remove_emails, Field::RemoveEmail, Email::parse)?,
        add_phones: each(&f.phones, Field::Phone, Phone::parse)?,
        remove_phones: each(&changes.remove_phones, Field::RemovePhone, Phone::parse)?,
        add_links: each(&f.links, Field::Link, Link::parse)?,
        remove_links: each(&changes.remove_links, Field::RemoveLink, Link::parse)?,
        add_tags: each(&f.tags, Field::Tag, TagName::parse)?,
        remove_tags: each(&changes.remove_tags, Field::RemoveTag, TagName::parse)?,
        organisation: s.organisation,
        title: s.title,
        function: s.function,
        industry: s.industry,
        location: s.location,
        timezone: s.timezone,
        birthday: s.birthday,
        how_met: s.how_met,
        notes: s.notes,
        cadence: s.cadence,
        given_name: s.given_name,
        family_name: s.family_name,
        nickname: s.nickname,
        introduced_by,
        archived: changes.archived,
    })
}

/// Stores `patch`; a removal the contact does not allow (an e-mail it does
/// not have, itself as its introducer), or more e-mails, phones, links or
/// tags than a contact holds, is the mistake of the field that asked for it.
pub async fn update(
    store: &Store,
    user: UserId,
    id: ContactId,
    patch: &ContactPatch,
    now: DateTime<Utc>,
) -> Result<Contact, AppError> {
    let adds = !(patch.add_emails.is_empty()
        && patch.add_phones.is_empty()
        && patch.add_links.is_empty()
        && patch.add_tags.is_empty());
    if adds && let Some(t) = patch.too_many(&store.contact(user, id).await?) {
        return Err(too_many(t));
    }
    Ok(store.update_contact(user, id, patch, now).await?)
}
