//! Properties of the ranking, the health score and completing follow-ups.

use super::*;

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
            loop_back: false,
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
                let cadence = crate::rules::cadence::effective(
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
