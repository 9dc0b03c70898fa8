//! Bounded work from the command line: duplicates in groups a page at a
//! time, and the limits on what one contact or conversation holds.

use crate::Kith;
use crate::imports::write;

/// `n` cards all named `name`, each with its own UID.
fn look_alikes(name: &str, uid: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}-{i}\r\nFN:{name}\r\nEND:VCARD\r\n")
        })
        .collect()
}

fn import(kith: &Kith, name: &str, text: &str) {
    let file = write(kith, name, text);
    kith.ok(&["import", "vcard", &file]);
}

/// 1,000 people named alike are one group of 1,000, shown ten at a time,
/// not 499,500 lines.
#[test]
fn a_thousand_look_alikes_are_one_group_a_page_at_a_time() {
    let kith = Kith::new();
    import(&kith, "same.vcf", &look_alikes("Same Name", "same", 1_000));
    let out = kith.ok(&["duplicates"]);
    let first_ten: Vec<String> = (1..=10).map(|i| format!("#{i} Same Name")).collect();
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            format!(
                "{} and 990 more: same name (same name), nothing else tells them apart",
                first_ten.join(", ")
            )
            .as_str(),
            "  the next members: kith duplicates --offset 0 --limit 1 --members-from 10 --members 10",
        ]
    );
    let last = kith.ok(&["duplicates", "--members-from", "995", "--members", "10"]);
    assert_eq!(
        last.lines().collect::<Vec<_>>(),
        [
            "995 before, #996 Same Name, #997 Same Name, #998 Same Name, #999 Same Name \
          and #1000 Same Name: same name (same name), nothing else tells them apart"
        ]
    );
    let json = kith.json(&["duplicates", "--members", "3"]);
    assert_eq!(json["total"], 1, "{json}");
    assert_eq!(json["groups"][0]["size"], 1_000, "{json}");
    assert_eq!(
        json["groups"][0]["members"],
        serde_json::json!([
            { "id": 1, "name": "Same Name" },
            { "id": 2, "name": "Same Name" },
            { "id": 3, "name": "Same Name" },
        ])
    );
    // At most 500 members in one answer, whatever is asked.
    let most = kith.json(&["duplicates", "--members", "100000"]);
    assert_eq!(
        most["groups"][0]["members"].as_array().unwrap().len(),
        500,
        "{most}"
    );
}

#[test]
fn groups_come_a_page_at_a_time() {
    let kith = Kith::new();
    let file = [
        look_alikes("Ann Lee", "ann", 2),
        look_alikes("Bob Roe", "bob", 3),
        look_alikes("Cy Poe", "cy", 2),
    ]
    .concat();
    import(&kith, "three.vcf", &file);
    assert_eq!(
        kith.ok(&["duplicates", "--limit", "1", "--offset", "1"])
            .lines()
            .collect::<Vec<_>>(),
        [
            "#3 Bob Roe, #4 Bob Roe and #5 Bob Roe: same name (bob roe), nothing else tells them apart",
            "Groups 2-2 of 3; the next ones: kith duplicates --offset 2",
        ]
    );
    assert_eq!(
        kith.ok(&["duplicates", "--offset", "2"]),
        "#6 Cy Poe and #7 Cy Poe: same name (cy poe), nothing else tells them apart\n"
    );
    assert_eq!(kith.ok(&["duplicates", "--offset", "3"]), "");
    // Merging works on any two members the user picks.
    kith.ok(&["merge", "#5", "#3"]);
    assert_eq!(
        kith.ok(&["duplicates", "--offset", "1", "--limit", "1"]),
        "#4 Bob Roe and #5 Bob Roe: same name (bob roe), nothing else tells them apart\n\
         Groups 2-2 of 3; the next ones: kith duplicates --offset 2\n"
    );
}

fn many(flag: &str, n: usize, value: impl Fn(usize) -> String) -> Vec<String> {
    (0..n).flat_map(|i| [flag.to_owned(), value(i)]).collect()
}

fn run_with(kith: &Kith, head: &[&str], tail: &[String]) -> std::process::Output {
    let mut args: Vec<&str> = head.to_vec();
    args.extend(tail.iter().map(String::as_str));
    kith.run(&args)
}

fn refused(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    String::from_utf8(out.stderr.clone()).unwrap()
}

#[test]
fn a_contact_holds_at_most_a_hundred_tags_and_fifty_of_each_list() {
    let kith = Kith::new();
    let tag = |i: usize| format!("t{i}");
    let err = refused(&run_with(
        &kith,
        &["add", "Jane Doe"],
        &many("--tag", 101, tag),
    ));
    assert!(
        err.contains("invalid --tag: at most 100 tags on one contact (101 given)"),
        "{err}"
    );
    let err = refused(&run_with(
        &kith,
        &["add", "Jane Doe"],
        &many("--email", 51, |i| format!("j{i}@example.com")),
    ));
    assert!(
        err.contains("invalid --email: at most 50 e-mails on one contact (51 given)"),
        "{err}"
    );
    let err = refused(&run_with(
        &kith,
        &["add", "Jane Doe"],
        &many("--phone", 51, |i| format!("+1 555 010 {i:04}")),
    ));
    assert!(err.contains("at most 50 phones"), "{err}");
    let err = refused(&run_with(
        &kith,
        &["add", "Jane Doe"],
        &many("--link", 51, |i| format!("https://example.com/{i}")),
    ));
    assert!(err.contains("at most 50 links"), "{err}");
    assert_eq!(kith.json(&["list"]).as_array().unwrap().len(), 0);

    let out = run_with(&kith, &["add", "Jane Doe"], &many("--tag", 100, tag));
    assert!(out.status.success(), "{out:?}");
    let err = kith.fails(&["edit", "Jane Doe", "--tag", "one-more"]);
    assert!(
        err.contains("invalid --tag: at most 100 tags on one contact (101 given)"),
        "{err}"
    );
    // A tag it has, or one in place of another, fits.
    kith.ok(&["edit", "Jane Doe", "--tag", "t5"]);
    kith.ok(&["edit", "Jane Doe", "--tag", "one-more", "--untag", "t0"]);
    let shown = kith.json(&["show", "Jane Doe"]);
    assert_eq!(shown["tags"].as_array().unwrap().len(), 100, "{shown}");
}

/// An import is forgiving: the person comes in with the first 100 tags,
/// and the report says what was left out.
#[test]
fn an_import_keeps_the_person_and_leaves_the_excess_out() {
    let kith = Kith::new();
    let tags: Vec<String> = (0..150).map(|i| format!("t{i}")).collect();
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:many\r\nFN:Tag Heavy\r\nCATEGORIES:{}\r\nEND:VCARD\r\n",
        tags.join(",")
    );
    let file = write(&kith, "tags.vcf", &card);
    let report = kith.json(&["import", "vcard", &file]);
    assert_eq!(report["created"], 1, "{report}");
    let warnings = &report["records"][0]["warnings"];
    assert_eq!(
        warnings,
        &serde_json::json!([{
            "column": "tags",
            "value": "150 given",
            "message": "at most 100 tags on one contact (150 given); the first 100 are kept",
        }]),
        "{report}"
    );
    let shown = kith.json(&["show", "Tag Heavy"]);
    assert_eq!(shown["tags"].as_array().unwrap().len(), 100, "{shown}");
}

#[test]
fn a_conversation_is_with_at_most_a_hundred_people_and_makes_at_most_fifty_follow_ups() {
    let kith = Kith::new();
    let cards: String = (0..101)
        .map(|i| {
            format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p{i}\r\nFN:Person {i}\r\nEND:VCARD\r\n")
        })
        .collect();
    import(&kith, "people.vcf", &cards);
    let everyone = (1..=101)
        .map(|i| format!("#{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let err = kith.fails(&["log", &everyone, "--via", "zoom", "all hands"]);
    assert!(
        err.contains("invalid participants: at most 100 people in one conversation (101 given)"),
        "{err}"
    );
    let hundred = (1..=100)
        .map(|i| format!("#{i}"))
        .collect::<Vec<_>>()
        .join(",");
    kith.ok(&["log", &hundred, "--via", "zoom", "all hands"]);

    let todo = |i: usize| format!("task {i}");
    let err = refused(&run_with(
        &kith,
        &["log", "#1", "--via", "zoom", "planning"],
        &many("--todo", 51, todo),
    ));
    assert!(
        err.contains("at most 50 to-dos and introductions from one conversation (51 given)"),
        "{err}"
    );
    let out = run_with(
        &kith,
        &["log", "#1", "--via", "zoom", "planning"],
        &many("--todo", 50, todo),
    );
    assert!(out.status.success(), "{out:?}");
}
