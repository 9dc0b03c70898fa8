//! Who is due for a conversation, how pressing it is, and why, in words.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::cadence::{self, EffectiveCadence};
use super::loops::{first_name, loop_back_topic};
use super::{ago, count, rhythm, span};
use crate::follow_up::{FollowUpKind, Owner};
use crate::ids::{ContactId, FollowUpId};
use crate::values::{Cadence, TimeZone};

/// What has happened with a contact so far.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Activity {
    /// Conversations of any kind.
    pub conversations: u32,
    /// Conversations on a meaningful channel (a call or a meeting).
    pub meaningful: u32,
    pub first_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    pub last_meaningful_at: Option<DateTime<Utc>>,
}

/// An open follow-up with a contact, either side's.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenLoop {
    pub id: FollowUpId,
    pub owner: Owner,
    pub kind: FollowUpKind,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    /// Mine, and I said I would tell them once it is done.
    pub loop_back: bool,
}

/// Everything the ranking needs to know about one contact.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactFacts {
    pub id: ContactId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub own_cadence: Option<Cadence>,
    pub tag_cadences: Vec<(String, Cadence)>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub archived: bool,
    pub activity: Activity,
    pub open_loops: Vec<OpenLoop>,
    /// Active goals this contact is linked to.
    pub active_goals: u32,
    /// A scheduled meeting in the future.
    pub next_meeting: Option<DateTime<Utc>>,
}

/// The user's settings that the ranking depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DueSettings {
    pub default_cadence: Cadence,
    /// Whether an e-mail or message resets the clock (by default only calls
    /// and meetings do).
    pub light_resets_clock: bool,
    pub tz: TimeZone,
}

/// One contact who is due, with how pressing it is and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DueEntry {
    pub contact: ContactId,
    pub name: String,
    pub cadence: EffectiveCadence,
    /// The conversation that set the clock (a meaningful one unless
    /// `light_resets_clock`), `None` if never.
    pub last_talked: Option<DateTime<Utc>>,
    /// The calendar day (user's zone) the contact became or becomes due.
    pub due_on: NaiveDate,
    /// `today - due_on`, never negative for a due entry.
    pub overdue_days: i64,
    pub one_off: bool,
    pub score: f64,
    /// In words, most important first.
    pub reasons: Vec<String>,
}

impl DueEntry {
    /// The reasons as one line: "12 days past a 30-day rhythm (last talked 42
    /// days ago); you owe Jane an update: Read Atomic Habits".
    pub fn why(&self) -> String {
        self.reasons.join("; ")
    }
}

// How much each kind of open loop raises the score, and the most it can.
const LOOP_BACK: (f64, u32) = (0.5, 6);
const MY_FOLLOW_UP: (f64, u32) = (0.1, 5);
const THEIR_OVERDUE_PROMISE: (f64, u32) = (0.1, 3);
const ACTIVE_GOAL: (f64, u32) = (0.3, 2);
const ONE_OFF: f64 = 0.2;
/// Loops named one by one in the reasons before "and N more".
const NAMED_LOOPS: usize = 3;

/// The calendar day of a moment in the user's zone.
fn day_of(at: DateTime<Utc>, tz: TimeZone) -> NaiveDate {
    at.with_timezone(&tz.tz()).date_naive()
}

/// The conversation that sets the clock: the last meaningful one, or the last
/// of any kind when light conversations count.
fn clock_conversation(activity: &Activity, light_resets_clock: bool) -> Option<DateTime<Utc>> {
    if light_resets_clock {
        activity.last_at.max(activity.last_meaningful_at)
    } else {
        activity.last_meaningful_at
    }
}

/// Where the clock starts: the last meaningful conversation (or any
/// conversation if light_resets_clock), else the day the contact was added.
pub fn due_on(facts: &ContactFacts, cadence: Cadence, settings: &DueSettings) -> NaiveDate {
    let anchor = clock_conversation(&facts.activity, settings.light_resets_clock)
        .unwrap_or(facts.created_at);
    day_of(anchor, settings.tz)
        .checked_add_days(Days::new(u64::from(cadence.days())))
        .unwrap_or(NaiveDate::MAX)
}

/// Everyone due on `today` (a date in the user's zone), most pressing first.
/// Archived and snoozed (snoozed_until > now) contacts are never due. `now` is
/// used for snoozes; follow-up due dates are compared with `today`, so
/// asking about another day (`kith due --on`) nudges about what is overdue
/// by then.
pub fn rank(
    facts: &[ContactFacts],
    settings: &DueSettings,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<DueEntry> {
    let mut entries: Vec<DueEntry> = facts
        .iter()
        .filter_map(|f| entry(f, settings, today, now))
        .collect();
    entries.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.contact.cmp(&b.contact))
    });
    entries
}

/// A single conversation and nothing since or scheduled, older than the
/// cadence.
pub fn is_one_off(facts: &ContactFacts, cadence: Cadence, today: NaiveDate, tz: TimeZone) -> bool {
    let a = &facts.activity;
    if a.conversations != 1 || facts.next_meeting.is_some() {
        return false;
    }
    let Some(at) = a.last_at.or(a.first_at).or(a.last_meaningful_at) else {
        return false;
    };
    (today - day_of(at, tz)).num_days() > i64::from(cadence.days())
}

fn entry(
    facts: &ContactFacts,
    settings: &DueSettings,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Option<DueEntry> {
    if facts.archived || facts.snoozed_until.is_some_and(|until| until > now) {
        return None;
    }
    let effective = cadence::effective(
        facts.own_cadence,
        &facts.tag_cadences,
        settings.default_cadence,
    );
    let cadence = effective.cadence;
    let due_on = due_on(facts, cadence, settings);
    let overdue_days = (today - due_on).num_days();
    if overdue_days < 0 {
        return None;
    }
    let last_talked = clock_conversation(&facts.activity, settings.light_resets_clock);
    let one_off = is_one_off(facts, cadence, today, settings.tz);

    let mut score = (overdue_days + 1) as f64 / f64::from(cadence.days());
    let mut extras = extras(facts, today, settings.tz, one_off);
    for extra in &extras {
        score += extra.bonus;
    }
    // Most important first; equal weights keep their fixed order.
    extras.sort_by(|a, b| b.bonus.total_cmp(&a.bonus));

    let mut reasons = vec![clock_reason(
        facts,
        cadence,
        settings,
        today,
        last_talked,
        overdue_days,
    )];
    reasons.extend(extras.into_iter().flat_map(|e| e.reasons));

    Some(DueEntry {
        contact: facts.id,
        name: facts.name.clone(),
        cadence: effective,
        last_talked,
        due_on,
        overdue_days,
        one_off,
        score,
        reasons,
    })
}

/// Why the cadence makes the contact due: overdue by how much, or never talked.
fn clock_reason(
    facts: &ContactFacts,
    cadence: Cadence,
    settings: &DueSettings,
    today: NaiveDate,
    last_talked: Option<DateTime<Utc>>,
    overdue_days: i64,
) -> String {
    let rhythm = rhythm(cadence);
    let Some(at) = last_talked else {
        let added = ago((today - day_of(facts.created_at, settings.tz)).num_days());
        return if facts.activity.conversations > 0 {
            format!(
                "no call or meeting since you added them {added}, only e-mails or messages ({rhythm})"
            )
        } else {
            format!("never talked since you added them {added} ({rhythm})")
        };
    };
    let written_since = !settings.light_resets_clock && facts.activity.last_at > Some(at);
    let since = if written_since {
        ", only e-mails or messages since"
    } else {
        ""
    };
    if overdue_days == 0 {
        let since = if written_since {
            ", only e-mails or messages since you last talked"
        } else {
            ""
        };
        format!("due today ({rhythm}){since}")
    } else {
        let talked = ago((today - day_of(at, settings.tz)).num_days());
        format!(
            "{} past {rhythm} (last talked {talked}{since})",
            span(overdue_days)
        )
    }
}

/// One thing besides the cadence that makes a contact more pressing.
struct Extra {
    bonus: f64,
    reasons: Vec<String>,
}

fn bonus((each, cap): (f64, u32), n: u32) -> f64 {
    f64::from(n.min(cap)) * each
}

/// Named one by one up to a few, then "and N more ...".
fn named(mut reasons: Vec<String>, more: impl Fn(usize) -> String) -> Vec<String> {
    if reasons.len() > NAMED_LOOPS {
        let rest = reasons.len() - NAMED_LOOPS;
        reasons.truncate(NAMED_LOOPS);
        reasons.push(more(rest));
    }
    reasons
}

fn extras(facts: &ContactFacts, today: NaiveDate, tz: TimeZone, one_off: bool) -> Vec<Extra> {
    let first = first_name(&facts.name);
    let mut extras = Vec::new();

    extras.extend(owed_updates(facts, first));

    let mine: Vec<&OpenLoop> = facts
        .open_loops
        .iter()
        .filter(|l| l.owner == Owner::Me && l.kind != FollowUpKind::LoopBack)
        .collect();
    if !mine.is_empty() {
        let n = len(&mine);
        let late = mine
            .iter()
            .filter(|l| l.due_on.is_some_and(|d| d < today))
            .count();
        let late = if late > 0 {
            format!(" ({late} overdue)")
        } else {
            String::new()
        };
        extras.push(Extra {
            bonus: bonus(MY_FOLLOW_UP, n),
            reasons: vec![format!(
                "{} of yours{late}",
                count(u64::from(n), "open follow-up", "open follow-ups")
            )],
        });
    }

    extras.extend(their_late_promises(facts, today, first));

    if facts.active_goals > 0 {
        extras.push(Extra {
            bonus: bonus(ACTIVE_GOAL, facts.active_goals),
            reasons: vec![format!(
                "linked to {}",
                count(u64::from(facts.active_goals), "active goal", "active goals")
            )],
        });
    }

    if one_off {
        let at = facts
            .activity
            .last_at
            .or(facts.activity.first_at)
            .or(facts.activity.last_meaningful_at);
        let when = at.map_or_else(String::new, |at| {
            format!(" {}", ago((today - day_of(at, tz)).num_days()))
        });
        extras.push(Extra {
            bonus: ONE_OFF,
            reasons: vec![format!(
                "one-off: a single conversation{when}, nothing since"
            )],
        });
    }
    extras
}

/// The loop-backs the user owes the contact.
fn owed_updates(facts: &ContactFacts, first: &str) -> Option<Extra> {
    let loop_backs: Vec<String> = facts
        .open_loops
        .iter()
        .filter(|l| l.owner == Owner::Me && l.kind == FollowUpKind::LoopBack)
        .map(|l| {
            format!(
                "you owe {first} an update: {}",
                loop_back_topic(&l.title, first)
            )
        })
        .collect();
    (!loop_backs.is_empty()).then(|| Extra {
        bonus: bonus(LOOP_BACK, len(&loop_backs)),
        reasons: named(loop_backs, |n| {
            format!(
                "and {} you owe {first}",
                count(n as u64, "more update", "more updates")
            )
        }),
    })
}

/// What the contact promised and has not done by its date.
fn their_late_promises(facts: &ContactFacts, today: NaiveDate, first: &str) -> Option<Extra> {
    let promises: Vec<String> = facts
        .open_loops
        .iter()
        .filter(|l| l.owner == Owner::Them)
        .filter_map(|l| {
            let late = (today - l.due_on?).num_days();
            (late > 0).then(|| {
                format!(
                    "{first} promised: {} ({} overdue)",
                    l.title,
                    count(late.unsigned_abs(), "day", "days")
                )
            })
        })
        .collect();
    (!promises.is_empty()).then(|| Extra {
        bonus: bonus(THEIR_OVERDUE_PROMISE, len(&promises)),
        reasons: named(promises, |n| {
            format!(
                "and {} of {first}'s overdue",
                count(n as u64, "more promise", "more promises")
            )
        }),
    })
}

fn len<T>(items: &[T]) -> u32 {
    u32::try_from(items.len()).unwrap_or(u32::MAX)
}
