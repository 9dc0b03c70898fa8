//! Tests of the goals rules.

use chrono::{Duration, TimeZone as _};
use proptest::prelude::*;

use super::*;
use crate::goal::GoalStatus;
use crate::ids::GoalId;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap()
}

fn goal(kind: GoalKind) -> Goal {
    Goal {
        id: GoalId(1),
        kind,
        title: "Move into fintech".into(),
        industry: None,
        function: None,
        company: None,
        skill: None,
        target_count: None,
        due_on: None,
        status: GoalStatus::Active,
        created_at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
    }
}

/// Created 2026-01-01, due 2026-01-11 (10 days), target 10.
fn paced(target: u32) -> Goal {
    Goal {
        target_count: Some(target),
        due_on: Some(date(2026, 1, 11)),
        ..goal(GoalKind::Custom)
    }
}

fn pace(g: &Goal, linked: u32, today: NaiveDate) -> Pace {
    progress(g, linked, today).pace
}

// ---- progress ---------------------------------------------------------

#[test]
fn pace_follows_a_straight_line_to_the_date() {
    let g = paced(10);
    let day5 = date(2026, 1, 6);
    assert_eq!(expected(&g, day5), Some(5));
    assert_eq!(pace(&g, 5, day5), Pace::OnTrack);
    assert_eq!(pace(&g, 3, day5), Pace::Behind { by: 2 });
    assert_eq!(pace(&g, 6, day5), Pace::Ahead { by: 1 });
    assert_eq!(pace(&g, 10, day5), Pace::Reached);
    assert_eq!(pace(&g, 12, day5), Pace::Reached);
    // Rounded up: 3 of 10 over 10 days expects 1 on day 1.
    let g3 = paced(3);
    assert_eq!(expected(&g3, date(2026, 1, 2)), Some(1));
    assert_eq!(expected(&g3, date(2026, 1, 5)), Some(2));
    assert_eq!(pace(&g3, 0, date(2026, 1, 2)), Pace::Behind { by: 1 });
}

#[test]
fn the_creation_day_expects_nothing() {
    let g = paced(10);
    assert_eq!(pace(&g, 0, date(2026, 1, 1)), Pace::OnTrack);
    assert_eq!(pace(&g, 2, date(2026, 1, 1)), Pace::Ahead { by: 2 });
    // A clock that reads before the creation day is no reason to panic.
    assert_eq!(pace(&g, 0, date(2025, 12, 1)), Pace::OnTrack);
}

#[test]
fn on_the_due_date_everything_is_expected_and_after_it_is_overdue() {
    let g = paced(10);
    assert_eq!(pace(&g, 7, date(2026, 1, 11)), Pace::Behind { by: 3 });
    assert_eq!(pace(&g, 10, date(2026, 1, 11)), Pace::Reached);
    assert_eq!(pace(&g, 4, date(2026, 1, 12)), Pace::Overdue { missing: 6 });
    assert_eq!(pace(&g, 10, date(2026, 3, 1)), Pace::Reached);
}

#[test]
fn created_and_due_today() {
    let g = Goal {
        target_count: Some(2),
        due_on: Some(date(2026, 1, 1)),
        ..goal(GoalKind::Custom)
    };
    let today = date(2026, 1, 1);
    assert_eq!(expected(&g, today), Some(2));
    assert_eq!(pace(&g, 1, today), Pace::Behind { by: 1 });
    assert_eq!(pace(&g, 2, today), Pace::Reached);
    assert_eq!(pace(&g, 0, date(2026, 1, 2)), Pace::Overdue { missing: 2 });
}

#[test]
fn without_a_date_on_track_until_reached() {
    let g = Goal {
        target_count: Some(5),
        ..goal(GoalKind::Custom)
    };
    assert_eq!(pace(&g, 0, date(2030, 1, 1)), Pace::OnTrack);
    assert_eq!(pace(&g, 5, date(2030, 1, 1)), Pace::Reached);
}

#[test]
fn without_a_target_only_counts() {
    let g = Goal {
        due_on: Some(date(2026, 1, 11)),
        ..goal(GoalKind::Custom)
    };
    let p = progress(&g, 4, date(2026, 2, 1));
    assert_eq!(p.pace, Pace::NoTarget);
    assert_eq!(p.target, None);
    assert_eq!(p.describe(), "4 conversations");
    assert_eq!(
        progress(&g, 1, date(2026, 2, 1)).describe(),
        "1 conversation"
    );
    assert_eq!(
        progress(&g, 0, date(2026, 2, 1)).describe(),
        "0 conversations"
    );
}

#[test]
fn progress_in_words() {
    let p = |linked, pace| Progress {
        linked,
        target: Some(10),
        pace,
    };
    assert_eq!(p(7, Pace::OnTrack).describe(), "7 of 10, on track");
    assert_eq!(
        p(3, Pace::Behind { by: 2 }).describe(),
        "3 of 10, behind by 2"
    );
    assert_eq!(
        p(9, Pace::Ahead { by: 1 }).describe(),
        "9 of 10, ahead by 1"
    );
    assert_eq!(p(10, Pace::Reached).describe(), "10 of 10, reached");
    assert_eq!(
        p(4, Pace::Overdue { missing: 6 }).describe(),
        "4 of 10, 6 short and past the date"
    );
    assert_eq!(
        progress(&paced(10), 4, date(2026, 2, 1)).describe(),
        "4 of 10, 6 short and past the date"
    );
}

// ---- matching ---------------------------------------------------------

fn cand(id: i64, name: &str) -> Candidate {
    Candidate {
        id: ContactId(id),
        name: name.into(),
        organisation: None,
        title: None,
        function: None,
        industry: None,
        notes: None,
        tags: Vec::new(),
        activity: Activity::default(),
        former_colleague: false,
        archived: false,
    }
}

fn fintech() -> Goal {
    Goal {
        industry: Some("fintech".into()),
        ..goal(GoalKind::IndustryChange)
    }
}

#[test]
fn industry_matches_equal_or_contained_ignoring_case_and_accents() {
    let g = fintech();
    let mut c = cand(1, "Jane Doe");
    c.industry = Some("FinTech".into());
    assert_eq!(matches(&g, &c), ["works in fintech"]);
    c.industry = Some("Fintech / Payments".into());
    assert_eq!(matches(&g, &c), ["works in fintech"]);
    c.industry = Some("Healthcare".into());
    assert!(matches(&g, &c).is_empty());
    c.industry = None;
    assert!(matches(&g, &c).is_empty());

    let g = Goal {
        industry: Some("Santé Publique".into()),
        ..goal(GoalKind::IndustryChange)
    };
    c.industry = Some("SANTE publique".into());
    assert_eq!(matches(&g, &c), ["works in Santé Publique"]);
}

#[test]
fn whole_words_only() {
    let mut c = cand(1, "Jane Doe");
    c.industry = Some("IT".into());
    assert!(
        matches(&fintech(), &c).is_empty(),
        "'it' is not in 'fintech'"
    );
    let g = Goal {
        skill: Some("SQL".into()),
        ..goal(GoalKind::NewSkill)
    };
    c.notes = Some("Knows PostgreSQL well".into());
    assert!(matches(&g, &c).is_empty());
    c.notes = Some("Taught me SQL, and Python.".into());
    assert_eq!(matches(&g, &c), ["mentions SQL"]);
}

#[test]
fn function_matches_through_the_taxonomy() {
    let g = Goal {
        function: Some("Product".into()),
        ..goal(GoalKind::IndustryChange)
    };
    let mut c = cand(1, "Jane Doe");
    c.function = Some("PM".into());
    assert_eq!(matches(&g, &c), ["in product"]);
    c.function = Some("Product Management".into());
    assert_eq!(matches(&g, &c), ["in product"]);
    c.function = Some("Sales".into());
    assert!(matches(&g, &c).is_empty());
}

#[test]
fn company_is_found_in_the_organisation() {
    let g = Goal {
        company: Some("acme".into()),
        ..goal(GoalKind::NewRole)
    };
    let mut c = cand(1, "Jane Doe");
    c.organisation = Some("ACME Corp.".into());
    assert_eq!(matches(&g, &c), ["at acme"]);
    c.organisation = Some("Acmeware".into());
    assert!(matches(&g, &c).is_empty());
}

#[test]
fn skill_is_found_in_title_notes_tags_or_function() {
    let g = Goal {
        skill: Some("Machine Learning".into()),
        ..goal(GoalKind::NewSkill)
    };
    let hit = |f: fn(&mut Candidate)| {
        let mut c = cand(1, "Jane Doe");
        f(&mut c);
        matches(&g, &c)
    };
    let yes = ["mentions Machine Learning"];
    assert_eq!(
        hit(|c| c.title = Some("Head of machine learning".into())),
        yes
    );
    assert_eq!(hit(|c| c.notes = Some("MACHINE LEARNING nerd".into())), yes);
    assert_eq!(
        hit(|c| c.tags = vec!["x".into(), "machine-learning".into()]),
        yes
    );
    assert_eq!(hit(|c| c.function = Some("Machine Learning".into())), yes);
    assert!(hit(|c| c.industry = Some("machine learning".into())).is_empty());
    assert!(hit(|c| c.notes = Some("learning machines".into())).is_empty());
}

#[test]
fn several_fields_give_several_reasons() {
    let g = Goal {
        industry: Some("fintech".into()),
        function: Some("product".into()),
        company: Some("Acme".into()),
        skill: Some("SQL".into()),
        ..goal(GoalKind::NewRole)
    };
    let mut c = cand(1, "Jane Doe");
    c.industry = Some("Fintech".into());
    c.function = Some("Product".into());
    c.organisation = Some("Acme".into());
    c.title = Some("SQL wizard".into());
    assert_eq!(
        matches(&g, &c),
        ["works in fintech", "in product", "at Acme", "mentions SQL"]
    );
    c.industry = None;
    c.title = None;
    assert_eq!(matches(&g, &c), ["in product", "at Acme"]);
}

#[test]
fn reconnect_fits_former_colleagues() {
    let g = goal(GoalKind::Reconnect);
    let mut c = cand(1, "Jane Doe");
    assert!(matches(&g, &c).is_empty());
    c.former_colleague = true;
    assert_eq!(matches(&g, &c), ["a former colleague"]);
    let g = Goal {
        industry: Some("fintech".into()),
        ..goal(GoalKind::Reconnect)
    };
    c.industry = Some("fintech".into());
    assert_eq!(matches(&g, &c), ["a former colleague", "works in fintech"]);
    // Former colleagues only count for a reconnect goal.
    assert_eq!(matches(&fintech(), &c), ["works in fintech"]);
}

#[test]
fn a_goal_without_target_fields_fits_nobody() {
    let mut c = cand(1, "Jane Doe");
    c.industry = Some("fintech".into());
    c.former_colleague = true;
    assert!(matches(&goal(GoalKind::Custom), &c).is_empty());
    let blank = Goal {
        industry: Some("  ".into()),
        ..goal(GoalKind::Custom)
    };
    assert!(matches(&blank, &c).is_empty());
}

// ---- suggestions ------------------------------------------------------

fn days_ago(d: i64) -> DateTime<Utc> {
    now() - Duration::days(d)
}

/// A fintech contact with `meaningful` calls, the last `days` ago.
fn talked(id: i64, name: &str, meaningful: u32, days: i64) -> Candidate {
    let mut c = cand(id, name);
    c.industry = Some("Fintech".into());
    c.activity = Activity {
        conversations: meaningful,
        meaningful,
        first_at: Some(days_ago(days + 100)),
        last_at: Some(days_ago(days)),
        last_meaningful_at: Some(days_ago(days)),
    };
    c
}

fn stranger(id: i64, name: &str) -> Candidate {
    let mut c = cand(id, name);
    c.industry = Some("fintech".into());
    c
}

fn link(a: i64, b: i64) -> Connection {
    Connection {
        a: ContactId(a),
        b: ContactId(b),
    }
}

fn suggest(cs: &[Candidate], conns: &[Connection], exclude: &[i64]) -> Vec<Suggestion> {
    let exclude: Vec<ContactId> = exclude.iter().map(|&i| ContactId(i)).collect();
    suggestions(&fintech(), cs, conns, &exclude, now(), 10)
}

fn ids(s: &[Suggestion]) -> Vec<i64> {
    s.iter().map(|s| s.contact.0).collect()
}

#[test]
fn real_ties_first_by_strength_and_time_since() {
    let cs = [
        talked(1, "Recent Weak", 1, 3),
        talked(2, "Old Strong", 8, 150),
        talked(3, "Recent Strong", 8, 3),
        talked(4, "Old Weak", 1, 150),
    ];
    let s = suggest(&cs, &[], &[]);
    assert_eq!(ids(&s), [2, 3, 4, 1]);
    assert!(s.iter().all(|s| s.kind == SuggestionKind::Direct));
    assert_eq!(
        s[0].why,
        "works in fintech; 8 conversations, the last 5 months ago"
    );
    assert_eq!(s[3].why, "works in fintech; 1 conversation, 3 days ago");
    // Tie strength is capped.
    let capped = suggest(&[talked(1, "A", 10, 30), talked(2, "B", 50, 30)], &[], &[]);
    assert_eq!(capped[0].score, capped[1].score);
    assert_eq!(ids(&capped), [1, 2], "equal scores go by id");
}

#[test]
fn talked_today_or_yesterday_reads_naturally() {
    let s = suggest(&[talked(1, "A", 3, 0), talked(2, "B", 2, 1)], &[], &[]);
    assert_eq!(ids(&s), [1, 2], "the stronger tie outweighs a day");
    assert_eq!(
        s[0].why,
        "works in fintech; 3 conversations, the last one today"
    );
    assert_eq!(
        s[1].why,
        "works in fintech; 2 conversations, the last one yesterday"
    );
}

#[test]
fn strangers_go_through_the_strongest_tie() {
    let mut jane = talked(10, "Jane Doe", 6, 20);
    jane.industry = None; // an introducer need not fit the goal
    let weak = talked(11, "Weak Tie", 1, 20);
    let mut same = talked(12, "Same Count", 6, 200); // as strong, less recent
    same.industry = Some("retail".into());
    let cs = [stranger(1, "Bo Chen"), weak, jane, same];
    let conns = [link(1, 11), link(10, 1), link(12, 1)];
    let s = suggest(&cs, &conns, &[]);
    let bo = s.iter().find(|s| s.contact == ContactId(1)).unwrap();
    assert_eq!(
        bo.kind,
        SuggestionKind::ViaIntroduction {
            via: ContactId(10),
            via_name: "Jane Doe".into()
        }
    );
    assert_eq!(bo.why, "ask Jane Doe to introduce you: works in fintech");
    assert_eq!(ids(&s), [11, 1], "real ties before introductions");
}

#[test]
fn introducers_must_have_a_real_tie_and_not_be_archived() {
    let mut emailed = cand(10, "Only Emailed");
    emailed.activity.conversations = 3;
    emailed.activity.last_at = Some(days_ago(5));
    let mut gone = talked(11, "Archived Friend", 5, 5);
    gone.archived = true;
    gone.industry = None;
    let cs = [stranger(1, "Bo Chen"), emailed, gone];
    let s = suggest(
        &cs,
        &[link(1, 10), link(1, 11), link(1, 1), link(1, 99)],
        &[],
    );
    assert_eq!(ids(&s), [1]);
    assert_eq!(s[0].kind, SuggestionKind::Direct);
    assert_eq!(s[0].score, 0.0);
    assert_eq!(s[0].why, "works in fintech; you have not talked yet");
}

#[test]
fn tiers_real_tie_then_introduction_then_cold() {
    let mut friend = talked(10, "Ann Lee", 10, 0);
    friend.industry = None;
    let mut emailed = stranger(3, "Cy Dee");
    emailed.activity.conversations = 2;
    let cs = [
        emailed,
        stranger(2, "Bo Chen"),
        talked(5, "Weakest Tie", 1, 0),
        friend,
    ];
    let s = suggest(&cs, &[link(2, 10)], &[]);
    assert_eq!(ids(&s), [5, 2, 3]);
    assert!(s[0].score > s[1].score && s[1].score > s[2].score);
    assert_eq!(
        s[2].why,
        "works in fintech; only e-mails or messages so far"
    );
}

#[test]
fn never_archived_excluded_or_unfitting() {
    let mut archived = talked(1, "Archived", 5, 100);
    archived.archived = true;
    let mut other = talked(2, "Retail", 5, 100);
    other.industry = Some("retail".into());
    let cs = [
        archived,
        other,
        talked(3, "Linked", 5, 100),
        talked(4, "Fits", 1, 1),
    ];
    assert_eq!(ids(&suggest(&cs, &[], &[3])), [4]);
    assert!(suggest(&cs, &[], &[3, 4]).is_empty());
    // An excluded contact still introduces.
    let s = suggest(&[cs[2].clone(), stranger(5, "New")], &[link(3, 5)], &[3]);
    assert_eq!(ids(&s), [5]);
    assert!(matches!(
        s[0].kind,
        SuggestionKind::ViaIntroduction {
            via: ContactId(3),
            ..
        }
    ));
}

#[test]
fn limit_keeps_the_best() {
    let cs: Vec<Candidate> = (1..=5).map(|i| talked(i, "X", 1, i * 10)).collect();
    let s = suggestions(&fintech(), &cs, &[], &[], now(), 2);
    assert_eq!(ids(&s), [5, 4]);
    assert!(suggestions(&fintech(), &cs, &[], &[], now(), 0).is_empty());
}

#[test]
fn reconnect_suggests_former_colleagues() {
    let g = goal(GoalKind::Reconnect);
    let mut old = talked(1, "Old Colleague", 4, 400);
    old.former_colleague = true;
    let s = suggestions(&g, &[old, talked(2, "Not One", 4, 400)], &[], &[], now(), 5);
    assert_eq!(ids(&s), [1]);
    assert_eq!(
        s[0].why,
        "a former colleague; 4 conversations, the last 13 months ago"
    );
}

// ---- properties -------------------------------------------------------

fn arb_goal() -> impl Strategy<Value = Goal> {
    (prop::option::of(0u32..40), prop::option::of(-30i64..400)).prop_map(|(target, due)| Goal {
        target_count: target,
        due_on: due.map(|d| date(2026, 1, 1) + Duration::days(d)),
        ..goal(GoalKind::Custom)
    })
}

fn arb_candidate() -> impl Strategy<Value = Candidate> {
    (
        0i64..30,
        prop::sample::select(vec!["fintech", "FINTECH", "retail", "Fintéch payments"]),
        0u32..15,
        0i64..800,
        any::<bool>(),
    )
        .prop_map(|(id, industry, meaningful, days, archived)| {
            let mut c = talked(id, &format!("Person {id}"), meaningful, days);
            c.industry = Some(industry.into());
            c.archived = archived;
            if meaningful == 0 {
                c.activity.last_meaningful_at = None;
            }
            c
        })
}

proptest! {
    #[test]
    fn progress_is_consistent(g in arb_goal(), linked in 0u32..50, offset in -40i64..500) {
        let today = date(2026, 1, 1) + Duration::days(offset);
        let p = progress(&g, linked, today);
        match (g.target_count, p.pace) {
            (None, pace) => prop_assert_eq!(pace, Pace::NoTarget),
            (Some(t), Pace::Reached) => prop_assert!(linked >= t),
            (Some(t), Pace::Overdue { missing }) => {
                prop_assert!(g.due_on.unwrap() < today);
                prop_assert_eq!(missing, t - linked);
            }
            (Some(t), Pace::Ahead { by } | Pace::Behind { by }) => {
                prop_assert!(by > 0 && by <= t);
                prop_assert!(linked < t);
            }
            (Some(t), _) => prop_assert!(linked < t),
        }
        // The line only rises, from 0 to the target.
        let tomorrow = today + Duration::days(1);
        match (expected(&g, today), expected(&g, tomorrow)) {
            (Some(e), Some(f)) => {
                prop_assert!(e <= f && f <= g.target_count.unwrap());
            }
            (a, b) => prop_assert!(a.is_none() && b.is_none()),
        }
        if let (Some(t), Some(due)) = (g.target_count, g.due_on) {
            prop_assert_eq!(expected(&g, due), Some(t));
        }
    }

    #[test]
    fn suggestions_are_bounded_sorted_and_order_independent(
        cs in prop::collection::vec(arb_candidate(), 0..20)
            .prop_map(|mut cs| { cs.sort_by_key(|c| c.id); cs.dedup_by_key(|c| c.id); cs }),
        conns in prop::collection::vec((0i64..30, 0i64..30), 0..30),
        exclude in prop::collection::vec(0i64..30, 0..5),
        limit in 0usize..8,
        seed in any::<u64>(),
    ) {
        let conns: Vec<Connection> = conns.into_iter().map(|(a, b)| link(a, b)).collect();
        let exclude: Vec<ContactId> = exclude.into_iter().map(ContactId).collect();
        let s = suggestions(&fintech(), &cs, &conns, &exclude, now(), limit);
        prop_assert!(s.len() <= limit);
        for sug in &s {
            let c = cs.iter().find(|c| c.id == sug.contact).unwrap();
            prop_assert!(!c.archived);
            prop_assert!(!exclude.contains(&c.id));
            prop_assert!(!matches(&fintech(), c).is_empty());
            if let SuggestionKind::ViaIntroduction { via, .. } = &sug.kind {
                let v = cs.iter().find(|c| c.id == *via).unwrap();
                prop_assert!(v.activity.meaningful > 0 && !v.archived);
                prop_assert_eq!(c.activity.meaningful, 0);
            }
        }
        for w in s.windows(2) {
            prop_assert!(
                w[0].score > w[1].score
                    || (w[0].score == w[1].score && w[0].contact < w[1].contact)
            );
        }
        // Same answer whatever order the facts arrive in.
        let mut shuffled = cs.clone();
        let mut conns_rev = conns.clone();
        conns_rev.reverse();
        let k = (seed as usize) % shuffled.len().max(1);
        shuffled.rotate_left(k);
        shuffled.reverse();
        prop_assert_eq!(
            suggestions(&fintech(), &shuffled, &conns_rev, &exclude, now(), limit),
            s
        );
    }
}
