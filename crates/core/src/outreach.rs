//! Recurring outreach blocks in the calendar ("Tue and Thu, 08:30, 30 minutes, 3 people").

use chrono::{NaiveTime, Weekday};

use crate::ids::{GoalId, OutreachBlockId};

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
}
