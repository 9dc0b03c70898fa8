use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::Kith;

#[test]
fn colour_only_when_allowed() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    // Piped output has no escapes.
    assert!(!kith.ok(&["show", "jane"]).contains('\x1b'));
    let forced = kith
        .command(&["show", "jane"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&forced.stdout).contains("\x1b["),
        "CLICOLOR_FORCE shows colour"
    );
    let no_color = kith
        .command(&["show", "jane"])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&no_color.stdout).contains('\x1b'),
        "NO_COLOR wins"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let kith = Kith::new();
    kith.ok(&[
        "demo",
        "--db",
        kith.db().to_str().unwrap(),
        "--contacts",
        "300",
    ]);
    // Each prints far more than a pipe holds (completions: about 200 KB).
    for (args, first_line) in [
        (&["list"][..], "#"),
        (&["completions", "bash"][..], "_kith() {"),
    ] {
        let mut child = kith
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reader is gone: the rest of the output hits a closed pipe.
        let out = child.wait_with_output().unwrap();
        assert!(first.trim_start().starts_with(first_line), "{first}");
        assert!(out.status.success(), "{args:?}: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn completions_are_printed() {
    let kith = Kith::new();
    let bash = kith.ok(&["completions", "bash"]);
    assert!(
        bash.contains("kith") && bash.contains("--via"),
        "{}",
        &bash[..200.min(bash.len())]
    );
}

#[test]
fn init_reports_the_user_and_is_idempotent() {
    let kith = Kith::new();
    let first = kith.json(&[
        "init",
        "--name",
        "Tess Tester",
        "--email",
        "tess@example.org",
        "--timezone",
        "Asia/Tokyo",
    ]);
    assert_eq!(first["username"], "tester");
    assert_eq!(first["timezone"], "Asia/Tokyo");
    assert_eq!(first["created"], true);
    assert!(crate::exists(&kith.db()));
    let again = kith.json(&["init"]);
    assert_eq!(again["created"], false);
    assert_eq!(again["name"], "Tess Tester");
}
