//! CardDAV at the request level: discovery, cards with entity tags and
//! preconditions, the three reports, authentication and bad bodies, on both
//! backends.

use reqwest::{Client, Method, Response};
use rstest::rstest;
use serde_json::Value;

use crate::{Backend, Server};

pub(crate) const CARD_URL: &str = "/dav/addressbooks/alice/contacts/";

pub(crate) fn method(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap()
}

/// A CardDAV client signed in as alice with an app password.
pub(crate) struct Dav<'a> {
    server: &'a Server,
    user: String,
    pub(crate) client: Client,
    pub(crate) password: String,
}

impl Dav<'_> {
    pub(crate) fn new(server: &Server) -> Dav<'_> {
        Dav::of(server, "alice")
    }

    /// A client signed in as `user`.
    fn of<'a>(server: &'a Server, user: &str) -> Dav<'a> {
        let out = server.kith(&[
            "--user",
            user,
            "token",
            "create",
            "--carddav",
            "--name",
            "phone",
            "--json",
        ]);
        let v: Value = serde_json::from_str(&out).unwrap();
        Dav {
            server,
            user: user.to_owned(),
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            password: v["token"].as_str().unwrap().to_owned(),
        }
    }

    pub(crate) async fn send(
        &self,
        verb: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, reqwest::header::HeaderMap, String) {
        let mut r = self
            .client
            .request(method(verb), self.server.at(path))
            .basic_auth(&self.user, Some(&self.password))
            .body(body.to_owned());
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        let response: Response = r.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, headers, response.text().await.unwrap())
    }

    /// PUTs a card: the status and the card's tag, from the answer or,
    /// when Kith stored the card differently from what was sent (then the
    /// answer has none, RFC 6352 section 6.3.2.3), from a GET, as a client
    /// does.
    pub(crate) async fn put(
        &self,
        name: &str,
        card: &str,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let path = format!("{CARD_URL}{name}");
        let (status, h, body) = self.send("PUT", &path, headers, card).await;
        let tag = |h: &reqwest::header::HeaderMap| {
            h.get("etag")
                .map(|e| e.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let mut etag = tag(&h);
        if status < 400 && etag.is_empty() {
            let (got, h, _) = self.send("GET", &path, &[], "").await;
            assert_eq!(got, 200, "{path} after a PUT answered {status}");
            etag = tag(&h);
        }
        assert!(status >= 400 || !etag.is_empty(), "{status} {body}");
        (status, etag)
    }

    pub(crate) async fn sync(&self, token: &str) -> (u16, String) {
        let body = format!(
            r#"<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">
               <d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>
               <d:prop><d:getetag/><c:address-data/></d:prop></d:sync-collection>"#
        );
        let (status, _, text) = self.send("REPORT", CARD_URL, &[], &body).await;
        (status, text)
    }
}

pub(crate) fn card(uid: &str, name: &str, extra: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\n{extra}END:VCARD\r\n")
}

/// The text of the first `<d:sync-token>`.
pub(crate) fn token_of(xml: &str) -> String {
    let start = xml.find("<d:sync-token>").unwrap() + "<d:sync-token>".len();
    let end = xml[start..].find('<').unwrap() + start;
    xml[start..end].to_owned()
}

#[rstest]
#[tokio::test]
async fn a_client_discovers_the_address_book(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    let dav = Dav::new(&server);
    let (status, headers, _) = dav.send("GET", "/.well-known/carddav", &[], "").await;
    assert_eq!(status, 308);
    assert_eq!(headers["location"], "/dav/");

    let (status, _, body) = dav
        .send(
            "PROPFIND",
            "/dav/",
            &[("Depth", "0")],
            r#"<propfind xmlns="DAV:"><prop><current-user-principal/></prop></propfind>"#,
        )
        .await;
    assert_eq!(status, 207, "{body}");
    assert!(
        body.contains("<d:current-user-principal><d:href>/dav/principals/alice/</d:href>"),
        "{body}"
    );

    let (_, _, body) = dav
        .send(
            "PROPFIND",
            "/dav/principals/alice/",
            &[("Depth", "0")],
            r#"<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><prop><C:addressbook-home-set/><displayname/><x:odd xmlns:x="urn:example"/></prop></propfind>"#,
        )
        .await;
    assert!(
        body.contains("<card:addressbook-home-set><d:href>/dav/addressbooks/alice/</d:href>"),
        "{body}"
    );
    assert!(
        body.contains("404 Not Found"),
        "an unknown property is reported missing: {body}"
    );

    let (_, _, body) = dav
        .send(
            "PROPFIND",
            "/dav/addressbooks/alice/",
            &[("Depth", "1")],
            "",
        )
        .await;
    assert!(
        body.contains("<d:href>/dav/addressbooks/alice/contacts/</d:href>"),
        "{body}"
    );
    assert!(body.contains("<card:addressbook/>"), "{body}");
    assert!(body.contains("<d:sync-token>urn:kith:sync:"), "{body}");

    // Another user's book does not exist for alice; no password, no answer.
    let (status, _, _) = dav
        .send(
            "PROPFIND",
            "/dav/addressbooks/bob/contacts/",
            &[("Depth", "1")],
            "",
        )
        .await;
    assert_eq!(status, 404);
    let anonymous = dav
        .client
        .request(method("PROPFIND"), server.at("/dav/"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(
        anonymous.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    // An API token is not an app password.
    let api = server.token("alice");
    let r = dav
        .client
        .request(method("PROPFIND"), server.at("/dav/"))
        .basic_auth("alice", Some(&api))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Failures are counted: after ten for one name, the next wrong one
    // waits (429) until the window passes.
    for _ in 0..10 {
        let r = dav
            .client
            .request(method("PROPFIND"), server.at("/dav/"))
            .basic_auth("bob", Some("kdav_guess"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = dav
        .client
        .request(method("PROPFIND"), server.at("/dav/"))
        .basic_auth("bob", Some("kdav_guess"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    // Bob's name with alice's password is refused too.
    let r = dav
        .client
        .request(method("PROPFIND"), server.at("/dav/"))
        .basic_auth("bob", Some(&dav.password))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "bob's name is still throttled");
    let (status, _, _) = dav.send("PROPFIND", "/dav/", &[("Depth", "0")], "").await;
    assert_eq!(status, 207, "alice is not");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn cards_are_written_with_entity_tags_and_keep_what_kith_does_not_model(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let dav = Dav::new(&server);
    let jane = card(
        "jane-1",
        "Jane Doe",
        "EMAIL;TYPE=WORK:jane@example.com\r\nX-PHONE-APP-COLOR:teal\r\n",
    );
    let (status, etag) = dav
        .put("jane-1.vcf", &jane, &[("If-None-Match", "*")])
        .await;
    assert_eq!(status, 201);
    let (status, _) = dav
        .put("jane-1.vcf", &jane, &[("If-None-Match", "*")])
        .await;
    assert_eq!(status, 412, "If-None-Match: * on an existing card");
    assert!(
        server
            .kith(&["--user", "alice", "show", "Jane Doe"])
            .contains("jane@example.com")
    );

    let (status, headers, body) = dav
        .send("GET", &format!("{CARD_URL}jane-1.vcf"), &[], "")
        .await;
    assert_eq!(status, 200);
    assert_eq!(headers["etag"].to_str().unwrap(), etag);
    assert!(body.contains("X-PHONE-APP-COLOR:teal"), "{body}");
    assert!(body.contains("UID:jane-1"), "{body}");

    // A change in Kith changes the tag; a write on the old tag is refused.
    server.kith(&["--user", "alice", "edit", "Jane Doe", "--title", "CTO"]);
    let (_, headers, body) = dav
        .send("GET", &format!("{CARD_URL}jane-1.vcf"), &[], "")
        .await;
    let fresh = headers["etag"].to_str().unwrap().to_owned();
    assert_ne!(fresh, etag);
    assert!(body.contains("TITLE:CTO"), "{body}");
    let edited = card(
        "jane-1",
        "Jane Doe",
        "EMAIL:jane@acme.test\r\nX-PHONE-APP-COLOR:red\r\n",
    );
    let (status, _) = dav.put("jane-1.vcf", &edited, &[("If-Match", &etag)]).await;
    assert_eq!(status, 412, "a stale write");
    let (status, newest) = dav
        .put("jane-1.vcf", &edited, &[("If-Match", &fresh)])
        .await;
    assert_eq!(status, 204);
    assert_ne!(newest, fresh);
    let shown = server.kith(&["--user", "alice", "show", "Jane Doe"]);
    assert!(
        shown.contains("jane@acme.test") && !shown.contains("jane@example.com"),
        "{shown}"
    );
    assert!(
        !shown.contains("CTO"),
        "the card no longer has a title: {shown}"
    );

    // Only an unmodelled property changed: still a new version.
    let recoloured = card(
        "jane-1",
        "Jane Doe",
        "EMAIL:jane@acme.test\r\nX-PHONE-APP-COLOR:blue\r\n",
    );
    let (status, bluer) = dav.put("jane-1.vcf", &recoloured, &[]).await;
    assert_eq!(status, 204);
    assert_ne!(bluer, newest);

    // A name of the client's choosing, and a UID that is taken.
    let (status, _) = dav
        .put("Some Odd Name.vcf", &card("bob-2", "Bob Roe", ""), &[])
        .await;
    assert_eq!(status, 201);
    let (status, _, body) = dav
        .send("GET", &format!("{CARD_URL}Some Odd Name.vcf"), &[], "")
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("FN:Bob Roe"));
    let (status, _, body) = dav
        .send(
            "PUT",
            &format!("{CARD_URL}another.vcf"),
            &[],
            &card("bob-2", "Bob Again", ""),
        )
        .await;
    assert_eq!(status, 409);
    assert!(body.contains("no-uid-conflict"), "{body}");

    // Bad cards are refused with the reason; nothing is written
    // (dav_edges.rs has the precondition each one fails).
    for bad in [
        "garbage",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nEND:VCARD\r\n",
    ] {
        let (status, _, body) = dav
            .send("PUT", &format!("{CARD_URL}bad.vcf"), &[], bad)
            .await;
        assert_eq!(status, 403, "{body}");
        assert!(body.contains("not a valid vCard"), "{body}");
    }

    // Deleting: with a stale tag, then for real, then again.
    let (status, _, _) = dav
        .send(
            "DELETE",
            &format!("{CARD_URL}jane-1.vcf"),
            &[("If-Match", &fresh)],
            "",
        )
        .await;
    assert_eq!(status, 412);
    let (status, _, _) = dav
        .send(
            "DELETE",
            &format!("{CARD_URL}jane-1.vcf"),
            &[("If-Match", &bluer)],
            "",
        )
        .await;
    assert_eq!(status, 204);
    let (status, _, _) = dav
        .send("DELETE", &format!("{CARD_URL}jane-1.vcf"), &[], "")
        .await;
    assert_eq!(status, 404);
    assert!(!server.kith(&["--user", "alice", "list"]).contains("Jane"));
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn reports_fetch_query_and_sync(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let dav = Dav::new(&server);
    server.kith(&[
        "--user",
        "alice",
        "add",
        "Jane Doe",
        "--email",
        "jane@example.com",
    ]);
    dav.put(
        "bob.vcf",
        &card("bob", "Bob Roe", "EMAIL:bob@roe.test\r\n"),
        &[],
    )
    .await;

    let (status, body) = dav.sync("").await;
    assert_eq!(status, 207, "{body}");
    assert!(
        body.contains("FN:Jane Doe") && body.contains("FN:Bob Roe"),
        "{body}"
    );
    let first = token_of(&body);

    let (status, body) = dav.sync(&first).await;
    assert_eq!(status, 207);
    assert!(!body.contains("<d:response>"), "nothing changed: {body}");
    assert_eq!(token_of(&body), first);

    server.kith(&["--user", "alice", "edit", "Jane Doe", "--title", "CFO"]);
    server.kith(&["--user", "alice", "edit", "Jane Doe", "--title", "CTO"]);
    let (_, _, _) = dav
        .send("DELETE", &format!("{CARD_URL}bob.vcf"), &[], "")
        .await;
    let (_, body) = dav.sync(&first).await;
    assert!(body.contains("TITLE:CTO"), "{body}");
    assert_eq!(
        body.matches("<d:response>").count(),
        2,
        "each changed card once, as it is now: {body}"
    );
    assert!(
        body.contains(&format!(
            "<d:href>{CARD_URL}bob.vcf</d:href><d:status>HTTP/1.1 404 Not Found"
        )),
        "{body}"
    );
    assert_ne!(token_of(&body), first);

    for bad in [
        "urn:kith:sync:999999",
        "http://example.com/other",
        "urn:kith:sync:-1",
    ] {
        let (status, body) = dav.sync(bad).await;
        assert_eq!(status, 403, "{bad}");
        assert!(body.contains("valid-sync-token"), "{body}");
    }

    // Multiget: the cards asked for, and a 404 for one that is not there.
    let (_, _, listing) = dav.send("PROPFIND", CARD_URL, &[("Depth", "1")], "").await;
    let jane_href = listing
        .split("<d:href>")
        .filter_map(|h| h.split("</d:href>").next())
        .find(|h| h.ends_with(".vcf"))
        .unwrap()
        .to_owned();
    let multiget = format!(
        r#"<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">
           <d:prop><d:getetag/><c:address-data/></d:prop>
           <d:href>{jane_href}</d:href><d:href>{CARD_URL}nobody.vcf</d:href></c:addressbook-multiget>"#
    );
    let (status, _, body) = dav.send("REPORT", CARD_URL, &[], &multiget).await;
    assert_eq!(status, 207);
    assert!(body.contains("FN:Jane Doe"), "{body}");
    assert!(
        body.contains("nobody.vcf</d:href><d:status>HTTP/1.1 404"),
        "{body}"
    );

    // Query: a text match on e-mail, and one that matches nothing.
    dav.put(
        "carol.vcf",
        &card("carol", "Carol Poe", "EMAIL:carol@poe.test\r\n"),
        &[],
    )
    .await;
    let query = |prop: &str, text: &str| {
        format!(
            r#"<c:addressbook-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">
               <d:prop><d:getetag/></d:prop><c:filter><c:prop-filter name="{prop}">
               <c:text-match collation="i;unicode-casemap" match-type="contains">{text}</c:text-match>
               </c:prop-filter></c:filter></c:addressbook-query>"#
        )
    };
    let (status, _, body) = dav
        .send("REPORT", CARD_URL, &[], &query("EMAIL", "POE.test"))
        .await;
    assert_eq!(status, 207);
    assert_eq!(body.matches("<d:response>").count(), 1, "{body}");
    assert!(body.contains("carol.vcf"), "{body}");
    let (_, _, body) = dav.send("REPORT", CARD_URL, &[], &query("FN", "zzz")).await;
    assert_eq!(body.matches("<d:response>").count(), 0, "{body}");

    // Bodies that are not what they should be: 400 with a reason, never 500.
    for (verb, body) in [
        ("REPORT", "<not-closed>"),
        (
            "REPORT",
            r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#,
        ),
        ("PROPFIND", "<x>&e;</x>"),
        ("PROPFIND", "\u{feff}garbage"),
    ] {
        let (status, _, text) = dav.send(verb, CARD_URL, &[("Depth", "1")], body).await;
        assert_eq!(status, 400, "{verb} {body}: {text}");
        assert!(!text.is_empty());
    }
    let (status, _, body) = dav
        .send(
            "REPORT",
            CARD_URL,
            &[],
            r#"<d:expand-property xmlns:d="DAV:"/>"#,
        )
        .await;
    assert_eq!(status, 403);
    assert!(body.contains("supported-report"), "{body}");
    server.stop().await;
}

/// Request headers.
type Headers<'a> = [(&'a str, &'a str)];

/// Bob, signed in with his own app password, asks for alice's address book
/// and cards in every way a client can: each is refused as if they did not
/// exist, his own book shows none of hers, and nothing of hers changes.
#[rstest]
#[tokio::test]
async fn another_users_book_and_cards_are_refused_and_unchanged(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    let alice = Dav::new(&server);
    let bob = Dav::of(&server, "bob");
    let (status, jane_tag) = alice
        .put(
            "jane.vcf",
            &card("jane-1", "Jane Doe", "EMAIL:jane@example.com\r\n"),
            &[],
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = alice
        .put("joe.vcf", &card("joe-1", "Joe Roe", ""), &[])
        .await;
    assert_eq!(status, 201);
    let (_, start) = alice.sync("").await;
    let start = token_of(&start);
    let jane = format!("{CARD_URL}jane.vcf");
    let joe = format!("{CARD_URL}joe.vcf");
    let (_, _, jane_before) = alice.send("GET", &jane, &[], "").await;
    let export = || server.kith(&["--user", "alice", "export", "json"]);
    let without_time = |text: String| {
        let mut v: Value = serde_json::from_str(&text).unwrap();
        v["exported_at"] = Value::Null;
        v
    };
    let export_before = without_time(export());

    let multiget = format!(
        r#"<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">
           <d:prop><d:getetag/><c:address-data/></d:prop>
           <d:href>{jane}</d:href><d:href>{joe}</d:href></c:addressbook-multiget>"#
    );
    let sync = r#"<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">
               <d:sync-token/><d:sync-level>1</d:sync-level>
               <d:prop><d:getetag/><c:address-data/></d:prop></d:sync-collection>"#;
    let replaced = card("jane-1", "Jane Replaced", "");
    let planted = card("planted-1", "Planted By Bob", "");
    let if_match = [("If-Match", jane_tag.as_str())];
    let attempts: Vec<(&str, String, &Headers<'_>, &str)> = vec![
        ("GET", jane.clone(), &[], ""),
        ("HEAD", jane.clone(), &[], ""),
        ("PUT", jane.clone(), &[], &replaced),
        ("PUT", jane.clone(), &if_match, &replaced),
        ("PUT", format!("{CARD_URL}planted.vcf"), &[], &planted),
        ("DELETE", joe.clone(), &[], ""),
        ("DELETE", jane.clone(), &if_match, ""),
        ("REPORT", CARD_URL.to_owned(), &[], &multiget),
        ("REPORT", CARD_URL.to_owned(), &[], sync),
        ("PROPFIND", CARD_URL.to_owned(), &[("Depth", "1")], ""),
        ("PROPFIND", jane.clone(), &[("Depth", "0")], ""),
        (
            "PROPFIND",
            "/dav/addressbooks/alice/".to_owned(),
            &[("Depth", "1")],
            "",
        ),
        (
            "PROPFIND",
            "/dav/principals/alice/".to_owned(),
            &[("Depth", "0")],
            "",
        ),
    ];
    for (verb, path, headers, body) in &attempts {
        let (status, _, text) = bob.send(verb, path, headers, body).await;
        assert_eq!(status, 404, "bob: {verb} {path}: {text}");
        assert!(
            !text.contains("Jane") && !text.contains("Joe"),
            "bob: {verb} {path} answered alice's cards: {text}"
        );
    }
    // Through his own book: alice's hrefs in a multiget, and a sync from
    // the beginning, find nothing of hers.
    let bobs = "/dav/addressbooks/bob/contacts/";
    let (status, _, text) = bob.send("REPORT", bobs, &[], &multiget).await;
    assert_eq!(status, 207, "{text}");
    assert!(!text.contains("Jane") && !text.contains("Joe"), "{text}");
    let (status, _, text) = bob.send("REPORT", bobs, &[], sync).await;
    assert_eq!(status, 207, "{text}");
    assert!(!text.contains("Jane") && !text.contains("Joe"), "{text}");

    // Nothing of alice's changed: the card, the book's sync token, her
    // whole account.
    let (status, _, jane_after) = alice.send("GET", &jane, &[], "").await;
    assert_eq!(status, 200);
    assert_eq!(jane_after, jane_before);
    let (status, _, _) = alice.send("GET", &joe, &[], "").await;
    assert_eq!(status, 200, "joe is still there");
    let (_, now) = alice.sync("").await;
    assert_eq!(token_of(&now), start, "no change in alice's book");
    assert_eq!(without_time(export()), export_before);
    assert!(
        !server
            .kith(&["--user", "alice", "list"])
            .contains("Planted")
    );
    server.stop().await;
}
