//! The outreach planner: who goes into which coming block, and the brief
//! that comes with each person.
//!
//! A pure function of its inputs, with ties broken by the order of the due
//! ranking (itself broken by contact id), so the same data gives the same
//! plan on every run.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::due::{DueEntry, OpenLoop};
use super::{ago, count};
use crate::conversation::Channel;
use crate::follow_up::Owner;
use crate::ids::{ContactId, GoalId};
use crate::outreach::BlockInstance;
use crate::values::TimeZone;

/// What the planner works from.
#[derive(Debug, Clone, Copy)]
pub struct PlanInputs<'a> {
    /// The coming block instances, in time order.
    pub instances: &'a [BlockInstance],
    /// Who is due by the window's last day, most pressing first
    /// (`rules::due::rank`).
    pub ranked: &'a [DueEntry],
    /// The contacts relevant to each goal.
    pub relevant: &'a HashMap<GoalId, HashSet<ContactId>>,
    /// Contacts with a meeting booked in the window: already in touch.
    pub booked: &'a HashSet<ContactId>,
}

/// One block instance and who to reach in it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedBlock {
    pub instance: BlockInstance,
    pub people: Vec<PlannedPerson>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedPerson {
    pub contact: ContactId,
    pub name: String,
    /// Chosen because they matter for the block's goal.
    pub for_goal: bool,
    /// Why they are due, in words (`DueEntry::why`).
    pub why: String,
}

/// Fills the instances in time order with the most due people: a person
/// appears once in the whole window, only in a block on or after the day
/// they are due, never when a meeting with them is booked; a goal block
/// takes the people relevant to its goal first, then the most due others.
pub fn plan(inputs: PlanInputs<'_>) -> Vec<PlannedBlock> {
    let mut taken: HashSet<ContactId> = HashSet::new();
    let mut out = Vec::with_capacity(inputs.instances.len());
    for instance in inputs.instances {
        let capacity = instance.capacity as usize;
        let goal_people = instance.goal.and_then(|g| inputs.relevant.get(&g));
        let fits = |e: &DueEntry| goal_people.is_some_and(|p| p.contains(&e.contact));
        let open: Vec<&DueEntry> = inputs
            .ranked
            .iter()
            .filter(|e| e.due_on <= instance.date)
            .filter(|e| !inputs.booked.contains(&e.contact) && !taken.contains(&e.contact))
            .collect();
        let chosen: Vec<&DueEntry> = open
            .iter()
            .filter(|e| fits(e))
            .chain(open.iter().filter(|e| !fits(e)))
            .take(capacity)
            .copied()
            .collect();
        let people = chosen
            .into_iter()
            .map(|e| {
                taken.insert(e.contact);
                PlannedPerson {
                    contact: e.contact,
                    name: e.name.clone(),
                    for_goal: fits(e),
                    why: e.why(),
                }
            })
            .collect();
        out.push(PlannedBlock {
            instance: instance.clone(),
            people,
        });
    }
    out
}

/// The last conversation with someone, for a brief.
#[derive(Debug, Clone, PartialEq)]
pub struct LastConversation {
    pub at: DateTime<Utc>,
    pub channel: Channel,
    pub summary: String,
}

/// Three lines to read before reaching out: the last conversation, the
/// open follow-ups both ways, and the goals the person matters for.
pub fn brief(
    last: Option<&LastConversation>,
    open_loops: &[OpenLoop],
    goals: &[String],
    today: NaiveDate,
    tz: TimeZone,
) -> [String; 3] {
    let last = match last {
        None => "Last: no conversation yet".to_owned(),
        Some(c) => {
            let days = (today - c.at.with_timezone(&tz.tz()).date_naive()).num_days();
            let summary = one_line(&c.summary, 80);
            if summary.is_empty() {
                format!("Last: {} ({})", ago(days), c.channel)
            } else {
                format!("Last: {} ({}): {summary}", ago(days), c.channel)
            }
        }
    };
    let side = |owner: Owner| -> Vec<String> {
        open_loops
            .iter()
            .filter(|l| l.owner == owner)
            .map(|l| one_line(&l.title, 60))
            .collect()
    };
    let (mine, theirs) = (side(Owner::Me), side(Owner::Them));
    let list = |items: &[String]| -> String {
        match items {
            [] => String::new(),
            [a] => a.clone(),
            [a, b] => format!("{a}; {b}"),
            [a, b, rest @ ..] => format!("{a}; {b}; and {} more", rest.len()),
        }
    };
    let open = match (mine.is_empty(), theirs.is_empty()) {
        (true, true) => "Open: nothing either way".to_owned(),
        (false, true) => format!(
            "Open: you owe {}: {}",
            count(mine.len() as u64, "thing", "things"),
            list(&mine)
        ),
        (true, false) => format!(
            "Open: they owe {}: {}",
            count(theirs.len() as u64, "thing", "things"),
            list(&theirs)
        ),
        (false, false) => format!("Open: you owe {}; they owe {}", list(&mine), list(&theirs)),
    };
    let goal = if goals.is_empty() {
        "Goal: none".to_owned()
    } else {
        format!("Goal: {}", goals.join(", "))
    };
    [last, open, goal]
}

/// The text on one line, cut to `max` characters with an ellipsis.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone as _};

    use super::*;
    use crate::follow_up::FollowUpKind;
    use crate::ids::{FollowUpId, OutreachBlockId};
    use crate::rules::cadence::{CadenceSource, EffectiveCadence};
    use crate::values::Cadence;

    fn date(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn slot(block: i64, day: u32, capacity: u32, goal: Option<i64>) -> BlockInstance {
        let starts_at = Utc.with_ymd_and_hms(2026, 12, day, 8, 30, 0).unwrap();
        BlockInstance {
            block: OutreachBlockId(block),
            goal: goal.map(GoalId),
            capacity,
            date: date(day),
            starts_at,
            ends_at: starts_at + Duration::minutes(30),
        }
    }

    fn due(id: i64, due_day: u32) -> DueEntry {
        DueEntry {
            contact: ContactId(id),
            name: format!("Person {id}"),
            cadence: EffectiveCadence {
                cadence: Cadence::from_days(30).unwrap(),
                source: CadenceSource::Default,
            },
            last_talked: None,
            due_on: date(due_day),
            overdue_days: 0,
            one_off: false,
            score: 1.0,
            reasons: vec![format!("reason {id}")],
        }
    }

    fn ids(block: &PlannedBlock) -> Vec<i64> {
        block.people.iter().map(|p| p.contact.0).collect()
    }

    #[test]
    fn the_most_due_fill_blocks_in_order_and_nobody_twice() {
        let instances = [
            slot(1, 1, 2, None),
            slot(1, 3, 2, None),
            slot(1, 8, 2, None),
        ];
        let ranked = [due(5, 1), due(3, 1), due(9, 1), due(4, 1), due(7, 1)];
        let none = HashMap::new();
        let booked = HashSet::new();
        let planned = plan(PlanInputs {
            instances: &instances,
            ranked: &ranked,
            relevant: &none,
            booked: &booked,
        });
        let all: Vec<Vec<i64>> = planned.iter().map(ids).collect();
        assert_eq!(all, [vec![5, 3], vec![9, 4], vec![7]]);
        assert_eq!(planned[0].people[0].why, "reason 5");
    }

    #[test]
    fn people_wait_for_the_day_they_are_due_and_booked_ones_are_left_out() {
        let instances = [slot(1, 1, 3, None), slot(1, 5, 3, None)];
        let ranked = [due(1, 4), due(2, 1), due(3, 1)];
        let none = HashMap::new();
        let booked = HashSet::from([ContactId(3)]);
        let planned = plan(PlanInputs {
            instances: &instances,
            ranked: &ranked,
            relevant: &none,
            booked: &booked,
        });
        assert_eq!(ids(&planned[0]), [2]);
        assert_eq!(ids(&planned[1]), [1]);
    }

    #[test]
    fn goal_blocks_take_goal_people_first() {
        let instances = [slot(1, 1, 2, Some(7)), slot(2, 1, 2, None)];
        let ranked = [due(1, 1), due(2, 1), due(3, 1), due(4, 1)];
        let relevant = HashMap::from([(GoalId(7), HashSet::from([ContactId(4)]))]);
        let booked = HashSet::new();
        let inputs = PlanInputs {
            instances: &instances,
            ranked: &ranked,
            relevant: &relevant,
            booked: &booked,
        };
        let planned = plan(inputs);
        assert_eq!(ids(&planned[0]), [4, 1]);
        assert!(planned[0].people[0].for_goal && !planned[0].people[1].for_goal);
        assert_eq!(ids(&planned[1]), [2, 3]);
        assert_eq!(plan(inputs), planned, "the same data gives the same plan");
    }

    #[test]
    fn briefs_say_last_talk_open_loops_and_goals() {
        let tz = TimeZone::UTC;
        let last = LastConversation {
            at: Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap(),
            channel: Channel::Zoom,
            summary: "Talked about\nmoving into product".into(),
        };
        let open = |id: i64, owner: Owner, title: &str| OpenLoop {
            id: FollowUpId(id),
            owner,
            kind: FollowUpKind::Task,
            title: title.into(),
            due_on: None,
            loop_back: false,
        };
        let loops = [
            open(1, Owner::Me, "Read Atomic Habits"),
            open(2, Owner::Them, "Intro to her manager"),
        ];
        assert_eq!(
            brief(
                Some(&last),
                &loops,
                &["Move into product".into()],
                date(1),
                tz
            ),
            [
                "Last: 30 days ago (zoom): Talked about moving into product",
                "Open: you owe Read Atomic Habits; they owe Intro to her manager",
                "Goal: Move into product",
            ]
        );
        assert_eq!(
            brief(None, &loops[..1], &[], date(1), tz),
            [
                "Last: no conversation yet",
                "Open: you owe 1 thing: Read Atomic Habits",
                "Goal: none",
            ]
        );
        assert_eq!(
            brief(None, &[], &[], date(1), tz)[1],
            "Open: nothing either way"
        );
    }
}
