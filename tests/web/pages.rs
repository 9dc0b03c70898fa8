//! Pages that must stay readable at a large network's size.

use reqwest::Client;
use rstest::rstest;
use serde_json::json;

use crate::{Backend, Server};

#[rstest]
#[tokio::test]
async fn the_follow_ups_page_shows_the_most_pressing_hundred(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let api = Client::new();
    let contact: serde_json::Value = api
        .post(server.at("/api/v1/contacts"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Busy Person" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = contact["id"].as_i64().unwrap();
    // 101 promises due on successive days, created latest-due first.
    for day in (0..101).rev() {
        let due =
            chrono::NaiveDate::from_ymd_opt(2090, 1, 1).unwrap() + chrono::Duration::days(day);
        let r = api
            .post(server.at("/api/v1/follow-ups"))
            .bearer_auth(&token)
            .json(&json!({ "contact": id, "title": format!("Task due {due}"), "by": due.to_string() }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let page = server
        .signed_in("alice")
        .await
        .get(server.at("/follow-ups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("101 open, the 100 most pressing shown"),
        "{page}"
    );
    assert!(
        page.contains("Task due 2090-01-01"),
        "the earliest is shown"
    );
    assert!(
        !page.contains("Task due 2090-04-11"),
        "the latest is left for the contact's page"
    );
    let first = page.find("Task due 2090-01-01").unwrap();
    let second = page.find("Task due 2090-01-02").unwrap();
    assert!(first < second, "earliest due first");
    server.stop().await;
}
