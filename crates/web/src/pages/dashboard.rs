//! The dashboard: today's agenda, meetings and next outreach block, the year
//! of conversations, goal progress.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::{Datelike, Duration, NaiveDate, Offset as _, TimeZone as _, Utc};
use kith_core::goal::Goal;
use kith_core::rules::due::DueEntry;
use kith_core::rules::goals::{Progress, progress};

use super::{Chrome, PageResult, render};
use kith_app::agenda::{Ranking, Today};

/// How many items each homework section shows.
const SECTION_ITEMS: usize = 8;
use crate::AppState;
use crate::auth::Viewer;
use crate::memo::{DayCounts, NextBlock};

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
    heatmap: Vec<Week>,
    year_total: i64,
    /// How the last e-mail digest went, and whether that needs attention.
    digest: Option<(String, bool)>,
    /// Meetings later today, and past ones not logged yet.
    meetings_today: Vec<kith_core::meeting::Meeting>,
    meetings_to_log: Vec<kith_core::meeting::Meeting>,
    next_block: Arc<NextBlock>,
    tz: kith_core::values::TimeZone,
}

impl DashboardPage {
    fn when(&self, at: &chrono::DateTime<Utc>) -> String {
        kith_app::words::date_time(*at, self.tz)
    }
}

struct Cell {
    level: u8,
    title: String,
}

/// One column of the heatmap: a week from Monday, and the month whose
/// label goes above it (the first week starting in that month).
struct Week {
    month: Option<&'static str>,
    days: Vec<Cell>,
}

/// The rows' labels, Monday first; every other day is left blank.
const WEEKDAYS: [&str; 7] = ["Mon", "", "Wed", "", "Fri", "", ""];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Cells into weeks, with a month label above the first week starting in
/// each month (not above the first column when the next label is so close
/// that the two would overlap).
fn weeks(start: NaiveDate, cells: Vec<Cell>) -> Vec<Week> {
    let mut weeks: Vec<Week> = Vec::new();
    let mut cells = cells.into_iter();
    let mut monday = start;
    loop {
        let days: Vec<Cell> = cells.by_ref().take(7).collect();
        if days.is_empty() {
            break;
        }
        let starts_month =
            weeks.is_empty() || (monday - Duration::days(7)).month() != monday.month();
        let month = starts_month.then(|| MONTHS[monday.month0() as usize]);
        weeks.push(Week { month, days });
        monday += Duration::days(7);
    }
    if weeks.iter().skip(1).take(2).any(|w| w.month.is_some())
        && let Some(first) = weeks.first_mut()
    {
        first.month = None;
    }
    weeks
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
    let next_block = state.memo.next_block(&state.store, me, now).await?;
    let digest = last.as_ref().as_ref().map(|last| {
        let words = kith_app::mail::last_words(last, me.timezone);
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
        meetings_today: today.meetings_today,
        meetings_to_log: today.meetings_to_log,
        next_block,
        tz: me.timezone,
    })
}

/// 53 weeks of conversations, a column a week starting on Monday.
async fn heatmap(
    state: &AppState,
    me: &kith_core::user::User,
    now: chrono::DateTime<Utc>,
    today: NaiveDate,
) -> Result<(Vec<Week>, i64), super::PageError> {
    let start = today - Duration::days(52 * 7 + i64::from(today.weekday().num_days_from_monday()));
    let by_day = state
        .memo
        .day_counts(me, now, || day_counts(state, me, now, start))
        .await?;
    let bounds = shades(
        by_day
            .iter()
            .filter(|(d, _)| **d >= start && **d <= today)
            .map(|(_, n)| *n)
            .collect(),
    );
    let mut cells = Vec::new();
    let mut total = 0;
    let mut day = start;
    while day <= today {
        let n = by_day.get(&day).copied().unwrap_or(0);
        total += n;
        let level = shade(n, bounds);
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
    Ok((weeks(start, cells), total))
}

/// The upper bounds of the heatmap's first three shades: the user's own
/// quartiles of the days they talked to anyone, so a busy networker's year
/// is not one dark block and a quiet one's not all pale.
fn shades(mut counts: Vec<i64>) -> [i64; 3] {
    counts.retain(|n| *n > 0);
    counts.sort_unstable();
    let quartile = |q: usize| {
        let i = (counts.len() * q / 4).min(counts.len().saturating_sub(1));
        counts.get(i).copied().unwrap_or(0)
    };
    [quartile(1), quartile(2), quartile(3)]
}

/// The shade (0 for a day without conversations, 1 to 4) of a day's count.
fn shade(n: i64, bounds: [i64; 3]) -> u8 {
    match n {
        0 => 0,
        n if n <= bounds[0] => 1,
        n if n <= bounds[1] => 2,
        n if n <= bounds[2] => 3,
        _ => 4,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_label_the_first_week_starting_in_them() {
        let cell = || Cell {
            level: 0,
            title: String::new(),
        };
        // Monday 2026-01-26: the first column, then February two weeks on.
        let start = NaiveDate::from_ymd_opt(2026, 1, 26).unwrap();
        let columns = weeks(start, (0..7 * 9 + 3).map(|_| cell()).collect());
        let labels: Vec<Option<&str>> = columns.iter().map(|w| w.month).collect();
        assert_eq!(
            labels,
            [
                None,
                Some("Feb"),
                None,
                None,
                None,
                Some("Mar"),
                None,
                None,
                None,
                None
            ]
        );
        assert_eq!(columns.last().unwrap().days.len(), 3);
        // Monday 2026-01-05: far enough from February to keep its label.
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let columns = weeks(start, (0..7 * 5).map(|_| cell()).collect());
        assert_eq!(columns[0].month, Some("Jan"));
        assert_eq!(columns[4].month, Some("Feb"));
    }

    #[test]
    fn shades_follow_the_users_own_busy_days() {
        let bounds = shades(vec![0, 0, 1, 1, 1, 2, 3, 5, 8, 13]);
        assert_eq!(bounds, [1, 3, 8]);
        let levels: Vec<u8> = [0, 1, 2, 3, 5, 8, 13, 40]
            .iter()
            .map(|n| shade(*n, bounds))
            .collect();
        assert_eq!(levels, [0, 1, 2, 2, 3, 3, 4, 4]);
        // Sixty a day every day is this user's usual: the first shade, not
        // one dark block.
        assert_eq!(shade(60, shades(vec![60; 365])), 1);
        // Nothing at all: every day blank.
        assert_eq!(shades(vec![0; 10]), [0, 0, 0]);
    }
}
