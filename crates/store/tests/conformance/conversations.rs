use chrono::{Duration, Utc};
use kith_core::conversation::{Channel, Minutes, NewConversation};
use kith_core::follow_up::{FollowUpKind, FollowUpStatus, NewFollowUp, Owner};
use kith_core::ids::ContactId;
use kith_store::{FollowUpRecord, StoreError};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::named;

#[rstest]
#[tokio::test]
async fn conversations_keep_people_order_and_history(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = db
        .store
        .add_contact(user, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let bob = db
        .store
        .add_contact(user, &named("Bob Roe"), chrono::Utc::now())
        .await
        .unwrap();
    let now = Utc::now();
    let old = NewConversation::new(
        now - Duration::days(40),
        Channel::Coffee,
        Minutes::new(45),
        "Coffee at the station",
        vec![jane],
    )
    .unwrap();
    let both = NewConversation::new(
        now - Duration::days(3),
        Channel::Zoom,
        Minutes::new(30),
        "Three-way call about the product role",
        vec![jane, bob],
    )
    .unwrap();
    let first = db
        .store
        .log_conversation(user, &old, chrono::Utc::now())
        .await
        .unwrap();
    let second = db
        .store
        .log_conversation(user, &both, chrono::Utc::now())
        .await
        .unwrap();

    let with_jane = db.store.conversations_with(user, jane, 10).await.unwrap();
    assert_eq!(
        with_jane.iter().map(|c| c.id).collect::<Vec<_>>(),
        [second, first]
    );
    let call = &with_jane[0];
    assert_eq!(call.channel, Channel::Zoom);
    assert_eq!(call.minutes, Some(30));
    assert_eq!(call.summary, "Three-way call about the product role");
    assert_eq!(
        call.participants
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Bob Roe", "Jane Doe"]
    );
    assert_eq!(
        call.occurred_at.timestamp(),
        (now - Duration::days(3)).timestamp()
    );
    assert_eq!(
        db.store.conversation(user, first).await.unwrap().summary,
        "Coffee at the station"
    );

    let stats = db.store.contact_stats(user, jane).await.unwrap();
    assert_eq!(stats.conversations, 2);
    assert_eq!(
        stats.last.unwrap().timestamp(),
        (now - Duration::days(3)).timestamp()
    );
    assert_eq!(
        stats.first.unwrap().timestamp(),
        (now - Duration::days(40)).timestamp()
    );
    assert_eq!(
        db.store
            .contact_stats(user, bob)
            .await
            .unwrap()
            .conversations,
        1
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn a_conversation_with_an_unknown_person_is_not_stored(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = db
        .store
        .add_contact(user, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let bad = NewConversation::new(
        Utc::now(),
        Channel::Phone,
        None,
        "x",
        vec![jane, ContactId(424_242)],
    )
    .unwrap();
    let err = db
        .store
        .log_conversation(user, &bad, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "contact",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        db.store
            .contact_stats(user, jane)
            .await
            .unwrap()
            .conversations,
        0
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn follow_ups_come_back_open_and_due_first(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = db
        .store
        .add_contact(user, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let talk = NewConversation::new(Utc::now(), Channel::Meet, None, "", vec![jane]).unwrap();
    let talk = db
        .store
        .log_conversation(user, &talk, chrono::Utc::now())
        .await
        .unwrap();
    let today = Utc::now().date_naive();
    let follow = |title: &str, owner, due: Option<i64>| NewFollowUp {
        contact: jane,
        conversation: Some(talk),
        owner,
        kind: FollowUpKind::Task,
        title: title.into(),
        due_on: due.map(|d| today + Duration::days(d)),
        loop_back: owner == Owner::Me,
        parent: None,
        subject: None,
    };
    db.store
        .add_follow_up(
            user,
            &follow("someday", Owner::Me, None),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    db.store
        .add_follow_up(
            user,
            &follow("later", Owner::Them, Some(9)),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    db.store
        .add_follow_up(
            user,
            &follow("soon", Owner::Me, Some(2)),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let done = FollowUpRecord {
        follow_up: follow("done already", Owner::Me, Some(1)),
        status: FollowUpStatus::Done,
        created_at: Utc::now(),
        closed_at: Some(Utc::now()),
    };
    db.store.add_follow_ups(user, &[done]).await.unwrap();

    let open = db.store.open_follow_ups_with(user, jane).await.unwrap();
    assert_eq!(
        open.iter().map(|f| f.title.as_str()).collect::<Vec<_>>(),
        ["soon", "later", "someday"]
    );
    assert_eq!(open[1].owner, Owner::Them);
    assert!(open[0].loop_back && !open[1].loop_back);
    assert_eq!(open[0].conversation, Some(talk));
    assert_eq!(open[0].contact.name, "Jane Doe");
    db.finish().await;
}
