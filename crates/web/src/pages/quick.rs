//! Quick add, from every page (the header's "+" and the `n` key): log a
//! conversation with anyone by name, or add a contact, in one short form
//! each; and the people picker's suggestions (`/people?q=`), which the
//! page script offers under every field that names people. Without the
//! script those fields are plain text, read as the command line reads
//! names.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use chrono::Utc;
use kith_app::log::{self, LogInput};
use kith_app::resolve::Who;
use kith_core::conversation::Channel;
use serde::{Deserialize, Serialize};

use super::label::refused;
use super::{Chrome, Form, PageResult, redirect_with, render};
use crate::AppState;
use crate::auth::Viewer;

#[derive(Deserialize, Default)]
pub struct QuickLog {
    #[serde(default)]
    with: String,
    #[serde(default)]
    via: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    todo: String,
    #[serde(default)]
    by: String,
}

#[derive(Template)]
#[template(path = "quick.html")]
struct QuickPage {
    chrome: Chrome,
    form: QuickLog,
    channels: &'static [Channel],
    error: Option<String>,
}

pub async fn page(viewer: Viewer, headers: HeaderMap) -> PageResult {
    render(&QuickPage {
        chrome: Chrome::new(&viewer, "quick", &headers),
        form: QuickLog {
            via: "coffee".into(),
            ..QuickLog::default()
        },
        channels: Channel::ALL,
        error: None,
    })
}

fn text(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Logs the conversation; to-dos belong to the first person named.
pub async fn log(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<QuickLog>,
) -> PageResult {
    let input = LogInput {
        with: form
            .with
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(|w| Who::Named(w.to_owned()))
            .collect(),
        summary: form.summary.trim().to_owned(),
        via: text(&form.via).unwrap_or_else(|| "coffee".into()),
        todos: text(&form.todo).into_iter().collect(),
        by: text(&form.by),
        ..LogInput::default()
    };
    match log::log(&state.store, &viewer.user, Utc::now(), &input).await {
        Ok((prepared, _)) => {
            let first = prepared.people.first().map(|c| c.id.0);
            let to = first.map_or_else(|| "/".to_owned(), |id| format!("/contacts/{id}#top"));
            let names: Vec<&str> = prepared.people.iter().map(|c| c.name.as_str()).collect();
            Ok(redirect_with(
                &to,
                &format!("Conversation with {} logged.", names.join(", ")),
            ))
        }
        Err(e) => {
            let (error, status) = refused(e)?;
            let mut r = render(&QuickPage {
                chrome: Chrome::new(&viewer, "quick", &headers),
                form,
                channels: Channel::ALL,
                error: Some(error),
            })?;
            *r.status_mut() = status.status();
            Ok(r)
        }
    }
}

#[derive(Deserialize)]
pub struct PeopleQuery {
    #[serde(default)]
    q: String,
}

/// One suggestion of the people picker.
#[derive(Serialize)]
pub struct Person {
    id: i64,
    name: String,
    /// Title and organisation, to tell two of a name apart.
    about: String,
}

/// The viewer's contacts whose name (or organisation, e-mail, tags) matches
/// what is typed so far, best first, at most eight.
pub async fn people(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<PeopleQuery>,
) -> PageResult {
    let typed = q.q.trim();
    if typed.is_empty() || typed.chars().count() > 100 {
        return Ok(Json(Vec::<Person>::new()).into_response());
    }
    let found = state
        .store
        .search_contacts(viewer.user.id, typed, 8)
        .await?;
    Ok(Json(
        found
            .into_iter()
            .map(|c| Person {
                id: c.id.0,
                about: [c.title.as_deref(), c.organisation.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                name: c.name,
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}
