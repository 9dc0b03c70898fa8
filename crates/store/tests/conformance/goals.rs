//! Goals, informational conversations and the network the goal rules read.

use chrono::{Duration, NaiveDate, Utc};
use kith_core::contact::ContactDraft;
use kith_core::conversation::{Channel, ConversationKind, Learning, LearningKind, NewConversation};
use kith_core::goal::{GoalKind, GoalStatus, NewGoal};
use kith_core::ids::{ConversationId, GoalId};
use kith_store::{ConversationExtras, EmploymentRecord, NetworkScope, StoreError};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::named;

fn new_goal(kind: GoalKind, title: &str) -> NewGoal {
    NewGoal {
        kind,
        title: title.into(),
        industry: None,
        function: Some("product".into()),
        company: None,
        skill: None,
        target_count: Some(10),
        due_on: NaiveDate::from_ymd_opt(2099, 1, 1),
    }
}

#[rstest]
#[tokio::test]
async fn goals_count_their_conversations_and_keep_what_was_learned(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let maria = db
        .store
        .add_contact(user, &named("Maria Lopez"), chrono::Utc::now())
        .await
        .unwrap();
    let goal = db
        .store
        .add_goal(
            user,
            &new_goal(GoalKind::IndustryChange, "Move into product"),
            GoalStatus::Active,
            Utc::now(),
        )
        .await
        .unwrap();
    let info = NewConversation {
        kind: ConversationKind::Informational,
        learned: vec![
            Learning::parse("skill: SQL").unwrap(),
            Learning::parse("path: analyst to PM").unwrap(),
        ],
        ..NewConversation::new(
            Utc::now(),
            Channel::Zoom,
            None,
            "Informational chat",
            vec![maria],
        )
        .unwrap()
    };
    let extras = ConversationExtras {
        goal: Some(goal),
        ..ConversationExtras::default()
    };
    let logged = db
        .store
        .log_conversation_with(user, &info, &extras, chrono::Utc::now())
        .await
        .unwrap();

    let stored = db.store.conversation(user, logged.id).await.unwrap();
    assert_eq!(stored.kind, ConversationKind::Informational);
    assert_eq!(stored.learned.len(), 2);
    assert_eq!(stored.learned[0].kind, LearningKind::Skill);

    let goals = db.store.goals(user, false).await.unwrap();
    assert_eq!(goals.len(), 1);
    assert_eq!(
        (goals[0].0.title.as_str(), goals[0].1),
        ("Move into product", 1)
    );
    assert_eq!(goals[0].0.target_count, Some(10));
    assert_eq!(
        db.store.goal_contacts(user, goal).await.unwrap()[0].id,
        maria,
        "participants are linked too"
    );
    let learned = db.store.goal_learnings(user, goal).await.unwrap();
    assert_eq!(
        learned,
        [
            (LearningKind::Skill, "SQL".into(), "Maria Lopez".into()),
            (
                LearningKind::Path,
                "analyst to PM".into(),
                "Maria Lopez".into()
            )
        ]
    );
    assert_eq!(
        db.store.goal_conversations(user, goal, 5).await.unwrap()[0].id,
        logged.id
    );

    // One thing learned with two people is one mention, said by both.
    let ben = db
        .store
        .add_contact(user, &named("Ben Bo"), chrono::Utc::now())
        .await
        .unwrap();
    let pair = NewConversation {
        kind: ConversationKind::Informational,
        learned: vec![Learning::parse("skill: pricing").unwrap()],
        ..NewConversation::new(Utc::now(), Channel::Coffee, None, "", vec![maria, ben]).unwrap()
    };
    db.store
        .log_conversation_with(
            user,
            &pair,
            &ConversationExtras {
                goal: Some(goal),
                ..ConversationExtras::default()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let learned = db.store.goal_learnings(user, goal).await.unwrap();
    assert_eq!(learned.len(), 3);
    assert_eq!(
        learned[2],
        (
            LearningKind::Skill,
            "pricing".into(),
            "Ben Bo, Maria Lopez".into()
        )
    );

    // Linking again is harmless; a closed goal leaves the active list.
    db.store
        .link_goal(user, goal, &[maria], &[logged.id])
        .await
        .unwrap();
    assert_eq!(
        db.store.goals(user, false).await.unwrap()[0].1,
        2,
        "two conversations, each counted once"
    );
    db.store
        .set_goal_status(user, goal, GoalStatus::Done, chrono::Utc::now())
        .await
        .unwrap();
    assert!(db.store.goals(user, false).await.unwrap().is_empty());
    assert_eq!(
        db.store.goals(user, true).await.unwrap()[0].0.status,
        GoalStatus::Done
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn goals_are_private_and_links_are_checked(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let eve = db.user("eve").await;
    let goal = db
        .store
        .add_goal(
            ann,
            &new_goal(GoalKind::NewRole, "Ann's goal"),
            GoalStatus::Active,
            Utc::now(),
        )
        .await
        .unwrap();
    let evec = db
        .store
        .add_contact(eve, &named("Eve's contact"), chrono::Utc::now())
        .await
        .unwrap();
    let annc = db
        .store
        .add_contact(ann, &named("Ann's contact"), chrono::Utc::now())
        .await
        .unwrap();
    let talk = NewConversation::new(Utc::now(), Channel::Phone, None, "", vec![evec]).unwrap();
    let eves_talk = db
        .store
        .log_conversation(eve, &talk, chrono::Utc::now())
        .await
        .unwrap();

    let not_found =
        |r: Result<(), StoreError>| assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}");
    not_found(db.store.link_goal(ann, goal, &[evec], &[]).await);
    not_found(db.store.link_goal(ann, goal, &[], &[eves_talk]).await);
    not_found(db.store.link_goal(eve, goal, &[evec], &[]).await);
    not_found(
        db.store
            .link_goal(ann, goal, &[], &[ConversationId(987_654)])
            .await,
    );
    not_found(
        db.store
            .set_goal_status(eve, goal, GoalStatus::Dropped, chrono::Utc::now())
            .await,
    );
    assert!(matches!(
        db.store.goal(eve, goal).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(db.store.goals(eve, true).await.unwrap().is_empty());
    assert!(matches!(
        db.store.goal(ann, GoalId(424_242)).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        db.store.goal_contacts(ann, goal).await.unwrap().is_empty(),
        "refused links wrote nothing"
    );
    db.store.link_goal(ann, goal, &[annc], &[]).await.unwrap();
    assert_eq!(db.store.goal_contacts(ann, goal).await.unwrap().len(), 1);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn the_network_knows_ties_and_former_colleagues(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = db
        .store
        .add_contact(
            user,
            &ContactDraft {
                organisation: Some("Acme".into()),
                function: Some("sales".into()),
                ..named("Jane Doe")
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let bob = db
        .store
        .add_contact(
            user,
            &ContactDraft {
                introduced_by: Some(jane),
                ..named("Bob Roe")
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let carl = db
        .store
        .add_contact(user, &named("Carl Co"), chrono::Utc::now())
        .await
        .unwrap();
    let dora = db
        .store
        .add_contact(user, &named("Dora Old"), chrono::Utc::now())
        .await
        .unwrap();
    let together = NewConversation::new(
        Utc::now() - Duration::days(3),
        Channel::Coffee,
        None,
        "",
        vec![carl, jane],
    )
    .unwrap();
    db.store
        .log_conversation(user, &together, chrono::Utc::now())
        .await
        .unwrap();
    db.store
        .set_my_organisation(user, "Acme", chrono::Utc::now())
        .await
        .unwrap();
    let day = |y| NaiveDate::from_ymd_opt(y, 1, 1);
    db.store
        .add_employments(
            user,
            &[
                EmploymentRecord {
                    contact: None,
                    organisation: "Globex".into(),
                    title: None,
                    started_on: day(2015),
                    ended_on: day(2019),
                },
                EmploymentRecord {
                    contact: Some(dora),
                    organisation: "Globex".into(),
                    title: None,
                    started_on: day(2017),
                    ended_on: day(2021),
                },
                EmploymentRecord {
                    contact: Some(carl),
                    organisation: "Globex".into(),
                    title: None,
                    started_on: day(2020),
                    ended_on: day(2022),
                },
            ],
            chrono::Utc::now(),
        )
        .await
        .unwrap();

    let network = db
        .store
        .network(
            user,
            NetworkScope {
                my_organisation_only: false,
                notes: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(network.my_organisation.as_deref(), Some("Acme"));
    let by_name = |name: &str| network.candidates.iter().find(|c| c.name == name).unwrap();
    assert!(
        by_name("Dora Old").former_colleague,
        "overlapping years at Globex"
    );
    assert!(!by_name("Carl Co").former_colleague, "joined after I left");
    assert_eq!(by_name("Jane Doe").organisation.as_deref(), Some("Acme"));
    assert_eq!(by_name("Jane Doe").activity.meaningful, 1);
    let tie = |a, b| {
        network
            .connections
            .iter()
            .any(|c| (c.a == a && c.b == b) || (c.a == b && c.b == a))
    };
    assert!(tie(bob, jane), "an introduction is a tie");
    assert!(tie(carl, jane), "a shared conversation is a tie");
    assert!(!tie(bob, carl));
    let at_acme = db
        .store
        .network(
            user,
            NetworkScope {
                my_organisation_only: true,
                notes: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        at_acme
            .candidates
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["Jane Doe"]
    );
    assert!(
        at_acme.connections.is_empty(),
        "ties leave the scope with their ends"
    );
    db.finish().await;
}
