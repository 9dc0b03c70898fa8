//! Every form the pages post to, sent fields a browser would never send
//! together, with values a person could type by mistake (or paste on
//! purpose): each is answered with a page, a redirect or a 4xx, never a 5xx,
//! and the user stays signed in. Schemathesis does the same for the API.

use rstest::rstest;

use crate::{Backend, Server, clock};

/// Every field name the templates use.
const FIELDS: &[&str] = &[
    "address",
    "at",
    "back",
    "birthday",
    "by",
    "capacity",
    "code",
    "company",
    "confirm",
    "contact",
    "current",
    "days",
    "detail",
    "dry_run",
    "email",
    "emails",
    "enabled",
    "every",
    "format",
    "from",
    "function",
    "goal",
    "how",
    "how_met",
    "industry",
    "introduced_by",
    "intros",
    "jitsi",
    "keep",
    "kind",
    "learned",
    "light_resets_clock",
    "links",
    "location",
    "loop_back",
    "minutes",
    "name",
    "new",
    "next",
    "notes",
    "on",
    "org",
    "organisation",
    "other",
    "owner",
    "phones",
    "q",
    "scope",
    "send",
    "show",
    "skill",
    "status",
    "summary",
    "tag",
    "tags",
    "target",
    "their_todos",
    "timezone",
    "title",
    "to",
    "todos",
    "via",
    "with",
    "with_others",
];

const VALUES: &[&str] = &[
    "",
    " ",
    "nope",
    "99999",
    "-1",
    "0",
    "1",
    "2",
    "2020-01-01",
    "2099-01-01 10:00",
    "\0",
    "%",
    "'; DROP TABLE contacts; --",
    "<script>alert(1)</script>",
    "999999999999999999999999999999",
    "1.5",
    "tomorrow",
    "mon,tue",
    "zoom",
    "jitsi",
    "them",
    "me",
    "on",
    "https://zoom.us/j/1",
    "javascript:alert(1)",
    "a@b",
    "e\u{301}",
    "\n\n",
    "-",
    "Jane Doe",
    "#1",
    "new-role",
    "done",
    "weekdays",
    "25:99",
];

/// Each form route with fields a browser sends when the form is filled in
/// well; each case changes one or two of them (or drops one, or adds a
/// stray field). The routes that end the session or the account are left
/// out (sign out, password, disabling users, ending sessions), and the
/// import's multipart upload has tests of its own.
/// Every form route and a valid body for it (a function: some dates are
/// relative to today, which no constant can be).
fn routes() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "/contacts",
            vec![
                ("name", "Ann Other"),
                ("emails", "ann@example.com"),
                ("tags", "mentor"),
                ("organisation", "Acme"),
                ("title", "CTO"),
                ("function", "engineering"),
            ],
        ),
        (
            "/contacts/1",
            vec![
                ("name", "Jane Doe"),
                ("emails", "jane@example.com"),
                ("phones", "+44 20 7946 0000"),
                ("links", "https://www.linkedin.com/in/jane"),
                ("tags", "mentor"),
                ("birthday", "1990-04-01"),
                ("introduced_by", ""),
            ],
        ),
        ("/contacts/2", vec![("name", "Not Alice's")]),
        (
            "/contacts/1/log",
            vec![
                ("via", "zoom"),
                ("on", "yesterday"),
                ("minutes", "30"),
                ("summary", "Talked"),
                ("todos", "read it"),
                ("their_todos", "intro"),
                ("with_others", ""),
                ("goal", "1"),
                ("kind", "informational"),
                ("learned", "skill: sql"),
                ("intros", "Ann Other"),
            ],
        ),
        (
            "/contacts/1/follow-ups",
            vec![
                ("title", "Send the deck"),
                ("owner", "me"),
                ("by", "in 2 weeks"),
                ("loop_back", "on"),
            ],
        ),
        ("/contacts/1/snooze", vec![("days", "7")]),
        ("/contacts/1/archive", vec![]),
        ("/contacts/1/unarchive", vec![]),
        ("/follow-ups/1/done", vec![]),
        ("/follow-ups/2/drop", vec![]),
        (
            "/goals",
            vec![
                ("title", "Move to PM"),
                ("kind", "new-role"),
                ("industry", "fintech"),
                ("function", "product"),
                ("company", "Acme"),
                ("skill", "sql"),
                ("by", clock::later_date()),
                ("target", "10"),
            ],
        ),
        ("/goals/1/status", vec![("status", "done")]),
        ("/goals/1/link", vec![("contact", "1")]),
        ("/organisation", vec![("organisation", "Acme")]),
        (
            "/organisation/worked",
            vec![
                ("organisation", "Initech"),
                ("from", "2015"),
                ("to", "2019"),
                ("title", "Engineer"),
            ],
        ),
        ("/settings/tags", vec![("tag", "mentor"), ("every", "6w")]),
        ("/merge", vec![("keep", "1"), ("other", "3")]),
        (
            "/meetings",
            vec![
                ("with", "1"),
                ("at", clock::later()),
                ("minutes", "45"),
                ("title", "Coffee"),
                ("how", "where"),
                ("detail", "Cafe"),
            ],
        ),
        (
            "/meetings/1/convert",
            vec![("how", "jitsi"), ("detail", "")],
        ),
        ("/meetings/1/send", vec![]),
        ("/meetings/1/log", vec![("summary", "went well")]),
        ("/meetings/1/cancel", vec![]),
        (
            "/blocks",
            vec![
                ("days", "tue,thu"),
                ("at", "08:30"),
                ("minutes", "30"),
                ("capacity", "3"),
                ("goal", "1"),
            ],
        ),
        ("/blocks/9/remove", vec![]),
        (
            "/settings",
            vec![
                ("name", "Alice"),
                ("email", "alice@example.com"),
                ("timezone", "Europe/Berlin"),
                ("every", "30d"),
                ("jitsi", "https://meet.jit.si"),
            ],
        ),
        (
            "/settings/tokens",
            vec![("name", "phone"), ("scope", "carddav")],
        ),
        ("/settings/calendar", vec![]),
        (
            "/settings/digest",
            vec![
                ("enabled", "1"),
                ("mon", "1"),
                ("at", "07:30"),
                ("address", ""),
            ],
        ),
        ("/settings/digest/send", vec![]),
        ("/settings/outbox/1/retry", vec![]),
        ("/settings/totp", vec![]),
        ("/settings/totp/confirm", vec![("code", "123456")]),
        (
            "/users",
            vec![
                ("username", "carol"),
                ("password", "a long enough password"),
            ],
        ),
        (
            "/login",
            vec![("username", "alice"), ("password", "wrong"), ("next", "/")],
        ),
        (
            "/setup",
            vec![("username", "root"), ("password", "a long enough password")],
        ),
    ]
}

/// splitmix64: the same sequence on every run, no dependency.
struct Sequence(u64);

impl Sequence {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

#[rstest]
#[tokio::test]
async fn no_form_answers_a_server_error_to_nonsense(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    let alice = |args: &[&str]| server.kith(&[&["--user", "alice"], args].concat());
    alice(&["add", "Jane Doe", "--tag", "mentor"]);
    server.kith(&["--user", "bob", "add", "Bob's Secret"]);
    alice(&["goal", "add", "--kind", "new-role", "Head of product"]);
    alice(&[
        "log",
        "jane",
        "--via",
        "zoom",
        "--todo",
        "read the book",
        "--their-todo",
        "intro",
        "Talked",
    ]);
    alice(&["meet", "jane", "--at", clock::later(), "--where", "Cafe"]);
    alice(&["block", "add", "--days", "tue", "--at", "08:30"]);
    let browser = server.signed_in("alice").await;

    let mut next = Sequence(20261126);
    for (route, valid) in &routes() {
        for case in 0..40 {
            let mut fields: Vec<(&str, &str)> = valid.to_vec();
            // The first case is the form as filled in well.
            if case > 0 {
                for _ in 0..1 + next.below(2) {
                    if !fields.is_empty() {
                        let i = next.below(fields.len());
                        fields[i].1 = VALUES[next.below(VALUES.len())];
                    }
                }
                if next.below(4) == 0 && !fields.is_empty() {
                    fields.remove(next.below(fields.len()));
                }
                if next.below(4) == 0 {
                    fields.push((
                        FIELDS[next.below(FIELDS.len())],
                        VALUES[next.below(VALUES.len())],
                    ));
                }
            }
            let r = browser
                .post(server.at(route))
                .form(&fields)
                .send()
                .await
                .unwrap();
            assert!(
                r.status().as_u16() < 500,
                "POST {route} {fields:?}: {}",
                r.status()
            );
        }
    }
    // Still signed in, and Bob's contact untouched by Alice's posts.
    let r = browser.get(server.at("/settings")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        server
            .kith(&["--user", "bob", "list"])
            .contains("Bob's Secret")
    );
    server.stop().await;
}
