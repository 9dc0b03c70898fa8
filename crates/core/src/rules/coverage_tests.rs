//! Tests of the coverage rules.

use chrono::TimeZone as _;
use proptest::prelude::*;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap()
}

fn days_ago(d: i64) -> DateTime<Utc> {
    now() - Duration::days(d)
}

/// A colleague last talked to `days` ago (never when `None`), by call.
fn colleague(id: i64, name: &str, function: Option<&str>, days: Option<i64>) -> Colleague {
    let at = days.map(days_ago);
    Colleague {
        id: ContactId(id),
        name: name.into(),
        function: function.map(Into::into),
        activity: Activity {
            conversations: u32::from(at.is_some()),
            meaningful: u32::from(at.is_some()),
            first_at: at,
            last_at: at,
            last_meaningful_at: at,
        },
    }
}

fn link(a: i64, b: i64) -> Connection {
    Connection {
        a: ContactId(a),
        b: ContactId(b),
    }
}

fn find<'a>(cov: &'a [FunctionCoverage], f: &str) -> &'a FunctionCoverage {
    cov.iter().find(|c| c.function == f).unwrap()
}

#[test]
fn what_people_type_maps_to_the_taxonomy() {
    for (raw, want) in [
        ("Software Engineering", "engineering"),
        ("ENGINEERING", "engineering"),
        ("People", "hr"),
        ("Human Resources", "hr"),
        ("HR/People", "hr"),
        ("CS", "customer success"),
        ("Customer Support", "customer success"),
        ("customer_success", "customer success"),
        ("Analytics", "data"),
        ("Data Science", "data"),
        ("Leadership", "executive"),
        ("C-suite", "executive"),
        ("Ops", "operations"),
        ("UX", "design"),
        ("PM", "product"),
        ("Business Development", "sales"),
        ("Sales Team", "sales"),
        ("  Marketing  Department ", "marketing"),
        ("Légal", "legal"),
    ] {
        assert_eq!(canonical_function(raw), want, "{raw}");
    }
    assert_eq!(canonical_function("  Growth   Hacking "), "growth hacking");
    assert_eq!(
        canonical_function("Recherche Médicale"),
        "recherche médicale"
    );
    assert_eq!(canonical_function("   "), "");
    for f in FUNCTIONS {
        assert_eq!(canonical_function(f), *f);
    }
}

#[test]
fn nobody_known_lists_every_function_as_a_gap_without_suggestions() {
    let cov = coverage(&[], &[], now());
    let names: Vec<&str> = cov.iter().map(|c| c.function.as_str()).collect();
    assert_eq!(names, FUNCTIONS);
    assert!(
        cov.iter()
            .all(|c| c.people == 0 && c.gap && c.suggestion.is_none())
    );
    assert!(cov.iter().all(|c| c.last_talked.is_none()));
}

#[test]
fn counts_freshness_and_order() {
    let cs = [
        colleague(1, "Ann Lee", Some("Software Engineering"), Some(10)),
        colleague(2, "Old Friend", Some("engineering"), Some(200)),
        colleague(3, "Zed", Some("Zoology"), Some(5)),
        colleague(4, "Al", Some("Growth Hacking"), None),
        colleague(5, "Nobody Knows", None, Some(90)),
        colleague(6, "Blank", Some(" "), None),
        colleague(7, "Émile", Some("Ärchery"), Some(300)),
    ];
    let cov = coverage(&cs, &[], now());
    let names: Vec<&str> = cov.iter().map(|c| c.function.as_str()).collect();
    let mut want: Vec<&str> = FUNCTIONS.to_vec();
    want.extend(["ärchery", "growth hacking", "zoology", "unknown"]);
    assert_eq!(names, want);

    let eng = find(&cov, "engineering");
    assert_eq!((eng.people, eng.fresh, eng.gap), (2, 1, false));
    assert_eq!(eng.last_talked, Some(days_ago(10)));
    assert_eq!(eng.suggestion, None);

    let unknown = find(&cov, "unknown");
    assert_eq!(
        (unknown.people, unknown.fresh),
        (2, 1),
        "90 days ago is still fresh"
    );
    let growth = find(&cov, "growth hacking");
    assert_eq!((growth.people, growth.fresh, growth.gap), (1, 0, true));
    assert_eq!(growth.last_talked, None);
}

#[test]
fn an_e_mail_keeps_a_tie_fresh() {
    let mut c = colleague(1, "Ann Lee", Some("finance"), Some(400));
    c.activity.conversations = 2;
    c.activity.last_at = Some(days_ago(3));
    let cov = coverage(&[c], &[], now());
    let finance = find(&cov, "finance");
    assert_eq!((finance.fresh, finance.gap), (1, false));
    assert_eq!(finance.last_talked, Some(days_ago(3)));
}

#[test]
fn gaps_suggest_an_introduction_through_the_freshest_connected_colleague() {
    let cs = [
        colleague(1, "Ann Lee", Some("engineering"), Some(2)),
        colleague(2, "Cy Dee", Some("product"), Some(30)),
        colleague(3, "Stale Sam", Some("design"), Some(200)),
        colleague(10, "Bo Chen", Some("finance"), None),
        colleague(11, "Di Eve", Some("finance"), Some(400)),
    ];
    // Bo knows Cy (fresh) and Sam (stale); Di knows Ann (fresher).
    let conns = [link(10, 2), link(3, 10), link(1, 11), link(10, 99)];
    let cov = coverage(&cs, &conns, now());
    assert_eq!(
        find(&cov, "finance").suggestion.as_deref(),
        Some("ask Ann Lee to introduce you to Di Eve")
    );
    // Sam's design gap: the only connection is Bo, who is not fresh.
    assert_eq!(
        find(&cov, "design").suggestion.as_deref(),
        Some("reach out to Stale Sam")
    );
    // Nobody in sales: ask the freshest tie anywhere.
    assert_eq!(
        find(&cov, "sales").suggestion.as_deref(),
        Some("ask Ann Lee (your freshest tie here) who to meet in sales")
    );
}

#[test]
fn without_an_introducer_reach_out_to_the_one_talked_to_most() {
    let mut di = colleague(11, "Di Eve", Some("legal"), Some(400));
    di.activity.meaningful = 5;
    let cs = [colleague(10, "Bo Chen", Some("legal"), None), di];
    let cov = coverage(&cs, &[link(10, 11)], now());
    assert_eq!(
        find(&cov, "legal").suggestion.as_deref(),
        Some("reach out to Di Eve")
    );
    // Nobody fresh at all: empty functions get no suggestion.
    assert_eq!(find(&cov, "sales").suggestion, None);
}

proptest! {
    #[test]
    fn coverage_counts_everyone_once(
        cs in prop::collection::vec(
            (
                prop::option::of(prop::sample::select(vec![
                    "Engineering", "PM", "people", "Zoology", "zoology ", "", "Unknown",
                ])),
                prop::option::of(0i64..400),
            ),
            0..25,
        ),
        conns in prop::collection::vec((0i64..25, 0i64..25), 0..30),
    ) {
        let cs: Vec<Colleague> = cs
            .into_iter()
            .enumerate()
            .map(|(i, (f, d))| colleague(i as i64, &format!("P{i}"), f, d))
            .collect();
        let conns: Vec<Connection> = conns.into_iter().map(|(a, b)| link(a, b)).collect();
        let cov = coverage(&cs, &conns, now());
        prop_assert_eq!(cov.iter().map(|c| c.people as usize).sum::<usize>(), cs.len());
        let names: Vec<&str> = cov.iter().map(|c| c.function.as_str()).collect();
        prop_assert_eq!(&names[..FUNCTIONS.len()], FUNCTIONS);
        let mut distinct = names.clone();
        distinct.sort_unstable();
        distinct.dedup();
        prop_assert_eq!(distinct.len(), names.len());
        for c in &cov {
            prop_assert!(c.fresh <= c.people);
            prop_assert_eq!(c.gap, c.people == 0 || c.fresh == 0);
            prop_assert!(c.gap || c.suggestion.is_none());
            prop_assert!(c.people == 0 || !c.gap || c.suggestion.is_some());
        }
    }
}
