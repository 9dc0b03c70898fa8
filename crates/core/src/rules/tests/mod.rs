//! The due ranking's edge cases, and properties of the ranking, the health
//! score and loop-backs.

use chrono::{DateTime, Duration, NaiveDate, TimeZone as _, Utc};
use proptest::prelude::*;

use super::cadence::CadenceSource;
use super::due::{
    Activity, ContactFacts, DueEntry, DueSettings, OpenLoop, due_on, is_one_off, rank,
};
use super::health::health;
use super::loops::loop_back_for;
use crate::contact::ContactRef;
use crate::conversation::Channel;
use crate::follow_up::{FollowUp, FollowUpKind, FollowUpStatus, Owner};
use crate::ids::{ContactId, ConversationId, FollowUpId};
use crate::values::{Cadence, TimeZone};

fn c(days: u32) -> Cadence {
    Cadence::from_days(days).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn tz(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap()
}

/// Midday on 2026-06-15, UTC: "now" in most tests.
fn now() -> DateTime<Utc> {
    utc(2026, 6, 15, 12, 0)
}

fn today() -> NaiveDate {
    date(2026, 6, 15)
}

fn days_ago(d: i64) -> DateTime<Utc> {
    now() - Duration::days(d)
}

fn settings() -> DueSettings {
    DueSettings {
        default_cadence: c(30),
        light_resets_clock: false,
        tz: TimeZone::UTC,
    }
}

fn contact(id: i64, name: &str, added_days_ago: i64) -> ContactFacts {
    ContactFacts {
        id: ContactId(id),
        name: name.to_owned(),
        created_at: days_ago(added_days_ago),
        own_cadence: None,
        tag_cadences: Vec::new(),
        snoozed_until: None,
        archived: false,
        activity: Activity::default(),
        open_loops: Vec::new(),
        active_goals: 0,
        next_meeting: None,
    }
}

/// Records a conversation at `at` in the contact's activity.
fn talk(f: &mut ContactFacts, at: DateTime<Utc>, channel: Channel) {
    let a = &mut f.activity;
    a.conversations += 1;
    a.first_at = Some(a.first_at.map_or(at, |x| x.min(at)));
    a.last_at = Some(a.last_at.map_or(at, |x| x.max(at)));
    if channel.is_meaningful() {
        a.meaningful += 1;
        a.last_meaningful_at = Some(a.last_meaningful_at.map_or(at, |x| x.max(at)));
    }
}

fn open_loop(id: i64, owner: Owner, kind: FollowUpKind, title: &str) -> OpenLoop {
    OpenLoop {
        id: FollowUpId(id),
        owner,
        kind,
        title: title.to_owned(),
        due_on: None,
        loop_back: false,
    }
}

fn ranked(facts: &[ContactFacts]) -> Vec<DueEntry> {
    rank(facts, &settings(), today(), now())
}

fn only(facts: ContactFacts) -> Option<DueEntry> {
    let mut entries = ranked(&[facts]);
    assert!(entries.len() <= 1);
    entries.pop()
}

mod due;
mod properties;
