//! What a conversation was about, in a sentence.

use super::companies::{COMPANIES, Company, FUNCTIONS, Function};
use super::conversations::Slot;
use super::people::Person;
use super::rng::SplitMix64;
use super::words::{BOOKS, CONFERENCES, PROJECTS, SKILLS, TOPICS};
use crate::conversation::Channel;

/// Names and facts a summary or a follow-up title can mention.
pub(super) struct About {
    pub(super) first: &'static str,
    pub(super) company: &'static Company,
    pub(super) function: &'static Function,
}

impl About {
    pub(super) fn of(person: &Person) -> Self {
        Self {
            first: person.given,
            company: &COMPANIES[person.company],
            function: &FUNCTIONS[person.function],
        }
    }
}

/// A conversation's summary, and what it was about when it was an
/// informational chat.
pub(super) struct Summary {
    pub(super) text: String,
    /// The skills an informational chat said matter now and in the long run.
    pub(super) informational: Option<(&'static str, &'static str)>,
}

impl From<String> for Summary {
    fn from(text: String) -> Self {
        Self {
            text,
            informational: None,
        }
    }
}

pub(super) fn summary(
    rng: &mut SplitMix64,
    people: &[Person],
    participants: &[usize],
    slot: &Slot,
    channel: Channel,
) -> Summary {
    let person = &people[slot.contact];
    let about = About::of(person);
    if slot.first && participants.len() == 2 && person.introducer == Some(participants[1]) {
        let (func, org) = (about.function.prose, about.company.name);
        let introducer = people[participants[1]].given;
        return format!(
            "{introducer} introduced me to {}; talked about {func} at {org}.",
            about.first
        )
        .into();
    }
    if participants.len() > 1 {
        let names: Vec<&str> = participants.iter().map(|&j| people[j].given).collect();
        return group_summary(rng, &names).into();
    }
    if slot.first && rng.chance(0.3) && channel.is_meaningful() {
        return first_summary(rng, &about).into();
    }
    if channel.is_meaningful() {
        spoken_summary(rng, &about)
    } else {
        written_summary(rng, &about).into()
    }
}

fn first_summary(rng: &mut SplitMix64, a: &About) -> String {
    let (first, org) = (a.first, a.company.name);
    match rng.below(3) {
        0 => format!(
            "First chat with {first}: what a week in {} at {org} looks like.",
            a.function.prose
        ),
        1 => format!(
            "Got to know {first}; they joined {org} just before the {}.",
            rng.pick(PROJECTS)
        ),
        _ => format!("Intro call with {first} about {}.", rng.pick(TOPICS)),
    }
}

fn spoken_summary(rng: &mut SplitMix64, a: &About) -> Summary {
    let (first, org, func) = (a.first, a.company.name, a.function.prose);
    let (skill, later) = rng.pick_two(SKILLS);
    let other = FUNCTIONS[rng.below(FUNCTIONS.len())].prose;
    let text = match rng.below(12) {
        0 => format!("{first} walked me through their path into {func} at {org}."),
        1 => {
            return Summary {
                text: format!(
                    "Informational chat about {}: {skill} matters now, {later} in the long run.",
                    a.company.industry
                ),
                informational: Some((skill, later)),
            };
        }
        2 => format!("Asked {first} what a move into {func} takes: {skill} first, then {later}."),
        3 => format!("Caught up on the {} at {org}.", rng.pick(PROJECTS)),
        4 => format!("{first} offered to introduce me to someone in {other}."),
        5 => format!("Talked through my career change; {first} suggested starting with {skill}."),
        6 => format!("Swapped notes on {}.", rng.pick(TOPICS)),
        7 => format!("{first} reviewed my CV and suggested leading with {skill}."),
        8 => format!("Quick catch-up: {first}'s team at {org} is hiring in {func}."),
        9 => format!("Mock interview for {other} roles; I need to practise {skill}."),
        10 => format!(
            "{first} recommended '{}' and we talked about {}.",
            rng.pick(BOOKS),
            rng.pick(TOPICS)
        ),
        _ => format!(
            "Caught up after {}; {first} is busy with the {}.",
            rng.pick(CONFERENCES),
            rng.pick(PROJECTS)
        ),
    };
    text.into()
}

fn written_summary(rng: &mut SplitMix64, a: &About) -> String {
    let (first, org, func) = (a.first, a.company.name, a.function.prose);
    match rng.below(7) {
        0 => format!("Sent {first} a thank-you note after our chat."),
        1 => format!("{first} shared an article on {}.", rng.pick(TOPICS)),
        2 => format!("Asked {first} about the open {func} role at {org}."),
        3 => format!("Followed up with {first} on the {}.", rng.pick(PROJECTS)),
        4 => format!("Shared my notes on '{}' with {first}.", rng.pick(BOOKS)),
        5 => format!("Congratulated {first} on their work anniversary at {org}."),
        _ => format!(
            "Set up a call with {first} to talk about {}.",
            rng.pick(TOPICS)
        ),
    }
}

fn group_summary(rng: &mut SplitMix64, names: &[&str]) -> String {
    let names = match names {
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    match rng.below(4) {
        0 => format!("Caught up with {names} about the {}.", rng.pick(PROJECTS)),
        1 => format!("{names} and I compared notes on {}.", rng.pick(TOPICS)),
        2 => format!(
            "Brainstormed ideas for the {} with {names}.",
            rng.pick(PROJECTS)
        ),
        _ => format!("Talked {} with {names}.", rng.pick(TOPICS)),
    }
}
