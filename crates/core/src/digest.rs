//! The e-mail digest's schedule: on which weekdays and at what local time a
//! user wants the day's homework in their inbox, and when that next is.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Timelike, Utc};

use crate::outreach::{Weekdays, local_moment};
use crate::values::{Email, TimeZone};

/// When a user's digest goes out, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestSettings {
    pub enabled: bool,
    pub days: Weekdays,
    /// Local time of day, to the minute.
    pub at: NaiveTime,
    /// Where to send it; `None` means the account's e-mail address.
    pub address: Option<Email>,
}

impl Default for DigestSettings {
    /// Off; when switched on, weekdays at 07:30.
    fn default() -> Self {
        Self {
            enabled: false,
            days: Weekdays::from_bits(0b001_1111),
            at: NaiveTime::from_hms_opt(7, 30, 0).expect("07:30"),
            address: None,
        }
    }
}

/// A change to the digest settings; `None` leaves a setting alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DigestPatch {
    pub enabled: Option<bool>,
    pub days: Option<Weekdays>,
    pub at: Option<NaiveTime>,
    pub address: Option<Option<Email>>,
}

impl DigestPatch {
    pub fn apply(&self, current: &DigestSettings) -> DigestSettings {
        DigestSettings {
            enabled: self.enabled.unwrap_or(current.enabled),
            days: self.days.unwrap_or(current.days),
            at: self.at.unwrap_or(current.at),
            address: self.address.clone().unwrap_or(current.address.clone()),
        }
    }
}

/// The first digest time strictly after `after`: the next chosen weekday at
/// the chosen local time in `tz`. A local time that a DST change skips moves
/// forward by the gap; one that occurs twice is the first (as outreach
/// blocks do).
pub fn next_after(
    days: Weekdays,
    at: NaiveTime,
    tz: TimeZone,
    after: DateTime<Utc>,
) -> DateTime<Utc> {
    let at = at
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(at);
    let start = after.with_timezone(&tz.tz()).date_naive();
    // Eight days always reach a chosen weekday after today's time has gone.
    (0..=8)
        .map(|offset| start + Duration::days(offset))
        .filter(|date| days.contains(date.weekday()))
        .filter_map(|date| local_moment(date, at, tz))
        .find(|instant| *instant > after)
        // Only with no day chosen; a day later keeps callers moving forward.
        .unwrap_or(after + Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    fn time(text: &str) -> NaiveTime {
        crate::outreach::parse_time("at", text).unwrap()
    }

    fn workdays() -> Weekdays {
        Weekdays::parse("weekdays").unwrap()
    }

    fn every_day() -> Weekdays {
        Weekdays::parse("daily").unwrap()
    }

    #[test]
    fn the_next_digest_is_the_next_chosen_day_at_the_local_time() {
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        // Thursday 26 Nov 2026, 06:00 UTC = 07:00 in Berlin.
        let now = utc("2026-11-26T06:00:00Z");
        let next = next_after(workdays(), time("07:30"), berlin, now);
        assert_eq!(next, utc("2026-11-26T06:30:00Z"));
        // Strictly after: at 07:30 sharp the next one is Friday's.
        let next = next_after(workdays(), time("07:30"), berlin, next);
        assert_eq!(next, utc("2026-11-27T06:30:00Z"));
        // Friday's gone: the weekend is skipped.
        let next = next_after(workdays(), time("07:30"), berlin, next);
        assert_eq!(next, utc("2026-11-30T06:30:00Z"));
        // Only Wednesdays, asked on a Thursday: six days later.
        let wed = Weekdays::parse("wed").unwrap();
        assert_eq!(
            next_after(wed, time("07:30"), berlin, now),
            utc("2026-12-02T06:30:00Z")
        );
    }

    #[test]
    fn daylight_saving_keeps_the_local_time() {
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        // Before the spring change (29 Mar 2026) 07:30 is 06:30 UTC, after it 05:30.
        let sat = utc("2026-03-28T12:00:00Z");
        let next = next_after(every_day(), time("07:30"), berlin, sat);
        assert_eq!(next, utc("2026-03-29T05:30:00Z"));
        // 02:30 does not exist on 29 Mar in Berlin: it moves forward by the
        // gap, to 03:30 local (as outreach blocks do).
        let next = next_after(every_day(), time("02:30"), berlin, sat);
        assert_eq!(next, utc("2026-03-29T01:30:00Z"));
        // 02:30 happens twice on 25 Oct 2026: the first one.
        let sat = utc("2026-10-24T12:00:00Z");
        let next = next_after(every_day(), time("02:30"), berlin, sat);
        assert_eq!(next, utc("2026-10-25T00:30:00Z"));
    }
}
