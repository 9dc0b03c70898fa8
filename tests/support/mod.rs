//! What black-box tests of `kith serve` share: a fresh database (an SQLite
//! file in a temporary home, or a PostgreSQL database from
//! `KITH_TEST_POSTGRES_URL`), the `kith` command line run against it, and
//! the server started as a process on a free loopback port.
//!
//! Each test target loads this with `#[path]`; not every target uses every
//! function.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use kith_store::Location;
use kith_store::testing::{TestDatabase, postgres_admin_url};
use serde_json::Value;

pub const PASSWORD: &str = "quiet otter sings at dawn";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A `kith serve` process; killed (SIGKILL) when dropped.
pub struct Running {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A database of the test's own, and the home directory the commands run in.
pub struct Database {
    pub dir: tempfile::TempDir,
    /// `--db PATH` or `--database-url URL`.
    pub args: Vec<String>,
    pub location: Location,
    pg: Option<TestDatabase>,
}

impl Database {
    /// A fresh, empty database, or `None` when PostgreSQL is wanted but not
    /// configured outside CI.
    pub async fn create(backend: Backend) -> Option<Database> {
        let dir = tempfile::tempdir().unwrap();
        let (args, location, pg) = match backend {
            Backend::Sqlite => {
                let path = dir.path().join("kith.db");
                (
                    vec!["--db".to_owned(), path.display().to_string()],
                    Location::SqliteFile(path),
                    None,
                )
            }
            Backend::Postgres => {
                let admin = postgres_admin_url()?;
                let db = TestDatabase::create(&admin).await;
                (
                    vec!["--database-url".to_owned(), db.url.clone()],
                    Location::Postgres(db.url.clone()),
                    Some(db),
                )
            }
        };
        Some(Database {
            dir,
            args,
            location,
            pg,
        })
    }

    /// Runs a command against the database, with `stdin` as its input, and
    /// returns its stdout; a failing command fails the test.
    pub fn kith_with_input(&self, args: &[&str], stdin: Option<&str>) -> String {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(&self.args)
            .args(args)
            .env_clear()
            .env("HOME", self.dir.path())
            .envs(crate::clock::inherited_env())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
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
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command against the database and returns its stdout.
    pub fn kith(&self, args: &[&str]) -> String {
        self.kith_with_input(args, None)
    }

    /// Adds users with [`PASSWORD`], the first an admin.
    pub fn add_users(&self, users: &[&str]) {
        for (i, user) in users.iter().enumerate() {
            let mut args = vec!["user", "add", user, "--password-stdin", "--timezone", "UTC"];
            if i == 0 {
                args.push("--admin");
            }
            self.kith_with_input(&args, Some(&format!("{PASSWORD}\n")));
        }
    }

    /// A new API token of `user`.
    pub fn token(&self, user: &str) -> String {
        let out = self.kith(&[
            "--user", user, "token", "create", "--name", "test", "--json",
        ]);
        let v: Value = serde_json::from_str(&out).unwrap();
        v["token"].as_str().unwrap().to_owned()
    }

    /// Starts `kith serve` on a free loopback port over this database, and
    /// returns once it listens.
    pub fn serve(&self) -> Running {
        self.serve_with(&[], None)
    }

    /// [`Database::serve`] with more flags, and its log (at `debug`, the
    /// most a server would run with) written to `log` when given.
    pub fn serve_with(&self, extra: &[&str], log: Option<&std::path::Path>) -> Running {
        let (level, stderr) = match log {
            // Everything the server would ever log, to look for secrets in.
            Some(path) => ("debug", Stdio::from(std::fs::File::create(path).unwrap())),
            None => ("error", Stdio::inherit()),
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_kith"))
            .args(&self.args)
            .arg("serve")
            // A free port, unless the test chose one.
            .args(if extra.contains(&"--bind") {
                &[][..]
            } else {
                &["--bind", "127.0.0.1:0"][..]
            })
            .args(extra)
            .env_clear()
            .env("HOME", self.dir.path())
            .envs(crate::clock::inherited_env())
            .env("KITH_LOG", level)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
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
        Running { child, url }
    }

    /// Drops a PostgreSQL database; an SQLite file goes with the directory.
    pub async fn drop(mut self) {
        if let Some(db) = self.pg.take() {
            db.drop().await;
        }
    }
}
