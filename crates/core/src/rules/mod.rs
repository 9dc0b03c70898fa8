//! The pure rules of keeping in touch: which cadence applies, who is due and
//! why, how healthy a relationship is, and what finishing homework creates.
//!
//! Everything here is a function of its arguments: the caller reads the
//! facts from storage and passes "now" and "today" in, so the rules are
//! deterministic and testable without a database or a clock.

pub mod agenda;
pub mod cadence;
pub mod coverage;
pub mod due;
pub mod duplicates;
pub mod goals;
pub mod health;
pub mod learning;
pub mod loops;
pub mod merge;
pub mod plan;

#[cfg(test)]
mod tests;

use crate::values::Cadence;

/// "a 30-day rhythm", "a 6-week rhythm", "a 3-month rhythm", "a yearly rhythm".
/// A single month is said in days, as people say "every 30 days".
fn rhythm(cadence: Cadence) -> String {
    let d = cadence.days();
    let (n, unit, every) = if d.is_multiple_of(365) {
        (d / 365, "year", "yearly")
    } else if d.is_multiple_of(30) && d != 30 {
        (d / 30, "month", "monthly")
    } else if d.is_multiple_of(7) {
        (d / 7, "week", "weekly")
    } else {
        (d, "day", "daily")
    };
    if n == 1 {
        format!("a {every} rhythm")
    } else {
        format!("{} {n}-{unit} rhythm", article(n))
    }
}

/// "a" or "an" before a number written in digits: "an 8-day", "an 11-week".
fn article(n: u32) -> &'static str {
    let leading_eight = n.to_string().starts_with('8');
    if leading_eight || n == 11 || n == 18 {
        "an"
    } else {
        "a"
    }
}

/// "1 follow-up", "2 follow-ups".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A length of time in words, rounded the way people say it: "45 days",
/// "4 months", "2 years".
fn span(days: i64) -> String {
    let days = days.max(0);
    let (n, one, many) = if days < 60 {
        (days, "day", "days")
    } else if days < 730 {
        (days / 30, "month", "months")
    } else {
        (days / 365, "year", "years")
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "today", "yesterday", "45 days ago", "4 months ago".
fn ago(days: i64) -> String {
    match days {
        i64::MIN..=0 => "today".to_owned(),
        1 => "yesterday".to_owned(),
        _ => format!("{} ago", span(days)),
    }
}

#[cfg(test)]
mod wording_tests {
    use super::*;

    fn c(days: u32) -> Cadence {
        Cadence::from_days(days).unwrap()
    }

    #[test]
    fn rhythms_read_naturally() {
        assert_eq!(rhythm(c(30)), "a 30-day rhythm");
        assert_eq!(rhythm(c(14)), "a 2-week rhythm");
        assert_eq!(rhythm(c(42)), "a 6-week rhythm");
        assert_eq!(rhythm(c(90)), "a 3-month rhythm");
        assert_eq!(rhythm(c(365)), "a yearly rhythm");
        assert_eq!(rhythm(c(730)), "a 2-year rhythm");
        assert_eq!(rhythm(c(7)), "a weekly rhythm");
        assert_eq!(rhythm(c(1)), "a daily rhythm");
        assert_eq!(rhythm(c(45)), "a 45-day rhythm");
        assert_eq!(rhythm(c(8)), "an 8-day rhythm");
        assert_eq!(rhythm(c(11)), "an 11-day rhythm");
        assert_eq!(rhythm(c(56)), "an 8-week rhythm");
        assert_eq!(rhythm(c(83)), "an 83-day rhythm");
    }

    #[test]
    fn spans_round_like_people_do() {
        assert_eq!(span(1), "1 day");
        assert_eq!(span(45), "45 days");
        assert_eq!(span(59), "59 days");
        assert_eq!(span(60), "2 months");
        assert_eq!(span(125), "4 months");
        assert_eq!(span(800), "2 years");
        assert_eq!(ago(0), "today");
        assert_eq!(ago(1), "yesterday");
        assert_eq!(ago(45), "45 days ago");
        assert_eq!(count(1, "goal", "goals"), "1 goal");
        assert_eq!(count(2, "goal", "goals"), "2 goals");
    }
}
