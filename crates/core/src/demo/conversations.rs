//! Conversations: how many each contact has, when, with whom, on which channel.

use super::companies::FUNCTIONS;
use super::people::{Person, Tie};
use super::rng::SplitMix64;
use super::summaries::summary;
use super::words::{CHANNELS, LEARNING_NOTES, PATHS};
use super::world::{World, at, moment};
use super::{CONVERSATIONS_PER_CONTACT, DAY, DemoConversation, MIN_REGULAR_CONVERSATIONS};
use crate::conversation::{Channel, ConversationKind, Learning, LearningKind, Minutes};

/// A conversation to be: when, with whom first, and whether it is the first
/// one with that person (where an introducer may join).
pub(super) struct Slot {
    pub(super) at: i64,
    pub(super) contact: usize,
    pub(super) first: bool,
}

/// `extra` draws what later versions added (what informational chats taught),
/// so that `rng` draws exactly what it always has.
pub(super) fn conversations(
    rng: &mut SplitMix64,
    extra: &mut SplitMix64,
    world: &World,
    people: &[Person],
) -> (Vec<DemoConversation>, Vec<i64>) {
    let counts = conversation_counts(rng, people);
    let total = counts.iter().sum::<u64>() as usize;
    let mut slots = Vec::with_capacity(total);
    for (contact, (person, &count)) in people.iter().zip(&counts).enumerate() {
        slots_for(rng, world, person, contact, count, &mut slots);
    }
    slots.sort_by_key(|s| (s.at, s.contact));
    // Contacts that may join someone else's conversation, by time added.
    let regulars: Vec<usize> = (0..people.len())
        .filter(|&i| people[i].tie.talks_often())
        .collect();
    let conversations = slots
        .iter()
        .map(|slot| conversation(rng, extra, people, &regulars, slot))
        .collect();
    (conversations, slots.iter().map(|s| s.at).collect())
}

/// How many conversations each contact starts: exactly 20 per contact in
/// all, one for one-offs, none for silent ties, the rest by closeness and
/// by how long the tie has been active.
fn conversation_counts(rng: &mut SplitMix64, people: &[Person]) -> Vec<u64> {
    let weights: Vec<u64> = people
        .iter()
        .map(|p| {
            let base = match p.tie {
                Tie::Silent | Tie::OneOff => return 0,
                Tie::Tail => rng.between(2, 8),
                Tie::Middle => rng.between(12, 40),
                Tie::Core => rng.between(60, 160),
            };
            (base * ((p.active_until - p.added) / DAY + 60)) as u64
        })
        .collect();
    let one_offs = people.iter().filter(|p| p.tie == Tie::OneOff).count() as u64;
    let budget = ((people.len() * CONVERSATIONS_PER_CONTACT) as u64).saturating_sub(one_offs);
    let total_weight: u64 = weights.iter().sum();
    let mut counts: Vec<u64> = people
        .iter()
        .zip(&weights)
        .map(|(p, &w)| match p.tie {
            Tie::OneOff => 1,
            _ if w == 0 => 0,
            _ => (w * budget / total_weight).max(MIN_REGULAR_CONVERSATIONS),
        })
        .collect();
    settle(&mut counts, &weights, budget);
    counts
}

/// Adds or removes single conversations from regular contacts, in turn,
/// until their counts add up to `budget` (or none can give up any more).
fn settle(counts: &mut [u64], weights: &[u64], budget: u64) {
    let regular: Vec<usize> = (0..counts.len()).filter(|&i| weights[i] > 0).collect();
    let mut sum: u64 = regular.iter().map(|&i| counts[i]).sum();
    let (mut turn, mut stuck) = (0, 0);
    while sum != budget && stuck < regular.len() {
        let i = regular[turn % regular.len()];
        turn += 1;
        if sum < budget {
            counts[i] += 1;
            sum += 1;
        } else if counts[i] > MIN_REGULAR_CONVERSATIONS {
            counts[i] -= 1;
            sum -= 1;
        } else {
            stuck += 1;
            continue;
        }
        stuck = 0;
    }
}

fn slots_for(
    rng: &mut SplitMix64,
    world: &World,
    person: &Person,
    contact: usize,
    count: u64,
    slots: &mut Vec<Slot>,
) {
    let (lo, hi) = (person.added, person.active_until);
    for k in 0..count {
        let at = match (person.tie, k) {
            (Tie::OneOff, _) => moment(rng, lo, (lo + 2 * DAY).min(world.one_off_latest())),
            // People are usually added when first met.
            (_, 0) => moment(rng, lo, (lo + 3 * DAY).min(hi)),
            _ => moment(rng, lo, hi),
        };
        slots.push(Slot {
            at,
            contact,
            first: k == 0,
        });
    }
}

fn conversation(
    rng: &mut SplitMix64,
    extra: &mut SplitMix64,
    people: &[Person],
    regulars: &[usize],
    slot: &Slot,
) -> DemoConversation {
    let channel = *rng.pick_weighted(CHANNELS, |c| c.1);
    let channel = channel.0;
    let participants = participants(rng, people, regulars, slot);
    let summary = summary(rng, people, &participants, slot, channel);
    let minutes = minutes(rng, channel);
    // Only one-to-one calls and meetings get an informational summary.
    let (kind, learned) = match summary.informational {
        Some(skills) => (
            ConversationKind::Informational,
            learned(extra, people[slot.contact].function, skills),
        ),
        None => (ConversationKind::Regular, Vec::new()),
    };
    DemoConversation {
        occurred_at: at(slot.at),
        channel,
        minutes,
        summary: summary.text,
        participants,
        kind,
        learned,
    }
}

/// One to three things an informational chat with someone in `function`
/// taught: the skill that matters now, often the one for later, and often a
/// path into the function or a piece of advice.
fn learned(
    extra: &mut SplitMix64,
    function: usize,
    (now, later): (&'static str, &'static str),
) -> Vec<Learning> {
    let learning = |kind, text: &'static str| Learning {
        kind,
        text: text.to_owned(),
    };
    let mut learned = Vec::with_capacity(3);
    learned.push(learning(LearningKind::Skill, now));
    if extra.chance(0.6) {
        learned.push(learning(LearningKind::Skill, later));
    }
    if extra.chance(0.55) {
        let name = FUNCTIONS[function].name;
        let paths: Vec<&str> = PATHS
            .iter()
            .filter(|(into, _)| *into == name)
            .map(|(_, path)| *path)
            .collect();
        let path = if paths.is_empty() {
            extra.pick(PATHS).1
        } else {
            *extra.pick(&paths)
        };
        learned.push(learning(LearningKind::Path, path));
    } else if extra.chance(0.3) {
        let note = *extra.pick(LEARNING_NOTES);
        learned.push(learning(LearningKind::Note, note));
    }
    learned
}

/// The contact, sometimes with one or two others who were known by then;
/// an introducer often joins the first conversation.
fn participants(
    rng: &mut SplitMix64,
    people: &[Person],
    regulars: &[usize],
    slot: &Slot,
) -> Vec<usize> {
    let mut participants = Vec::with_capacity(3);
    participants.push(slot.contact);
    if let Some(introducer) = introducer_joining(rng, people, slot) {
        participants.push(introducer);
        return participants;
    }
    if !rng.chance(0.12) {
        return participants;
    }
    let known = regulars.partition_point(|&j| people[j].added <= slot.at);
    if known == 0 {
        return participants;
    }
    let extra = if rng.chance(0.7) { 1 } else { 2 };
    for _ in 0..extra * 3 {
        let j = regulars[rng.below(known)];
        if !participants.contains(&j) {
            participants.push(j);
        }
        if participants.len() > extra {
            break;
        }
    }
    participants
}

fn introducer_joining(rng: &mut SplitMix64, people: &[Person], slot: &Slot) -> Option<usize> {
    let introducer = people[slot.contact].introducer?;
    // Contacts are in the order they were added, so the introducer was known by then.
    (slot.first && people[introducer].tie.talks_often() && rng.chance(0.5)).then_some(introducer)
}

fn minutes(rng: &mut SplitMix64, channel: Channel) -> Option<Minutes> {
    let fives = match channel {
        Channel::Email | Channel::Message => return None,
        Channel::Phone => rng.between(2, 9),
        Channel::Coffee => rng.between(4, 12),
        Channel::InPerson => rng.between(6, 18),
        _ => rng.between(3, 12),
    };
    Some(Minutes::new(fives as u32 * 5).expect("10 to 90 minutes are valid"))
}
