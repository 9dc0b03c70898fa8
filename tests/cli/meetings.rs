//! Meetings, converting them to virtual with an updated invitation,
//! logging them, outreach blocks, the plan and the calendar export, on
//! SQLite and PostgreSQL. Every .ics written here is read back by calcard
//! and checked by the strict Python validators (`tests/ical/validate.py`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Europe::Berlin;

use calcard::icalendar::{ICalendar, ICalendarComponentType, ICalendarProperty};
use kith_store::testing::{TestDatabase, postgres_admin_url};
use serde_json::Value;

use crate::{Kith, clock, refuses_all};

/// `time` on `day` in `zone`, as a user there means it.
fn in_zone<Z: TimeZone>(zone: Z, day: NaiveDate, time: &str) -> DateTime<Z> {
    let time = NaiveTime::parse_from_str(time, "%H:%M").unwrap();
    zone.from_local_datetime(&day.and_time(time))
        .single()
        .unwrap()
}

/// Runs `kith` with a fixed prefix of arguments (the database to use).
struct Session<'a> {
    kith: &'a Kith,
    prefix: Vec<String>,
}

impl Session<'_> {
    fn args<'b>(&'b self, args: &[&'b str]) -> Vec<&'b str> {
        let mut all: Vec<&str> = self.prefix.iter().map(String::as_str).collect();
        all.extend_from_slice(args);
        all
    }

    fn ok(&self, args: &[&str]) -> String {
        self.kith.ok(&self.args(args))
    }

    fn json(&self, args: &[&str]) -> Value {
        self.kith.json(&self.args(args))
    }

    fn file(&self, name: &str) -> PathBuf {
        self.kith.dir.path().join(name)
    }
}

/// Checks .ics files with the Python validators named by KITH_TEST_PYTHON
/// (a Python with `ical` and `icalendar`, which `.ci/run` installs). In CI
/// a missing validator is a failure.
fn validate(paths: &[PathBuf]) {
    let python = match std::env::var("KITH_TEST_PYTHON") {
        Ok(python) => python,
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but KITH_TEST_PYTHON does not name a Python with ical and icalendar")
        }
        Err(_) => {
            eprintln!(
                "note: KITH_TEST_PYTHON is not set; .ics files not checked by ical/icalendar"
            );
            return;
        }
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ical/validate.py");
    let out = Command::new(python)
        .arg(script)
        .args(paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the validators refused a file:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn calcard(path: &Path) -> ICalendar {
    let text = std::fs::read_to_string(path).unwrap();
    match calcard::Parser::new(&text).entry() {
        calcard::Entry::ICalendar(cal) => cal,
        other => panic!("calcard could not read {}: {other:?}", path.display()),
    }
}

/// (kind, UID, SEQUENCE) of each VEVENT and VTODO.
fn components(cal: &ICalendar) -> Vec<(String, String, i64)> {
    cal.components
        .iter()
        .filter(|c| {
            matches!(
                c.component_type,
                ICalendarComponentType::VEvent | ICalendarComponentType::VTodo
            )
        })
        .map(|c| {
            let first = |p: ICalendarProperty| c.property(&p).and_then(|e| e.values.first());
            (
                c.component_type.as_str().to_owned(),
                first(ICalendarProperty::Uid)
                    .and_then(|v| v.as_text())
                    .unwrap_or_default()
                    .to_owned(),
                first(ICalendarProperty::Sequence)
                    .and_then(|v| v.as_integer())
                    .unwrap_or(0),
            )
        })
        .collect()
}

/// The whole story on one database.
fn meetings_end_to_end(s: &Session<'_>) {
    s.ok(&[
        "settings",
        "--name",
        "Ann Example",
        "--email",
        "ann@example.org",
        "--timezone",
        "Europe/Berlin",
    ]);
    s.ok(&["add", "Jane Doe", "--email", "jane@acme.example"]);
    s.ok(&["add", "Bob Roe", "--email", "bob@roe.example"]);

    // In person, in the user's zone (Berlin), ten days from now.
    let day = clock::day(10);
    let met = s.json(&[
        "meet",
        "jane,bob",
        "--at",
        &clock::at(10, "10:00"),
        "--where",
        "Café Central, Vienna",
        "--title",
        "Coffee",
    ]);
    assert_eq!(
        met["starts_at"],
        in_zone(Berlin, day, "10:00").to_utc().to_rfc3339()
    );
    assert_eq!(met["mode"], "in-person");
    assert_eq!(met["sequence"], 0);
    let id = met["id"].to_string();
    let first = s.file("first.ics");
    s.ok(&["meeting", "ics", &id, "-o", first.to_str().unwrap()]);

    // Convert to Jitsi: same UID, higher SEQUENCE, a room on meet.jit.si.
    let converted = s.json(&["meeting", "convert", &id, "--jitsi"]);
    assert_eq!(converted["uid"], met["uid"]);
    assert_eq!(converted["sequence"], 1);
    assert_eq!(converted["platform"], "jitsi");
    let url = converted["url"].as_str().unwrap();
    let room = url.strip_prefix("https://meet.jit.si/kith-").unwrap();
    assert_eq!(room.len(), 26, "128 random bits in base32: {url}");
    let update = s.file("update.ics");
    s.ok(&["meeting", "ics", &id, "-o", update.to_str().unwrap()]);
    let text = std::fs::read_to_string(&update)
        .unwrap()
        .replace("\r\n ", "");
    assert!(text.contains("METHOD:REQUEST\r\n"));
    assert!(text.contains(&format!(
        "CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Join on Jitsi Meet:{url}\r\n"
    )));
    assert!(text.contains(&format!("URL:{url}\r\n")));
    assert!(text.contains("ORGANIZER;CN=Ann Example:mailto:ann@example.org\r\n"));
    assert!(
        text.contains(":mailto:jane@acme.example\r\n")
            && text.contains(":mailto:bob@roe.example\r\n")
    );
    let (before, after) = (components(&calcard(&first)), components(&calcard(&update)));
    assert_eq!(before.len(), 1);
    assert_eq!(
        after[0].1, before[0].1,
        "the same UID, so calendars update the event"
    );
    assert!(after[0].2 > before[0].2, "a higher SEQUENCE");

    // Another Jitsi server, then a Zoom link checked by host.
    s.ok(&["settings", "--jitsi", "https://jitsi.example.org/team"]);
    let again = s.json(&["meeting", "convert", &id, "--jitsi"]);
    assert!(
        again["url"]
            .as_str()
            .unwrap()
            .starts_with("https://jitsi.example.org/team/kith-")
    );
    assert_ne!(again["url"], converted["url"]);
    let zoom = s.json(&[
        "meeting",
        "convert",
        &id,
        "--zoom",
        "https://us02web.zoom.us/j/8512345678",
    ]);
    assert_eq!(
        (zoom["platform"].as_str(), zoom["sequence"].as_i64()),
        (Some("zoom"), Some(3))
    );

    // Cancel: METHOD:CANCEL with a higher SEQUENCE still.
    let cancelled = s.json(&["meeting", "cancel", &id]);
    assert_eq!(cancelled["status"], "cancelled");
    let cancel = s.file("cancel.ics");
    s.ok(&["meeting", "ics", &id, "-o", cancel.to_str().unwrap()]);
    let text = std::fs::read_to_string(&cancel).unwrap();
    assert!(text.contains("METHOD:CANCEL\r\n") && text.contains("STATUS:CANCELLED\r\n"));
    let cancelled_event = components(&calcard(&cancel));
    assert_eq!(cancelled_event[0].1, before[0].1);
    assert_eq!(cancelled_event[0].2, 4);
    assert!(s.json(&["meeting", "list"]).as_array().unwrap().is_empty());
    assert_eq!(
        s.json(&["meeting", "list", "--all"])[0]["status"],
        "cancelled"
    );

    // Entered with an offset: 10:00 at UTC-5 is 15:00 UTC, shown in Berlin.
    let offset = s.json(&[
        "meet",
        "jane",
        "--at",
        &format!("{day}T10:00:00-05:00"),
        "--meet",
        "https://meet.google.com/abc-defg-hij",
    ]);
    let fifteen = in_zone(chrono_tz::UTC, day, "15:00");
    assert_eq!(offset["starts_at"], fifteen.to_utc().to_rfc3339());
    let shown = s.ok(&["meeting", "show", &offset["id"].to_string()]);
    let berlin = fifteen.with_timezone(&Berlin).format("%Y-%m-%d %H:%M");
    assert!(shown.contains(&berlin.to_string()), "{shown}");

    // After a meeting, today asks to log it, prefilled; logging links it.
    let past = s.json(&[
        "meet",
        "bob",
        "--at",
        "3 days ago",
        "--phone",
        "+49 30 1234567",
        "--minutes",
        "45",
    ]);
    let past_id = past["id"].to_string();
    let today = s.json(&["today"]);
    let to_log = today["meetings_to_log"].as_array().unwrap();
    assert_eq!(to_log.len(), 1, "{today}");
    assert_eq!(
        to_log[0]["log"],
        format!("kith meeting log {past_id} \"…\"")
    );
    assert!(
        s.ok(&["today"])
            .contains(&format!("log it: kith meeting log {past_id}"))
    );
    let logged = s.json(&[
        "meeting", "log", &past_id, "Talked", "about", "his", "new", "team",
    ]);
    assert!(logged["conversation"].is_i64());
    assert!(
        s.json(&["today"])["meetings_to_log"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let bob = s.json(&["show", "bob"]);
    assert_eq!(bob["conversation_count"], 1, "{bob}");
    let shown = s.json(&["meeting", "show", &past_id]);
    assert_eq!(shown["conversation"], logged["conversation"]);

    // Outreach blocks and the plan.
    for (name, days) in [
        ("Cara Diaz", "160"),
        ("Dan Eze", "120"),
        ("Eve Fox", "140"),
        ("Fay Gil", "100"),
    ] {
        s.ok(&[
            "add",
            name,
            "--function",
            if name == "Fay Gil" {
                "product"
            } else {
                "sales"
            },
        ]);
        s.ok(&[
            "log",
            name,
            "--via",
            "zoom",
            "--on",
            &format!("{days} days ago"),
            "Caught up",
        ]);
    }
    s.ok(&[
        "log",
        "Cara",
        "--via",
        "email",
        "--on",
        "160 days ago",
        "x",
        "--todo",
        "Send Cara the deck",
        "--by",
        "today",
    ]);
    s.ok(&[
        "goal",
        "add",
        "--kind",
        "industry-change",
        "Move into product",
        "--function",
        "product",
    ]);
    s.ok(&[
        "block",
        "add",
        "--days",
        "daily",
        "--at",
        "08:30",
        "--minutes",
        "30",
        "--capacity",
        "2",
    ]);
    s.ok(&[
        "block",
        "add",
        "--days",
        "daily",
        "--at",
        "18:00",
        "--capacity",
        "1",
        "--goal",
        "product",
    ]);
    let blocks = s.json(&["block", "list"]);
    assert_eq!(blocks.as_array().unwrap().len(), 2);
    assert_eq!(blocks[1]["goal"]["title"], "Move into product");
    // Dan has a meeting booked tomorrow: that counts as contact.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    s.ok(&["meet", "dan", "--at", &tomorrow, "--where", "Office"]);

    let plan = s.json(&["plan", "--weeks", "1"]);
    let again = s.json(&["plan", "--weeks", "1"]);
    assert_eq!(plan, again, "the same data gives the same plan");
    let instances = plan.as_array().unwrap();
    assert!(
        instances.len() >= 12,
        "two blocks a day for a week: {}",
        instances.len()
    );
    let mut seen = HashSet::new();
    for i in instances {
        assert!(
            i["local_start"].as_str().unwrap().ends_with("08:30")
                || i["local_start"].as_str().unwrap().ends_with("18:00")
        );
        for p in i["people"].as_array().unwrap() {
            assert!(
                seen.insert(p["contact"]["name"].as_str().unwrap().to_owned()),
                "nobody twice: {plan}"
            );
            let brief: Vec<&str> = p["brief"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect();
            assert!(
                brief[0].starts_with("Last: ")
                    && brief[1].starts_with("Open: ")
                    && brief[2].starts_with("Goal: "),
                "{brief:?}"
            );
        }
    }
    assert!(!seen.contains("Dan Eze"), "booked people are not planned");
    // The goal block takes Fay, who works in product, though she is the least
    // due: the regular block takes the more due ones, whichever comes first.
    let goal_block = instances
        .iter()
        .find(|i| i["goal"] == "Move into product")
        .unwrap();
    assert_eq!(goal_block["people"][0]["contact"]["name"], "Fay Gil");
    assert_eq!(goal_block["people"][0]["for_goal"], true);
    assert_eq!(
        goal_block["people"][0]["brief"][2],
        "Goal: Move into product"
    );
    let cara = instances
        .iter()
        .flat_map(|i| i["people"].as_array().unwrap())
        .find(|p| p["contact"]["name"] == "Cara Diaz")
        .unwrap();
    assert_eq!(
        cara["brief"][1],
        "Open: you owe 1 thing: Send Cara the deck"
    );
    assert!(s.ok(&["plan"]).contains("Last: "));

    // The calendar export: meetings, block instances with briefs, to-dos.
    let feed = s.file("kith.ics");
    s.ok(&[
        "export",
        "ics",
        "--weeks",
        "1",
        "-o",
        feed.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&feed).unwrap();
    assert!(!text.contains("METHOD:"), "a feed is not an iTIP message");
    let unfolded = text.replace("\r\n ", "");
    assert!(
        unfolded.contains("DESCRIPTION:Goal: Move into product\\n\\nFay Gil: "),
        "{unfolded}"
    );
    let read = components(&calcard(&feed));
    assert!(
        read.iter().any(|c| c.1 == before[0].1),
        "the cancelled meeting stays, marked"
    );
    let blocks_in_feed = read.iter().filter(|c| c.1.starts_with("block-")).count();
    assert_eq!(blocks_in_feed, instances.len());
    assert!(
        read.iter().any(|c| c.0 == "VTODO"),
        "the follow-up due date"
    );
    let stdout = s.ok(&["export", "ics", "--weeks", "1"]);
    let uids = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&stdout), uids(&text), "stable UIDs");
    validate(&[first, update, cancel, feed]);

    s.ok(&["block", "remove", &blocks[0]["id"].to_string()]);
    assert_eq!(s.json(&["block", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn meetings_blocks_plan_and_calendar_on_sqlite() {
    let kith = Kith::new();
    meetings_end_to_end(&Session {
        kith: &kith,
        prefix: Vec::new(),
    });
}

#[test]
fn meetings_blocks_plan_and_calendar_on_postgresql() {
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let database = runtime.block_on(TestDatabase::create(&admin));
    let kith = Kith::new();
    meetings_end_to_end(&Session {
        kith: &kith,
        prefix: vec!["--database-url".into(), database.url.clone()],
    });
    runtime.block_on(database.drop());
}

#[test]
fn bad_meetings_are_refused_and_change_nothing() {
    let kith = Kith::new();
    let later = clock::at(10, "10:00");
    kith.ok(&["add", "Jane Doe"]);
    refuses_all(
        &kith,
        &[
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
                    "--zoom",
                    "https://zoom.us.evil.example/j/1",
                ],
                "kith: invalid --zoom:",
            ),
            (
                &[
                    "meet",
                    "jane",
                    "--at",
                    &later,
                    "--zoom",
                    "https://evil.example/zoom.us/j/1",
                ],
                "kith: invalid --zoom:",
            ),
            (
                &[
                    "meet",
                    "jane",
                    "--at",
                    &later,
                    "--meet",
                    "https://google.com/meet",
                ],
                "kith: invalid --meet:",
            ),
            (
                &[
                    "meet",
                    "jane",
                    "--at",
                    &later,
                    "--teams",
                    "http://teams.microsoft.com/x",
                ],
                "kith: invalid --teams:",
            ),
            (
                &["meet", "jane", "--at", &later, "--phone", "call me"],
                "kith: invalid --phone:",
            ),
            (
                &["meet", "jane", "--at", &later, "--where", " "],
                "kith: invalid --where:",
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
                &["meet", "nobody", "--at", &later, "--where", "x"],
                "kith: no contact matches 'nobody'",
            ),
            (
                &["meeting", "convert", "99", "--jitsi"],
                "kith: no meeting with id 99",
            ),
            (&["meeting", "ics", "x"], "kith: invalid meeting:"),
            (
                &["block", "add", "--days", "tue,thy", "--at", "08:30"],
                "kith: invalid --days:",
            ),
            (
                &["block", "add", "--days", "tue", "--at", "8h30"],
                "kith: invalid --at:",
            ),
            (
                &[
                    "block",
                    "add",
                    "--days",
                    "tue",
                    "--at",
                    "08:30",
                    "--capacity",
                    "0",
                ],
                "kith: invalid --capacity:",
            ),
            (
                &["block", "remove", "7"],
                "kith: no outreach block with id 7",
            ),
            (&["plan", "--weeks", "0"], "kith: invalid --weeks:"),
            (
                &["settings", "--jitsi", "http://jitsi.example"],
                "kith: invalid --jitsi:",
            ),
        ],
    );
    assert!(
        kith.json(&["meeting", "list", "--all"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    // An invitation needs the organiser's and an attendee's address.
    kith.ok(&["meet", "jane", "--at", &later, "--where", "Office"]);
    let err = kith.fails(&["meeting", "ics", "1"]);
    assert!(err.contains("kith settings --email"), "{err}");
    kith.ok(&["settings", "--email", "ann@example.org"]);
    let err = kith.fails(&["meeting", "ics", "1"]);
    assert!(
        err.contains("none of the attendees has an e-mail address"),
        "{err}"
    );
    let err = kith.fails(&["meeting", "log", "1", "too early"]);
    assert!(err.contains("has not started yet"), "{err}");
    kith.ok(&["meeting", "cancel", "1"]);
    let err = kith.fails(&["meeting", "convert", "1", "--jitsi"]);
    assert!(err.contains("cancelled"), "{err}");
}
