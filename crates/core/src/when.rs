//! Reading dates and times the way people type them, in the user's time zone.

use chrono::{
    DateTime, Datelike as _, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _,
    Utc,
};

use crate::ValidationError;
use crate::values::TimeZone;

const MOMENT_HELP: &str = "expected e.g. 2026-11-20, \"2026-11-20 14:30\", 2026-11-20T14:30:00+01:00, 14:30, today, yesterday, \"tomorrow 10:00\" or \"3 days ago\"";
const DATE_HELP: &str = "expected e.g. 2026-12-10, today, tomorrow, friday, \"in 2 weeks\" or 10d";

/// The years a date may fall in: those iCalendar (and vCard) can write,
/// four digits and not year 0.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// Whether a date lies within [`YEARS`].
pub fn writable(date: NaiveDate) -> bool {
    YEARS.contains(&date.year())
}

fn out_of_range(field: &str, value: &str) -> ValidationError {
    ValidationError::new(
        field,
        format!(
            "'{value}' is outside the years {}-{}",
            YEARS.start(),
            YEARS.end()
        ),
    )
}

/// A point in time from user input, within [`YEARS`] in UTC (how
/// calendars write it). A date without a time means midday in the
/// user's zone, so it stays on the same calendar day wherever it is shown.
pub fn parse_moment(
    field: &str,
    input: &str,
    now: DateTime<Utc>,
    tz: TimeZone,
) -> Result<DateTime<Utc>, ValidationError> {
    let at = read_moment(field, input, now, tz)?;
    if !writable(at.date_naive()) {
        return Err(out_of_range(field, input.trim()));
    }
    Ok(at)
}

fn read_moment(
    field: &str,
    input: &str,
    now: DateTime<Utc>,
    tz: TimeZone,
) -> Result<DateTime<Utc>, ValidationError> {
    let value = input.trim();
    let lower = value.to_lowercase();
    let bad = || {
        ValidationError::new(
            field,
            format!("'{value}' is not a date or time ({MOMENT_HELP})"),
        )
    };
    let tz = tz.tz();
    let today = now.with_timezone(&tz).date_naive();
    let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("valid time");

    // "today 14:30", "tomorrow 10:00", "yesterday 9:15".
    let day_and_time = lower.split_once(' ').and_then(|(day, time)| {
        let day = match day {
            "today" => Some(today),
            "tomorrow" => today.succ_opt(),
            "yesterday" => today.pred_opt(),
            _ => None,
        }?;
        Some(day.and_time(NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?))
    });
    let local = match lower.as_str() {
        "now" | "today" => return Ok(now),
        "yesterday" => today.pred_opt().ok_or_else(bad)?.and_time(noon),
        "tomorrow" => today.succ_opt().ok_or_else(bad)?.and_time(noon),
        _ if day_and_time.is_some() => day_and_time.ok_or_else(bad)?,
        _ => {
            if let Some(days) = parse_ago(&lower) {
                return now.checked_sub_days(Days::new(days)).ok_or_else(bad);
            }
            if let Ok(at) = DateTime::parse_from_rfc3339(value) {
                return Ok(at.with_timezone(&Utc));
            }
            if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                date.and_time(noon)
            } else if let Ok(time) = NaiveTime::parse_from_str(value, "%H:%M") {
                today.and_time(time)
            } else {
                [
                    "%Y-%m-%d %H:%M",
                    "%Y-%m-%dT%H:%M",
                    "%Y-%m-%d %H:%M:%S",
                    "%Y-%m-%dT%H:%M:%S",
                ]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
                .ok_or_else(bad)?
            }
        }
    };
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at.with_timezone(&Utc)),
        LocalResult::None => Err(ValidationError::new(
            field,
            format!(
                "'{value}' does not exist in {} (a daylight-saving gap)",
                tz.name()
            ),
        )),
    }
}

/// A calendar date from user input, relative to `today` in the user's
/// zone, within [`YEARS`].
pub fn parse_date(
    field: &str,
    input: &str,
    today: NaiveDate,
) -> Result<NaiveDate, ValidationError> {
    let date = read_date(field, input, today)?;
    if !writable(date) {
        return Err(out_of_range(field, input.trim()));
    }
    Ok(date)
}

fn read_date(field: &str, input: &str, today: NaiveDate) -> Result<NaiveDate, ValidationError> {
    let value = input.trim();
    let lower = value.to_lowercase();
    let bad = || ValidationError::new(field, format!("'{value}' is not a date ({DATE_HELP})"));
    match lower.as_str() {
        "today" => return Ok(today),
        "tomorrow" => return today.succ_opt().ok_or_else(bad),
        "yesterday" => return today.pred_opt().ok_or_else(bad),
        _ => {}
    }
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Ok(date);
    }
    // "friday", "fri", "next friday": the next one after today (a week
    // ahead when today is that day).
    let day = lower.strip_prefix("next ").unwrap_or(&lower);
    if let Ok(weekday) = day.parse::<chrono::Weekday>() {
        let ahead =
            (7 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7;
        let ahead = if ahead == 0 { 7 } else { ahead };
        return today
            .checked_add_days(Days::new(u64::from(ahead)))
            .ok_or_else(bad);
    }
    let ahead = lower.strip_prefix("in ").unwrap_or(&lower);
    let ahead = ahead.strip_prefix('+').unwrap_or(ahead);
    let days = parse_span(ahead).ok_or_else(bad)?;
    today.checked_add_days(Days::new(days)).ok_or_else(bad)
}

/// "3 days ago", "2w ago", "3d ago".
fn parse_ago(input: &str) -> Option<u64> {
    parse_span(input.strip_suffix("ago")?.trim())
}

/// "3 days", "2w", "10d", "1 month" as a number of days.
fn parse_span(input: &str) -> Option<u64> {
    let input = input.trim();
    let split = input.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = input.split_at(split);
    let n: u64 = number.parse().ok()?;
    let per = match unit.trim() {
        "d" | "day" | "days" => 1,
        "w" | "week" | "weeks" => 7,
        "m" | "month" | "months" => 30,
        "y" | "year" | "years" => 365,
        _ => return None,
    };
    (n <= 36_500).then_some(n * per)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn moments_in_the_users_zone() {
        let now = at("2026-11-25T08:00:00Z");
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        let p = |s| parse_moment("--on", s, now, berlin);
        assert_eq!(p("2026-11-20 14:30").unwrap(), at("2026-11-20T13:30:00Z"));
        assert_eq!(p("2026-11-20T14:30").unwrap(), at("2026-11-20T13:30:00Z"));
        assert_eq!(p("2026-11-20").unwrap(), at("2026-11-20T11:00:00Z"));
        assert_eq!(
            p("2026-11-20T14:30:00-05:00").unwrap(),
            at("2026-11-20T19:30:00Z")
        );
        assert_eq!(p("now").unwrap(), now);
        assert_eq!(p("yesterday").unwrap(), at("2026-11-24T11:00:00Z"));
        assert_eq!(p("3 days ago").unwrap(), at("2026-11-22T08:00:00Z"));
        assert_eq!(p("2w ago").unwrap(), at("2026-11-11T08:00:00Z"));
        assert_eq!(p("07:15").unwrap(), at("2026-11-25T06:15:00Z"));
        let err = p("last tuesday").unwrap_err();
        assert_eq!(err.field, "--on");
        assert!(err.message.contains("last tuesday"));
        assert!(p("2026-02-30").is_err());
        assert_eq!(p("tomorrow").unwrap(), at("2026-11-26T11:00:00Z"));
        assert_eq!(p("tomorrow 10:00").unwrap(), at("2026-11-26T09:00:00Z"));
        assert_eq!(p("Today 14:30").unwrap(), at("2026-11-25T13:30:00Z"));
        assert_eq!(p("yesterday 9:15").unwrap(), at("2026-11-24T08:15:00Z"));
        assert!(p("tomorrow 25:00").is_err());
        assert!(p("someday 10:00").is_err());
    }

    #[test]
    fn weekdays_are_the_next_one() {
        // 2026-11-25 is a Wednesday.
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let d = |s| parse_date("by", s, today).unwrap().to_string();
        assert_eq!(d("friday"), "2026-11-27");
        assert_eq!(d("Fri"), "2026-11-27");
        assert_eq!(d("next friday"), "2026-11-27");
        assert_eq!(d("monday"), "2026-11-30");
        assert_eq!(
            d("wednesday"),
            "2026-12-02",
            "today's weekday is a week ahead"
        );
        assert!(parse_date("by", "fryday", today).is_err());
    }

    #[test]
    fn yesterday_near_midnight_follows_the_users_calendar() {
        // 23:30 UTC on the 25th is already the 26th in Tokyo.
        let now = at("2026-11-25T23:30:00Z");
        let tokyo = TimeZone::parse("Asia/Tokyo").unwrap();
        assert_eq!(
            parse_moment("--on", "yesterday", now, tokyo).unwrap(),
            at("2026-11-25T03:00:00Z")
        );
    }

    #[test]
    fn only_years_a_calendar_can_write() {
        let now = at("2026-11-25T08:00:00Z");
        let utc = TimeZone::parse("UTC").unwrap();
        for outside in [
            "0000-06-01 10:00",
            "0000-12-31T23:59:00Z",
            "+10000-01-01 00:00",
        ] {
            let err = parse_moment("at", outside, now, utc).unwrap_err();
            assert_eq!(err.field, "at", "{outside}");
            assert!(err.message.contains("1-9999"), "{outside}: {}", err.message);
        }
        // In UTC, which is how it is written: 00:30 on 1 January of year 1
        // in Berlin is still year 0 there.
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        assert!(parse_moment("at", "0001-01-01 00:30", now, berlin).is_err());
        assert!(parse_moment("at", "0001-01-01 12:00", now, berlin).is_ok());
        assert!(parse_moment("at", "9999-12-31 23:59", now, utc).is_ok());
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        for outside in ["0000-01-01", "in 36500y", "+10000-01-01"] {
            let err = parse_date("by", outside, today).unwrap_err();
            assert!(err.message.contains("1-9999"), "{outside}: {}", err.message);
        }
        assert!(parse_date("by", "9999-12-31", today).is_ok());
        assert!(parse_date("by", "0001-01-01", today).is_ok());
    }

    #[test]
    fn daylight_saving_gap_is_named() {
        let now = at("2026-11-25T08:00:00Z");
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        let err = parse_moment("--on", "2026-03-29 02:30", now, berlin).unwrap_err();
        assert!(err.message.contains("daylight-saving"), "{}", err.message);
    }

    #[test]
    fn dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let p = |s| parse_date("--by", s, today).unwrap().to_string();
        assert_eq!(p("2026-12-10"), "2026-12-10");
        assert_eq!(p("tomorrow"), "2026-11-26");
        assert_eq!(p("in 2 weeks"), "2026-12-09");
        assert_eq!(p("10d"), "2026-12-05");
        assert_eq!(
            parse_date("--by", "soonish", today).unwrap_err().field,
            "--by"
        );
    }
}
