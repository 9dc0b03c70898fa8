//! Goals: what the user is networking for, and the people and conversations
//! linked to each.

use super::companies::{COMPANIES, FUNCTIONS, PRODUCT};
use super::people::Person;
use super::rng::SplitMix64;
use super::world::{World, at, moment};
use super::{DAY, DemoContact, DemoConversation, DemoGoal, PastEmployer};
use crate::conversation::ConversationKind;
use crate::goal::{GoalKind, GoalStatus, NewGoal};

/// Industries of `COMPANIES` a new role may be in (other than the user's own).
const NEW_ROLE_INDUSTRIES: &[&str] = &["finance", "healthcare", "software", "energy", "media"];

/// What the goals are built from.
struct Network<'a> {
    world: &'a World,
    people: &'a [Person],
    contacts: &'a [DemoContact],
    conversations: &'a [DemoConversation],
    /// When each conversation happened, ascending.
    times: &'a [i64],
}

impl Network<'_> {
    /// The conversations after `from` and not after `to`.
    fn between(&self, from: i64, to: i64) -> std::ops::Range<usize> {
        let lo = self.times.partition_point(|&t| t <= from);
        let hi = self.times.partition_point(|&t| t <= to);
        lo..hi.max(lo)
    }

    /// Per contact: whether they took part in a conversation in `range`.
    fn talked_in(&self, range: std::ops::Range<usize>) -> Vec<bool> {
        let mut talked = vec![false; self.contacts.len()];
        for c in range {
            for &p in &self.conversations[c].participants {
                talked[p] = true;
            }
        }
        talked
    }

    /// The conversations in `range` with at least one of `people`.
    fn with_any(&self, range: std::ops::Range<usize>, people: &[usize]) -> Vec<usize> {
        range
            .filter(|&c| {
                self.conversations[c]
                    .participants
                    .iter()
                    .any(|p| people.contains(p))
            })
            .collect()
    }
}

/// The four goals, in the order they were set: a done internal-visibility
/// goal, then three active ones (an industry change, a reconnect, a new role).
pub(super) fn goals(
    rng: &mut SplitMix64,
    world: &World,
    people: &[Person],
    contacts: &[DemoContact],
    conversations: &[DemoConversation],
    times: &[i64],
) -> Vec<DemoGoal> {
    let net = Network {
        world,
        people,
        contacts,
        conversations,
        times,
    };
    vec![
        internal(rng, &net),
        industry_change(rng, &net),
        reconnect(rng, &net),
        new_role(rng, &net),
    ]
}

fn new_goal(kind: GoalKind, title: String, target: u32, due: i64) -> NewGoal {
    NewGoal {
        kind,
        title,
        industry: None,
        function: None,
        company: None,
        skill: None,
        target_count: Some(target),
        due_on: Some(at(due).date_naive()),
    }
}

/// Met six or more people across my organisation, months ago: done.
fn internal(rng: &mut SplitMix64, net: &Network) -> DemoGoal {
    let world = net.world;
    let org = COMPANIES[world.my_company].name;
    let created = moment(rng, world.last - 240 * DAY, world.last - 170 * DAY);
    let due = created + rng.between(100, 120) * DAY;
    let colleague = |p: &usize| net.people[*p].company == world.my_company;
    let colleague_in = |c: usize| {
        *net.conversations[c]
            .participants
            .iter()
            .find(|p| colleague(p))
            .expect("every candidate has a colleague in it")
    };
    let candidates: Vec<usize> = net
        .between(created, due)
        .filter(|&c| net.conversations[c].participants.iter().any(colleague))
        .collect();
    let order = shuffled(rng, &candidates, candidates.len());
    let wanted = rng.between(6, 9) as usize;
    // Someone in every function first, then other people, then anyone.
    let (mut chosen, mut met, mut functions) = (Vec::new(), Vec::new(), Vec::new());
    for pass in 0..3 {
        for &c in &order {
            let p = colleague_in(c);
            let function = net.people[p].function;
            let fresh = match pass {
                0 => !met.contains(&p) && !functions.contains(&function),
                1 => !met.contains(&p),
                _ => true,
            };
            if chosen.len() < wanted && fresh && !chosen.contains(&c) {
                chosen.push(c);
                met.push(p);
                functions.push(function);
            }
        }
    }
    chosen.sort_unstable();
    let mut contacts: Vec<usize> = chosen
        .iter()
        .flat_map(|&c| {
            net.conversations[c]
                .participants
                .iter()
                .copied()
                .filter(colleague)
        })
        .collect();
    contacts.sort_unstable();
    contacts.dedup();
    DemoGoal {
        goal: NewGoal {
            company: Some(org.to_owned()),
            ..new_goal(GoalKind::Internal, format!("Be known across {org}"), 6, due)
        },
        created_at: at(created),
        status: GoalStatus::Done,
        contacts,
        conversations: chosen,
    }
}

/// Moving into product: informational chats with product people, on track
/// or a little behind.
fn industry_change(rng: &mut SplitMix64, net: &Network) -> DemoGoal {
    let world = net.world;
    let created = moment(rng, world.last - 75 * DAY, world.last - 45 * DAY);
    let due = world.last + rng.between(85, 100) * DAY;
    let (product, others): (Vec<usize>, Vec<usize>) = net
        .between(created, world.last)
        .filter(|&c| net.conversations[c].kind == ConversationKind::Informational)
        .partition(|&c| net.people[net.conversations[c].participants[0]].function == PRODUCT);
    let wanted = rng.between(4, 6) as usize;
    let mut chosen = sample(rng, &product, wanted);
    if chosen.len() < 3 {
        chosen.extend(sample(rng, &others, 3 - chosen.len()));
        chosen.sort_unstable();
    }
    let mut contacts: Vec<usize> = chosen
        .iter()
        .flat_map(|&c| net.conversations[c].participants.iter().copied())
        .collect();
    contacts.sort_unstable();
    contacts.dedup();
    let title = "Move into product management".to_owned();
    DemoGoal {
        goal: NewGoal {
            function: Some(FUNCTIONS[PRODUCT].name.to_owned()),
            ..new_goal(GoalKind::IndustryChange, title, 10, due)
        },
        created_at: at(created),
        status: GoalStatus::Active,
        contacts,
        conversations: chosen,
    }
}

/// Former colleagues: a few already talked to since, more still to reach.
fn reconnect(rng: &mut SplitMix64, net: &Network) -> DemoGoal {
    let world = net.world;
    let created = moment(rng, world.last - 42 * DAY, world.last - 21 * DAY);
    let due = world.last + rng.between(110, 130) * DAY;
    let mine: Vec<PastEmployer> = world.past.iter().map(|s| s.to_past_employer()).collect();
    let since = net.between(created, world.last);
    let talked_since = net.talked_in(since.clone());
    let (talked, quiet): (Vec<usize>, Vec<usize>) = (0..net.contacts.len())
        .filter(|&i| {
            net.contacts[i]
                .past_employers
                .iter()
                .any(|theirs| mine.iter().any(|m| m.overlaps(theirs)))
        })
        .partition(|&i| talked_since[i]);
    let wanted = rng.between(2, 4) as usize;
    let mut contacts = sample(rng, &talked, wanted);
    let wanted = rng.between(3, 6) as usize;
    contacts.extend(sample(rng, &quiet, wanted));
    contacts.sort_unstable();
    let recent = net.with_any(since, &contacts);
    let wanted = rng.between(3, 6) as usize;
    DemoGoal {
        goal: new_goal(
            GoalKind::Reconnect,
            "Reconnect with former colleagues".to_owned(),
            12,
            due,
        ),
        created_at: at(created),
        status: GoalStatus::Active,
        conversations: sample(rng, &recent, wanted),
        contacts,
    }
}

/// A new role in another industry, set recently: a few people there linked.
fn new_role(rng: &mut SplitMix64, net: &Network) -> DemoGoal {
    let world = net.world;
    let created = moment(rng, world.last - 20 * DAY, world.last - 7 * DAY);
    let due = world.last + rng.between(55, 65) * DAY;
    let mine = COMPANIES[world.my_company].industry;
    let industries: Vec<&str> = NEW_ROLE_INDUSTRIES
        .iter()
        .copied()
        .filter(|&i| i != mine)
        .collect();
    let industry = *rng.pick(&industries);
    let since = net.between(created, world.last);
    let talked_since = net.talked_in(since.clone());
    let (talked, quiet): (Vec<usize>, Vec<usize>) = (0..net.people.len())
        .filter(|&i| {
            let person = &net.people[i];
            COMPANIES[person.company].industry == industry && person.tie.talks_often()
        })
        .partition(|&i| talked_since[i]);
    let wanted = rng.between(1, 2) as usize;
    let mut contacts = sample(rng, &talked, wanted);
    let wanted = rng.between(2, 4) as usize;
    contacts.extend(sample(rng, &quiet, wanted));
    contacts.sort_unstable();
    let recent = net.with_any(since, &contacts);
    let wanted = rng.between(1, 3) as usize;
    DemoGoal {
        goal: NewGoal {
            industry: Some(industry.to_owned()),
            ..new_goal(
                GoalKind::NewRole,
                format!("Find my next role in {industry}"),
                8,
                due,
            )
        },
        created_at: at(created),
        status: GoalStatus::Active,
        conversations: sample(rng, &recent, wanted),
        contacts,
    }
}

/// The first `k` of `items` after shuffling (all of them if there are fewer).
fn shuffled(rng: &mut SplitMix64, items: &[usize], k: usize) -> Vec<usize> {
    let mut items = items.to_vec();
    let k = k.min(items.len());
    for i in 0..k {
        let j = i + rng.below(items.len() - i);
        items.swap(i, j);
    }
    items.truncate(k);
    items
}

/// `k` of `items` at random (all of them if there are fewer), ascending.
fn sample(rng: &mut SplitMix64, items: &[usize], k: usize) -> Vec<usize> {
    let mut chosen = shuffled(rng, items, k);
    chosen.sort_unstable();
    chosen
}
