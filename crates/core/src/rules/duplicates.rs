//! Who is the same person: the keys two contacts are matched on, strongest
//! first (UID, LinkedIn profile, name plus e-mail, then e-mail, phone, name
//! plus organisation), and how an incoming record folds into an existing
//! contact without losing anything.
//!
//! Only an identity merges on its own ([`MatchReason::is_identity`]): the
//! same UID, the same profile, or the same name with the same e-mail. A
//! shared phone (a company switchboard), a shared e-mail under two names (a
//! couple's family address) or a name at an organisation only make two
//! contacts look alike: a suggestion for the user, never a merge.
//!
//! Imports use [`MatchIndex`] to find the contact a record belongs to (and
//! the one it merely resembles); `kith duplicates` uses [`duplicate_groups`]
//! over the whole contact book: everyone sharing a key is one group (which
//! also gathers people with the same name and nothing to tell them apart).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::Hash;

use crate::contact::{
    Contact, ContactDraft, ContactPatch, MAX_EMAILS, MAX_LINKS, MAX_PHONES, MAX_TAGS,
};
use crate::ids::ContactId;
use crate::values::{Email, Link, LinkKind, Phone, TagName, sort_key};

/// Why two contacts are taken for the same person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchReason {
    Uid(String),
    LinkedIn(String),
    /// The folded name and an e-mail, as `name <address>`.
    NameAndEmail(String),
    Email(String),
    Phone(String),
    NameAndOrganisation(String),
    /// Only a suggestion for the user: the same name, and not two different
    /// organisations or LinkedIn profiles. Imports never match on it.
    SameName(String),
}

impl MatchReason {
    /// Strongest first; a lower rank wins.
    fn rank(&self) -> u8 {
        match self {
            MatchReason::Uid(_) => 0,
            MatchReason::LinkedIn(_) => 1,
            MatchReason::NameAndEmail(_) => 2,
            MatchReason::Email(_) => 3,
            MatchReason::Phone(_) => 4,
            MatchReason::NameAndOrganisation(_) => 5,
            MatchReason::SameName(_) => 6,
        }
    }

    /// Whether this key says who someone is, so that an import may merge on
    /// it: the same UID, the same profile, or the same name with the same
    /// e-mail. The others only make two contacts look alike.
    pub fn is_identity(&self) -> bool {
        matches!(
            self,
            MatchReason::Uid(_) | MatchReason::LinkedIn(_) | MatchReason::NameAndEmail(_)
        )
    }
}

impl fmt::Display for MatchReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchReason::Uid(k) => write!(f, "same UID {k}"),
            MatchReason::Email(k) => write!(f, "same e-mail {k}"),
            MatchReason::Phone(k) => write!(f, "same phone {k}"),
            MatchReason::LinkedIn(k) => write!(f, "same LinkedIn profile {k}"),
            MatchReason::NameAndEmail(k) => write!(f, "same name and e-mail ({k})"),
            MatchReason::NameAndOrganisation(k) => write!(f, "same name and organisation ({k})"),
            MatchReason::SameName(k) => {
                write!(f, "same name ({k}), nothing else tells them apart")
            }
        }
    }
}

/// The normalised keys of one contact (or of a record about to be imported).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchKeys {
    pub uid: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub linkedin: Vec<String>,
    pub name_org: Option<String>,
    /// The folded name alone ([`name_key`]), for suggestions only.
    pub name: Option<String>,
}

/// `www.linkedin.com/in/Jane-Doe/` and `https://linkedin.com/in/jane-doe`
/// are the same profile.
pub fn linkedin_key(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let rest = rest
        .strip_prefix("www.")
        .unwrap_or(rest)
        .trim_end_matches('/');
    rest.to_owned()
}

/// A name plus organisation, both folded; `None` without an organisation
/// (a name alone is too weak to merge on: there are many Jane Smiths).
pub fn name_org_key(name: &str, organisation: Option<&str>) -> Option<String> {
    let org = organisation.map(str::trim).filter(|o| !o.is_empty())?;
    let org = sort_key(org)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    name_key(name).map(|name| format!("{name} @ {org}"))
}

/// A name folded (case, accents, spacing); `None` when nothing is left.
pub fn name_key(name: &str) -> Option<String> {
    let name = sort_key(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

/// A phone number as a match key: digits (and a leading +), `None` when too
/// short to say who someone is.
pub fn phone_key(number: &str) -> Option<String> {
    let key = Phone::parse(number).ok()?.normalized();
    // Very short numbers (extensions) say little about who someone is.
    (key.trim_start_matches('+').len() >= 6).then_some(key)
}

impl MatchKeys {
    pub fn of_draft(draft: &ContactDraft) -> Self {
        Self {
            uid: draft.uid.clone(),
            emails: draft
                .emails
                .iter()
                .map(|e| e.as_str().to_lowercase())
                .collect(),
            phones: draft
                .phones
                .iter()
                .filter_map(|p| phone_key(p.as_str()))
                .collect(),
            linkedin: draft
                .links
                .iter()
                .filter(|l| l.kind() == LinkKind::LinkedIn)
                .map(|l| linkedin_key(l.url()))
                .collect(),
            name_org: draft
                .name
                .as_ref()
                .and_then(|n| name_org_key(n.as_str(), draft.organisation.as_deref())),
            name: draft.name.as_ref().and_then(|n| name_key(n.as_str())),
        }
    }

    pub fn of_contact(contact: &Contact) -> Self {
        Self {
            uid: Some(contact.uid.clone()),
            emails: contact.emails.iter().map(|e| e.to_lowercase()).collect(),
            phones: contact.phones.iter().filter_map(|p| phone_key(p)).collect(),
            linkedin: contact
                .links
                .iter()
                .filter(|l| l.kind == LinkKind::LinkedIn.as_str())
                .map(|l| linkedin_key(&l.url))
                .collect(),
            name_org: name_org_key(
                &contact.name,
                contact.organisation.as_ref().map(|o| o.name.as_str()),
            ),
            name: name_key(&contact.name),
        }
    }

    /// Every key, strongest first.
    fn reasons(&self) -> impl Iterator<Item = MatchReason> + '_ {
        let uid = self.uid.iter().cloned().map(MatchReason::Uid);
        let linkedin = self.linkedin.iter().cloned().map(MatchReason::LinkedIn);
        let name_emails = self.name.iter().flat_map(|name| {
            self.emails
                .iter()
                .map(move |e| MatchReason::NameAndEmail(format!("{name} <{e}>")))
        });
        let emails = self.emails.iter().cloned().map(MatchReason::Email);
        let phones = self.phones.iter().cloned().map(MatchReason::Phone);
        let name = self
            .name_org
            .iter()
            .cloned()
            .map(MatchReason::NameAndOrganisation);
        uid.chain(linkedin)
            .chain(name_emails)
            .chain(emails)
            .chain(phones)
            .chain(name)
    }
}

/// Contacts by each of their keys; the first contact to claim a key keeps it.
///
/// Two people with the same name but different LinkedIn profiles are two
/// people: a name match needs one side without a profile.
#[derive(Debug)]
pub struct MatchIndex<T> {
    by_key: HashMap<MatchReason, T>,
    with_linkedin: HashSet<T>,
}

impl<T> Default for MatchIndex<T> {
    fn default() -> Self {
        Self {
            by_key: HashMap::new(),
            with_linkedin: HashSet::new(),
        }
    }
}

impl<T: Copy + Eq + Hash> MatchIndex<T> {
    pub fn insert(&mut self, who: T, keys: &MatchKeys) {
        for reason in keys.reasons() {
            self.by_key.entry(reason).or_insert(who);
        }
        if !keys.linkedin.is_empty() {
            self.with_linkedin.insert(who);
        }
    }

    /// The contact these keys belong to, by the strongest identity key
    /// that matches ([`MatchReason::is_identity`]).
    pub fn find(&self, keys: &MatchKeys) -> Option<(T, MatchReason)> {
        self.first(keys, true)
    }

    /// A contact these keys only resemble (a shared e-mail under another
    /// name, a shared phone, the same name at the same organisation): to
    /// suggest, never to merge into.
    pub fn resembles(&self, keys: &MatchKeys) -> Option<(T, MatchReason)> {
        self.first(keys, false)
    }

    fn first(&self, keys: &MatchKeys, identity: bool) -> Option<(T, MatchReason)> {
        keys.reasons()
            .filter(|r| r.is_identity() == identity)
            .find_map(|r| {
                let who = *self.by_key.get(&r)?;
                let profiles_differ = matches!(
                    r,
                    MatchReason::NameAndEmail(_) | MatchReason::NameAndOrganisation(_)
                ) && !keys.linkedin.is_empty()
                    && self.with_linkedin.contains(&who);
                (!profiles_differ).then_some((who, r))
            })
    }
}

/// Contacts that look like the same person for one reason: everyone who
/// shares one key (the same e-mail, phone, name…), however many they are.
/// 1,000 people named alike are one group of 1,000, not 499,500 pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateGroup {
    pub reason: MatchReason,
    /// In id order; at least two.
    pub members: Vec<ContactId>,
}

/// What tells two people with one name apart: both at an organisation
/// (`org`, for a same-name suggestion), or both with a LinkedIn profile.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Apart {
    org: bool,
    linkedin: bool,
}

impl Apart {
    fn of(keys: &MatchKeys, count_org: bool) -> Self {
        Self {
            org: count_org && keys.name_org.is_some(),
            linkedin: !keys.linkedin.is_empty(),
        }
    }

    fn index(self) -> usize {
        usize::from(self.org) * 2 + usize::from(self.linkedin)
    }

    fn from_index(i: usize) -> Self {
        Self {
            org: i & 2 != 0,
            linkedin: i & 1 != 0,
        }
    }

    fn from(self, other: Apart) -> bool {
        (self.org && other.org) || (self.linkedin && other.linkedin)
    }
}

/// Keeps the members who are not told apart from at least one other member,
/// by counting the four kinds of member (linear, no pair loop).
fn not_apart(members: &mut Vec<usize>, contacts: &[(ContactId, MatchKeys)], count_org: bool) {
    let kind = |i: usize| Apart::of(&contacts[i].1, count_org);
    let mut counts = [0usize; 4];
    for &i in members.iter() {
        counts[kind(i).index()] += 1;
    }
    members.retain(|&i| {
        let me = kind(i);
        (0..4).any(|k| {
            let others = counts[k] - usize::from(k == me.index());
            others > 0 && !me.from(Apart::from_index(k))
        })
    });
}

/// Every group of contacts that look like the same person, each under its
/// reason, ordered by their first member and then strongest reason first.
///
/// A group whose members all share a stronger group too is left out (the
/// same two people with one phone and one name at one organisation are one
/// suggestion), and a same-name group only holds people nothing else tells
/// apart from at least one other member. Linear in the number of keys:
/// hashing, never a loop over the pairs of a group.
pub fn duplicate_groups(contacts: &[(ContactId, MatchKeys)]) -> Vec<DuplicateGroup> {
    let mut by_key: HashMap<MatchReason, Vec<usize>> = HashMap::new();
    for (i, (_, keys)) in contacts.iter().enumerate() {
        let names = keys.name.iter().cloned().map(MatchReason::SameName);
        for reason in keys.reasons().chain(names) {
            let members = by_key.entry(reason).or_default();
            // One contact's keys come together: a repeat is the last one.
            if members.last() != Some(&i) {
                members.push(i);
            }
        }
    }
    let mut candidates: Vec<(MatchReason, Vec<usize>)> = by_key
        .into_iter()
        .filter_map(|(reason, mut members)| {
            match reason {
                MatchReason::NameAndOrganisation(_) => not_apart(&mut members, contacts, false),
                MatchReason::SameName(_) => not_apart(&mut members, contacts, true),
                _ => {}
            }
            (members.len() >= 2).then_some((reason, members))
        })
        .collect();
    candidates.sort_by(|(a, _), (b, _)| (a.rank(), a).cmp(&(b.rank(), b)));
    // The groups kept so far that each contact is in, strongest first.
    let mut groups_of: Vec<Vec<usize>> = vec![Vec::new(); contacts.len()];
    let mut kept: Vec<DuplicateGroup> = Vec::new();
    for (reason, members) in candidates {
        let covered = groups_of[members[0]]
            .iter()
            .any(|g| members.iter().all(|&m| groups_of[m].contains(g)));
        if covered {
            continue;
        }
        for &m in &members {
            groups_of[m].push(kept.len());
        }
        let mut ids: Vec<ContactId> = members.iter().map(|&m| contacts[m].0).collect();
        ids.sort_unstable();
        kept.push(DuplicateGroup {
            reason,
            members: ids,
        });
    }
    kept.sort_by(|a, b| {
        (a.members[0], a.reason.rank(), &a.reason).cmp(&(b.members[0], b.reason.rank(), &b.reason))
    });
    kept
}

fn fill<T: Clone + PartialEq>(current: Option<&T>, incoming: Option<&T>) -> Option<Option<T>> {
    match (current, incoming) {
        (None, Some(new)) => Some(Some(new.clone())),
        _ => None,
    }
}

/// What an incoming record adds to an existing contact: blank fields are
/// filled, e-mails, phones, links and tags the contact lacks are added.
/// Values the contact already has win; nothing is removed. Empty when the
/// record brings nothing new, so a re-import changes nothing.
pub fn fill_patch(existing: &Contact, incoming: &ContactDraft) -> ContactPatch {
    let text = |c: &Option<String>, i: &Option<String>| fill(c.as_ref(), i.as_ref());
    let email_keys: Vec<String> = existing.emails.iter().map(|e| e.to_lowercase()).collect();
    let phone_keys: Vec<String> = existing
        .phones
        .iter()
        .map(|p| Phone::parse(p).map_or_else(|_| p.clone(), |p| p.normalized()))
        .collect();
    let mut patch = ContactPatch {
        given_name: text(&existing.given_name, &incoming.given_name),
        family_name: text(&existing.family_name, &incoming.family_name),
        nickname: text(&existing.nickname, &incoming.nickname),
        organisation: fill(
            existing.organisation.as_ref().map(|o| &o.name),
            incoming.organisation.as_ref(),
        ),
        title: text(&existing.title, &incoming.title),
        function: text(&existing.function, &incoming.function),
        industry: text(&existing.industry, &incoming.industry),
        location: text(&existing.location, &incoming.location),
        how_met: text(&existing.how_met, &incoming.how_met),
        notes: text(&existing.notes, &incoming.notes),
        ..ContactPatch::default()
    };
    if existing.timezone.is_none() && incoming.timezone.is_some() {
        patch.timezone = Some(incoming.timezone);
    }
    if existing.birthday.is_none() && incoming.birthday.is_some() {
        patch.birthday = Some(incoming.birthday);
    }
    if existing.cadence.is_none() && incoming.cadence.is_some() {
        patch.cadence = Some(incoming.cadence);
    }
    patch.add_emails = distinct(
        incoming
            .emails
            .iter()
            .filter(|e| !email_keys.contains(&e.as_str().to_lowercase())),
        |e: &Email| e.as_str().to_lowercase(),
    );
    patch.add_phones = distinct(
        incoming
            .phones
            .iter()
            .filter(|p| !phone_keys.contains(&p.normalized())),
        Phone::normalized,
    );
    patch.add_links = distinct(
        incoming
            .links
            .iter()
            .filter(|l| !existing.links.iter().any(|s| s.url == l.url())),
        |l: &Link| l.url().to_owned(),
    );
    patch.add_tags = distinct(
        incoming
            .tags
            .iter()
            .filter(|t| !existing.tags.iter().any(|s| s == t.as_str())),
        |t: &TagName| t.as_str().to_owned(),
    );
    // Within each list's limit: what does not fit is left out.
    let room = |has: usize, max: usize| max.saturating_sub(has);
    patch
        .add_emails
        .truncate(room(existing.emails.len(), MAX_EMAILS));
    patch
        .add_phones
        .truncate(room(existing.phones.len(), MAX_PHONES));
    patch
        .add_links
        .truncate(room(existing.links.len(), MAX_LINKS));
    patch.add_tags.truncate(room(existing.tags.len(), MAX_TAGS));
    patch
}

fn distinct<'a, T: Clone + 'a>(
    values: impl Iterator<Item = &'a T>,
    key: impl Fn(&T) -> String,
) -> Vec<T> {
    let mut seen = HashSet::new();
    values.filter(|v| seen.insert(key(v))).cloned().collect()
}

/// Folds a second record about the same person into a first one that is not
/// stored yet (two rows of one file): the same rule as [`fill_patch`].
pub fn absorb(into: &mut ContactDraft, other: &ContactDraft) {
    fn keep<T: Clone>(slot: &mut Option<T>, other: &Option<T>) {
        if slot.is_none() {
            slot.clone_from(other);
        }
    }
    keep(&mut into.given_name, &other.given_name);
    keep(&mut into.family_name, &other.family_name);
    keep(&mut into.nickname, &other.nickname);
    keep(&mut into.organisation, &other.organisation);
    keep(&mut into.title, &other.title);
    keep(&mut into.function, &other.function);
    keep(&mut into.industry, &other.industry);
    keep(&mut into.location, &other.location);
    keep(&mut into.timezone, &other.timezone);
    keep(&mut into.birthday, &other.birthday);
    keep(&mut into.how_met, &other.how_met);
    keep(&mut into.notes, &other.notes);
    keep(&mut into.cadence, &other.cadence);
    keep(&mut into.uid, &other.uid);
    add_missing(&mut into.emails, &other.emails, MAX_EMAILS, |e| {
        e.as_str().to_lowercase()
    });
    add_missing(
        &mut into.phones,
        &other.phones,
        MAX_PHONES,
        Phone::normalized,
    );
    add_missing(&mut into.links, &other.links, MAX_LINKS, |l| {
        l.url().to_owned()
    });
    add_missing(&mut into.tags, &other.tags, MAX_TAGS, |t| {
        t.as_str().to_owned()
    });
}

/// Adds the values of `other` that `into` lacks (by `key`), while `into`
/// holds fewer than `max`; linear, by hashing.
fn add_missing<T: Clone>(into: &mut Vec<T>, other: &[T], max: usize, key: impl Fn(&T) -> String) {
    let mut seen: HashSet<String> = into.iter().map(&key).collect();
    for v in other {
        if into.len() >= max {
            break;
        }
        if seen.insert(key(v)) {
            into.push(v.clone());
        }
    }
}

#[cfg(test)]
#[path = "duplicates_tests.rs"]
mod tests;
