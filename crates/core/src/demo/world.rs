//! The user's world: employer, career, home, and the span of their history.

use chrono::{DateTime, Datelike, Utc};

use super::cities::CITIES;
use super::companies::{COMPANIES, FUNCTIONS};
use super::rng::SplitMix64;
use super::{DAY, HISTORY_DAYS, ONE_OFF_MIN_AGE_DAYS, PastEmployer};
use crate::values::TimeZone;

/// A stint of the user's own career.
#[derive(Clone, Copy)]
pub(super) struct Stint {
    pub(super) company: usize,
    pub(super) from_year: i32,
    pub(super) to_year: i32,
}

impl Stint {
    pub(super) fn to_past_employer(self) -> PastEmployer {
        PastEmployer {
            organisation: COMPANIES[self.company].name.to_owned(),
            from_year: self.from_year,
            to_year: self.to_year,
        }
    }
}

pub(super) struct World {
    /// First and last whole second of the history (both inclusive).
    pub(super) first: i64,
    pub(super) last: i64,
    pub(super) this_year: i32,
    pub(super) my_company: usize,
    /// The user's earlier employers, oldest first.
    pub(super) past: Vec<Stint>,
    /// The functions of my organisation that I know people in.
    pub(super) my_functions: Vec<usize>,
    pub(super) home_city: usize,
    pub(super) offices: [usize; 3],
    pub(super) time_zones: Vec<TimeZone>,
}

impl World {
    pub(super) fn new(rng: &mut SplitMix64, now: DateTime<Utc>) -> Self {
        let last = now.timestamp() - 1;
        let my_company = loop {
            let c = rng.below(COMPANIES.len());
            if COMPANIES[c].industry != "venture capital" {
                break c;
            }
        };
        let this_year = now.year();
        let mut to_year = this_year - rng.between(1, 4) as i32;
        let mut taken = vec![my_company];
        let mut past = Vec::with_capacity(3);
        for _ in 0..3 {
            let company = company_except(rng, &taken);
            taken.push(company);
            let from_year = to_year - rng.between(2, 4) as i32;
            past.push(Stint {
                company,
                from_year,
                to_year,
            });
            to_year = from_year;
        }
        past.reverse();
        let mut functions: Vec<usize> = (0..FUNCTIONS.len()).collect();
        for i in (1..functions.len()).rev() {
            functions.swap(i, rng.below(i + 1));
        }
        functions.truncate(rng.between(6, 8) as usize);
        functions.sort_unstable();
        let home_city = rng.below(CITIES.len());
        let offices = [home_city, rng.below(CITIES.len()), rng.below(CITIES.len())];
        let time_zones = CITIES
            .iter()
            .map(|c| TimeZone::parse(c.tz).expect("the city table holds IANA zones"))
            .collect();
        Self {
            first: last - HISTORY_DAYS * DAY + 2,
            last,
            this_year,
            my_company,
            past,
            my_functions: functions,
            home_city,
            offices,
            time_zones,
        }
    }

    pub(super) fn one_off_latest(&self) -> i64 {
        self.last - ONE_OFF_MIN_AGE_DAYS * DAY
    }
}

pub(super) fn company_except(rng: &mut SplitMix64, taken: &[usize]) -> usize {
    loop {
        let c = rng.below(COMPANIES.len());
        if !taken.contains(&c) {
            return c;
        }
    }
}

pub(super) fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("demo times are near now")
}

/// A second in `lo..=hi`, moved to office hours (08:00-20:00 UTC) of the
/// same day when that stays in range.
pub(super) fn moment(rng: &mut SplitMix64, lo: i64, hi: i64) -> i64 {
    let t = rng.between(lo, hi);
    let day = t.div_euclid(DAY) * DAY;
    let office = day + rng.between(8 * 3600, 20 * 3600 - 1) / 300 * 300;
    if (lo..=hi).contains(&office) {
        office
    } else {
        t
    }
}
