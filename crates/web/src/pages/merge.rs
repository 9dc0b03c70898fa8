//! Merging two contacts who are the same person: a preview of what moves
//! (the store runs the merge and rolls it back), then the merge itself. The
//! same use case as `kith merge` (`kith_app::duplicates::merge`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use kith_app::duplicates::{self, Merge};
use kith_core::ids::ContactId;
use kith_store::MergeReport;
use serde::Deserialize;

use super::{Chrome, Form, PageResult, id_from, redirect_with, render};
use crate::AppState;
use crate::auth::Viewer;

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
    let merge = Merge {
        keep,
        other,
        apply: false,
    };
    let report = duplicates::merge(&state.store, viewer.user.id, merge, chrono::Utc::now()).await?;
    render(&MergePage {
        chrome: Chrome::new(&viewer, "import", &headers),
        keep,
        other,
        summary: duplicates::summary(&report),
        report,
    })
}

pub async fn merge(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pair): Form<Pair>,
) -> PageResult {
    let (keep, other) = pair.ids()?;
    let merge = Merge {
        keep,
        other,
        apply: true,
    };
    let report = duplicates::merge(&state.store, viewer.user.id, merge, chrono::Utc::now()).await?;
    let text = format!(
        "Merged {} into {}: moved {}.",
        report.gone,
        report.kept,
        duplicates::summary(&report)
    );
    Ok(redirect_with(&format!("/contacts/{keep}"), &text))
}
