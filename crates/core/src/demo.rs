//! A deterministic, realistic demo network: the people, conversations and
//! follow-ups of a busy networker, for `kith demo`, screenshots, benchmarks
//! and tests.
//!
//! The same [`DemoConfig`] always gives exactly the same [`DemoNetwork`], on
//! every platform and with every version of Kith's dependencies: randomness
//! comes from a SplitMix64 generator written out in this file, never from
//! `rand`, whose streams may change between releases.
//!
//! The shape of the network:
//! - exactly 20 conversations and 5 follow-ups per contact (200,000 and
//!   50,000 for the reference size of 10,000 contacts);
//! - conversation counts are skewed: a core of close ties (~8%) has about
//!   half of them, a long tail has a handful each, ~7% are one-off ties
//!   (exactly one conversation, more than 100 days ago) and ~5% were never
//!   talked to;
//! - ~12% work at the user's own organisation, in some of its functions only;
//!   ~10% are former colleagues; ~10% were introduced by an earlier contact.
//!
//! Contacts come in the order they were added (`added_at` ascending) and
//! conversations and follow-ups in the order they happened, so storing them
//! in order replays the user's history. Work and personal e-mail domains use
//! the reserved `.example` top-level domain: nothing generated here can reach
//! a real mailbox.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::contact::ContactDraft;
use crate::conversation::{Channel, Minutes};
use crate::follow_up::{FollowUpKind, FollowUpStatus, Owner};
use crate::values::{Birthday, Cadence, ContactName, Email, Link, Phone, TagName, TimeZone};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    pub contacts: usize,
    pub seed: u64,
    /// Everything generated happens before this instant, within two years.
    pub now: DateTime<Utc>,
}

/// A stint at an organisation, in whole calendar years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastEmployer {
    pub organisation: String,
    pub from_year: i32,
    pub to_year: i32,
}

impl PastEmployer {
    /// Whether two people were at the same organisation in a common year.
    pub fn overlaps(&self, other: &PastEmployer) -> bool {
        self.organisation == other.organisation
            && self.from_year <= other.to_year
            && other.from_year <= self.to_year
    }
}

/// A generated network, every cross-reference an index into its own vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoNetwork {
    /// The user's own employer now (an organisation name).
    pub my_organisation: String,
    /// The user's earlier employers, oldest first.
    pub my_past_employers: Vec<PastEmployer>,
    /// In the order they were added.
    pub contacts: Vec<DemoContact>,
    /// In the order they happened.
    pub conversations: Vec<DemoConversation>,
    /// In the order they were created.
    pub follow_ups: Vec<DemoFollowUp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoContact {
    /// `draft.introduced_by` is always `None`: see `introduced_by`.
    pub draft: ContactDraft,
    /// Index into `contacts`, always smaller than this contact's own.
    pub introduced_by: Option<usize>,
    /// Former colleagues overlap one of `my_past_employers`.
    pub past_employers: Vec<PastEmployer>,
    /// Within the two years before `now`.
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoConversation {
    /// Before `now`, and not before any participant's `added_at`.
    pub occurred_at: DateTime<Utc>,
    pub channel: Channel,
    /// `None` for e-mails and messages, else 10 to 90.
    pub minutes: Option<Minutes>,
    pub summary: String,
    /// Distinct indices into `contacts`; one person mostly, sometimes 2 or 3.
    pub participants: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoFollowUp {
    pub contact: usize,
    /// Index into `conversations`; that conversation includes `contact`.
    pub conversation: Option<usize>,
    pub owner: Owner,
    /// `Task` or `Introduction`, never `LoopBack`.
    pub kind: FollowUpKind,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub loop_back: bool,
    pub status: FollowUpStatus,
    /// `Some` exactly when the status is not `Open`; after the conversation.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Generates the network described by `config`; always the same for the same config.
pub fn generate(config: &DemoConfig) -> DemoNetwork {
    let mut rng = SplitMix64::new(config.seed);
    let world = World::new(&mut rng, config.now);
    let (people, contacts) = people(&mut rng, &world, config.contacts);
    let (conversations, times) = conversations(&mut rng, &world, &people);
    let follow_ups = follow_ups(&mut rng, &world, &people, &contacts, &conversations, &times);
    DemoNetwork {
        my_organisation: COMPANIES[world.my_company].name.to_owned(),
        my_past_employers: world.past.iter().map(|s| s.to_past_employer()).collect(),
        contacts,
        conversations,
        follow_ups,
    }
}

const CONVERSATIONS_PER_CONTACT: usize = 20;
const FOLLOW_UPS_PER_CONTACT: usize = 5;
const DAY: i64 = 86_400;
const HISTORY_DAYS: i64 = 730;
/// A one-off tie's single conversation is at least this old.
const ONE_OFF_MIN_AGE_DAYS: i64 = 100;
/// Fewest conversations for a contact that is neither silent nor a one-off.
const MIN_REGULAR_CONVERSATIONS: u64 = 2;

// ---------------------------------------------------------------------------
// Randomness

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and fixed forever.
/// Used instead of `rand` because the demo network for a seed must never
/// change across crate versions; tests, benchmarks and screenshots rely on it.
struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; `n` must not be zero.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        let span = (hi - lo) as u64 + 1;
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as i64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64) < p * (1u64 << 53) as f64
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Two different items (the same one if there is only one).
    fn pick_two<'a, T>(&mut self, items: &'a [T]) -> (&'a T, &'a T) {
        let first = self.below(items.len());
        let second = (first + 1 + self.below(items.len().max(2) - 1)) % items.len();
        (&items[first], &items[second])
    }

    fn pick_weighted<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        &items[self.weighted_index(items, weight)]
    }

    /// An index into `items`, each as likely as its weight; the weights must not all be zero.
    fn weighted_index<T>(&mut self, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
        let total: u32 = items.iter().map(&weight).sum();
        let mut target = self.below(total as usize) as u32;
        for (i, item) in items.iter().enumerate() {
            let w = weight(item);
            if target < w {
                return i;
            }
            target -= w;
        }
        unreachable!("the target is below the total weight")
    }
}

// ---------------------------------------------------------------------------
// The user's world: employer, career, home

/// A stint of the user's own career.
#[derive(Clone, Copy)]
struct Stint {
    company: usize,
    from_year: i32,
    to_year: i32,
}

impl Stint {
    fn to_past_employer(self) -> PastEmployer {
        PastEmployer {
            organisation: COMPANIES[self.company].name.to_owned(),
            from_year: self.from_year,
            to_year: self.to_year,
        }
    }
}

struct World {
    /// First and last whole second of the history (both inclusive).
    first: i64,
    last: i64,
    this_year: i32,
    my_company: usize,
    /// The user's earlier employers, oldest first.
    past: Vec<Stint>,
    /// The functions of my organisation that I know people in.
    my_functions: Vec<usize>,
    home_city: usize,
    offices: [usize; 3],
    time_zones: Vec<TimeZone>,
}

impl World {
    fn new(rng: &mut SplitMix64, now: DateTime<Utc>) -> Self {
        let last = now.timestamp() - 1;
        let my_company = loop {
            let c = rng.below(COMPANIES.len());
            if COMPANIES[c].industry != "venture capital" {
                break c;
            }
        };
        let this_year = now.year();
        let mut to_year = this_year - rng.between(1, 4) as i32;
        let mut taken = vec![my_company];
        let mut past = Vec::with_capacity(3);
        for _ in 0..3 {
            let company = company_except(rng, &taken);
            taken.push(company);
            let from_year = to_year - rng.between(2, 4) as i32;
            past.push(Stint {
                company,
                from_year,
                to_year,
            });
            to_year = from_year;
        }
        past.reverse();
        let mut functions: Vec<usize> = (0..FUNCTIONS.len()).collect();
        for i in (1..functions.len()).rev() {
            functions.swap(i, rng.below(i + 1));
        }
        functions.truncate(rng.between(6, 8) as usize);
        functions.sort_unstable();
        let home_city = rng.below(CITIES.len());
        let offices = [home_city, rng.below(CITIES.len()), rng.below(CITIES.len())];
        let time_zones = CITIES
            .iter()
            .map(|c| TimeZone::parse(c.tz).expect("the city table holds IANA zones"))
            .collect();
        Self {
            first: last - HISTORY_DAYS * DAY + 2,
            last,
            this_year,
            my_company,
            past,
            my_functions: functions,
            home_city,
            offices,
            time_zones,
        }
    }

    fn one_off_latest(&self) -> i64 {
        self.last - ONE_OFF_MIN_AGE_DAYS * DAY
    }
}

fn company_except(rng: &mut SplitMix64, taken: &[usize]) -> usize {
    loop {
        let c = rng.below(COMPANIES.len());
        if !taken.contains(&c) {
            return c;
        }
    }
}

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("demo times are near now")
}

/// A second in `lo..=hi`, moved to office hours (08:00-20:00 UTC) of the
/// same day when that stays in range.
fn moment(rng: &mut SplitMix64, lo: i64, hi: i64) -> i64 {
    let t = rng.between(lo, hi);
    let day = t.div_euclid(DAY) * DAY;
    let office = day + rng.between(8 * 3600, 20 * 3600 - 1) / 300 * 300;
    if (lo..=hi).contains(&office) {
        office
    } else {
        t
    }
}

// ---------------------------------------------------------------------------
// Contacts

/// How close a contact is, which sets how many conversations there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tie {
    /// Never talked to.
    Silent,
    /// Exactly one conversation, long ago.
    OneOff,
    Tail,
    Middle,
    Core,
}

impl Tie {
    fn talks_often(self) -> bool {
        matches!(self, Tie::Tail | Tie::Middle | Tie::Core)
    }
}

/// Where a contact stands relative to the user's career.
#[derive(Clone, Copy)]
enum Segment {
    /// Works at my organisation.
    Colleague,
    /// Worked with me at `World::past[_]`.
    Former(usize),
    Other,
}

/// What later stages need to know about a contact.
struct Person {
    added: i64,
    /// Conversations happen in `added..=active_until`.
    active_until: i64,
    tie: Tie,
    introducer: Option<usize>,
    given: &'static str,
    company: usize,
    function: usize,
}

fn people(rng: &mut SplitMix64, world: &World, n: usize) -> (Vec<Person>, Vec<DemoContact>) {
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

struct Name {
    given: &'static str,
    family: &'static str,
    initial: Option<char>,
    full: String,
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

fn draft(
    rng: &mut SplitMix64,
    world: &World,
    person: &Person,
    segment: Segment,
    name: &Name,
    introducer: Option<&ContactName>,
) -> ContactDraft {
    let company = &COMPANIES[person.company];
    let function = &FUNCTIONS[person.function];
    let city = city_for(rng, world, segment);
    let title = title(rng, company, function);
    let met_year = at(person.added).year();
    let (how_met, how_met_tag) = how_met(rng, world, segment, introducer, met_year);
    ContactDraft {
        name: Some(ContactName::parse(&name.full).expect("names from the tables are valid")),
        given_name: Some(name.given.to_owned()),
        family_name: Some(name.family.to_owned()),
        emails: emails(rng, name, company),
        phones: phone(rng, &CITIES[city]).into_iter().collect(),
        links: linkedin(rng, name).into_iter().collect(),
        organisation: Some(company.name.to_owned()),
        function: Some(function.name.to_owned()),
        industry: Some(company.industry.to_owned()),
        location: Some(format!("{}, {}", CITIES[city].name, CITIES[city].country)),
        timezone: Some(world.time_zones[city]),
        birthday: birthday(rng, world),
        how_met: Some(how_met),
        tags: tags(rng, segment, person.tie, &title, company, how_met_tag),
        notes: notes(rng, company, function, &CITIES[city]),
        cadence: cadence(rng, person.tie),
        title: Some(title),
        ..ContactDraft::default()
    }
}

fn city_for(rng: &mut SplitMix64, world: &World, segment: Segment) -> usize {
    match segment {
        Segment::Colleague if rng.chance(0.7) => world.home_city,
        Segment::Colleague => *rng.pick(&world.offices),
        _ if rng.chance(0.4) => world.home_city,
        _ => rng.below(CITIES.len()),
    }
}

fn title(rng: &mut SplitMix64, company: &Company, function: &Function) -> String {
    if company.industry == "venture capital" {
        return (*rng.pick(INVESTOR_TITLES)).to_owned();
    }
    if rng.chance(0.2) {
        return (*rng.pick(function.leads)).to_owned();
    }
    let seniority = *rng.pick_weighted(SENIORITY, |s| s.1);
    format!("{}{}", seniority.0, rng.pick(function.roles))
}

fn emails(rng: &mut SplitMix64, name: &Name, company: &Company) -> Vec<Email> {
    let given = ascii_slug(name.given);
    let family = ascii_slug(name.family);
    let local = match name.initial {
        Some(i) => format!("{given}.{}.{family}", i.to_ascii_lowercase()),
        None => format!("{given}.{family}"),
    };
    let work = || Email::parse(&format!("{local}@{}", company.domain)).expect("valid work e-mail");
    let personal = |rng: &mut SplitMix64| {
        let provider = rng.pick(MAIL_PROVIDERS);
        let address = format!("{given}{family}{}@{provider}", rng.between(1, 99));
        Email::parse(&address).expect("valid personal e-mail")
    };
    match rng.below(10) {
        0 => Vec::new(),
        1..7 => vec![work()],
        7 => vec![personal(rng)],
        _ => vec![work(), personal(rng)],
    }
}

fn phone(rng: &mut SplitMix64, city: &City) -> Option<Phone> {
    if !rng.chance(0.45) {
        return None;
    }
    // North America has three-digit area codes.
    let area = if city.dial == 1 {
        rng.between(201, 989)
    } else {
        rng.between(20, 99)
    };
    let number = format!(
        "+{} {area} {:03} {:04}",
        city.dial,
        rng.between(0, 999),
        rng.between(0, 9999)
    );
    Some(Phone::parse(&number).expect("valid phone number"))
}

fn linkedin(rng: &mut SplitMix64, name: &Name) -> Option<Link> {
    if !rng.chance(0.85) {
        return None;
    }
    let given = ascii_slug(name.given);
    let family = ascii_slug(name.family);
    let url = format!(
        "https://www.linkedin.com/in/{given}-{family}-{}",
        rng.between(1000, 999_999)
    );
    Some(Link::parse(&url).expect("valid LinkedIn URL"))
}

fn birthday(rng: &mut SplitMix64, world: &World) -> Option<Birthday> {
    if !rng.chance(0.3) {
        return None;
    }
    let (month, day) = (rng.between(1, 12), rng.between(1, 28));
    let text = if rng.chance(0.6) {
        let year = i64::from(world.this_year) - rng.between(22, 65);
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("--{month:02}-{day:02}")
    };
    Some(Birthday::parse(&text).expect("valid birthday"))
}

fn how_met(
    rng: &mut SplitMix64,
    world: &World,
    segment: Segment,
    introducer: Option<&ContactName>,
    met_year: i32,
) -> (String, Option<&'static str>) {
    if let Some(introducer) = introducer {
        return (format!("Introduced by {introducer}"), None);
    }
    match segment {
        Segment::Colleague => {
            let org = COMPANIES[world.my_company].name;
            let text = match rng.below(5) {
                0 => format!("Same team at {org}"),
                1 => format!("New-joiner onboarding at {org}"),
                2 => format!("{org} all-hands"),
                3 => format!("Cross-team project at {org}"),
                _ => "Internal mentoring programme".to_owned(),
            };
            (text, None)
        }
        Segment::Former(stint) => {
            let org = COMPANIES[world.past[stint].company].name;
            (format!("Worked together at {org}"), None)
        }
        Segment::Other => how_met_elsewhere(rng, met_year),
    }
}

/// How a contact from outside my past and present employers was met, by
/// `met_year` at the latest, with the tag that goes with it.
fn how_met_elsewhere(rng: &mut SplitMix64, met_year: i32) -> (String, Option<&'static str>) {
    let year = met_year - rng.between(0, 5) as i32;
    let city = rng.pick(CITIES).name;
    match rng.below(11) {
        0 => (
            format!("At {} {year}", rng.pick(CONFERENCES)),
            Some("conference"),
        ),
        1 => (
            format!("Sat next to each other at {} {year}", rng.pick(CONFERENCES)),
            Some("conference"),
        ),
        2 => (
            format!("At a {} in {city}", rng.pick(MEETUPS)),
            Some("meetup"),
        ),
        3 => (format!("LinkedIn message about {}", rng.pick(TOPICS)), None),
        4 => (
            format!("Alumni event for {}", rng.pick(SCHOOLS)),
            Some("alumni"),
        ),
        5 => ("Through a friend's dinner party".to_owned(), Some("friend")),
        6 => (format!("Hackathon in {city}"), None),
        7 => (format!("Same coworking space in {city}"), None),
        8 => (format!("Online course on {}", rng.pick(SKILLS)), None),
        9 => (format!("Cold e-mail about {}", rng.pick(TOPICS)), None),
        _ => (
            format!("Volunteering with {}", rng.pick(NONPROFITS)),
            Some("community"),
        ),
    }
}

fn tags(
    rng: &mut SplitMix64,
    segment: Segment,
    tie: Tie,
    title: &str,
    company: &Company,
    how_met: Option<&'static str>,
) -> Vec<TagName> {
    let mut words: Vec<&'static str> = Vec::with_capacity(4);
    match segment {
        Segment::Former(_) => words.push("former-colleague"),
        Segment::Colleague if rng.chance(0.4) => words.push("colleague"),
        _ => {}
    }
    if title.contains("Recruit") || title.contains("Talent") {
        words.push("recruiter");
    }
    if company.industry == "venture capital" {
        words.push("investor");
    }
    words.extend(how_met.filter(|_| rng.chance(0.7)));
    if tie == Tie::Core && rng.chance(0.4) {
        words.push(*rng.pick(&["friend", "mentor"]));
    }
    if rng.chance(0.25) {
        words.push(*rng.pick(EXTRA_TAGS));
    }
    let mut tags: Vec<TagName> = Vec::with_capacity(words.len());
    for word in words {
        let tag = TagName::parse(word).expect("tags from the table are valid");
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

fn notes(
    rng: &mut SplitMix64,
    company: &Company,
    function: &Function,
    city: &City,
) -> Option<String> {
    if !rng.chance(0.25) {
        return None;
    }
    let mut text = note(rng, company, function, city);
    if rng.chance(0.3) {
        text.push(' ');
        text.push_str(&note(rng, company, function, city));
    }
    Some(text)
}

fn note(rng: &mut SplitMix64, company: &Company, function: &Function, city: &City) -> String {
    match rng.below(12) {
        0 => format!("Interested in {}.", rng.pick(TOPICS)),
        1 => format!(
            "Thinking about a move into {}.",
            FUNCTIONS[rng.below(FUNCTIONS.len())].prose
        ),
        2 => format!("Prefers calls in the morning ({}).", city.tz),
        3 => "Loves hiking; ask about the last trip.".to_owned(),
        4 => format!("Writes a newsletter on {}.", rng.pick(TOPICS)),
        5 => "Happy to review CVs.".to_owned(),
        6 => format!(
            "Hiring for the {} team at {}.",
            function.prose, company.name
        ),
        7 => format!("Mentoring me on {}.", rng.pick(SKILLS)),
        8 => "Training for a marathon.".to_owned(),
        9 => "Two kids; avoid late calls.".to_owned(),
        10 => format!("Recommended '{}'.", rng.pick(BOOKS)),
        _ => format!("Wants to learn {}.", rng.pick(SKILLS)),
    }
}

fn cadence(rng: &mut SplitMix64, tie: Tie) -> Option<Cadence> {
    let (p, choices): (f64, &[&str]) = match tie {
        Tie::Core => (0.8, &["2w", "30d", "6w"]),
        Tie::Middle => (0.4, &["30d", "6w", "3m"]),
        Tie::Tail => (0.1, &["3m", "6m", "1y"]),
        Tie::Silent | Tie::OneOff => (0.05, &["6m", "1y"]),
    };
    if !rng.chance(p) {
        return None;
    }
    let choice = *rng.pick(choices);
    Some(Cadence::parse(choice).expect("cadences from the table are valid"))
}

/// Lower-case ASCII letters and digits only, accents folded: "Łukasz" -> "lukasz".
fn ascii_slug(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'a'..='z' | '0'..='9' => c,
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'ı' => 'i',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ğ' => 'g',
            'ł' => 'l',
            'ñ' | 'ń' => 'n',
            'ř' => 'r',
            'ś' | 'š' | 'ş' => 's',
            'ý' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            _ => continue,
        };
        out.push(folded);
    }
    out
}

// ---------------------------------------------------------------------------
// Conversations

/// A conversation to be: when, with whom first, and whether it is the first
/// one with that person (where an introducer may join).
struct Slot {
    at: i64,
    contact: usize,
    first: bool,
}

fn conversations(
    rng: &mut SplitMix64,
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
        .map(|slot| conversation(rng, people, &regulars, slot))
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
    people: &[Person],
    regulars: &[usize],
    slot: &Slot,
) -> DemoConversation {
    let channel = *rng.pick_weighted(CHANNELS, |c| c.1);
    let channel = channel.0;
    let participants = participants(rng, people, regulars, slot);
    let summary = summary(rng, people, &participants, slot, channel);
    DemoConversation {
        occurred_at: at(slot.at),
        channel,
        minutes: minutes(rng, channel),
        summary,
        participants,
    }
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

/// Names and facts a summary or a follow-up title can mention.
struct About {
    first: &'static str,
    company: &'static Company,
    function: &'static Function,
}

impl About {
    fn of(person: &Person) -> Self {
        Self {
            first: person.given,
            company: &COMPANIES[person.company],
            function: &FUNCTIONS[person.function],
        }
    }
}

fn summary(
    rng: &mut SplitMix64,
    people: &[Person],
    participants: &[usize],
    slot: &Slot,
    channel: Channel,
) -> String {
    let person = &people[slot.contact];
    let about = About::of(person);
    if slot.first && participants.len() == 2 && person.introducer == Some(participants[1]) {
        let (func, org) = (about.function.prose, about.company.name);
        let introducer = people[participants[1]].given;
        return format!(
            "{introducer} introduced me to {}; talked about {func} at {org}.",
            about.first
        );
    }
    if participants.len() > 1 {
        let names: Vec<&str> = participants.iter().map(|&j| people[j].given).collect();
        return group_summary(rng, &names);
    }
    if slot.first && rng.chance(0.3) && channel.is_meaningful() {
        return first_summary(rng, &about);
    }
    if channel.is_meaningful() {
        spoken_summary(rng, &about)
    } else {
        written_summary(rng, &about)
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

fn spoken_summary(rng: &mut SplitMix64, a: &About) -> String {
    let (first, org, func) = (a.first, a.company.name, a.function.prose);
    let (skill, later) = rng.pick_two(SKILLS);
    let other = FUNCTIONS[rng.below(FUNCTIONS.len())].prose;
    match rng.below(12) {
        0 => format!("{first} walked me through their path into {func} at {org}."),
        1 => format!(
            "Informational chat about {}: {skill} matters now, {later} in the long run.",
            a.company.industry
        ),
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
    }
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

// ---------------------------------------------------------------------------
// Follow-ups

/// A follow-up to be: when it was created, from which conversation, for whom.
struct Seed {
    created: i64,
    conversation: Option<usize>,
    contact: usize,
}

fn follow_ups(
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
    let (done, dropped) = match age_days {
        60.. => (75, 15),
        14..60 => (45, 5),
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

// ---------------------------------------------------------------------------
// Word lists

struct Company {
    name: &'static str,
    domain: &'static str,
    industry: &'static str,
}

const fn co(name: &'static str, domain: &'static str, industry: &'static str) -> Company {
    Company {
        name,
        domain,
        industry,
    }
}

const COMPANIES: &[Company] = &[
    co("Northwind Software", "northwind.example", "software"),
    co("Bluefin Labs", "bluefinlabs.example", "software"),
    co("Cobalt Cloud", "cobaltcloud.example", "software"),
    co("Helix Data", "helixdata.example", "software"),
    co("Pinecrest Systems", "pinecrest.example", "software"),
    co("Quillstack", "quillstack.example", "software"),
    co("Lumen Analytics", "lumen-analytics.example", "software"),
    co("Orbital Apps", "orbitalapps.example", "software"),
    co("Brightpath Security", "brightpath.example", "software"),
    co("Tessellate", "tessellate.example", "software"),
    co("Harbor Bank", "harborbank.example", "finance"),
    co("Meridian Capital", "meridiancap.example", "finance"),
    co("Crestline Insurance", "crestline.example", "finance"),
    co("Ledgerly", "ledgerly.example", "finance"),
    co("Summit Payments", "summitpay.example", "finance"),
    co("Granite Trust", "granitetrust.example", "finance"),
    co("Foundry Ventures", "foundry.vc.example", "venture capital"),
    co(
        "Northstar Partners",
        "northstar.vc.example",
        "venture capital",
    ),
    co(
        "Redwood Seed Fund",
        "redwoodseed.example",
        "venture capital",
    ),
    co("Cedar Health", "cedarhealth.example", "healthcare"),
    co("Vitalis Pharma", "vitalis.example", "healthcare"),
    co("Clearview Clinics", "clearview.example", "healthcare"),
    co("Mosaic Bio", "mosaicbio.example", "healthcare"),
    co("Evergreen Medical", "evergreenmed.example", "healthcare"),
    co("Oakridge Outfitters", "oakridge.example", "retail"),
    co("Basket & Co", "basketco.example", "retail"),
    co("Urban Pantry", "urbanpantry.example", "retail"),
    co("Tidewater Home", "tidewater.example", "retail"),
    co("Marlow Fashion", "marlow.example", "retail"),
    co("Signal Media", "signalmedia.example", "media"),
    co("Paper Lantern Studios", "paperlantern.example", "media"),
    co("Broadcast North", "broadcastnorth.example", "media"),
    co("Inkwell Publishing", "inkwell.example", "media"),
    co("Echo Podcasts", "echopods.example", "media"),
    co("Beacon University", "beacon.edu.example", "education"),
    co("Westbury Polytechnic", "westbury.edu.example", "education"),
    co("Lighthouse Learning", "lighthouse.example", "education"),
    co("OpenCourse", "opencourse.example", "education"),
    co("Kestrel Consulting", "kestrel.example", "consulting"),
    co("Atlas Advisory", "atlasadvisory.example", "consulting"),
    co("Blueprint Partners", "blueprint.example", "consulting"),
    co("Sterling & Hart", "sterlinghart.example", "consulting"),
    co("Solstice Energy", "solstice.example", "energy"),
    co("Windward Power", "windward.example", "energy"),
    co("Terra Grid", "terragrid.example", "energy"),
    co("Hydra Renewables", "hydra.example", "energy"),
    co("City of Riverton", "riverton.gov.example", "government"),
    co(
        "Department of Digital Services",
        "digital.gov.example",
        "government",
    ),
    co(
        "National Statistics Office",
        "stats.gov.example",
        "government",
    ),
    co(
        "Port Authority of Easton",
        "easton-port.gov.example",
        "government",
    ),
    co(
        "Open Doors Foundation",
        "opendoors.org.example",
        "nonprofit",
    ),
    co("Green Commons", "greencommons.org.example", "nonprofit"),
    co(
        "Code for Communities",
        "codeforcommunities.org.example",
        "nonprofit",
    ),
    co("Literacy Alliance", "literacy.org.example", "nonprofit"),
    co("Forge Robotics", "forgerobotics.example", "manufacturing"),
    co("Alder Automotive", "alderauto.example", "manufacturing"),
    co(
        "Precision Parts Co",
        "precisionparts.example",
        "manufacturing",
    ),
    co("Swiftline Logistics", "swiftline.example", "logistics"),
    co("Cargoflow", "cargoflow.example", "logistics"),
    co("Skybridge Telecom", "skybridge.example", "telecom"),
    co("Wayfarer Travel", "wayfarer.example", "travel"),
];

const NONPROFITS: &[&str] = &[
    "Open Doors Foundation",
    "Green Commons",
    "Code for Communities",
    "Literacy Alliance",
    "the food bank",
];

struct Function {
    /// As stored in a contact's function field.
    name: &'static str,
    /// As written in a sentence.
    prose: &'static str,
    weight: u32,
    roles: &'static [&'static str],
    leads: &'static [&'static str],
}

/// The index of "finance" in `FUNCTIONS`.
const FINANCE: usize = 5;

const FUNCTIONS: &[Function] = &[
    Function {
        name: "engineering",
        prose: "engineering",
        weight: 22,
        roles: &[
            "Software Engineer",
            "Backend Engineer",
            "Frontend Engineer",
            "Site Reliability Engineer",
            "Mobile Engineer",
            "Security Engineer",
        ],
        leads: &[
            "Engineering Manager",
            "Director of Engineering",
            "VP of Engineering",
            "CTO",
        ],
    },
    Function {
        name: "product",
        prose: "product",
        weight: 10,
        roles: &[
            "Product Manager",
            "Technical Product Manager",
            "Product Owner",
        ],
        leads: &[
            "Group Product Manager",
            "Director of Product",
            "VP of Product",
            "Chief Product Officer",
        ],
    },
    Function {
        name: "design",
        prose: "design",
        weight: 6,
        roles: &[
            "Product Designer",
            "UX Researcher",
            "UX Writer",
            "Visual Designer",
        ],
        leads: &["Design Manager", "Head of Design"],
    },
    Function {
        name: "sales",
        prose: "sales",
        weight: 12,
        roles: &[
            "Account Executive",
            "Sales Development Representative",
            "Solutions Engineer",
            "Account Manager",
        ],
        leads: &["Sales Manager", "Regional Sales Director", "VP of Sales"],
    },
    Function {
        name: "marketing",
        prose: "marketing",
        weight: 9,
        roles: &[
            "Product Marketing Manager",
            "Content Strategist",
            "Growth Marketer",
            "Brand Manager",
        ],
        leads: &["Marketing Manager", "Director of Marketing", "CMO"],
    },
    Function {
        name: "finance",
        prose: "finance",
        weight: 7,
        roles: &[
            "Financial Analyst",
            "Accountant",
            "FP&A Analyst",
            "Treasury Analyst",
        ],
        leads: &["Finance Manager", "Controller", "Head of Finance", "CFO"],
    },
    Function {
        name: "hr",
        prose: "HR",
        weight: 6,
        roles: &[
            "Recruiter",
            "Technical Recruiter",
            "People Partner",
            "Talent Partner",
        ],
        leads: &["Head of Talent", "People Director", "Chief People Officer"],
    },
    Function {
        name: "legal",
        prose: "legal",
        weight: 3,
        roles: &[
            "Counsel",
            "Privacy Counsel",
            "Paralegal",
            "Compliance Analyst",
        ],
        leads: &["General Counsel", "Head of Legal"],
    },
    Function {
        name: "operations",
        prose: "operations",
        weight: 8,
        roles: &[
            "Operations Analyst",
            "Program Manager",
            "Project Manager",
            "Business Operations Associate",
        ],
        leads: &["Operations Manager", "Chief of Staff", "COO"],
    },
    Function {
        name: "data",
        prose: "data",
        weight: 8,
        roles: &[
            "Data Analyst",
            "Data Scientist",
            "Data Engineer",
            "Machine Learning Engineer",
        ],
        leads: &["Analytics Manager", "Head of Data"],
    },
    Function {
        name: "customer success",
        prose: "customer success",
        weight: 6,
        roles: &[
            "Customer Success Manager",
            "Support Engineer",
            "Implementation Consultant",
        ],
        leads: &["Head of Customer Success", "Support Manager"],
    },
];

/// A prefix for individual-contributor roles, with its weight.
const SENIORITY: &[(&str, u32)] = &[
    ("Junior ", 15),
    ("", 40),
    ("Senior ", 35),
    ("Lead ", 6),
    ("Principal ", 4),
];

const INVESTOR_TITLES: &[&str] = &[
    "Associate",
    "Senior Associate",
    "Principal",
    "Partner",
    "Venture Partner",
];

struct City {
    name: &'static str,
    country: &'static str,
    tz: &'static str,
    dial: u16,
}

const fn city(name: &'static str, country: &'static str, tz: &'static str, dial: u16) -> City {
    City {
        name,
        country,
        tz,
        dial,
    }
}

const CITIES: &[City] = &[
    city("San Francisco", "United States", "America/Los_Angeles", 1),
    city("Seattle", "United States", "America/Los_Angeles", 1),
    city("New York", "United States", "America/New_York", 1),
    city("Boston", "United States", "America/New_York", 1),
    city("Chicago", "United States", "America/Chicago", 1),
    city("Austin", "United States", "America/Chicago", 1),
    city("Toronto", "Canada", "America/Toronto", 1),
    city("Vancouver", "Canada", "America/Vancouver", 1),
    city("Mexico City", "Mexico", "America/Mexico_City", 52),
    city("São Paulo", "Brazil", "America/Sao_Paulo", 55),
    city(
        "Buenos Aires",
        "Argentina",
        "America/Argentina/Buenos_Aires",
        54,
    ),
    city("London", "United Kingdom", "Europe/London", 44),
    city("Dublin", "Ireland", "Europe/Dublin", 353),
    city("Paris", "France", "Europe/Paris", 33),
    city("Berlin", "Germany", "Europe/Berlin", 49),
    city("Munich", "Germany", "Europe/Berlin", 49),
    city("Amsterdam", "Netherlands", "Europe/Amsterdam", 31),
    city("Stockholm", "Sweden", "Europe/Stockholm", 46),
    city("Madrid", "Spain", "Europe/Madrid", 34),
    city("Lisbon", "Portugal", "Europe/Lisbon", 351),
    city("Zurich", "Switzerland", "Europe/Zurich", 41),
    city("Warsaw", "Poland", "Europe/Warsaw", 48),
    city("Istanbul", "Turkey", "Europe/Istanbul", 90),
    city("Lagos", "Nigeria", "Africa/Lagos", 234),
    city("Nairobi", "Kenya", "Africa/Nairobi", 254),
    city("Cape Town", "South Africa", "Africa/Johannesburg", 27),
    city("Dubai", "United Arab Emirates", "Asia/Dubai", 971),
    city("Bangalore", "India", "Asia/Kolkata", 91),
    city("Mumbai", "India", "Asia/Kolkata", 91),
    city("Singapore", "Singapore", "Asia/Singapore", 65),
    city("Tokyo", "Japan", "Asia/Tokyo", 81),
    city("Seoul", "South Korea", "Asia/Seoul", 82),
    city("Shanghai", "China", "Asia/Shanghai", 86),
    city("Sydney", "Australia", "Australia/Sydney", 61),
    city("Auckland", "New Zealand", "Pacific/Auckland", 64),
];

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "James", "Mary", "Michael", "Sarah", "David", "Emily", "Daniel", "Jessica", "Matthew", "Laura",
    "Ryan", "Hannah", "Chris", "Megan", "Andrew", "Olivia", "Ben", "Grace", "Tom", "Chloe",
    "José", "María", "Carlos", "Lucía", "Javier", "Sofía", "Diego", "Camila", "Alejandro", "Valentina",
    "Mateo", "Isabel", "Lukas", "Anna", "Jonas", "Lena", "Felix", "Mia", "Sven", "Ingrid",
    "Lars", "Freya", "Björn", "Astrid", "Daan", "Sanne", "Julien", "Camille", "Luc", "Élodie",
    "Marco", "Giulia", "Luca", "Chiara", "Antoine", "Margaux", "Łukasz", "Katarzyna", "Piotr", "Agnieszka",
    "Ivan", "Olga", "Dmitri", "Natalia", "Tomáš", "Petra", "Priya", "Arjun", "Ananya", "Rahul",
    "Kavya", "Vikram", "Deepa", "Rohan", "Aisha", "Sanjay", "Neha", "Aditya", "Wei", "Xin",
    "Jun", "Mei", "Hao", "Yan", "Lei", "Ying", "Jing", "Haruto", "Yuki", "Sakura",
    "Kenji", "Aiko", "Takumi", "Hina", "Ren", "Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Joon",
    "Omar", "Fatima", "Ahmed", "Layla", "Youssef", "Noor", "Karim", "Yasmin", "Hassan", "Leila",
    "Chinedu", "Ngozi", "Kwame", "Amara", "Tunde", "Zanele", "Kofi", "Wanjiru", "Sipho", "Adaeze",
    "Jabari", "Nia", "Emre", "Elif", "Can", "Zeynep", "Dariush", "Shirin", "Minh", "Linh",
    "Thanh", "Maricel", "Putri", "Budi", "Siti", "Anong", "Noa", "Eitan", "Tamar", "Yonatan",
    "João", "Beatriz", "Thiago", "Larissa", "Aroha", "Tane", "Sam", "Alex", "Jordan", "Taylor",
];

#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Clark",
    "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Campbell",
    "O'Brien", "Murphy", "Kelly", "Byrne", "MacLeod", "García", "Rodríguez", "Martínez", "López", "González",
    "Hernández", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Ortiz", "Castillo", "Müller", "Schmidt",
    "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner", "Johansson", "Lindqvist", "Andersen", "Nielsen",
    "Eriksson", "Virtanen", "de Vries", "van Dijk", "Jansen", "Bakker", "Dubois", "Lefèvre", "Moreau", "Laurent",
    "Rossi", "Bianchi", "Romano", "Ricci", "Ferrari", "Esposito", "Kowalski", "Nowak", "Wiśniewski", "Ivanov",
    "Petrova", "Smirnov", "Novák", "Horvat", "Kovač", "Sharma", "Patel", "Gupta", "Iyer", "Reddy",
    "Nair", "Singh", "Kumar", "Menon", "Chatterjee", "Desai", "Rao", "Wang", "Li", "Zhang",
    "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Lin", "Tan", "Lim",
    "Ng", "Wong", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Nakamura", "Kobayashi",
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Haddad", "Khalil", "Mansour", "Nasser",
    "Farah", "Saleh", "Aziz", "Rahman", "Hussain", "Okafor", "Adeyemi", "Mensah", "Okonkwo", "Mwangi",
    "Otieno", "Nkosi", "Dlamini", "Abebe", "Diallo", "Traoré", "Osei", "Yılmaz", "Demir", "Kaya",
    "Tehrani", "Karimi", "Nguyen", "Tran", "Pham", "Santos", "Reyes", "Cruz", "Wijaya", "Cohen",
    "Levi", "Friedman", "Silva", "Costa", "Oliveira", "Ferreira", "Almeida", "Kahale", "Ngata", "Fontaine",
];

const MAIL_PROVIDERS: &[&str] = &[
    "mail.example",
    "inbox.example",
    "post.example",
    "webmail.example",
];

/// How often each channel is used, in percent.
const CHANNELS: &[(Channel, u32)] = &[
    (Channel::Zoom, 15),
    (Channel::Meet, 12),
    (Channel::Teams, 8),
    (Channel::Hangouts, 2),
    (Channel::Jitsi, 2),
    (Channel::Video, 3),
    (Channel::Phone, 12),
    (Channel::Coffee, 14),
    (Channel::InPerson, 12),
    (Channel::Email, 12),
    (Channel::Message, 8),
];

const EXTRA_TAGS: &[&str] = &[
    "friend",
    "mentor",
    "mentee",
    "hiring-manager",
    "community",
    "speaker",
    "founder",
    "advisor",
    "book-club",
    "climbing",
];

const CONFERENCES: &[&str] = &[
    "RustConf",
    "Web Summit",
    "SaaStr Annual",
    "Money20/20",
    "HIMSS",
    "SXSW",
    "Mind the Product",
    "Config",
    "Collision",
    "Slush",
    "PyCon",
    "KubeCon",
    "Grace Hopper Celebration",
    "DevOpsDays",
    "Leading Design",
];

const MEETUPS: &[&str] = &[
    "Rust meetup",
    "product management meetup",
    "design systems meetup",
    "fintech breakfast",
    "data science meetup",
    "founders' dinner",
    "women in tech breakfast",
    "climate tech meetup",
    "startup happy hour",
];

const SCHOOLS: &[&str] = &[
    "Beacon University",
    "Westbury Polytechnic",
    "Harbourside College",
    "Northgate Business School",
];

const SKILLS: &[&str] = &[
    "SQL",
    "stakeholder management",
    "system design",
    "Rust",
    "negotiation",
    "financial modelling",
    "user research",
    "public speaking",
    "product discovery",
    "data storytelling",
    "Kubernetes",
    "pricing strategy",
    "people management",
    "roadmapping",
    "A/B testing",
    "accessibility",
    "contract drafting",
    "Python",
    "writing clear docs",
    "forecasting",
    "budgeting",
    "change management",
    "customer interviews",
    "machine learning basics",
];

const TOPICS: &[&str] = &[
    "remote team rituals",
    "pricing experiments",
    "hiring senior engineers",
    "moving from IC to manager",
    "AI tooling at work",
    "on-call burnout",
    "salary negotiation",
    "building a personal brand",
    "open-source maintenance",
    "customer discovery",
    "the four-day week",
    "career ladders",
    "OKRs that work",
    "going freelance",
    "data privacy rules",
    "fundraising",
    "sustainability reporting",
    "design systems",
    "sales compensation",
    "returning to the office",
];

/// Work projects, to be written after "the".
const PROJECTS: &[&str] = &[
    "platform migration",
    "Q3 launch",
    "Series B",
    "reorg",
    "new pricing page",
    "data warehouse rebuild",
    "mobile app rewrite",
    "SOC 2 audit",
    "APAC expansion",
    "rebrand",
    "customer advisory board",
    "internal hackathon",
    "graduate programme",
    "ERP rollout",
    "annual report",
];

const BOOKS: &[&str] = &[
    "Atomic Habits",
    "The Manager's Path",
    "Inspired",
    "Never Split the Difference",
    "Designing Data-Intensive Applications",
    "The Mom Test",
    "Crucial Conversations",
    "Radical Candor",
    "Good Strategy Bad Strategy",
    "Thinking in Systems",
    "An Elegant Puzzle",
    "Working Backwards",
    "The Staff Engineer's Path",
    "Range",
    "Deep Work",
    "So Good They Can't Ignore You",
    "Designing Your Life",
    "Give and Take",
    "Never Eat Alone",
];

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::OnceLock;

    use chrono::Duration;
    use proptest::prelude::*;

    use super::*;
    use crate::values::LinkKind;

    fn config(contacts: usize, seed: u64) -> DemoConfig {
        let now = "2026-03-14T09:30:00.250Z".parse().unwrap();
        DemoConfig {
            contacts,
            seed,
            now,
        }
    }

    /// The network most tests look at: 1,000 contacts.
    fn thousand() -> &'static (DemoConfig, DemoNetwork) {
        static NETWORK: OnceLock<(DemoConfig, DemoNetwork)> = OnceLock::new();
        NETWORK.get_or_init(|| {
            let config = config(1000, 42);
            (config, generate(&config))
        })
    }

    fn fraction(count: usize, of: usize) -> f64 {
        count as f64 / of as f64
    }

    fn conversations_per_contact(net: &DemoNetwork) -> Vec<Vec<usize>> {
        let mut per = vec![Vec::new(); net.contacts.len()];
        for (c, conversation) in net.conversations.iter().enumerate() {
            for &p in &conversation.participants {
                per[p].push(c);
            }
        }
        per
    }

    /// Every structural promise of `DemoNetwork`, for any size and seed.
    fn assert_well_formed(config: &DemoConfig, net: &DemoNetwork) {
        let (now, n) = (config.now, net.contacts.len());
        let history_start = now - Duration::days(HISTORY_DAYS);
        assert_eq!(n, config.contacts);
        assert_eq!(net.my_past_employers.len(), 3);
        for (i, contact) in net.contacts.iter().enumerate() {
            assert!(contact.added_at >= history_start && contact.added_at < now);
            assert_eq!(contact.draft.introduced_by, None);
            if let Some(j) = contact.introduced_by {
                assert!(j < i, "contact {i} introduced by later contact {j}");
            }
            if i > 0 {
                assert!(net.contacts[i - 1].added_at <= contact.added_at);
            }
        }
        for (c, conversation) in net.conversations.iter().enumerate() {
            let people = &conversation.participants;
            assert!((1..=3).contains(&people.len()), "{people:?}");
            for (k, &p) in people.iter().enumerate() {
                assert!(p < n);
                assert!(!people[..k].contains(&p), "participant {p} twice in {c}");
                assert!(net.contacts[p].added_at <= conversation.occurred_at);
            }
            assert!(conversation.occurred_at < now && conversation.occurred_at >= history_start);
            if c > 0 {
                assert!(net.conversations[c - 1].occurred_at <= conversation.occurred_at);
            }
            match conversation.minutes {
                None => assert!(!conversation.channel.is_meaningful()),
                Some(m) => {
                    assert!(conversation.channel.is_meaningful());
                    assert!((10..=90).contains(&m.get()), "{m:?}");
                }
            }
            assert!(!conversation.summary.trim().is_empty());
        }
        for follow_up in &net.follow_ups {
            assert!(follow_up.contact < n);
            assert_ne!(follow_up.kind, FollowUpKind::LoopBack);
            assert!(!follow_up.title.trim().is_empty());
            assert!(!follow_up.loop_back || follow_up.owner == Owner::Me);
            let created = match follow_up.conversation {
                Some(c) => {
                    let conversation = &net.conversations[c];
                    assert!(conversation.participants.contains(&follow_up.contact));
                    conversation.occurred_at
                }
                None => net.contacts[follow_up.contact].added_at,
            };
            assert_eq!(
                follow_up.closed_at.is_some(),
                follow_up.status != FollowUpStatus::Open
            );
            if let Some(closed) = follow_up.closed_at {
                assert!(closed > created && closed < now);
            }
        }
    }

    #[test]
    fn splitmix64_matches_the_reference_output() {
        let mut rng = SplitMix64::new(1_234_567);
        let first: Vec<u64> = (0..5).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn the_same_config_gives_the_same_network() {
        let (config, net) = thousand();
        assert_eq!(&generate(config), net);
        let other = generate(&DemoConfig {
            seed: 43,
            ..*config
        });
        assert_ne!(&other, net);
        assert_ne!(other.contacts[0].draft.name, net.contacts[0].draft.name);
    }

    #[test]
    fn sizes_follow_the_ratios() {
        let (_, net) = thousand();
        assert_eq!(net.contacts.len(), 1000);
        assert_eq!(net.conversations.len(), 20 * 1000);
        assert_eq!(net.follow_ups.len(), 5 * 1000);
    }

    #[test]
    fn the_reference_size_is_hit_with_mostly_unique_names() {
        let config = config(10_000, 7);
        let net = generate(&config);
        assert_eq!(net.contacts.len(), 10_000);
        assert_eq!(net.conversations.len(), 200_000);
        assert_eq!(net.follow_ups.len(), 50_000);
        let names: HashSet<&str> = net
            .contacts
            .iter()
            .map(|c| c.draft.name.as_ref().unwrap().as_str())
            .collect();
        assert!(names.len() >= 9_950, "only {} distinct names", names.len());
        let initials = names.iter().filter(|n| n.contains(". ")).count();
        assert!(initials > 0, "repeated names get a middle initial");
    }

    #[test]
    fn the_network_is_well_formed() {
        let (config, net) = thousand();
        assert_well_formed(config, net);
    }

    #[test]
    fn small_networks_are_well_formed() {
        for contacts in 0..=12 {
            for seed in [0, 1, u64::MAX] {
                let config = config(contacts, seed);
                let net = generate(&config);
                assert_well_formed(&config, &net);
                assert_eq!(net.follow_ups.len(), 5 * contacts);
            }
        }
    }

    #[test]
    fn every_channel_appears_in_a_realistic_mix() {
        let (_, net) = thousand();
        let mut seen: HashMap<Channel, usize> = HashMap::new();
        for conversation in &net.conversations {
            *seen.entry(conversation.channel).or_default() += 1;
        }
        for channel in Channel::ALL {
            assert!(
                seen.get(channel).copied().unwrap_or(0) > 0,
                "{channel} never used"
            );
        }
        let video: usize = seen
            .iter()
            .filter(|(c, _)| c.is_video())
            .map(|(_, n)| n)
            .sum();
        let written = seen[&Channel::Email] + seen[&Channel::Message];
        let share = fraction(video, net.conversations.len());
        assert!((0.3..0.55).contains(&share), "video share {share}");
        let share = fraction(written, net.conversations.len());
        assert!((0.1..0.3).contains(&share), "written share {share}");
    }

    #[test]
    fn some_conversations_have_several_people() {
        let (_, net) = thousand();
        let groups = net
            .conversations
            .iter()
            .filter(|c| c.participants.len() > 1)
            .count();
        let share = fraction(groups, net.conversations.len());
        assert!((0.05..0.2).contains(&share), "group share {share}");
        assert!(net.conversations.iter().any(|c| c.participants.len() == 3));
    }

    #[test]
    fn conversation_counts_are_skewed() {
        let (config, net) = thousand();
        let per = conversations_per_contact(net);
        let mut counts: Vec<usize> = per.iter().map(Vec::len).collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let top_tenth: usize = counts[..counts.len() / 10].iter().sum();
        let all: usize = counts.iter().sum();
        assert!(
            fraction(top_tenth, all) > 0.4,
            "top 10% hold {top_tenth} of {all}"
        );
        let silent = counts.iter().filter(|&&c| c == 0).count();
        let share = fraction(silent, counts.len());
        assert!((0.03..0.08).contains(&share), "never talked to: {share}");
        let cutoff = config.now - Duration::days(90);
        let one_offs = per
            .iter()
            .filter(|cs| cs.len() == 1 && net.conversations[cs[0]].occurred_at < cutoff)
            .count();
        let share = fraction(one_offs, counts.len());
        assert!((0.05..0.1).contains(&share), "one-off ties: {share}");
    }

    #[test]
    fn introductions_point_to_earlier_contacts() {
        let (_, net) = thousand();
        let introduced: Vec<(usize, &DemoContact)> = net
            .contacts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.introduced_by.is_some())
            .collect();
        let share = fraction(introduced.len(), net.contacts.len());
        assert!((0.06..0.14).contains(&share), "introduced: {share}");
        for (i, contact) in introduced {
            let j = contact.introduced_by.unwrap();
            assert!(j < i);
            let introducer = net.contacts[j].draft.name.as_ref().unwrap();
            let how_met = contact.draft.how_met.as_deref().unwrap();
            assert_eq!(how_met, format!("Introduced by {introducer}"));
        }
    }

    #[test]
    fn my_organisation_is_covered_in_some_functions_only() {
        let (_, net) = thousand();
        let mine: Vec<&ContactDraft> = net
            .contacts
            .iter()
            .map(|c| &c.draft)
            .filter(|d| d.organisation.as_deref() == Some(net.my_organisation.as_str()))
            .collect();
        let share = fraction(mine.len(), net.contacts.len());
        assert!((0.1..0.15).contains(&share), "at my organisation: {share}");
        let functions: HashSet<&str> = mine.iter().filter_map(|d| d.function.as_deref()).collect();
        assert!(functions.len() >= 5, "{functions:?}");
        assert!(functions.len() < FUNCTIONS.len(), "{functions:?}");
        assert!(
            net.my_past_employers
                .iter()
                .all(|p| p.organisation != net.my_organisation && p.from_year < p.to_year)
        );
    }

    #[test]
    fn former_colleagues_overlap_my_past_and_are_tagged() {
        let (_, net) = thousand();
        let tag = TagName::parse("former-colleague").unwrap();
        let mut former = 0;
        for contact in &net.contacts {
            let overlaps = contact.past_employers.iter().any(|theirs| {
                net.my_past_employers
                    .iter()
                    .any(|mine| mine.overlaps(theirs))
            });
            assert_eq!(overlaps, contact.draft.tags.contains(&tag), "{contact:?}");
            former += usize::from(overlaps);
        }
        let share = fraction(former, net.contacts.len());
        assert!((0.07..0.13).contains(&share), "former colleagues: {share}");
        assert!(
            net.contacts
                .iter()
                .any(|c| !c.past_employers.is_empty() && !c.draft.tags.contains(&tag))
        );
    }

    #[test]
    fn contact_fields_are_filled_realistically() {
        let (_, net) = thousand();
        let drafts: Vec<&ContactDraft> = net.contacts.iter().map(|c| &c.draft).collect();
        let count = |f: fn(&ContactDraft) -> bool| drafts.iter().filter(|d| f(d)).count();
        assert_eq!(
            count(|d| d.given_name.is_some() && d.family_name.is_some()),
            1000
        );
        assert_eq!(count(|d| d.title.is_some() && d.function.is_some()), 1000);
        assert_eq!(
            count(|d| d.industry.is_some() && d.location.is_some()),
            1000
        );
        assert_eq!(count(|d| d.timezone.is_some() && d.how_met.is_some()), 1000);
        assert!(count(|d| d.emails.len() == 2) > 150);
        assert!(count(|d| d.emails.is_empty()) > 50);
        assert!(count(|d| d.phones.len() == 1) > 300);
        assert!(count(|d| d.links.iter().any(|l| l.kind() == LinkKind::LinkedIn)) > 750);
        assert!((200..400).contains(&count(|d| d.birthday.is_some())));
        assert!((150..350).contains(&count(|d| d.notes.is_some())));
        assert!((100..450).contains(&count(|d| d.cadence.is_some())));
        for tag in [
            "recruiter",
            "investor",
            "conference",
            "alumni",
            "friend",
            "mentor",
        ] {
            let tag = TagName::parse(tag).unwrap();
            assert!(
                drafts.iter().any(|d| d.tags.contains(&tag)),
                "no contact tagged {tag}"
            );
        }
        let industries: HashSet<&str> = drafts
            .iter()
            .filter_map(|d| d.industry.as_deref())
            .collect();
        assert!(industries.len() >= 10, "{industries:?}");
        let names: HashSet<&str> = drafts
            .iter()
            .map(|d| d.name.as_ref().unwrap().as_str())
            .collect();
        assert!(names.len() >= 995, "{} distinct names", names.len());
    }

    #[test]
    fn generated_values_survive_a_round_trip_through_parse() {
        let (_, net) = thousand();
        for draft in net.contacts.iter().map(|c| &c.draft) {
            let name = draft.name.as_ref().unwrap();
            assert_eq!(&ContactName::parse(name.as_str()).unwrap(), name);
            for email in &draft.emails {
                assert_eq!(&Email::parse(email.as_str()).unwrap(), email);
            }
            for link in &draft.links {
                assert!(
                    link.url().starts_with("https://www.linkedin.com/in/"),
                    "{link}"
                );
                assert_eq!(&Link::parse(link.url()).unwrap(), link);
            }
            let tz = draft.timezone.unwrap();
            assert_eq!(TimeZone::parse(tz.name()).unwrap(), tz);
            if let Some(birthday) = draft.birthday {
                assert_eq!(Birthday::parse(&birthday.to_string()).unwrap(), birthday);
            }
        }
    }

    #[test]
    fn follow_ups_look_like_homework() {
        let (config, net) = thousand();
        let count =
            |f: &dyn Fn(&DemoFollowUp) -> bool| net.follow_ups.iter().filter(|x| f(x)).count();
        assert!(count(&|f| f.owner == Owner::Me) > 2000);
        assert!(count(&|f| f.owner == Owner::Them) > 1000);
        assert!(count(&|f| f.kind == FollowUpKind::Introduction) > 500);
        assert!(count(&|f| f.kind == FollowUpKind::Task) > 3000);
        assert!(count(&|f| f.loop_back) > 300);
        assert!(count(&|f| f.due_on.is_some()) > 2000);
        assert!(count(&|f| f.conversation.is_none()) > 100);
        assert!(count(&|f| f.title.starts_with("Read '")) > 50);
        let created = |f: &DemoFollowUp| match f.conversation {
            Some(c) => net.conversations[c].occurred_at,
            None => net.contacts[f.contact].added_at,
        };
        let old: Vec<&DemoFollowUp> = net
            .follow_ups
            .iter()
            .filter(|f| created(f) < config.now - Duration::days(60))
            .collect();
        let done = old
            .iter()
            .filter(|f| f.status == FollowUpStatus::Done)
            .count();
        let dropped = old
            .iter()
            .filter(|f| f.status == FollowUpStatus::Dropped)
            .count();
        assert!(
            fraction(done, old.len()) > 0.6,
            "{done} of {} old ones done",
            old.len()
        );
        assert!(dropped > 0);
        let recent: Vec<&DemoFollowUp> = net
            .follow_ups
            .iter()
            .filter(|f| created(f) > config.now - Duration::days(14))
            .collect();
        let open = recent
            .iter()
            .filter(|f| f.status == FollowUpStatus::Open)
            .count();
        assert!(
            fraction(open, recent.len()) > 0.6,
            "{open} of {} recent ones open",
            recent.len()
        );
    }

    #[test]
    fn word_lists_are_sound() {
        assert!(FIRST_NAMES.len() >= 150 && LAST_NAMES.len() >= 150);
        assert!(COMPANIES.len() >= 60 && CITIES.len() >= 30);
        for name in FIRST_NAMES.iter().chain(LAST_NAMES) {
            assert!(!ascii_slug(name).is_empty(), "{name}");
        }
        for company in COMPANIES {
            assert!(Email::parse(&format!("jane.doe@{}", company.domain)).is_ok());
        }
        for city in CITIES {
            assert!(TimeZone::parse(city.tz).is_ok(), "{}", city.tz);
        }
        assert_eq!(FUNCTIONS[FINANCE].name, "finance");
        assert_eq!(ascii_slug("Łukasz"), "lukasz");
        assert_eq!(ascii_slug("O'Brien"), "obrien");
        assert_eq!(ascii_slug("de Vries"), "devries");
        assert_eq!(ascii_slug("Yılmaz"), "yilmaz");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn any_seed_and_size_gives_a_well_formed_network(seed: u64, contacts in 0usize..80) {
            let config = config(contacts, seed);
            assert_well_formed(&config, &generate(&config));
        }
    }
}
