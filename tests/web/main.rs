//! Black-box HTTP tests of `kith serve`: each starts the built binary on a
//! free loopback port over a fresh database (SQLite, and PostgreSQL from
//! `KITH_TEST_POSTGRES_URL`), creates users with the command line, and talks
//! to it as a browser or an API client would.

mod admin;
mod api;
mod attack;
mod auth;
mod bounded;
mod calendar;
mod control_chars;
mod dav;
mod dav_client;
mod dav_edges;
mod faults;
mod forms;
mod hardening;
mod import;
mod import_files;
mod matrix;
mod oidc;
mod oidc_tokens;
mod pages;
mod second_factor;
mod stored_text;
mod undo;
mod visible;

#[path = "../support/clock.rs"]
mod clock;
#[path = "../support/idp.rs"]
mod idp;
#[path = "../support/mod.rs"]
mod support;
#[path = "../support/tmpfs.rs"]
mod tmpfs;

use reqwest::redirect::Policy;

pub use support::{Backend, PASSWORD};
use support::{Database, Running};

/// A running server and the database behind it.
pub struct Server {
    pub url: String,
    // Fields drop in order: the process is killed before its database goes.
    process: Running,
    db: Database,
}

impl Server {
    /// A server with the given users (the first an admin), or `None` when
    /// PostgreSQL is wanted but not configured outside CI.
    pub async fn start(backend: Backend, users: &[&str]) -> Option<Server> {
        Self::start_with(backend, users, &[], None).await
    }

    /// [`Server::start`] with more `kith serve` flags, and its log (at
    /// `debug`) written to `log` when given.
    pub async fn start_with(
        backend: Backend,
        users: &[&str],
        flags: &[&str],
        log: Option<&std::path::Path>,
    ) -> Option<Server> {
        let db = Database::create(backend).await?;
        db.add_users(users);
        let process = db.serve_with(flags, log);
        Some(Server {
            url: process.url.clone(),
            process,
            db,
        })
    }

    /// Runs a command against the server's database and returns its stdout.
    pub fn kith(&self, args: &[&str]) -> String {
        self.db.kith(args)
    }

    /// A new API token of `user`.
    pub fn token(&self, user: &str) -> String {
        self.db.token(user)
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

    pub async fn stop(self) {
        drop(self.process);
        self.db.drop().await;
    }
}

/// Every route `kith serve` answers, as (method, path) pairs with the
/// router's own path patterns (`/api/v1/contacts/{id}`; `*` for a route
/// that takes every method), from the table the router is built from
/// (`kith routes --json`).
pub fn routes() -> Vec<(String, String)> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
        .args(["routes", "--json"])
        .env_clear()
        .output()
        .unwrap();
    assert!(out.status.success(), "kith routes: {out:?}");
    let table: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut routes = Vec::new();
    for route in table.as_array().unwrap() {
        let path = route["path"].as_str().unwrap();
        for method in route["methods"].as_array().unwrap() {
            routes.push((method.as_str().unwrap().to_owned(), path.to_owned()));
        }
    }
    assert!(routes.len() > 100, "suspiciously few routes: {routes:?}");
    routes
}

/// `Location` of a redirect.
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}
