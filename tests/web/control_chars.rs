//! One rule for text (#24): control characters other than tab and line
//! breaks are refused with the field named (the API, the forms), or left
//! out with a warning where a file or a client cannot be asked again (a
//! CardDAV card, an import), the same on both backends; and every XML
//! answer stays well-formed, read by a strict parser.

use reqwest::multipart::{Form, Part};
use rstest::rstest;
use serde_json::{Value, json};

use crate::dav::{CARD_URL, Dav, card};
use crate::{Backend, Server, clock};
use kith_interop::dav_xml::well_formed;

/// The cards of the finding: a control character in an extension, a NUL
/// in a note and one in the UID.
fn odd_cards() -> [(&'static str, String); 3] {
    [
        ("foo.vcf", card("foo-1", "Foo Person", "X-FOO:a\u{1}b\r\n")),
        (
            "note.vcf",
            card("note-1", "Note Person", "NOTE:a\u{0}b\r\n"),
        ),
        ("uid.vcf", card("u\u{0}v", "Uid Person", "")),
    ]
}

/// A sync from the start with every card's text: a strict XML parser
/// reads it, and it holds the cards without the characters left out.
async fn assert_sync_reads(dav: &Dav<'_>) -> String {
    let (status, body) = dav.sync("").await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(well_formed(&body), Ok(()), "{body:?}");
    body
}

#[rstest]
#[tokio::test]
async fn cards_with_control_characters_leave_the_sync_well_formed(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let dav = Dav::new(&server);
    for (name, text) in odd_cards() {
        let (status, headers, body) = dav
            .send("PUT", &format!("{CARD_URL}{name}"), &[], &text)
            .await;
        assert_eq!(status, 201, "{name}: {body}");
        assert!(
            headers.get("etag").is_none(),
            "{name}: stored otherwise than sent, so no entity tag"
        );
    }
    let body = assert_sync_reads(&dav).await;
    for kept in ["X-FOO:ab", "NOTE:ab", "UID:uv"] {
        assert!(body.contains(kept), "{kept} in {body}");
    }
    // The contacts read the same on both backends.
    let out = server.kith(&["--user", "alice", "show", "note person", "--json"]);
    let note: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(note["notes"], "ab");
    let out = server.kith(&["--user", "alice", "show", "uid person", "--json"]);
    let uid: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(uid["uid"], "uv");
    // A later change, and a sync from the token before it, read too.
    let token = crate::dav::token_of(&body);
    let changed = card(
        "note-1",
        "Note Person",
        "NOTE:again\u{7}\r\nX-BAR:x\u{1b}[31my\r\n",
    );
    let (status, _, text) = dav
        .send("PUT", &format!("{CARD_URL}note.vcf"), &[], &changed)
        .await;
    assert!(status == 204 || status == 201, "{status} {text}");
    let (status, body) = dav.sync(&token).await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(well_formed(&body), Ok(()), "{body:?}");
    assert!(body.contains("X-BAR:x[31my"), "{body}");
    // A multiget and a query of every card as well.
    let multiget = format!(
        r#"<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/></d:prop><d:href>{CARD_URL}foo.vcf</d:href><d:href>{CARD_URL}uid.vcf</d:href></c:addressbook-multiget>"#
    );
    let query = r#"<c:addressbook-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:prop><d:getetag/><c:address-data/></d:prop></c:addressbook-query>"#;
    for report in [multiget.as_str(), query] {
        let (status, _, body) = dav
            .send("REPORT", CARD_URL, &[("Depth", "1")], report)
            .await;
        assert_eq!(status, 207, "{body}");
        assert_eq!(well_formed(&body), Ok(()), "{body:?}");
        assert!(body.contains("X-FOO:ab"), "{body}");
    }
    server.stop().await;
}

/// An API client signed in as alice, and the id of a contact Jane.
async fn api(server: &Server) -> (reqwest::Client, String, i64) {
    let token = server.token("alice");
    let client = reqwest::Client::new();
    let jane: Value = client
        .post(server.at("/api/v1/contacts"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Jane Doe" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (client, token, jane["id"].as_i64().unwrap())
}

#[rstest]
#[tokio::test]
async fn the_api_refuses_control_characters_naming_the_field(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let (client, token, jane) = api(&server).await;
    let meeting = |title: &str| {
        json!({
            "with": [jane], "at": clock::later(), "title": title,
            "mode": { "how": "where", "detail": "Office" },
        })
    };
    let cases = [
        ("/api/v1/meetings", meeting("T\u{0}Z"), "title"),
        ("/api/v1/meetings", meeting("T\u{1b}Z"), "title"),
        (
            "/api/v1/meetings",
            json!({ "with": [jane], "at": clock::later(), "mode": { "how": "where", "detail": "Off\u{0}ice" } }),
            "mode.detail|where",
        ),
        ("/api/v1/contacts", json!({ "name": "Ann\u{0}" }), "name"),
        (
            "/api/v1/contacts",
            json!({ "name": "Ann", "notes": "a\u{1}b" }),
            "notes",
        ),
        (
            "/api/v1/contacts",
            json!({ "name": "Ann", "tags": ["mentor\u{0}"] }),
            "tags",
        ),
        (
            "/api/v1/contacts",
            json!({ "name": "Ann", "organisation": "Acme\u{7f}" }),
            "organisation",
        ),
        (
            "/api/v1/conversations",
            json!({ "with": [jane], "via": "phone", "summary": "a\u{0}b" }),
            "summary",
        ),
    ];
    for (path, body, field) in &cases {
        let r = client
            .post(server.at(path))
            .bearer_auth(&token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let v: Value = r.json().await.unwrap();
        assert_eq!(status, 422, "{path} {body}: {v}");
        let named = v["error"]["field"].as_str().unwrap_or_default();
        assert!(field.split('|').any(|f| f == named), "{path} {body}: {v}");
        let message = v["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("control character U+"), "{v}");
    }
    // Nothing was stored, and a CRLF is a line break, stored as LF.
    let meetings: Value = client
        .get(server.at("/api/v1/meetings?all=true"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meetings, json!([]));
    let r = client
        .post(server.at("/api/v1/contacts"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Ann Lines", "notes": "one\r\ntwo\tcols" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let ann: Value = r.json().await.unwrap();
    assert_eq!(ann["notes"], "one\ntwo\tcols");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn an_imported_card_loses_its_control_characters_with_a_warning(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let file: String = odd_cards().iter().map(|(_, c)| c.as_str()).collect();
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/import"))
        .multipart(
            Form::new()
                .text("format", "vcard")
                .part("file", Part::bytes(file.into_bytes()).file_name("odd.vcf")),
        )
        .send()
        .await
        .unwrap();
    let status = r.status();
    let page = r.text().await.unwrap();
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<strong>3</strong> created"), "{page}");
    for (property, line) in [
        ("X-FOO", "X-FOO:ab"),
        ("NOTE", "NOTE:ab"),
        ("UID", "UID:uv"),
    ] {
        assert!(
            page.contains(&format!("<td>{property}</td><td>{line}</td>")),
            "a warning for {property}: {page}"
        );
    }
    assert!(page.contains("control characters"), "{page}");
    let out = server.kith(&["--user", "alice", "show", "note person", "--json"]);
    let note: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(note["notes"], "ab");
    // The cards kept are read by a CardDAV sync, well-formed.
    let dav = Dav::new(&server);
    let body = assert_sync_reads(&dav).await;
    for kept in ["X-FOO:ab", "NOTE:ab", "UID:uv"] {
        assert!(body.contains(kept), "{kept} in {body}");
    }
    // The contact's page and the vCard download hold none of them either.
    let id = note["id"].as_i64().unwrap();
    for path in [format!("/contacts/{id}"), "/export/contacts.vcf".to_owned()] {
        let r = alice.get(server.at(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let text = r.text().await.unwrap();
        assert!(
            !text.contains(|c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
            "{path}: {text:?}"
        );
    }
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn a_nul_in_a_sign_in_name_is_a_wrong_name_not_a_server_error(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let r = server
        .browser()
        .post(server.at("/login"))
        .form(&[("username", "alice\u{0}"), ("password", crate::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "{}", r.text().await.unwrap());
    let r = reqwest::Client::new()
        .request(crate::dav::method("PROPFIND"), server.at(CARD_URL))
        .basic_auth("alice\u{0}\u{1}", Some("kdav_wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "{}", r.text().await.unwrap());
    // The right name still signs in.
    server.signed_in("alice").await;
    server.stop().await;
}
