//! Keeping up: the last pass, which makes the network look like that of
//! someone who uses Kith every day. Most people are within their rhythm (a
//! loose tie has a loose one, as its owner set it), a few are due today or
//! overdue by days to two weeks, and the homework that is still open is
//! recent: older promises, mine and theirs, were kept or let go.
//!
//! It only sets rhythms and settles follow-ups; it moves no conversation.
//! Its randomness is a stream of its own, so every earlier stage draws
//! exactly what it did before this pass existed.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use super::rng::SplitMix64;
use super::{DemoContact, DemoConversation, DemoFollowUp};
use crate::follow_up::FollowUpStatus;
use crate::values::Cadence;

/// The rhythms a person picks, in days: two weeks to three years.
const RHYTHMS: &[u32] = &[14, 21, 30, 42, 60, 90, 120, 180, 270, 365, 730, 1095];
/// About one contact in this many is left due (today or a little overdue).
const DUE_ONE_IN: usize = 30;
/// One-off ties are left due more often, so `kith list --one-off` has a few.
const ONE_OFF_DUE_ONE_IN: usize = 2;
/// The most days a contact or a follow-up is left overdue.
pub(super) const MOST_OVERDUE_DAYS: i64 = 14;
/// Days of slack between the generator's calendar (UTC) and the user's zone.
const ZONE_SLACK: i64 = 1;
/// About one in this many follow-ups whose date passed is still open.
const LATE_ONE_IN: usize = 4;
/// A follow-up without a date is settled after this many days.
const UNDATED_OPEN_DAYS: i64 = 30;

/// Sets each contact's own rhythm where the user's default would leave them
/// overdue, and settles follow-ups long past their date.
pub(super) fn keep_up(
    rng: &mut SplitMix64,
    now: DateTime<Utc>,
    default_cadence: Cadence,
    contacts: &mut [DemoContact],
    conversations: &[DemoConversation],
    follow_ups: &mut [DemoFollowUp],
) {
    let today = now.date_naive();
    let mut clock: Vec<Option<DateTime<Utc>>> = vec![None; contacts.len()];
    let mut talks = vec![0u32; contacts.len()];
    for c in conversations {
        for &p in &c.participants {
            talks[p] += 1;
            if c.channel.is_meaningful() {
                clock[p] = clock[p].max(Some(c.occurred_at));
            }
        }
    }
    for (i, contact) in contacts.iter_mut().enumerate() {
        let anchor = clock[i].unwrap_or(contact.added_at).date_naive();
        let since = (today - anchor).num_days();
        let one_in = if talks[i] == 1 {
            ONE_OFF_DUE_ONE_IN
        } else {
            DUE_ONE_IN
        };
        let leave_due = rng.below(one_in) == 0;
        contact.draft.cadence = rhythm(contact.draft.cadence, default_cadence, since, leave_due);
    }
    for f in follow_ups.iter_mut() {
        let created = f.conversation.map_or(contacts[f.contact].added_at, |c| {
            conversations[c].occurred_at
        });
        settle(rng, now, created, f);
    }
}
/// The rhythm a contact last talked to `since` days ago ends up with: the
/// one it has when that fits, else the nearest one a person would pick.
fn rhythm(own: Option<Cadence>, default: Cadence, since: i64, leave_due: bool) -> Option<Cadence> {
    let days = |c: Option<Cadence>| i64::from(c.unwrap_or(default).days());
    let overdue = |rhythm: i64| since - rhythm;
    if leave_due {
        let fits = |rhythm: i64| (0..=MOST_OVERDUE_DAYS - ZONE_SLACK).contains(&overdue(rhythm));
        if fits(days(own)) {
            return own;
        }
        if let Some(&d) = RHYTHMS.iter().rev().find(|&&d| fits(i64::from(d))) {
            return Cadence::from_days(d);
        }
    }
    if overdue(days(own)) < -ZONE_SLACK {
        return own;
    }
    let d = RHYTHMS
        .iter()
        .copied()
        .find(|&d| overdue(i64::from(d)) < -ZONE_SLACK)
        .unwrap_or(Cadence::MAX_DAYS);
    Cadence::from_days(d)
}

/// A follow-up whose date is more than two weeks gone was done (or, now
/// and then, dropped) by its date, and so were most of those whose date
/// passed more recently and what has no date and is over a month old.
fn settle(rng: &mut SplitMix64, now: DateTime<Utc>, created: DateTime<Utc>, f: &mut DemoFollowUp) {
    let roll = rng.below(LATE_ONE_IN * 10);
    if f.status != FollowUpStatus::Open {
        return;
    }
    let today = now.date_naive();
    let late = |due: NaiveDate| (today - due).num_days();
    let settled = match f.due_on {
        Some(due) if late(due) > MOST_OVERDUE_DAYS - ZONE_SLACK => true,
        Some(due) if late(due) >= 0 => roll >= 10,
        Some(_) => false,
        None => now - created > TimeDelta::days(UNDATED_OPEN_DAYS),
    };
    if !settled {
        return;
    }
    f.status = if roll.is_multiple_of(10) {
        FollowUpStatus::Dropped
    } else {
        FollowUpStatus::Done
    };
    // By its date (the evening, UTC), or half-way to now for one without.
    let by = f
        .due_on
        .and_then(|d| d.and_hms_opt(17, 0, 0))
        .map_or(created + (now - created) / 2, |t| t.and_utc());
    f.closed_at = Some(
        by.max(created + TimeDelta::minutes(1))
            .min(now - TimeDelta::seconds(1)),
    );
}
