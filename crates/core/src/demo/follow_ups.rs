//! Follow-ups: the homework conversations leave behind, and how it turned out.

use chrono::{DateTime, Utc};

use super::companies::FUNCTIONS;
use super::people::Person;
use super::rng::SplitMix64;
use super::summaries::About;
use super::words::{BOOKS, CONFERENCES, PROJECTS, SKILLS, TOPICS};
use super::world::{World, at, moment};
use super::{DAY, DemoContact, DemoConversation, DemoFollowUp, FOLLOW_UPS_PER_CONTACT};
use crate::follow_up::{FollowUpKind, FollowUpStatus, Owner};
use crate::values::ContactName;

/// A follow-up to be: when it was created, from which conversation, for whom.
struct Seed {
    created: i64,
    conversation: Option<usize>,
    contact: usize,
}

pub(super) fn follow_ups(
    rng: &mut SplitMix64,
    world: &World,
    people: &[Person],
    contacts: &[DemoContact],
    conversations: &[DemoConversation],
    times: &[i64],
) -> Vec<DemoFollowUp> {
    if people.is_empty() {
        return Vec::new();
    }
    let total = people.len() * FOLLOW_UPS_PER_CONTACT;
    let mut seeds: Vec<Seed> = (0..total)
        .map(|_| {
            if !conversations.is_empty() && rng.chance(0.92) {
                let c = rng.below(conversations.len());
                let contact = *rng.pick(&conversations[c].participants);
                Seed {
                    created: times[c],
                    conversation: Some(c),
                    contact,
                }
            } else {
                let contact = rng.below(people.len());
                let created = moment(rng, people[contact].added, world.last);
                Seed {
                    created,
                    conversation: None,
                    contact,
                }
            }
        })
        .collect();
    seeds.sort_by_key(|s| (s.created, s.conversation, s.contact));
    seeds
        .iter()
        .map(|seed| follow_up(rng, world, people, contacts, seed))
        .collect()
}

fn follow_up(
    rng: &mut SplitMix64,
    world: &World,
    people: &[Person],
    contacts: &[DemoContact],
    seed: &Seed,
) -> DemoFollowUp {
    let about = About::of(&people[seed.contact]);
    let owner = if rng.chance(0.6) {
        Owner::Me
    } else {
        Owner::Them
    };
    let kind = if rng.chance(0.8) {
        FollowUpKind::Task
    } else {
        FollowUpKind::Introduction
    };
    let other = someone_else(rng, contacts, seed.contact);
    let title = match (owner, kind) {
        (Owner::Me, FollowUpKind::Task) => my_task(rng, &about),
        (Owner::Me, _) => my_introduction(rng, &about, other),
        (Owner::Them, FollowUpKind::Task) => their_task(rng, &about),
        (Owner::Them, _) => their_introduction(rng, &about, other),
    };
    let due_on = rng
        .chance(0.55)
        .then(|| at(seed.created + rng.between(2, 30) * DAY).date_naive());
    let (status, closed_at) = outcome(rng, world, seed.created);
    DemoFollowUp {
        contact: seed.contact,
        conversation: seed.conversation,
        owner,
        loop_back: owner == Owner::Me && kind == FollowUpKind::Task && rng.chance(0.35),
        kind,
        title,
        due_on,
        status,
        closed_at,
    }
}

/// Another contact's name, for introductions (the same one in a network of one).
fn someone_else<'a>(rng: &mut SplitMix64, contacts: &'a [DemoContact], contact: usize) -> &'a str {
    let mut other = rng.below(contacts.len());
    if other == contact {
        other = (other + 1) % contacts.len();
    }
    contacts[other]
        .draft
        .name
        .as_ref()
        .map_or("", ContactName::as_str)
}

/// Old follow-ups are mostly done (some dropped), recent ones mostly open.
fn outcome(
    rng: &mut SplitMix64,
    world: &World,
    created: i64,
) -> (FollowUpStatus, Option<DateTime<Utc>>) {
    let age_days = (world.last - created) / DAY;
    // Old homework is settled; what is still open is mostly recent, as it is
    // for someone who keeps up (a few old items linger).
    let (done, dropped) = match age_days {
        180.. => (96, 4),
        60..180 => (88, 9),
        14..60 => (50, 8),
        _ => (15, 2),
    };
    let roll = rng.below(100);
    let status = if roll < done {
        FollowUpStatus::Done
    } else if roll < done + dropped {
        FollowUpStatus::Dropped
    } else {
        return (FollowUpStatus::Open, None);
    };
    let span = (world.last - created).min(45 * DAY);
    if span < 60 {
        return (FollowUpStatus::Open, None);
    }
    (status, Some(at(created + rng.between(60, span))))
}

fn my_task(rng: &mut SplitMix64, a: &About) -> String {
    let (first, org, func) = (a.first, a.company.name, a.function.prose);
    match rng.below(9) {
        0 | 1 => format!("Read '{}'", rng.pick(BOOKS)),
        2 => format!("Send {first} the deck"),
        3 => format!("Send {first} my updated CV"),
        4 => format!("Share the {} write-up with {first}", rng.pick(PROJECTS)),
        5 => format!("Take a course on {}", rng.pick(SKILLS)),
        6 => format!("Apply for the {func} role at {org}"),
        7 => format!("Write {first} a thank-you note"),
        _ => format!("Prepare questions about {} for {first}", rng.pick(TOPICS)),
    }
}

fn my_introduction(rng: &mut SplitMix64, a: &About, other: &str) -> String {
    let first = a.first;
    match rng.below(3) {
        0 => format!("Introduce {first} to {other}"),
        1 => format!("Reach out to {other}, whom {first} suggested"),
        _ => format!("Ask {other} for a coffee, as {first} suggested"),
    }
}

fn their_task(rng: &mut SplitMix64, a: &About) -> String {
    let (org, func) = (a.company.name, a.function.prose);
    match rng.below(7) {
        0 => "Send me the job description".to_owned(),
        1 => "Review my portfolio".to_owned(),
        2 => format!("Share the hiring plan for {func}"),
        3 => format!("Send the recording of the {} talk", rng.pick(CONFERENCES)),
        4 => format!("Check whether the {func} role is still open"),
        5 => format!("Refer me for the {func} role at {org}"),
        _ => format!("Lend me '{}'", rng.pick(BOOKS)),
    }
}

fn their_introduction(rng: &mut SplitMix64, a: &About, other: &str) -> String {
    match rng.below(4) {
        0 => "Introduce me to their manager".to_owned(),
        1 => format!(
            "Introduce me to the {} lead at {}",
            a.function.prose, a.company.name
        ),
        2 => format!("Introduce me to {other}"),
        _ => format!(
            "Connect me with someone in {}",
            FUNCTIONS[rng.below(FUNCTIONS.len())].prose
        ),
    }
}
