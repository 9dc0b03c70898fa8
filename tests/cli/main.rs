//! Black-box tests of the `kith` binary: each runs the built executable in a
//! fresh temporary directory, as a user would.

mod accounts;
mod archive;
mod bounded;
mod contacts;
mod control_chars;
mod goals;
mod import_files;
mod imports;
mod input;
mod keeping;
mod mail;
mod meetings;
mod modes;
mod output;
mod processes;
mod undo;
mod vcards;

#[path = "../support/clock.rs"]
pub mod clock;
#[path = "../support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// A scratch home with its own database.
pub struct Kith {
    pub dir: tempfile::TempDir,
}

impl Default for Kith {
    fn default() -> Self {
        Self::new()
    }
}

impl Kith {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("kith.db")
    }

    /// The command, with a database, home and zone of its own and no colour.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kith"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("HOME", self.dir.path())
            .env("USER", "tester")
            .envs(clock::inherited_env())
            .env("KITH_DB", self.db())
            .stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs a command that must succeed and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "kith {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command with `--json` that must succeed and parses its output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// Runs a command that must fail with exit code 2 and one line on stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "kith {args:?} should fail: {out:?}"
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(out.stdout.is_empty(), "nothing on stdout: {:?}", out.stdout);
        stderr.trim_end().to_owned()
    }
}

/// Runs commands that must each be refused with a message starting as
/// given, and proves that together they changed nothing: the whole account
/// (`kith export json`: settings, contacts, conversations, follow-ups,
/// goals, meetings, outreach blocks, ...) and the outbox are the same, byte
/// for byte, after each of them.
pub fn refuses_all(kith: &Kith, cases: &[(&[&str], &str)]) {
    let before = account(kith);
    for (args, expected) in cases {
        let err = kith.fails(args);
        assert!(
            err.starts_with(expected),
            "kith {args:?}\n  said: {err}\n  want: {expected}"
        );
        let after = account(kith);
        if after != before {
            let changed = changed_lines(&before, &after);
            panic!(
                "kith {args:?} was refused but changed the account:\n{}",
                changed.join("\n")
            );
        }
    }
}

/// The whole account as `kith export json` writes it (without the line
/// saying when), then the outbox.
pub fn account(kith: &Kith) -> String {
    let export = kith.ok(&["export", "json"]);
    let export: Vec<&str> = export
        .lines()
        .filter(|l| !l.trim_start().starts_with("\"exported_at\":"))
        .collect();
    format!("{}\n{}", export.join("\n"), kith.ok(&["outbox", "--json"]))
}

/// The lines of `after` that `before` does not have at the same place,
/// with their numbers: enough to see what a refused command wrote.
fn changed_lines(before: &str, after: &str) -> Vec<String> {
    let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    let mut out = Vec::new();
    for i in 0..b.len().max(a.len()) {
        let (was, now) = (b.get(i), a.get(i));
        if was != now {
            out.push(format!("line {}: {:?} -> {:?}", i + 1, was, now));
        }
        if out.len() == 10 {
            out.push("...".into());
            break;
        }
    }
    out
}

/// The state of the whole account, to prove a refused command changed nothing.
pub fn snapshot(kith: &Kith) -> Value {
    let list = kith.json(&["list", "--all"]);
    let details: Vec<Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| kith.json(&["show", &c["id"].to_string()]))
        .collect();
    Value::Array(details)
}

pub fn exists(path: &Path) -> bool {
    path.try_exists().unwrap()
}
