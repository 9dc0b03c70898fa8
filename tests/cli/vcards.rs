//! `kith export vcard --version 3|4` end to end: every card written from a
//! demo network and from the whole shared interop corpus imported passes
//! the strict check of its version (Kith's own, `kith_interop::vcard::
//! strict`) and vobject's (`tests/vcard/validate.py`), and the export read
//! into a fresh database gives the same contacts.

use std::path::{Path, PathBuf};

use kith_interop::vcard::{Version, split_cards, strict};
use serde_json::Value;

use crate::Kith;

#[path = "../vcard/vobject.rs"]
mod vobject;

/// The interop corpus from `KITH_INTEROP_CORPUS`; in CI it must be set.
fn corpus() -> Option<PathBuf> {
    match std::env::var_os("KITH_INTEROP_CORPUS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None if std::env::var_os("CI").is_some() => {
            panic!("KITH_INTEROP_CORPUS must name the interop corpus in CI")
        }
        None => {
            eprintln!("note: KITH_INTEROP_CORPUS is not set; the corpus is not imported");
            None
        }
    }
}

/// What a card carries of each contact, sorted: compared across databases.
fn cards_of(kith: &Kith) -> Vec<String> {
    let doc = kith.json(&["export", "json"]);
    let mut out: Vec<String> = doc["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let fields = [
                "uid",
                "name",
                "given_name",
                "family_name",
                "nickname",
                "emails",
                "phones",
                "links",
                "organisation",
                "title",
                "timezone",
                "birthday",
                "tags",
                "notes",
            ];
            let kept: serde_json::Map<String, Value> = fields
                .iter()
                .map(|f| ((*f).to_owned(), c[*f].clone()))
                .collect();
            Value::Object(kept).to_string()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_card_kith_exports_is_valid_for_its_version_and_reads_back() {
    let kith = Kith::new();
    kith.ok(&["demo", "--contacts", "60"]);
    let corpus = corpus();
    if let Some(root) = &corpus {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("vcard"))
            .unwrap()
            .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
            .collect();
        files.sort();
        // Whole UTF-8 files as one (fewer runs); each other file on its own
        // (a file is decoded as a whole, and a card cut short would swallow
        // the next file's). Some cards Kith refuses, and says so: the exit
        // code is not what this test is about.
        let mut joined = String::new();
        for file in &files {
            match String::from_utf8(std::fs::read(file).unwrap()) {
                Ok(text) if split_cards(&text).iter().all(Result::is_ok) => {
                    joined.push_str(&text);
                    joined.push_str("\r\n");
                }
                _ => {
                    kith.run(&["import", "vcard", file.to_str().unwrap()]);
                }
            }
        }
        let all = kith.dir.path().join("corpus.vcf");
        std::fs::write(&all, joined).unwrap();
        kith.run(&["import", "vcard", all.to_str().unwrap()]);
    }
    let before = cards_of(&kith);
    if corpus.is_some() {
        assert!(before.len() > 100, "the corpus imported: {}", before.len());
    }
    for (flag, name, version) in [("3", "3.0", Version::V3), ("4", "4.0", Version::V4)] {
        let path = kith.dir.path().join(format!("all{flag}.vcf"));
        kith.ok(&[
            "export",
            "vcard",
            "--version",
            flag,
            "-o",
            path.to_str().unwrap(),
        ]);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut cards = 0;
        for card in split_cards(&text) {
            let card = card.unwrap();
            cards += 1;
            let problems = strict::check(&card.text, version);
            assert!(problems.is_empty(), "{problems:#?}\n{}", card.text);
        }
        assert_eq!(cards, before.len(), "one card a contact");
        vobject::check(Path::new(env!("CARGO_MANIFEST_DIR")), name, &[&path]);
        let fresh = Kith::new();
        fresh.ok(&["import", "vcard", path.to_str().unwrap()]);
        let after = cards_of(&fresh);
        let lost: Vec<_> = before.iter().filter(|c| !after.contains(c)).collect();
        let gained: Vec<_> = after.iter().filter(|c| !before.contains(c)).collect();
        assert!(
            lost.is_empty() && gained.is_empty() && after.len() == before.len(),
            "vCard {name} read back: {} contacts, not {}\nlost: {lost:#?}\ngained: {gained:#?}",
            after.len(),
            before.len()
        );
    }
}
