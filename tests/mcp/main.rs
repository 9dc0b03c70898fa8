//! Kith as an MCP server, end to end with real clients: the official
//! Python SDK (PyPI `mcp`, in the Python `KITH_TEST_PYTHON` names) and the
//! official MCP Inspector's command-line mode (npm
//! `@modelcontextprotocol/inspector`, with the Node.js it installs, in the
//! folder `KITH_TEST_OIDC_NODE` names; `.ci/run` installs both). Each lists
//! the tools, resources and prompts, calls every tool, reads each resource
//! and gets the prompt, over stdio (`kith mcp`) and over Streamable HTTP
//! (`/mcp` on `kith serve`, with a bearer token), on SQLite and PostgreSQL.
//! A read-only token is offered no tool that writes and is refused one
//! called by name (and the JSON API refuses its writes); one user's token
//! never reaches another user's contacts. In CI a missing client is a
//! failure.

#[path = "../support/clock.rs"]
mod clock;
#[path = "../support/mod.rs"]
mod support;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rstest::rstest;
use serde_json::{Value, json};
use support::{Backend, Database};

/// Every tool, by name.
const TOOLS: [&str; 20] = [
    "add_follow_up",
    "cancel_meeting",
    "complete_follow_up",
    "convert_meeting",
    "coverage",
    "drop_follow_up",
    "duplicates",
    "edit_follow_up",
    "goals",
    "log_conversation",
    "meetings",
    "outreach_plan",
    "recent_actions",
    "schedule_meeting",
    "search_contacts",
    "show_contact",
    "snooze",
    "today",
    "undo",
    "who_is_due",
];

/// The tools that change data.
const WRITES: [&str; 10] = [
    "add_follow_up",
    "cancel_meeting",
    "complete_follow_up",
    "convert_meeting",
    "drop_follow_up",
    "edit_follow_up",
    "log_conversation",
    "schedule_meeting",
    "snooze",
    "undo",
];

/// The Python with the MCP SDK, or `None` outside CI.
fn python() -> Option<PathBuf> {
    match std::env::var_os("KITH_TEST_PYTHON") {
        Some(path) => Some(PathBuf::from(path)),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI is set but KITH_TEST_PYTHON does not name a Python with the mcp SDK")
        }
        None => {
            eprintln!("note: KITH_TEST_PYTHON is not set; the Python MCP client is not run");
            None
        }
    }
}

/// The Inspector's Node.js and its launcher, or `None` outside CI.
fn inspector() -> Option<(PathBuf, PathBuf)> {
    let Some(dir) = std::env::var_os("KITH_TEST_OIDC_NODE").map(PathBuf::from) else {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but KITH_TEST_OIDC_NODE does not name the npm folder");
        }
        eprintln!("note: KITH_TEST_OIDC_NODE is not set; the MCP Inspector is not run");
        return None;
    };
    let node = dir.join("node_modules/.bin/node");
    let launcher =
        dir.join("node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js");
    if !node.exists() || !launcher.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {} holds no MCP Inspector with its Node.js",
            dir.display()
        );
        eprintln!("note: no MCP Inspector in {}; not run", dir.display());
        return None;
    }
    Some((node, launcher))
}

/// Runs `command` to its end (at most two minutes); its stdout, or what
/// went wrong with its stderr.
fn run(mut command: Command) -> Result<String, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        out.read_to_string(&mut text).unwrap();
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        err.read_to_string(&mut text).unwrap();
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} did not finish in two minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (reader.join().unwrap(), err_reader.join().unwrap());
    if status.success() {
        Ok(stdout)
    } else {
        Err(format!("{status}: {stderr}{stdout}"))
    }
}

/// A database with two users: ann, whose contact book every call works
/// on, and bob, who has a contact of his own.
struct Seeded {
    db: Database,
    jane: i64,
    follow_up: i64,
    to_drop: i64,
    to_convert: i64,
    to_cancel: i64,
}

impl Seeded {
    async fn new(backend: Backend) -> Option<Seeded> {
        let db = Database::create(backend).await?;
        db.add_users(&["ann", "bob"]);
        let ann = |args: &[&str]| -> Value {
            let mut all = vec!["--user", "ann", "--json"];
            all.extend_from_slice(args);
            serde_json::from_str(&db.kith(&all)).unwrap_or(Value::Null)
        };
        let id = |v: Value| v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"));
        let jane = id(ann(&[
            "add",
            "Jane Doe",
            "--email",
            "jane@example.com",
            "--org",
            "Acme",
            "--function",
            "product",
        ]));
        ann(&["add", "Jo Adams", "--org", "Acme", "--function", "sales"]);
        ann(&["add", "Jo Brown"]);
        ann(&[
            "add",
            "Janet Dough",
            "--email",
            "jane@example.com",
            "--allow-duplicate",
        ]);
        ann(&["org", "mine", "Acme"]);
        ann(&[
            "goal",
            "add",
            "Move into product",
            "--kind",
            "industry-change",
            "--function",
            "product",
            "--target",
            "5",
        ]);
        ann(&[
            "block",
            "add",
            "--days",
            "mon,tue,wed,thu,fri",
            "--at",
            "08:30",
        ]);
        let follow_up = id(ann(&["todo", "add", "Jane Doe", "Send the deck"]));
        let to_drop = id(ann(&["todo", "add", "Jane Doe", "Book the room"]));
        let meet = |title: &str| {
            id(ann(&[
                "meet",
                "Jane Doe",
                "--at",
                clock::later(),
                "--where",
                "Café Central",
                "--title",
                title,
            ]))
        };
        let (to_convert, to_cancel) = (meet("Coffee"), meet("Lunch"));
        db.kith(&["--user", "bob", "add", "Bertha Bobsfriend"]);
        Some(Seeded {
            db,
            jane,
            follow_up,
            to_drop,
            to_convert,
            to_cancel,
        })
    }

    /// Every tool once with good arguments, then a few mistakes; the
    /// resources; the prompt.
    fn plan(&self) -> Value {
        let by = clock::date(7);
        json!({
            "calls": [
                { "tool": "search_contacts", "arguments": { "query": "Jane" } },
                { "tool": "show_contact", "arguments": { "contact": "Jane Doe" } },
                { "tool": "who_is_due", "arguments": {} },
                { "tool": "today", "arguments": {} },
                { "tool": "log_conversation", "arguments": {
                    "with": ["Jane Doe"], "via": "coffee", "summary": "Talked about product roles",
                    "my_todos": ["Send the case study"], "their_todos": ["Intro to her manager"],
                    "by": by, "loop_back": true, "introductions": ["Mary Manager"],
                    "learned": ["skill: roadmapping"], "goal": "product" } },
                { "tool": "add_follow_up", "arguments": {
                    "contact": format!("#{}", self.jane), "title": "Ask about the offsite", "whose": "theirs" } },
                { "tool": "edit_follow_up", "arguments": {
                    "id": self.follow_up, "title": "Send the deck and the notes", "by": by } },
                { "tool": "complete_follow_up", "arguments": { "id": self.follow_up } },
                { "tool": "drop_follow_up", "arguments": { "id": self.to_drop } },
                { "tool": "recent_actions", "arguments": {} },
                { "tool": "undo", "arguments": {} },
                { "tool": "snooze", "arguments": { "contact": "Jo Brown", "for": "2w" } },
                { "tool": "goals", "arguments": {} },
                { "tool": "coverage", "arguments": {} },
                { "tool": "outreach_plan", "arguments": { "weeks": 2 } },
                { "tool": "meetings", "arguments": {} },
                { "tool": "schedule_meeting", "arguments": {
                    "with": ["Jane Doe"], "at": clock::later(), "how": "where", "detail": "Café Central" } },
                { "tool": "convert_meeting", "arguments": { "meeting": self.to_convert, "how": "jitsi" } },
                { "tool": "cancel_meeting", "arguments": { "meeting": self.to_cancel } },
                { "tool": "duplicates", "arguments": {} },
                // Mistakes: tool errors naming what to fix.
                { "tool": "show_contact", "arguments": { "contact": "Jo" } },
                { "tool": "show_contact", "arguments": { "contact": "Jnae Doe" } },
                { "tool": "log_conversation", "arguments": { "with": ["Jane Doe"], "via": "pigeon" } },
                { "tool": "snooze", "arguments": { "contact": "Jane Doe", "until": "the twelfth of never" } },
                { "tool": "add_follow_up", "arguments": { "title": "Call back" } },
                { "tool": "edit_follow_up", "arguments": { "id": self.follow_up, "by": "the twelfth of never" } },
                { "tool": "undo", "arguments": { "id": 987654321 } },
            ],
            "resources": ["kith://agenda", format!("kith://contacts/{}.vcf", self.jane)],
            "prompts": [{ "name": "prepare_meeting", "arguments": { "name": "Jane Doe" } }],
        })
    }

    /// A token of `user`, full or read-only.
    fn token(&self, user: &str, read_only: bool) -> String {
        let mut args = vec![
            "--user",
            user,
            "token",
            "create",
            "--name",
            "assistant",
            "--json",
        ];
        if read_only {
            args.push("--read-only");
        }
        let v: Value = serde_json::from_str(&self.db.kith(&args)).unwrap();
        v["token"].as_str().unwrap().to_owned()
    }
}

/// How a client reaches the server.
enum Over<'a> {
    /// `kith mcp` as `user`, started by the client.
    Stdio { db: &'a Database, user: &'a str },
    /// `/mcp` on a running `kith serve` with a bearer token.
    Http { url: String, token: String },
}

impl Over<'_> {
    /// The `kith mcp` command line (stdio).
    fn kith_args(db: &Database, user: &str) -> Vec<String> {
        let mut args = db.args.clone();
        args.extend(["--user".into(), user.into(), "mcp".into()]);
        args
    }
}

/// What the Python SDK saw, following `plan`.
fn python_session(python: &Path, over: &Over, plan: &Value, home: &Path) -> Value {
    let plan_file = home.join(format!("plan-{}.json", std::process::id()));
    std::fs::write(&plan_file, plan.to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp/client.py");
    let mut command = Command::new(python);
    command.arg(script);
    match over {
        Over::Stdio { db, user } => {
            command
                .arg("stdio")
                .arg(&plan_file)
                .arg(env!("CARGO_BIN_EXE_kith"))
                .args(Over::kith_args(db, user));
        }
        Over::Http { url, token } => {
            command
                .arg("http")
                .arg(&plan_file)
                .arg(format!("{url}/mcp"))
                .arg(token);
        }
    }
    command.env("HOME", home);
    let out = run(command).unwrap_or_else(|e| panic!("the Python MCP client failed: {e}"));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// What the Inspector saw, following `plan`: one `--cli` run per request,
/// gathered in the Python client's shape.
fn inspector_session(
    inspector: &(PathBuf, PathBuf),
    over: &Over,
    plan: &Value,
    home: &Path,
) -> Value {
    let request = |method: &str, extra: &[String]| -> Result<Value, String> {
        let mut command = Command::new(&inspector.0);
        command.arg(&inspector.1).arg("--cli");
        match over {
            Over::Stdio { db, user } => {
                command
                    .arg(env!("CARGO_BIN_EXE_kith"))
                    .args(Over::kith_args(db, user));
            }
            Over::Http { url, token } => {
                command
                    .arg(format!("{url}/mcp"))
                    .args(["--transport", "http", "--header"])
                    .arg(format!("Authorization: Bearer {token}"));
            }
        }
        command.args(["--method", method]).args(extra);
        command.env("HOME", home);
        let parse = |out: &str| -> Value {
            serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: the Inspector said {out}"))
        };
        match run(command) {
            Ok(out) => Ok(parse(&out)),
            // A tool error: the Inspector exits 5, says so on a line of its
            // own, then prints the result as it does any other.
            Err(e) if e.contains("\"tool_is_error\"") => {
                let at = e
                    .find("}\n{")
                    .map(|i| i + 2)
                    .unwrap_or_else(|| panic!("{e}"));
                Ok(parse(&e[at..]))
            }
            Err(e) => Err(e),
        }
    };
    let listed = |method: &str, key: &str| -> Value {
        request(method, &[]).unwrap_or_else(|e| panic!("{method}: {e}"))[key].clone()
    };
    let answer = |result: Result<Value, String>| match result {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "protocol_error": e }),
    };
    let mut calls = Vec::new();
    for call in plan["calls"].as_array().unwrap() {
        let mut extra = vec![
            "--tool-name".to_owned(),
            call["tool"].as_str().unwrap().to_owned(),
        ];
        let args = call["arguments"].as_object().unwrap();
        if !args.is_empty() {
            extra.push("--tool-arg".into());
            for (k, v) in args {
                let v = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                extra.push(format!("{k}={v}"));
            }
        }
        let mut seen = answer(request("tools/call", &extra));
        seen["tool"] = call["tool"].clone();
        calls.push(seen);
    }
    let reads: Vec<Value> = plan["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|uri| {
            let uri = uri.as_str().unwrap();
            let mut seen = answer(request("resources/read", &["--uri".into(), uri.into()]));
            seen["uri"] = json!(uri);
            seen
        })
        .collect();
    let got: Vec<Value> = plan["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let mut extra = vec![
                "--prompt-name".to_owned(),
                p["name"].as_str().unwrap().into(),
            ];
            extra.push("--prompt-args".into());
            for (k, v) in p["arguments"].as_object().unwrap() {
                extra.push(format!("{k}={}", v.as_str().unwrap()));
            }
            let mut seen = answer(request("prompts/get", &extra));
            seen["name"] = p["name"].clone();
            seen
        })
        .collect();
    json!({
        "tools": listed("tools/list", "tools"),
        "resources": listed("resources/list", "resources"),
        "templates": listed("resources/templates/list", "resourceTemplates"),
        "prompts": listed("prompts/list", "prompts"),
        "calls": calls,
        "reads": reads,
        "got": got,
    })
}

fn names(tools: &Value) -> Vec<String> {
    let mut names: Vec<String> = tools
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The text of a tool's answer.
fn text(call: &Value) -> String {
    call["ok"]["content"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Checks what a client saw when following [`Seeded::plan`] as ann with
/// every tool.
fn check_full_session(seen: &Value, client: &str) {
    assert_eq!(names(&seen["tools"]), TOOLS, "{client}: the tools listed");
    for tool in seen["tools"].as_array().unwrap() {
        let name = &tool["name"];
        assert_eq!(
            tool["inputSchema"]["type"], "object",
            "{client}: {name}'s input schema"
        );
        assert_eq!(
            tool["outputSchema"]["type"], "object",
            "{client}: {name}'s output schema"
        );
        assert!(
            tool["description"].as_str().is_some_and(|d| d.len() > 20),
            "{client}: {name} says what it does"
        );
    }
    let calls = seen["calls"].as_array().unwrap();
    let (good, mistakes) = calls.split_at(TOOLS.len());
    let mut called: Vec<String> = good
        .iter()
        .map(|c| c["tool"].as_str().unwrap().to_owned())
        .collect();
    called.sort();
    assert_eq!(called, TOOLS, "{client}: every tool is called");
    for call in good {
        assert!(
            call["ok"]["isError"] != json!(true) && call["ok"]["structuredContent"].is_object(),
            "{client}: {} failed: {call}",
            call["tool"]
        );
    }
    let out = |tool: &str| -> &Value {
        &good.iter().find(|c| c["tool"] == tool).unwrap()["ok"]["structuredContent"]
    };
    let found = out("search_contacts")["contacts"].to_string();
    assert!(found.contains("Jane Doe"), "{client}: search found {found}");
    let shown = out("show_contact");
    assert_eq!(shown["contact"]["name"], "Jane Doe", "{client}: {shown}");
    assert!(
        shown["contact"]["health"]["parts"]
            .as_array()
            .is_some_and(|p| !p.is_empty()),
        "{client}: health with its parts: {shown}"
    );
    assert!(
        shown["contact"]["open_follow_ups"]
            .to_string()
            .contains("Send the deck"),
        "{client}: open homework: {shown}"
    );
    let logged = out("log_conversation");
    assert_eq!(
        logged["follow_ups"].as_array().map(Vec::len),
        Some(3),
        "{client}: my to-do, theirs and the introduction: {logged}"
    );
    assert!(
        logged["introduced"].to_string().contains("Mary Manager"),
        "{client}: {logged}"
    );
    let edited = &out("edit_follow_up")["follow_up"];
    assert_eq!(
        edited["title"], "Send the deck and the notes",
        "{client}: {edited}"
    );
    assert_eq!(edited["due_on"], clock::date(7), "{client}: {edited}");
    let done = out("complete_follow_up");
    assert!(
        done["done"]
            .to_string()
            .contains("Send the deck and the notes"),
        "{client}: {done}"
    );
    assert!(done["undo"]["id"].is_i64(), "{client}: {done}");
    let dropped = out("drop_follow_up");
    assert_eq!(
        dropped["dropped"]["status"], "dropped",
        "{client}: {dropped}"
    );
    // The done and the drop can be taken back, newest first; undo with no
    // id takes back the drop.
    let recent = &out("recent_actions")["actions"];
    let kinds: Vec<&Value> = recent
        .as_array()
        .map(|a| a.iter().map(|x| &x["kind"]).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds,
        [&json!("drop"), &json!("done")],
        "{client}: {recent}"
    );
    let undone = out("undo");
    assert_eq!(undone["kind"], "drop", "{client}: {undone}");
    assert_eq!(undone["id"], recent[0]["id"], "{client}: {undone}");
    assert!(
        out("snooze")["snoozed_until"].is_string(),
        "{client}: snoozed"
    );
    assert!(
        out("goals")["goals"]
            .to_string()
            .contains("Move into product")
    );
    assert_eq!(out("coverage")["organisation"], "Acme", "{client}");
    assert!(
        out("duplicates")["total"].as_u64().is_some_and(|n| n >= 1),
        "{client}"
    );
    let converted = out("convert_meeting")["meeting"].to_string();
    assert!(
        converted.to_lowercase().contains("jitsi"),
        "{client}: {converted}"
    );
    let cancelled = out("cancel_meeting")["meeting"].to_string();
    assert!(cancelled.contains("cancelled"), "{client}: {cancelled}");
    assert!(
        out("schedule_meeting")["meeting"]["id"].is_i64(),
        "{client}: scheduled"
    );

    // Each mistake is a tool error naming what to fix.
    let expected = [
        (
            "show_contact",
            vec!["contact", "several", "Jo Adams", "Jo Brown"],
        ),
        ("show_contact", vec!["contact", "did you mean", "Jane Doe"]),
        ("log_conversation", vec!["via", "pigeon"]),
        ("snooze", vec!["until"]),
        ("add_follow_up", vec!["contact"]),
        ("edit_follow_up", vec!["invalid by"]),
        ("undo", vec!["id"]),
    ];
    for (call, (tool, words)) in mistakes.iter().zip(expected) {
        assert_eq!(call["tool"], tool);
        assert_eq!(
            call["ok"]["isError"], true,
            "{client}: {tool} took a mistake: {call}"
        );
        let said = text(call);
        for word in words {
            assert!(
                said.contains(word),
                "{client}: {tool} said {said:?}, not {word:?}"
            );
        }
    }

    // Resources and the prompt.
    let listed = seen["resources"].to_string();
    assert!(listed.contains("kith://agenda"), "{client}: {listed}");
    assert!(
        seen["templates"]
            .to_string()
            .contains("kith://contacts/{id}.vcf")
    );
    let reads = seen["reads"].as_array().unwrap();
    let agenda = &reads[0]["ok"]["contents"][0]["text"];
    let agenda: Value = serde_json::from_str(agenda.as_str().unwrap_or("null")).unwrap();
    assert!(agenda["date"].is_string(), "{client}: the agenda: {agenda}");
    let card = reads[1]["ok"]["contents"][0]["text"].as_str().unwrap_or("");
    assert!(
        card.starts_with("BEGIN:VCARD") && card.contains("Jane Doe"),
        "{client}: the vCard: {card}"
    );
    assert!(seen["prompts"].to_string().contains("prepare_meeting"));
    let brief = seen["got"][0]["ok"]["messages"][0]["content"]["text"]
        .as_str()
        .unwrap_or("");
    assert!(
        brief.contains("Jane Doe") && brief.contains("Send the case study"),
        "{client}: the prompt: {brief}"
    );
}

#[derive(Debug, Clone, Copy)]
enum Transport {
    Stdio,
    Http,
}

#[derive(Debug, Clone, Copy)]
enum Client {
    Python,
    Inspector,
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn a_real_client_lists_and_calls_every_tool(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
    #[values(Transport::Stdio, Transport::Http)] transport: Transport,
    #[values(Client::Python, Client::Inspector)] client: Client,
) {
    let (python, inspector) = match client {
        Client::Python => match python() {
            Some(p) => (Some(p), None),
            None => return,
        },
        Client::Inspector => match inspector() {
            Some(i) => (None, Some(i)),
            None => return,
        },
    };
    let Some(seeded) = Seeded::new(backend).await else {
        return;
    };
    let plan = seeded.plan();
    let home = seeded.db.dir.path().to_owned();
    let server = matches!(transport, Transport::Http).then(|| seeded.db.serve());
    let over = match &server {
        None => Over::Stdio {
            db: &seeded.db,
            user: "ann",
        },
        Some(running) => Over::Http {
            url: running.url.clone(),
            token: seeded.token("ann", false),
        },
    };
    let name = format!("{client:?} over {transport:?} on {backend:?}");
    let seen = tokio::task::block_in_place(|| match (&python, &inspector) {
        (Some(python), _) => python_session(python, &over, &plan, &home),
        (_, Some(inspector)) => inspector_session(inspector, &over, &plan, &home),
        _ => unreachable!(),
    });
    check_full_session(&seen, &name);
    // The undone drop left the follow-up open, as it was.
    let open = seeded.db.kith(&["--user", "ann", "todo", "list"]);
    assert!(open.contains("Book the room"), "{name}: {open}");
    drop(server);
    seeded.db.drop().await;
}

/// A read-only token is offered only the tools that read, and a write
/// called by name is refused and changes nothing; the API refuses its
/// writes too. Bob's token never reaches ann's contacts.
#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn a_token_reaches_only_what_it_may(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(python) = python() else {
        return;
    };
    let Some(seeded) = Seeded::new(backend).await else {
        return;
    };
    let home = seeded.db.dir.path().to_owned();
    let server = seeded.db.serve();
    let read_only = seeded.token("ann", true);
    let plan = json!({
        "calls": [
            { "tool": "snooze", "arguments": { "contact": "Jane Doe", "for": "2w" } },
            { "tool": "cancel_meeting", "arguments": { "meeting": seeded.to_cancel } },
            { "tool": "search_contacts", "arguments": { "query": "Jane" } },
        ],
    });
    let over = Over::Http {
        url: server.url.clone(),
        token: read_only.clone(),
    };
    let seen = tokio::task::block_in_place(|| python_session(&python, &over, &plan, &home));
    let offered = names(&seen["tools"]);
    let reads: Vec<&str> = TOOLS
        .iter()
        .copied()
        .filter(|t| !WRITES.contains(t))
        .collect();
    assert_eq!(
        offered, reads,
        "a read-only token is offered only the reads"
    );
    for call in &seen["calls"].as_array().unwrap()[..2] {
        assert_eq!(call["ok"]["isError"], true, "a write went through: {call}");
        assert!(text(call).contains("can only read"), "{call}");
    }
    assert!(
        seen["calls"][2]["ok"]["structuredContent"]["contacts"]
            .to_string()
            .contains("Jane Doe")
    );
    let meeting = seeded.db.kith(&[
        "--user",
        "ann",
        "--json",
        "meeting",
        "show",
        &seeded.to_cancel.to_string(),
    ]);
    assert!(
        !meeting.contains("\"cancelled\""),
        "the refused cancel changed it: {meeting}"
    );

    // The JSON API: reads yes, writes 403.
    let http = reqwest::Client::new();
    let api = |path: &str| format!("{}/api/v1{path}", server.url);
    let read = http
        .get(api("/contacts"))
        .bearer_auth(&read_only)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let write = http
        .post(api("/contacts"))
        .bearer_auth(&read_only)
        .json(&json!({ "name": "Mallory" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        write.status(),
        403,
        "the API took a write from a read-only token"
    );
    let listed = seeded.db.kith(&["--user", "ann", "list"]);
    assert!(!listed.contains("Mallory"));

    // Bob's full token: his own contacts only.
    let bob = Over::Http {
        url: server.url.clone(),
        token: seeded.token("bob", false),
    };
    let plan = json!({
        "calls": [
            { "tool": "search_contacts", "arguments": { "query": "Jane" } },
            { "tool": "show_contact", "arguments": { "contact": format!("#{}", seeded.jane) } },
            { "tool": "complete_follow_up", "arguments": { "id": seeded.follow_up } },
            { "tool": "search_contacts", "arguments": { "query": "Bertha" } },
            { "tool": "drop_follow_up", "arguments": { "id": seeded.to_drop } },
            { "tool": "edit_follow_up", "arguments": { "id": seeded.follow_up, "title": "Mine now" } },
            { "tool": "undo", "arguments": {} },
        ],
        "resources": [format!("kith://contacts/{}.vcf", seeded.jane)],
    });
    let seen = tokio::task::block_in_place(|| python_session(&python, &bob, &plan, &home));
    let calls = &seen["calls"];
    assert_eq!(
        calls[0]["ok"]["structuredContent"]["contacts"],
        json!([]),
        "bob found ann's contact"
    );
    assert_eq!(
        calls[1]["ok"]["isError"], true,
        "bob saw ann's contact: {}",
        calls[1]
    );
    assert_eq!(
        calls[2]["ok"]["isError"], true,
        "bob closed ann's follow-up: {}",
        calls[2]
    );
    assert!(
        calls[3]["ok"]["structuredContent"]["contacts"]
            .to_string()
            .contains("Bertha Bobsfriend")
    );
    for (i, what) in [(4, "dropped"), (5, "edited"), (6, "undid")] {
        assert_eq!(
            calls[i]["ok"]["isError"], true,
            "bob {what} ann's follow-up: {}",
            calls[i]
        );
    }
    assert!(
        seen["reads"][0].get("protocol_error").is_some(),
        "bob read ann's vCard: {}",
        seen["reads"][0]
    );
    let todo = seeded.db.kith(&["--user", "ann", "todo", "list"]);
    assert!(
        todo.contains("Send the deck") && todo.contains("Book the room"),
        "ann's follow-ups were closed or changed by bob: {todo}"
    );

    // No token, or a wrong one: 401 before MCP is reached.
    for auth in [None, Some("kith_not-a-token")] {
        let mut request = http
            .post(format!("{}/mcp", server.url))
            .header("Accept", "application/json, text/event-stream")
            .json(&json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" }));
        if let Some(token) = auth {
            request = request.bearer_auth(token);
        }
        assert_eq!(request.send().await.unwrap().status(), 401);
    }
    drop(server);
    seeded.db.drop().await;
}
