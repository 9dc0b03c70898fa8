//! The due ranking's edge cases, and properties of the ranking, the health
//! score and loop-backs.

use chrono::{DateTime, Duration, NaiveDate, TimeZone as _, Utc};
use proptest::prelude::*;

use super::cadence::CadenceSource;
use super::due::{
    Activity, ContactFacts, DueEntry, DueSettings, OpenLoop, due_on, is_one_off, rank,
};
use super::health::health;
use super::loops::loop_back_for;
use crate::contact::ContactRef;
use crate::conversation::Channel;
use crate::follow_up::{FollowUp, FollowUpKind, FollowUpStatus, Owner};
use crate::ids::{ContactId, ConversationId, FollowUpId};
use crate::values::{Cadence, TimeZone};

fn c(days: u32) -> Cadence {
    Cadence::from_days(days).unwrap()
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn tz(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap()
}

/// Midday on 2026-06-15, UTC: "now" in most tests.
fn now() -> DateTime<Utc> {
    utc(2026, 6, 15, 12, 0)
}

fn today() -> NaiveDate {
    date(2026, 6, 15)
}

fn days_ago(d: i64) -> DateTime<Utc> {
    now() - Duration::days(d)
}

fn settings() -> DueSettings {
    DueSettings {
        default_cadence: c(30),
        light_resets_clock: false,
        tz: TimeZone::UTC,
    }
}

fn contact(id: i64, name: &str, added_days_ago: i64) -> ContactFacts {
    ContactFacts {
        id: ContactId(id),
        name: name.to_owned(),
        created_at: days_ago(added_days_ago),
        own_cadence: None,
        tag_cadences: Vec::new(),
        snoozed_until: None,
        archived: false,
        activity: Activity::default(),
        open_loops: Vec::new(),
        active_goals: 0,
        next_meeting: None,
    }
}

/// Records a conversation at `at` in the contact's activity.
fn talk(f: &mut ContactFacts, at: DateTime<Utc>, channel: Channel) {
    let a = &mut f.activity;
    a.conversations += 1;
    a.first_at = Some(a.first_at.map_or(at, |x| x.min(at)));
    a.last_at = Some(a.last_at.map_or(at, |x| x.max(at)));
    if channel.is_meaningful() {
        a.meaningful += 1;
        a.last_meaningful_at = Some(a.last_meaningful_at.map_or(at, |x| x.max(at)));
    }
}

fn open_loop(id: i64, owner: Owner, kind: FollowUpKind, title: &str) -> OpenLoop {
    OpenLoop {
        id: FollowUpId(id),
        owner,
        kind,
        title: title.to_owned(),
        due_on: None,
    }
}

fn ranked(facts: &[ContactFacts]) -> Vec<DueEntry> {
    rank(facts, &settings(), today(), now())
}

fn only(facts: ContactFacts) -> Option<DueEntry> {
    let mut entries = ranked(&[facts]);
    assert!(entries.len() <= 1);
    entries.pop()
}

// ---- never talked, due today, overdue -------------------------------------

#[test]
fn never_talked_is_due_one_cadence_after_being_added() {
    let e = only(contact(1, "Jane Doe", 45)).unwrap();
    assert_eq!(e.last_talked, None);
    assert_eq!(e.due_on, date(2026, 5, 31));
    assert_eq!(e.overdue_days, 15);
    assert_eq!(e.score, 16.0 / 30.0);
    assert_eq!(
        e.why(),
        "never talked since you added them 45 days ago (a 30-day rhythm)"
    );
    assert!(only(contact(1, "Jane Doe", 29)).is_none());
    let today = only(contact(1, "Jane Doe", 30)).unwrap();
    assert_eq!(today.overdue_days, 0);
}

#[test]
fn due_today_exactly() {
    let mut f = contact(1, "Jane Doe", 300);
    talk(&mut f, days_ago(30), Channel::Phone);
    let e = only(f.clone()).unwrap();
    assert_eq!(e.overdue_days, 0);
    assert_eq!(e.due_on, today());
    assert_eq!(e.last_talked, Some(days_ago(30)));
    assert_eq!(e.reasons, ["due today (a 30-day rhythm)"]);
    assert_eq!(e.score, 1.0 / 30.0);
    f.activity = Activity::default();
    talk(&mut f, days_ago(29), Channel::Phone);
    assert!(only(f).is_none(), "due tomorrow is not due");
}

#[test]
fn every_reason_in_words_most_important_first() {
    let mut f = contact(1, "Jane Doe", 300);
    talk(&mut f, days_ago(200), Channel::Zoom);
    talk(&mut f, days_ago(42), Channel::Zoom);
    f.active_goals = 1;
    f.open_loops = vec![
        OpenLoop {
            due_on: Some(date(2026, 6, 10)),
            ..open_loop(
                1,
                Owner::Them,
                FollowUpKind::Introduction,
                "Intro to her manager",
            )
        },
        open_loop(2, Owner::Me, FollowUpKind::Task, "Send my CV"),
        OpenLoop {
            due_on: Some(date(2026, 6, 1)),
            ..open_loop(3, Owner::Me, FollowUpKind::Task, "Read the report")
        },
        open_loop(
            4,
            Owner::Me,
            FollowUpKind::LoopBack,
            "Tell Jane you did: Read Atomic Habits",
        ),
        // Not overdue yet: no nudge.
        OpenLoop {
            due_on: Some(today()),
            ..open_loop(5, Owner::Them, FollowUpKind::Task, "Send the slides")
        },
    ];
    let e = only(f).unwrap();
    assert_eq!(e.overdue_days, 12);
    assert_eq!(
        e.reasons,
        [
            "12 days past a 30-day rhythm (last talked 42 days ago)",
            "you owe Jane an update: Read Atomic Habits",
            "linked to 1 active goal",
            "2 open follow-ups of yours (1 overdue)",
            "Jane promised: Intro to her manager (5 days overdue)",
        ]
    );
    assert!(e.why().starts_with(
        "12 days past a 30-day rhythm (last talked 42 days ago); you owe Jane an update"
    ));
    let expected = 13.0 / 30.0 + 0.5 + 0.2 + 0.1 + 0.3;
    assert!((e.score - expected).abs() < 1e-9, "{}", e.score);
}

#[test]
fn bonuses_are_capped_and_long_lists_are_summed_up() {
    let mut f = contact(1, "Jane Doe", 300);
    talk(&mut f, days_ago(30), Channel::InPerson);
    f.active_goals = 5;
    for i in 0..8 {
        f.open_loops.push(open_loop(
            i,
            Owner::Me,
            FollowUpKind::LoopBack,
            &format!("Tell Jane you did: thing {i}"),
        ));
        f.open_loops
            .push(open_loop(100 + i, Owner::Me, FollowUpKind::Task, "x"));
        f.open_loops.push(OpenLoop {
            due_on: Some(date(2026, 6, 14)),
            ..open_loop(200 + i, Owner::Them, FollowUpKind::Task, "y")
        });
    }
    let e = only(f).unwrap();
    let expected = 1.0 / 30.0 + 3.0 + 0.5 + 0.3 + 0.6;
    assert!((e.score - expected).abs() < 1e-9, "{}", e.score);
    assert_eq!(
        e.reasons,
        [
            "due today (a 30-day rhythm)",
            "you owe Jane an update: thing 0",
            "you owe Jane an update: thing 1",
            "you owe Jane an update: thing 2",
            "and 5 more updates you owe Jane",
            "linked to 5 active goals",
            "8 open follow-ups of yours",
            "Jane promised: y (1 day overdue)",
            "Jane promised: y (1 day overdue)",
            "Jane promised: y (1 day overdue)",
            "and 5 more promises of Jane's overdue",
        ]
    );
}

#[test]
fn more_pressing_first_and_ties_by_contact_id() {
    let mut a = contact(7, "Ann", 300);
    talk(&mut a, days_ago(35), Channel::Phone);
    let mut b = contact(3, "Bea", 300);
    talk(&mut b, days_ago(35), Channel::Phone);
    let mut late = contact(9, "Cal", 300);
    talk(&mut late, days_ago(60), Channel::Phone);
    let mut owed = contact(8, "Dan", 300);
    talk(&mut owed, days_ago(31), Channel::Phone);
    owed.open_loops
        .push(open_loop(1, Owner::Me, FollowUpKind::LoopBack, "x"));
    let order: Vec<i64> = ranked(&[a, b, late, owed])
        .iter()
        .map(|e| e.contact.0)
        .collect();
    assert_eq!(order, [9, 8, 3, 7]);
}

// ---- snoozed, archived ------------------------------------------------------

#[test]
fn snoozed_contacts_are_not_due_until_the_snooze_ends() {
    let mut f = contact(1, "Jane", 100);
    f.snoozed_until = Some(now() + Duration::minutes(1));
    assert!(only(f.clone()).is_none());
    f.snoozed_until = Some(now());
    assert!(only(f.clone()).is_some(), "a snooze ending now has ended");
    f.snoozed_until = Some(days_ago(3));
    assert!(only(f).is_some(), "an expired snooze is ignored");
}

#[test]
fn archived_contacts_are_never_due() {
    let mut f = contact(1, "Jane", 400);
    f.archived = true;
    f.open_loops
        .push(open_loop(1, Owner::Me, FollowUpKind::LoopBack, "x"));
    assert!(only(f).is_none());
}

// ---- cadence from tag, own, default ----------------------------------------

#[test]
fn the_cadence_comes_from_the_contact_then_its_tags_then_the_default() {
    let mut f = contact(1, "Jane", 500);
    talk(&mut f, days_ago(50), Channel::Coffee);

    let e = only(f.clone()).unwrap();
    assert_eq!(e.cadence.source, CadenceSource::Default);
    assert_eq!(e.overdue_days, 20);

    f.tag_cadences = vec![("mentor".into(), c(14)), ("friend".into(), c(90))];
    let e = only(f.clone()).unwrap();
    assert_eq!(e.cadence.source, CadenceSource::Tag("mentor".into()));
    assert_eq!(e.overdue_days, 36);
    assert_eq!(
        e.reasons[0],
        "36 days past a 2-week rhythm (last talked 50 days ago)"
    );

    f.own_cadence = Some(c(42));
    let e = only(f.clone()).unwrap();
    assert_eq!(e.cadence.source, CadenceSource::Own);
    assert_eq!(e.overdue_days, 8);
    assert_eq!(
        e.reasons[0],
        "8 days past a 6-week rhythm (last talked 50 days ago)"
    );

    f.own_cadence = Some(c(90));
    assert!(
        only(f).is_none(),
        "an own cadence longer than the tags' still wins"
    );
}

// ---- what resets the clock ---------------------------------------------------

#[test]
fn only_meaningful_conversations_reset_the_clock_by_default() {
    let mut f = contact(1, "Jane", 500);
    talk(&mut f, days_ago(40), Channel::Meet);
    talk(&mut f, days_ago(2), Channel::Email);

    let e = only(f.clone()).unwrap();
    assert_eq!(e.last_talked, Some(days_ago(40)));
    assert_eq!(
        e.reasons[0],
        "10 days past a 30-day rhythm (last talked 40 days ago, only e-mails or messages since)"
    );

    let mut recent = f.clone();
    recent.activity.last_meaningful_at = Some(days_ago(30));
    assert_eq!(
        only(recent).unwrap().reasons[0],
        "due today (a 30-day rhythm), only e-mails or messages since you last talked"
    );

    let light = DueSettings {
        light_resets_clock: true,
        ..settings()
    };
    assert_eq!(due_on(&f, c(30), &light), date(2026, 7, 13));
    assert!(rank(&[f], &light, today(), now()).is_empty());
}

#[test]
fn written_messages_alone_do_not_count_as_talking() {
    let mut f = contact(1, "Jane", 45);
    talk(&mut f, days_ago(20), Channel::Message);
    talk(&mut f, days_ago(10), Channel::Email);
    let e = only(f).unwrap();
    assert_eq!(e.last_talked, None);
    assert_eq!(e.overdue_days, 15);
    assert_eq!(
        e.reasons[0],
        "no call or meeting since you added them 45 days ago, only e-mails or messages (a 30-day rhythm)"
    );
}

// ---- time zones around midnight ----------------------------------------------

#[test]
fn a_conversation_late_in_the_utc_evening_counts_on_the_next_day_in_berlin() {
    let mut f = contact(1, "Jane", 400);
    talk(&mut f, utc(2026, 1, 10, 23, 30), Channel::Phone);
    let berlin = DueSettings {
        tz: tz("Europe/Berlin"),
        ..settings()
    };
    // 00:30 on 11 January in Berlin, 23:30 on 10 January in UTC.
    assert_eq!(due_on(&f, c(30), &berlin), date(2026, 2, 10));
    assert_eq!(due_on(&f, c(30), &settings()), date(2026, 2, 9));

    let on_ninth = utc(2026, 2, 9, 12, 0);
    assert!(
        rank(
            std::slice::from_ref(&f),
            &berlin,
            date(2026, 2, 9),
            on_ninth
        )
        .is_empty()
    );
    let utc_due = rank(
        std::slice::from_ref(&f),
        &settings(),
        date(2026, 2, 9),
        on_ninth,
    );
    assert_eq!(utc_due[0].reasons[0], "due today (a 30-day rhythm)");
    let berlin_due = rank(&[f], &berlin, date(2026, 2, 10), utc(2026, 2, 9, 23, 5));
    assert_eq!(berlin_due[0].overdue_days, 0);
}

#[test]
fn an_early_utc_morning_counts_on_the_previous_day_in_new_york() {
    let mut f = contact(1, "Jane", 400);
    talk(&mut f, utc(2026, 3, 1, 3, 0), Channel::Zoom);
    let ny = DueSettings {
        tz: tz("America/New_York"),
        ..settings()
    };
    assert_eq!(due_on(&f, c(7), &ny), date(2026, 3, 7));
    assert_eq!(due_on(&f, c(7), &settings()), date(2026, 3, 8));
}

#[test]
fn a_contact_added_just_before_midnight_is_added_that_day_in_the_users_zone() {
    let mut f = contact(1, "Jane", 0);
    f.created_at = utc(2026, 5, 31, 22, 30); // 1 June, 00:30 in Berlin
    f.own_cadence = Some(c(14));
    let berlin = DueSettings {
        tz: tz("Europe/Berlin"),
        ..settings()
    };
    assert_eq!(due_on(&f, c(14), &berlin), date(2026, 6, 15));
    let e = rank(&[f], &berlin, today(), now()).pop().unwrap();
    assert_eq!(
        e.reasons[0],
        "never talked since you added them 14 days ago (a 2-week rhythm)"
    );
}

// ---- one-off ties --------------------------------------------------------------

#[test]
fn a_single_old_conversation_is_a_one_off() {
    let mut f = contact(1, "Jane", 500);
    talk(&mut f, days_ago(120), Channel::Coffee);
    assert!(is_one_off(&f, c(90), today(), TimeZone::UTC));
    f.own_cadence = Some(c(90));
    let e = only(f.clone()).unwrap();
    assert!(e.one_off);
    assert_eq!(
        e.reasons,
        [
            "30 days past a 3-month rhythm (last talked 4 months ago)",
            "one-off: a single conversation 4 months ago, nothing since",
        ]
    );
    assert!((e.score - (31.0 / 90.0 + 0.2)).abs() < 1e-9);

    let mut met = f.clone();
    met.next_meeting = Some(now() + Duration::days(3));
    assert!(
        !is_one_off(&met, c(90), today(), TimeZone::UTC),
        "a meeting is planned"
    );
    assert!(!only(met).unwrap().one_off);

    let mut again = f.clone();
    talk(&mut again, days_ago(100), Channel::Email);
    assert!(
        !is_one_off(&again, c(90), today(), TimeZone::UTC),
        "two conversations"
    );
}

#[test]
fn a_one_off_must_be_older_than_the_cadence() {
    let mut f = contact(1, "Jane", 500);
    talk(&mut f, days_ago(90), Channel::Phone);
    assert!(!is_one_off(&f, c(90), today(), TimeZone::UTC));
    assert!(is_one_off(&f, c(89), today(), TimeZone::UTC));
    assert!(!is_one_off(
        &contact(2, "Bob", 500),
        c(30),
        today(),
        TimeZone::UTC
    ));
}

#[test]
fn a_single_e_mail_long_ago_is_a_one_off_too() {
    let mut f = contact(1, "Jane", 500);
    talk(&mut f, days_ago(200), Channel::Email);
    assert!(is_one_off(&f, c(30), today(), TimeZone::UTC));
}

// ---- properties -----------------------------------------------------------------

const ZONES: [&str; 5] = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Pacific/Auckland",
    "Asia/Kolkata",
];
const MINUTES_PER_DAY: i64 = 24 * 60;

fn minutes_ago(m: i64) -> DateTime<Utc> {
    now() - Duration::minutes(m)
}

fn arb_loop() -> impl Strategy<Value = OpenLoop> {
    (
        0i64..10_000,
        prop_oneof![Just(Owner::Me), Just(Owner::Them)],
        prop::sample::select(FollowUpKind::ALL.to_vec()),
        prop::option::of(-60i64..60),
    )
        .prop_map(|(id, owner, kind, due)| OpenLoop {
            id: FollowUpId(id),
            owner,
            kind,
            title: format!("thing {id}"),
            due_on: due.map(|d| today() + Duration::days(d)),
        })
}

fn arb_facts() -> impl Strategy<Value = ContactFacts> {
    (
        (
            prop::sample::select(vec!["Jane Doe", "Bob", "Émile Zola", " Ann  Lee ", ""]),
            0i64..800 * MINUTES_PER_DAY,
            prop::option::of(1u32..400),
            prop::collection::vec(
                (prop::sample::select(vec!["mentor", "peer"]), 1u32..400),
                0..3,
            ),
            prop::option::of(-30 * MINUTES_PER_DAY..30 * MINUTES_PER_DAY),
            prop::bool::weighted(0.15),
        ),
        (
            prop::option::of(0i64..600 * MINUTES_PER_DAY),
            prop::option::of(0i64..600 * MINUTES_PER_DAY),
            0u32..3,
            prop::collection::vec(arb_loop(), 0..8),
            0u32..4,
            prop::bool::weighted(0.2),
        ),
    )
        .prop_map(
            |(
                (name, added, own, tags, snooze, archived),
                (real, light, more, open_loops, active_goals, meeting),
            )| {
                let mut f = contact(0, name, 0);
                f.created_at = minutes_ago(added);
                f.own_cadence = own.map(c);
                f.tag_cadences = tags
                    .into_iter()
                    .map(|(t, d)| (t.to_owned(), c(d)))
                    .collect();
                f.snoozed_until = snooze.map(|m| now() + Duration::minutes(m));
                f.archived = archived;
                if let Some(m) = real {
                    talk(&mut f, minutes_ago(m), Channel::Phone);
                }
                if let Some(m) = light {
                    talk(&mut f, minutes_ago(m), Channel::Email);
                }
                // Older conversations that set no clock.
                if let Some(first) = f.activity.first_at {
                    for i in 0..more {
                        talk(
                            &mut f,
                            first - Duration::days(i64::from(i) + 1),
                            Channel::Message,
                        );
                    }
                }
                f.open_loops = open_loops;
                f.active_goals = active_goals;
                f.next_meeting = meeting.then(|| now() + Duration::days(2));
                f
            },
        )
}

fn arb_network() -> impl Strategy<Value = Vec<ContactFacts>> {
    prop::collection::vec(arb_facts(), 0..25).prop_map(|mut facts| {
        for (i, f) in facts.iter_mut().enumerate() {
            f.id = ContactId(i as i64 + 1);
        }
        facts
    })
}

fn arb_settings() -> impl Strategy<Value = DueSettings> {
    (
        1u32..200,
        any::<bool>(),
        prop::sample::select(ZONES.to_vec()),
    )
        .prop_map(|(days, light_resets_clock, zone)| DueSettings {
            default_cadence: c(days),
            light_resets_clock,
            tz: tz(zone),
        })
}

fn local_today(settings: &DueSettings) -> NaiveDate {
    now().with_timezone(&settings.tz.tz()).date_naive()
}

/// The same contact, everything that happened moved `days` further back.
fn older(f: &ContactFacts, days: i64) -> ContactFacts {
    let back = |t: Option<DateTime<Utc>>| t.map(|t| t - Duration::days(days));
    let mut f = f.clone();
    f.created_at -= Duration::days(days);
    f.activity.first_at = back(f.activity.first_at);
    f.activity.last_at = back(f.activity.last_at);
    f.activity.last_meaningful_at = back(f.activity.last_meaningful_at);
    f
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_ranking_is_deterministic_and_independent_of_input_order(
        facts in arb_network(),
        settings in arb_settings(),
    ) {
        let today = local_today(&settings);
        let once = rank(&facts, &settings, today, now());
        prop_assert_eq!(&once, &rank(&facts, &settings, today, now()));
        let mut reversed = facts.clone();
        reversed.reverse();
        prop_assert_eq!(&once, &rank(&reversed, &settings, today, now()));
    }

    #[test]
    fn due_entries_are_overdue_explained_and_never_archived_or_snoozed(
        facts in arb_network(),
        settings in arb_settings(),
    ) {
        let today = local_today(&settings);
        let entries = rank(&facts, &settings, today, now());
        for pair in entries.windows(2) {
            prop_assert!(pair[0].score >= pair[1].score);
        }
        for e in &entries {
            let f = facts.iter().find(|f| f.id == e.contact).unwrap();
            prop_assert!(!f.archived);
            prop_assert!(f.snoozed_until.is_none_or(|until| until <= now()));
            prop_assert!(e.overdue_days >= 0);
            prop_assert_eq!(e.overdue_days, (today - e.due_on).num_days());
            prop_assert!(e.score > 0.0);
            prop_assert!(!e.reasons.is_empty());
            prop_assert!(e.reasons.iter().all(|r| !r.trim().is_empty()));
            prop_assert!(!e.why().is_empty());
            prop_assert_eq!(entries.iter().filter(|x| x.contact == e.contact).count(), 1);
        }
        // And everyone left out has a reason to be.
        for f in &facts {
            if entries.iter().all(|e| e.contact != f.id) {
                let cadence = super::cadence::effective(
                    f.own_cadence, &f.tag_cadences, settings.default_cadence,
                ).cadence;
                prop_assert!(
                    f.archived
                        || f.snoozed_until.is_some_and(|u| u > now())
                        || due_on(f, cadence, &settings) > today
                );
            }
        }
    }

    #[test]
    fn more_overdue_never_ranks_lower(
        facts in arb_network(),
        settings in arb_settings(),
        pick in any::<prop::sample::Index>(),
        days in 1i64..400,
    ) {
        prop_assume!(!facts.is_empty());
        let today = local_today(&settings);
        let k = pick.index(facts.len());
        let id = facts[k].id;
        let before = rank(&facts, &settings, today, now());
        let mut moved = facts.clone();
        moved[k] = older(&facts[k], days);
        let after = rank(&moved, &settings, today, now());
        let at = |entries: &[DueEntry]| entries.iter().position(|e| e.contact == id);
        if let Some(was) = at(&before) {
            let now_at = at(&after);
            prop_assert!(now_at.is_some(), "more overdue but no longer due");
            let now_at = now_at.unwrap();
            prop_assert!(now_at <= was, "moved down from {} to {}", was, now_at);
            prop_assert!(after[now_at].score > before[was].score);
            prop_assert!(after[now_at].overdue_days > before[was].overdue_days);
        }
    }

    #[test]
    fn health_is_between_0_and_100_and_an_overdue_loop_never_raises_it(
        cadence in 1u32..=Cadence::MAX_DAYS,
        recent in prop::collection::vec(
            (0i64..365 * MINUTES_PER_DAY, prop::sample::select(Channel::ALL.to_vec())),
            0..60,
        ),
        last_meaningful in prop::option::of(-MINUTES_PER_DAY..3000 * MINUTES_PER_DAY),
        loops in 0u32..10,
    ) {
        let recent: Vec<_> = recent.into_iter().map(|(m, ch)| (minutes_ago(m), ch)).collect();
        let last = last_meaningful.map(minutes_ago);
        let h = health(c(cadence), &recent, last, loops, now());
        prop_assert!(h.score <= 100);
        prop_assert_eq!(h.score, h.parts.iter().map(|p| p.points).sum::<u32>());
        for p in &h.parts {
            prop_assert!(p.points <= p.max, "{:?}", p);
            prop_assert!(!p.why.is_empty());
        }
        let worse = health(c(cadence), &recent, last, loops + 1, now());
        prop_assert!(worse.score <= h.score);
    }

    #[test]
    fn completing_a_follow_up_never_loses_it(
        owner in prop_oneof![Just(Owner::Me), Just(Owner::Them)],
        kind in prop::sample::select(FollowUpKind::ALL.to_vec()),
        loop_back in any::<bool>(),
        name in prop::sample::select(vec!["Jane Doe", "Bob", "Émile Zola"]),
        title in "[A-Za-z ]{1,40}",
    ) {
        let done = FollowUp {
            id: FollowUpId(42),
            contact: ContactRef { id: ContactId(5), name: name.to_owned() },
            conversation: Some(ConversationId(3)),
            owner,
            kind,
            title: title.clone(),
            due_on: None,
            loop_back,
            status: FollowUpStatus::Done,
            parent: None,
            subject: None,
            created_at: now(),
            closed_at: Some(now()),
        };
        let created = loop_back_for(&done);
        let expected = owner == Owner::Me && loop_back && kind != FollowUpKind::LoopBack;
        prop_assert_eq!(created.is_some(), expected);
        if let Some(new) = created {
            prop_assert_eq!(new.contact, ContactId(5));
            prop_assert_eq!(new.parent, Some(FollowUpId(42)));
            prop_assert_eq!(new.kind, FollowUpKind::LoopBack);
            prop_assert!(new.title.ends_with(&title));
            // A loop-back never asks for another loop-back.
            let mut next = done.clone();
            next.kind = new.kind;
            next.loop_back = new.loop_back;
            prop_assert!(loop_back_for(&next).is_none());
        }
    }
}
