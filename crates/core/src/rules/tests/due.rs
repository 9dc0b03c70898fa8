//! Examples: who is due, when, and why.

use super::*;

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
            loop_back: false,
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
            loop_back: false,
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
            loop_back: false,
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
            loop_back: false,
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
