//! Adding and editing a contact: the form becomes the same
//! `kith_app::contacts` input as `kith add` and `kith edit`, checked by the
//! same code; a refused form names the label of the field to fix.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use kith_core::contact::Contact;
use kith_core::ids::ContactId;
use serde::Deserialize;

use kith_app::contacts::{self, ContactChanges, ContactFields, ContactInput};
use kith_app::resolve::Who;
use kith_app::{AppError, LookAlike};

use super::label::refused;
use super::{Chrome, Form, PageResult, id_from, redirect_with, render};
use crate::AppState;
use crate::auth::Viewer;

/// The add and edit forms: the fields of `kith add` / `kith edit`.
#[derive(Deserialize, Default, Clone)]
pub struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    emails: String,
    #[serde(default)]
    phones: String,
    #[serde(default)]
    links: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    function: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    timezone: String,
    #[serde(default)]
    birthday: String,
    #[serde(default)]
    how_met: String,
    #[serde(default)]
    introduced_by: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    every: String,
    /// "1": add it even if it looks like someone already there.
    #[serde(default)]
    allow_duplicate: String,
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ContactForm {
    /// As the app's input: an empty field is absent (add) or cleared (edit).
    fn fields(&self, clear_empty: bool) -> ContactFields {
        let f = |s: &str| {
            let s = s.trim();
            if s.is_empty() && !clear_empty {
                None
            } else {
                Some(s.to_owned())
            }
        };
        ContactFields {
            emails: split_list(&self.emails),
            phones: split_list(&self.phones),
            links: split_list(&self.links),
            tags: split_list(&self.tags),
            organisation: f(&self.organisation),
            title: f(&self.title),
            function: f(&self.function),
            industry: f(&self.industry),
            location: f(&self.location),
            timezone: f(&self.timezone),
            birthday: f(&self.birthday),
            how_met: f(&self.how_met),
            introduced_by: f(&self.introduced_by).map(Who::Named),
            notes: f(&self.notes),
            cadence: f(&self.every),
            given_name: None,
            family_name: None,
            nickname: None,
        }
    }

    fn from_contact(c: &Contact) -> ContactForm {
        let o = |v: &Option<String>| v.clone().unwrap_or_default();
        ContactForm {
            name: c.name.clone(),
            emails: c.emails.join(", "),
            phones: c.phones.join(", "),
            links: c
                .links
                .iter()
                .map(|l| l.url.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            tags: c.tags.join(", "),
            organisation: c
                .organisation
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            title: o(&c.title),
            function: o(&c.function),
            industry: o(&c.industry),
            location: o(&c.location),
            timezone: o(&c.timezone),
            birthday: o(&c.birthday),
            how_met: o(&c.how_met),
            introduced_by: c
                .introduced_by
                .as_ref()
                .map(|i| format!("#{}", i.id))
                .unwrap_or_default(),
            notes: o(&c.notes),
            every: c
                .cadence
                .map(|c| format!("{}d", c.days()))
                .unwrap_or_default(),
            allow_duplicate: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "contact_form.html")]
struct ContactFormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    form: ContactForm,
    error: Option<String>,
    /// Who the contact to add may already be, to look at first or add it
    /// anyway.
    look_alikes: Vec<LookAlike>,
}

pub async fn new_page(viewer: Viewer, headers: HeaderMap) -> PageResult {
    render(&ContactFormPage {
        chrome: Chrome::new(&viewer, "contacts", &headers),
        heading: "Add a contact".into(),
        action: "/contacts".into(),
        form: ContactForm::default(),
        error: None,
        look_alikes: Vec::new(),
    })
}

fn form_again(
    viewer: &Viewer,
    headers: &HeaderMap,
    heading: String,
    action: String,
    form: ContactForm,
    e: AppError,
) -> PageResult {
    let look_alikes = match &e {
        AppError::LooksLike { matches, .. } => matches.clone(),
        _ => Vec::new(),
    };
    let (message, e) = refused(e)?;
    let mut r = render(&ContactFormPage {
        chrome: Chrome::new(viewer, "contacts", headers),
        heading,
        action,
        error: (look_alikes.is_empty()).then_some(message),
        form,
        look_alikes,
    })?;
    *r.status_mut() = e.status();
    Ok(r)
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<ContactForm>,
) -> PageResult {
    let input = ContactInput {
        name: form.name.clone(),
        fields: form.fields(false),
        allow_duplicate: form.allow_duplicate == "1",
    };
    let added = contacts::add(&state.store, viewer.user.id, &input, chrono::Utc::now()).await;
    match added {
        Ok(c) => Ok(redirect_with(
            &format!("/contacts/{}", c.id),
            &format!("Added {}.", form.name.trim()),
        )),
        Err(e) => form_again(
            &viewer,
            &headers,
            "Add a contact".into(),
            "/contacts".into(),
            form,
            e,
        ),
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let id = ContactId(id_from(&id)?);
    let c = state.store.contact(viewer.user.id, id).await?;
    render(&ContactFormPage {
        chrome: Chrome::new(&viewer, "contacts", &headers),
        heading: format!("Edit {}", c.name),
        action: format!("/contacts/{id}"),
        form: ContactForm::from_contact(&c),
        error: None,
        look_alikes: Vec::new(),
    })
}

/// The edit form replaces the lists (e-mails, phones, links, tags) with
/// what was posted and clears emptied fields.
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> PageResult {
    let id = ContactId(id_from(&id)?);
    let me = viewer.user.id;
    let current = state.store.contact(me, id).await?;
    let posted = form.fields(true);
    // What is in one list and not the other, by hashing (a list may be
    // long: a contact stored before the limits, or a hostile form).
    let missing = |from: &[String], other: &[String], fold: fn(&str) -> String| -> Vec<String> {
        let other: HashSet<String> = other.iter().map(|v| fold(v)).collect();
        from.iter()
            .filter(|v| !other.contains(&fold(v)))
            .cloned()
            .collect()
    };
    let folded: fn(&str) -> String = str::to_ascii_lowercase;
    let exact: fn(&str) -> String = str::to_owned;
    let old_links: Vec<String> = current.links.iter().map(|l| l.url.clone()).collect();
    let changes = ContactChanges {
        name: Some(form.name.clone()),
        remove_emails: missing(&current.emails, &posted.emails, folded),
        remove_phones: missing(&current.phones, &posted.phones, folded),
        remove_links: missing(&old_links, &posted.links, folded),
        remove_tags: missing(&current.tags, &posted.tags, folded),
        fields: ContactFields {
            emails: missing(&posted.emails, &current.emails, folded),
            phones: missing(&posted.phones, &current.phones, exact),
            links: missing(&posted.links, &old_links, exact),
            tags: missing(&posted.tags, &current.tags, folded),
            ..posted.clone()
        },
        archived: None,
    };
    let result = async {
        let patch = contacts::patch(&state.store, me, &changes).await?;
        contacts::update(&state.store, me, id, &patch, chrono::Utc::now()).await
    }
    .await;
    match result {
        Ok(c) => Ok(redirect_with(
            &format!("/contacts/{id}"),
            &format!("Saved {}.", c.name),
        )),
        Err(e) => form_again(
            &viewer,
            &headers,
            format!("Edit {}", current.name),
            format!("/contacts/{id}"),
            form,
            e,
        ),
    }
}
