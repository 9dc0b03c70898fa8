//! Merging two contacts that are the same person: what the kept card takes
//! from the other one.

use crate::contact::{Contact, ContactPatch};
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
}
