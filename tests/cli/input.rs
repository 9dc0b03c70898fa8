//! Bad input gets one clear line naming the field, exit code 2, and changes nothing.

use crate::{Kith, clock};

fn setup() -> Kith {
    let kith = Kith::new();
    kith.ok(&[
        "add",
        "Jane Doe",
        "--email",
        "jane@acme.example",
        "--title",
        "VP",
    ]);
    kith.ok(&[
        "log",
        "jane",
        "--via",
        "zoom",
        "--on",
        "2026-01-10",
        "First call",
    ]);
    kith
}

#[test]
fn refused_commands_name_the_field_and_change_nothing() {
    let kith = setup();
    let cases: &[(&[&str], &str)] = &[
        (&["add", "   "], "kith: invalid name: must not be empty"),
        (
            &["add", "Bob", "--email", "bob@"],
            "kith: invalid --email: 'bob@' is not an e-mail address",
        ),
        (
            &["add", "Bob", "--birthday", "1990-02-30"],
            "kith: invalid --birthday: '1990-02-30' is not a date",
        ),
        (
            &["add", "Bob", "--every", "soon"],
            "kith: invalid --every: 'soon' is not an interval",
        ),
        (
            &["add", "Bob", "--timezone", "Mars/Base"],
            "kith: invalid --timezone: 'Mars/Base' is not an IANA time zone",
        ),
        (
            &["add", "Bob", "--link", "ftp://x.example"],
            "kith: invalid --link: 'ftp://x.example' is not an http(s) URL",
        ),
        (
            &["add", "Bob", "--introduced-by", "nobody"],
            "kith: --introduced-by: no contact matches 'nobody'",
        ),
        (
            &["edit", "jane", "--email", "x@y"],
            "kith: invalid --email: 'x@y' is not an e-mail address",
        ),
        (
            &[
                "edit",
                "jane",
                "--title",
                "CEO",
                "--remove-email",
                "other@acme.example",
            ],
            "kith: invalid --remove-email: the contact has no email 'other@acme.example'",
        ),
        (&["edit", "jane"], "kith: nothing to change"),
        (
            &["edit", "zed", "--title", "x"],
            "kith: no contact matches 'zed'",
        ),
        (
            &["log", "jane", "--via", "pigeon", "x"],
            "kith: invalid --via: unknown channel 'pigeon' (expected one of: zoom, meet",
        ),
        (
            &["log", "jane", "--via", "zoom", "--on", "last tuesday"],
            "kith: invalid --on: 'last tuesday' is not a date or time",
        ),
        (
            &["log", "jane", "--via", "zoom", "--on", "2126-01-01"],
            "kith: invalid --on: 2126-01-01 12:00 is in the future",
        ),
        (
            &["log", "jane", "--via", "zoom", "--minutes", "0"],
            "kith: invalid --minutes: '0' is not a duration",
        ),
        (
            &["log", "jane,zed", "--via", "zoom"],
            "kith: no contact matches 'zed'",
        ),
        (
            &["log", " , ", "--via", "zoom"],
            "kith: invalid participants",
        ),
        (&["show", "zed"], "kith: no contact matches 'zed'"),
        (
            &["show", "jnae"],
            "kith: no contact matches 'jnae'; did you mean Jane Doe (#1)?",
        ),
        (
            &["log", "Jane Dooe", "--via", "zoom"],
            "kith: no contact matches 'Jane Dooe'; did you mean Jane Doe (#1)?",
        ),
        (
            &["list", "--tag", "a,b"],
            "kith: invalid --tag: 'a,b' must not contain commas",
        ),
        (
            &["search", "***"],
            "kith: invalid query: give at least one word to search for",
        ),
        (
            &["--database-url", "mysql://x", "list"],
            "kith: --database-url: invalid database URL",
        ),
        (
            &["demo", "--contacts", "0"],
            "kith: invalid --contacts: 0 is not between 1 and 100000",
        ),
    ];
    crate::refuses_all(&kith, cases);
}

/// An account with rows in every table, and commands on each of them
/// refused, some with a good field beside the bad one: the account must be
/// the same, byte for byte, after each.
#[test]
fn refused_commands_change_nothing_in_any_table() {
    let kith = crate::archive::busy_account();
    kith.ok(&[
        "digest", "set", "--on", "--days", "weekdays", "--at", "07:30",
    ]);
    let later = clock::at(10, "10:00");
    let cases: &[(&[&str], &str)] = &[
        // Settings and the digest.
        (
            &["settings", "--name", "Ann New", "--email", "bad@"],
            "kith: invalid --email:",
        ),
        (
            &["settings", "--timezone", "Europe/Paris", "--every", "often"],
            "kith: invalid --every:",
        ),
        (
            &["settings", "--jitsi", "ftp://x"],
            "kith: invalid --jitsi:",
        ),
        (
            &["digest", "set", "--off", "--at", "25:99"],
            "kith: invalid --at:",
        ),
        (
            &["digest", "set", "--at", "08:00", "--days", "funday"],
            "kith: invalid --days:",
        ),
        (&["digest", "set", "--to", "bad@"], "kith: invalid --to:"),
        (
            &["tag", "set", "mentor", "--every", "often"],
            "kith: invalid --every",
        ),
        // Contacts, conversations and organisations.
        (
            &["edit", "jane", "--title", "CEO", "--email", "x@y"],
            "kith: invalid --email:",
        ),
        (
            &[
                "log",
                "jane",
                "--via",
                "zoom",
                "--on",
                "last tuesday",
                "Call",
            ],
            "kith: invalid --on:",
        ),
        (
            &["org", "worked", "Globex", "--from", "2020", "--to", "2019"],
            "kith: invalid --to:",
        ),
        // Goals.
        (
            &[
                "goal",
                "add",
                "--kind",
                "custom",
                "New goal",
                "--by",
                "yesterday",
            ],
            "kith: invalid --by:",
        ),
        (
            &[
                "goal", "add", "--kind", "custom", "New goal", "--target", "0",
            ],
            "kith: invalid --target",
        ),
        (
            &["goal", "link", "1", "zed"],
            "kith: no contact matches 'zed'",
        ),
        (
            &["goal", "link", "1", "--conversation", "99"],
            "kith: no conversation with id 99",
        ),
        (&["goal", "done", "99"], "kith: no goal with id 99"),
        // Outreach blocks.
        (
            &[
                "block",
                "add",
                "--days",
                "wed",
                "--at",
                "09:00",
                "--capacity",
                "0",
            ],
            "kith: invalid --capacity:",
        ),
        (
            &["block", "add", "--days", "funday", "--at", "09:00"],
            "kith: invalid --days:",
        ),
        (
            &["block", "remove", "99"],
            "kith: no outreach block with id 99",
        ),
        // Follow-ups.
        (
            &["todo", "add", "jane", "New todo", "--by", "someday"],
            "kith: invalid --by:",
        ),
        (&["todo", "done", "99"], "kith: no follow-up with id 99"),
        (&["todo", "drop", "99"], "kith: no follow-up with id 99"),
        // Meetings.
        (
            &["meet", "jane", "--at", "soon", "--where", "x"],
            "kith: invalid --at:",
        ),
        (
            &[
                "meet",
                "jane",
                "--at",
                &later,
                "--where",
                "x",
                "--minutes",
                "0",
            ],
            "kith: invalid --minutes:",
        ),
        (
            &[
                "meeting",
                "convert",
                "1",
                "--zoom",
                "https://evil.example/j/1",
            ],
            "kith: invalid --zoom:",
        ),
        (&["meeting", "cancel", "99"], "kith: no meeting with id 99"),
        (
            &["meeting", "log", "1", "too early"],
            "kith: meeting 1 has not started yet",
        ),
    ];
    crate::refuses_all(&kith, cases);
}

#[test]
fn usage_errors_exit_with_two() {
    let kith = Kith::new();
    let out = kith.run(&["log", "jane"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--via"));
    assert_eq!(kith.run(&["frobnicate"]).status.code(), Some(2));
}

/// The same mistakes the API names by its JSON field and the page by its
/// form label (tests/web): the command line names the flag.
#[test]
fn an_invalid_contact_names_the_flag() {
    let kith = Kith::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["add", "Bob", "--every", "soon"],
            "kith: invalid --every: 'soon' is not an interval",
        ),
        (
            &["add", "Bob", "--email", "bob@"],
            "kith: invalid --email: 'bob@' is not an e-mail address",
        ),
    ];
    crate::refuses_all(&kith, cases);
}
