//! Merging two contacts that are the same person: what the kept card takes
//! from the other one.

use crate::contact::{Contact, ContactDraft, ContactPatch};
use crate::values::{Birthday, Email, Link, Phone, TagName, TimeZone};

/// The change to `keep` that merging `gone` into it makes to the card: every
/// field `keep` lacks is taken from `gone`, e-mails, phones, links and tags
/// are united (duplicates by their normal form dropped), and both notes are
/// kept. `keep`'s own values always win; nothing of `keep` is removed.
/// Introductions are left to the caller, which also repoints the rows
/// (conversations, follow-ups, goals) that name `gone`.
pub fn merged_card(keep: &Contact, gone: &Contact) -> ContactPatch {
    let take = |mine: &Option<String>, theirs: &Option<String>| match (mine, theirs) {
        (None, Some(t)) if !t.trim().is_empty() => Some(Some(t.clone())),
        _ => None,
    };
    let mut patch = ContactPatch {
        given_name: take(&keep.given_name, &gone.given_name),
        family_name: take(&keep.family_name, &gone.family_name),
        nickname: take(&keep.nickname, &gone.nickname),
        title: take(&keep.title, &gone.title),
        function: take(&keep.function, &gone.function),
        industry: take(&keep.industry, &gone.industry),
        location: take(&keep.location, &gone.location),
        how_met: take(&keep.how_met, &gone.how_met),
        ..ContactPatch::default()
    };
    if keep.organisation.is_none() {
        patch.organisation = gone.organisation.as_ref().map(|o| Some(o.name.clone()));
    }
    if keep.timezone.is_none() {
        patch.timezone = gone
            .timezone
            .as_deref()
            .and_then(|t| TimeZone::parse(t).ok())
            .map(Some);
    }
    if keep.birthday.is_none() {
        patch.birthday = gone
            .birthday
            .as_deref()
            .and_then(|b| Birthday::parse(b).ok())
            .map(Some);
    }
    if keep.cadence.is_none() && gone.cadence.is_some() {
        patch.cadence = Some(gone.cadence);
    }
    patch.notes = match (keep.notes.as_deref(), gone.notes.as_deref()) {
        (None | Some(""), Some(theirs)) if !theirs.trim().is_empty() => Some(Some(theirs.into())),
        (Some(mine), Some(theirs)) if !theirs.trim().is_empty() && !mine.contains(theirs) => {
            Some(Some(format!("{mine}\n\n{theirs}")))
        }
        _ => None,
    };

    let emails: Vec<String> = keep.emails.iter().map(|e| e.to_lowercase()).collect();
    patch.add_emails = gone
        .emails
        .iter()
        .filter(|e| !emails.contains(&e.to_lowercase()))
        .filter_map(|e| Email::parse(e).ok())
        .collect();
    let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<String>();
    let phones: Vec<String> = keep.phones.iter().map(|p| digits(p)).collect();
    patch.add_phones = gone
        .phones
        .iter()
        .filter(|p| !phones.contains(&digits(p)))
        .filter_map(|p| Phone::parse(p).ok())
        .collect();
    let links: Vec<String> = keep
        .links
        .iter()
        .map(|l| l.url.trim_end_matches('/').to_lowercase())
        .collect();
    patch.add_links = gone
        .links
        .iter()
        .filter(|l| !links.contains(&l.url.trim_end_matches('/').to_lowercase()))
        .filter_map(|l| Link::parse(&l.url).ok())
        .collect();
    patch.add_tags = gone
        .tags
        .iter()
        .filter(|t| !keep.tags.contains(t))
        .filter_map(|t| TagName::parse(t).ok())
        .collect();
    patch
}

/// The change a client's new version of a card (as a draft) makes to the
/// contact: every field a card carries takes the card's value, cleared when
/// the card lacks it, and the lists become the card's. What cards do not
/// carry (location, function, industry, rhythm, snooze, archive, who
/// introduced whom, how we met) stays.
// Long on purpose: a table of the card's fields, one paragraph per field or list.
pub fn card_replacement(current: &Contact, card: &ContactDraft) -> ContactPatch {
    fn set<T: Clone + PartialEq>(now: Option<T>, new: &Option<T>) -> Option<Option<T>> {
        (now.as_ref() != new.as_ref()).then(|| new.clone())
    }
    let mut patch = ContactPatch {
        name: card.name.clone().filter(|n| n.as_str() != current.name),
        given_name: set(current.given_name.clone(), &card.given_name),
        family_name: set(current.family_name.clone(), &card.family_name),
        nickname: set(current.nickname.clone(), &card.nickname),
        organisation: set(
            current.organisation.as_ref().map(|o| o.name.clone()),
            &card.organisation,
        ),
        title: set(current.title.clone(), &card.title),
        notes: set(current.notes.clone(), &card.notes),
        ..ContactPatch::default()
    };
    let timezone = current
        .timezone
        .as_deref()
        .and_then(|t| TimeZone::parse(t).ok());
    patch.timezone = set(timezone, &card.timezone);
    let birthday = current
        .birthday
        .as_deref()
        .and_then(|b| Birthday::parse(b).ok());
    patch.birthday = set(birthday, &card.birthday);

    let emails: Vec<String> = card
        .emails
        .iter()
        .map(|e| e.as_str().to_lowercase())
        .collect();
    patch.remove_emails = current
        .emails
        .iter()
        .filter(|e| !emails.contains(&e.to_lowercase()))
        .filter_map(|e| Email::parse(e).ok())
        .collect();
    let have: Vec<String> = current.emails.iter().map(|e| e.to_lowercase()).collect();
    patch.add_emails = card
        .emails
        .iter()
        .filter(|e| !have.contains(&e.as_str().to_lowercase()))
        .cloned()
        .collect();
    let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<String>();
    let phones: Vec<String> = card.phones.iter().map(|p| digits(p.as_str())).collect();
    patch.remove_phones = current
        .phones
        .iter()
        .filter(|p| !phones.contains(&digits(p)))
        .filter_map(|p| Phone::parse(p).ok())
        .collect();
    let have: Vec<String> = current.phones.iter().map(|p| digits(p)).collect();
    patch.add_phones = card
        .phones
        .iter()
        .filter(|p| !have.contains(&digits(p.as_str())))
        .cloned()
        .collect();
    let url = |u: &str| u.trim_end_matches('/').to_lowercase();
    let links: Vec<String> = card.links.iter().map(|l| url(l.url())).collect();
    patch.remove_links = current
        .links
        .iter()
        .filter(|l| !links.contains(&url(&l.url)))
        .filter_map(|l| Link::parse(&l.url).ok())
        .collect();
    let have: Vec<String> = current.links.iter().map(|l| url(&l.url)).collect();
    patch.add_links = card
        .links
        .iter()
        .filter(|l| !have.contains(&url(l.url())))
        .cloned()
        .collect();
    let tags: Vec<&str> = card.tags.iter().map(TagName::as_str).collect();
    patch.remove_tags = current
        .tags
        .iter()
        .filter(|t| !tags.contains(&t.as_str()))
        .filter_map(|t| TagName::parse(t).ok())
        .collect();
    patch.add_tags = card
        .tags
        .iter()
        .filter(|t| !current.tags.iter().any(|c| c == t.as_str()))
        .cloned()
        .collect();
    patch
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::contact::{Organisation, StoredLink};
    use crate::ids::{ContactId, OrganisationId};

    fn contact(id: i64, name: &str) -> Contact {
        Contact {
            id: ContactId(id),
            uid: format!("uid-{id}"),
            name: name.into(),
            given_name: None,
            family_name: None,
            nickname: None,
            emails: Vec::new(),
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
            tags: Vec::new(),
            notes: None,
            cadence: None,
            snoozed_until: None,
            archived: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            revision: 1,
        }
    }

    #[test]
    fn the_kept_card_fills_its_gaps_and_keeps_its_own_values() {
        let mut keep = contact(1, "Jane Doe");
        keep.title = Some("CTO".into());
        keep.emails = vec!["Jane@Example.com".into()];
        keep.tags = vec!["mentor".into()];
        keep.notes = Some("Met at RustConf.".into());
        let mut gone = contact(2, "Jane D.");
        gone.title = Some("Engineer".into());
        gone.location = Some("Lyon".into());
        gone.organisation = Some(Organisation {
            id: OrganisationId(7),
            name: "Acme".into(),
            is_mine: false,
        });
        gone.emails = vec!["jane@example.com".into(), "jd@acme.test".into()];
        gone.phones = vec!["+33 6 12 34 56 78".into()];
        gone.links = vec![StoredLink {
            url: "https://www.linkedin.com/in/jane-doe".into(),
            kind: "linkedin".into(),
        }];
        gone.tags = vec!["mentor".into(), "climate".into()];
        gone.notes = Some("Prefers mornings.".into());

        let patch = merged_card(&keep, &gone);
        assert_eq!(patch.title, None, "the kept title wins");
        assert_eq!(patch.location, Some(Some("Lyon".into())));
        assert_eq!(patch.organisation, Some(Some("Acme".into())));
        assert_eq!(
            patch.add_emails,
            [Email::parse("jd@acme.test").unwrap()],
            "the same address in another case is not added twice"
        );
        assert_eq!(patch.add_phones.len(), 1);
        assert_eq!(patch.add_links.len(), 1);
        assert_eq!(patch.add_tags, [TagName::parse("climate").unwrap()]);
        assert_eq!(
            patch.notes,
            Some(Some("Met at RustConf.\n\nPrefers mornings.".into()))
        );
        assert!(patch.remove_emails.is_empty() && patch.remove_tags.is_empty());
    }

    #[test]
    fn merging_a_copy_changes_nothing() {
        let mut keep = contact(1, "Jane Doe");
        keep.emails = vec!["jane@example.com".into()];
        keep.notes = Some("Same notes".into());
        let mut gone = keep.clone();
        gone.id = ContactId(2);
        assert!(merged_card(&keep, &gone).is_empty());
    }

    #[test]
    fn a_new_card_replaces_what_cards_carry_and_nothing_else() {
        let mut current = contact(1, "Jane Doe");
        current.title = Some("CTO".into());
        current.emails = vec!["jane@old.test".into(), "Jane@Keep.test".into()];
        current.how_met = Some("RustConf".into());
        current.location = Some("Paris".into());
        current.cadence = crate::values::Cadence::from_days(30);
        let card = ContactDraft {
            name: Some(crate::values::ContactName::parse("Jane Doe").unwrap()),
            emails: vec![
                Email::parse("jane@keep.test").unwrap(),
                Email::parse("jd@new.test").unwrap(),
            ],
            title: None,
            ..ContactDraft::default()
        };
        let patch = card_replacement(&current, &card);
        assert_eq!(patch.name, None, "the same name is no change");
        assert_eq!(patch.title, Some(None), "the card has no title any more");
        assert_eq!(patch.location, None, "cards do not carry a location");
        assert_eq!(
            patch.remove_emails,
            [Email::parse("jane@old.test").unwrap()]
        );
        assert_eq!(patch.add_emails, [Email::parse("jd@new.test").unwrap()]);
        assert_eq!(patch.how_met, None, "cards do not carry how we met");
        assert_eq!(patch.cadence, None, "nor the rhythm");
    }
}
