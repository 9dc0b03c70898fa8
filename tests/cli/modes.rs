//! Files that hold the account (the SQLite database with its password
//! hashes, TOTP seeds and token digests, its `-wal` and `-shm`, and every
//! export) are made readable by their owner only, whatever the umask: each
//! command here runs under umask 022, which would otherwise give 0644.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Kith;

/// `kith args` under umask 022, with the environment `Kith` gives it.
fn under_umask_022(kith: &Kith, args: &[&str]) -> Command {
    let plain = kith.command(args);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(plain.get_program())
        .args(plain.get_args())
        .env_clear()
        .current_dir(kith.dir.path())
        .stdin(Stdio::null());
    for (key, value) in plain.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd
}

fn ok(kith: &Kith, args: &[&str]) {
    let out = under_umask_022(kith, args).output().unwrap();
    assert!(
        out.status.success(),
        "kith {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn assert_private(path: &Path) {
    assert_eq!(mode(path), 0o600, "{}: {:o}", path.display(), mode(path));
}

fn sibling(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// The database, and the `-wal` and `-shm` files SQLite keeps beside it
/// while a server has it open.
#[test]
fn the_database_and_its_wal_and_shm_are_private() {
    let kith = Kith::new();
    ok(
        &kith,
        &["init", "--name", "Ann Example", "--timezone", "UTC"],
    );
    assert_private(&kith.db());

    let mut serve = under_umask_022(&kith, &["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("Kith is listening on "), "{first:?}");
    let (wal, shm) = (sibling(&kith.db(), "-wal"), sibling(&kith.db(), "-shm"));
    let modes = (wal.exists() && shm.exists()).then(|| (mode(&wal), mode(&shm)));
    serve.kill().unwrap();
    serve.wait().unwrap();
    assert_eq!(modes, Some((0o600, 0o600)), "the -wal and -shm files");
}

#[test]
fn a_database_made_by_user_add_is_private() {
    let kith = Kith::new();
    let mut add = under_umask_022(
        &kith,
        &[
            "user",
            "add",
            "bob",
            "--password-stdin",
            "--timezone",
            "UTC",
        ],
    );
    let mut child = add.stdin(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        b"quiet otter sings at dawn\n",
    )
    .unwrap();
    assert!(child.wait().unwrap().success());
    assert_private(&kith.db());
}

/// Every export written with `--output`, new or over a file that was there.
#[test]
fn exports_are_private() {
    let kith = Kith::new();
    ok(
        &kith,
        &["init", "--name", "Ann Example", "--timezone", "UTC"],
    );
    ok(&kith, &["add", "Jane Doe", "--email", "jane@example.org"]);
    let dir = kith.dir.path();
    let wide = dir.join("was-there.vcf");
    std::fs::write(&wide, "old").unwrap();
    std::fs::set_permissions(&wide, std::fs::Permissions::from_mode(0o644)).unwrap();
    for (kind, file) in [
        ("json", "account.json"),
        ("vcard", "contacts.vcf"),
        ("csv", "contacts.csv"),
        ("ics", "calendar.ics"),
        ("vcard", "was-there.vcf"),
    ] {
        let path = dir.join(file);
        ok(&kith, &["export", kind, "--output", path.to_str().unwrap()]);
        assert_private(&path);
    }
    let vcard = std::fs::read_to_string(&wide).unwrap();
    assert!(vcard.contains("Jane Doe"), "written over: {vcard}");
}
