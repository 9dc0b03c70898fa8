//! Whatever text is stored, the documents Kith writes from it stay
//! well-formed (#24): the pages' HTML, the CardDAV report and the calendar
//! feed, served by the real server. A demo network is written into the
//! database, then round after round every free-text column of it is
//! overwritten with arbitrary text (control characters, noncharacters,
//! markup, `javascript:` addresses, right-to-left overrides, astral
//! characters) straight in SQL, as an older Kith, a crafted import or
//! another program may have left it, and every page is read back:
//!
//! - each answers 200, and an HTML tokenizer (html5gum, the WHATWG
//!   tokenizer) finds no parse error in it: no control character, no
//!   noncharacter, no broken tag;
//! - no element or attribute appears that the same pages without the
//!   arbitrary text do not have (nothing stored becomes markup);
//! - no link, form or source address is a `javascript:`, `vbscript:` or
//!   `data:` one;
//! - the CardDAV sync report is XML a strict parser reads, and the feed is
//!   iCalendar with short CRLF lines and no control character.
//!
//! The libFuzzer target `stored_text` (fuzz/) drives the same writers for
//! the report and the feed without a server, coverage-guided. This test
//! drives the whole server with random rounds instead (building the web
//! stack for libFuzzer would add minutes to every CI run): `ROUNDS` each
//! run, from a seed it prints; `KITH_FUZZ_SEED=N` replays one.

use std::collections::BTreeSet;

use html5gum::{DefaultEmitter, Token, Tokenizer};
use kith_interop::dav_xml::well_formed;
use rstest::rstest;
use sqlx::{AssertSqlSafe, Connection};

use crate::dav::Dav;
use crate::support::Database;
use crate::{Backend, Server};

/// Rounds of arbitrary text per backend.
const ROUNDS: u64 = 12;

/// The free-text columns pages, cards and the feed show: every one is
/// overwritten each round (with the row's id appended where the column is
/// unique within a user).
const TEXT: &[(&str, &str)] = &[
    ("users", "display_name"),
    ("organisations", "name"),
    ("organisations", "industry"),
    ("contacts", "uid"),
    ("contacts", "full_name"),
    ("contacts", "given_name"),
    ("contacts", "family_name"),
    ("contacts", "nickname"),
    ("contacts", "title"),
    ("contacts", "function"),
    ("contacts", "industry"),
    ("contacts", "location"),
    ("contacts", "how_met"),
    ("contacts", "notes"),
    ("contact_emails", "address"),
    ("contact_phones", "number"),
    ("contact_links", "url"),
    ("tags", "name"),
    ("employments", "title"),
    ("conversations", "summary"),
    ("conversation_learnings", "text"),
    ("follow_ups", "title"),
    ("goals", "title"),
    ("goals", "industry"),
    ("goals", "function"),
    ("goals", "company"),
    ("goals", "skill"),
    ("meetings", "title"),
    ("meetings", "place"),
    ("meetings", "join_url"),
    ("meetings", "phone"),
];

/// The pages a signed-in user reads, besides every contact's own; `{c}`
/// is a contact, `{g}` a goal.
const PAGES: &[&str] = &[
    "/",
    "/contacts",
    "/contacts?q=a",
    "/contacts?show=all",
    "/contacts?partial=1",
    "/contacts/{c}/edit",
    "/follow-ups",
    "/goals",
    "/goals/{g}",
    "/organisation",
    "/calendar",
    "/import",
    "/settings",
];

/// Text that means something to HTML, XML, iCalendar or a browser.
const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' autofocus onfocus='alert(1)",
    "javascript:alert(1)",
    " jAvA\tscript:alert(1)",
    "data:text/html,<b>x</b>",
    "</textarea><b>",
    "<!--",
    "-->",
    "]]>",
    "<![CDATA[",
    "&amp;",
    "&#0;",
    "&#x1;",
    "{{ x }}",
    "\u{202e}",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "BEGIN:VEVENT\r\n",
    "\\n;,",
    "`",
];

/// How a stored address may begin: the ones a page must never link to,
/// and the web ones it may.
const SCHEMES: &[&str] = &[
    "javascript:",
    " jAvA\tscript:",
    "\u{1}javascript:",
    "vbscript:",
    "data:text/html,",
    "https://",
    "http://",
    "",
];

/// splitmix64: a small generator, the same sequence for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Arbitrary text, weighted towards what breaks documents.
    fn text(&mut self, nul: bool) -> String {
        let mut out = String::new();
        for _ in 0..1 + self.below(8) {
            let c = match self.below(8) {
                0 => {
                    out.push_str(HOSTILE[self.below(HOSTILE.len() as u64) as usize]);
                    continue;
                }
                // C0 controls and DEL.
                1 => char::from_u32(self.below(0x20) as u32).unwrap(),
                // DEL and the C1 controls.
                2 => char::from_u32(0x7f + self.below(0x21) as u32).unwrap(),
                // Noncharacters: U+FDD0..U+FDEF, and the last two of each plane.
                3 => {
                    if self.below(2) == 0 {
                        char::from_u32(0xfdd0 + self.below(0x20) as u32).unwrap()
                    } else {
                        let plane = self.below(17) as u32;
                        char::from_u32((plane << 16) | 0xfffe | self.below(2) as u32).unwrap()
                    }
                }
                // Anything outside the surrogates.
                4 => loop {
                    if let Some(c) = char::from_u32(self.below(0x11_0000) as u32) {
                        break c;
                    }
                },
                5 => ['<', '>', '&', '"', '\'', '=', '/', '\\', ';', ':', ' ']
                    [self.below(11) as usize],
                _ => char::from_u32(u32::from(b'a') + self.below(26) as u32).unwrap(),
            };
            if c != '\0' || nul {
                out.push(c);
            }
        }
        out
    }
}

/// Runs each statement with its one text parameter on the server's
/// database, in one connection.
pub(crate) async fn execute(db: &Database, statements: &[(String, String)]) {
    macro_rules! run {
        ($conn:expr, $placeholder:expr) => {
            for (sql, text) in statements {
                sqlx::query(AssertSqlSafe(sql.replace("$1", $placeholder)))
                    .bind(text)
                    .execute(&mut $conn)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        };
    }
    match &db.location {
        kith_store::Location::SqliteFile(path) => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            run!(conn, "?");
        }
        kith_store::Location::Postgres(url) => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            run!(conn, "$1");
        }
        other => panic!("no test database at {other:?}"),
    }
}

/// The element and attribute names of a page, and what is wrong with it.
#[derive(Default)]
struct Markup {
    elements: BTreeSet<String>,
    attributes: BTreeSet<String>,
    problems: Vec<String>,
}

/// A `javascript:`, `vbscript:` or `data:` address, read as a browser
/// reads it: leading controls and spaces skipped, tabs and line breaks
/// inside left out, any case.
fn scripted(url: &str) -> bool {
    let url: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| url.starts_with(s))
}

fn markup(html: &str) -> Markup {
    let mut out = Markup::default();
    let tokens = Tokenizer::new_with_emitter(html, DefaultEmitter::<usize>::new_with_span());
    for token in tokens {
        match token.unwrap() {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).into_owned();
                for (attribute, value) in &tag.attributes {
                    let attribute = String::from_utf8_lossy(attribute).into_owned();
                    let value = String::from_utf8_lossy(value);
                    if ["href", "src", "action", "formaction", "xlink:href"]
                        .contains(&attribute.as_str())
                        && scripted(&value)
                    {
                        out.problems
                            .push(format!("<{name} {attribute}={value:?}> runs a script"));
                    }
                    out.attributes.insert(attribute);
                }
                out.elements.insert(name);
            }
            Token::Error(e) => {
                let at = e.span.start;
                let near: String = html
                    .get(at.saturating_sub(40)..)
                    .unwrap_or_default()
                    .chars()
                    .take(80)
                    .collect();
                out.problems.push(format!("{} near {near:?}", *e));
            }
            _ => {}
        }
    }
    out
}

/// The calendar feed: CRLF lines of at most 75 octets, no control
/// character but tab, read back by calcard.
fn feed_problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(body) = text.strip_suffix("\r\n") else {
        return vec!["no final CRLF".into()];
    };
    for line in body.split("\r\n") {
        if line.len() > 75 {
            out.push(format!("a line of {} octets: {line:?}", line.len()));
        }
        if line.contains(|c: char| c.is_control() && c != '\t') {
            out.push(format!("a control character: {line:?}"));
        }
    }
    if !matches!(
        calcard::Parser::new(text).entry(),
        calcard::Entry::ICalendar(_)
    ) {
        out.push("calcard cannot read it".into());
    }
    out
}

#[rstest]
#[tokio::test]
async fn arbitrary_stored_text_leaves_every_page_report_and_feed_well_formed(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "demo", "--contacts", "12"]);
    let alice = server.signed_in("alice").await;
    let dav = Dav::new(&server);
    let feed = {
        let r = alice.post(server.at("/settings/calendar")).send().await;
        let html = r.unwrap().text().await.unwrap();
        let start = html.find("<code id=\"feed-url\">").expect("a feed address") + 20;
        html[start..start + html[start..].find("</code>").unwrap()].to_owned()
    };
    let export: serde_json::Value =
        serde_json::from_str(&server.kith(&["--user", "alice", "export", "json"])).unwrap();
    let first = |what: &str| export[what][0]["id"].as_i64().expect(what);
    let (contact, goal) = (first("contacts"), first("goals"));
    let mut pages: Vec<String> = PAGES
        .iter()
        .map(|p| {
            p.replace("{c}", &contact.to_string())
                .replace("{g}", &goal.to_string())
        })
        .collect();
    let contacts = export["contacts"].as_array().unwrap();
    pages.extend(contacts.iter().map(|c| format!("/contacts/{}", c["id"])));
    assert!(
        contacts
            .iter()
            .any(|c| c["links"].as_array().is_some_and(|l| !l.is_empty())),
        "a contact with a link to show"
    );

    let read = async |path: &str| -> String {
        let r = alice.get(server.at(path)).send().await.unwrap();
        let status = r.status();
        let body = r.text().await.unwrap();
        assert_eq!(status, 200, "{path}: {body}");
        body
    };
    // What the pages are made of before any arbitrary text.
    let mut known = Markup::default();
    for path in &pages {
        let m = markup(&read(path).await);
        assert_eq!(m.problems, Vec::<String>::new(), "{path} as written");
        known.elements.extend(m.elements);
        known.attributes.extend(m.attributes);
    }

    let seed = std::env::var("KITH_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("stored text: seed {seed} (KITH_FUZZ_SEED={seed} replays it)");
    let mut rng = Rng(seed);
    let nul = backend == Backend::Sqlite;
    for round in 0..ROUNDS {
        let mut statements = Vec::new();
        for (table, column) in TEXT {
            let mut text = rng.text(nul);
            if column.ends_with("url") {
                text.insert_str(0, SCHEMES[rng.below(SCHEMES.len() as u64) as usize]);
            }
            let unique = matches!(
                (*table, *column),
                ("contacts", "uid") | ("tags", "name") | ("organisations", "name")
            );
            let value = if unique {
                "$1 || CAST(id AS TEXT)"
            } else {
                "$1"
            };
            statements.push((format!("UPDATE {table} SET {column} = {value}"), text));
        }
        execute(&server.db, &statements).await;
        let why = |what: &str| format!("seed {seed}, round {round}: {what}");
        for path in &pages {
            let html = read(path).await;
            let m = markup(&html);
            assert_eq!(m.problems, Vec::<String>::new(), "{}", why(path));
            let new: Vec<_> = m.elements.difference(&known.elements).collect();
            assert!(new.is_empty(), "{}: new elements {new:?}", why(path));
            let new: Vec<_> = m.attributes.difference(&known.attributes).collect();
            assert!(new.is_empty(), "{}: new attributes {new:?}", why(path));
        }
        let (status, xml) = dav.sync("").await;
        assert_eq!(status, 207, "{}", why(&xml));
        assert_eq!(well_formed(&xml), Ok(()), "{}", why("the CardDAV report"));
        let r = reqwest::get(&feed).await.unwrap();
        assert_eq!(r.status(), 200, "{}", why("the feed"));
        let ics = r.text().await.unwrap();
        assert_eq!(feed_problems(&ics), Vec::<String>::new(), "{}", why(&ics));
    }
    server.stop().await;
}
