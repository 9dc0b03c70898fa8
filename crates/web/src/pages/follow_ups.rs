//! Follow-ups ("homework"): mine and theirs, done or dropped in one click,
//! edited on their own page; and the Undo button a done, drop or archive
//! offers for 30 minutes.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use kith_app::follow_ups::{self, EditInput};
use kith_core::follow_up::{FollowUp, Owner};
use kith_core::ids::{FollowUpId, UndoId};
use kith_store::FollowUpFilter;
use serde::Deserialize;

use super::label::refused;
use super::{
    Chrome, Form, PageResult, id_from, redirect_with, redirect_with_error, redirect_with_undo,
    render,
};
use crate::AppState;
use crate::auth::{Viewer, safe_next};
use crate::error::WebError;

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
    let (done, loop_back, undo) = state
        .store
        .complete_follow_up_undoable(viewer.user.id, id, chrono::Utc::now())
        .await?;
    let text = match loop_back {
        Some(l) => format!("Done: {}. Now loop back: {}", done.title, l.title),
        None => format!("Done: {}.", done.title),
    };
    Ok(redirect_with_undo(
        &safe_next(form.back.as_deref()),
        &text,
        Some(undo.id),
    ))
}

pub async fn drop(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Back>,
) -> PageResult {
    let id = FollowUpId(id_from(&id)?);
    let (dropped, undo) = state
        .store
        .drop_follow_up_undoable(viewer.user.id, id, chrono::Utc::now())
        .await?;
    Ok(redirect_with_undo(
        &safe_next(form.back.as_deref()),
        &format!("Dropped: {}.", dropped.title),
        Some(undo.id),
    ))
}

/// What the edit form holds: as typed, so a refused change comes back.
#[derive(Deserialize, Default)]
pub struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    by: String,
    back: Option<String>,
}

#[derive(Template)]
#[template(path = "follow_up.html")]
struct EditPage {
    chrome: Chrome,
    f: FollowUp,
    form: EditForm,
    error: Option<String>,
    back: String,
}

/// GET /follow-ups/{id}: the follow-up's edit form.
pub async fn edit_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let id = FollowUpId(id_from(&id)?);
    let f = state.store.follow_up(viewer.user.id, id).await?;
    let form = EditForm {
        title: f.title.clone(),
        owner: f.owner.as_str().to_owned(),
        by: f.due_on.map(|d| d.to_string()).unwrap_or_default(),
        back: None,
    };
    render(&EditPage {
        chrome: Chrome::new(&viewer, "follow-ups", &headers),
        back: format!("/contacts/{}", f.contact.id),
        f,
        form,
        error: None,
    })
}

/// POST /follow-ups/{id}: saves the edit form; a refused change shows the
/// form again with what was typed and why.
pub async fn edit(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<EditForm>,
) -> PageResult {
    let id = FollowUpId(id_from(&id)?);
    let current = state.store.follow_up(viewer.user.id, id).await?;
    let back = safe_next(form.back.as_deref().filter(|b| !b.is_empty()));
    let back = if back == "/" {
        format!("/contacts/{}", current.contact.id)
    } else {
        back
    };
    let owner = match form.owner.as_str() {
        "them" => Owner::Them,
        _ => Owner::Me,
    };
    let input = EditInput {
        title: Some(form.title.clone()),
        owner: Some(owner),
        by: Some(Some(form.by.clone())),
    };
    match follow_ups::edit(&state.store, &viewer.user, chrono::Utc::now(), id, &input).await {
        Ok(edited) => Ok(redirect_with(&back, &format!("Saved: {}.", edited.title))),
        Err(e) => {
            let (why, web) = refused(e)?;
            if matches!(web, WebError::NotFound(_)) {
                return Err(web.into());
            }
            let mut page = render(&EditPage {
                chrome: Chrome::new(&viewer, "follow-ups", &headers),
                f: current,
                form,
                error: Some(why),
                back,
            })?;
            *page.status_mut() = web.status();
            Ok(page)
        }
    }
}

/// POST /undo/{id}: undoes an action of the viewer's and goes back where
/// the Undo button was; a refusal (undone already, too late, changed since)
/// says why there.
pub async fn undo(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<Back>,
) -> PageResult {
    let id = UndoId(id_from(&id)?);
    let back = safe_next(form.back.as_deref());
    match kith_app::undo::undo(&state.store, &viewer.user, chrono::Utc::now(), Some(id)).await {
        Ok(undone) => Ok(redirect_with(&back, &format!("Undone: {}.", undone.label))),
        Err(e) => {
            let (why, web) = refused(e)?;
            if matches!(web, WebError::NotFound(_)) {
                return Err(web.into());
            }
            Ok(redirect_with_error(&back, &format!("Cannot undo: {why}")))
        }
    }
}
