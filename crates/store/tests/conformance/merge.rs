//! Merging two contacts who are the same person, on both backends.

use chrono::{Duration, NaiveDate, Utc};
use kith_core::contact::ContactDraft;
use kith_core::conversation::{Channel, NewConversation};
use kith_core::follow_up::{FollowUpKind, NewFollowUp, Owner};
use kith_core::goal::{GoalKind, GoalStatus, NewGoal};
use kith_core::values::{ContactName, Email};
use kith_store::{Input, MergeReport, StoreError};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::{named, tag};

#[rstest]
#[tokio::test]
async fn a_merge_keeps_everything_of_both_and_a_preview_changes_nothing(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let s = &db.store;
    let jane = s
        .add_contact(user, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let dup = s
        .add_contact(
            user,
            &ContactDraft {
                name: Some(ContactName::parse("Jane D.").unwrap()),
                emails: vec![Email::parse("jane@acme.test").unwrap()],
                title: Some("CTO".into()),
                tags: vec![tag("climate")],
                ..ContactDraft::default()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let carol = s
        .add_contact(user, &named("Carol Poe"), chrono::Utc::now())
        .await
        .unwrap();
    s.set_introducers(user, &[(carol, dup)], chrono::Utc::now())
        .await
        .unwrap();
    let now = Utc::now();
    let talk = |days: i64, channel, who| {
        NewConversation::new(now - Duration::days(days), channel, None, "", who).unwrap()
    };
    s.log_conversations(
        user,
        &[
            talk(40, Channel::Coffee, vec![jane, dup]),
            talk(20, Channel::Phone, vec![dup, carol]),
            talk(10, Channel::Email, vec![dup]),
            talk(5, Channel::Email, vec![jane]),
        ],
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    s.add_follow_up(
        user,
        &NewFollowUp {
            contact: dup,
            conversation: None,
            owner: Owner::Me,
            kind: FollowUpKind::Task,
            title: "send the deck".into(),
            due_on: None,
            loop_back: false,
            parent: None,
            subject: None,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let goal = s
        .add_goal(
            user,
            &NewGoal {
                kind: GoalKind::NewRole,
                title: "Head of product".into(),
                industry: None,
                function: None,
                company: None,
                skill: None,
                target_count: None,
                due_on: NaiveDate::from_ymd_opt(2099, 1, 1),
            },
            GoalStatus::Active,
            now,
        )
        .await
        .unwrap();
    s.link_goal(user, goal, &[dup], &[]).await.unwrap();

    let expected = MergeReport {
        kept: "Jane Doe".into(),
        gone: "Jane D.".into(),
        card: true,
        conversations: 2,
        follow_ups: 1,
        goals: 1,
        meetings: 0,
        introductions: 1,
    };
    let preview = s
        .merge_contacts(user, jane, dup, false, None, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(preview, expected);
    assert_eq!(
        s.contact(user, dup).await.unwrap().name,
        "Jane D.",
        "a preview changes nothing"
    );
    assert!(s.contact(user, jane).await.unwrap().emails.is_empty());

    let report = s
        .merge_contacts(user, jane, dup, true, None, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(report, expected);
    assert!(matches!(
        s.contact(user, dup).await,
        Err(StoreError::NotFound { .. })
    ));
    let kept = s.contact(user, jane).await.unwrap();
    assert_eq!(kept.emails, ["jane@acme.test"]);
    assert_eq!(kept.title.as_deref(), Some("CTO"));
    assert_eq!(kept.tags, ["climate"]);
    let facts = s
        .contact_facts(user, Some(jane), chrono::Utc::now())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        facts.activity.conversations, 4,
        "the shared coffee counts once"
    );
    assert_eq!(facts.activity.meaningful, 2);
    assert_eq!(
        facts.activity.last_meaningful_at.map(|t| t.timestamp()),
        Some((now - Duration::days(20)).timestamp())
    );
    assert_eq!(facts.open_loops.len(), 1);
    assert_eq!(facts.active_goals, 1);
    let carol_now = s.contact(user, carol).await.unwrap();
    assert_eq!(carol_now.introduced_by.map(|r| r.id), Some(jane));
    let with_jane = s.conversations_with(user, jane, 10).await.unwrap();
    assert_eq!(with_jane.len(), 4);
    assert_eq!(
        s.goal_contacts(user, goal)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        [jane]
    );
    // Jane now knows Carol through the phone call.
    let network = s.network(user, Default::default()).await.unwrap();
    assert!(
        network
            .connections
            .iter()
            .any(|t| (t.a == jane && t.b == carol) || (t.a == carol && t.b == jane)),
        "{:?}",
        network.connections
    );
    assert!(matches!(
        s.merge_contacts(user, jane, jane, true, None, chrono::Utc::now())
            .await,
        Err(StoreError::Invalid {
            input: Input::Merge,
            ..
        })
    ));
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn another_users_contact_cannot_be_merged(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let mine = db
        .store
        .add_contact(ann, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let theirs = db
        .store
        .add_contact(bob, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    for (keep, gone) in [(mine, theirs), (theirs, mine)] {
        assert!(matches!(
            db.store
                .merge_contacts(ann, keep, gone, true, None, chrono::Utc::now())
                .await,
            Err(StoreError::NotFound { .. })
        ));
    }
    assert_eq!(
        db.store.contact(bob, theirs).await.unwrap().name,
        "Jane Doe"
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn a_deleted_contact_takes_what_was_only_theirs(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let s = &db.store;
    let jane = s
        .add_contact(user, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let bob = s
        .add_contact(user, &named("Bob Roe"), chrono::Utc::now())
        .await
        .unwrap();
    let now = Utc::now();
    let ids = s
        .log_conversations(
            user,
            &[
                NewConversation::new(now, Channel::Coffee, None, "just jane", vec![jane]).unwrap(),
                NewConversation::new(now, Channel::Phone, None, "both", vec![jane, bob]).unwrap(),
            ],
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let position = s.dav_position(user).await.unwrap();
    s.delete_contact(user, jane, chrono::Utc::now())
        .await
        .unwrap();
    assert!(matches!(
        s.contact(user, jane).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.conversation(user, ids[0]).await,
        Err(StoreError::NotFound { .. })
    ));
    let shared = s.conversation(user, ids[1]).await.unwrap();
    assert_eq!(shared.participants.len(), 1);
    let (changes, _) = s.dav_changes(user, position).await.unwrap().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].etag, None, "synced devices hear of the deletion");
    assert!(matches!(
        s.delete_contact(user, jane, chrono::Utc::now()).await,
        Err(StoreError::NotFound { .. })
    ));
    db.finish().await;
}
