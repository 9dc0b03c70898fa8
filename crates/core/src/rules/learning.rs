//! What informational conversations taught: the skills and career paths
//! mentioned across a goal's conversations, with how often and by whom.

use std::collections::HashMap;

use crate::conversation::LearningKind;
use crate::values::sort_key;

/// One thing learned, however many times and from whomever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learned {
    pub kind: LearningKind,
    pub text: String,
    /// How many times it was mentioned.
    pub count: u32,
    /// Who said it, each once, in the order first heard.
    pub from: Vec<String>,
}

/// The grouping key: accents and case folded, single spaces.
fn fold(text: &str) -> String {
    sort_key(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a goal's informational conversations taught, grouped case- and accent-insensitively per kind
/// (first spelling seen wins), `from` = distinct contact names in first-seen order; sorted by kind
/// (skills, then paths, then notes), then count descending, then text.
///
/// Items are `(kind, text, contact name)`; blank texts are skipped, blank
/// names count the mention without naming anyone.
pub fn aggregate(items: &[(LearningKind, String, String)]) -> Vec<Learned> {
    let mut out: Vec<Learned> = Vec::new();
    let mut index: HashMap<(LearningKind, String), usize> = HashMap::new();
    for (kind, text, name) in items {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            continue;
        }
        let i = *index.entry((*kind, fold(&text))).or_insert_with(|| {
            out.push(Learned {
                kind: *kind,
                text,
                count: 0,
                from: Vec::new(),
            });
            out.len() - 1
        });
        let learned = &mut out[i];
        learned.count = learned.count.saturating_add(1);
        let name = name.trim();
        if !name.is_empty() && !learned.from.iter().any(|n| n == name) {
            learned.from.push(name.to_owned());
        }
    }
    out.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.count.cmp(&a.count))
            .then_with(|| fold(&a.text).cmp(&fold(&b.text)))
            .then_with(|| a.text.cmp(&b.text))
    });
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use LearningKind::{Note, Path, Skill};

    fn item(kind: LearningKind, text: &str, name: &str) -> (LearningKind, String, String) {
        (kind, text.into(), name.into())
    }

    #[test]
    fn nothing_learned() {
        assert!(aggregate(&[]).is_empty());
    }

    #[test]
    fn groups_case_and_accent_insensitively_first_spelling_wins() {
        let got = aggregate(&[
            item(Skill, "SQL", "Maria Lopez"),
            item(Skill, "sql", "Bo Chen"),
            item(Skill, " Sql ", "Maria Lopez"),
            item(Skill, "Résumé writing", "Bo Chen"),
            item(Skill, "resume  WRITING", "Ann Lee"),
        ]);
        assert_eq!(
            got,
            [
                Learned {
                    kind: Skill,
                    text: "SQL".into(),
                    count: 3,
                    from: vec!["Maria Lopez".into(), "Bo Chen".into()],
                },
                Learned {
                    kind: Skill,
                    text: "Résumé writing".into(),
                    count: 2,
                    from: vec!["Bo Chen".into(), "Ann Lee".into()],
                },
            ]
        );
    }

    #[test]
    fn kinds_stay_apart_and_sort_skills_paths_notes() {
        let got = aggregate(&[
            item(Note, "SQL", "Ann Lee"),
            item(Path, "analyst to PM in 3 years", "Ann Lee"),
            item(Skill, "Python", "Ann Lee"),
            item(Skill, "SQL", "Ann Lee"),
            item(Skill, "sql", "Bo Chen"),
            item(Path, "Analyst to PM in 3 years", "Bo Chen"),
            item(Skill, "Excel", "Bo Chen"),
        ]);
        let summary: Vec<(LearningKind, &str, u32)> = got
            .iter()
            .map(|l| (l.kind, l.text.as_str(), l.count))
            .collect();
        assert_eq!(
            summary,
            [
                (Skill, "SQL", 2),
                (Skill, "Excel", 1),
                (Skill, "Python", 1),
                (Path, "analyst to PM in 3 years", 2),
                (Note, "SQL", 1),
            ]
        );
    }

    #[test]
    fn blank_texts_are_skipped_and_blank_names_not_named() {
        let got = aggregate(&[
            item(Skill, "  ", "Ann Lee"),
            item(Skill, "SQL", ""),
            item(Skill, "SQL", "Ann Lee"),
        ]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].count, 2);
        assert_eq!(got[0].from, ["Ann Lee"]);
    }

    proptest! {
        #[test]
        fn every_mention_is_counted_once(
            items in prop::collection::vec(
                (
                    prop::sample::select(LearningKind::ALL.to_vec()),
                    prop::sample::select(vec!["SQL", "sql", "Ésprit", "esprit", "Go", "  "]),
                    prop::sample::select(vec!["Ann", "Bo", ""]),
                ),
                0..30,
            ),
        ) {
            let items: Vec<_> = items.into_iter().map(|(k, t, n)| item(k, t, n)).collect();
            let got = aggregate(&items);
            let mentions = items.iter().filter(|(_, t, _)| !t.trim().is_empty()).count();
            prop_assert_eq!(got.iter().map(|l| l.count as usize).sum::<usize>(), mentions);
            for w in got.windows(2) {
                prop_assert!(w[0].kind < w[1].kind || (w[0].kind == w[1].kind && w[0].count >= w[1].count));
                prop_assert!(w[0].kind != w[1].kind || fold(&w[0].text) != fold(&w[1].text));
            }
            for l in &got {
                prop_assert!(l.from.len() <= l.count as usize);
            }
        }
    }
}
