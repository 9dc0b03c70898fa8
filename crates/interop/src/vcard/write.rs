//! Writing a contact as a vCard over its stored original, and merging the
//! cards of two merged contacts (see the module's documentation).

use std::collections::HashSet;

use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty,
    VCardValue, VCardVersion,
};
use kith_core::contact::Contact;
use kith_core::values::{Birthday, Phone};

use super::{Role, Version, conform, names, parse_card, roles};

fn entry(name: VCardProperty, values: Vec<VCardValue>) -> VCardEntry {
    VCardEntry {
        group: None,
        name,
        params: Vec::new(),
        values,
    }
}

fn text_entry(name: VCardProperty, value: &str) -> VCardEntry {
    entry(name, vec![VCardValue::Text(value.to_owned())])
}

/// What the contact holds, in the forms a card's values are compared in.
struct Current<'a> {
    contact: &'a Contact,
    org_name: Option<&'a str>,
    email_keys: Vec<String>,
    phone_keys: Vec<String>,
}

impl<'a> Current<'a> {
    fn of(contact: &'a Contact) -> Self {
        let phone_key = |p: &str| Phone::parse(p).map_or_else(|_| p.to_owned(), |p| p.normalized());
        Current {
            contact,
            org_name: contact.organisation.as_ref().map(|o| o.name.as_str()),
            email_keys: contact.emails.iter().map(|e| e.to_lowercase()).collect(),
            phone_keys: contact.phones.iter().map(|p| phone_key(p)).collect(),
        }
    }
}

/// Which of the contact's values the original card already carries.
#[derive(Default)]
struct Kept {
    name: bool,
    n: bool,
    nickname: bool,
    org: bool,
    title: bool,
    birthday: bool,
    note: bool,
    uid: bool,
    tz: bool,
    emails: HashSet<String>,
    phones: HashSet<String>,
    links: HashSet<String>,
    tags: HashSet<String>,
}

impl Kept {
    /// Whether a property of the original card stays (unmodelled, or a
    /// value the contact still has), noting what it carries.
    // One arm per role: a table, read down rather than through.
    fn keeps(&mut self, role: Role, now: &Current) -> bool {
        let contact = now.contact;
        match role {
            Role::Version | Role::Revision => false,
            Role::Unmodelled => true,
            Role::Name(n) => {
                let keep = n.as_str() == contact.name;
                self.name |= keep;
                keep
            }
            Role::StructuredName(given, family) => {
                let keep = given == contact.given_name && family == contact.family_name;
                self.n |= keep;
                keep
            }
            Role::DerivedName(name) => {
                let keep = contact.given_name.is_none()
                    && contact.family_name.is_none()
                    && name == contact.name;
                self.n |= keep;
                keep
            }
            Role::Nickname(n) => {
                let keep = Some(&n) == contact.nickname.as_ref();
                self.nickname |= keep;
                keep
            }
            Role::Organisation(o) => {
                let keep = Some(o.as_str()) == now.org_name;
                self.org |= keep;
                keep
            }
            Role::Title(t) => {
                let keep = Some(&t) == contact.title.as_ref();
                self.title |= keep;
                keep
            }
            Role::Birthday(b) => {
                let keep = Some(b.to_string()) == contact.birthday;
                self.birthday |= keep;
                keep
            }
            Role::Note(n) => {
                let keep = Some(&n) == contact.notes.as_ref();
                self.note |= keep;
                keep
            }
            Role::Uid(u) => {
                let keep = u == contact.uid;
                self.uid |= keep;
                keep
            }
            Role::TimeZone(z) => {
                let keep = Some(z.name()) == contact.timezone.as_deref();
                self.tz |= keep;
                keep
            }
            Role::Email(e) => {
                let key = e.as_str().to_lowercase();
                let has = now.email_keys.contains(&key);
                if has {
                    self.emails.insert(key);
                }
                has
            }
            Role::Phone(p) => {
                let key = p.normalized();
                let has = now.phone_keys.contains(&key);
                if has {
                    self.phones.insert(key);
                }
                has
            }
            Role::Link(l) => {
                let url = l.url().to_owned();
                let has = contact.links.iter().any(|s| s.url == url);
                if has {
                    self.links.insert(url);
                }
                has
            }
            Role::Tags(tags) => {
                let all_kept = tags
                    .iter()
                    .all(|t| contact.tags.iter().any(|s| s == t.as_str()));
                if all_kept {
                    self.tags.extend(tags.iter().map(|t| t.as_str().to_owned()));
                }
                all_kept
            }
        }
    }
}

/// A contact as a vCard: its stored original card (if any) brought up to
/// date with what the contact holds now, valid for the version asked for
/// (`conform`). A card Kith changed carries Kith's REV (when the contact
/// last changed); one written as it came keeps the client's.
pub fn write_card(contact: &Contact, original: Option<&str>, version: Version) -> String {
    let original = original.and_then(|text| parse_card(text).ok());
    let now = Current::of(contact);
    let mut kept = Kept::default();
    let mut entries = Vec::new();
    let mut changed = original.is_none();
    let mut client_rev = None;
    if let Some(card) = &original {
        for (entry, role) in card.entries.iter().zip(roles(card)) {
            match role {
                Role::Version => {}
                Role::Revision => {
                    client_rev.get_or_insert_with(|| entry.clone());
                }
                role => {
                    let others = other_categories(entry, &role);
                    let is_modelled = role != Role::Unmodelled;
                    if kept.keeps(role, &now) && well_formed(entry) {
                        entries.push((entry.clone(), is_modelled));
                    } else {
                        changed = true;
                        entries.extend(others.map(|o| (o, false)));
                    }
                }
            }
        }
    }

    let mut added = Vec::new();
    add_names(&mut added, &now, &kept);
    add_lists(&mut added, &now, &kept);
    add_details(&mut added, &now, &kept);
    changed |= !added.is_empty();
    // New properties go after the kept ones, so the original order survives.
    entries.extend(added.into_iter().map(|a| (a, true)));
    // A property a card holds once (N, BDAY, UID…): the one Kith reads or
    // writes stays, others of its name give way.
    let modelled: Vec<VCardProperty> = entries
        .iter()
        .filter(|(_, m)| *m)
        .map(|(e, _)| e.name.clone())
        .collect();
    let mut entries: Vec<VCardEntry> = entries
        .into_iter()
        .filter(|(e, m)| {
            *m || !names::single(e.name.as_str(), version) || !modelled.contains(&e.name)
        })
        .map(|(e, _)| e)
        .collect();
    if !entries.iter().any(|e| e.name == VCardProperty::N) {
        entries.push(derived_n(contact));
    }
    match client_rev {
        Some(rev) if !changed => entries.push(rev),
        None if !changed => {}
        _ => entries.push(revision(contact)),
    }
    let card = VCard {
        entries: conform::conform(entries, version),
    };
    let mut out = String::new();
    card.write_to(&mut out, version.calcard())
        .expect("writing to a String cannot fail");
    out
}

/// The categories of a CATEGORIES that are no tag (`mentor\, pioneer`),
/// as a property of their own: what stays when the tags it carried go.
fn other_categories(entry: &VCardEntry, role: &Role) -> Option<VCardEntry> {
    if !matches!(role, Role::Tags(_)) {
        return None;
    }
    let values: Vec<VCardValue> = entry
        .values
        .iter()
        .filter(|v| {
            v.as_text()
                .is_some_and(|t| kith_core::values::TagName::parse(t).is_err())
        })
        .cloned()
        .collect();
    (!values.is_empty()).then(|| VCardEntry {
        values,
        ..entry.clone()
    })
}

/// The N of a contact without name parts, which vCard 3.0 requires: the
/// formatted name as the family part (read back as no parts).
fn derived_n(contact: &Contact) -> VCardEntry {
    let mut parts = vec![VCardValue::Text(contact.name.clone())];
    parts.resize(5, VCardValue::Text(String::new()));
    entry(VCardProperty::N, parts)
}

/// REV: when the contact last changed, in UTC.
fn revision(contact: &Contact) -> VCardEntry {
    use chrono::{Datelike, Timelike};
    let at = contact.updated_at;
    let small = |n: u32| u8::try_from(n).ok();
    entry(
        VCardProperty::Rev,
        vec![VCardValue::PartialDateTime(
            calcard::common::PartialDateTime {
                year: u16::try_from(at.year()).ok(),
                month: small(at.month()),
                day: small(at.day()),
                hour: small(at.hour()),
                minute: small(at.minute()),
                second: small(at.second()),
                tz_hour: Some(0),
                tz_minute: Some(0),
                tz_minus: false,
            },
        )],
    )
}

/// Whether an original property can be written back as it came: its name
/// and group hold no control character and no backslash. A reader forgiving
/// enough to take a line like `DESCRIPTION\x01…\nBEGIN:VCARD` must not write
/// it out again, where the escape became a line break that broke the card in
/// two. Other odd names (a folded address line read as `Sesame Street;…`)
/// write back and read again as they came, so they stay.
fn well_formed(entry: &VCardEntry) -> bool {
    let name = |n: &str| !n.is_empty() && !n.chars().any(|c| c.is_control() || c == '\\');
    let property = match &entry.name {
        VCardProperty::Other(other) => name(other),
        _ => true,
    };
    property && entry.group.as_deref().is_none_or(name)
}

/// FN, N, NICKNAME and UID, where the original did not carry them.
fn add_names(added: &mut Vec<VCardEntry>, now: &Current, kept: &Kept) {
    let contact = now.contact;
    if !kept.name {
        added.push(text_entry(VCardProperty::Fn, &contact.name));
    }
    if !kept.n && (contact.given_name.is_some() || contact.family_name.is_some()) {
        let part = |p: &Option<String>| VCardValue::Text(p.clone().unwrap_or_default());
        added.push(entry(
            VCardProperty::N,
            vec![
                part(&contact.family_name),
                part(&contact.given_name),
                part(&None),
                part(&None),
                part(&None),
            ],
        ));
    }
    if !kept.nickname
        && let Some(n) = &contact.nickname
    {
        added.push(text_entry(VCardProperty::Nickname, n));
    }
    if !kept.uid {
        added.push(text_entry(VCardProperty::Uid, &contact.uid));
    }
}

/// The e-mails, phones and links the original did not carry, in the
/// contact's order.
fn add_lists(added: &mut Vec<VCardEntry>, now: &Current, kept: &Kept) {
    let contact = now.contact;
    for (address, key) in contact.emails.iter().zip(&now.email_keys) {
        if !kept.emails.contains(key) {
            added.push(text_entry(VCardProperty::Email, address));
        }
    }
    for (number, key) in contact.phones.iter().zip(&now.phone_keys) {
        if !kept.phones.contains(key) {
            added.push(text_entry(VCardProperty::Tel, number));
        }
    }
    for link in &contact.links {
        if !kept.links.contains(&link.url) {
            let mut e = text_entry(VCardProperty::Url, &link.url);
            if link.kind == "linkedin" {
                e.params.push(VCardParameter {
                    name: VCardParameterName::Type,
                    value: VCardParameterValue::Text("linkedin".into()),
                });
            }
            added.push(e);
        }
    }
}

/// ORG, TITLE, BDAY, TZ, the new tags as one CATEGORIES, and NOTE.
fn add_details(added: &mut Vec<VCardEntry>, now: &Current, kept: &Kept) {
    let contact = now.contact;
    if !kept.org
        && let Some(o) = now.org_name
    {
        added.push(text_entry(VCardProperty::Org, o));
    }
    if !kept.title
        && let Some(t) = &contact.title
    {
        added.push(text_entry(VCardProperty::Title, t));
    }
    if !kept.birthday
        && let Some(b) = &contact.birthday
        && let Ok(b) = Birthday::parse(b)
    {
        added.push(entry(
            VCardProperty::Bday,
            vec![VCardValue::PartialDateTime(
                calcard::common::PartialDateTime {
                    year: b.year.and_then(|y| u16::try_from(y).ok()),
                    month: u8::try_from(b.month).ok(),
                    day: u8::try_from(b.day).ok(),
                    ..Default::default()
                },
            )],
        ));
    }
    if !kept.tz
        && let Some(z) = &contact.timezone
    {
        added.push(text_entry(VCardProperty::Tz, z));
    }
    let new_tags: Vec<VCardValue> = contact
        .tags
        .iter()
        .filter(|t| !kept.tags.contains(*t))
        .map(|t| VCardValue::Text(t.clone()))
        .collect();
    if !new_tags.is_empty() {
        added.push(entry(VCardProperty::Categories, new_tags));
    }
    if !kept.note
        && let Some(n) = &contact.notes
    {
        added.push(text_entry(VCardProperty::Note, n));
    }
}

/// The stored card of two merged contacts: the kept one's, with the other
/// card's properties Kith does not model (photos, addresses, `X-`
/// properties) added where the kept card lacks them. What Kith models moves
/// through the contact itself; grouped properties of the other card
/// (`item2.X-ABLabel`) are left out, since the properties they label are
/// written afresh. `None` when either card cannot be read, or when the
/// other card adds nothing (the kept text stays as it is, byte for byte).
pub fn merge_cards(kept: &str, other: &str) -> Option<String> {
    let mut card = parse_card(kept).ok()?;
    let theirs = parse_card(other).ok()?;
    let version = card.version().unwrap_or(VCardVersion::V3_0);
    let added: Vec<VCardEntry> = theirs
        .entries
        .iter()
        .zip(roles(&theirs))
        .filter(|(e, role)| {
            *role == Role::Unmodelled && e.group.is_none() && !card.entries.contains(e)
        })
        .map(|(e, _)| e.clone())
        .collect();
    if added.is_empty() {
        return None;
    }
    card.entries.extend(added);
    let mut out = String::new();
    card.write_to(&mut out, version)
        .expect("writing to a String cannot fail");
    Some(out)
}
