//! Goals that steer the outreach: how far a goal has come against its target
//! and date, who fits it, and who to talk to next for it.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::coverage::canonical_function;
use super::due::Activity;
use super::{ago, count};
use crate::goal::{Goal, GoalKind};
use crate::ids::ContactId;
use crate::values::sort_key;

/// How the linked conversations compare with where the goal should be by now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// The goal counts nothing.
    NoTarget,
    Reached,
    Ahead {
        by: u32,
    },
    OnTrack,
    Behind {
        by: u32,
    },
    /// The date has passed with `missing` conversations still to go.
    Overdue {
        missing: u32,
    },
}

/// Conversations linked to a goal against its target, and the pace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub linked: u32,
    pub target: Option<u32>,
    pub pace: Pace,
}

impl Progress {
    /// "7 of 10, on track", "3 of 10, behind by 2", "9 of 10, ahead by 1",
    /// "10 of 10, reached", "4 of 10, 6 short and past the date"; without a
    /// target, "4 conversations" or "1 conversation".
    pub fn describe(&self) -> String {
        let Some(target) = self.target else {
            return count(u64::from(self.linked), "conversation", "conversations");
        };
        let pace = match self.pace {
            Pace::NoTarget => return format!("{} of {target}", self.linked),
            Pace::Reached => "reached".to_owned(),
            Pace::Ahead { by } => format!("ahead by {by}"),
            Pace::OnTrack => "on track".to_owned(),
            Pace::Behind { by } => format!("behind by {by}"),
            Pace::Overdue { missing } => format!("{missing} short and past the date"),
        };
        format!("{} of {target}, {pace}", self.linked)
    }
}

/// Conversations linked to the goal against its target; the pace compares them with a straight line
/// from the goal's creation day (0) to its due date (target). Without a due date: on track until reached.
pub fn progress(goal: &Goal, linked: u32, today: NaiveDate) -> Progress {
    let target = goal.target_count;
    let pace = match (target, expected(goal, today)) {
        (None, _) => Pace::NoTarget,
        (Some(t), _) if linked >= t => Pace::Reached,
        (Some(_), None) => Pace::OnTrack,
        (Some(t), Some(_)) if goal.due_on.is_some_and(|due| today > due) => Pace::Overdue {
            missing: t - linked,
        },
        (Some(_), Some(e)) => match linked.cmp(&e) {
            Ordering::Greater => Pace::Ahead { by: linked - e },
            Ordering::Equal => Pace::OnTrack,
            Ordering::Less => Pace::Behind { by: e - linked },
        },
    };
    Progress {
        linked,
        target,
        pace,
    }
}

/// Where the straight line from creation (0) to the due date (target) stands
/// on `today`, rounded up: `ceil(target * elapsed / total)` within
/// `0..=target`. `None` without a target or a date. A goal due on (or before)
/// the day it was created expects the whole target at once.
fn expected(goal: &Goal, today: NaiveDate) -> Option<u32> {
    let target = goal.target_count?;
    let due = goal.due_on?;
    let created = goal.created_at.date_naive();
    let total = (due - created).num_days();
    let elapsed = (today - created).num_days();
    if total <= 0 || elapsed >= total {
        return Some(target);
    }
    if elapsed <= 0 {
        return Some(0);
    }
    // 0 < elapsed < total, so the quotient is below target.
    let (t, e, n) = (u64::from(target), elapsed as u64, total as u64);
    Some(u32::try_from((t * e).div_ceil(n)).unwrap_or(target))
}

/// Someone who might help with a goal, as the suggestions see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: ContactId,
    pub name: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub activity: Activity,
    /// Worked somewhere I worked, at the same time.
    pub former_colleague: bool,
    pub archived: bool,
}

/// An undirected tie between two contacts: one introduced the other, or both were in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection {
    pub a: ContactId,
    pub b: ContactId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuggestionKind {
    /// Talk to them yourself.
    Direct,
    /// Ask `via`, someone you have a real tie with, to introduce you.
    ViaIntroduction { via: ContactId, via_name: String },
}

/// Someone to talk to next for a goal, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub contact: ContactId,
    pub name: String,
    pub kind: SuggestionKind,
    pub score: f64,
    pub why: String,
}

/// Meaningful conversations past which a tie counts as no stronger.
const STRONG_TIE: u32 = 10;
/// Days since the last conversation past which it is no more "time".
const LONG_AGO_DAYS: i64 = 365;
/// Score floors: a real tie ranks above an introduction, which ranks above a
/// cold contact.
const DIRECT_BASE: f64 = 2.0;
const VIA_BASE: f64 = 1.0;
const COLD_BASE: f64 = 0.0;

/// Lower-case, accent-free words: letters, digits, `+` and `#` (so "C++" and
/// "C#" stay themselves); everything else separates.
fn words(text: &str) -> Vec<String> {
    sort_key(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#'))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether `needle`'s words appear, in order and next to each other, in `hay`.
fn contains_words(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A goal's target field, trimmed, if it says something.
fn field(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Why a contact fits the goal, in words ("works in fintech", "in product", "at Acme", "mentions SQL",
/// "a former colleague"); empty when it does not fit. Matching is case- and accent-insensitive:
/// industry/function equal or contained, company contained in the organisation, skill found in title,
/// notes, tags or function. A Reconnect goal fits former colleagues (plus any target field given).
/// A Custom goal with no target field fits nobody.
///
/// Each target field that matches adds its reason, so a contact fits when
/// any of them does.
pub fn matches(goal: &Goal, c: &Candidate) -> Vec<String> {
    Matcher::new(goal).reasons(c)
}

/// A goal's targets, folded into words once, to test many candidates.
struct Matcher {
    reconnect: bool,
    /// (as the goal says it, its words)
    industry: Option<(String, Vec<String>)>,
    /// (taxonomy name, its words)
    function: Option<(String, Vec<String>)>,
    company: Option<(String, Vec<String>)>,
    skill: Option<(String, Vec<String>)>,
}

impl Matcher {
    fn new(goal: &Goal) -> Self {
        let prepared = |v: &Option<String>| field(v).map(|w| (w.to_owned(), words(w)));
        Self {
            reconnect: goal.kind == GoalKind::Reconnect,
            industry: prepared(&goal.industry),
            function: field(&goal.function).map(|w| {
                let name = canonical_function(w);
                let w = words(&name);
                (name, w)
            }),
            company: prepared(&goal.company),
            skill: prepared(&goal.skill),
        }
    }

    fn reasons(&self, c: &Candidate) -> Vec<String> {
        let mut why = Vec::new();
        if self.reconnect && c.former_colleague {
            why.push("a former colleague".to_owned());
        }
        if let (Some((want, want_words)), Some(has)) = (&self.industry, field(&c.industry)) {
            let has = words(has);
            if contains_words(&has, want_words) || contains_words(want_words, &has) {
                why.push(format!("works in {want}"));
            }
        }
        if let (Some((want, want_words)), Some(has)) = (&self.function, field(&c.function)) {
            let has_words = words(has);
            if *want == canonical_function(has)
                || contains_words(&has_words, want_words)
                || contains_words(want_words, &has_words)
            {
                why.push(format!("in {want}"));
            }
        }
        if let (Some((want, want_words)), Some(org)) = (&self.company, field(&c.organisation))
            && contains_words(&words(org), want_words)
        {
            why.push(format!("at {want}"));
        }
        if let Some((want, want_words)) = &self.skill {
            let found = [&c.title, &c.notes, &c.function]
                .into_iter()
                .flatten()
                .chain(&c.tags)
                .any(|text| contains_words(&words(text), want_words));
            if found {
                why.push(format!("mentions {want}"));
            }
        }
        why
    }
}

/// How strong my tie with someone is, in 0..=1.
fn strength(a: &Activity) -> f64 {
    f64::from(a.meaningful.min(STRONG_TIE)) / f64::from(STRONG_TIE)
}

/// Whether `a` is a stronger tie than `b`: more real conversations, then the
/// more recent one, then the lower id.
fn stronger(a: &Candidate, b: &Candidate) -> bool {
    a.activity
        .meaningful
        .cmp(&b.activity.meaningful)
        .then(
            a.activity
                .last_meaningful_at
                .cmp(&b.activity.last_meaningful_at),
        )
        .then(b.id.cmp(&a.id))
        .is_gt()
}

/// "4 conversations, the last 5 months ago", "1 conversation, yesterday".
fn tie_words(a: &Activity, now: DateTime<Utc>) -> String {
    let n = count(u64::from(a.meaningful), "conversation", "conversations");
    let Some(at) = a.last_meaningful_at else {
        return n;
    };
    let days = (now - at).num_days();
    let when = ago(days);
    match (a.meaningful, days) {
        (1, _) => format!("{n}, {when}"),
        (_, ..=1) => format!("{n}, the last one {when}"),
        _ => format!("{n}, the last {when}"),
    }
}

/// For everyone, the strongest real tie connected to them (never an
/// archived contact, never one without a meaningful conversation).
fn introducers<'a>(
    candidates: &'a [Candidate],
    connections: &[Connection],
) -> HashMap<ContactId, &'a Candidate> {
    let by_id: HashMap<ContactId, &Candidate> = candidates.iter().map(|c| (c.id, c)).collect();
    let mut introducer: HashMap<ContactId, &Candidate> = HashMap::new();
    for conn in connections {
        for (one, other) in [(conn.a, conn.b), (conn.b, conn.a)] {
            if one == other {
                continue;
            }
            let Some(&via) = by_id.get(&other) else {
                continue;
            };
            if via.archived || via.activity.meaningful == 0 {
                continue;
            }
            let best = introducer.entry(one).or_insert(via);
            if stronger(via, best) {
                *best = via;
            }
        }
    }
    introducer
}

/// People to talk to next for the goal, best first, at most `limit`, never archived ones, never the
/// ones in `exclude` (already linked to the goal). Fitting contacts I have a real tie with
/// (activity.meaningful > 0) are Direct, ranked by tie strength (meaningful conversations, capped)
/// and how long since we talked (longer ago ranks higher: it is time); `why` reads e.g.
/// "works in fintech; 4 conversations, the last 5 months ago". Fitting contacts I have never really
/// talked to become ViaIntroduction when a Connection links them to someone with a real tie
/// (pick the strongest such tie): why = "ask Jane Doe to introduce you: works in fintech". Fitting
/// contacts with neither are Direct with a lower score and why "works in fintech; you have not
/// talked yet". Deterministic: ties broken by contact id.
///
/// Scores: a real tie 2..=3 (half tie strength, half time since the last
/// conversation, capped at a year), an introduction 1..=1.5 (by the
/// introducer's tie strength), neither 0. Introducers are never archived.
pub fn suggestions(
    goal: &Goal,
    candidates: &[Candidate],
    connections: &[Connection],
    exclude: &[ContactId],
    now: DateTime<Utc>,
    limit: usize,
) -> Vec<Suggestion> {
    if limit == 0 {
        return Vec::new();
    }
    let introducer = introducers(candidates, connections);

    let matcher = Matcher::new(goal);
    let mut out: Vec<Suggestion> = candidates
        .iter()
        .filter(|c| !c.archived && !exclude.contains(&c.id))
        .filter_map(|c| {
            let why = matcher.reasons(c);
            if why.is_empty() {
                return None;
            }
            let fits = why.join(", ");
            let a = &c.activity;
            let (kind, score, why) = if a.meaningful > 0 {
                let days = a
                    .last_meaningful_at
                    .map_or(LONG_AGO_DAYS, |at| (now - at).num_days())
                    .clamp(0, LONG_AGO_DAYS);
                let time = days as f64 / LONG_AGO_DAYS as f64;
                (
                    SuggestionKind::Direct,
                    DIRECT_BASE + 0.5 * strength(a) + 0.5 * time,
                    format!("{fits}; {}", tie_words(a, now)),
                )
            } else if let Some(via) = introducer.get(&c.id) {
                (
                    SuggestionKind::ViaIntroduction {
                        via: via.id,
                        via_name: via.name.clone(),
                    },
                    VIA_BASE + 0.5 * strength(&via.activity),
                    format!("ask {} to introduce you: {fits}", via.name),
                )
            } else {
                let so_far = if a.conversations > 0 {
                    "only e-mails or messages so far"
                } else {
                    "you have not talked yet"
                };
                (
                    SuggestionKind::Direct,
                    COLD_BASE,
                    format!("{fits}; {so_far}"),
                )
            };
            Some(Suggestion {
                contact: c.id,
                name: c.name.clone(),
                kind,
                score,
                why,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.contact.cmp(&b.contact))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
#[path = "goals_tests.rs"]
mod tests;
