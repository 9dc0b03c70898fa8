//! One user can never read or change another user's data.

use chrono::Utc;
use kith_core::contact::{ArchivedFilter, ContactDraft, ContactFilter, ContactPatch};
use kith_core::conversation::{Channel, NewConversation};
use kith_core::follow_up::{FollowUpKind, NewFollowUp, Owner};
use kith_store::StoreError;
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::{email, named, tag};

fn not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::NotFound { .. })),
        "{result:?}"
    );
}

#[rstest]
#[tokio::test]
async fn users_see_only_their_own(#[values(Backend::Sqlite, Backend::Postgres)] backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let eve = db.user("eve").await;
    let draft = ContactDraft {
        emails: vec![email("jane@secret.example")],
        tags: vec![tag("vip")],
        organisation: Some("Secret Co".into()),
        ..named("Jane Secret")
    };
    let jane = db
        .store
        .add_contact(ann, &draft, chrono::Utc::now())
        .await
        .unwrap();
    let talk = NewConversation::new(
        Utc::now(),
        Channel::Phone,
        None,
        "confidential merger",
        vec![jane],
    )
    .unwrap();
    let talk = db
        .store
        .log_conversation(ann, &talk, chrono::Utc::now())
        .await
        .unwrap();

    not_found(db.store.contact(eve, jane).await);
    not_found(db.store.conversation(eve, talk).await);
    not_found(
        db.store
            .update_contact(
                eve,
                jane,
                &ContactPatch {
                    archived: Some(true),
                    ..Default::default()
                },
                chrono::Utc::now(),
            )
            .await,
    );
    let theirs = NewConversation::new(Utc::now(), Channel::Phone, None, "", vec![jane]).unwrap();
    not_found(
        db.store
            .log_conversation(eve, &theirs, chrono::Utc::now())
            .await,
    );
    let intro = ContactDraft {
        introduced_by: Some(jane),
        ..named("Eve's friend")
    };
    not_found(db.store.add_contact(eve, &intro, chrono::Utc::now()).await);
    let task = NewFollowUp {
        contact: jane,
        conversation: None,
        owner: Owner::Me,
        kind: FollowUpKind::Task,
        title: "x".into(),
        due_on: None,
        loop_back: false,
        parent: None,
        subject: None,
    };
    not_found(db.store.add_follow_up(eve, &task, chrono::Utc::now()).await);
    let task = NewFollowUp {
        conversation: Some(talk),
        ..task
    };
    let own = db
        .store
        .add_contact(eve, &named("Own"), chrono::Utc::now())
        .await
        .unwrap();
    not_found(
        db.store
            .add_follow_up(
                eve,
                &NewFollowUp {
                    contact: own,
                    ..task
                },
                chrono::Utc::now(),
            )
            .await,
    );

    assert!(
        db.store
            .find_contacts(eve, "jane", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.store
            .count_contacts(eve, ArchivedFilter::All)
            .await
            .unwrap(),
        1
    );
    let listed = db
        .store
        .list_contacts(eve, &ContactFilter::default(), None, 100)
        .await
        .unwrap();
    assert!(listed.iter().all(|c| c.name != "Jane Secret"));
    for query in ["jane", "secret", "vip", "merger"] {
        let found = db.store.search(eve, query, 10).await.unwrap();
        assert!(
            found.contacts.is_empty() && found.conversations.is_empty(),
            "{query}: {found:?}"
        );
        let alone = db.store.search_contacts(eve, query, 10).await.unwrap();
        assert!(alone.is_empty(), "{query}: {alone:?}");
    }
    assert!(
        db.store
            .conversations_with(eve, jane, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.store
            .contact_stats(eve, jane)
            .await
            .unwrap()
            .conversations,
        0
    );
    let (changes, _) = db.store.contact_changes(eve, 0).await.unwrap();
    assert!(changes.iter().all(|c| c.contact != jane));

    // Eve's own tag and organisation of the same name are hers alone.
    let mine = ContactDraft {
        tags: vec![tag("vip")],
        organisation: Some("Secret Co".into()),
        ..named("Eve's Jane")
    };
    let evej = db
        .store
        .add_contact(eve, &mine, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(db.store.contact(eve, evej).await.unwrap().tags, ["vip"]);
    let ann_vips = db
        .store
        .list_contacts(
            ann,
            &ContactFilter {
                tag: Some(tag("vip")),
                ..Default::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(ann_vips.len(), 1);
    assert_eq!(db.store.contact(ann, jane).await.unwrap().revision, 1);
    db.finish().await;
}
