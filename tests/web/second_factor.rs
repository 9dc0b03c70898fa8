//! Two-step sign-in through the web: setting up an authenticator app,
//! codes (one step of clock skew, never twice), recovery codes (once each),
//! a server that requires it, the list of sessions, and no secret in the log.

use kith_auth::totp::{DIGITS, STEP, TotpSecret};
use rstest::rstest;

use crate::{Backend, PASSWORD, Server, location};

/// The text between `start` and the next `end`.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {page}"))
        + start.len();
    let to = page[from..].find(end).unwrap() + from;
    &page[from..to]
}

fn key_of(page: &str) -> TotpSecret {
    let key = between(page, "<code id=\"totp-key\">", "</code>").replace(' ', "");
    TotpSecret::from_base32(&key).expect("a base32 key")
}

fn codes_of(page: &str) -> Vec<String> {
    let list = between(page, "<ul class=\"plain\" id=\"recovery-codes\">", "</ul>");
    list.split("<code>")
        .skip(1)
        .map(|c| c.split("</code>").next().unwrap().to_owned())
        .collect()
}

fn code(secret: &TotpSecret, offset_steps: i64) -> String {
    secret.code(chrono::Utc::now().timestamp() + offset_steps * STEP, DIGITS)
}

async fn post(client: &reqwest::Client, url: String, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(url).form(form).send().await.unwrap()
}

/// Signs in with the password and returns the client and where it was sent.
async fn password(server: &Server, user: &str) -> (reqwest::Client, reqwest::Response) {
    let client = server.browser();
    let r = post(
        &client,
        server.at("/login"),
        &[
            ("username", user),
            ("password", PASSWORD),
            ("next", "/goals"),
        ],
    )
    .await;
    (client, r)
}

#[rstest]
#[tokio::test]
async fn an_authenticator_app_guards_the_password(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["ann", "bob"]).await else {
        return;
    };
    let ann = server.signed_in("ann").await;
    let page = post(&ann, server.at("/settings/totp"), &[]).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = page.text().await.unwrap();
    assert!(page.contains("<svg"), "a QR code");
    let secret = key_of(&page);
    // A wrong code keeps it off.
    let r = post(
        &ann,
        server.at("/settings/totp/confirm"),
        &[("code", "000000")],
    )
    .await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        key_of(&r.text().await.unwrap()),
        secret,
        "the same key again"
    );
    let first = code(&secret, 0);
    let r = post(
        &ann,
        server.at("/settings/totp/confirm"),
        &[("code", &first)],
    )
    .await;
    assert_eq!(r.status(), 200);
    let codes = codes_of(&r.text().await.unwrap());
    assert_eq!(codes.len(), 10);
    let settings = ann
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        settings.contains("On: signing in with your password also asks"),
        "{settings}"
    );
    assert!(settings.contains("10 recovery codes left"));

    // The password alone no longer signs in.
    let (browser, r) = password(&server, "ann").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login/code?next=%2Fgoals");
    let r = browser.get(server.at("/goals")).send().await.unwrap();
    assert_eq!(r.status(), 303, "no session yet");
    assert!(location(&r).starts_with("/login"));
    let r = post(
        &browser,
        server.at("/login/code"),
        &[("code", "123456"), ("next", "/goals")],
    )
    .await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("That code is not right"));
    // The code that confirmed the app is spent.
    let r = post(
        &browser,
        server.at("/login/code"),
        &[("code", &first), ("next", "/goals")],
    )
    .await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("used already"));
    // A phone one step ahead is fine.
    let ahead = code(&secret, 1);
    let r = post(
        &browser,
        server.at("/login/code"),
        &[("code", &ahead), ("next", "/goals")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/goals");
    let r = browser.get(server.at("/goals")).send().await.unwrap();
    assert_eq!(r.status(), 200, "signed in");
    // The pending sign-in is gone: the same cookie cannot finish another.
    let r = post(
        &browser,
        server.at("/login/code"),
        &[("code", &code(&secret, 0))],
    )
    .await;
    assert_eq!(location(&r), "/login");

    // A recovery code works once.
    let (spare, r) = password(&server, "ann").await;
    assert_eq!(r.status(), 303);
    let typed = codes[3].to_uppercase().replace('-', " ");
    let r = post(&spare, server.at("/login/code"), &[("code", &typed)]).await;
    assert_eq!(r.status(), 303);
    let page = spare
        .get(server.at("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Signed in with a recovery code; 9 left"),
        "{page}"
    );
    let (again, _) = password(&server, "ann").await;
    let r = post(&again, server.at("/login/code"), &[("code", &codes[3])]).await;
    assert_eq!(r.status(), 401);

    // Every session is listed with how it began, and can be ended.
    let settings = ann
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for how in [
        "<td>password</td>",
        "<td>password+totp</td>",
        "<td>password+recovery-code</td>",
    ] {
        assert!(settings.contains(how), "{how} in {settings}");
    }
    assert_eq!(settings.matches("this one").count(), 1);
    let spare_settings = spare
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = spare_settings
        .split("<tr>")
        .find(|r| r.contains("this one"))
        .unwrap();
    let key = between(row, "/settings/sessions/", "/end");
    // Bob cannot end it; Ann can, from her first browser.
    let bob = server.signed_in("bob").await;
    let r = post(
        &bob,
        server.at(&format!("/settings/sessions/{key}/end")),
        &[],
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = post(
        &ann,
        server.at(&format!("/settings/sessions/{key}/end")),
        &[],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = spare.get(server.at("/")).send().await.unwrap();
    assert_eq!(r.status(), 303, "that browser is signed out");

    // Turning it off needs the password.
    let r = post(
        &ann,
        server.at("/settings/totp/disable"),
        &[("password", "not the password")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let settings = ann
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(settings.contains("The password is wrong"), "{settings}");
    post(
        &ann,
        server.at("/settings/totp/disable"),
        &[("password", PASSWORD)],
    )
    .await;
    let (_, r) = password(&server, "ann").await;
    assert_eq!(location(&r), "/goals", "the password alone again");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn a_server_that_requires_it_has_everyone_set_it_up(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let log_dir = tempfile::tempdir().unwrap();
    let log = log_dir.path().join("serve.log");
    let Some(server) = Server::start_with(backend, &["ann"], &["--require-totp"], Some(&log)).await
    else {
        return;
    };
    let (browser, r) = password(&server, "ann").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login/enrol?next=%2Fgoals");
    let r = browser.get(server.at("/goals")).send().await.unwrap();
    assert_eq!(r.status(), 303, "no session before it is set up");
    let page = browser
        .get(server.at("/login/enrol?next=%2Fgoals"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("asks everyone who signs in with a password"));
    let secret = key_of(&page);
    let r = post(
        &browser,
        server.at("/login/enrol"),
        &[("code", "999999"), ("next", "/goals")],
    )
    .await;
    assert_eq!(r.status(), 401);
    let r = post(
        &browser,
        server.at("/login/enrol"),
        &[("code", &code(&secret, -1)), ("next", "/goals")],
    )
    .await;
    assert_eq!(r.status(), 200, "a phone one step behind is fine");
    let codes = codes_of(&r.text().await.unwrap());
    let r = browser.get(server.at("/goals")).send().await.unwrap();
    assert_eq!(r.status(), 200, "signed in once it is set up");
    // It cannot be turned off here.
    post(
        &browser,
        server.at("/settings/totp/disable"),
        &[("password", PASSWORD)],
    )
    .await;
    let settings = browser
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(settings.contains("cannot be turned off"), "{settings}");
    // Next time: a code.
    let (next, r) = password(&server, "ann").await;
    assert_eq!(location(&r), "/login/code?next=%2Fgoals");
    let r = post(
        &next,
        server.at("/login/code"),
        &[("code", &code(&secret, 1))],
    )
    .await;
    assert_eq!(r.status(), 303);
    // An admin can reset it for someone who lost everything.
    let out = server.kith(&["user", "reset-totp", "ann"]);
    assert!(out.contains("Two-step sign-in of ann is off"), "{out}");
    let r = next.get(server.at("/goals")).send().await.unwrap();
    assert_eq!(r.status(), 303, "their sessions are ended");
    let (_, r) = password(&server, "ann").await;
    assert_eq!(
        location(&r),
        "/login/enrol?next=%2Fgoals",
        "and they set it up again"
    );
    // Neither the key nor a recovery code is ever logged.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("pending_signins"),
        "the log has the statements run: {logged}"
    );
    assert!(
        !logged.contains(&secret.to_base32()),
        "the TOTP key is in the log"
    );
    for c in &codes {
        assert!(
            !logged.contains(c.as_str()),
            "a recovery code is in the log"
        );
    }
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn passkey_requests_that_cannot_work_are_refused_plainly(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["ann"]).await else {
        return;
    };
    let anon = server.browser();
    // WebAuthn wants a name: the same server as localhost.
    let named = |path: &str| server.at(path).replace("127.0.0.1", "localhost");
    // Nobody has a passkey: the same answer for a user and for no user.
    for name in ["ann", "nobody"] {
        let r = anon
            .post(named("/login/passkey/start"))
            .json(&serde_json::json!({ "username": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{name}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(
            v["error"]
                .as_str()
                .unwrap()
                .contains("No passkey is set up"),
            "{v}"
        );
    }
    // A made-up ticket, and bodies that are not a credential.
    let r = anon
        .post(named("/login/passkey/finish"))
        .json(&serde_json::json!({ "ticket": "kw_nope", "credential": { "id": "x" } }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = anon
        .post(named("/login/passkey/finish"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // Signed in, over an IP address: passkeys need a name, and say so.
    let ann = server.signed_in("ann").await;
    let r = ann
        .post(server.at("/settings/passkeys/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("need the server reached by a name"),
        "{v}"
    );
    let r = ann
        .post(server.at("/settings/passkeys/9/remove"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    server.stop().await;
}
