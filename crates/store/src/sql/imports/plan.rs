//! What each record of an import is to the contact book, decided before
//! anything is written.

use super::*;

/// What each record is to the contact book: settled already (unchanged, or
/// merged into an earlier record), a new contact, or an update of one.
pub(super) struct Plan {
    pub(super) outcomes: Vec<Option<ImportOutcome>>,
    pub(super) creates: Vec<Create>,
    pub(super) updates: Vec<(usize, i64, Option<String>)>,
}

pub(super) fn plan(
    records: &[ImportRecord],
    known: &HashMap<String, (i64, String)>,
    mut index: MatchIndex<Target>,
) -> Plan {
    let mut outcomes: Vec<Option<ImportOutcome>> = vec![None; records.len()];
    let mut creates: Vec<Create> = Vec::new();
    let mut updates: Vec<(usize, i64, Option<String>)> = Vec::new();
    // The UID of the record that first named each target in this file: two
    // records with different UIDs in one file are two records to their
    // source, so nothing short of the same UID merges them.
    let mut uids: HashMap<Target, &str> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        let uid = record.draft.uid.as_deref();
        if let Some((id, fp)) = known.get(&record.key) {
            if let Some(uid) = uid {
                uids.entry(Target::Existing(*id)).or_insert(uid);
            }
            if *fp == record.fingerprint {
                outcomes[i] = Some(ImportOutcome::Unchanged(ContactId(*id)));
            } else {
                updates.push((i, *id, None));
            }
            continue;
        }
        let keys = MatchKeys::of_draft(&record.draft);
        let found = index.find(&keys);
        let apart = found.as_ref().and_then(|(target, reason)| {
            let other = uids.get(target)?;
            (!matches!(reason, MatchReason::Uid(_)) && uid.is_some_and(|u| u != *other))
                .then(|| (*target, reason.to_string()))
        });
        let found = if apart.is_some() { None } else { found };
        if let (Some(uid), Some((target, _))) = (uid, &found) {
            uids.entry(*target).or_insert(uid);
        }
        match found {
            Some((Target::Existing(id), reason)) => {
                // Its other keys now name that contact too.
                index.insert(Target::Existing(id), &keys);
                updates.push((i, id, Some(reason.to_string())));
            }
            Some((Target::Pending(n), reason)) => {
                index.insert(Target::Pending(n), &keys);
                absorb(&mut creates[n].draft, &record.draft);
                creates[n].absorbed.push(i);
                outcomes[i] = Some(ImportOutcome::Merged {
                    into: None,
                    with_record: Some(creates[n].record),
                    reason: reason.to_string(),
                });
            }
            None => {
                let resembles = apart.or_else(|| {
                    index
                        .resembles(&keys)
                        .map(|(target, reason)| (target, reason.to_string()))
                });
                if let Some(uid) = uid {
                    uids.insert(Target::Pending(creates.len()), uid);
                }
                index.insert(Target::Pending(creates.len()), &keys);
                creates.push(Create {
                    record: i,
                    draft: record.draft.clone(),
                    absorbed: Vec::new(),
                    resembles,
                });
            }
        }
    }
    Plan {
        outcomes,
        creates,
        updates,
    }
}
