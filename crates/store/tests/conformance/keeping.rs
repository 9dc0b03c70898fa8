//! Keeping in touch: activity summaries, follow-ups and their loop-backs,
//! introductions, snoozes, tag rhythms and settings, on both backends.

use chrono::{Duration, Utc};
use kith_core::contact::{ContactDraft, ContactPatch};
use kith_core::conversation::{Channel, NewConversation};
use kith_core::follow_up::{FollowUpKind, FollowUpStatus, NewFollowUp, Owner};
use kith_core::ids::{ContactId, UserId};
use kith_core::user::SettingsPatch;
use kith_core::values::{Cadence, ContactName};
use kith_store::{ConversationExtras, FollowUpFilter, StoreError};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::{named, tag};

fn task(contact: ContactId, title: &str, loop_back: bool) -> NewFollowUp {
    NewFollowUp {
        contact,
        conversation: None,
        owner: Owner::Me,
        kind: FollowUpKind::Task,
        title: title.into(),
        due_on: None,
        loop_back,
        parent: None,
        subject: None,
    }
}

async fn facts_of(db: &TestDb, user: UserId, id: ContactId) -> kith_core::rules::due::ContactFacts {
    db.store
        .contact_facts(user, Some(id), chrono::Utc::now())
        .await
        .unwrap()
        .remove(0)
}

#[rstest]
#[tokio::test]
async fn activity_follows_every_conversation(
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
    assert_eq!(facts_of(&db, user, jane).await.activity.conversations, 0);

    let now = Utc::now();
    let at = |days: i64| now - Duration::days(days);
    let talks = vec![
        NewConversation::new(at(30), Channel::Coffee, None, "", vec![jane, bob]).unwrap(),
        NewConversation::new(at(10), Channel::Phone, None, "", vec![jane]).unwrap(),
        NewConversation::new(at(2), Channel::Email, None, "", vec![jane]).unwrap(),
    ];
    db.store
        .log_conversations(user, &talks, chrono::Utc::now())
        .await
        .unwrap();
    // A later, separate write folds into the same summary.
    let older = NewConversation::new(at(400), Channel::Zoom, None, "", vec![jane]).unwrap();
    db.store
        .log_conversation(user, &older, chrono::Utc::now())
        .await
        .unwrap();

    let j = facts_of(&db, user, jane).await.activity;
    assert_eq!((j.conversations, j.meaningful), (4, 3));
    assert_eq!(j.first_at.unwrap().timestamp(), at(400).timestamp());
    assert_eq!(j.last_at.unwrap().timestamp(), at(2).timestamp());
    assert_eq!(
        j.last_meaningful_at.unwrap().timestamp(),
        at(10).timestamp(),
        "e-mail is not meaningful"
    );
    let b = facts_of(&db, user, bob).await.activity;
    assert_eq!((b.conversations, b.meaningful), (1, 1));

    let all = db
        .store
        .contact_facts(user, None, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let channels = db
        .store
        .conversation_channels(user, jane, at(365))
        .await
        .unwrap();
    assert_eq!(
        channels.iter().map(|c| c.1).collect::<Vec<_>>(),
        [Channel::Coffee, Channel::Phone, Channel::Email]
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn the_homework_loop(#[values(Backend::Sqlite, Backend::Postgres)] backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = db
        .store
        .add_contact(user, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let talk = NewConversation::new(
        Utc::now() - Duration::days(3),
        Channel::Zoom,
        None,
        "",
        vec![jane],
    )
    .unwrap();
    let extras = ConversationExtras {
        follow_ups: vec![
            task(jane, "Read Atomic Habits", true),
            NewFollowUp {
                owner: Owner::Them,
                loop_back: false,
                ..task(jane, "Intro to her manager", false)
            },
        ],
        introductions: vec![],
        goal: None,
    };
    let logged = db
        .store
        .log_conversation_with(user, &talk, &extras, chrono::Utc::now())
        .await
        .unwrap();
    let open = db.store.open_follow_ups_with(user, jane).await.unwrap();
    assert_eq!(open.len(), 2);
    assert!(open.iter().all(|f| f.conversation == Some(logged.id)));

    let (done, loop_back) = db
        .store
        .complete_follow_up(user, logged.follow_ups[0], chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(done.status, FollowUpStatus::Done);
    assert!(done.closed_at.is_some());
    let loop_back = loop_back.expect("a loop-back is asked for");
    assert_eq!(loop_back.kind, FollowUpKind::LoopBack);
    assert_eq!(loop_back.parent, Some(done.id));
    assert_eq!(loop_back.title, "Tell Jane you did: Read Atomic Habits");
    assert!(matches!(
        db.store
            .complete_follow_up(user, done.id, chrono::Utc::now())
            .await,
        Err(StoreError::Conflict(_))
    ));

    // A conversation from before the loop-back existed does not close it.
    let earlier = NewConversation::new(
        Utc::now() - Duration::days(1),
        Channel::Email,
        None,
        "",
        vec![jane],
    )
    .unwrap();
    db.store
        .log_conversation(user, &earlier, chrono::Utc::now())
        .await
        .unwrap();
    let still = db.store.open_follow_ups_with(user, jane).await.unwrap();
    assert!(still.iter().any(|f| f.id == loop_back.id));

    let report =
        NewConversation::new(Utc::now(), Channel::Message, None, "Told her", vec![jane]).unwrap();
    db.store
        .log_conversation(user, &report, chrono::Utc::now())
        .await
        .unwrap();
    let open = db.store.open_follow_ups_with(user, jane).await.unwrap();
    assert_eq!(
        open.iter().map(|f| f.title.as_str()).collect::<Vec<_>>(),
        ["Intro to her manager"]
    );
    let all = db
        .store
        .follow_ups(
            user,
            &FollowUpFilter {
                contact: Some(jane),
                owner: None,
                open_only: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 3, "nothing is lost: {all:?}");
    let theirs = db
        .store
        .follow_ups(
            user,
            &FollowUpFilter {
                owner: Some(Owner::Them),
                open_only: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);

    let dropped = db
        .store
        .drop_follow_up(user, open[0].id, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(dropped.status, FollowUpStatus::Dropped);
    assert!(
        db.store
            .open_follow_ups_with(user, jane)
            .await
            .unwrap()
            .is_empty()
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn introductions_make_stubs_and_close_when_you_reach_out(
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
    let carl = db
        .store
        .add_contact(user, &named("Carl Known"), chrono::Utc::now())
        .await
        .unwrap();
    let talk = NewConversation::new(
        Utc::now() - Duration::hours(2),
        Channel::Coffee,
        None,
        "",
        vec![jane],
    )
    .unwrap();
    let extras = ConversationExtras {
        follow_ups: vec![],
        introductions: vec![
            ContactName::parse("Bob Smith").unwrap(),
            ContactName::parse("carl known").unwrap(),
        ],
        goal: None,
    };
    let logged = db
        .store
        .log_conversation_with(user, &talk, &extras, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(logged.introduced.len(), 2);
    let bob = logged.introduced[0].id;
    assert_eq!(
        logged.introduced[1].id, carl,
        "an exact name is matched, not duplicated"
    );
    let b = db.store.contact(user, bob).await.unwrap();
    assert_eq!(b.introduced_by.unwrap().id, jane);
    let to_do = db.store.open_follow_ups_with(user, bob).await.unwrap();
    assert_eq!(to_do[0].kind, FollowUpKind::Introduction);
    assert!(
        to_do[0].title.contains("Bob Smith") && to_do[0].title.contains("Jane"),
        "{}",
        to_do[0].title
    );

    let reached = NewConversation::new(Utc::now(), Channel::Phone, None, "", vec![bob]).unwrap();
    db.store
        .log_conversation(user, &reached, chrono::Utc::now())
        .await
        .unwrap();
    assert!(
        db.store
            .open_follow_ups_with(user, bob)
            .await
            .unwrap()
            .is_empty()
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn a_refused_log_leaves_no_stub_behind(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let eve = db.user("eve").await;
    let jane = db
        .store
        .add_contact(ann, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let eves = db
        .store
        .add_contact(eve, &named("Eve's friend"), chrono::Utc::now())
        .await
        .unwrap();
    let talk = NewConversation::new(Utc::now(), Channel::Zoom, None, "", vec![jane]).unwrap();
    // The follow-up names a contact of another user: the whole log is refused.
    let extras = ConversationExtras {
        follow_ups: vec![task(eves, "x", false)],
        introductions: vec![ContactName::parse("Bob Smith").unwrap()],
        goal: None,
    };
    let err = db
        .store
        .log_conversation_with(ann, &talk, &extras, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert!(
        db.store
            .find_contacts(ann, "bob", 5)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.store
            .contact_stats(ann, jane)
            .await
            .unwrap()
            .conversations,
        0
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn snoozes_tags_and_settings(#[values(Backend::Sqlite, Backend::Postgres)] backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let draft = ContactDraft {
        tags: vec![tag("mentor"), tag("friend")],
        ..named("Jane Doe")
    };
    let jane = db
        .store
        .add_contact(user, &draft, chrono::Utc::now())
        .await
        .unwrap();

    let until = Utc::now() + Duration::days(14);
    db.store.set_snooze(user, jane, Some(until)).await.unwrap();
    assert_eq!(
        facts_of(&db, user, jane)
            .await
            .snoozed_until
            .unwrap()
            .timestamp(),
        until.timestamp()
    );
    assert_eq!(
        db.store.contact(user, jane).await.unwrap().revision,
        1,
        "a snooze is not a card change"
    );
    db.store.set_snooze(user, jane, None).await.unwrap();
    assert_eq!(facts_of(&db, user, jane).await.snoozed_until, None);

    let month = Cadence::parse("30d").unwrap();
    db.store
        .set_tag_cadence(user, &tag("mentor"), Some(month))
        .await
        .unwrap();
    assert_eq!(
        facts_of(&db, user, jane).await.tag_cadences,
        [("mentor".to_owned(), month)]
    );
    let tags = db.store.tags(user).await.unwrap();
    assert_eq!(
        tags.iter()
            .map(|t| (t.name.as_str(), t.contacts, t.cadence))
            .collect::<Vec<_>>(),
        [("friend", 1, None), ("mentor", 1, Some(month))]
    );
    let missing = db
        .store
        .set_tag_cadence(user, &tag("nope"), Some(month))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })));

    let patch = SettingsPatch {
        default_cadence: Some(Cadence::parse("6w").unwrap()),
        light_resets_clock: Some(true),
        ..Default::default()
    };
    let updated = db.store.update_settings(user, &patch).await.unwrap();
    assert_eq!(updated.default_cadence.days(), 42);
    assert!(updated.light_resets_clock);
    assert_eq!(
        db.store.users().await.unwrap()[0].default_cadence.days(),
        42
    );

    // Archived contacts leave the ranking's facts but can still be read alone.
    let archive = ContactPatch {
        archived: Some(true),
        ..Default::default()
    };
    db.store
        .update_contact(user, jane, &archive, chrono::Utc::now())
        .await
        .unwrap();
    assert!(
        db.store
            .contact_facts(user, None, chrono::Utc::now())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(facts_of(&db, user, jane).await.archived);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn follow_ups_and_snoozes_stay_with_their_owner(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let eve = db.user("eve").await;
    let jane = db
        .store
        .add_contact(ann, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    let id = db
        .store
        .add_follow_up(ann, &task(jane, "secret", true), chrono::Utc::now())
        .await
        .unwrap();
    assert!(matches!(
        db.store
            .complete_follow_up(eve, id, chrono::Utc::now())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        db.store.drop_follow_up(eve, id, chrono::Utc::now()).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        db.store.set_snooze(eve, jane, None).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        db.store
            .follow_ups(eve, &FollowUpFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.store
            .contact_facts(eve, None, chrono::Utc::now())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.store
            .contact_facts(eve, Some(jane), chrono::Utc::now())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.store
            .open_follow_ups_with(ann, jane)
            .await
            .unwrap()
            .len(),
        1
    );
    db.finish().await;
}

/// The version the web server's derived views are cached under changes with
/// every write to what they read, to a value never seen before, and only
/// for the user whose data changed; reads leave it alone.
#[rstest]
#[tokio::test]
async fn data_version_changes_with_every_write_the_views_read(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let other = db.user("bob").await;
    let version = |u: UserId| {
        let store = db.store.clone();
        async move { store.user(u).await.unwrap().unwrap().data_version }
    };
    let mut seen = vec![version(user).await];
    let others = version(other).await;
    let mut changed = async |what: &str| {
        let now = version(user).await;
        assert!(
            !seen.contains(&now),
            "{what} left the version at {now} (seen {seen:?})"
        );
        seen.push(now);
    };

    let jane = db
        .store
        .add_contact(user, &named("Jane Doe"), chrono::Utc::now())
        .await
        .unwrap();
    changed("adding a contact").await;
    let more = db
        .store
        .add_contact(user, &named("Bob Roe"), chrono::Utc::now())
        .await
        .unwrap();
    changed("adding another contact").await;
    db.store
        .log_conversation(
            user,
            &NewConversation::new(Utc::now(), Channel::Phone, None, "", vec![jane, more]).unwrap(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    changed("logging a conversation").await;
    let todo = db
        .store
        .add_follow_up(user, &task(jane, "send the deck", true), chrono::Utc::now())
        .await
        .unwrap();
    changed("adding a follow-up").await;
    db.store
        .complete_follow_up(user, todo, chrono::Utc::now())
        .await
        .unwrap();
    changed("completing a follow-up").await;
    db.store
        .set_snooze(user, jane, Some(Utc::now() + Duration::days(3)))
        .await
        .unwrap();
    changed("snoozing").await;
    db.store
        .update_contact(
            user,
            jane,
            &ContactPatch {
                add_tags: vec![tag("mentor")],
                ..ContactPatch::default()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    changed("tagging").await;
    db.store
        .set_tag_cadence(user, &tag("mentor"), Cadence::from_days(14))
        .await
        .unwrap();
    changed("a tag's rhythm").await;

    let before = version(user).await;
    db.store
        .contact_facts(user, None, chrono::Utc::now())
        .await
        .unwrap();
    db.store.search(user, "jane", 10).await.unwrap();
    assert_eq!(version(user).await, before, "reads changed the version");
    assert_eq!(
        version(other).await,
        others,
        "ann's writes changed bob's version"
    );
    db.finish().await;
}
