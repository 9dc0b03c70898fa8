use chrono::NaiveDate;
use kith_core::contact::ContactDraft;
use kith_core::ids::ContactId;
use kith_core::rules::duplicates::duplicate_groups;
use kith_core::values::{Link, Phone};
use kith_store::{ContactEvent, ImportOutcome, ImportRecord, ImportRun, Resemblance};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::{email, named, tag};

fn record(key: &str, fingerprint: &str, draft: ContactDraft) -> ImportRecord {
    ImportRecord {
        key: key.into(),
        fingerprint: fingerprint.into(),
        draft,
        card: None,
        events: Vec::new(),
    }
}

fn jane() -> ContactDraft {
    ContactDraft {
        emails: vec![email("jane@acme.example")],
        organisation: Some("Acme".into()),
        ..named("Jane Doe")
    }
}

fn connected(on: &str) -> Vec<ContactEvent> {
    vec![ContactEvent {
        on: NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap(),
        kind: "linkedin-connected".into(),
    }]
}

#[rstest]
#[tokio::test]
async fn a_reimport_changes_nothing(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let mut bob = ContactDraft {
        links: vec![Link::parse("linkedin.com/in/bob").unwrap()],
        ..named("Bob Roe")
    };
    bob.tags = vec![tag("linkedin")];
    let records = vec![
        ImportRecord {
            card: Some("BEGIN:VCARD\r\nFN:Jane Doe\r\nX-FOO:bar\r\nEND:VCARD\r\n".into()),
            events: connected("2020-10-05"),
            ..record("a", "1", jane())
        },
        record("b", "1", bob),
    ];
    let first = db
        .store
        .import_contacts(user, &records, &run("test", false))
        .await
        .unwrap();
    let ids: Vec<_> = first
        .iter()
        .map(|o| match o {
            ImportOutcome::Created { id: Some(id), .. } => *id,
            other => panic!("{other:?}"),
        })
        .collect();
    let (jane_now, card) = db.store.contact_with_card(user, ids[0]).await.unwrap();
    assert!(card.unwrap().contains("X-FOO:bar"));
    assert_eq!(
        db.store.contact_events(user, ids[0]).await.unwrap(),
        connected("2020-10-05")
    );
    let (_, position) = db.store.contact_changes(user, 0).await.unwrap();

    let again = db
        .store
        .import_contacts(user, &records, &run("test", false))
        .await
        .unwrap();
    assert_eq!(
        again,
        vec![
            ImportOutcome::Unchanged(ids[0]),
            ImportOutcome::Unchanged(ids[1])
        ]
    );
    // A changed record with nothing new for the contact is still a no-op.
    let mut changed = records.clone();
    changed[0].fingerprint = "2".into();
    let third = db
        .store
        .import_contacts(user, &changed, &run("test", false))
        .await
        .unwrap();
    assert_eq!(third[0], ImportOutcome::Unchanged(ids[0]));
    let (after, _) = db.store.contact_with_card(user, ids[0]).await.unwrap();
    assert_eq!(after.revision, jane_now.revision);
    assert_eq!(db.store.contact_changes(user, 0).await.unwrap().1, position);
    db.finish().await;
}

fn run(source: &str, dry_run: bool) -> ImportRun<'_> {
    ImportRun {
        source,
        dry_run,
        progress: &|_| {},
        merge_card: &|_, _| None,
        now: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
    }
}

fn person(name: &str, mail: &str, phone: &str) -> ContactDraft {
    ContactDraft {
        emails: vec![email(mail)],
        phones: vec![Phone::parse(phone).unwrap()],
        ..named(name)
    }
}

#[rstest]
#[tokio::test]
async fn records_merge_into_the_contact_they_match(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let existing = db
        .store
        .add_contact(user, &jane(), chrono::Utc::now())
        .await
        .unwrap();
    let before = db.store.contact(user, existing).await.unwrap();
    // The same name (folded) with the same e-mail is the same person.
    let by_name_and_email = ContactDraft {
        emails: vec![email("JANE@acme.example")],
        phones: vec![Phone::parse("+1 555 010 2000").unwrap()],
        title: Some("CTO".into()),
        ..named("jane  DOE")
    };
    let carol = person("Carol Poe", "carol@poe.example", "+44 20 7946 0000");
    let records = vec![
        record("x", "1", by_name_and_email),
        record("y", "1", carol.clone()),
        record(
            "z",
            "1",
            ContactDraft {
                phones: vec![Phone::parse("+44 20 7946 0999").unwrap()],
                ..carol
            },
        ),
    ];
    let preview = db
        .store
        .import_contacts(user, &records, &run("test", true))
        .await
        .unwrap();
    assert!(matches!(preview[0], ImportOutcome::Merged { into: Some(id), .. } if id == existing));
    assert_eq!(
        preview[1],
        ImportOutcome::Created {
            id: None,
            resembles: None
        }
    );
    assert!(matches!(
        preview[2],
        ImportOutcome::Merged {
            with_record: Some(1),
            ..
        }
    ));
    assert_eq!(
        db.store
            .count_contacts(user, Default::default())
            .await
            .unwrap(),
        1
    );
    assert_eq!(db.store.contact(user, existing).await.unwrap(), before);

    let done = db
        .store
        .import_contacts(user, &records, &run("test", false))
        .await
        .unwrap();
    let ImportOutcome::Merged { reason, .. } = &done[0] else {
        panic!("{done:?}")
    };
    assert_eq!(
        reason,
        "same name and e-mail (jane doe <jane@acme.example>)"
    );
    let merged = db.store.contact(user, existing).await.unwrap();
    assert_eq!(merged.name, "Jane Doe", "what the contact had wins");
    assert_eq!(merged.title.as_deref(), Some("CTO"), "blanks are filled");
    assert_eq!(merged.phones, ["+1 555 010 2000"]);
    assert_eq!(merged.revision, before.revision + 1);
    let ImportOutcome::Created {
        id: Some(carol),
        resembles: None,
    } = done[1]
    else {
        panic!("{done:?}")
    };
    assert_eq!(
        db.store.contact(user, carol).await.unwrap().phones,
        ["+44 20 7946 0000", "+44 20 7946 0999"]
    );
    assert_eq!(
        db.store
            .count_contacts(user, Default::default())
            .await
            .unwrap(),
        2
    );
    db.finish().await;
}

/// A company switchboard shared by two colleagues, and a family address
/// shared by a couple: two people each, whether they arrive in one file or
/// in two imports one after the other. Each pair is created apart, the
/// outcome names the contact it looks like, and `kith duplicates` lists it.
#[rstest]
#[tokio::test]
async fn a_shared_phone_or_family_email_never_merges_two_people(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let one_file = vec![
        record(
            "ann",
            "1",
            person("Ann Lee", "ann@acme.example", "+1 555 010 0000"),
        ),
        record(
            "raj",
            "1",
            person("Raj Patel", "raj@acme.example", "+1 (555) 010-0000"),
        ),
        record(
            "sam",
            "1",
            person("Sam Poe", "family@poe.example", "+44 20 7946 0001"),
        ),
        record(
            "kim",
            "1",
            person("Kim Poe", "FAMILY@poe.example", "+44 20 7946 0002"),
        ),
    ];
    let switchboard = "same phone +15550100000";
    let family = "same e-mail family@poe.example";

    let preview = db
        .store
        .import_contacts(user, &one_file, &run("first", true))
        .await
        .unwrap();
    let alike = |outcome: &ImportOutcome| match outcome {
        ImportOutcome::Created { resembles, .. } => resembles.clone(),
        other => panic!("a new contact expected, not {other:?}"),
    };
    assert_eq!(alike(&preview[0]), None);
    assert_eq!(
        alike(&preview[1]),
        Some(Resemblance {
            contact: None,
            record: Some(0),
            reason: switchboard.into()
        })
    );
    assert_eq!(
        alike(&preview[3]),
        Some(Resemblance {
            contact: None,
            record: Some(2),
            reason: family.into()
        })
    );

    let first = db
        .store
        .import_contacts(user, &one_file, &run("first", false))
        .await
        .unwrap();
    let ids: Vec<ContactId> = first
        .iter()
        .map(|o| match o {
            ImportOutcome::Created { id: Some(id), .. } => *id,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        alike(&first[1]),
        Some(Resemblance {
            contact: Some(ids[0]),
            record: Some(0),
            reason: switchboard.into()
        })
    );
    assert_eq!(alike(&first[3]).unwrap().contact, Some(ids[2]));
    for (id, name) in ids
        .iter()
        .zip(["Ann Lee", "Raj Patel", "Sam Poe", "Kim Poe"])
    {
        let contact = db.store.contact(user, *id).await.unwrap();
        assert_eq!(contact.name, name);
        assert_eq!(contact.emails.len(), 1, "{contact:?}");
        assert_eq!(contact.phones.len(), 1, "{contact:?}");
    }

    // A second file, imported after the first: the same, against the book.
    let later = vec![
        record(
            "lee",
            "1",
            person("Lee Chen", "lee@acme.example", "+1 555 010 0000"),
        ),
        record(
            "max",
            "1",
            person("Max Poe", "family@poe.example", "+44 20 7946 0003"),
        ),
    ];
    let second = db
        .store
        .import_contacts(user, &later, &run("second", false))
        .await
        .unwrap();
    assert_eq!(
        alike(&second[0]),
        Some(Resemblance {
            contact: Some(ids[0]),
            record: None,
            reason: switchboard.into()
        })
    );
    assert_eq!(
        alike(&second[1]),
        Some(Resemblance {
            contact: Some(ids[2]),
            record: None,
            reason: family.into()
        })
    );
    assert_eq!(
        db.store
            .count_contacts(user, Default::default())
            .await
            .unwrap(),
        6
    );
    let suggested: Vec<(Vec<ContactId>, String)> =
        duplicate_groups(&db.store.match_keys(user).await.unwrap())
            .into_iter()
            .map(|g| (g.members, g.reason.to_string()))
            .collect();
    let lee = second_id(&second[0]);
    let max = second_id(&second[1]);
    assert_eq!(
        suggested,
        [
            (vec![ids[0], ids[1], lee], switchboard.to_owned()),
            (vec![ids[2], ids[3], max], family.to_owned()),
        ]
    );
    db.finish().await;
}

fn second_id(outcome: &ImportOutcome) -> ContactId {
    match outcome {
        ImportOutcome::Created { id: Some(id), .. } => *id,
        other => panic!("{other:?}"),
    }
}

#[rstest]
#[tokio::test]
async fn imports_never_touch_another_users_contacts(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    db.store
        .add_contact(ann, &jane(), chrono::Utc::now())
        .await
        .unwrap();
    let out = db
        .store
        .import_contacts(bob, &[record("a", "1", jane())], &run("test", false))
        .await
        .unwrap();
    assert!(
        matches!(
            out[0],
            ImportOutcome::Created {
                id: Some(_),
                resembles: None
            }
        ),
        "{out:?}"
    );
    assert!(db.store.match_keys(bob).await.unwrap().len() == 1);
    db.finish().await;
}

/// What `kith export csv` and CardDAV listings read: every contact id of a
/// user, and those contacts loaded together, each exactly as `contact`
/// loads it alone, in the order asked; another user's ids are left out.
#[rstest]
#[tokio::test]
async fn contacts_load_together_as_they_load_alone(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let other = db.user("olga").await;
    let jane = db
        .store
        .add_contact(user, &jane(), chrono::Utc::now())
        .await
        .unwrap();
    let bob = db
        .store
        .add_contact(
            user,
            &ContactDraft {
                phones: vec![Phone::parse("+44 20 7946 0958").unwrap()],
                links: vec![Link::parse("linkedin.com/in/bob").unwrap()],
                tags: vec![tag("mentor"), tag("product")],
                notes: Some("=HYPERLINK(\"x\")".into()),
                introduced_by: Some(jane),
                birthday: Some(kith_core::values::Birthday::parse("--12-03").unwrap()),
                ..named("Bob Roe")
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let theirs = db
        .store
        .add_contact(other, &named("Olga's"), chrono::Utc::now())
        .await
        .unwrap();
    let ids = db.store.contact_ids(user).await.unwrap();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&jane) && ids.contains(&bob) && !ids.contains(&theirs));

    let loaded = db
        .store
        .contacts_with_cards(user, &[bob, theirs, jane])
        .await
        .unwrap();
    let got: Vec<_> = loaded.iter().map(|(c, _)| c.id).collect();
    assert_eq!(got, [bob, jane], "the order asked, without another user's");
    for (contact, card) in &loaded {
        assert_eq!(*contact, db.store.contact(user, contact.id).await.unwrap());
        assert!(card.is_none());
    }
    let bob = &loaded[0].0;
    assert_eq!(bob.phones, ["+44 20 7946 0958"]);
    assert_eq!(bob.tags, ["mentor", "product"]);
    assert_eq!(bob.introduced_by.as_ref().unwrap().name, "Jane Doe");
    assert!(
        db.store
            .contacts_with_cards(other, &[bob.id])
            .await
            .unwrap()
            .is_empty()
    );
}

/// Two cards of one file with different UIDs are two records to the file's
/// source, whatever else they share: the second is created apart and named
/// as looking like the first (Kith's own export of two contacts named alike
/// with the same e-mail reads back as two). The same UID still merges.
#[rstest]
#[tokio::test]
async fn cards_with_different_uids_in_one_file_stay_two(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let card = |uid: &str, phone: &str| ContactDraft {
        uid: Some(uid.into()),
        ..person("Snow Leopard", "snow@example.com", phone)
    };
    let file = vec![
        record("uid:one", "1", card("one", "+1 555 010 0001")),
        record(
            "uid:one:ABPerson",
            "1",
            card("one:ABPerson", "+1 555 010 0002"),
        ),
        record("uid:one-again", "1", card("one", "+1 555 010 0003")),
    ];
    let outcomes = db
        .store
        .import_contacts(user, &file, &run("vcard", false))
        .await
        .unwrap();
    let first = match &outcomes[0] {
        ImportOutcome::Created { id: Some(id), .. } => *id,
        other => panic!("{other:?}"),
    };
    match &outcomes[1] {
        ImportOutcome::Created {
            id: Some(id),
            resembles: Some(like),
        } => {
            assert_ne!(*id, first);
            assert_eq!(like.contact, Some(first));
            assert_eq!(
                like.reason,
                "same name and e-mail (snow leopard <snow@example.com>)"
            );
        }
        other => panic!("created apart, looking like the first: {other:?}"),
    }
    assert!(
        matches!(&outcomes[2], ImportOutcome::Merged { .. }),
        "the same UID is the same person: {:?}",
        outcomes[2]
    );
    assert_eq!(
        db.store
            .count_contacts(user, Default::default())
            .await
            .unwrap(),
        2
    );
    db.finish().await;
}
