use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::Duration;
use proptest::prelude::*;

use super::cities::CITIES;
use super::companies::{COMPANIES, FINANCE, FUNCTIONS, PRODUCT};
use super::names::{FIRST_NAMES, LAST_NAMES};
use super::profile::ascii_slug;
use super::rng::SplitMix64;
use super::words::{LEARNING_NOTES, PATHS, SKILLS};
use super::*;
use crate::conversation::LearningKind;
use crate::goal::GoalKind;
use crate::values::{Birthday, Cadence, ContactName, Email, Link, LinkKind, TagName, TimeZone};

fn config(contacts: usize, seed: u64) -> DemoConfig {
    let now = "2026-03-14T09:30:00.250Z".parse().unwrap();
    DemoConfig {
        contacts,
        seed,
        now,
        default_cadence: Cadence::from_days(90).unwrap(),
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
        match conversation.kind {
            ConversationKind::Regular => assert!(conversation.learned.is_empty()),
            ConversationKind::Informational => {
                assert!(is_spoken(conversation.channel), "{conversation:?}");
                assert_eq!(people.len(), 1, "{conversation:?}");
                assert!((1..=3).contains(&conversation.learned.len()));
                assert!(
                    conversation
                        .summary
                        .starts_with("Informational chat about ")
                );
            }
        }
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
    assert_eq!(net.goals.len(), 4);
    for goal in &net.goals {
        assert!(goal.created_at >= history_start && goal.created_at < now);
        let due = goal.goal.due_on.expect("every demo goal has a date");
        assert!(due > goal.created_at.date_naive(), "{goal:?}");
        assert!(!goal.goal.title.trim().is_empty());
        assert!(goal.contacts.is_sorted() && goal.conversations.is_sorted());
        assert!(goal.contacts.windows(2).all(|w| w[0] < w[1]), "{goal:?}");
        assert!(goal.conversations.windows(2).all(|w| w[0] < w[1]));
        assert!(goal.contacts.iter().all(|&i| i < n), "{goal:?}");
        for &c in &goal.conversations {
            let conversation = &net.conversations[c];
            assert!(conversation.occurred_at > goal.created_at, "{goal:?}");
            assert!(
                conversation
                    .participants
                    .iter()
                    .any(|p| goal.contacts.contains(p)),
                "{goal:?} {conversation:?}"
            );
        }
    }
}

/// Video, phone, coffee or in person: never e-mail or messages.
fn is_spoken(channel: Channel) -> bool {
    channel.is_video()
        || matches!(
            channel,
            Channel::Phone | Channel::Coffee | Channel::InPerson
        )
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
    // Close ties often have a rhythm of their own, and loose ties a loose
    // one wherever the default would leave them overdue.
    assert!((300..700).contains(&count(|d| d.cadence.is_some())));
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
    let count = |f: &dyn Fn(&DemoFollowUp) -> bool| net.follow_ups.iter().filter(|x| f(x)).count();
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
    assert_eq!(FUNCTIONS[PRODUCT].name, "product");
    for function in FUNCTIONS {
        assert!(
            BUILT_IN_FUNCTIONS.contains(&function.name),
            "{}",
            function.name
        );
        assert!(
            PATHS.iter().any(|(into, _)| *into == function.name),
            "no career path into {}",
            function.name
        );
    }
    for (into, path) in PATHS {
        assert!(FUNCTIONS.iter().any(|f| f.name == *into), "{into}");
        assert!(Learning::parse(&format!("path: {path}")).is_ok());
    }
    for text in SKILLS.iter().chain(LEARNING_NOTES) {
        assert!(Learning::parse(text).is_ok(), "{text}");
    }
    assert_eq!(ascii_slug("Łukasz"), "lukasz");
    assert_eq!(ascii_slug("O'Brien"), "obrien");
    assert_eq!(ascii_slug("de Vries"), "devries");
    assert_eq!(ascii_slug("Yılmaz"), "yilmaz");
}

/// The functions `kith org coverage` lists, as stored in a contact's function field.
const BUILT_IN_FUNCTIONS: &[&str] = &[
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

/// How many contacts at my organisation work in each built-in function.
fn my_coverage(net: &DemoNetwork) -> Vec<(&'static str, usize)> {
    BUILT_IN_FUNCTIONS
        .iter()
        .map(|&function| {
            let people = net
                .contacts
                .iter()
                .map(|c| &c.draft)
                .filter(|d| d.organisation.as_deref() == Some(net.my_organisation.as_str()))
                .filter(|d| d.function.as_deref() == Some(function))
                .count();
            (function, people)
        })
        .collect()
}

#[test]
fn my_organisation_covers_functions_unevenly() {
    for seed in [42, 1, 2, 3, 9] {
        let net = generate(&config(1000, seed));
        let coverage = my_coverage(&net);
        let with = |f: &dyn Fn(usize) -> bool| coverage.iter().filter(|(_, n)| f(*n)).count();
        assert!(with(&|n| n >= 10) >= 3, "seed {seed}: {coverage:?}");
        assert!(
            with(&|n| (1..=2).contains(&n)) >= 2,
            "seed {seed}: {coverage:?}"
        );
        assert!(with(&|n| n == 0) >= 2, "seed {seed}: {coverage:?}");
    }
}

#[test]
fn the_thin_functions_stay_thin_at_the_reference_size() {
    let net = generate(&config(10_000, 7));
    let coverage = my_coverage(&net);
    let thin = coverage.iter().filter(|(_, n)| (1..=2).contains(n)).count();
    let many = coverage.iter().filter(|(_, n)| *n >= 100).count();
    assert!(thin >= 2 && many >= 3, "{coverage:?}");
}

#[test]
fn some_conversations_are_informational() {
    let (_, net) = thousand();
    let informational: Vec<&DemoConversation> = net
        .conversations
        .iter()
        .filter(|c| c.kind == ConversationKind::Informational)
        .collect();
    let share = fraction(informational.len(), net.conversations.len());
    assert!((0.03..0.08).contains(&share), "informational share {share}");
    let mut kinds = HashSet::new();
    for conversation in &informational {
        assert!(is_spoken(conversation.channel), "{conversation:?}");
        assert!((1..=3).contains(&conversation.learned.len()));
        let first = &conversation.learned[0];
        assert_eq!(first.kind, LearningKind::Skill);
        assert!(SKILLS.contains(&first.text.as_str()));
        assert!(
            conversation.summary.contains(&first.text),
            "{conversation:?}"
        );
        kinds.extend(conversation.learned.iter().map(|l| l.kind));
    }
    assert_eq!(kinds.len(), 3, "skills, paths and notes: {kinds:?}");
    for length in 1..=3 {
        assert!(informational.iter().any(|c| c.learned.len() == length));
    }
    assert!(
        net.conversations
            .iter()
            .all(|c| (c.kind == ConversationKind::Informational)
                == c.summary.starts_with("Informational chat about "))
    );
}

/// What every demo network's goals promise, given enough contacts.
fn assert_goals_make_sense(config: &DemoConfig, net: &DemoNetwork) {
    let (now, today) = (config.now, config.now.date_naive());
    let kinds: Vec<GoalKind> = net.goals.iter().map(|g| g.goal.kind).collect();
    assert_eq!(
        kinds,
        [
            GoalKind::Internal,
            GoalKind::IndustryChange,
            GoalKind::Reconnect,
            GoalKind::NewRole
        ]
    );
    assert!(
        net.goals
            .windows(2)
            .all(|w| w[0].created_at < w[1].created_at)
    );
    let [internal, change, reconnect, role] = &net.goals[..] else {
        unreachable!("four goals")
    };
    let due_in = |g: &DemoGoal| (g.goal.due_on.unwrap() - today).num_days();
    let age = |g: &DemoGoal| (now - g.created_at).num_days();
    let mine = |i: usize| {
        net.contacts[i].draft.organisation.as_deref() == Some(net.my_organisation.as_str())
    };

    assert_eq!(internal.status, GoalStatus::Done);
    assert_eq!(internal.goal.target_count, Some(6));
    assert_eq!(
        internal.goal.company.as_deref(),
        Some(net.my_organisation.as_str())
    );
    assert!(internal.goal.title.contains(&net.my_organisation));
    assert!(due_in(internal) < 0, "due in the past");
    assert!(internal.conversations.len() >= 6, "{internal:?}");
    assert!(internal.contacts.iter().all(|&i| mine(i)));
    let until = internal.goal.due_on.unwrap();
    for &c in &internal.conversations {
        let conversation = &net.conversations[c];
        assert!(conversation.occurred_at.date_naive() <= until);
        assert!(conversation.participants.iter().any(|&p| mine(p)));
    }
    let functions: HashSet<&str> = internal
        .contacts
        .iter()
        .filter_map(|&i| net.contacts[i].draft.function.as_deref())
        .collect();
    assert!(functions.len() >= 3, "across functions: {functions:?}");

    assert_eq!(change.status, GoalStatus::Active);
    assert_eq!(change.goal.title, "Move into product management");
    assert_eq!(change.goal.function.as_deref(), Some("product"));
    assert_eq!(change.goal.target_count, Some(10));
    assert!((80..=100).contains(&due_in(change)), "{change:?}");
    assert!((40..=80).contains(&age(change)), "{change:?}");
    // Several, but not yet the target.
    assert!((3..10).contains(&change.conversations.len()), "{change:?}");
    for &c in &change.conversations {
        assert_eq!(net.conversations[c].kind, ConversationKind::Informational);
    }
    let in_product = change
        .contacts
        .iter()
        .filter(|&&i| net.contacts[i].draft.function.as_deref() == Some("product"))
        .count();
    assert!(in_product >= 1, "{change:?}");

    let former = TagName::parse("former-colleague").unwrap();
    assert_eq!(reconnect.status, GoalStatus::Active);
    assert_eq!(reconnect.goal.title, "Reconnect with former colleagues");
    assert_eq!(reconnect.goal.target_count, Some(12));
    assert_eq!(
        (&reconnect.goal.industry, &reconnect.goal.function),
        (&None, &None)
    );
    assert!((100..=140).contains(&due_in(reconnect)), "{reconnect:?}");
    assert!(reconnect.contacts.len() >= 4, "{reconnect:?}");
    assert!(
        reconnect
            .contacts
            .iter()
            .all(|&i| net.contacts[i].draft.tags.contains(&former))
    );
    assert!(
        (1..12).contains(&reconnect.conversations.len()),
        "{reconnect:?}"
    );

    assert_eq!(role.status, GoalStatus::Active);
    assert_eq!(role.goal.target_count, Some(8));
    assert!((50..=70).contains(&due_in(role)), "{role:?}");
    let industry = role.goal.industry.as_deref().unwrap();
    assert!(COMPANIES.iter().any(|c| c.industry == industry));
    assert!(!role.contacts.is_empty());
    assert!(
        role.contacts
            .iter()
            .all(|&i| net.contacts[i].draft.industry.as_deref() == Some(industry))
    );
    assert!(role.conversations.len() < 8);
}

#[test]
fn goals_link_the_people_and_conversations_that_serve_them() {
    let (reference, net) = thousand();
    assert_goals_make_sense(reference, net);
    for seed in [1, 2, 3, 9] {
        let config = config(1000, seed);
        assert_goals_make_sense(&config, &generate(&config));
    }
}

#[test]
fn goals_are_tied_to_the_same_seed() {
    let (config, net) = thousand();
    let again = generate(config);
    assert_eq!(again.goals, net.goals);
    let other = generate(&DemoConfig {
        seed: 43,
        ..*config
    });
    assert_ne!(other.goals, net.goals);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_seed_and_size_gives_a_well_formed_network(seed: u64, contacts in 0usize..80) {
        let config = config(contacts, seed);
        assert_well_formed(&config, &generate(&config));
    }
}

/// What the due ranking knows of each demo contact (no follow-ups: they
/// raise a due contact's score but never make one due).
fn due_facts(net: &DemoNetwork) -> Vec<crate::rules::due::ContactFacts> {
    use crate::ids::ContactId;
    use crate::rules::due::{Activity, ContactFacts};
    let mut facts: Vec<ContactFacts> = net
        .contacts
        .iter()
        .enumerate()
        .map(|(i, c)| ContactFacts {
            id: ContactId(i as i64 + 1),
            name: c.draft.name.as_ref().unwrap().as_str().to_owned(),
            created_at: c.added_at,
            own_cadence: c.draft.cadence,
            tag_cadences: Vec::new(),
            snoozed_until: None,
            archived: false,
            activity: Activity::default(),
            open_loops: Vec::new(),
            active_goals: 0,
            next_meeting: None,
        })
        .collect();
    for c in &net.conversations {
        for &p in &c.participants {
            let a = &mut facts[p].activity;
            a.conversations += 1;
            a.first_at = a.first_at.min(Some(c.occurred_at)).or(Some(c.occurred_at));
            a.last_at = a.last_at.max(Some(c.occurred_at));
            if c.channel.is_meaningful() {
                a.meaningful += 1;
                a.last_meaningful_at = a.last_meaningful_at.max(Some(c.occurred_at));
            }
        }
    }
    facts
}

#[test]
fn the_user_keeps_up_with_most_people_in_every_zone() {
    use crate::rules::due::{DueSettings, rank};
    for seed in [1, 42] {
        let config = DemoConfig {
            contacts: 2000,
            ..config(2000, seed)
        };
        let net = generate(&config);
        let facts = due_facts(&net);
        for zone in ["UTC", "Pacific/Auckland", "America/Los_Angeles"] {
            let tz = TimeZone::parse(zone).unwrap();
            let settings = DueSettings {
                default_cadence: config.default_cadence,
                light_resets_clock: false,
                tz,
            };
            let today = config.now.with_timezone(&tz.tz()).date_naive();
            let due = rank(&facts, &settings, today, config.now);
            assert!(
                (10..=80).contains(&due.len()),
                "seed {seed}, {zone}: {} of 2000 due",
                due.len()
            );
            let most = due.iter().map(|e| e.overdue_days).max().unwrap();
            assert!(most <= 14, "seed {seed}, {zone}: {most} days overdue");
            assert!(due.iter().any(|e| e.one_off), "seed {seed}, {zone}");
            let late = net
                .follow_ups
                .iter()
                .filter(|f| f.status == FollowUpStatus::Open)
                .filter_map(|f| f.due_on)
                .map(|d| (today - d).num_days())
                .max()
                .unwrap();
            assert!(
                late <= 14,
                "seed {seed}, {zone}: a follow-up {late} days late"
            );
        }
        let open_late = net
            .follow_ups
            .iter()
            .filter(|f| f.status == FollowUpStatus::Open)
            .filter(|f| f.due_on.is_some_and(|d| d < config.now.date_naive()))
            .count();
        assert!(
            (1..=60).contains(&open_late),
            "seed {seed}: {open_late} open and late"
        );
    }
}
