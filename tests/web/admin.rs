//! Managing users is for administrators: the users page, adding a user and
//! disabling or enabling one, asked by a signed-in user who is not one
//! (with a session, and with an API token), are refused and change nothing.
//! These are pages; the JSON API has no user management.

use reqwest::Client;
use rstest::rstest;
use serde_json::Value;

use crate::{Backend, PASSWORD, Server, location};

/// A form's fields.
type Form = [(&'static str, &'static str)];

#[rstest]
#[tokio::test]
async fn only_an_administrator_manages_users(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob", "carol"]).await else {
        return;
    };
    let users =
        || -> Value { serde_json::from_str(&server.kith(&["user", "list", "--json"])).unwrap() };
    let id_of = |name: &str| {
        users()
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (alice, carol) = (id_of("alice"), id_of("carol"));
    let before = users();
    let new_user = [
        ("username", "mallory"),
        ("password", PASSWORD),
        ("admin", "on"),
    ];
    let disable = [("disabled", "true")];
    let bob = server.signed_in("bob").await;
    let token = server.token("bob");
    let plain = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let attempts: Vec<(reqwest::Method, String, &Form)> = vec![
        (reqwest::Method::GET, "/users".into(), &[]),
        (reqwest::Method::POST, "/users".into(), &new_user),
        (
            reqwest::Method::POST,
            format!("/users/{carol}/disabled"),
            &disable,
        ),
        (
            reqwest::Method::POST,
            format!("/users/{alice}/disabled"),
            &disable,
        ),
    ];
    for (method, path, form) in &attempts {
        // Signed in, as a browser sends it.
        let r = bob
            .request(method.clone(), server.at(path))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "bob's session: {method} {path}");
        let text = r.text().await.unwrap();
        assert!(!text.contains("carol"), "{text}");
        // With an API token: a page takes no token, so it is sign-in first.
        let r = plain
            .request(method.clone(), server.at(path))
            .bearer_auth(&token)
            .form(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "bob's token: {method} {path}");
        assert!(location(&r).starts_with("/login"), "{method} {path}");
    }
    // The API has no user routes to reach, with a token or a session.
    for path in ["/api/v1/users", &format!("/api/v1/users/{carol}/disabled")] {
        let r = plain
            .post(server.at(path))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "username": "mallory", "disabled": true }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{path}");
        let r = bob
            .post(server.at(path))
            .header("sec-fetch-site", "same-origin")
            .json(&serde_json::json!({ "username": "mallory", "disabled": true }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    assert_eq!(users(), before, "bob changed nobody");
    server.signed_in("carol").await;
    let r = server
        .browser()
        .post(server.at("/login"))
        .form(&[("username", "mallory"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 303, "mallory cannot sign in");

    // The same requests from alice, who is an administrator, go through.
    let admin = server.signed_in("alice").await;
    for (method, path, form) in &attempts[..3] {
        let r = admin
            .request(method.clone(), server.at(path))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success() || location(&r) == "/users",
            "alice: {method} {path}: {}",
            r.status()
        );
    }
    let after = users();
    let find = |name: &str| {
        after
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == name)
            .cloned()
    };
    assert_eq!(find("carol").unwrap()["disabled"], true);
    assert_eq!(find("mallory").unwrap()["admin"], true);
    server.stop().await;
}
