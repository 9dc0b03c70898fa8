//! The vobject check the interop crate's tests and the command line's
//! tests both run (each includes this file by path): `.vcf` files read by
//! vobject through `tests/vcard/validate.py`, with the Python in
//! `KITH_TEST_PYTHON` (one with vobject, which `.ci/run` installs). In CI a
//! missing Python is a failure; elsewhere the check is skipped with a note.

use std::path::Path;
use std::process::Command;

/// Checks the vCard `version` ("3.0" or "4.0") files at `paths`; `root` is
/// the repository's root.
pub fn check(root: &Path, version: &str, paths: &[&Path]) {
    let python = match std::env::var("KITH_TEST_PYTHON") {
        Ok(python) => python,
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI is set but KITH_TEST_PYTHON does not name a Python with vobject")
        }
        Err(_) => {
            eprintln!("note: KITH_TEST_PYTHON is not set; .vcf files not checked by vobject");
            return;
        }
    };
    let out = Command::new(python)
        .arg(root.join("tests/vcard/validate.py"))
        .arg(version)
        .args(paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "vobject or the checks beside it refused {paths:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
