//! How times and text read to a person, the same on every front end: a date
//! or a date and time in the user's zone, "3 days ago", a one-line snippet.

use chrono::{DateTime, Utc};
use kith_core::values::TimeZone;

pub fn date(at: DateTime<Utc>, tz: TimeZone) -> String {
    at.with_timezone(&tz.tz()).format("%Y-%m-%d").to_string()
}

pub fn date_time(at: DateTime<Utc>, tz: TimeZone) -> String {
    at.with_timezone(&tz.tz())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// "today", "yesterday", "12 days ago", "in 3 days", by calendar days in `tz`.
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>, tz: TimeZone) -> String {
    let days = (now.with_timezone(&tz.tz()).date_naive() - at.with_timezone(&tz.tz()).date_naive())
        .num_days();
    match days {
        0 => "today".into(),
        1 => "yesterday".into(),
        -1 => "tomorrow".into(),
        d if d < 0 => format!("in {} days", -d),
        d => format!("{d} days ago"),
    }
}

/// The first line of `text`, cut to `max` characters with an ellipsis.
pub fn snippet(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() <= max && !text.contains('\n') {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ago_counts_calendar_days_in_the_users_zone() {
        let tz = TimeZone::parse("Asia/Tokyo").unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-25T16:00:00Z")
            .unwrap()
            .to_utc(); // 01:00 on the 26th in Tokyo
        let at = DateTime::parse_from_rfc3339("2026-11-25T14:00:00Z")
            .unwrap()
            .to_utc(); // 23:00 on the 25th
        assert_eq!(ago(at, now, tz), "yesterday");
        assert_eq!(ago(now, now, tz), "today");
    }

    #[test]
    fn snippets_cut_long_text() {
        assert_eq!(snippet("short", 10), "short");
        assert_eq!(snippet("a rather long line of text", 10), "a rather…");
        assert_eq!(snippet("two\nlines", 10), "two…");
    }
}
