#![allow(dead_code)]
//! A real OpenID Connect provider for the tests: `oidc_provider.mjs` (the
//! certified `oidc-provider` from npm) run by Node.js from the folder
//! `KITH_TEST_OIDC_NODE` names, whose node_modules `.ci/run` fills. Test
//! targets load this with `#[path]`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The folder with node_modules/oidc-provider, or `None` outside CI.
pub fn provider_modules() -> Option<PathBuf> {
    match std::env::var_os("KITH_TEST_OIDC_NODE") {
        Some(dir) => Some(PathBuf::from(dir)),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI is set but KITH_TEST_OIDC_NODE does not name the oidc-provider install")
        }
        None => {
            eprintln!("note: KITH_TEST_OIDC_NODE is not set; the OpenID Connect test is skipped");
            None
        }
    }
}

/// The provider process; killed when dropped.
pub struct IdP {
    child: Child,
    pub issuer: String,
    script: PathBuf,
    // Kept open, so a late line on standard output cannot kill the provider.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl IdP {
    pub fn start(modules: &Path, redirect_uris: &[String]) -> IdP {
        // ESM resolves packages from the script's folder: run it from there.
        let script = modules.join(format!(
            "kith-test-idp-{}-{}.mjs",
            std::process::id(),
            rand_suffix()
        ));
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/oidc_provider.mjs"),
            &script,
        )
        .unwrap();
        let mut child = Command::new("node")
            .arg(&script)
            .args(redirect_uris)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let issuer = first.trim().to_owned();
        assert!(
            issuer.starts_with("http://127.0.0.1:"),
            "the provider did not start: {first:?}"
        );
        IdP {
            child,
            issuer,
            script,
            _stdout: stdout,
        }
    }

    pub async fn mode(&self, mode: &str) {
        let r = reqwest::Client::new()
            .post(format!("{}/__mode/{mode}", self.issuer))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
}

impl Drop for IdP {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.script);
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}
