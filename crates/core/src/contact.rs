//! People in the contact book.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use crate::ids::{ContactId, OrganisationId};
use crate::values::{Birthday, Cadence, ContactName, Email, Link, Phone, TagName, TimeZone};

/// The most tags one contact carries.
pub const MAX_TAGS: usize = 100;
/// The most e-mail addresses one contact carries.
pub const MAX_EMAILS: usize = 50;
/// The most phone numbers one contact carries.
pub const MAX_PHONES: usize = 50;
/// The most links one contact carries.
pub const MAX_LINKS: usize = 50;

/// A list a contact holds, each with its limit (so no page or request does
/// work that grows with an unbounded list of one contact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Emails,
    Phones,
    Links,
    Tags,
}

impl List {
    pub const ALL: [List; 4] = [List::Emails, List::Phones, List::Links, List::Tags];

    /// The most one contact may carry.
    pub fn max(self) -> usize {
        match self {
            List::Emails => MAX_EMAILS,
            List::Phones => MAX_PHONES,
            List::Links => MAX_LINKS,
            List::Tags => MAX_TAGS,
        }
    }

    /// The list in words: "e-mails".
    pub fn word(self) -> &'static str {
        match self {
            List::Emails => "e-mails",
            List::Phones => "phones",
            List::Links => "links",
            List::Tags => "tags",
        }
    }
}

/// A contact that would carry more of a list than allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooMany {
    pub list: List,
    /// How many it would carry.
    pub count: usize,
}

impl TooMany {
    /// "at most 100 tags on one contact (101 given)".
    pub fn message(&self) -> String {
        format!(
            "at most {} {} on one contact ({} given)",
            self.list.max(),
            self.list.word(),
            self.count
        )
    }
}

/// How many different values `values` holds, each compared by `key`.
fn distinct<T>(values: impl IntoIterator<Item = T>, key: impl Fn(T) -> String) -> HashSet<String> {
    values.into_iter().map(key).collect()
}

/// Everything a new contact can carry, already validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactDraft {
    pub name: Option<ContactName>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub emails: Vec<Email>,
    pub phones: Vec<Phone>,
    pub links: Vec<Link>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<TimeZone>,
    pub birthday: Option<Birthday>,
    pub how_met: Option<String>,
    pub introduced_by: Option<ContactId>,
    pub tags: Vec<TagName>,
    pub notes: Option<String>,
    pub cadence: Option<Cadence>,
    /// A stable identifier kept from an import (vCard UID); generated when absent.
    pub uid: Option<String>,
}

impl ContactDraft {
    /// The first list that holds more than its limit allows.
    pub fn too_many(&self) -> Option<TooMany> {
        List::ALL.into_iter().find_map(|list| {
            let count = self.count(list);
            (count > list.max()).then_some(TooMany { list, count })
        })
    }

    /// Drops what goes beyond each list's limit (the first ones are kept),
    /// saying for each list how many there were: an import keeps the person
    /// and leaves the excess out.
    pub fn keep_within_limits(&mut self) -> Vec<TooMany> {
        let mut cut = Vec::new();
        for list in List::ALL {
            let count = self.count(list);
            if count > list.max() {
                match list {
                    List::Emails => self.emails.truncate(list.max()),
                    List::Phones => self.phones.truncate(list.max()),
                    List::Links => self.links.truncate(list.max()),
                    List::Tags => self.tags.truncate(list.max()),
                }
                cut.push(TooMany { list, count });
            }
        }
        cut
    }

    fn count(&self, list: List) -> usize {
        match list {
            List::Emails => self.emails.len(),
            List::Phones => self.phones.len(),
            List::Links => self.links.len(),
            List::Tags => self.tags.len(),
        }
    }
}

/// A change to a contact. `None` leaves a field alone; `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactPatch {
    pub name: Option<ContactName>,
    pub given_name: Option<Option<String>>,
    pub family_name: Option<Option<String>>,
    pub nickname: Option<Option<String>>,
    pub add_emails: Vec<Email>,
    pub remove_emails: Vec<Email>,
    pub add_phones: Vec<Phone>,
    pub remove_phones: Vec<Phone>,
    pub add_links: Vec<Link>,
    pub remove_links: Vec<Link>,
    pub organisation: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub function: Option<Option<String>>,
    pub industry: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub timezone: Option<Option<TimeZone>>,
    pub birthday: Option<Option<Birthday>>,
    pub how_met: Option<Option<String>>,
    pub introduced_by: Option<Option<ContactId>>,
    pub add_tags: Vec<TagName>,
    pub remove_tags: Vec<TagName>,
    pub notes: Option<Option<String>>,
    pub cadence: Option<Option<Cadence>>,
    pub archived: Option<bool>,
}

impl ContactPatch {
    pub fn is_empty(&self) -> bool {
        *self == ContactPatch::default()
    }

    /// The first list `contact` would hold more of than allowed once this
    /// change is made (what it has, plus what is added, less what is
    /// removed, each value once). Only a list the change adds to is checked,
    /// so a contact stored before the limits can still lose values.
    pub fn too_many(&self, contact: &Contact) -> Option<TooMany> {
        let after = |list: List| -> usize {
            let (mut has, add, remove) = match list {
                List::Emails => {
                    let key = |e: &str| e.to_lowercase();
                    (
                        distinct(contact.emails.iter(), |e| key(e)),
                        distinct(self.add_emails.iter(), |e| key(e.as_str())),
                        distinct(self.remove_emails.iter(), |e| key(e.as_str())),
                    )
                }
                List::Phones => {
                    let key =
                        |p: &str| Phone::parse(p).map_or_else(|_| p.to_owned(), |p| p.normalized());
                    (
                        distinct(contact.phones.iter(), |p| key(p)),
                        distinct(self.add_phones.iter(), Phone::normalized),
                        distinct(self.remove_phones.iter(), Phone::normalized),
                    )
                }
                List::Links => (
                    distinct(contact.links.iter(), |l| l.url.clone()),
                    distinct(self.add_links.iter(), |l| l.url().to_owned()),
                    distinct(self.remove_links.iter(), |l| l.url().to_owned()),
                ),
                List::Tags => (
                    distinct(contact.tags.iter(), Clone::clone),
                    distinct(self.add_tags.iter(), |t| t.as_str().to_owned()),
                    distinct(self.remove_tags.iter(), |t| t.as_str().to_owned()),
                ),
            };
            if add.is_empty() {
                return 0;
            }
            has.extend(add);
            has.retain(|v| !remove.contains(v));
            has.len()
        };
        List::ALL.into_iter().find_map(|list| {
            let count = after(list);
            (count > list.max()).then_some(TooMany { list, count })
        })
    }
}

/// Another contact, by id and name, as shown next to the one being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRef {
    pub id: ContactId,
    pub name: String,
}

/// A contact as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub uid: String,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub links: Vec<StoredLink>,
    pub organisation: Option<Organisation>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<String>,
    pub how_met: Option<String>,
    pub introduced_by: Option<ContactRef>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub cadence: Option<Cadence>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change to the contact or its e-mails, phones,
    /// links and tags; the CardDAV ETag is derived from it.
    pub revision: i64,
}

impl Contact {
    /// A strong HTTP entity tag for the current revision.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.revision)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink {
    pub url: String,
    pub kind: String,
}

/// An organisation someone works for; one of them may be the user's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub is_mine: bool,
}

/// One line of a contact list.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactSummary {
    pub id: ContactId,
    pub name: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub tags: Vec<String>,
    pub archived: bool,
}

/// Which contacts `list` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFilter {
    pub tag: Option<TagName>,
    pub organisation: Option<String>,
    pub function: Option<String>,
    pub archived: ArchivedFilter,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArchivedFilter {
    #[default]
    Active,
    Archived,
    All,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(n: usize) -> Vec<TagName> {
        (0..n)
            .map(|i| TagName::parse(&format!("tag-{i}")).unwrap())
            .collect()
    }

    fn stored(tag_count: usize) -> Contact {
        let now = Utc::now();
        Contact {
            id: ContactId(1),
            uid: "u".into(),
            name: "Jane Doe".into(),
            given_name: None,
            family_name: None,
            nickname: None,
            emails: vec!["jane@example.com".into()],
            phones: Vec::new(),
            links: Vec::new(),
            organisation: None,
            title: None,
            function: None,
            industry: None,
            location: None,
            timezone: None,
            birthday: None,
            how_met: None,
            introduced_by: None,
            tags: tags(tag_count)
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect(),
            notes: None,
            cadence: None,
            snoozed_until: None,
            archived: false,
            created_at: now,
            updated_at: now,
            revision: 1,
        }
    }

    #[test]
    fn a_draft_holds_at_most_each_lists_limit() {
        let mut draft = ContactDraft {
            tags: tags(MAX_TAGS),
            ..ContactDraft::default()
        };
        assert_eq!(draft.too_many(), None);
        draft.tags = tags(MAX_TAGS + 1);
        let too_many = draft.too_many().unwrap();
        assert_eq!(
            too_many,
            TooMany {
                list: List::Tags,
                count: MAX_TAGS + 1
            }
        );
        assert_eq!(
            too_many.message(),
            "at most 100 tags on one contact (101 given)"
        );
        draft.emails = (0..=MAX_EMAILS)
            .map(|i| Email::parse(&format!("p{i}@example.com")).unwrap())
            .collect();
        assert_eq!(draft.too_many().unwrap().list, List::Emails);
    }

    #[test]
    fn an_import_keeps_the_first_values_within_the_limits() {
        let mut draft = ContactDraft {
            tags: tags(250),
            links: (0..60)
                .map(|i| Link::parse(&format!("https://example.com/{i}")).unwrap())
                .collect(),
            ..ContactDraft::default()
        };
        let cut = draft.keep_within_limits();
        assert_eq!(
            cut,
            [
                TooMany {
                    list: List::Links,
                    count: 60
                },
                TooMany {
                    list: List::Tags,
                    count: 250
                }
            ]
        );
        assert_eq!(draft.tags.len(), MAX_TAGS);
        assert_eq!(draft.tags[99].as_str(), "tag-99");
        assert_eq!(draft.links.len(), MAX_LINKS);
        assert_eq!(draft.too_many(), None);
        assert!(draft.keep_within_limits().is_empty());
    }

    #[test]
    fn a_change_counts_what_the_contact_will_hold() {
        let full = stored(MAX_TAGS);
        let add = |names: &[&str]| ContactPatch {
            add_tags: names.iter().map(|n| TagName::parse(n).unwrap()).collect(),
            ..ContactPatch::default()
        };
        assert_eq!(
            add(&["new"]).too_many(&full),
            Some(TooMany {
                list: List::Tags,
                count: MAX_TAGS + 1
            })
        );
        // A tag it already has, or one in place of another, fits.
        assert_eq!(add(&["tag-3"]).too_many(&full), None);
        let swap = ContactPatch {
            remove_tags: vec![TagName::parse("tag-0").unwrap()],
            ..add(&["new"])
        };
        assert_eq!(swap.too_many(&full), None);
        // A contact over the limit (stored before it) can still lose tags
        // and change other fields.
        let over = stored(MAX_TAGS + 20);
        let fewer = ContactPatch {
            remove_tags: vec![TagName::parse("tag-0").unwrap()],
            title: Some(Some("CTO".into())),
            ..ContactPatch::default()
        };
        assert_eq!(fewer.too_many(&over), None);
        // E-mails compare without case.
        let same = ContactPatch {
            add_emails: vec![Email::parse("JANE@example.com").unwrap()],
            ..ContactPatch::default()
        };
        assert_eq!(same.too_many(&full), None);
    }
}
