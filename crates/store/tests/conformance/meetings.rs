//! Meetings, converting them, cancelling and logging them, the Jitsi
//! setting and outreach blocks, on both backends.

use chrono::{Duration, NaiveTime, Utc};
use kith_core::conversation::Channel;
use kith_core::goal::{GoalKind, GoalStatus, NewGoal};
use kith_core::ids::{ContactId, GoalId, MeetingId, OutreachBlockId};
use kith_core::meeting::{JitsiBase, JoinLink, MeetingMode, MeetingStatus, NewMeeting, Platform};
use kith_core::outreach::{NewOutreachBlock, Weekdays};
use kith_store::{Input, MeetingFilter, StoreError};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::named;

fn coffee(at: chrono::DateTime<Utc>, people: Vec<ContactId>) -> NewMeeting {
    NewMeeting::new(
        "Coffee",
        at,
        30,
        MeetingMode::in_person("Café Central").unwrap(),
        people,
    )
    .unwrap()
}

#[rstest]
#[tokio::test]
async fn converting_keeps_the_uid_and_raises_the_sequence(
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
    let created = Utc::now() - Duration::hours(1);
    let at = Utc::now() + Duration::days(3);
    let id = db
        .store
        .add_meeting(user, &coffee(at, vec![jane, bob]), created)
        .await
        .unwrap();
    let before = db.store.meeting(user, id).await.unwrap();
    assert_eq!(before.sequence, 0);
    assert_eq!(before.status, MeetingStatus::Scheduled);
    assert_eq!(before.dtstamp.timestamp(), created.timestamp());
    assert_eq!(before.starts_at.timestamp(), at.timestamp());
    let names: Vec<&str> = before.attendees.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Bob Roe", "Jane Doe"]);

    let link = JoinLink::jitsi(&JitsiBase::default(), [7; 16]);
    let now = Utc::now();
    let after = db
        .store
        .change_meeting_mode(user, id, &MeetingMode::virtual_call(link.clone()), now)
        .await
        .unwrap();
    assert_eq!(after.uid, before.uid);
    assert_eq!(after.sequence, 1);
    assert_eq!(after.dtstamp.timestamp(), now.timestamp());
    assert_eq!(
        after.mode,
        MeetingMode::Virtual {
            platform: Platform::Jitsi,
            url: link.url().to_owned()
        }
    );
    assert_eq!(db.store.meeting(user, id).await.unwrap(), after);

    let cancelled = db.store.cancel_meeting(user, id, now).await.unwrap();
    assert_eq!(cancelled.status, MeetingStatus::Cancelled);
    assert_eq!(cancelled.sequence, 2);
    let again = db.store.cancel_meeting(user, id, now).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let phone = MeetingMode::phone("+49 30 1234").unwrap();
    let moved = db.store.change_meeting_mode(user, id, &phone, now).await;
    assert!(matches!(moved, Err(StoreError::Conflict(_))), "{moved:?}");

    let listed = db
        .store
        .meetings(user, &MeetingFilter::default())
        .await
        .unwrap();
    assert!(listed.is_empty(), "cancelled ones are left out by default");
    let all = MeetingFilter {
        include_cancelled: true,
        ..MeetingFilter::default()
    };
    assert_eq!(
        db.store.meetings(user, &all).await.unwrap(),
        std::slice::from_ref(&cancelled)
    );
    // By attendee: Jane's meeting, and none for someone not invited.
    let carol = db
        .store
        .add_contact(user, &named("Carol Coe"), chrono::Utc::now())
        .await
        .unwrap();
    for (who, expected) in [(jane, vec![cancelled]), (carol, vec![])] {
        let with = MeetingFilter {
            attendee: Some(who),
            ..all
        };
        assert_eq!(db.store.meetings(user, &with).await.unwrap(), expected);
    }
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn a_past_meeting_is_logged_once_as_a_conversation(
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
    let now = Utc::now();
    let past = now - Duration::days(2);
    let zoom = JoinLink::parse(Platform::Zoom, "https://zoom.us/j/123").unwrap();
    let meeting = NewMeeting::new(
        "Catch-up",
        past,
        45,
        MeetingMode::virtual_call(zoom),
        vec![jane],
    )
    .unwrap();
    let id = db
        .store
        .add_meeting(user, &meeting, past - Duration::days(5))
        .await
        .unwrap();
    let future = db
        .store
        .add_meeting(user, &coffee(now + Duration::days(1), vec![jane]), now)
        .await
        .unwrap();

    let unlogged = MeetingFilter {
        starts_before: Some(now),
        unlogged_only: true,
        ..MeetingFilter::default()
    };
    let waiting = db.store.meetings(user, &unlogged).await.unwrap();
    assert_eq!(waiting.iter().map(|m| m.id).collect::<Vec<_>>(), [id]);
    assert!(waiting[0].wants_logging(now));

    let early = db.store.log_meeting(user, future, "too soon", now).await;
    assert!(
        matches!(
            early,
            Err(StoreError::Invalid {
                input: Input::Meeting,
                ..
            })
        ),
        "{early:?}"
    );

    let talk = db
        .store
        .log_meeting(user, id, "Talked about product", now)
        .await
        .unwrap();
    let conversation = db.store.conversation(user, talk).await.unwrap();
    assert_eq!(conversation.channel, Channel::Zoom);
    assert_eq!(conversation.minutes, Some(45));
    assert_eq!(conversation.occurred_at.timestamp(), past.timestamp());
    assert_eq!(conversation.summary, "Talked about product");
    assert_eq!(conversation.participants[0].id, jane);
    assert_eq!(
        db.store.meeting(user, id).await.unwrap().conversation,
        Some(talk)
    );
    assert!(db.store.meetings(user, &unlogged).await.unwrap().is_empty());
    let stats = db.store.contact_stats(user, jane).await.unwrap();
    assert_eq!(stats.conversations, 1);

    let twice = db.store.log_meeting(user, id, "again", now).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn meetings_are_private_and_only_with_ones_own_contacts(
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
    let mallory = db
        .store
        .add_contact(eve, &named("Mallory"), chrono::Utc::now())
        .await
        .unwrap();
    let now = Utc::now();
    let at = now + Duration::days(1);
    let id = db
        .store
        .add_meeting(ann, &coffee(at, vec![jane]), now)
        .await
        .unwrap();

    let not_found = |r: Result<_, StoreError>| {
        assert!(matches!(r, Err(StoreError::NotFound { .. })), "{r:?}");
    };
    not_found(
        db.store
            .add_meeting(eve, &coffee(at, vec![jane]), now)
            .await
            .map(|_| ()),
    );
    not_found(
        db.store
            .add_meeting(ann, &coffee(at, vec![jane, mallory]), now)
            .await
            .map(|_| ()),
    );
    not_found(db.store.meeting(eve, id).await.map(|_| ()));
    not_found(db.store.cancel_meeting(eve, id, now).await.map(|_| ()));
    let phone = MeetingMode::phone("+1 555 0100").unwrap();
    not_found(
        db.store
            .change_meeting_mode(eve, id, &phone, now)
            .await
            .map(|_| ()),
    );
    not_found(
        db.store
            .log_meeting(eve, id, "x", now + Duration::days(2))
            .await
            .map(|_| ()),
    );
    let all = MeetingFilter {
        include_cancelled: true,
        ..MeetingFilter::default()
    };
    assert!(db.store.meetings(eve, &all).await.unwrap().is_empty());
    assert_eq!(db.store.meetings(ann, &all).await.unwrap().len(), 1);
    assert_eq!(db.store.meeting(ann, id).await.unwrap().sequence, 0);
    not_found(
        db.store
            .meeting(ann, MeetingId(id.0 + 100))
            .await
            .map(|_| ()),
    );

    // Blocks too: another user's goal cannot steer mine, nor can I remove theirs.
    let goal = NewGoal {
        kind: GoalKind::NewRole,
        title: "Eve's goal".into(),
        industry: None,
        function: None,
        company: None,
        skill: None,
        target_count: None,
        due_on: None,
    };
    let eves_goal = db
        .store
        .add_goal(eve, &goal, GoalStatus::Active, now)
        .await
        .unwrap();
    let block = |goal: Option<GoalId>| {
        NewOutreachBlock::new(
            Weekdays::parse("tue").unwrap(),
            NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
            30,
            3,
            goal,
        )
        .unwrap()
    };
    not_found(
        db.store
            .add_block(ann, &block(Some(eves_goal)), now)
            .await
            .map(|_| ()),
    );
    let eves_block = db.store.add_block(eve, &block(None), now).await.unwrap();
    not_found(db.store.remove_block(ann, eves_block).await);
    assert!(db.store.blocks(ann).await.unwrap().is_empty());
    assert_eq!(db.store.blocks(eve).await.unwrap().len(), 1);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn blocks_and_the_jitsi_server_are_kept(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let now = Utc::now();
    assert_eq!(
        db.store.jitsi_base(user).await.unwrap(),
        JitsiBase::default()
    );
    let own = JitsiBase::parse("https://jitsi.example.org/").unwrap();
    db.store.set_jitsi_base(user, Some(&own)).await.unwrap();
    assert_eq!(
        db.store.jitsi_base(user).await.unwrap().as_str(),
        "https://jitsi.example.org"
    );
    db.store.set_jitsi_base(user, None).await.unwrap();
    assert_eq!(
        db.store.jitsi_base(user).await.unwrap(),
        JitsiBase::default()
    );

    let goal = NewGoal {
        kind: GoalKind::IndustryChange,
        title: "Move into product".into(),
        industry: None,
        function: Some("product".into()),
        company: None,
        skill: None,
        target_count: Some(10),
        due_on: None,
    };
    let goal = db
        .store
        .add_goal(user, &goal, GoalStatus::Active, now)
        .await
        .unwrap();
    let block = NewOutreachBlock::new(
        Weekdays::parse("tue,thu").unwrap(),
        NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
        30,
        3,
        Some(goal),
    )
    .unwrap();
    let id = db.store.add_block(user, &block, now).await.unwrap();
    let stored = db.store.blocks(user).await.unwrap();
    assert_eq!(stored.len(), 1);
    let b = &stored[0];
    assert_eq!(
        (
            b.id,
            b.weekdays,
            b.starts_at,
            b.minutes,
            b.people,
            b.goal,
            b.active
        ),
        (id, block.weekdays, block.starts_at, 30, 3, Some(goal), true)
    );
    db.store.remove_block(user, id).await.unwrap();
    assert!(db.store.blocks(user).await.unwrap().is_empty());
    let gone = db.store.remove_block(user, OutreachBlockId(id.0)).await;
    assert!(matches!(gone, Err(StoreError::NotFound { .. })), "{gone:?}");
    db.finish().await;
}

/// The random part of a user's calendar UIDs: made on first use, the same
/// at every later fetch, another user's or another database's is another.
#[rstest]
#[tokio::test]
async fn a_calendar_uid_space_is_random_and_kept(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let (Some(db), Some(elsewhere)) = (TestDb::new(backend).await, TestDb::new(backend).await)
    else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let space = db.store.calendar_uid_space(ann).await.unwrap();
    assert_eq!(space.len(), 32, "{space}");
    assert!(space.bytes().all(|b| b.is_ascii_hexdigit()), "{space}");
    assert_eq!(db.store.calendar_uid_space(ann).await.unwrap(), space);
    assert_ne!(db.store.calendar_uid_space(bob).await.unwrap(), space);
    // The same first user, same name, in another installation.
    let ann_elsewhere = elsewhere.user("ann").await;
    assert_eq!(ann_elsewhere, ann);
    assert_ne!(
        elsewhere
            .store
            .calendar_uid_space(ann_elsewhere)
            .await
            .unwrap(),
        space
    );
    let nobody = db
        .store
        .calendar_uid_space(kith_core::ids::UserId(999_999))
        .await;
    assert!(
        matches!(nobody, Err(StoreError::NotFound { .. })),
        "{nobody:?}"
    );
    elsewhere.finish().await;
    db.finish().await;
}
