//! A contact's profile: the fields of their `ContactDraft`.

use chrono::Datelike;

use super::cities::{CITIES, City};
use super::companies::{
    COMPANIES, Company, FUNCTIONS, Function, INVESTOR_TITLES, NONPROFITS, SENIORITY,
};
use super::names::MAIL_PROVIDERS;
use super::people::{Name, Person, Segment, Tie};
use super::rng::SplitMix64;
use super::words::{BOOKS, CONFERENCES, EXTRA_TAGS, MEETUPS, SCHOOLS, SKILLS, TOPICS};
use super::world::{World, at};
use crate::contact::ContactDraft;
use crate::values::{Birthday, Cadence, ContactName, Email, Link, Phone, TagName};

pub(super) fn draft(
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
pub(super) fn ascii_slug(input: &str) -> String {
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
