//! Bounded work per request: look-alike people are groups shown a page at a
//! time on the import page, and a contact holds a bounded number of tags.

use reqwest::multipart::{Form, Part};
use rstest::rstest;
use serde_json::json;

use crate::api::send;
use crate::{Backend, Server};

/// `n` cards all named `name`, each with its own UID.
fn look_alikes(name: &str, uid: &str, n: usize) -> String {
    (0..n)
        .map(|i| {
            format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}-{i}\r\nFN:{name}\r\nEND:VCARD\r\n")
        })
        .collect()
}

async fn page(client: &reqwest::Client, url: String) -> String {
    let r = client.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// 1,000 cards named alike (a 64 KB file) once made every `GET /import`
/// 111 MB of HTML: now they are one group, ten members shown, the rest a
/// page at a time, and the groups themselves twenty to a page.
#[rstest]
#[tokio::test]
async fn the_import_page_shows_look_alikes_as_groups_a_page_at_a_time(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let mut file = look_alikes("Same Name", "same", 1_000);
    for i in 0..25 {
        file.push_str(&look_alikes(
            &format!("Pair {i:02}"),
            &format!("pair{i}"),
            2,
        ));
    }
    let alice = server.signed_in("alice").await;
    let form = Form::new()
        .text("format", "vcard")
        .part("file", Part::bytes(file.into_bytes()).file_name("same.vcf"));
    let r = alice
        .post(server.at("/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let uploaded = r.text().await.unwrap();
    assert!(uploaded.contains("<strong>1050</strong> created"));
    assert!(uploaded.len() < 200_000, "{} bytes", uploaded.len());

    let html = page(&alice, server.at("/import")).await;
    assert!(html.len() < 100_000, "{} bytes", html.len());
    assert!(
        html.contains("26 groups of people who look alike"),
        "{html}"
    );
    assert!(html.contains("<strong>1000 people</strong>"), "{html}");
    assert!(html.contains("/merge?keep=1&amp;other=10\""), "{html}");
    assert!(!html.contains("/contacts/11\""), "{html}");
    assert!(
        html.contains(
            "<a href=\"/import?from=0&amp;members_from=10#duplicates\">990 more in this group…</a>"
        ),
        "{html}"
    );
    // The first group, then 19 pairs; the next page holds the other six.
    assert!(html.contains("/merge?keep=1037&amp;other=1038\""), "{html}");
    assert!(
        !html.contains("/merge?keep=1039&amp;other=1040\""),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/import?from=20#duplicates\" rel=\"next\">Next</a>"),
        "{html}"
    );
    let next = page(&alice, server.at("/import?from=20")).await;
    assert!(next.contains("/merge?keep=1039&amp;other=1040\""), "{next}");
    assert!(next.contains("/merge?keep=1049&amp;other=1050\""), "{next}");
    assert!(
        !next.contains("/merge?keep=1037&amp;other=1038\""),
        "{next}"
    );
    assert!(
        next.contains("<a href=\"/import?from=0#duplicates\" rel=\"prev\">Previous</a>"),
        "{next}"
    );
    assert!(!next.contains("rel=\"next\""), "{next}");

    // One group opened: its members a hundred at a time, each with a merge
    // into the first (which the merge page lets the user swap).
    let members = page(&alice, server.at("/import?from=0&members_from=10")).await;
    assert!(members.contains("10 before these."), "{members}");
    for id in [11, 110] {
        assert!(
            members.contains(&format!("/merge?keep=1&amp;other={id}\"")),
            "{id}: {members}"
        );
    }
    assert!(!members.contains("/contacts/111\""), "{members}");
    assert!(
        members.contains(
            "<a href=\"/import?from=0&#38;members_from=110#duplicates\" rel=\"next\">Next</a>"
        ),
        "{members}"
    );
    assert!(!members.contains("Pair 00"), "{members}");
    let last = page(&alice, server.at("/import?from=0&members_from=910")).await;
    assert!(last.contains("/contacts/1000\""), "{last}");
    assert!(!last.contains("rel=\"next\""), "{last}");
    let r = alice.get(server.at("/import?from=x")).send().await.unwrap();
    assert_eq!(r.status(), 400, "a page number that is not one");
    server.stop().await;
}

/// 10,000 tags on one contact once took seconds to store and made the
/// calendar, the dashboard and the contact page take tens of seconds: now
/// a contact holds at most 100, more is refused naming the field, and the
/// pages of a contact with the most allowed answer.
#[rstest]
#[tokio::test]
async fn a_contact_holds_at_most_a_hundred_tags(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let client = reqwest::Client::new();
    let tags = |n: usize| (0..n).map(|i| format!("tag-{i}")).collect::<Vec<_>>();
    let (status, v) = send(
        client
            .post(server.at("/api/v1/contacts"))
            .bearer_auth(&token)
            .json(&json!({ "name": "Tag Heavy", "tags": tags(10_000) })),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["code"], "invalid", "{v}");
    assert!(
        v["error"]["field"]
            .as_str()
            .unwrap_or_default()
            .contains("tag"),
        "{v}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("at most 100 tags on one contact (10000 given)"),
        "{v}"
    );
    let (status, v) = send(
        client
            .post(server.at("/api/v1/contacts"))
            .bearer_auth(&token)
            .json(&json!({ "name": "Tag Heavy", "tags": tags(100) })),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (status, v) = send(
        client
            .patch(server.at(&format!("/api/v1/contacts/{id}")))
            .bearer_auth(&token)
            .json(&json!({ "tags": ["one-more"] })),
    )
    .await;
    assert_eq!(status, 422, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("at most 100 tags on one contact (101 given)"),
        "{v}"
    );
    let browser = server.signed_in("alice").await;
    for path in [
        format!("/contacts/{id}"),
        "/".to_owned(),
        "/calendar".to_owned(),
    ] {
        let html = page(&browser, server.at(&path)).await;
        assert!(html.contains("<h1"), "{path}");
    }
    let contact = page(&browser, server.at(&format!("/contacts/{id}"))).await;
    assert!(contact.contains("tag-99"), "{contact}");
    server.stop().await;
}
