//! Who looks like the same person, and merging two contacts who are: the
//! kept one takes the other's card, conversations, follow-ups, goals,
//! meetings and introductions, then the other is deleted.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kith_core::contact::ContactRef;
use kith_core::ids::{ContactId, UserId};
use kith_core::rules::duplicates::duplicate_pairs;
use kith_store::{MergeReport, Store};

use crate::error::{AppError, Field};

/// A pair of contacts that look like the same person, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub a: ContactRef,
    pub b: ContactRef,
    pub reason: String,
}

/// Candidate duplicates among `user`'s contacts, strongest reason first.
pub async fn find(store: &Store, user: UserId) -> Result<Vec<Duplicate>, AppError> {
    let keys = store.match_keys(user).await?;
    let pairs = duplicate_pairs(&keys);
    let ids: Vec<_> = pairs.iter().flat_map(|(a, b, _)| [*a, *b]).collect();
    let names: HashMap<_, _> = store
        .contact_summaries(user, &ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let named = |id| ContactRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    Ok(pairs
        .iter()
        .map(|(a, b, reason)| Duplicate {
            a: named(*a),
            b: named(*b),
            reason: reason.to_string(),
        })
        .collect())
}

/// A merge to run or preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merge {
    /// The contact that stays.
    pub keep: ContactId,
    /// The contact merged into it and then deleted.
    pub other: ContactId,
    /// Merge for good; `false` previews what would move and changes nothing.
    pub apply: bool,
}

/// Merges (or previews merging) `merge.other` into `merge.keep`.
pub async fn merge(
    store: &Store,
    user: UserId,
    merge: Merge,
    now: DateTime<Utc>,
) -> Result<MergeReport, AppError> {
    if merge.keep == merge.other {
        return Err(AppError::Invalid {
            field: Field::MergeOther,
            message: "cannot merge a contact with itself".into(),
        });
    }
    let card = if merge.apply {
        merged_card(store, user, merge.keep, merge.other).await?
    } else {
        None
    };
    Ok(store
        .merge_contacts(
            user,
            merge.keep,
            merge.other,
            merge.apply,
            card.as_deref(),
            now,
        )
        .await?)
}

/// The stored vCard two contacts end with when merged, if both have one.
async fn merged_card(
    store: &Store,
    user: UserId,
    keep: ContactId,
    other: ContactId,
) -> Result<Option<String>, AppError> {
    let (_, kept) = store.contact_with_card(user, keep).await?;
    let (_, theirs) = store.contact_with_card(user, other).await?;
    Ok(match (kept, theirs) {
        (Some(kept), Some(theirs)) => kith_interop::vcard::merge_cards(&kept, &theirs),
        _ => None,
    })
}

/// What a merge moves, in words: "3 conversations, 1 follow-up".
pub fn summary(r: &MergeReport) -> String {
    let counted = |n: u64, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        counted(r.conversations, "conversation", "conversations"),
        counted(r.follow_ups, "follow-up", "follow-ups"),
        counted(r.goals, "goal link", "goal links"),
        counted(r.meetings, "meeting", "meetings"),
        counted(r.introductions, "introduction", "introductions"),
        r.card.then(|| "details for the card".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "nothing beyond the contact itself".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_counts_what_moves() {
        let report = MergeReport {
            conversations: 3,
            follow_ups: 1,
            card: true,
            ..MergeReport::default()
        };
        assert_eq!(
            summary(&report),
            "3 conversations, 1 follow-up, details for the card"
        );
        assert_eq!(
            summary(&MergeReport::default()),
            "nothing beyond the contact itself"
        );
    }
}
