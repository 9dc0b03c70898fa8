//! Networking inside my own organisation: which functions I know people in,
//! how fresh those ties are, and where the gaps are.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};

use super::due::Activity;
use super::goals::Connection;
use crate::ids::ContactId;
use crate::values::sort_key;

/// The built-in functions of an organisation, in this order.
pub const FUNCTIONS: &[&str] = &[
    "engineering",
    "product",
    "design",
    "sales",
    "marketing",
    "customer success",
    "finance",
    "hr",
    "legal",
    "operations",
    "data",
    "executive",
];

/// Where colleagues without a function are counted.
const UNKNOWN: &str = "unknown";
/// A tie is fresh when we talked within this many days.
const FRESH_DAYS: i64 = 90;

/// What people type for a built-in function, folded (lower case, no accents,
/// `-` and `_` as spaces, single spaces).
const SYNONYMS: &[(&str, &str)] = &[
    ("eng", "engineering"),
    ("engineer", "engineering"),
    ("engineers", "engineering"),
    ("software", "engineering"),
    ("software engineering", "engineering"),
    ("software development", "engineering"),
    ("development", "engineering"),
    ("dev", "engineering"),
    ("r&d", "engineering"),
    ("research and development", "engineering"),
    ("pm", "product"),
    ("product management", "product"),
    ("product manager", "product"),
    ("product managers", "product"),
    ("ux", "design"),
    ("ui", "design"),
    ("ui/ux", "design"),
    ("ux/ui", "design"),
    ("ux design", "design"),
    ("user experience", "design"),
    ("product design", "design"),
    ("business development", "sales"),
    ("bizdev", "sales"),
    ("biz dev", "sales"),
    ("bd", "sales"),
    ("account management", "sales"),
    ("growth", "marketing"),
    ("communications", "marketing"),
    ("comms", "marketing"),
    ("cs", "customer success"),
    ("customer support", "customer success"),
    ("support", "customer success"),
    ("customer service", "customer success"),
    ("customer experience", "customer success"),
    ("cx", "customer success"),
    ("accounting", "finance"),
    ("fp&a", "finance"),
    ("treasury", "finance"),
    ("people", "hr"),
    ("human resources", "hr"),
    ("hr/people", "hr"),
    ("people/hr", "hr"),
    ("people ops", "hr"),
    ("people operations", "hr"),
    ("people and culture", "hr"),
    ("people & culture", "hr"),
    ("talent", "hr"),
    ("talent acquisition", "hr"),
    ("recruiting", "hr"),
    ("law", "legal"),
    ("counsel", "legal"),
    ("legal and compliance", "legal"),
    ("compliance", "legal"),
    ("ops", "operations"),
    ("business operations", "operations"),
    ("bizops", "operations"),
    ("analytics", "data"),
    ("data science", "data"),
    ("data analytics", "data"),
    ("data engineering", "data"),
    ("business intelligence", "data"),
    ("bi", "data"),
    ("leadership", "executive"),
    ("c suite", "executive"),
    ("csuite", "executive"),
    ("exec", "executive"),
    ("execs", "executive"),
    ("executives", "executive"),
    ("executive team", "executive"),
    ("management team", "executive"),
];

/// Words that name the unit rather than the function: "Sales Team" is sales.
const UNIT_SUFFIXES: &[&str] = &[" team", " department", " dept", " function", " org"];

/// Lower case, single spaces, trimmed.
fn tidy(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The lookup key: accents gone, `-` and `_` as spaces.
fn fold(raw: &str) -> String {
    tidy(&sort_key(raw).replace(['-', '_'], " "))
}

fn builtin(key: &str) -> Option<&'static str> {
    FUNCTIONS
        .iter()
        .copied()
        .find(|f| *f == key)
        .or_else(|| SYNONYMS.iter().find(|(s, _)| *s == key).map(|(_, f)| *f))
}

/// The taxonomy name for what people type ("Software Engineering" -> engineering, "People"/"Human Resources" -> hr,
/// "CS"/"Customer Support" -> customer success, "Analytics"/"Data Science" -> data, "Leadership"/"C-suite" -> executive,
/// "Ops" -> operations, "UX" -> design, "PM" -> product, "Business Development" -> sales); unknown ones are kept, lower case, trimmed.
pub fn canonical_function(raw: &str) -> String {
    let key = fold(raw);
    if let Some(f) = builtin(&key) {
        return f.to_owned();
    }
    let unit = UNIT_SUFFIXES
        .iter()
        .find_map(|s| key.strip_suffix(s).and_then(builtin));
    match unit {
        Some(f) => f.to_owned(),
        None => tidy(raw),
    }
}

/// Someone in my own organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Colleague {
    pub id: ContactId,
    pub name: String,
    pub function: Option<String>,
    pub activity: Activity,
}

/// How well I know one function of my organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCoverage {
    pub function: String,
    pub people: u32,
    /// Talked (any channel) within the last 90 days.
    pub fresh: u32,
    pub last_talked: Option<DateTime<Utc>>,
    /// Nobody known there, or nobody fresh.
    pub gap: bool,
    /// For gaps: who to reach first, and through whom.
    pub suggestion: Option<String>,
}

/// The last time we talked, on any channel.
fn last_talked(c: &Colleague) -> Option<DateTime<Utc>> {
    c.activity.last_at.max(c.activity.last_meaningful_at)
}

/// Ordering of fresh ties, best first: most recent, then more real
/// conversations, then lower id.
fn fresher(a: &Colleague, b: &Colleague) -> Ordering {
    last_talked(b)
        .cmp(&last_talked(a))
        .then(b.activity.meaningful.cmp(&a.activity.meaningful))
        .then(a.id.cmp(&b.id))
}

/// Ordering of people to revive, best first: more real conversations, then
/// the more recent, then lower id.
fn warmer(a: &Colleague, b: &Colleague) -> Ordering {
    b.activity
        .meaningful
        .cmp(&a.activity.meaningful)
        .then(last_talked(b).cmp(&last_talked(a)))
        .then(a.id.cmp(&b.id))
}

/// Coverage of my own organisation: every built-in function (even with nobody), then custom functions
/// found among colleagues, alphabetically; colleagues without a function are counted under "unknown" (last).
/// Colleagues by function: the taxonomy's functions first in its order
/// (each present, even with nobody), then others by name, then unknown.
fn by_function(colleagues: &[Colleague]) -> BTreeMap<(u8, String, String), Vec<&Colleague>> {
    let mut groups: BTreeMap<(u8, String, String), Vec<&Colleague>> = BTreeMap::new();
    for (i, f) in FUNCTIONS.iter().enumerate() {
        groups.insert((0, format!("{i:02}"), (*f).to_owned()), Vec::new());
    }
    for c in colleagues {
        let function = c
            .function
            .as_deref()
            .map(canonical_function)
            .filter(|f| !f.is_empty());
        let key = match function {
            Some(f) => match FUNCTIONS.iter().position(|b| *b == f) {
                Some(i) => (0, format!("{i:02}"), f),
                None if f == UNKNOWN => (2, String::new(), f),
                None => (1, sort_key(&f), f),
            },
            None => (2, String::new(), UNKNOWN.to_owned()),
        };
        groups.entry(key).or_default().push(c);
    }
    groups
}

/// Who each colleague is connected to, among the colleagues.
fn neighbours<'a>(
    colleagues: &'a [Colleague],
    connections: &[Connection],
) -> HashMap<ContactId, Vec<&'a Colleague>> {
    let by_id: HashMap<ContactId, &Colleague> = colleagues.iter().map(|c| (c.id, c)).collect();
    let mut neighbours: HashMap<ContactId, Vec<&Colleague>> = HashMap::new();
    for conn in connections {
        if conn.a == conn.b {
            continue;
        }
        if let (Some(&a), Some(&b)) = (by_id.get(&conn.a), by_id.get(&conn.b)) {
            neighbours.entry(a.id).or_default().push(b);
            neighbours.entry(b.id).or_default().push(a);
        }
    }
    neighbours
}

/// Suggestions for gaps: someone there I have not talked to lately, best reached through a fresh
/// colleague connected to them ("ask Ann Lee to introduce you to Bo Chen"), else "reach out to Bo Chen";
/// for a function with nobody: "ask Ann Lee (your freshest tie here) who to meet in finance", or None if I know nobody fresh at all.
///
/// Among several people to reach in a gap, the one whose introducer is the
/// freshest tie is named; without any introducer, the one I talked to most.
pub fn coverage(
    colleagues: &[Colleague],
    connections: &[Connection],
    now: DateTime<Utc>,
) -> Vec<FunctionCoverage> {
    let since = now - Duration::days(FRESH_DAYS);
    let is_fresh = |c: &Colleague| last_talked(c).is_some_and(|at| at >= since);

    let groups = by_function(colleagues);
    let neighbours = neighbours(colleagues, connections);
    let freshest = colleagues
        .iter()
        .filter(|c| is_fresh(c))
        .min_by(|a, b| fresher(a, b));

    groups
        .into_iter()
        .map(|((_, _, function), people)| {
            let fresh = people.iter().filter(|c| is_fresh(c)).count();
            let gap = fresh == 0;
            let suggestion = if !gap {
                None
            } else if people.is_empty() {
                freshest.map(|ann| {
                    format!(
                        "ask {} (your freshest tie here) who to meet in {function}",
                        ann.name
                    )
                })
            } else {
                let introduction = people
                    .iter()
                    .filter_map(|bo| {
                        let via = neighbours
                            .get(&bo.id)?
                            .iter()
                            .filter(|v| v.id != bo.id && is_fresh(v))
                            .min_by(|a, b| fresher(a, b))?;
                        Some((*via, *bo))
                    })
                    .min_by(|(va, a), (vb, b)| fresher(va, vb).then(a.id.cmp(&b.id)));
                match introduction {
                    Some((ann, bo)) => {
                        Some(format!("ask {} to introduce you to {}", ann.name, bo.name))
                    }
                    None => people
                        .iter()
                        .min_by(|a, b| warmer(a, b))
                        .map(|bo| format!("reach out to {}", bo.name)),
                }
            };
            FunctionCoverage {
                function,
                people: u32::try_from(people.len()).unwrap_or(u32::MAX),
                fresh: u32::try_from(fresh).unwrap_or(u32::MAX),
                last_talked: people.iter().filter_map(|c| last_talked(c)).max(),
                gap,
                suggestion,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "coverage_tests.rs"]
mod tests;
