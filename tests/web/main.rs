//! Black-box HTTP tests of `kith serve`: each starts the built binary on a
//! free loopback port over a fresh database (SQLite, and PostgreSQL from
//! `KITH_TEST_POSTGRES_URL`), creates users with the command line, and talks
//! to it as a browser or an API client would.

mod api;
mod attack;
mod auth;
mod calendar;
mod dav;
mod dav_client;
mod import;
mod matrix;
mod pages;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use kith_store::testing::{TestDatabase, postgres_admin_url};
use reqwest::redirect::Policy;
use serde_json::Value;

pub const PASSWORD: &str = "quiet otter sings at dawn";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and the database behind it.
pub struct Server {
    pub url: String,
    dir: tempfile::TempDir,
    database: Vec<String>,
    child: Child,
    pg: Option<TestDatabase>,
}

impl Server {
    /// A server with the given users (the first an admin), or `None` when
    /// PostgreSQL is wanted but not configured outside CI.
    pub async fn start(backend: Backend, users: &[&str]) -> Option<Server> {
        let dir = tempfile::tempdir().unwrap();
        let (database, pg) = match backend {
            Backend::Sqlite => (
                vec![
                    "--db".to_owned(),
                    dir.path().join("kith.db").display().to_string(),
                ],
                None,
            ),
            Backend::Postgres => {
                let admin = postgres_admin_url()?;
                let db = TestDatabase::create(&admin).await;
                (vec!["--database-url".to_owned(), db.url.clone()], Some(db))
            }
        };
        let cli = |args: &[&str], stdin: Option<&str>| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_kith"));
            cmd.args(&database)
                .args(args)
                .env_clear()
                .env("HOME", dir.path())
                .env("TZ", "UTC")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            if let Some(text) = stdin {
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(text.as_bytes())
                    .unwrap();
            }
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "kith {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        for (i, user) in users.iter().enumerate() {
            let mut args = vec!["user", "add", user, "--password-stdin", "--timezone", "UTC"];
            if i == 0 {
                args.push("--admin");
            }
            cli(&args, Some(&format!("{PASSWORD}\n")));
        }
        let mut child = Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(&database)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env_clear()
            .env("HOME", dir.path())
            .env("TZ", "UTC")
            .env("KITH_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first
            .trim()
            .strip_prefix("Kith is listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_owned();
        Some(Server {
            url,
            dir,
            database,
            child,
            pg,
        })
    }

    /// Runs a command against the server's database and returns its stdout.
    pub fn kith(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(&self.database)
            .args(args)
            .env_clear()
            .env("HOME", self.dir.path())
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kith {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A new API token of `user`.
    pub fn token(&self, user: &str) -> String {
        let out = self.kith(&[
            "--user", user, "token", "create", "--name", "test", "--json",
        ]);
        let v: Value = serde_json::from_str(&out).unwrap();
        v["token"].as_str().unwrap().to_owned()
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// A browser signed in as `user`.
    pub async fn signed_in(&self, user: &str) -> reqwest::Client {
        let client = self.browser();
        let r = client
            .post(format!("{}/login", self.url))
            .form(&[("username", user), ("password", PASSWORD), ("next", "/")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "sign-in of {user} failed");
        client
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(db) = self.pg.take() {
            db.drop().await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Location` of a redirect.
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}
