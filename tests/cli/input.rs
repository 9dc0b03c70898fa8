//! Bad input gets one clear line naming the field, exit code 2, and changes nothing.

use crate::Kith;

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

#[test]
fn usage_errors_exit_with_two() {
    let kith = Kith::new();
    let out = kith.run(&["log", "jane"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--via"));
    assert_eq!(kith.run(&["frobnicate"]).status.code(), Some(2));
}
