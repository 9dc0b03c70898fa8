//! State the pages make visible (#20): a loop-back badge on my follow-ups,
//! a Join button for a virtual meeting (never a link to anything but a web
//! address), the year heatmap's labels and legend, initials avatars.

use rstest::rstest;

use crate::{Backend, Server, clock};

/// The list item around the first `text` on `html`.
fn item<'a>(html: &'a str, text: &str) -> &'a str {
    let at = html
        .find(text)
        .unwrap_or_else(|| panic!("no {text:?} in {html}"));
    let start = html[..at].rfind("<li").expect("inside a list item");
    let end = at + html[at..].find("</li>").expect("a closed list item");
    &html[start..end]
}

/// The page at `path`, answered 200.
async fn page(server: &Server, browser: &reqwest::Client, path: &str) -> String {
    let r = browser.get(server.at(path)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

#[rstest]
#[tokio::test]
async fn a_loop_back_is_marked_wherever_my_follow_ups_are_listed(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = |args: &[&str]| server.kith(&[&["--user", "alice"], args].concat());
    alice(&["add", "Jane Doe"]);
    let yesterday = clock::date(-1);
    alice(&[
        "todo",
        "add",
        "jane",
        "Send the deck",
        "--by",
        &yesterday,
        "--loop-back",
    ]);
    alice(&["todo", "add", "jane", "Read the book", "--by", &yesterday]);
    let listed = alice(&["todo", "list"]);
    assert!(
        listed.contains("Send the deck (then loop back)"),
        "{listed}"
    );
    let today = alice(&["today"]);
    assert!(
        today.contains("Send the deck (Jane Doe) (then loop back)"),
        "{today}"
    );
    let api: serde_json::Value = reqwest::Client::new()
        .get(server.at("/api/v1/today"))
        .bearer_auth(server.token("alice"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let flags: Vec<(&str, bool)> = api["follow_ups_due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["text"].as_str().unwrap(),
                i["loop_back"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            ("Send the deck (Jane Doe)", true),
            ("Read the book (Jane Doe)", false)
        ]
    );
    let browser = server.signed_in("alice").await;
    for path in ["/", "/follow-ups", "/contacts/1"] {
        let html = page(&server, &browser, path).await;
        let looped = item(&html, "Send the deck");
        assert!(
            looped.contains(r#"<span class="badge loop" title="Tell them once it is done">then loop back</span>"#),
            "{path}: {looped}"
        );
        let plain = item(&html, "Read the book");
        assert!(!plain.contains("loop"), "{path}: {plain}");
    }
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn a_virtual_meeting_has_a_join_button_and_only_a_web_address_is_a_link(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = |args: &[&str]| server.kith(&[&["--user", "alice"], args].concat());
    alice(&["add", "Jane Doe"]);
    // Both under way now, so the dashboard lists them among today's.
    let zoom = "https://zoom.us/j/123456";
    alice(&[
        "meet",
        "jane",
        "--at",
        "now",
        "--minutes",
        "120",
        "--zoom",
        zoom,
        "--title",
        "Zoom with Jane",
    ]);
    alice(&[
        "meet",
        "jane",
        "--at",
        "now",
        "--minutes",
        "120",
        "--teams",
        "https://teams.microsoft.com/l/meetup-join/abc",
        "--title",
        "Teams with Jane",
    ]);
    // As an older Kith or another program may have stored it.
    crate::stored_text::execute(
        &server.db,
        &[(
            "UPDATE meetings SET join_url = $1 WHERE title = 'Teams with Jane'".to_owned(),
            "javascript:alert(1)".to_owned(),
        )],
    )
    .await;
    let browser = server.signed_in("alice").await;
    for path in ["/", "/calendar", "/contacts/1"] {
        let html = page(&server, &browser, path).await;
        let joined = item(&html, "Zoom with Jane");
        assert!(
            joined.contains(&format!(
                r#"<a class="button join" href="{zoom}" rel="noopener noreferrer" aria-label="Join Zoom with Jane">Join</a>"#
            )),
            "{path}: {joined}"
        );
        assert!(
            !joined.contains(&format!("Zoom: {zoom}")),
            "{path}: {joined}"
        );
        let odd = item(&html, "Teams with Jane");
        assert!(!odd.contains("Join"), "{path}: {odd}");
        assert!(
            odd.contains("Microsoft Teams: javascript:alert(1)"),
            "{path}: {odd}"
        );
        assert!(!html.contains(r#"href="javascript:"#), "{path}");
    }
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn the_year_heatmap_has_month_and_weekday_labels_and_a_legend(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = |args: &[&str]| server.kith(&[&["--user", "alice"], args].concat());
    alice(&["add", "Jane Doe"]);
    let long_ago = clock::day(-100);
    alice(&[
        "log",
        "jane",
        "--via",
        "coffee",
        "--on",
        &clock::date(-100),
        "Catching up",
    ]);
    let browser = server.signed_in("alice").await;
    let html = page(&server, &browser, "/").await;
    let start = html
        .find(r#"<div class="heatmap-box""#)
        .expect("the heatmap");
    let heatmap = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(
        heatmap.contains(r#"role="region" aria-label="Conversations by day" tabindex="0""#),
        "a box that scrolls with the keyboard too"
    );
    assert!(
        heatmap.contains(r#"role="img" aria-label="1 conversation in the last 12 months, by day""#),
        "the text alternative stays: {heatmap}"
    );
    let months: Vec<&str> = heatmap
        .split(r#"<span class="label month">"#)
        .skip(1)
        .filter_map(|rest| rest.split("</span>").next())
        .filter(|label| !label.is_empty())
        .collect();
    assert!((11..=13).contains(&months.len()), "{months:?}");
    let month = long_ago.format("%b").to_string();
    assert!(months.contains(&month.as_str()), "{month} in {months:?}");
    for day in ["Mon", "Wed", "Fri"] {
        assert!(
            heatmap.contains(&format!(r#"<span class="label">{day}</span>"#)),
            "{day}"
        );
    }
    let title = format!("1 conversation on {}", long_ago.format("%a %-d %b %Y"));
    assert!(heatmap.contains(&title), "{title}");
    let legend = &heatmap[heatmap.find(r#"class="heatmap-legend""#).expect("a legend")..];
    let less = legend.find("Less").expect("less");
    let more = legend.find("More").expect("more");
    assert!(less < legend.find(r#"class="l0""#).unwrap());
    assert!(legend.find(r#"class="l4""#).unwrap() < more);
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn contacts_have_initials_avatars_in_lists_and_on_their_page(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = |args: &[&str]| server.kith(&[&["--user", "alice"], args].concat());
    alice(&["add", "Jane Q. Doe"]);
    alice(&["add", "łukasz"]);
    let browser = server.signed_in("alice").await;
    let avatar = |html: &str, initials: &str| -> String {
        let end = html
            .find(&format!(r#"" aria-hidden="true">{initials}</span>"#))
            .unwrap_or_else(|| panic!("no avatar {initials} in {html}"));
        let start = html[..end].rfind(r#"<span class="avatar"#).unwrap();
        html[start..end].to_owned()
    };
    let list = page(&server, &browser, "/contacts").await;
    let jane = avatar(&list, "JD");
    assert!(
        list.contains(r#"aria-hidden="true">JD</span><a href="/contacts/1">Jane Q. Doe</a>"#),
        "beside the name: {list}"
    );
    assert!(list.contains(r#"aria-hidden="true">Ł</span><a href="/contacts/2">łukasz</a>"#));
    let own = page(&server, &browser, "/contacts/1").await;
    let on_page = avatar(&own, "JD");
    // The same name has the same colour everywhere.
    let hue = |a: &str| a.rsplit(' ').next().unwrap().to_owned();
    assert!(jane.starts_with(r#"<span class="avatar h"#), "{jane}");
    assert!(
        on_page.starts_with(r#"<span class="avatar large h"#),
        "{on_page}"
    );
    assert_eq!(hue(&jane), hue(&on_page));
    server.stop().await;
}
