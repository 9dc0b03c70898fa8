//! Merging two contacts who are the same person: a preview of what moves
//! (the store runs the merge and rolls it back), then the merge itself. The
//! same store call as `kith merge`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use kith_core::ids::ContactId;
use kith_store::MergeReport;
use serde::Deserialize;

use super::{Chrome, Form, PageResult, id_from, redirect_with, render};
use crate::commands::interop::{merge_summary, merged_card};
use crate::web::AppState;
use crate::web::auth::Viewer;

#[derive(Deserialize)]
pub struct Pair {
    keep: String,
    other: String,
}

impl Pair {
    fn ids(&self) -> Result<(ContactId, ContactId), super::PageError> {
        Ok((
            ContactId(id_from(&self.keep)?),
            ContactId(id_from(&self.other)?),
        ))
    }
}

#[derive(Template)]
#[template(path = "merge.html")]
struct MergePage {
    chrome: Chrome,
    keep: ContactId,
    other: ContactId,
    report: MergeReport,
    summary: String,
}

pub async fn preview(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(pair): Query<Pair>,
) -> PageResult {
    let (keep, other) = pair.ids()?;
    let report = state
        .store
        .merge_contacts(viewer.user.id, keep, other, false, None, chrono::Utc::now())
        .await?;
    render(&MergePage {
        chrome: Chrome::new(&viewer, "import", &headers),
        keep,
        other,
        summary: merge_summary(&report),
        report,
    })
}

pub async fn merge(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pair): Form<Pair>,
) -> PageResult {
    let (keep, other) = pair.ids()?;
    let card = merged_card(&state.store, viewer.user.id, keep, other).await?;
    let report = state
        .store
        .merge_contacts(
            viewer.user.id,
            keep,
            other,
            true,
            card.as_deref(),
            chrono::Utc::now(),
        )
        .await?;
    let text = format!(
        "Merged {} into {}: moved {}.",
        report.gone,
        report.kept,
        merge_summary(&report)
    );
    Ok(redirect_with(&format!("/contacts/{keep}"), &text))
}
