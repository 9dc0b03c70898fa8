//! The import page: upload a vCard, LinkedIn, Google or Outlook file; see
//! what was created, updated, merged and rejected (with line and reason).
//! The same code as `kith import`.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use kith_app::duplicates::{self, Duplicates, Window};
use kith_app::exports;
use kith_app::imports::{self, Action, Format, ImportOptions, ImportReport};

use kith_app::{AppError, Field};

use super::{Chrome, PageResult, render, render_form_page};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::WebError;

/// The largest file accepted (a 30,000-row LinkedIn export is about 3 MiB).
pub const MAX_UPLOAD: usize = 32 * 1024 * 1024;
/// Rows of the report shown on the page (rejected ones are always shown).
const SHOWN: usize = 200;
/// Duplicate groups a page shows, and members of each.
const GROUPS: usize = 20;
const MEMBERS: usize = 10;
/// Members shown when one group is opened to see them all, a page at a time.
const GROUP_MEMBERS: usize = 100;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    report: Option<Summary>,
    duplicates: Duplicates,
    /// One group opened to page through its members.
    one_group: bool,
    /// The previous and next page of groups (or of the open group's members).
    earlier: Option<String>,
    later: Option<String>,
    /// Why the file was refused as a whole (another kind of file).
    error: Option<String>,
}

struct Summary {
    file: String,
    dry_run: bool,
    created: usize,
    updated: usize,
    merged: usize,
    unchanged: usize,
    rejected: Vec<(usize, String, String)>,
    /// Cells left out of records that imported: line, name, column, value, why.
    left_out: Vec<LeftOut>,
    rows: Vec<(usize, &'static str, String)>,
    more: usize,
}

struct LeftOut {
    line: usize,
    name: String,
    column: String,
    value: String,
    why: String,
}

impl Summary {
    fn new(file: String, report: &ImportReport) -> Summary {
        let rejected: Vec<_> = report
            .rows
            .iter()
            .filter(|r| r.action == Action::Rejected)
            .map(|r| {
                (
                    r.line,
                    r.name.clone().unwrap_or_default(),
                    r.reason.clone().unwrap_or_default(),
                )
            })
            .collect();
        let others: Vec<_> = report
            .rows
            .iter()
            .filter(|r| r.action != Action::Rejected)
            .collect();
        Summary {
            file,
            dry_run: report.dry_run,
            created: report.count(Action::Created),
            updated: report.count(Action::Updated),
            merged: report.count(Action::Merged),
            unchanged: report.count(Action::Unchanged),
            rejected,
            left_out: report
                .rows
                .iter()
                .flat_map(|r| {
                    r.warnings.iter().map(|w| LeftOut {
                        line: r.line,
                        name: r.name.clone().unwrap_or_default(),
                        column: w.column.clone(),
                        value: w.value.clone(),
                        why: w.message.clone(),
                    })
                })
                .collect(),
            rows: others
                .iter()
                .take(SHOWN)
                .map(|r| {
                    (
                        r.line,
                        r.action.as_str(),
                        r.name.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            more: others.len().saturating_sub(SHOWN),
        }
    }
}

/// Which duplicates the page shows: a page of groups from `from`, or with
/// `members_from`, the group at `from` alone, its members from there.
#[derive(serde::Deserialize, Default)]
pub struct DuplicatesQuery {
    from: Option<usize>,
    members_from: Option<usize>,
}

impl DuplicatesQuery {
    fn window(&self) -> Window {
        let offset = self.from.unwrap_or(0);
        match self.members_from {
            Some(members_from) => Window {
                offset,
                limit: 1,
                members_from,
                members: GROUP_MEMBERS,
            },
            None => Window {
                offset,
                limit: GROUPS,
                members_from: 0,
                members: MEMBERS,
            },
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<DuplicatesQuery>,
) -> PageResult {
    let window = q.window();
    let duplicates = duplicates::find(&state.store, viewer.user.id, window).await?;
    let (earlier, later) = match (q.members_from, duplicates.groups.first()) {
        (Some(_), Some(g)) => {
            let at =
                |from: usize| format!("/import?from={}&members_from={from}#duplicates", g.position);
            (
                (g.members_from > 0).then(|| at(g.members_from.saturating_sub(GROUP_MEMBERS))),
                (g.after() > 0).then(|| at(g.members_from + g.members.len())),
            )
        }
        _ => {
            let at = |from: usize| format!("/import?from={from}#duplicates");
            (
                (window.offset > 0).then(|| at(window.offset.saturating_sub(GROUPS))),
                (duplicates.after() > 0).then(|| at(window.offset + duplicates.groups.len())),
            )
        }
    };
    render(&ImportPage {
        chrome: Chrome::new(&viewer, "import", &headers),
        report: None,
        duplicates,
        one_group: q.members_from.is_some(),
        earlier,
        later,
        error: None,
    })
}

/// What the form's "From" list calls a kind of file.
fn choice(format: Format) -> &'static str {
    match format {
        Format::Vcard => "vCard (.vcf)",
        Format::LinkedIn => "LinkedIn Connections.csv",
        Format::Google => "Google Contacts CSV",
        Format::Outlook => "Outlook CSV",
    }
}

#[derive(serde::Deserialize)]
pub struct ExportQuery {
    /// `3` or `4` (default).
    version: Option<String>,
}

/// Every contact as a vCard file (what `kith export vcard` writes).
pub async fn export_vcard(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::extract::Query(q): axum::extract::Query<ExportQuery>,
) -> PageResult {
    let version = exports::vcard_version(q.version.as_deref())?;
    let text = exports::vcards(&state.store, viewer.user.id, version).await?;
    Ok(download(
        "text/vcard; charset=utf-8",
        "kith-contacts.vcf",
        text,
    ))
}

/// The calendar as a file (what `kith export ics` writes).
pub async fn export_ics(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let text =
        kith_app::calendar::ics_feed(&state.store, &viewer.user, chrono::Utc::now(), 2).await?;
    Ok(download(
        "text/calendar; charset=utf-8",
        "kith-calendar.ics",
        text,
    ))
}

/// The whole account as JSON (what `kith export json` writes).
pub async fn export_json(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let text =
        kith_app::archive::account_json(&state.store, viewer.user.id, chrono::Utc::now()).await?;
    Ok(download("application/json", "kith-account.json", text))
}

/// Every contact as CSV for spreadsheets (what `kith export csv` writes).
pub async fn export_csv(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let text = exports::contacts_csv(&state.store, viewer.user.id).await?;
    Ok(download(
        "text/csv; charset=utf-8",
        "kith-contacts.csv",
        text,
    ))
}

fn download(kind: &'static str, name: &str, text: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, kind.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response()
}

pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge(format!("the file is larger than {} MiB", MAX_UPLOAD >> 20))
        } else {
            WebError::BadRequest(e.body_text())
        }
    };
    let (mut format, mut dry_run, mut file) = (None, false, None);
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name() {
            Some("format") => format = Some(field.text().await.map_err(bad)?),
            Some("dry_run") => dry_run = true,
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                file = Some((name, field.bytes().await.map_err(bad)?));
            }
            _ => {}
        }
    }
    let format = Format::parse(format.as_deref().unwrap_or(""))?;
    let (name, bytes) = file.unwrap_or_default();
    let bytes = imports::uploaded(&bytes)?;
    let report = imports::import(
        &state.store,
        viewer.user.id,
        format,
        bytes,
        ImportOptions { dry_run },
        &|_, _| {},
        chrono::Utc::now(),
    )
    .await;
    // A file of another kind: the page again, saying what it looks like.
    let (report, error) = match report {
        Ok(report) => (Some(Summary::new(name, &report)), None),
        Err(AppError::Invalid {
            field: Field::Format,
            message,
        }) => {
            let kind = imports::looks_like(bytes).filter(|k| *k != format);
            let hint = kind.map_or_else(String::new, |kind| {
                format!(
                    ". Choose \"{}\" under From and upload it again",
                    choice(kind)
                )
            });
            (None, Some(format!("{name}: {message}{hint}.")))
        }
        Err(e) => return Err(e.into()),
    };
    let refused = error.is_some();
    let page = ImportPage {
        chrome: Chrome::new(&viewer, "import", &headers),
        report,
        duplicates: duplicates::find(
            &state.store,
            viewer.user.id,
            DuplicatesQuery::default().window(),
        )
        .await?,
        one_group: false,
        earlier: None,
        later: None,
        error,
    };
    render_form_page(&page, refused)
}
