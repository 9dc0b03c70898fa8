//! A real CardDAV client against Kith: vdirsyncer (from PyPI, which
//! `.ci/run` installs and names in `KITH_TEST_VDIRSYNCER`) syncing the
//! address book to a folder and back, and khard (`KITH_TEST_KHARD`) reading
//! the folder. In CI a missing client is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rstest::rstest;
use serde_json::Value;

use crate::{Backend, Server};

/// The program an environment variable names, or `None` outside CI.
fn program(var: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(path) => Some(PathBuf::from(path)),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI is set but {var} does not name the program")
        }
        None => {
            eprintln!("note: {var} is not set; the real-client test is skipped");
            None
        }
    }
}

struct Client {
    vdirsyncer: PathBuf,
    khard: PathBuf,
    dir: tempfile::TempDir,
}

impl Client {
    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn folder(&self) -> PathBuf {
        self.dir.path().join("contacts").join("contacts")
    }

    fn vdirsyncer(&self, args: &[&str], answers: &str) -> String {
        let mut child = Command::new(&self.vdirsyncer)
            .arg("-c")
            .arg(self.config())
            .args(args)
            .env("HOME", self.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(answers.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "vdirsyncer {args:?}: {text}");
        text
    }

    fn sync(&self) -> String {
        self.vdirsyncer(&["sync"], "")
    }

    fn khard_list(&self) -> String {
        let config = self.dir.path().join("khard.conf");
        std::fs::write(
            &config,
            format!(
                "[addressbooks]\n[[kith]]\npath = {}\n[general]\ndefault_action = list\n",
                self.folder().display()
            ),
        )
        .unwrap();
        let out = Command::new(&self.khard)
            .arg("-c")
            .arg(&config)
            .args(["list", "--parsable"])
            .env("HOME", self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "khard: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The local file of the card whose text contains `needle`.
    fn file_with(&self, needle: &str) -> PathBuf {
        std::fs::read_dir(self.folder())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| std::fs::read_to_string(p).unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no local card contains {needle:?}"))
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{text}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// A conflict "resolver" vdirsyncer calls with both versions of a card: it
/// keeps every line of either, so neither side's edit is lost.
const UNION: &str = r#"import sys
a, b = (open(p, encoding="utf-8").read().splitlines() for p in sys.argv[1:3])
end = "END:VCARD"
merged = [l for l in a if l != end] + [l for l in b if l not in a and l != end] + [end]
for p in sys.argv[1:3]:
    open(p, "w", encoding="utf-8").write("\r\n".join(merged) + "\r\n")
"#;

#[rstest]
#[tokio::test]
async fn vdirsyncer_keeps_a_folder_and_kith_in_step(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let (Some(vdirsyncer), Some(khard)) =
        (program("KITH_TEST_VDIRSYNCER"), program("KITH_TEST_KHARD"))
    else {
        return;
    };
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let kith = |args: &[&str]| {
        let mut all = vec!["--user", "alice"];
        all.extend_from_slice(args);
        server.kith(&all)
    };
    kith(&["add", "Jane Doe", "--email", "jane@example.com"]);
    kith(&["add", "Bob Roe", "--org", "Acme"]);
    let token: Value = serde_json::from_str(&kith(&[
        "token",
        "create",
        "--carddav",
        "--name",
        "laptop",
        "--json",
    ]))
    .unwrap();
    let client = Client {
        vdirsyncer,
        khard,
        dir: tempfile::tempdir().unwrap(),
    };
    let union = client.dir.path().join("union.py");
    let union_path = union.display().to_string();
    std::fs::write(&union, UNION).unwrap();
    let python = std::env::var("KITH_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
    std::fs::write(
        client.config(),
        format!(
            r#"[general]
status_path = "{status}"

[pair kith]
a = "folder"
b = "server"
collections = ["from b"]
conflict_resolution = ["command", "{python}", "{union_path}"]

[storage folder]
type = "filesystem"
path = "{folder}"
fileext = ".vcf"

[storage server]
type = "carddav"
url = "{url}/"
username = "alice"
password = "{password}"
"#,
            status = client.dir.path().join("status").display(),
            folder = client.dir.path().join("contacts").display(),
            url = server.url,
            password = token["token"].as_str().unwrap(),
        ),
    )
    .unwrap();

    // Discovery from the server's root, then the first download.
    let found = client.vdirsyncer(&["discover", "kith"], "y\n");
    assert!(found.contains("Kith contacts"), "{found}");
    client.sync();
    let listed = client.khard_list();
    assert!(
        listed.contains("Jane Doe") && listed.contains("Bob Roe"),
        "{listed}"
    );

    // Edits and a new card made in the folder reach Kith.
    edit(
        &client.file_with("FN:Jane Doe"),
        "FN:Jane Doe",
        "FN:Jane Doe\r\nTITLE:CTO\r\nTEL;TYPE=CELL:+33 6 12 34 56 78",
    );
    std::fs::write(
        client.folder().join("carol-1.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:carol-1\r\nFN:Carol Poe\r\nN:Poe;Carol;;;\r\n\
         EMAIL;TYPE=WORK:carol@poe.test\r\nX-LAPTOP-NOTE:keep me\r\nEND:VCARD\r\n",
    )
    .unwrap();
    client.sync();
    let jane = kith(&["show", "Jane Doe"]);
    assert!(
        jane.contains("CTO") && jane.contains("+33 6 12 34 56 78"),
        "{jane}"
    );
    assert!(kith(&["show", "Carol Poe"]).contains("carol@poe.test"));

    // An edit made in Kith reaches the folder; the unmodelled line survives.
    kith(&["edit", "Carol Poe", "--title", "Engineer"]);
    client.sync();
    let carol = std::fs::read_to_string(client.file_with("FN:Carol Poe")).unwrap();
    assert!(carol.contains("TITLE:Engineer"), "{carol}");
    assert!(carol.contains("X-LAPTOP-NOTE:keep me"), "{carol}");

    // Deletes both ways.
    std::fs::remove_file(client.file_with("FN:Bob Roe")).unwrap();
    kith(&["delete", "Carol Poe", "--yes"]);
    client.sync();
    let list = kith(&["list", "--all"]);
    assert!(!list.contains("Bob Roe"), "deleted in the folder: {list}");
    assert!(
        std::fs::read_dir(client.folder())
            .unwrap()
            .all(|e| !std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .contains("Carol")),
        "deleted in Kith"
    );

    // Both sides change Jane before the next sync: nothing is lost.
    kith(&["edit", "Jane Doe", "--org", "Initech", "--location", "Lyon"]);
    edit(
        &client.file_with("FN:Jane Doe"),
        "TITLE:CTO",
        "TITLE:CTO\r\nNICKNAME:JD",
    );
    client.sync();
    client.sync();
    let jane = kith(&["show", "Jane Doe"]);
    assert!(jane.contains("Initech"), "Kith's edit survives: {jane}");
    assert!(
        jane.contains("Lyon"),
        "what cards do not carry is left alone: {jane}"
    );
    assert!(
        jane.contains("JD"),
        "the folder's edit reached Kith: {jane}"
    );
    let local = std::fs::read_to_string(client.file_with("FN:Jane Doe")).unwrap();
    assert!(
        local.contains("ORG:Initech") && local.contains("NICKNAME:JD"),
        "{local}"
    );
    let listed = client.khard_list();
    assert!(
        listed.contains("Jane Doe") && !listed.contains("Bob Roe"),
        "{listed}"
    );
    server.stop().await;
}
