//! Goals, my organisation's coverage and informational conversations from the CLI.

use crate::Kith;

#[test]
fn a_goal_tracks_progress_learning_and_suggests_people() {
    let kith = Kith::new();
    kith.ok(&[
        "add",
        "Maria Lopez",
        "--function",
        "Product",
        "--org",
        "Initech",
    ]);
    kith.ok(&["add", "Pat Park", "--function", "product", "--org", "Hooli"]);
    kith.ok(&["add", "Jane Doe", "--org", "Hooli"]);
    kith.ok(&["edit", "pat", "--introduced-by", "jane"]);
    kith.ok(&[
        "log",
        "jane",
        "--via",
        "coffee",
        "--on",
        "20 days ago",
        "Catch-up",
    ]);
    kith.ok(&[
        "log",
        "jane",
        "--via",
        "phone",
        "--on",
        "10 days ago",
        "Another",
    ]);
    let goal = kith.json(&[
        "goal",
        "add",
        "--kind",
        "industry-change",
        "Move into product",
        "--function",
        "Product Management",
        "--target",
        "4",
        "--by",
        "in 60 days",
    ]);
    assert_eq!(goal["function"], "product", "functions use the taxonomy");
    assert_eq!(goal["progress"], "0 of 4, on track");

    let logged = kith.json(&[
        "log",
        "maria",
        "--via",
        "zoom",
        "--kind",
        "informational",
        "--goal",
        "product",
        "--learned",
        "skill: SQL",
        "--learned",
        "path: analyst to PM in 3 years",
        "How she moved into product",
    ]);
    assert_eq!(logged["kind"], "informational");
    assert_eq!(logged["learned"][0]["text"], "SQL");

    let shown = kith.json(&["goal", "show", "product"]);
    assert_eq!(shown["linked_conversations"], 1);
    assert_eq!(shown["people"][0]["name"], "Maria Lopez");
    assert_eq!(shown["learned"][0]["text"], "SQL");
    assert_eq!(shown["learned"][0]["from"][0], "Maria Lopez");
    // Pat fits the goal and is reached best through Jane, whom I know.
    let pat = shown["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["contact"]["name"] == "Pat Park")
        .expect("Pat is suggested");
    assert_eq!(pat["via"]["name"], "Jane Doe");
    assert!(pat["why"].as_str().unwrap().contains("Jane Doe"), "{pat}");

    kith.ok(&["goal", "link", "product", "pat"]);
    assert_eq!(
        kith.json(&["goal", "show", "1"])["people"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let list = kith.ok(&["goal", "list"]);
    assert!(
        list.contains("Move into product") && list.contains("1 of 4"),
        "{list}"
    );
    kith.ok(&["goal", "done", "product"]);
    assert!(kith.json(&["goal", "list"]).as_array().unwrap().is_empty());
    assert_eq!(kith.json(&["goal", "list", "--all"])[0]["status"], "done");
}

#[test]
fn coverage_of_my_organisation_shows_gaps() {
    let kith = Kith::new();
    kith.ok(&[
        "add",
        "Ana Eng",
        "--org",
        "Acme",
        "--function",
        "Engineering",
    ]);
    kith.ok(&[
        "add",
        "Ben Eng",
        "--org",
        "acme",
        "--function",
        "software engineering",
    ]);
    kith.ok(&["add", "Cleo Sales", "--org", "Acme", "--function", "sales"]);
    kith.ok(&[
        "add",
        "Out Sider",
        "--org",
        "Globex",
        "--function",
        "finance",
    ]);
    kith.ok(&["log", "ana", "--via", "coffee", "--on", "3 days ago"]);
    assert!(kith.fails(&["org", "coverage"]).contains("kith org mine"));
    kith.ok(&["org", "mine", "Acme"]);
    let map = kith.json(&["org", "coverage"]);
    assert_eq!(map["organisation"], "Acme");
    assert_eq!(map["people"], 3);
    let function = |name: &str| {
        map["functions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["function"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(function("engineering")["people"], 2);
    assert_eq!(function("engineering")["fresh"], 1);
    assert_eq!(function("engineering")["gap"], false);
    assert_eq!(function("sales")["gap"], true, "known but not fresh");
    assert_eq!(function("finance")["people"], 0, "Globex is not mine");
    assert_eq!(function("finance")["gap"], true);
    assert!(kith.ok(&["org", "coverage"]).contains("engineering"));
}

#[test]
fn goals_refuse_bad_input() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    kith.ok(&["goal", "add", "--kind", "new-role", "Land a product role"]);
    crate::refuses_all(
        &kith,
        &[
            (
                &["goal", "add", "--kind", "fame", "x"],
                "kith: invalid --kind: unknown goal kind 'fame'",
            ),
            (
                &["goal", "add", "--kind", "custom", "x", "--by", "yesterday"],
                "kith: invalid --by",
            ),
            (
                &["goal", "add", "--kind", "custom", "x", "--target", "0"],
                "kith: invalid --target",
            ),
            (
                &["goal", "add", "--kind", "custom", " "],
                "kith: invalid title",
            ),
            (&["goal", "show", "fame"], "kith: no goal matches 'fame'"),
            (
                &["goal", "link", "role", "zed"],
                "kith: no contact matches 'zed'",
            ),
            (
                &["goal", "link", "role", "--conversation", "999"],
                "kith: no conversation with id 999",
            ),
            (&["goal", "done", "42"], "kith: no goal with id 42"),
            (
                &["log", "jane", "--via", "zoom", "--kind", "gossip"],
                "kith: invalid --kind",
            ),
            (
                &["log", "jane", "--via", "zoom", "--learned", "skill:"],
                "kith: invalid --learned",
            ),
            (
                &["log", "jane", "--via", "zoom", "--goal", "fame"],
                "kith: invalid --goal: no goal matches 'fame'",
            ),
        ],
    );
}

#[test]
fn a_reconnect_goal_finds_former_colleagues() {
    let kith = Kith::new();
    kith.ok(&["add", "Dora Old", "--org", "Hooli"]);
    kith.ok(&["add", "Carl Later", "--org", "Hooli"]);
    kith.ok(&[
        "log",
        "dora",
        "--via",
        "coffee",
        "--on",
        "400 days ago",
        "Old times",
    ]);
    kith.ok(&["org", "worked", "Globex", "--from", "2015", "--to", "2019"]);
    kith.ok(&[
        "org",
        "worked",
        "Globex",
        "--from",
        "2017",
        "--to",
        "2021",
        "--contact",
        "dora",
    ]);
    kith.ok(&[
        "org",
        "worked",
        "globex",
        "--from",
        "2020",
        "--contact",
        "carl",
    ]);
    kith.ok(&[
        "goal",
        "add",
        "--kind",
        "reconnect",
        "Reconnect with former colleagues",
    ]);
    let shown = kith.json(&["goal", "show", "reconnect"]);
    let names: Vec<&str> = shown["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["contact"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Dora Old"], "Carl joined after I left: {shown}");
    assert!(
        shown["suggestions"][0]["why"]
            .as_str()
            .unwrap()
            .contains("former colleague")
    );
    crate::refuses_all(
        &kith,
        &[
            (
                &["org", "worked", "Globex", "--from", "2020", "--to", "2019"],
                "kith: invalid --to: 2019 is before --from 2020",
            ),
            (
                &["org", "worked", "Globex", "--from", "1066"],
                "kith: invalid --from: 1066 is not a year",
            ),
            (&["org", "worked", " "], "kith: invalid organisation"),
            (
                &["org", "worked", "Globex", "--contact", "zed"],
                "kith: --contact: no contact matches 'zed'",
            ),
        ],
    );
}
