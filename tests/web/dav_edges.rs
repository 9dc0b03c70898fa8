//! CardDAV where clients trip: discovery from the server's root (the
//! address README.md tells people to enter), what is not a vCard refused
//! with the precondition it fails, no entity tag for a card Kith stored
//! differently from what was sent, and a sync that names an address once,
//! on both backends.

use reqwest::header::HeaderMap;
use rstest::rstest;

use crate::dav::{CARD_URL, Dav, card, method, token_of};
use crate::{Backend, Server, location};

/// What DAVx5 asks the address it was given.
const DISCOVER: &str = r#"<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><prop><resourcetype/><displayname/><C:addressbook-description/><C:addressbook-home-set/><current-user-principal/><principal-URL/></prop></propfind>"#;

fn header<'h>(headers: &'h HeaderMap, name: &str) -> &'h str {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

#[rstest]
#[tokio::test]
async fn a_client_that_starts_at_the_server_root_finds_the_address_book(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let dav = Dav::new(&server);
    let (status, headers, body) = dav.send("PROPFIND", "/", &[("Depth", "0")], DISCOVER).await;
    assert_eq!(status, 207, "{body}");
    assert!(
        header(&headers, "content-type").starts_with("application/xml"),
        "{headers:?}"
    );
    assert!(body.contains("<d:response><d:href>/</d:href>"), "{body}");
    for found in [
        "<d:current-user-principal><d:href>/dav/principals/alice/</d:href></d:current-user-principal>",
        "<d:principal-URL><d:href>/dav/principals/alice/</d:href></d:principal-URL>",
        "<card:addressbook-home-set><d:href>/dav/addressbooks/alice/</d:href></card:addressbook-home-set>",
        "<d:resourcetype><d:collection/></d:resourcetype>",
    ] {
        assert!(body.contains(found), "{found} in {body}");
    }
    assert!(
        body.contains("<card:addressbook-description/></d:prop><d:status>HTTP/1.1 404"),
        "the root is no address book: {body}"
    );
    // Depth 1 lists nothing below the root: its pages are not WebDAV's.
    let (status, _, body) = dav.send("PROPFIND", "/", &[("Depth", "1")], "").await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(body.matches("<d:response>").count(), 1, "{body}");
    // What the root named leads on to the book.
    let (status, _, body) = dav
        .send(
            "PROPFIND",
            "/dav/addressbooks/alice/",
            &[("Depth", "1")],
            "",
        )
        .await;
    assert_eq!(status, 207, "{body}");
    assert!(
        body.contains(&format!("<d:href>{CARD_URL}</d:href>")),
        "{body}"
    );

    // Signed in like the rest of CardDAV: no password, a wrong one.
    let anonymous = dav
        .client
        .request(method("PROPFIND"), server.at("/"))
        .header("Depth", "0")
        .body(DISCOVER)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        header(anonymous.headers(), "www-authenticate"),
        "Basic realm=\"Kith\", charset=\"UTF-8\""
    );
    let text = anonymous.text().await.unwrap();
    assert!(!text.contains("/dav/principals/"), "{text}");
    let wrong = dav
        .client
        .request(method("PROPFIND"), server.at("/"))
        .basic_auth("alice", Some("kdav_wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().contains_key("www-authenticate"));

    // OPTIONS says what the root is before signing in; other methods are
    // refused with what is allowed.
    let options = dav
        .client
        .request(method("OPTIONS"), server.at("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(options.status(), 200);
    assert!(header(options.headers(), "dav").contains("addressbook"));
    assert_eq!(
        header(options.headers(), "allow"),
        "OPTIONS, GET, HEAD, PROPFIND"
    );
    for verb in ["REPORT", "PUT", "DELETE", "POST"] {
        let (status, headers, _) = dav.send(verb, "/", &[], "").await;
        assert_eq!(status, 405, "{verb} /");
        assert_eq!(header(&headers, "allow"), "OPTIONS, GET, HEAD, PROPFIND");
    }

    // GET / is still the web app: the sign-in page for nobody, the
    // dashboard for alice's session.
    let r = dav.client.get(server.at("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    let browser = server.signed_in("alice").await;
    let r = browser.get(server.at("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(header(r.headers(), "content-type").starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("<html"));
    let r = browser.head(server.at("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);

    // The well-known address still leads to /dav/, for PROPFIND too.
    let (status, headers, _) = dav
        .send(
            "PROPFIND",
            "/.well-known/carddav",
            &[("Depth", "0")],
            DISCOVER,
        )
        .await;
    assert_eq!(status, 308);
    assert_eq!(header(&headers, "location"), "/dav/");
    server.stop().await;
}

/// The answer to a refused PUT: 403, and a DAV:error naming the CardDAV
/// precondition that failed, with the reason.
fn assert_refused(status: u16, headers: &HeaderMap, body: &str, precondition: &str) {
    assert_eq!(status, 403, "{body}");
    assert!(
        header(headers, "content-type").starts_with("application/xml"),
        "{headers:?}"
    );
    assert!(!headers.contains_key("etag"), "{headers:?}");
    assert!(
        body.contains("<d:error xmlns:d=\"DAV:\" xmlns:card=\"urn:ietf:params:xml:ns:carddav\">"),
        "{body}"
    );
    assert!(
        body.contains(&format!("<card:{precondition}/>")),
        "{precondition}: {body}"
    );
    assert!(body.contains("<k:message xmlns:k=\"urn:kith\">"), "{body}");
}

#[rstest]
#[tokio::test]
async fn what_is_not_a_vcard_is_refused_with_the_precondition_it_fails(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let dav = Dav::new(&server);
    let bad = format!("{CARD_URL}bad.vcf");
    for (body, reason) in [
        ("garbage", "not a valid vCard"),
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            "not a valid vCard",
        ),
        (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nEND:VCARD\r\n",
            "not a valid vCard",
        ),
    ] {
        let (status, headers, text) = dav.send("PUT", &bad, &[], body).await;
        assert_refused(status, &headers, &text, "valid-address-data");
        assert!(text.contains(reason), "{text}");
    }
    // Bytes that are not UTF-8.
    let r = dav
        .client
        .put(server.at(&bad))
        .basic_auth("alice", Some(&dav.password))
        .body(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Caf\xe9\r\nEND:VCARD\r\n".to_vec())
        .send()
        .await
        .unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    let text = r.text().await.unwrap();
    assert_refused(status, &headers, &text, "valid-address-data");
    assert!(text.contains("not UTF-8"), "{text}");

    // A card sent as something else than a vCard.
    let good = card("typed-1", "Ty Ped", "");
    for wrong in ["application/json", "text/calendar; charset=utf-8"] {
        let (status, headers, text) = dav
            .send("PUT", &bad, &[("Content-Type", wrong)], &good)
            .await;
        assert_refused(status, &headers, &text, "supported-address-data");
        assert!(text.contains("text/vcard"), "{text}");
    }
    // A card with more tags than a contact may hold.
    let crowded = card(
        "crowded-1",
        "Crowded Card",
        &format!(
            "CATEGORIES:{}\r\n",
            (0..101)
                .map(|i| format!("t{i}"))
                .collect::<Vec<_>>()
                .join(",")
        ),
    );
    let (status, headers, text) = dav.send("PUT", &bad, &[], &crowded).await;
    assert_refused(status, &headers, &text, "valid-address-data");
    assert!(text.contains("at most 100 tags"), "{text}");
    // A card over the book's max-resource-size (1 MiB): that precondition.
    let huge = card(
        "huge-1",
        "Huge Card",
        &format!("NOTE:{}\r\n", "x".repeat(1024 * 1024)),
    );
    let (status, headers, text) = dav.send("PUT", &bad, &[], &huge).await;
    assert_refused(status, &headers, &text, "max-resource-size");
    assert!(text.contains("at most 1024 KiB"), "{text}");
    let (status, _, _) = dav.send("GET", &bad, &[], "").await;
    assert_eq!(status, 404, "nothing was written");
    let list = server.kith(&["--user", "alice", "list"]);
    assert!(
        !list.contains("Ty Ped") && !list.contains("Huge Card"),
        "{list}"
    );
    for (name, right) in [
        ("typed.vcf", "text/vcard; charset=utf-8"),
        ("typed-x.vcf", "text/x-vcard"),
    ] {
        let uid = name.trim_end_matches(".vcf");
        let (status, _) = dav
            .put(name, &card(uid, "Ty Ped", ""), &[("Content-Type", right)])
            .await;
        assert_eq!(status, 201, "{right}");
    }
    server.stop().await;
}

/// GET a card of alice's book.
async fn get(dav: &Dav<'_>, name: &str) -> (u16, HeaderMap, String) {
    dav.send("GET", &format!("{CARD_URL}{name}"), &[], "").await
}

#[rstest]
#[tokio::test]
async fn a_put_answers_a_tag_only_for_a_card_stored_as_sent(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let dav = Dav::new(&server);

    // Kith serves this card as it came: the tag is the card's.
    let same = card(
        "same-1",
        "Sam Same",
        "N:Same;Sam;;;\r\nEMAIL:sam@example.com\r\n",
    );
    let (status, headers, _) = dav
        .send("PUT", &format!("{CARD_URL}same.vcf"), &[], &same)
        .await;
    assert_eq!(status, 201);
    let (_, got, text) = get(&dav, "same.vcf").await;
    assert_eq!(text, same, "served as sent");
    assert_eq!(header(&headers, "etag"), header(&got, "etag"));
    assert!(!header(&headers, "etag").is_empty(), "{headers:?}");

    // No UID: Kith adds one, so the card stored is not the one sent.
    let bare = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Uid\r\nEND:VCARD\r\n";
    let (status, headers, _) = dav
        .send("PUT", &format!("{CARD_URL}bare.vcf"), &[], bare)
        .await;
    assert_eq!(status, 201);
    assert!(!headers.contains_key("etag"), "{headers:?}");
    let (status, got, text) = get(&dav, "bare.vcf").await;
    assert_eq!(status, 200);
    assert!(text.contains("\r\nUID:"), "{text}");
    assert!(!header(&got, "etag").is_empty());
    // Replacing it, still without a UID: 204, and still no tag.
    let bare_again = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Uid\r\nNOTE:again\r\nEND:VCARD\r\n";
    let (status, headers, _) = dav
        .send("PUT", &format!("{CARD_URL}bare.vcf"), &[], bare_again)
        .await;
    assert_eq!(status, 204);
    assert!(!headers.contains_key("etag"), "{headers:?}");
    assert!(get(&dav, "bare.vcf").await.2.contains("NOTE:again"));

    // Any other rewriting counts too: bare line feeds come back as CRLF.
    let lf = "BEGIN:VCARD\nVERSION:3.0\nUID:lf-1\nFN:Lf Person\nEND:VCARD\n";
    let (status, headers, _) = dav.send("PUT", &format!("{CARD_URL}lf.vcf"), &[], lf).await;
    assert_eq!(status, 201);
    assert!(!headers.contains_key("etag"), "{headers:?}");
    assert_ne!(get(&dav, "lf.vcf").await.2, lf);

    // The version compared with is the card's: a 4.0 card stored as sent.
    let four = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:four-1\r\nFN:Four Person\r\n\
                N:Person;Four;;;\r\nEND:VCARD\r\n";
    let (status, headers, _) = dav
        .send("PUT", &format!("{CARD_URL}four.vcf"), &[], four)
        .await;
    assert_eq!(status, 201);
    let (_, got, text) = dav
        .send(
            "GET",
            &format!("{CARD_URL}four.vcf"),
            &[("Accept", "text/vcard; version=4.0")],
            "",
        )
        .await;
    assert_eq!(text, four);
    assert_eq!(header(&headers, "etag"), header(&got, "etag"));
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn a_sync_names_an_address_once_as_it_is_now(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let dav = Dav::new(&server);
    let jane = format!("{CARD_URL}jane.vcf");
    let (status, _) = dav
        .put("jane.vcf", &card("jane-1", "Jane Doe", ""), &[])
        .await;
    assert_eq!(status, 201);
    let (status, _) = dav.put("joe.vcf", &card("joe-1", "Joe Roe", ""), &[]).await;
    assert_eq!(status, 201);
    let (_, body) = dav.sync("").await;
    let start = token_of(&body);

    // The card at jane.vcf is deleted and another put there: two contacts
    // had the address since the token, the client hears of it once.
    let (status, _, _) = dav.send("DELETE", &jane, &[], "").await;
    assert_eq!(status, 204);
    let (status, etag) = dav
        .put("jane.vcf", &card("jane-2", "Janet Roe", ""), &[])
        .await;
    assert_eq!(status, 201);
    let (status, body) = dav.sync(&start).await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(body.matches("<d:response>").count(), 1, "{body}");
    assert_eq!(
        body.matches(&format!("<d:href>{jane}</d:href>")).count(),
        1,
        "{body}"
    );
    assert!(!body.contains("404 Not Found"), "{body}");
    assert!(body.contains("FN:Janet Roe"), "{body}");
    assert!(
        body.contains(&format!(
            "<d:getetag>{}</d:getetag>",
            etag.replace('"', "&quot;")
        )),
        "{body}"
    );
    assert!(!body.contains("joe.vcf"), "{body}");

    // And gone again: once, as gone.
    let (status, _, _) = dav.send("DELETE", &jane, &[], "").await;
    assert_eq!(status, 204);
    let (_, body) = dav.sync(&start).await;
    assert_eq!(body.matches("<d:response>").count(), 1, "{body}");
    assert!(
        body.contains(&format!(
            "<d:href>{jane}</d:href><d:status>HTTP/1.1 404 Not Found"
        )),
        "{body}"
    );
    server.stop().await;
}
