//! Dates for tests, relative to the moment the test runs, so the suite holds
//! on any day (and under the faked clocks `.ci/run` runs it with). Each test
//! target loads this with `#[path]`; not every target uses every function.
#![allow(dead_code)]

use std::sync::LazyLock;

use chrono::{Days, NaiveDate, Utc};

/// Today in UTC, by the clock the test (and the `kith` it starts) reads.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The day `days` from today (before it, when negative).
pub fn day(days: i64) -> NaiveDate {
    let shift = Days::new(days.unsigned_abs());
    if days < 0 {
        today() - shift
    } else {
        today() + shift
    }
}

/// `YYYY-MM-DD`, `days` from today: what a date field or `--by` takes.
pub fn date(days: i64) -> String {
    day(days).format("%Y-%m-%d").to_string()
}

/// `YYYY-MM-DD HH:MM`, `days` from today at `time`: what `--at` takes.
pub fn at(days: i64, time: &str) -> String {
    format!("{} {time}", date(days))
}

/// A moment about a year ahead (10:00, `YYYY-MM-DD HH:MM`), for a meeting
/// or a due date that must still be to come when the test reads it back.
pub fn later() -> &'static str {
    static LATER: LazyLock<String> = LazyLock::new(|| at(400, "10:00"));
    &LATER
}

/// The day of [`later`] (`YYYY-MM-DD`).
pub fn later_date() -> &'static str {
    &later()[..10]
}
