use chrono::Utc;
use kith_core::contact::{ContactDraft, ContactPatch};
use kith_core::conversation::{Channel, NewConversation};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::{email, named, tag};

#[rstest]
#[tokio::test]
async fn search_finds_people_and_conversations(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = ContactDraft {
        emails: vec![email("jane.doe@mail.example")],
        organisation: Some("Initech".into()),
        title: Some("Head of Data".into()),
        tags: vec![tag("mentor")],
        notes: Some("Knows everyone in fintech".into()),
        ..named("Jane Doe")
    };
    let jane = db
        .store
        .add_contact(user, &jane, chrono::Utc::now())
        .await
        .unwrap();
    let janet = db
        .store
        .add_contact(user, &named("Janet Smith"), chrono::Utc::now())
        .await
        .unwrap();
    let talk = NewConversation::new(
        Utc::now(),
        Channel::Coffee,
        None,
        "She recommended Atomic Habits and offered an introduction",
        vec![jane],
    )
    .unwrap();
    db.store
        .log_conversation(user, &talk, chrono::Utc::now())
        .await
        .unwrap();

    // Every query finds the same contacts with or without the
    // conversations.
    let names = |q: &'static str| {
        let store = db.store.clone();
        async move {
            let both = store.search(user, q, 10).await.unwrap().contacts;
            let alone = store.search_contacts(user, q, 10).await.unwrap();
            let names = |found: Vec<kith_core::contact::ContactSummary>| {
                found.into_iter().map(|c| c.name).collect::<Vec<_>>()
            };
            let names_alone = names(alone);
            assert_eq!(names(both), names_alone, "{q}");
            names_alone
        }
    };
    assert_eq!(names("jan").await.len(), 2, "prefix search");
    assert_eq!(names("jane doe").await, ["Jane Doe"]);
    assert_eq!(names("initech").await, ["Jane Doe"]);
    assert_eq!(names("mentor").await, ["Jane Doe"]);
    assert_eq!(names("fintech").await, ["Jane Doe"]);
    assert_eq!(names("jane.doe@mail.example").await, ["Jane Doe"]);
    assert_eq!(
        names("mail.example").await,
        ["Jane Doe"],
        "an e-mail domain finds its people"
    );
    assert!(names("nobody").await.is_empty());
    // Operators in the query are plain words, not syntax errors.
    assert!(names("\"jane\" OR NEAR(").await.is_empty());
    assert!(db.store.search(user, "  *** ", 10).await.is_err());
    assert!(db.store.search_contacts(user, "  *** ", 10).await.is_err());

    let found = db.store.search(user, "atomic habits", 10).await.unwrap();
    assert_eq!(found.conversations.len(), 1);
    assert_eq!(found.conversations[0].participants[0].id, jane);

    // An edit is searchable at once, and the old text is gone.
    let patch = ContactPatch {
        organisation: Some(Some("Hooli".into())),
        ..Default::default()
    };
    db.store
        .update_contact(user, janet, &patch, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(names("hooli").await, ["Janet Smith"]);
    let patch = ContactPatch {
        organisation: Some(None),
        notes: Some(None),
        ..Default::default()
    };
    db.store
        .update_contact(user, jane, &patch, chrono::Utc::now())
        .await
        .unwrap();
    assert!(names("initech").await.is_empty());
    assert!(names("fintech").await.is_empty());
    db.finish().await;
}
