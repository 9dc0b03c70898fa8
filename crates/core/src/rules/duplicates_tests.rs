//! The duplicate rules' tests, beside `duplicates.rs` to keep it short.

use super::*;
use crate::values::ContactName;

fn draft(name: &str) -> ContactDraft {
    ContactDraft {
        name: Some(ContactName::parse(name).unwrap()),
        ..ContactDraft::default()
    }
}

#[test]
fn linkedin_urls_fold_to_one_key() {
    for url in [
        "https://www.linkedin.com/in/Jane-Doe/",
        "http://linkedin.com/in/jane-doe",
        "linkedin.com/in/jane-doe?trk=x",
    ] {
        assert_eq!(linkedin_key(url), "linkedin.com/in/jane-doe", "{url}");
    }
}

#[test]
fn name_needs_an_organisation() {
    assert_eq!(name_org_key("Jane Doe", None), None);
    assert_eq!(
        name_org_key(" Jáne  DOE", Some("Acme ")).as_deref(),
        Some("jane doe @ acme")
    );
}

#[test]
fn only_an_identity_merges() {
    let mut index = MatchIndex::default();
    let mut a = draft("Jane Doe");
    a.organisation = Some("Acme".into());
    index.insert(1, &MatchKeys::of_draft(&a));
    let mut b = draft("Bob Roe");
    b.emails = vec![Email::parse("jane@acme.example").unwrap()];
    index.insert(2, &MatchKeys::of_draft(&b));

    // Bob's e-mail under Jane's name: alike, not the same person.
    let mut probe = draft("Jane Doe");
    probe.organisation = Some("ACME".into());
    probe.emails = vec![Email::parse("JANE@acme.example").unwrap()];
    let keys = MatchKeys::of_draft(&probe);
    assert_eq!(index.find(&keys), None);
    assert_eq!(
        index.resembles(&keys),
        Some((2, MatchReason::Email("jane@acme.example".into())))
    );

    probe.emails.clear();
    let keys = MatchKeys::of_draft(&probe);
    assert_eq!(index.find(&keys), None);
    assert!(matches!(
        index.resembles(&keys),
        Some((1, MatchReason::NameAndOrganisation(_)))
    ));

    // The same name with the same e-mail is the same person.
    let mut bob = draft("bob  ROE");
    bob.emails = vec![Email::parse("Jane@Acme.example").unwrap()];
    assert_eq!(
        index.find(&MatchKeys::of_draft(&bob)),
        Some((
            2,
            MatchReason::NameAndEmail("bob roe <jane@acme.example>".into())
        ))
    );
    assert!(
        index
            .find(&MatchKeys::of_draft(&draft("Jane Doe")))
            .is_none()
    );
}

#[test]
fn a_switchboard_or_a_family_address_never_merges_two_names() {
    let person = |name: &str, email: &str, phone: &str| {
        let mut d = draft(name);
        d.emails = vec![Email::parse(email).unwrap()];
        d.phones = vec![Phone::parse(phone).unwrap()];
        MatchKeys::of_draft(&d)
    };
    let mut index = MatchIndex::default();
    index.insert(1, &person("Ann Lee", "ann@acme.example", "+1 555 010 0000"));
    index.insert(
        2,
        &person("Sam Poe", "family@poe.example", "+44 20 7946 0001"),
    );
    let switchboard = person("Raj Patel", "raj@acme.example", "+1 (555) 010-0000");
    assert_eq!(index.find(&switchboard), None);
    assert_eq!(
        index.resembles(&switchboard),
        Some((1, MatchReason::Phone("+15550100000".into())))
    );
    let spouse = person("Kim Poe", "FAMILY@poe.example", "+44 20 7946 0002");
    assert_eq!(index.find(&spouse), None);
    assert_eq!(
        index.resembles(&spouse),
        Some((2, MatchReason::Email("family@poe.example".into())))
    );
}

#[test]
fn a_uid_or_a_profile_is_an_identity_whatever_the_name() {
    let mut index = MatchIndex::default();
    let mut a = draft("Jane Doe");
    a.uid = Some("card-1".into());
    a.links = vec![Link::parse("https://linkedin.com/in/jane-doe").unwrap()];
    index.insert(1, &MatchKeys::of_draft(&a));
    let mut by_uid = draft("J. D.");
    by_uid.uid = Some("card-1".into());
    assert_eq!(
        index.find(&MatchKeys::of_draft(&by_uid)),
        Some((1, MatchReason::Uid("card-1".into())))
    );
    let mut by_profile = draft("Jane Doe-Smith");
    by_profile.links = vec![Link::parse("www.linkedin.com/in/Jane-Doe/").unwrap()];
    assert_eq!(
        index.find(&MatchKeys::of_draft(&by_profile)),
        Some((1, MatchReason::LinkedIn("linkedin.com/in/jane-doe".into())))
    );
}

fn group(reason: MatchReason, members: &[i64]) -> DuplicateGroup {
    DuplicateGroup {
        reason,
        members: members.iter().copied().map(ContactId).collect(),
    }
}

#[test]
fn groups_carry_their_strongest_reason() {
    let mut a = draft("Jane Doe");
    a.organisation = Some("Acme".into());
    a.phones = vec![Phone::parse("+1 555 010 2000").unwrap()];
    let mut b = a.clone();
    b.phones = vec![Phone::parse("+1 (555) 0102000").unwrap()];
    let c = draft("Someone Else");
    let groups = duplicate_groups(&[
        (ContactId(3), MatchKeys::of_draft(&b)),
        (ContactId(1), MatchKeys::of_draft(&a)),
        (ContactId(2), MatchKeys::of_draft(&c)),
    ]);
    // The same name at the same organisation says nothing more about the
    // two people the phone already groups.
    assert_eq!(
        groups,
        vec![group(MatchReason::Phone("+15550102000".into()), &[1, 3])]
    );
}

#[test]
fn a_weaker_key_shared_beyond_a_stronger_group_is_a_group_of_its_own() {
    let person = |name: &str| {
        let mut d = draft(name);
        d.emails = vec![Email::parse("family@poe.example").unwrap()];
        MatchKeys::of_draft(&d)
    };
    let groups = duplicate_groups(&[
        (ContactId(1), person("Sam Poe")),
        (ContactId(2), person("Sam Poe")),
        (ContactId(3), person("Kim Poe")),
    ]);
    assert_eq!(
        groups,
        vec![
            group(
                MatchReason::NameAndEmail("sam poe <family@poe.example>".into()),
                &[1, 2]
            ),
            group(MatchReason::Email("family@poe.example".into()), &[1, 2, 3]),
        ]
    );
}

#[test]
fn the_same_name_alone_is_a_suggestion_unless_something_tells_them_apart() {
    let ada = |org: Option<&str>, profile: Option<&str>| {
        let mut d = draft("Ada Lovelace");
        d.organisation = org.map(Into::into);
        d.links = profile
            .map(|p| vec![Link::parse(p).unwrap()])
            .unwrap_or_default();
        MatchKeys::of_draft(&d)
    };
    let same = MatchReason::SameName("ada lovelace".into());
    // 3 and 4 work at different places, but each may be 1 or 2.
    let groups = duplicate_groups(&[
        (ContactId(1), ada(None, None)),
        (ContactId(2), MatchKeys::of_draft(&draft("ada  LOVELACE"))),
        (ContactId(3), ada(Some("Analytical"), None)),
        (ContactId(4), ada(Some("Babbage & Co"), None)),
    ]);
    assert_eq!(groups, vec![group(same.clone(), &[1, 2, 3, 4])]);
    // Two organisations, or two profiles, and nobody else: two people.
    let apart = duplicate_groups(&[
        (ContactId(1), ada(Some("Analytical"), None)),
        (ContactId(2), ada(Some("Babbage & Co"), None)),
        (
            ContactId(5),
            ada(None, Some("https://linkedin.com/in/ada-1")),
        ),
        (
            ContactId(6),
            ada(None, Some("https://linkedin.com/in/ada-2")),
        ),
    ]);
    assert_eq!(
        apart,
        vec![group(same.clone(), &[1, 2, 5, 6])],
        "an organisation and a profile do not tell two people apart"
    );
    let two_profiles = duplicate_groups(&[
        (
            ContactId(1),
            ada(None, Some("https://linkedin.com/in/ada-1")),
        ),
        (
            ContactId(2),
            ada(None, Some("https://linkedin.com/in/ada-2")),
        ),
        (
            ContactId(3),
            ada(Some("Analytical"), Some("https://linkedin.com/in/ada-3")),
        ),
    ]);
    assert!(two_profiles.is_empty(), "{two_profiles:?}");
    // One person told apart from every other member is left out.
    let one_out = duplicate_groups(&[
        (ContactId(1), ada(Some("Analytical"), None)),
        (
            ContactId(2),
            ada(None, Some("https://linkedin.com/in/ada-2")),
        ),
        (
            ContactId(3),
            ada(Some("Babbage & Co"), Some("https://linkedin.com/in/ada-3")),
        ),
    ]);
    assert_eq!(one_out, vec![group(same.clone(), &[1, 2])]);
    // Imports never match on a name alone.
    let mut index = MatchIndex::default();
    index.insert(ContactId(1), &ada(None, None));
    assert_eq!(index.find(&ada(None, None)), None);
    assert_eq!(
        same.to_string(),
        "same name (ada lovelace), nothing else tells them apart"
    );
}

/// 5,000 people with one name, e-mail and phone: one group of 5,000 (the
/// name and e-mail), not 12.5 million pairs. (Its time is measured by
/// bench/bounded.py, not asserted here.)
#[test]
fn many_people_alike_are_one_group() {
    let mut same = draft("Same Name");
    same.emails = vec![Email::parse("same@example.com").unwrap()];
    same.phones = vec![Phone::parse("+1 555 010 9999").unwrap()];
    let keys = MatchKeys::of_draft(&same);
    let contacts: Vec<_> = (1..=5_000).map(|i| (ContactId(i), keys.clone())).collect();
    let groups = duplicate_groups(&contacts);
    assert_eq!(
        groups.len(),
        1,
        "{:?}",
        groups.iter().map(|g| &g.reason).collect::<Vec<_>>()
    );
    assert_eq!(
        groups[0].reason,
        MatchReason::NameAndEmail("same name <same@example.com>".into())
    );
    assert_eq!(groups[0].members.len(), 5_000);
    assert_eq!(groups[0].members[4_999], ContactId(5_000));
}

#[test]
fn absorbing_keeps_both_sides() {
    let mut a = draft("Jane Doe");
    a.emails = vec![Email::parse("jane@a.example").unwrap()];
    a.title = Some("CTO".into());
    let mut b = draft("Jane D.");
    b.emails = vec![
        Email::parse("JANE@a.example").unwrap(),
        Email::parse("jd@b.example").unwrap(),
    ];
    b.title = Some("VP".into());
    b.location = Some("Berlin".into());
    absorb(&mut a, &b);
    assert_eq!(a.emails.len(), 2);
    assert_eq!(a.title.as_deref(), Some("CTO"));
    assert_eq!(a.location.as_deref(), Some("Berlin"));
    assert_eq!(a.name.unwrap().as_str(), "Jane Doe");
}
