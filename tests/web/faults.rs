//! Storage faults seen from a client: `kith serve` on SQLite on a small
//! filesystem the test fills. While the disk is full a write answers 503
//! "the server cannot save right now" (never a 500) and `/healthz` says the
//! database cannot save; once room is made, every later write succeeds and
//! `/healthz` is ok again, without a restart.

use reqwest::Client;
use serde_json::{Value, json};

use crate::Backend;
use crate::support::Database;
use crate::tmpfs::Tmpfs;

/// Adds a contact whose notes take a couple of pages; the status and body.
async fn add(client: &Client, url: &str, token: &str, n: usize) -> (u16, Value) {
    let response = client
        .post(format!("{url}/api/v1/contacts"))
        .bearer_auth(token)
        .json(&json!({ "name": format!("Person {n}"), "notes": "notes ".repeat(1_500) }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn health(client: &Client, url: &str) -> (u16, String) {
    let response = client.get(format!("{url}/healthz")).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_full_disk_is_a_503_and_the_server_writes_again_once_room_is_made() {
    let db = Database::create(Backend::Sqlite).await.unwrap();
    let Some(disk) = Tmpfs::mount(db.dir.path(), "8m", "full-disk server test") else {
        return;
    };
    db.add_users(&["ann"]);
    let token = db.token("ann");
    let server = db.serve();
    let (client, url) = (Client::new(), server.url.clone());
    for n in 0..3 {
        assert_eq!(add(&client, &url, &token, n).await.0, 201);
    }

    let filler = disk.fill();
    let mut refused = 0;
    for n in 100..110 {
        let (status, body) = add(&client, &url, &token, n).await;
        assert_ne!(status, 500, "never a generic 500: {body}");
        if status == 503 {
            assert_eq!(body["error"]["code"], "unavailable", "{body}");
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("cannot save right now"), "{message}");
            refused += 1;
        }
    }
    assert!(refused > 0, "no write was refused on a full disk");
    let (status, text) = health(&client, &url).await;
    assert_eq!((status, text.as_str()), (503, "database cannot save\n"));

    std::fs::remove_file(&filler).unwrap();
    for n in 200..212 {
        let (status, body) = add(&client, &url, &token, n).await;
        assert_eq!(status, 201, "write {n} once there is room: {body}");
    }
    assert_eq!(health(&client, &url).await, (200, "ok\n".to_owned()));
    drop(server);
    drop(disk);
    db.drop().await;
}
