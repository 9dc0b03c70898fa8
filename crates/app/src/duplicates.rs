//! Who looks like the same person (groups, a page at a time), and merging
//! two contacts who are: the kept one takes the other's card,
//! conversations, follow-ups, goals, meetings and introductions, then the
//! other is deleted.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kith_core::contact::ContactRef;
use kith_core::ids::{ContactId, UserId};
use kith_core::rules::duplicates::{DuplicateGroup, duplicate_groups};
use kith_store::{MergeReport, Store};

use crate::error::{AppError, Field};

/// Contacts that look like the same person for one reason, with a window
/// of its members (a group may hold thousands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Where the group stands in the whole list, from 0 (to ask for it again).
    pub position: usize,
    pub reason: String,
    /// The member with the lowest id (whether shown or not): the one a
    /// merge offers to keep, which the user may swap.
    pub first: ContactRef,
    /// The members in the window asked for, in id order.
    pub members: Vec<ContactRef>,
    /// How many members the group has in all.
    pub size: usize,
    /// How many members come before the first one shown.
    pub members_from: usize,
}

impl Group {
    /// How many members come after the last one shown.
    pub fn after(&self) -> usize {
        self.size - self.members_from - self.members.len()
    }
}

/// A page of duplicate groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicates {
    pub groups: Vec<Group>,
    /// How many groups there are in all.
    pub total: usize,
    /// How many groups come before the first one shown.
    pub offset: usize,
}

impl Duplicates {
    /// How many groups come after the last one shown.
    pub fn after(&self) -> usize {
        self.total.saturating_sub(self.offset + self.groups.len())
    }
}

/// Which groups, and which of their members, to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Groups to skip.
    pub offset: usize,
    /// Groups to show, 1 to [`Window::MAX`].
    pub limit: usize,
    /// Members of each group to skip.
    pub members_from: usize,
    /// Members of each group to show, 1 to [`Window::MAX`].
    pub members: usize,
}

impl Window {
    /// The most groups, or members of a group, one answer holds.
    pub const MAX: usize = 500;
}

impl Default for Window {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: 50,
            members_from: 0,
            members: 10,
        }
    }
}

/// Groups of `user`'s contacts who look like the same person (in the order
/// of [`duplicate_groups`]), the window `window` asks for. The work is
/// linear in the contact book, and only the members shown are read.
pub async fn find(store: &Store, user: UserId, window: Window) -> Result<Duplicates, AppError> {
    let keys = store.match_keys(user).await?;
    let groups = duplicate_groups(&keys);
    let limit = window.limit.clamp(1, Window::MAX);
    let members = window.members.clamp(1, Window::MAX);
    let shown: Vec<(usize, &DuplicateGroup)> = groups
        .iter()
        .enumerate()
        .skip(window.offset)
        .take(limit)
        .collect();
    let window_of = |g: &DuplicateGroup| {
        let from = window.members_from.min(g.members.len());
        let to = from.saturating_add(members).min(g.members.len());
        (from, to)
    };
    let ids: Vec<ContactId> = shown
        .iter()
        .flat_map(|(_, g)| {
            let (from, to) = window_of(g);
            std::iter::once(g.members[0]).chain(g.members[from..to].iter().copied())
        })
        .collect();
    let names: HashMap<_, _> = store
        .contact_summaries(user, &ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let named = |id: &ContactId| ContactRef {
        id: *id,
        name: names.get(id).cloned().unwrap_or_default(),
    };
    Ok(Duplicates {
        groups: shown
            .iter()
            .map(|(position, g)| {
                let (from, to) = window_of(g);
                Group {
                    position: *position,
                    reason: g.reason.to_string(),
                    first: named(&g.members[0]),
                    members: g.members[from..to].iter().map(named).collect(),
                    size: g.members.len(),
                    members_from: from,
                }
            })
            .collect(),
        total: groups.len(),
        offset: window.offset,
    })
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
