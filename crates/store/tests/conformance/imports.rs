use chrono::NaiveDate;
use kith_core::contact::ContactDraft;
use kith_core::values::{Link, Phone};
use kith_store::{ContactEvent, ImportOutcome, ImportRecord, ImportRun};
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
        .import_contacts(
            user,
            &records,
            &ImportRun {
                source: "test",
                dry_run: false,
                progress: &|_| {},
                merge_card: &|_, _| None,
                now: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    let ids: Vec<_> = first
        .iter()
        .map(|o| match o {
            ImportOutcome::Created(Some(id)) => *id,
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
        .import_contacts(
            user,
            &records,
            &ImportRun {
                source: "test",
                dry_run: false,
                progress: &|_| {},
                merge_card: &|_, _| None,
                now: chrono::Utc::now(),
            },
        )
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
        .import_contacts(
            user,
            &changed,
            &ImportRun {
                source: "test",
                dry_run: false,
                progress: &|_| {},
                merge_card: &|_, _| None,
                now: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    assert_eq!(third[0], ImportOutcome::Unchanged(ids[0]));
    let (after, _) = db.store.contact_with_card(user, ids[0]).await.unwrap();
    assert_eq!(after.revision, jane_now.revision);
    assert_eq!(db.store.contact_changes(user, 0).await.unwrap().1, position);
    db.finish().await;
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
    let by_email = ContactDraft {
        emails: vec![email("JANE@acme.example")],
        phones: vec![Phone::parse("+1 555 010 2000").unwrap()],
        title: Some("CTO".into()),
        ..named("J. Doe")
    };
    let same_file_twice = ContactDraft {
        phones: vec![Phone::parse("+44 20 7946 0000").unwrap()],
        ..named("Carol Poe")
    };
    let records = vec![
        record("x", "1", by_email),
        record("y", "1", same_file_twice.clone()),
        record(
            "z",
            "1",
            ContactDraft {
                emails: vec![email("carol@poe.example")],
                ..same_file_twice
            },
        ),
    ];
    let preview = db
        .store
        .import_contacts(
            user,
            &records,
            &ImportRun {
                source: "test",
                dry_run: true,
                progress: &|_| {},
                merge_card: &|_, _| None,
                now: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    assert!(matches!(preview[0], ImportOutcome::Merged { into: Some(id), .. } if id == existing));
    assert_eq!(preview[1], ImportOutcome::Created(None));
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
        .import_contacts(
            user,
            &records,
            &ImportRun {
                source: "test",
                dry_run: false,
                progress: &|_| {},
                merge_card: &|_, _| None,
                now: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    let ImportOutcome::Merged { reason, .. } = &done[0] else {
        panic!("{done:?}")
    };
    assert_eq!(reason, "same e-mail jane@acme.example");
    let merged = db.store.contact(user, existing).await.unwrap();
    assert_eq!(merged.name, "Jane Doe", "what the contact had wins");
    assert_eq!(merged.title.as_deref(), Some("CTO"), "blanks are filled");
    assert_eq!(merged.phones, ["+1 555 010 2000"]);
    assert_eq!(merged.revision, before.revision + 1);
    let ImportOutcome::Created(Some(carol)) = done[1] else {
        panic!("{done:?}")
    };
    assert_eq!(
        db.store.contact(user, carol).await.unwrap().emails,
        ["carol@poe.example"]
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
        .import_contacts(
            bob,
            &[record("a", "1", jane())],
            &ImportRun {
                source: "test",
                dry_run: false,
                progress: &|_| {},
                merge_card: &|_, _| None,
                now: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();
    assert!(matches!(out[0], ImportOutcome::Created(Some(_))), "{out:?}");
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
