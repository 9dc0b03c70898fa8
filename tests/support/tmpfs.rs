//! A small filesystem of a test's own, to fill: a tmpfs mounted on a
//! directory. Mounting needs root (CAP_SYS_ADMIN); where it is not allowed
//! the test says it was skipped, on stderr past the harness's capture, so
//! a run shows which full-disk cases ran.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted on a directory, unmounted on drop.
pub struct Tmpfs {
    on: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (`8m`) on `on`, or says why not.
    pub fn mount(on: &Path, size: &str, test: &str) -> Option<Tmpfs> {
        let mounted = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(on)
            .output();
        match mounted {
            Ok(out) if out.status.success() => {
                say(&format!("{test}: ran on a {size} tmpfs"));
                Some(Tmpfs { on: on.to_owned() })
            }
            Ok(out) => {
                let why = String::from_utf8_lossy(&out.stderr);
                say(&format!(
                    "{test}: SKIPPED, cannot mount a tmpfs: {}",
                    why.trim()
                ));
                None
            }
            Err(e) => {
                say(&format!("{test}: SKIPPED, cannot run mount: {e}"));
                None
            }
        }
    }

    /// Writes a file until the filesystem has no room left, and returns it.
    pub fn fill(&self) -> PathBuf {
        let path = self.on.join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        for size in [1 << 16, 1 << 12, 1 << 9, 1] {
            let chunk = vec![0_u8; size];
            loop {
                match file.write(&chunk) {
                    Ok(n) if n == size => {}
                    Ok(_) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::StorageFull => break,
                    Err(e) => panic!("filling the disk: {e}"),
                }
            }
        }
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily, so a database a failed test left open does not keep it mounted.
        let _ = Command::new("umount").arg("-l").arg(&self.on).status();
    }
}

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
