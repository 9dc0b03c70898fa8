//! The app under test: the real `kith` binary serving a fresh SQLite database
//! on a free loopback port, with one admin user made through the CLI.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tempfile::TempDir;

pub const USERNAME: &str = "alice";
// ("correct horse battery staple" is refused as too common.)
pub const PASSWORD: &str = "tea kettle orbits the quiet lighthouse";

/// A running `kith serve`; killed on drop, so a failing test leaves nothing behind.
pub struct Kith {
    child: Child,
    /// The base URL, without a trailing slash.
    pub url: String,
    dir: TempDir,
}

impl Kith {
    pub fn start() -> Kith {
        Self::start_with(&["--bind", "127.0.0.1:0"], None)
    }

    /// `kith serve` with these flags (which must include `--bind`), the
    /// admin's e-mail address set first when given.
    pub fn start_with(flags: &[&str], email: Option<&str>) -> Kith {
        let dir = tempfile::tempdir().expect("create a temp dir for the database");
        let db = dir.path().join("kith.db");
        add_admin(&db);
        if let Some(email) = email {
            let out = kith(&db)
                .args(["--user", USERNAME, "settings", "--email", email])
                .output()
                .expect("run kith settings");
            assert!(out.status.success(), "{out:?}");
        }
        let mut child = kith(&db)
            .arg("serve")
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kith serve");
        let stdout = child.stdout.take().expect("kith serve's stdout");
        let stderr = child.stderr.take().expect("kith serve's stderr");
        // The server's log goes into the test's captured output.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[kith] {line}");
            }
        });
        // The first stdout line names the address; later lines are drained
        // so that the server never blocks on a full pipe.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
            let _ = tx.send(lines.next());
            for line in lines {
                eprintln!("[kith] {line}");
            }
        });
        let mut kith = Kith {
            child,
            url: String::new(),
            dir,
        };
        let first = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(line)) => line,
            Ok(None) => panic!("kith serve exited without saying where it listens"),
            Err(e) => panic!("kith serve said nothing within 30 s: {e}"),
        };
        let url = first
            .strip_prefix("Kith is listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from kith serve: {first:?}"));
        kith.url = url.trim_end_matches('/').to_owned();
        kith
    }
}

impl Kith {
    /// Runs `kith --user alice ARGS` on the served database; its output.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = kith(&self.dir.path().join("kith.db"))
            .args(["--user", USERNAME])
            .args(args)
            .output()
            .expect("run kith");
        assert!(out.status.success(), "kith {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Kith {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `kith --db DB`, without any KITH_* settings from the environment.
fn kith(db: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kith"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("KITH_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("NO_COLOR", "1").arg("--db").arg(db);
    cmd
}

fn add_admin(db: &Path) {
    let mut child = kith(db)
        .args(["user", "add", USERNAME, "--admin", "--password-stdin"])
        .args(["--timezone", "UTC"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kith user add");
    child
        .stdin
        .take()
        .expect("kith user add's stdin")
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("write the password to kith user add");
    let out = child.wait_with_output().expect("run kith user add");
    assert!(
        out.status.success(),
        "kith user add failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
