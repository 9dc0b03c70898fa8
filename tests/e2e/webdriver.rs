//! Just enough of a W3C WebDriver client to drive headless Chromium through
//! chromedriver, over plain HTTP on loopback.
//!
//! fantoccini (a dev-dependency) needs a hyper connector, and with its TLS
//! features off the only way to get one is a direct `hyper-util` dependency;
//! the protocol is small JSON over HTTP, so the test speaks it with reqwest.

use std::fmt;
use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// The key under which WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A WebDriver failure: the command and what the driver said.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Where chromedriver is: `KITH_TEST_CHROMEDRIVER`, else the Debian path.
pub fn chromedriver_path() -> Option<PathBuf> {
    let path = std::env::var_os("KITH_TEST_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    path.is_file().then_some(path)
}

/// The Chromium binary: `KITH_TEST_CHROMIUM`, else the Debian path.
pub fn chromium_path() -> PathBuf {
    std::env::var_os("KITH_TEST_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// A chromedriver process on a free loopback port; killed on drop.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    pub async fn start(binary: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("find a free loopback port for chromedriver")
            .port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = http_client();
        // Starting takes longest on a busy machine (two browsers at once on
        // two cores): three times the page wait.
        let deadline = Instant::now() + WAIT * 3;
        loop {
            let ready = match http.get(format!("{}/status", driver.url)).send().await {
                Ok(r) => r
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == json!(true)),
                Err(_) => false,
            };
            if ready {
                return driver;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {} within {:?}",
                driver.url,
                WAIT * 3
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("build an HTTP client")
}

/// One browser session.
pub struct Session {
    http: reqwest::Client,
    base: String,
}

/// A reference to an element on the current page.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Session {
    /// A headless Chromium session with a fresh profile in `profile`.
    pub async fn new(driver: &Driver, chromium: &Path, profile: &Path) -> Result<Session> {
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": chromium,
                        "args": [
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run",
                            "--window-size=1280,900",
                            format!("--user-data-dir={}", profile.display()),
                        ],
                    },
                    "goog:loggingPrefs": { "browser": "ALL" },
                }
            }
        });
        let http = http_client();
        let value = send(
            &http,
            reqwest::Method::POST,
            &format!("{}/session", driver.url),
            Some(&caps),
        )
        .await?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| Error(format!("new session: no sessionId in {value}")))?;
        Ok(Session {
            http,
            base: format!("{}/session/{id}", driver.url),
        })
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        send(
            &self.http,
            method,
            &format!("{}{path}", self.base),
            body.as_ref(),
        )
        .await
    }

    async fn get(&self, path: &str) -> Result<Value> {
        self.cmd(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.cmd(reqwest::Method::POST, path, Some(body)).await
    }

    /// Ends the session (closes the browser).
    pub async fn quit(&self) -> Result<()> {
        self.cmd(reqwest::Method::DELETE, "", None).await.map(drop)
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.post("/url", json!({ "url": url })).await.map(drop)
    }

    pub async fn current_url(&self) -> Result<String> {
        string(self.get("/url").await?)
    }

    pub async fn source(&self) -> Result<String> {
        string(self.get("/source").await?)
    }

    /// The first element matching a CSS selector, if any.
    pub async fn find(&self, css: &str) -> Result<Option<Element>> {
        Ok(self.find_all(css).await?.into_iter().next())
    }

    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let v = self
            .post(
                "/elements",
                json!({ "using": "css selector", "value": css }),
            )
            .await?;
        let list = v
            .as_array()
            .ok_or_else(|| Error(format!("find {css}: not a list: {v}")))?;
        list.iter()
            .map(|e| {
                e[ELEMENT_KEY]
                    .as_str()
                    .map(|id| Element(id.to_owned()))
                    .ok_or_else(|| Error(format!("find {css}: not an element: {e}")))
            })
            .collect()
    }

    pub async fn click(&self, el: &Element) -> Result<()> {
        self.post(&format!("/element/{}/click", el.0), json!({}))
            .await
            .map(drop)
    }

    pub async fn clear(&self, el: &Element) -> Result<()> {
        self.post(&format!("/element/{}/clear", el.0), json!({}))
            .await
            .map(drop)
    }

    pub async fn send_keys(&self, el: &Element, text: &str) -> Result<()> {
        self.post(&format!("/element/{}/value", el.0), json!({ "text": text }))
            .await
            .map(drop)
    }

    /// The rendered text of an element.
    pub async fn text(&self, el: &Element) -> Result<String> {
        string(self.get(&format!("/element/{}/text", el.0)).await?)
    }

    pub async fn attr(&self, el: &Element, name: &str) -> Result<Option<String>> {
        match self
            .get(&format!("/element/{}/attribute/{name}", el.0))
            .await?
        {
            Value::Null => Ok(None),
            v => string(v).map(Some),
        }
    }

    pub async fn is_selected(&self, el: &Element) -> Result<bool> {
        let v = self.get(&format!("/element/{}/selected", el.0)).await?;
        v.as_bool()
            .ok_or_else(|| Error(format!("selected: not a boolean: {v}")))
    }

    /// Adds a virtual platform authenticator (WebAuthn Level 2's WebDriver
    /// extension) that holds passkeys and says yes with user verification.
    pub async fn add_virtual_authenticator(&self) -> Result<Value> {
        self.post(
            "/webauthn/authenticator",
            json!({
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": true,
                "hasUserVerification": true,
                "isUserConsenting": true,
                "isUserVerified": true
            }),
        )
        .await
    }

    /// Runs a script in the page and returns its result.
    pub async fn execute(&self, script: &str) -> Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": [] }))
            .await
    }

    /// axe-core's accessibility violations on the current page, each as
    /// its rule, impact, help and first few elements; `axe` is axe-core's
    /// source, run in the page first.
    pub async fn axe(&self, axe: &str) -> Result<Vec<Value>> {
        self.execute(axe).await?;
        let script = "const done = arguments[arguments.length - 1];\
            axe.run(document, { resultTypes: ['violations'] })\
              .then(r => done(r.violations.map(v => ({ rule: v.id, impact: v.impact, help: v.help,\
                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '')) }))))\
              .catch(e => done([{ rule: 'axe failed', help: String(e) }]));";
        let v = self
            .post("/execute/async", json!({ "script": script, "args": [] }))
            .await?;
        v.as_array()
            .cloned()
            .ok_or_else(|| Error(format!("axe: not a list: {v}")))
    }

    /// Types `text` into whatever has the focus (the page itself when
    /// nothing does), as a keyboard would, one key after another; WebDriver's
    /// key codes (`\u{E007}` Enter, `\u{E004}` Tab, `\u{E015}` down…)
    /// press those keys.
    pub async fn keys(&self, text: &str) -> Result<()> {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                let key = c.to_string();
                [
                    json!({ "type": "keyDown", "value": key }),
                    json!({ "type": "keyUp", "value": key }),
                ]
            })
            .collect();
        self.key_actions(actions).await
    }

    /// Presses `key` while holding `modifier` (`\u{E009}` Control).
    pub async fn chord(&self, modifier: char, key: char) -> Result<()> {
        let (m, k) = (modifier.to_string(), key.to_string());
        self.key_actions(vec![
            json!({ "type": "keyDown", "value": m }),
            json!({ "type": "keyDown", "value": k }),
            json!({ "type": "keyUp", "value": k }),
            json!({ "type": "keyUp", "value": m }),
        ])
        .await
    }

    async fn key_actions(&self, actions: Vec<Value>) -> Result<()> {
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.post("/actions", body).await.map(drop)
    }

    /// The value of the browser's cookie `name` for the current page.
    pub async fn cookie(&self, name: &str) -> Result<String> {
        let v = self.get(&format!("/cookie/{name}")).await?;
        v["value"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Error(format!("cookie {name}: {v}")))
    }

    /// Emulates the system's light or dark colour scheme.
    pub async fn color_scheme(&self, scheme: &str) -> Result<()> {
        let features = json!([{ "name": "prefers-color-scheme", "value": scheme }]);
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": features }),
        )
        .await
        .map(drop)
    }

    /// The viewport as a phone (`mobile`: touch, the viewport meta tag
    /// honoured) or a desktop browser of this size in CSS pixels.
    pub async fn viewport(&self, width: u32, height: u32, mobile: bool) -> Result<()> {
        let params = json!({ "width": width, "height": height, "deviceScaleFactor": if mobile { 2 } else { 1 }, "mobile": mobile });
        self.cdp("Emulation.setDeviceMetricsOverride", params)
            .await
            .map(drop)
    }

    /// A PNG of the viewport.
    pub async fn screenshot(&self) -> Result<Vec<u8>> {
        use base64::Engine as _;
        let v = self.get("/screenshot").await?;
        let text = string(v)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| Error(format!("screenshot: {e}")))
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        self.post("/goog/cdp/execute", json!({ "cmd": cmd, "params": params }))
            .await
    }

    /// The browser console entries since the last call; an error when this
    /// chromedriver does not return them.
    pub async fn console_log(&self) -> Result<Vec<Value>> {
        let v = self.post("/se/log", json!({ "type": "browser" })).await?;
        v.as_array()
            .cloned()
            .ok_or_else(|| Error(format!("the browser log is not a list: {v}")))
    }

    /// Polls `probe` until it yields a value, for at most [`WAIT`]; on timeout
    /// panics with `what`, the last error, the URL and the page's text.
    pub async fn wait<T, F, Fut>(&self, what: &str, mut probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>>>,
    {
        let deadline = Instant::now() + WAIT;
        loop {
            let last_error = match probe().await {
                Ok(Some(v)) => return v,
                Ok(None) => None,
                // Stale elements and the like while a page loads: try again.
                Err(e) => Some(e),
            };
            if Instant::now() >= deadline {
                self.fail(&format!(
                    "timed out after {WAIT:?} waiting for {what}{}",
                    last_error
                        .map(|e| format!(" (last error: {e})"))
                        .unwrap_or_default()
                ))
                .await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for an element matching `css` and returns it.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.wait(&format!("an element `{css}`"), || self.find(css))
            .await
    }

    /// Waits until the element matching `css` contains `needle` in its text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> Element {
        self.wait(&format!("`{css}` to show {needle:?}"), || async {
            let Some(el) = self.find(css).await? else {
                return Ok(None);
            };
            Ok(self.text(&el).await?.contains(needle).then_some(el))
        })
        .await
    }

    /// Waits until the current URL's path (without the query) satisfies `ok`,
    /// and returns the full URL.
    pub async fn wait_for_path(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait(&format!("the URL to be {what}"), || async {
            let url = self.current_url().await?;
            Ok(ok(path_of(&url)).then_some(url))
        })
        .await
    }

    /// The element matching `css`, which must be on the page now.
    pub async fn must_find(&self, css: &str) -> Element {
        match self.find(css).await {
            Ok(Some(el)) => el,
            Ok(None) => self.fail(&format!("no element `{css}`")).await,
            Err(e) => self.fail(&format!("finding `{css}`: {e}")).await,
        }
    }

    /// Clears the field matching `css` and types `text` into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.must_find(css).await;
        let typed = async {
            self.clear(&el).await?;
            self.send_keys(&el, text).await
        };
        if let Err(e) = typed.await {
            self.fail(&format!("typing into `{css}`: {e}")).await;
        }
    }

    /// Clicks the element matching `css`.
    pub async fn click_on(&self, css: &str) {
        let el = self.must_find(css).await;
        if let Err(e) = self.click(&el).await {
            self.fail(&format!("clicking `{css}`: {e}")).await;
        }
    }

    /// Fails the test with the current URL and a piece of the page's text.
    pub async fn fail(&self, what: &str) -> ! {
        let url = self
            .current_url()
            .await
            .unwrap_or_else(|e| format!("(unknown: {e})"));
        let page = match self.find("body").await {
            Ok(Some(body)) => self.text(&body).await.ok(),
            _ => None,
        };
        let page = match page {
            Some(text) => text,
            None => self.source().await.unwrap_or_default(),
        };
        let snippet: String = page.chars().take(2000).collect();
        panic!("{what}\n  at {url}\n  page text:\n{snippet}");
    }
}

/// The path of an absolute URL, without query or fragment.
pub fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

fn string(v: Value) -> Result<String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(Error(format!("expected a string, got {other}"))),
    }
}

/// Sends one WebDriver command and unwraps its `value`, or its error.
async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<&Value>,
) -> Result<Value> {
    let mut request = http.request(method.clone(), url);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request
        .send()
        .await
        .map_err(|e| Error(format!("{method} {url}: {e}")))?;
    let status = response.status();
    let mut body: Value = response
        .json()
        .await
        .map_err(|e| Error(format!("{method} {url}: {status}, unreadable body: {e}")))?;
    let value = body["value"].take();
    if status.is_success() {
        Ok(value)
    } else {
        Err(Error(format!(
            "{method} {url}: {status}: {}: {}",
            value["error"].as_str().unwrap_or("error"),
            value["message"].as_str().unwrap_or_default()
        )))
    }
}
