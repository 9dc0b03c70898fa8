//! The dashboard: today's agenda, the year of conversations, goal progress.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{Datelike, Duration, NaiveDate, Offset as _, TimeZone as _, Utc};
use kith_core::goal::Goal;
use kith_core::rules::due::DueEntry;
use kith_core::rules::goals::{Progress, progress};

use super::{Chrome, PageResult, render};
use crate::commands::keep::{Ranking, Today};

/// How many items each homework section shows.
const SECTION_ITEMS: usize = 8;
use crate::web::AppState;
use crate::web::auth::Viewer;
use crate::web::memo::DayCounts;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    date: String,
    people: Vec<DueEntry>,
    due_total: usize,
    ranking: Arc<Ranking>,
    /// How many items each homework section shows (the rest are on
    /// /follow-ups).
    section: usize,
    goals: Vec<(Goal, Progress)>,
    heatmap: Vec<Cell>,
    year_total: i64,
    /// How the last e-mail digest went, and whether that needs attention.
    digest: Option<(String, bool)>,
}

struct Cell {
    level: u8,
    title: String,
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    let now = Utc::now();
    let me = &viewer.user;
    let ranking = state.memo.ranking(&state.store, me, now).await?;
    let today = Today::with(&state.store, me, now, ranking).await?;
    let goals = state
        .store
        .goals(me.id, false)
        .await?
        .into_iter()
        .map(|(g, n)| {
            let p = progress(&g, n, today.date());
            (g, p)
        })
        .collect();
    let (heatmap, year_total) = heatmap(&state, me, now, today.date()).await?;
    let last = state.memo.last_digest(&state.store, me, now).await?;
    let digest = last.as_ref().as_ref().map(|last| {
        let words = crate::commands::mail::last_words(last, me.timezone);
        (
            format!("Last e-mail digest: {words}"),
            last.status != kith_store::MailStatus::Sent,
        )
    });
    render(&DashboardPage {
        chrome: Chrome::new(&viewer, "today", &headers),
        date: today.date().format("%A %-d %B %Y").to_string(),
        people: today.people().to_vec(),
        due_total: today.due_total(),
        ranking: today.ranking.clone(),
        section: SECTION_ITEMS,
        goals,
        heatmap,
        year_total,
        digest,
    })
}

/// 53 weeks of conversations, a column a week starting on Monday.
async fn heatmap(
    state: &AppState,
    me: &kith_core::user::User,
    now: chrono::DateTime<Utc>,
    today: NaiveDate,
) -> Result<(Vec<Cell>, i64), super::PageError> {
    let start = today - Duration::days(52 * 7 + i64::from(today.weekday().num_days_from_monday()));
    let by_day = state
        .memo
        .day_counts(me, now, || day_counts(state, me, now, start))
        .await?;
    let mut cells = Vec::new();
    let mut total = 0;
    let mut day = start;
    while day <= today {
        let n = by_day.get(&day).copied().unwrap_or(0);
        total += n;
        let level = match n {
            0 => 0,
            1 => 1,
            2..=3 => 2,
            4..=6 => 3,
            _ => 4,
        };
        let noun = if n == 1 {
            "conversation"
        } else {
            "conversations"
        };
        cells.push(Cell {
            level,
            title: format!("{n} {noun} on {}", day.format("%a %-d %b %Y")),
        });
        day += Duration::days(1);
    }
    Ok((cells, total))
}

/// Conversations per local day since `start`.
async fn day_counts(
    state: &AppState,
    me: &kith_core::user::User,
    now: chrono::DateTime<Utc>,
    start: NaiveDate,
) -> anyhow::Result<DayCounts> {
    let zone = me.timezone.tz();
    let offset = zone
        .offset_from_utc_datetime(&now.naive_utc())
        .fix()
        .local_minus_utc();
    let midnight = start.and_hms_opt(0, 0, 0).expect("midnight");
    let since = zone
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.to_utc());
    let counts = state
        .store
        .conversations_per_day(me.id, since, i64::from(offset))
        .await?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch");
    Ok(counts
        .into_iter()
        .map(|(day, n)| (epoch + Duration::days(day), n))
        .collect())
}
