//! Contacts: who they are, how close they are, where they work and worked.

use std::collections::HashSet;

use super::companies::{COMPANIES, FINANCE, FUNCTIONS};
use super::names::{FIRST_NAMES, LAST_NAMES};
use super::profile::draft;
use super::rng::SplitMix64;
use super::world::{Stint, World, at, company_except, moment};
use super::{DAY, DemoContact, PastEmployer};

/// How close a contact is, which sets how many conversations there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tie {
    /// Never talked to.
    Silent,
    /// Exactly one conversation, long ago.
    OneOff,
    Tail,
    Middle,
    Core,
}

impl Tie {
    pub(super) fn talks_often(self) -> bool {
        matches!(self, Tie::Tail | Tie::Middle | Tie::Core)
    }
}

/// Where a contact stands relative to the user's career.
#[derive(Clone, Copy)]
pub(super) enum Segment {
    /// Works at my organisation.
    Colleague,
    /// Worked with me at `World::past[_]`.
    Former(usize),
    Other,
}

/// What later stages need to know about a contact.
pub(super) struct Person {
    pub(super) added: i64,
    /// Conversations happen in `added..=active_until`.
    pub(super) active_until: i64,
    pub(super) tie: Tie,
    pub(super) introducer: Option<usize>,
    pub(super) given: &'static str,
    pub(super) company: usize,
    pub(super) function: usize,
}

/// `extra` is the stream for what later versions added, so that `rng` draws
/// exactly what it always has.
pub(super) fn people(
    rng: &mut SplitMix64,
    extra: &mut SplitMix64,
    world: &World,
    n: usize,
) -> (Vec<Person>, Vec<DemoContact>) {
    let mut coverage = Coverage::new(extra, world);
    let added = added_times(rng, world, n);
    let mut people: Vec<Person> = Vec::with_capacity(n);
    let mut contacts: Vec<DemoContact> = Vec::with_capacity(n);
    let mut names = HashSet::with_capacity(n);
    let mut close: Vec<usize> = Vec::new();
    for (i, &added) in added.iter().enumerate() {
        let tie = tie(rng, world, added);
        let segment = match rng.below(100) {
            0..12 => Segment::Colleague,
            12..22 => Segment::Former(rng.below(world.past.len())),
            _ => Segment::Other,
        };
        let introducer = (i > 0 && rng.chance(0.10)).then(|| {
            if close.is_empty() {
                rng.below(i)
            } else {
                *rng.pick(&close)
            }
        });
        let name = unique_name(rng, &mut names);
        let (company, function) = job(rng, world, segment);
        let function = match segment {
            Segment::Colleague => coverage.admit(extra, function),
            _ => function,
        };
        let person = Person {
            added,
            active_until: active_until(rng, world, tie, added),
            tie,
            introducer,
            given: name.given,
            company,
            function,
        };
        let intro_name = introducer.and_then(|j| contacts[j].draft.name.as_ref());
        let draft = draft(rng, world, &person, segment, &name, intro_name);
        if matches!(tie, Tie::Middle | Tie::Core) {
            close.push(i);
        }
        contacts.push(DemoContact {
            draft,
            introduced_by: introducer,
            past_employers: past_employers(rng, world, segment),
            added_at: at(added),
        });
        people.push(person);
    }
    (people, contacts)
}

/// When each contact was added, ascending: about 30% in an import on the
/// first days, the rest spread over the two years.
fn added_times(rng: &mut SplitMix64, world: &World, n: usize) -> Vec<i64> {
    let imported = n * 3 / 10;
    let mut times: Vec<i64> = (0..n)
        .map(|i| {
            if i < imported {
                rng.between(world.first, world.first + 2 * DAY)
            } else {
                moment(rng, world.first, world.last)
            }
        })
        .collect();
    times.sort_unstable();
    times
}

fn tie(rng: &mut SplitMix64, world: &World, added: i64) -> Tie {
    let tie = match rng.below(100) {
        0..5 => Tie::Silent,
        5..13 => Tie::OneOff,
        13..21 => Tie::Core,
        21..48 => Tie::Middle,
        _ => Tie::Tail,
    };
    match tie {
        Tie::OneOff if added > world.one_off_latest() - 3 * DAY => Tie::Tail,
        Tie::Core if added > world.last - 180 * DAY => Tie::Middle,
        other => other,
    }
}

/// One in five looser ties drifted apart: nothing in the last four months.
fn active_until(rng: &mut SplitMix64, world: &World, tie: Tie, added: i64) -> i64 {
    let drift_end = world.last - 120 * DAY;
    let drifts = matches!(tie, Tie::Tail | Tie::Middle) && added < drift_end && rng.chance(0.2);
    if drifts {
        rng.between(added, drift_end)
    } else {
        world.last
    }
}

pub(super) struct Name {
    pub(super) given: &'static str,
    pub(super) family: &'static str,
    pub(super) initial: Option<char>,
    pub(super) full: String,
}

impl Name {
    fn random(rng: &mut SplitMix64) -> Self {
        let given = *rng.pick(FIRST_NAMES);
        let family = *rng.pick(LAST_NAMES);
        Self {
            given,
            family,
            initial: None,
            full: format!("{given} {family}"),
        }
    }

    fn with_initial(self, rng: &mut SplitMix64) -> Self {
        let initial = char::from(b'A' + rng.below(26) as u8);
        let full = format!("{} {initial}. {}", self.given, self.family);
        Self {
            initial: Some(initial),
            full,
            ..self
        }
    }
}

/// A name nobody else has yet, with a middle initial when the plain one is taken.
fn unique_name(rng: &mut SplitMix64, taken: &mut HashSet<String>) -> Name {
    let mut name = Name::random(rng);
    for attempt in 1..=12 {
        if !taken.contains(&name.full) {
            break;
        }
        name = if attempt % 4 == 0 {
            Name::random(rng)
        } else {
            name.with_initial(rng)
        };
    }
    taken.insert(name.full.clone());
    name
}

/// The company and function a contact works in now.
fn job(rng: &mut SplitMix64, world: &World, segment: Segment) -> (usize, usize) {
    match segment {
        Segment::Colleague => {
            let function = *rng.pick_weighted(&world.my_functions, |&f| FUNCTIONS[f].weight);
            (world.my_company, function)
        }
        // A few former colleagues never left.
        Segment::Former(stint) if rng.chance(0.1) => {
            let company = world.past[stint].company;
            (company, function_at(rng, company))
        }
        _ => {
            let company = company_except(rng, &[world.my_company]);
            (company, function_at(rng, company))
        }
    }
}

/// How the user's colleagues spread over the functions of my organisation:
/// a few thin functions hold only one or two of them, and whoever would have
/// been one too many there works in one of the well-covered functions instead.
struct Coverage {
    /// Per `FUNCTIONS` index: how many more colleagues it takes, `None` for any number.
    room: Vec<Option<usize>>,
    /// The functions of my organisation without a limit.
    open: Vec<usize>,
}

impl Coverage {
    fn new(extra: &mut SplitMix64, world: &World) -> Self {
        let mut mine = world.my_functions.clone();
        for i in (1..mine.len()).rev() {
            mine.swap(i, extra.below(i + 1));
        }
        let thin = mine
            .len()
            .saturating_sub(4)
            .clamp(2, 3)
            .min(mine.len().saturating_sub(1));
        let mut room = vec![None; FUNCTIONS.len()];
        for &f in &mine[..thin] {
            room[f] = Some(extra.between(1, 2) as usize);
        }
        let mut open = mine[thin..].to_vec();
        open.sort_unstable();
        Self { room, open }
    }

    /// The function a colleague drawn for `function` ends up in.
    fn admit(&mut self, extra: &mut SplitMix64, function: usize) -> usize {
        match &mut self.room[function] {
            None => function,
            Some(0) => *extra.pick_weighted(&self.open, |&f| FUNCTIONS[f].weight),
            Some(left) => {
                *left -= 1;
                function
            }
        }
    }
}

/// Investors are in finance; everyone else anywhere, by how common the function is.
fn function_at(rng: &mut SplitMix64, company: usize) -> usize {
    if COMPANIES[company].industry == "venture capital" {
        FINANCE
    } else {
        rng.weighted_index(FUNCTIONS, |f| f.weight)
    }
}

fn past_employers(rng: &mut SplitMix64, world: &World, segment: Segment) -> Vec<PastEmployer> {
    match segment {
        Segment::Former(stint) => vec![overlapping(rng, world, world.past[stint])],
        _ if rng.chance(0.25) => {
            let mut taken: Vec<usize> = world.past.iter().map(|s| s.company).collect();
            taken.push(world.my_company);
            let to_year = world.this_year - rng.between(1, 8) as i32;
            let stint = Stint {
                company: company_except(rng, &taken),
                from_year: to_year - rng.between(1, 5) as i32,
                to_year,
            };
            vec![stint.to_past_employer()]
        }
        _ => Vec::new(),
    }
}

/// A stint at the same company as `mine` that shares at least a year with it.
fn overlapping(rng: &mut SplitMix64, world: &World, mine: Stint) -> PastEmployer {
    let from_year = mine.from_year - rng.between(0, 3) as i32;
    let from_year = from_year.min(mine.to_year - 1);
    let earliest_end = i64::from(from_year.max(mine.from_year) + 1);
    let latest_end = i64::from((mine.to_year + 3).min(world.this_year));
    let to_year = rng.between(earliest_end, latest_end.max(earliest_end)) as i32;
    Stint {
        company: mine.company,
        from_year,
        to_year,
    }
    .to_past_employer()
}
