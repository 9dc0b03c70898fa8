//! Follow-ups ("homework"): mine and theirs, done or dropped in one click.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use kith_core::follow_up::{FollowUp, Owner};
use kith_core::ids::FollowUpId;
use kith_store::FollowUpFilter;
use serde::Deserialize;

use super::{Chrome, Form, PageResult, id_from, redirect_with, render};
use crate::AppState;
use crate::auth::{Viewer, safe_next};

/// Follow-ups shown per side; the most pressing (earliest due) first.
const SHOWN: usize = 100;

#[derive(Template)]
#[template(path = "follow_ups.html")]
struct FollowUpsPage {
    chrome: Chrome,
    mine: Vec<FollowUp>,
    theirs: Vec<FollowUp>,
    mine_total: usize,
    theirs_total: usize,
    today: chrono::NaiveDate,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    let open = state
        .store
        .follow_ups(
            viewer.user.id,
            &FollowUpFilter {
                contact: None,
                owner: None,
                open_only: true,
            },
        )
        .await?;
    let (mut mine, mut theirs): (Vec<_>, Vec<_>) =
        open.into_iter().partition(|f| f.owner == Owner::Me);
    let (mine_total, theirs_total) = (mine.len(), theirs.len());
    for side in [&mut mine, &mut theirs] {
        // Dated ones first, earliest first; then the undated, oldest first.
        side.sort_by_key(|f| (f.due_on.is_none(), f.due_on, f.created_at, f.id.0));
        side.truncate(SHOWN);
    }
    render(&FollowUpsPage {
        chrome: Chrome::new(&viewer, "follow-ups", &headers),
        mine,
        theirs,
        mine_total,
        theirs_total,
        today: kith_app::agenda::today(chrono::Utc::now(), viewer.user.timezone),
    })
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

pub async fn done(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Back>,
) -> PageResult {
    let id = FollowUpId(id_from(&id)?);
    let (done, loop_back) = state
        .store
        .complete_follow_up(viewer.user.id, id, chrono::Utc::now())
        .await?;
    let text = match loop_back {
        Some(l) => format!("Done: {}. Now loop back: {}", done.title, l.title),
        None => format!("Done: {}.", done.title),
    };
    Ok(redirect_with(&safe_next(form.back.as_deref()), &text))
}

pub async fn drop(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Back>,
) -> PageResult {
    let id = FollowUpId(id_from(&id)?);
    let dropped = state
        .store
        .drop_follow_up(viewer.user.id, id, chrono::Utc::now())
        .await?;
    Ok(redirect_with(
        &safe_next(form.back.as_deref()),
        &format!("Dropped: {}.", dropped.title),
    ))
}
