//! Dates for tests, relative to the moment the test runs, so the suite holds
//! on any day (and under the faked clocks `.ci/run` runs it with). Each test
//! target loads this with `#[path]`; not every target uses every function.
#![allow(dead_code)]

use std::ffi::OsString;
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

/// The zone the `kith` processes a test starts take as the machine's
/// (`TZ`): `KITH_TEST_TZ`, else UTC. `.ci/run` sets a zone with daylight
/// saving time for the run whose faked clock crosses its change.
pub fn machine_zone() -> String {
    std::env::var("KITH_TEST_TZ").unwrap_or_else(|_| "UTC".to_owned())
}

/// [`machine_zone`] as a zone to compute with.
pub fn machine_tz() -> chrono_tz::Tz {
    machine_zone()
        .parse()
        .expect("KITH_TEST_TZ names a time zone")
}

/// `YYYY-MM-DD HH:MM` in [`machine_tz`] (a user's zone unless they chose
/// another) as the instant in RFC 3339 UTC, as `--json` prints it.
pub fn local_to_utc(local: &str) -> String {
    use chrono::TimeZone as _;
    let local = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    let at = machine_tz().from_local_datetime(&local).single().unwrap();
    at.to_utc().to_rfc3339()
}

/// What a command started with `env_clear` takes from the test: the
/// machine's zone (`TZ`, [`machine_zone`]) and the faked clock the test
/// itself runs under, if any (libfaketime's `LD_PRELOAD` and `FAKETIME*`
/// variables), so `kith` and the test agree on what "now" is.
pub fn inherited_env() -> Vec<(OsString, OsString)> {
    let mut env = vec![("TZ".into(), machine_zone().into())];
    env.extend(std::env::vars_os().filter(|(key, _)| {
        let key = key.to_string_lossy();
        key == "LD_PRELOAD" || key.starts_with("FAKETIME")
    }));
    env
}
