//! E-mail end to end: `kith serve` sends digests and invitations to a real
//! SMTP server on loopback (aiosmtpd, from the Python that
//! `KITH_TEST_PYTHON` names; `.ci/run` installs it), and the test reads
//! what arrived. In CI a missing Python is a failure.
//!
//! Covered: a digest's content; an invitation's METHOD, UID and SEQUENCE;
//! two servers on one PostgreSQL, each with its own SMTP server, both
//! sending and each of many digests going out once; a digest more than 12
//! hours late skipped; a server killed between sending and marking sends
//! nothing twice; a failing SMTP server leads to retries and a visible
//! error, never to a lost digest, and its password stays out of the log.
//! (The cap of eight attempts is tested in `crates/app/src/mail/sender.rs`, where a
//! pass can run at any moment.)

#[path = "../support/clock.rs"]
mod clock;
#[path = "../support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use kith_core::contact::ContactDraft;
use kith_core::digest::DigestSettings;
use kith_core::outreach::Weekdays;
use kith_core::user::{NewUser, Username};
use kith_core::values::{ContactName, Email, TimeZone};
use kith_store::{ContactRecord, Store};
use mail_parser::{MessageParser, MimeHeaders};
use rstest::rstest;
use serde_json::Value;
use support::{Backend, Database};

/// The sink's Python, or `None` outside CI.
fn python() -> Option<PathBuf> {
    match std::env::var_os("KITH_TEST_PYTHON") {
        Some(path) => Some(PathBuf::from(path)),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI is set but KITH_TEST_PYTHON does not name a Python with aiosmtpd")
        }
        None => {
            eprintln!("note: KITH_TEST_PYTHON is not set; the mail tests are skipped");
            None
        }
    }
}

/// An SMTP server on loopback that keeps what it accepts as files.
struct Sink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Sink {
    fn start(python: &Path, flags: &[&str]) -> Sink {
        let dir = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(dir.path())
            .args(flags)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let port = first
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the SMTP sink did not start: {first:?}"));
        Sink { child, port, dir }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, in order.
    fn messages(&self) -> Vec<Vec<u8>> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names.iter().map(|p| std::fs::read(p).unwrap()).collect()
    }

    /// Waits until `n` messages have arrived (at most `limit`).
    fn wait_for(&self, n: usize, limit: Duration) -> Vec<Vec<u8>> {
        let start = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(
                start.elapsed() < limit,
                "{} of {n} messages arrived within {limit:?}",
                messages.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Lets a `--hold` sink answer.
    fn release(&self) {
        std::fs::write(self.dir.path().join("release"), b"").unwrap();
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The flags that send mail through `sink` quickly.
fn mail_flags(smtp: &str) -> Vec<String> {
    [
        "--smtp-url",
        smtp,
        "--mail-from",
        "Kith <kith@example.com>",
        "--mail-poll-secs",
        "1",
        "--mail-retry-secs",
        "1",
        "--mail-lease-secs",
        "3",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn serve(db: &Database, smtp: &str, log: Option<&Path>) -> support::Running {
    let flags = mail_flags(smtp);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    db.serve_with(&flags, log)
}

/// A user with an e-mail address, a contact due for a while, and their
/// digest due a minute ago.
async fn due_user(store: &Store, name: &str) -> kith_core::ids::UserId {
    due_user_at(store, name, Utc::now() - Days::minutes(1)).await
}

/// [`due_user`] with their digest due at `due_at`.
async fn due_user_at(
    store: &Store,
    name: &str,
    due_at: chrono::DateTime<Utc>,
) -> kith_core::ids::UserId {
    let user = store
        .create_user(
            &NewUser {
                username: Username::parse(name).unwrap(),
                display_name: name.to_owned(),
                email: Some(Email::parse(&format!("{name}@example.com")).unwrap()),
                timezone: TimeZone::UTC,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let draft = ContactDraft {
        name: Some(ContactName::parse(&format!("Jane {name}")).unwrap()),
        ..ContactDraft::default()
    };
    store
        .add_contacts(
            user.id,
            &[ContactRecord {
                draft,
                created_at: Utc::now() - Days::days(400),
            }],
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    make_due_at(store, user.id, due_at).await;
    user.id
}

/// Turns the user's digest on, due a minute ago.
async fn make_due(store: &Store, user: kith_core::ids::UserId) {
    make_due_at(store, user, Utc::now() - Days::minutes(1)).await;
}

/// Turns the user's digest on, due at `due_at`.
async fn make_due_at(store: &Store, user: kith_core::ids::UserId, due_at: chrono::DateTime<Utc>) {
    let settings = DigestSettings {
        enabled: true,
        days: Weekdays::parse("daily").unwrap(),
        ..DigestSettings::default()
    };
    store
        .set_digest(user, &settings, Some(due_at))
        .await
        .unwrap();
}

fn json(db: &Database, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&db.kith(&all)).unwrap()
}

/// Waits until `check` holds for the outbox of `user` (at most 20 s).
fn wait_outbox(db: &Database, user: &str, check: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let v = json(db, &["--user", user, "outbox"]);
        let entries = v.as_array().unwrap().clone();
        if check(&entries) {
            return entries;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "outbox never got there: {entries:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn a_due_digest_arrives_with_the_days_homework(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(python) = python() else { return };
    let Some(db) = Database::create(backend).await else {
        return;
    };
    db.add_users(&["ann"]);
    let ann = |args: &[&str]| {
        let mut all = vec!["--user", "ann"];
        all.extend_from_slice(args);
        db.kith(&all)
    };
    // A zone where it is around noon now, so a meeting in an hour is today.
    let offset = 12 - i64::from(chrono::Timelike::hour(&Utc::now()));
    let zone = match offset {
        0 => "Etc/GMT".to_owned(),
        // Etc/GMT-3 is three hours ahead of UTC.
        n => format!("Etc/GMT{:+}", -n),
    };
    ann(&[
        "settings",
        "--email",
        "ann@example.com",
        "--name",
        "Ann Example",
        "--timezone",
        &zone,
    ]);
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    let local =
        |at: chrono::DateTime<Utc>| at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    ann(&[
        "add",
        "Jane Doe",
        "--email",
        "jane@example.com",
        "--every",
        "30d",
    ]);
    ann(&[
        "log",
        "Jane Doe",
        "Coffee chat",
        "--via",
        "phone",
        "--on",
        &local(Utc::now() - Days::days(60)),
        "--todo",
        "send Jane the <b>deck</b>",
        "--by",
        &local(Utc::now() - Days::days(1))[..10],
    ]);
    let meeting_at = Utc::now() + Days::hours(1);
    ann(&[
        "meet",
        "Jane Doe",
        "--at",
        &local(meeting_at),
        "--where",
        "Café Central",
        "--title",
        "Evening chat",
    ]);
    // The command line turns the digest on; the test moves its time back.
    let status = ann(&["digest", "set", "--on", "--days", "daily", "--at", "07:30"]);
    assert!(
        status.contains(&format!(
            "Digest on: every day at 07:30 ({zone}) to ann@example.com"
        )),
        "{status}"
    );
    let store = Store::open(&db.location).await.unwrap();
    let id = store.users().await.unwrap()[0].id;
    make_due(&store, id).await;
    let preview = ann(&["digest", "--preview"]);
    assert!(preview.contains("Jane Doe"), "{preview}");

    let sink = Sink::start(&python, &[]);
    let _server = serve(&db, &sink.url(), None);
    let messages = sink.wait_for(1, Duration::from_secs(20));
    let message = MessageParser::default().parse(&messages[0]).unwrap();
    let subject = message.subject().unwrap();
    assert!(subject.starts_with("Kith, "), "{subject}");
    assert!(subject.contains("1 person to reach"), "{subject}");
    assert!(subject.contains("1 meeting"), "{subject}");
    assert_eq!(
        message.to().unwrap().first().unwrap().address().unwrap(),
        "ann@example.com"
    );
    assert!(message.message_id().unwrap().ends_with("@example.com"));
    let text = message.body_text(0).unwrap();
    for words in [
        // Around noon in Ann's zone.
        "Good afternoon, Ann Example",
        "REACH OUT",
        "Jane Doe",
        "past a 30-day rhythm",
        "YOUR FOLLOW-UPS DUE",
        "send Jane the <b>deck</b>",
        "MEETINGS TODAY",
        "Evening chat",
        "Café Central",
    ] {
        assert!(text.contains(words), "{words:?} not in:\n{text}");
    }
    let hhmm = &local(meeting_at)[11..];
    assert!(text.contains(&format!("{hhmm}  Evening chat")), "{text}");
    let html = message.body_html(0).unwrap();
    assert!(
        html.contains("send Jane the &#60;b&#62;deck&#60;/b&#62;"),
        "{html}"
    );
    assert!(!html.contains("<b>deck"), "HTML is escaped");
    // Marked sent, and the schedule moved on to tomorrow.
    let status = json(&db, &["--user", "ann", "digest"]);
    let next: chrono::DateTime<Utc> = status["next_at"].as_str().unwrap().parse().unwrap();
    assert!(next > Utc::now(), "{status}");
    let status = wait_outbox(&db, "ann", |e| e[0]["status"] == "sent");
    assert_eq!(status[0]["kind"], "digest");
    // Nothing else goes out: one digest a day.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(sink.messages().len(), 1);
    store.close().await;
    db.drop().await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn an_invitation_goes_with_its_method_uid_and_sequence(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(python) = python() else { return };
    let Some(db) = Database::create(backend).await else {
        return;
    };
    db.add_users(&["ann"]);
    let ann = |args: &[&str]| {
        let mut all = vec!["--user", "ann"];
        all.extend_from_slice(args);
        db.kith(&all)
    };
    ann(&["settings", "--email", "ann@example.com"]);
    ann(&["add", "Jane Doe", "--email", "jane@example.com"]);
    ann(&["add", "Bob Roe"]);
    ann(&[
        "meet",
        "Jane Doe,Bob Roe",
        "--at",
        clock::later(),
        "--where",
        "Café Central",
        "--title",
        "Coffee",
    ]);
    let uid = json(&db, &["--user", "ann", "meeting", "show", "1"])["uid"]
        .as_str()
        .unwrap()
        .to_owned();
    let sink = Sink::start(&python, &[]);
    let _server = serve(&db, &sink.url(), None);
    let out = ann(&["meeting", "convert", "1", "--jitsi", "--send"]);
    assert!(out.contains("Bob Roe has no e-mail address"), "{out}");
    assert!(
        out.contains("Queued the invitation to jane@example.com"),
        "{out}"
    );
    // The same version twice is queued once.
    assert!(ann(&["meeting", "send", "1"]).contains("already queued"));
    ann(&["meeting", "cancel", "1", "--send"]);
    let messages = sink.wait_for(2, Duration::from_secs(20));
    let expected = [
        ("REQUEST", 1, "Updated invitation: Coffee"),
        ("CANCEL", 2, "Cancelled: Coffee"),
    ];
    for (raw, (method, sequence, subject)) in messages.iter().zip(expected) {
        let raw_text = String::from_utf8_lossy(raw);
        assert!(
            raw_text.starts_with("X-Sink-Rcpt: jane@example.com\r\n"),
            "{raw_text}"
        );
        let message = MessageParser::default().parse(raw).unwrap();
        assert!(message.subject().unwrap().starts_with(subject));
        assert_eq!(
            message
                .reply_to()
                .unwrap()
                .first()
                .unwrap()
                .address()
                .unwrap(),
            "ann@example.com"
        );
        let part = message
            .parts
            .iter()
            .find(|p| {
                p.content_type()
                    .is_some_and(|t| t.ctype() == "text" && t.subtype() == Some("calendar"))
            })
            .expect("a text/calendar part");
        let kind = part.content_type().unwrap();
        assert_eq!(kind.attribute("method"), Some(method));
        let ics = part.text_contents().unwrap();
        let ics = ics.replace("\r\n ", "");
        assert!(ics.contains(&format!("METHOD:{method}\r\n")), "{ics}");
        assert!(ics.contains(&format!("UID:{uid}\r\n")), "{ics}");
        assert!(ics.contains(&format!("SEQUENCE:{sequence}\r\n")), "{ics}");
        assert!(ics.contains("mailto:jane@example.com"), "{ics}");
        if method == "REQUEST" {
            assert!(ics.contains("meet.jit.si/"), "the Jitsi room: {ics}");
        }
    }
    db.drop().await;
}

/// The recipient of each message, in order.
fn recipients(messages: &[Vec<u8>]) -> Vec<String> {
    messages
        .iter()
        .map(|raw| {
            let message = MessageParser::default().parse(raw).unwrap();
            message
                .to()
                .unwrap()
                .first()
                .unwrap()
                .address()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_on_one_postgres_share_the_digests_and_send_each_once() {
    let Some(python) = python() else { return };
    let Some(db) = Database::create(Backend::Postgres).await else {
        return;
    };
    let store = Store::open(&db.location).await.unwrap();
    // Each server sends to a sink of its own, so what each delivered is
    // known. A sink takes 0.15 s per message: one server alone would need
    // six seconds for all, so both are at work at the same time.
    let sinks = [
        Sink::start(&python, &["--delay", "0.15"]),
        Sink::start(&python, &["--delay", "0.15"]),
    ];
    let servers = [
        serve(&db, &sinks[0].url(), None),
        serve(&db, &sinks[1].url(), None),
    ];
    // The digests fall due while both servers are polling.
    const USERS: usize = 40;
    for i in 0..USERS {
        due_user(&store, &format!("u{i:02}")).await;
    }
    let start = Instant::now();
    while sinks.iter().map(|s| s.messages().len()).sum::<usize>() < USERS {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} of {USERS} digests arrived",
            sinks.iter().map(|s| s.messages().len()).sum::<usize>()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Give a duplicate every chance to show up.
    std::thread::sleep(Duration::from_secs(3));
    let delivered: Vec<Vec<String>> = sinks.iter().map(|s| recipients(&s.messages())).collect();
    for (n, by) in delivered.iter().enumerate() {
        assert!(
            !by.is_empty(),
            "server {} sent none of the {USERS} digests: the test did not run two senders at once",
            n + 1
        );
    }
    let mut per_recipient: HashMap<&str, usize> = HashMap::new();
    for to in delivered.iter().flatten() {
        *per_recipient.entry(to).or_default() += 1;
    }
    let twice: Vec<_> = per_recipient.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(per_recipient.len(), USERS, "{per_recipient:?}");
    eprintln!(
        "server 1 sent {}, server 2 sent {}",
        delivered[0].len(),
        delivered[1].len()
    );
    drop(servers);
    store.close().await;
    db.drop().await;
}

/// A digest more than 12 hours past its time is yesterday's agenda: the
/// schedule moves on and nothing is sent. One a minute inside the 12 hours
/// still goes.
#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn a_digest_twelve_hours_late_is_skipped(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(python) = python() else { return };
    let Some(db) = Database::create(backend).await else {
        return;
    };
    let store = Store::open(&db.location).await.unwrap();
    let now = Utc::now();
    let stale = due_user_at(&store, "stale", now - Days::hours(12) - Days::minutes(1)).await;
    due_user_at(&store, "fresh", now - Days::hours(12) + Days::minutes(1)).await;
    let sink = Sink::start(&python, &[]);
    let flags = mail_flags(&sink.url());
    let mut args: Vec<&str> = vec!["outbox", "deliver"];
    args.extend(flags.iter().map(String::as_str));
    args.push("--json");
    let tick: Value = serde_json::from_str(&db.kith(&args)).unwrap();
    assert_eq!(tick["digests"], 1, "{tick}");
    assert_eq!(tick["sent"], 1, "{tick}");
    assert_eq!(recipients(&sink.messages()), ["fresh@example.com"]);
    assert_eq!(
        json(&db, &["--user", "stale", "outbox"]),
        serde_json::json!([])
    );
    // The skipped digest's schedule moved on to its next time.
    let state = store.digest_state(stale).await.unwrap();
    assert!(state.next_at.unwrap() > now, "{state:?}");
    store.close().await;
    db.drop().await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn a_crash_between_send_and_mark_sends_nothing_twice(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(python) = python() else { return };
    let Some(db) = Database::create(backend).await else {
        return;
    };
    let store = Store::open(&db.location).await.unwrap();
    due_user(&store, "ann").await;
    // The sink keeps the message but does not answer until released.
    let sink = Sink::start(&python, &["--hold"]);
    let server = serve(&db, &sink.url(), None);
    sink.wait_for(1, Duration::from_secs(20));
    // Killed after the message left, before it was marked sent.
    drop(server);
    sink.release();
    let _server = serve(&db, &sink.url(), None);
    // The lease (3 s) runs out; the restarted server must not send again.
    let entries = wait_outbox(&db, "ann", |e| e[0]["status"] == "uncertain");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(sink.messages().len(), 1, "sent twice after a crash");
    let error = entries[0]["error"].as_str().unwrap();
    assert!(error.contains("may or may not have arrived"), "{error}");
    let status = db.kith(&["--user", "ann", "digest"]);
    assert!(status.contains("may not have arrived"), "{status}");
    // The user decides: sent again, with the same Message-ID.
    let id = entries[0]["id"].as_i64().unwrap().to_string();
    db.kith(&["--user", "ann", "outbox", "retry", &id]);
    let messages = sink.wait_for(2, Duration::from_secs(20));
    let ids: Vec<String> = messages
        .iter()
        .map(|m| {
            MessageParser::default()
                .parse(m)
                .unwrap()
                .message_id()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids[0], ids[1], "a retry is the same message");
    wait_outbox(&db, "ann", |e| e[0]["status"] == "sent");
    store.close().await;
    db.drop().await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_smtp_server_means_retries_and_a_visible_error(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(python) = python() else { return };
    let Some(db) = Database::create(backend).await else {
        return;
    };
    let store = Store::open(&db.location).await.unwrap();
    due_user(&store, "ann").await;
    // Nothing listens on this port: every attempt fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let secret = "s3cret-smtp-passw0rd";
    let log = db.dir.path().join("serve.log");
    let server = serve(
        &db,
        &format!("smtp://kith:{secret}@127.0.0.1:{port}"),
        Some(&log),
    );
    let entries = wait_outbox(&db, "ann", |e| {
        e.first().is_some_and(|m| m["attempts"].as_i64() >= Some(2))
    });
    assert_eq!(entries[0]["status"], "pending", "still to be retried");
    assert!(entries[0]["error"].as_str().is_some_and(|e| !e.is_empty()));
    let status = db.kith(&["--user", "ann", "digest"]);
    assert!(status.contains("not sent yet, retrying at"), "{status}");
    drop(server);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("mail: not sent, will retry"), "{logged}");
    assert!(
        logged.contains(&format!("kith:…@127.0.0.1:{port}")),
        "{logged}"
    );
    assert!(!logged.contains(secret), "the SMTP password is in the log");
    // A server that says "try again later" once, then takes it: delivered.
    let sink = Sink::start(&python, &["--fail-first", "1"]);
    let _server = serve(&db, &sink.url(), None);
    let messages = sink.wait_for(1, Duration::from_secs(30));
    assert_eq!(messages.len(), 1);
    let entries = wait_outbox(&db, "ann", |e| e[0]["status"] == "sent");
    assert!(entries[0]["attempts"].as_i64().unwrap() >= 3, "{entries:?}");
    store.close().await;
    db.drop().await;
}

/// A browser (cookies, no redirects followed) signed in as `user`.
async fn browser(url: &str, user: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(format!("{url}/login"))
        .form(&[
            ("username", user),
            ("password", support::PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in of {user} failed");
    client
}

/// Posts a form and returns the page the redirect leads to (with its flash).
async fn post(client: &reqwest::Client, url: &str, path: &str, form: &[(&str, &str)]) -> String {
    let r = client
        .post(format!("{url}{path}"))
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "POST {path}");
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let page = client.get(format!("{url}{to}")).send().await.unwrap();
    assert_eq!(page.status(), 200, "GET {to}");
    page.text().await.unwrap()
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn the_web_sets_the_digest_and_e_mails_an_invitation(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(python) = python() else { return };
    let Some(db) = Database::create(backend).await else {
        return;
    };
    db.add_users(&["ann"]);
    let ann = |args: &[&str]| {
        let mut all = vec!["--user", "ann"];
        all.extend_from_slice(args);
        db.kith(&all)
    };
    ann(&["settings", "--email", "ann@example.com"]);
    ann(&[
        "add",
        "Jane Doe",
        "--email",
        "jane@example.com",
        "--every",
        "30d",
    ]);
    ann(&[
        "log",
        "Jane Doe",
        "--via",
        "phone",
        "--on",
        "2025-01-01",
        "Catch-up",
    ]);
    ann(&[
        "meet",
        "Jane Doe",
        "--at",
        clock::later(),
        "--where",
        "Café Central",
        "--title",
        "Coffee",
    ]);

    // Without SMTP the pages say so, and nothing is queued.
    let server = db.serve();
    let web = browser(&server.url, "ann").await;
    let settings = web
        .get(format!("{}/settings", server.url))
        .send()
        .await
        .unwrap();
    let settings = settings.text().await.unwrap();
    assert!(
        settings.contains("This server sends no e-mail yet"),
        "{settings}"
    );
    let page = post(&web, &server.url, "/meetings/1/send", &[]).await;
    assert!(page.contains("This server sends no e-mail"), "{page}");
    drop(server);

    let sink = Sink::start(&python, &[]);
    let server = serve(&db, &sink.url(), None);
    let url = server.url.clone();
    let web = browser(&url, "ann").await;
    let settings = web
        .get(format!("{url}/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(settings.contains("E-mail digest") && !settings.contains("sends no e-mail"));
    // A bad time is refused, naming the field, and changes nothing.
    let page = post(
        &web,
        &url,
        "/settings/digest",
        &[("enabled", "1"), ("mon", "1"), ("at", "25:99")],
    )
    .await;
    assert!(
        page.contains("at: &#39;25:99&#39; is not a time of day")
            || page.contains("at: '25:99' is not a time of day"),
        "{page}"
    );
    assert_eq!(json(&db, &["--user", "ann", "digest"])["enabled"], false);
    let page = post(
        &web,
        &url,
        "/settings/digest",
        &[
            ("enabled", "1"),
            ("tue", "1"),
            ("thu", "1"),
            ("at", "18:15"),
            ("address", "ann.home@example.com"),
        ],
    )
    .await;
    assert!(
        page.contains("Digest on: Tue, Thu at 18:15 (UTC)"),
        "{page}"
    );
    let status = json(&db, &["--user", "ann", "digest"]);
    assert_eq!(status["enabled"], true);
    assert_eq!(status["days"], serde_json::json!(["tue", "thu"]));
    assert_eq!(status["at"], "18:15");
    assert_eq!(status["to"], "ann.home@example.com");

    // Today's digest on demand, then the meeting's invitation.
    let page = post(&web, &url, "/settings/digest/send", &[]).await;
    assert!(
        page.contains("on its way to ann.home@example.com"),
        "{page}"
    );
    let messages = sink.wait_for(1, Duration::from_secs(20));
    let digest = MessageParser::default().parse(&messages[0]).unwrap();
    assert!(digest.body_text(0).unwrap().contains("Jane Doe"));
    let page = post(&web, &url, "/meetings/1/send", &[]).await;
    assert!(
        page.contains("Invitation on its way to jane@example.com"),
        "{page}"
    );
    let messages = sink.wait_for(2, Duration::from_secs(20));
    let invitation = MessageParser::default().parse(&messages[1]).unwrap();
    assert!(
        invitation
            .subject()
            .unwrap()
            .starts_with("Invitation: Coffee")
    );
    // The dashboard says how the last digest went; the outbox lists both.
    wait_outbox(&db, "ann", |e| {
        e.len() == 2 && e.iter().all(|m| m["status"] == "sent")
    });
    let home = web
        .get(format!("{url}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Last e-mail digest: sent"), "{home}");
    let settings = web
        .get(format!("{url}/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(settings.contains("Invitation: Coffee"), "{settings}");
    // The same through the JSON API.
    let api =
        |method: reqwest::Method, path: &str| web.request(method, format!("{url}/api/v1{path}"));
    let outbox: Value = api(reqwest::Method::GET, "/outbox")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outbox.as_array().unwrap().len(), 2, "{outbox}");
    assert_eq!(outbox[0]["kind"], "invitation");
    let r = api(reqwest::Method::PATCH, "/digest")
        .json(&serde_json::json!({ "at": "25:00" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "at", "{v}");
    let v: Value = api(reqwest::Method::PATCH, "/digest")
        .json(&serde_json::json!({ "days": "daily", "address": "" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["to"].as_str(), v["days"].as_array().map(Vec::len)),
        (Some("ann@example.com"), Some(7)),
        "{v}"
    );
    assert_eq!(v["last"]["status"], "sent", "{v}");
    let r = api(reqwest::Method::POST, "/meetings/1/send")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["id"], Value::Null, "this version went already: {v}");
    let r = api(reqwest::Method::POST, "/outbox/1/retry")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "a sent message is not retried");
    drop(server);
    db.drop().await;
}
