//! Crash durability, black-box: `kith serve` under a write load from several
//! API clients is killed with SIGKILL at a random moment, again and again,
//! and restarted on the same database each time (for SQLite, the same file,
//! whose WAL SQLite recovers on open). Every write the server acknowledged
//! (a 2xx with the new id in the body) must be there after each restart, and
//! at the end the store's integrity check (SQLite's `PRAGMA integrity_check`
//! plus Kith's own ownership check) must find nothing.
//!
//! The kill times come from a PRNG whose seed is printed;
//! `KITH_TEST_CRASH_SEED=N` replays them.

#[path = "../support/clock.rs"]
mod clock;
#[path = "../support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::Client;
use rstest::rstest;
use serde_json::{Value, json};
use support::{Backend, Database};

/// How many times the server is killed.
const KILLS: u64 = 20;
/// Concurrent API clients writing.
const CLIENTS: u64 = 4;
/// The kill comes this many milliseconds after the load's first acknowledged write.
const DELAY_MS: std::ops::RangeInclusive<u64> = 20..=300;

/// SplitMix64: small, and the same sequence for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn in_range(&mut self, range: &std::ops::RangeInclusive<u64>) -> u64 {
        range.start() + self.next() % (range.end() - range.start() + 1)
    }
}

fn seed() -> u64 {
    match std::env::var("KITH_TEST_CRASH_SEED") {
        Ok(text) => text.parse().expect("KITH_TEST_CRASH_SEED is a number"),
        Err(_) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    }
}

/// A conversation the server acknowledged: logged with the client's hub
/// contact of that round and the contact the client had just added.
#[derive(Debug)]
struct LoggedConversation {
    hub: i64,
    contact: i64,
    summary: String,
}

/// Every write the server acknowledged, by the id it answered with.
#[derive(Default)]
struct Acked {
    contacts: BTreeMap<i64, String>,
    conversations: BTreeMap<i64, LoggedConversation>,
    /// The contacts conversations were logged with, a few dozen each, so
    /// one page of each hub's conversations lists them all.
    hubs: Vec<i64>,
}

impl Acked {
    fn len(&self) -> usize {
        self.contacts.len() + self.conversations.len()
    }

    fn extend(&mut self, other: Acked) {
        self.contacts.extend(other.contacts);
        self.conversations.extend(other.conversations);
        self.hubs.extend(other.hubs);
    }
}

/// The body of a 2xx answer; `None` when the server went away before
/// answering in full (the write was not acknowledged). Any other answer
/// fails the test: the server is alive and refused a valid write.
async fn created(request: reqwest::RequestBuilder, what: &str) -> Option<Value> {
    let response = request.send().await.ok()?;
    let status = response.status();
    let text = response.text().await.ok()?;
    assert!(status.is_success(), "{what}: {status} {text}");
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: {e}: {text}")))
}

async fn add_contact(client: &Client, url: &str, token: &str, name: &str) -> Option<i64> {
    let body = created(
        client
            .post(format!("{url}/api/v1/contacts"))
            .bearer_auth(token)
            .json(&json!({ "name": name })),
        name,
    )
    .await?;
    assert_eq!(body["name"], name, "{body}");
    Some(body["id"].as_i64().unwrap())
}

/// One client: adds a hub contact, then contacts with unique names and,
/// every other time or so, logs a conversation with the hub and the new
/// contact, until the server is gone. Counts each acknowledged write in
/// `acks` as it comes, and returns them all.
async fn load(
    client: Client,
    url: String,
    token: String,
    tag: String,
    mut rng: Rng,
    acks: Arc<AtomicUsize>,
) -> Acked {
    let mut acked = Acked::default();
    let hub_name = format!("Hub {tag}");
    let Some(hub) = add_contact(&client, &url, &token, &hub_name).await else {
        return acked;
    };
    acks.fetch_add(1, Ordering::SeqCst);
    acked.contacts.insert(hub, hub_name);
    acked.hubs.push(hub);
    for i in 0.. {
        let name = format!("Crash {tag} N{i}");
        let Some(id) = add_contact(&client, &url, &token, &name).await else {
            break;
        };
        acks.fetch_add(1, Ordering::SeqCst);
        acked.contacts.insert(id, name);
        if rng.next().is_multiple_of(2) {
            continue;
        }
        let summary = format!("crash {tag} talk {i}");
        let Some(body) = created(
            client
                .post(format!("{url}/api/v1/conversations"))
                .bearer_auth(&token)
                .json(&json!({ "with": [hub, id], "via": "phone", "summary": summary })),
            &summary,
        )
        .await
        else {
            break;
        };
        acks.fetch_add(1, Ordering::SeqCst);
        let logged = &body["conversation"];
        assert_eq!(logged["summary"], summary, "{body}");
        acked.conversations.insert(
            logged["id"].as_i64().unwrap(),
            LoggedConversation {
                hub,
                contact: id,
                summary,
            },
        );
    }
    acked
}

async fn get(client: &Client, token: &str, url: String) -> Value {
    let response = client.get(&url).bearer_auth(token).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "GET {url}: {status} {text}");
    serde_json::from_str(&text).unwrap()
}

/// Checks through the API that every acknowledged write is there.
async fn verify(client: &Client, url: &str, token: &str, acked: &Acked, when: &str) {
    let mut contacts = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        let page = get(
            client,
            token,
            format!("{url}/api/v1/contacts?archived=all&limit=500{cursor}"),
        )
        .await;
        for c in page["items"].as_array().unwrap() {
            contacts.insert(
                c["id"].as_i64().unwrap(),
                c["name"].as_str().unwrap().to_owned(),
            );
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    for (id, name) in &acked.contacts {
        assert_eq!(
            contacts.get(id),
            Some(name),
            "{when}: acknowledged contact #{id} {name:?} is lost"
        );
    }
    let mut conversations = BTreeMap::new();
    for hub in &acked.hubs {
        let list = get(
            client,
            token,
            format!("{url}/api/v1/contacts/{hub}/conversations?limit=500"),
        )
        .await;
        let list = list.as_array().unwrap();
        assert!(list.len() < 500, "{when}: too many conversations to check");
        for c in list {
            let participants: Vec<i64> = c["participants"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap())
                .collect();
            conversations.insert(
                c["id"].as_i64().unwrap(),
                (c["summary"].as_str().unwrap().to_owned(), participants),
            );
        }
    }
    for (id, logged) in &acked.conversations {
        let Some((summary, participants)) = conversations.get(id) else {
            panic!("{when}: acknowledged conversation #{id} {logged:?} is lost");
        };
        assert_eq!(summary, &logged.summary, "{when}: conversation #{id}");
        let mut want = vec![logged.hub, logged.contact];
        let mut got = participants.clone();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "{when}: participants of conversation #{id}");
    }
}

#[rstest]
#[tokio::test]
async fn acknowledged_writes_survive_sigkill(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = Database::create(backend).await else {
        return;
    };
    let started = Instant::now();
    let seed = seed();
    eprintln!("{backend:?}: seed {seed} (KITH_TEST_CRASH_SEED={seed} replays the kill times)");
    let mut rng = Rng(seed);
    db.add_users(&["alice"]);
    let token = db.token("alice");
    let client = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut acked = Acked::default();

    let mut server = db.serve();
    let mut writes_per_round = Vec::new();
    for round in 0..KILLS {
        let acks = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..CLIENTS)
            .map(|n| {
                tokio::spawn(load(
                    client.clone(),
                    server.url.clone(),
                    token.clone(),
                    format!("R{round} C{n}"),
                    Rng(rng.next()),
                    acks.clone(),
                ))
            })
            .collect();
        // The clock starts when the load is under way.
        let waiting = Instant::now();
        while acks.load(Ordering::SeqCst) == 0 {
            assert!(
                waiting.elapsed() < Duration::from_secs(20),
                "round {round}: no write acknowledged in 20 s"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let delay = rng.in_range(&DELAY_MS);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        server.child.kill().unwrap();
        let status = server.child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(9),
            "seed {seed}, round {round}: the server ended by itself: {status}"
        );
        let mut writes = 0;
        for task in tasks {
            let done = task.await.unwrap();
            writes += done.len();
            acked.extend(done);
        }
        writes_per_round.push(writes);

        server = db.serve();
        let when = format!("seed {seed}, after kill {round} ({delay} ms into the load)");
        verify(&client, &server.url, &token, &acked, &when).await;
    }
    drop(server);

    let store = kith_store::Store::open(&db.location).await.unwrap();
    let problems = store.integrity_check().await;
    store.close().await;
    let problems = problems.unwrap();
    assert!(
        problems.is_empty(),
        "seed {seed}: integrity check: {problems:?}"
    );
    eprintln!(
        "{backend:?}: {KILLS} kills, {} contacts and {} conversations acknowledged \
         (per round: {writes_per_round:?}), all there; {:.1} s",
        acked.contacts.len(),
        acked.conversations.len(),
        started.elapsed().as_secs_f64()
    );
    db.drop().await;
}
