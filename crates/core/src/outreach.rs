//! Recurring outreach blocks in the calendar ("Tue and Thu, 08:30, 30 minutes, 3 people").

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveTime, TimeZone as _, Utc, Weekday};

use crate::ValidationError;
use crate::ids::{GoalId, OutreachBlockId};
use crate::values::TimeZone;

/// A set of weekdays, stored as a 7-bit mask (Monday = bit 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Weekdays(u8);

impl Weekdays {
    pub fn from_bits(bits: u8) -> Self {
        Self(bits & 0x7f)
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn with(self, day: Weekday) -> Self {
        Self(self.0 | 1 << day.num_days_from_monday())
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    /// "tue,thu", "mon-fri", "weekdays", "daily": at least one day.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let bad = |part: &str| {
            ValidationError::new(
                "days",
                format!("'{part}' is not a weekday (expected e.g. tue,thu or mon-fri)"),
            )
        };
        let day = |word: &str| -> Result<Weekday, ValidationError> {
            let word = word.trim().to_lowercase();
            let prefix = word.get(..3).ok_or_else(|| bad(&word))?;
            let day: Weekday = prefix.parse().map_err(|_| bad(&word))?;
            let full = day_name(day);
            if full.starts_with(word.as_str()) {
                Ok(day)
            } else {
                Err(bad(&word))
            }
        };
        let mut set = Weekdays::default();
        for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_lowercase().as_str() {
                "weekdays" => set.0 |= 0b001_1111,
                "daily" | "every-day" => set.0 |= 0b111_1111,
                _ => {
                    if let Some((from, to)) = part.split_once('-') {
                        let (from, to) = (day(from)?, day(to)?);
                        let mut d = from;
                        set = set.with(d);
                        while d != to {
                            d = d.succ();
                            set = set.with(d);
                        }
                    } else {
                        set = set.with(day(part)?);
                    }
                }
            }
        }
        if set.0 == 0 {
            return Err(ValidationError::new("days", "name at least one weekday"));
        }
        Ok(set)
    }

    /// The days as `mon`, `tue`, …, Monday first (what `parse` reads).
    pub fn names(self) -> Vec<String> {
        self.days().map(|d| d.to_string().to_lowercase()).collect()
    }

    /// The days in order, Monday first.
    pub fn days(self) -> impl Iterator<Item = Weekday> {
        (0..7u8)
            .map(|i| Weekday::try_from(i).expect("0-6 are weekdays"))
            .filter(move |d| self.contains(*d))
    }
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

/// "Tue, Thu".
impl std::fmt::Display for Weekdays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self.days().map(|d| d.to_string()).collect();
        f.write_str(&names.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutreachBlock {
    pub id: OutreachBlockId,
    pub weekdays: Weekdays,
    pub starts_at: NaiveTime,
    pub minutes: u32,
    pub people: u32,
    /// Fill the block with people relevant to this goal first.
    pub goal: Option<GoalId>,
    pub active: bool,
}

/// A validated block, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOutreachBlock {
    pub weekdays: Weekdays,
    pub starts_at: NaiveTime,
    pub minutes: u32,
    pub people: u32,
    pub goal: Option<GoalId>,
}

impl NewOutreachBlock {
    pub fn new(
        weekdays: Weekdays,
        starts_at: NaiveTime,
        minutes: u32,
        people: u32,
        goal: Option<GoalId>,
    ) -> Result<Self, ValidationError> {
        if !(5..=480).contains(&minutes) {
            return Err(ValidationError::new(
                "minutes",
                format!("'{minutes}' is not a block length between 5 and 480 minutes"),
            ));
        }
        if !(1..=20).contains(&people) {
            return Err(ValidationError::new(
                "capacity",
                format!("'{people}' is not a number of people between 1 and 20"),
            ));
        }
        Ok(Self {
            weekdays,
            starts_at,
            minutes,
            people,
            goal,
        })
    }
}

/// A time of day such as 08:30.
pub fn parse_time(field: &str, input: &str) -> Result<NaiveTime, ValidationError> {
    let value = input.trim();
    NaiveTime::parse_from_str(value, "%H:%M").map_err(|_| {
        ValidationError::new(
            field,
            format!("'{value}' is not a time of day (expected HH:MM)"),
        )
    })
}

/// One occurrence of a block on a calendar day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockInstance {
    pub block: OutreachBlockId,
    pub goal: Option<GoalId>,
    pub capacity: u32,
    /// The calendar day in the user's zone.
    pub date: NaiveDate,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The occurrences of the active blocks on the days `from..until` (in the
/// user's zone, `until` excluded) that start after `after`, in time order
/// (ties by block id). The local time of day holds across daylight-saving
/// changes: 08:30 in Berlin is 08:30 in summer and in winter. A time that a
/// change skips moves forward by the gap; a time that happens twice is the
/// first.
pub fn instances(
    blocks: &[OutreachBlock],
    from: NaiveDate,
    until: NaiveDate,
    tz: TimeZone,
    after: DateTime<Utc>,
) -> Vec<BlockInstance> {
    let mut out = Vec::new();
    let mut date = from;
    while date < until {
        for block in blocks.iter().filter(|b| b.active) {
            if !block.weekdays.contains(chrono::Datelike::weekday(&date)) {
                continue;
            }
            let Some(starts_at) = local_moment(date, block.starts_at, tz) else {
                continue;
            };
            if starts_at <= after {
                continue;
            }
            out.push(BlockInstance {
                block: block.id,
                goal: block.goal,
                capacity: block.people,
                date,
                starts_at,
                ends_at: starts_at + chrono::Duration::minutes(i64::from(block.minutes)),
            });
        }
        match date.checked_add_days(Days::new(1)) {
            Some(next) => date = next,
            None => break,
        }
    }
    out.sort_by_key(|i| (i.starts_at, i.block));
    out
}

/// `time` on `date` in `tz`; a skipped time moves forward by the gap.
pub(crate) fn local_moment(
    date: NaiveDate,
    time: NaiveTime,
    tz: TimeZone,
) -> Option<DateTime<Utc>> {
    let local = date.and_time(time);
    match tz.tz().from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Some(at.to_utc()),
        LocalResult::None => {
            // RFC 5545: a time in a gap is read with the offset from before
            // the gap, so 02:30 on a spring-forward night is 03:30.
            let before = local - chrono::Duration::hours(3);
            let offset = tz.tz().offset_from_local_datetime(&before).earliest()?;
            let seconds = chrono::Offset::fix(&offset).local_minus_utc();
            Some((local - chrono::Duration::seconds(i64::from(seconds))).and_utc())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_round_trip_through_bits() {
        let set = Weekdays::default().with(Weekday::Tue).with(Weekday::Thu);
        assert!(set.contains(Weekday::Tue) && set.contains(Weekday::Thu));
        assert!(!set.contains(Weekday::Mon));
        assert_eq!(Weekdays::from_bits(set.bits()), set);
    }

    #[test]
    fn weekdays_parse_lists_ranges_and_names() {
        let tue_thu = Weekdays::default().with(Weekday::Tue).with(Weekday::Thu);
        assert_eq!(Weekdays::parse("tue,thu").unwrap(), tue_thu);
        assert_eq!(Weekdays::parse("Tuesday, THU").unwrap(), tue_thu);
        assert_eq!(Weekdays::parse("mon-fri").unwrap().bits(), 0b001_1111);
        assert_eq!(
            Weekdays::parse("fri-mon").unwrap().to_string(),
            "Mon, Fri, Sat, Sun"
        );
        assert_eq!(Weekdays::parse("weekdays").unwrap().bits(), 0b001_1111);
        assert_eq!(tue_thu.to_string(), "Tue, Thu");
        for bad in ["", "tu", "tuesdays", "xyz", "mon-xyz"] {
            assert_eq!(Weekdays::parse(bad).unwrap_err().field, "days", "{bad}");
        }
    }

    fn block(id: i64, days: &str, at: &str) -> OutreachBlock {
        OutreachBlock {
            id: OutreachBlockId(id),
            weekdays: Weekdays::parse(days).unwrap(),
            starts_at: parse_time("at", at).unwrap(),
            minutes: 30,
            people: 3,
            goal: None,
            active: true,
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn berlin_0830_stays_0830_across_the_autumn_change() {
        // Clocks go back on Sunday 25 October 2026: CEST (+2) to CET (+1).
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        let found = instances(
            &[block(1, "tue,thu", "08:30")],
            d("2026-10-20"),
            d("2026-10-30"),
            berlin,
            DateTime::<Utc>::MIN_UTC,
        );
        let utc: Vec<String> = found.iter().map(|i| i.starts_at.to_rfc3339()).collect();
        assert_eq!(
            utc,
            [
                "2026-10-20T06:30:00+00:00",
                "2026-10-22T06:30:00+00:00",
                "2026-10-27T07:30:00+00:00",
                "2026-10-29T07:30:00+00:00",
            ]
        );
        for i in &found {
            assert_eq!(
                i.starts_at
                    .with_timezone(&berlin.tz())
                    .format("%H:%M")
                    .to_string(),
                "08:30"
            );
            assert_eq!((i.ends_at - i.starts_at).num_minutes(), 30);
        }
    }

    #[test]
    fn skipped_times_move_forward_and_past_ones_are_left_out() {
        // Spring forward on Sunday 29 March 2026 at 02:00 (to 03:00).
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        let found = instances(
            &[block(1, "sun", "02:30"), block(2, "sun", "09:00")],
            d("2026-03-29"),
            d("2026-03-30"),
            berlin,
            DateTime::<Utc>::MIN_UTC,
        );
        assert_eq!(found[0].starts_at.to_rfc3339(), "2026-03-29T01:30:00+00:00");
        assert_eq!(found[1].starts_at.to_rfc3339(), "2026-03-29T07:00:00+00:00");
        let later = instances(
            &[block(1, "sun", "02:30"), block(2, "sun", "09:00")],
            d("2026-03-29"),
            d("2026-03-30"),
            berlin,
            found[0].starts_at,
        );
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].block, OutreachBlockId(2));
    }

    #[test]
    fn inactive_blocks_have_no_instances_and_limits_hold() {
        let mut b = block(1, "daily", "08:00");
        b.active = false;
        assert!(
            instances(
                &[b],
                d("2026-01-01"),
                d("2026-02-01"),
                TimeZone::UTC,
                DateTime::<Utc>::MIN_UTC
            )
            .is_empty()
        );
        let days = Weekdays::parse("mon").unwrap();
        let at = parse_time("at", "08:30").unwrap();
        assert_eq!(
            NewOutreachBlock::new(days, at, 0, 3, None)
                .unwrap_err()
                .field,
            "minutes"
        );
        assert_eq!(
            NewOutreachBlock::new(days, at, 30, 0, None)
                .unwrap_err()
                .field,
            "capacity"
        );
        assert_eq!(parse_time("at", "8h").unwrap_err().field, "at");
    }
}
