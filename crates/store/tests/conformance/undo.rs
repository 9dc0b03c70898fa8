//! Editing follow-ups, and undoing a done, drop or archive: restored whole
//! or refused with nothing changed, only by the owner, only for a while.

use chrono::{Duration, NaiveDate, Utc};
use kith_core::follow_up::{FollowUpEdit, FollowUpKind, FollowUpStatus, NewFollowUp, Owner};
use kith_core::ids::{ContactId, UserId};
use kith_core::undo::UndoKind;
use kith_store::{FollowUpFilter, StoreError};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::named;

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

async fn all_follow_ups(db: &TestDb, user: UserId) -> Vec<kith_core::follow_up::FollowUp> {
    db.store
        .follow_ups(
            user,
            &FollowUpFilter {
                contact: None,
                owner: None,
                open_only: false,
            },
        )
        .await
        .unwrap()
}

#[rstest]
#[tokio::test]
async fn a_follow_up_is_edited_and_only_by_its_owner(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let eve = db.user("eve").await;
    let now = Utc::now();
    let jane = db
        .store
        .add_contact(ann, &named("Jane Doe"), now)
        .await
        .unwrap();
    let id = db
        .store
        .add_follow_up(ann, &task(jane, "Send the deck", true), now)
        .await
        .unwrap();
    let due = NaiveDate::from_ymd_opt(2031, 5, 6).unwrap();
    let edited = db
        .store
        .edit_follow_up(
            ann,
            id,
            &FollowUpEdit {
                title: Some("Send the slides".into()),
                owner: None,
                due_on: Some(Some(due)),
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.title, "Send the slides");
    assert_eq!(edited.due_on, Some(due));
    assert_eq!(edited.owner, Owner::Me);
    assert!(edited.loop_back);

    // Theirs now: it no longer asks me to loop back; the date is cleared.
    let edited = db
        .store
        .edit_follow_up(
            ann,
            id,
            &FollowUpEdit {
                title: None,
                owner: Some(Owner::Them),
                due_on: Some(None),
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.owner, Owner::Them);
    assert_eq!(edited.due_on, None);
    assert!(!edited.loop_back);
    assert_eq!(edited.title, "Send the slides");

    let refused = db
        .store
        .edit_follow_up(
            eve,
            id,
            &FollowUpEdit {
                title: Some("Hacked".into()),
                ..FollowUpEdit::default()
            },
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::NotFound { .. })),
        "{refused:?}"
    );
    assert!(matches!(
        db.store.follow_up(eve, id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        db.store.follow_up(ann, id).await.unwrap().title,
        "Send the slides"
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn undoing_done_reopens_it_and_removes_its_loop_back_once(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let now = Utc::now();
    let jane = db
        .store
        .add_contact(ann, &named("Jane Doe"), now)
        .await
        .unwrap();
    let id = db
        .store
        .add_follow_up(ann, &task(jane, "Read the book", true), now)
        .await
        .unwrap();
    let before = all_follow_ups(&db, ann).await;

    let (done, loop_back, undo) = db
        .store
        .complete_follow_up_undoable(ann, id, now)
        .await
        .unwrap();
    assert_eq!(done.status, FollowUpStatus::Done);
    assert!(loop_back.is_some());
    assert_eq!(undo.kind, UndoKind::Done);
    assert_eq!(undo.label, "Done: Read the book (Jane Doe)");
    let listed = db.store.undoable(ann, now).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, undo.id);

    let undone = db
        .store
        .undo(ann, None, now + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(undone.id, undo.id);
    assert_eq!(all_follow_ups(&db, ann).await, before);
    assert!(db.store.undoable(ann, now).await.unwrap().is_empty());

    // Twice: refused, nothing changes.
    let again = db
        .store
        .undo(ann, Some(undo.id), now + Duration::minutes(6))
        .await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(m)) if m.contains("undone already")),
        "{again:?}"
    );
    assert_eq!(all_follow_ups(&db, ann).await, before);

    // It can be done again, and that is undoable in its turn.
    let (_, _, second) = db
        .store
        .complete_follow_up_undoable(ann, id, now + Duration::minutes(7))
        .await
        .unwrap();
    assert_ne!(second.id, undo.id);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn undo_is_refused_whole_when_the_loop_back_was_closed_since(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let now = Utc::now();
    let jane = db
        .store
        .add_contact(ann, &named("Jane Doe"), now)
        .await
        .unwrap();
    let id = db
        .store
        .add_follow_up(ann, &task(jane, "Read the book", true), now)
        .await
        .unwrap();
    let (_, loop_back, undo) = db
        .store
        .complete_follow_up_undoable(ann, id, now)
        .await
        .unwrap();
    db.store
        .complete_follow_up(ann, loop_back.unwrap().id, now)
        .await
        .unwrap();
    let after = all_follow_ups(&db, ann).await;
    let refused = db.store.undo(ann, Some(undo.id), now).await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(m)) if m.contains("loop-back")),
        "{refused:?}"
    );
    // Not half restored: the follow-up is still done.
    assert_eq!(all_follow_ups(&db, ann).await, after);
    assert_eq!(
        db.store.follow_up(ann, id).await.unwrap().status,
        FollowUpStatus::Done
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn undoing_a_drop_reopens_it_until_the_window_closes(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let now = Utc::now();
    let jane = db
        .store
        .add_contact(ann, &named("Jane Doe"), now)
        .await
        .unwrap();
    let first = db
        .store
        .add_follow_up(ann, &task(jane, "Call back", false), now)
        .await
        .unwrap();
    let second = db
        .store
        .add_follow_up(ann, &task(jane, "Write back", false), now)
        .await
        .unwrap();
    let (_, late) = db
        .store
        .drop_follow_up_undoable(ann, first, now)
        .await
        .unwrap();
    let (dropped, undo) = db
        .store
        .drop_follow_up_undoable(ann, second, now)
        .await
        .unwrap();
    assert_eq!(dropped.status, FollowUpStatus::Dropped);
    assert_eq!(undo.kind, UndoKind::Drop);

    // 31 minutes later: too late, and it says so.
    let too_late = db
        .store
        .undo(ann, Some(late.id), now + Duration::minutes(31))
        .await;
    assert!(
        matches!(&too_late, Err(StoreError::Conflict(m)) if m.contains("too late") && m.contains("30 minutes")),
        "{too_late:?}"
    );
    assert!(
        db.store
            .undoable(ann, now + Duration::minutes(31))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        db.store.undo(ann, None, now + Duration::minutes(31)).await,
        Err(StoreError::NotFound { .. })
    ));

    // At 30 minutes: still in time. The latest goes first.
    let undone = db
        .store
        .undo(ann, None, now + Duration::minutes(30))
        .await
        .unwrap();
    assert_eq!(undone.id, undo.id);
    let reopened = db.store.follow_up(ann, second).await.unwrap();
    assert_eq!(reopened.status, FollowUpStatus::Open);
    assert_eq!(reopened.closed_at, None);

    // A new action purges the rows older than the window.
    let other = db
        .store
        .add_follow_up(ann, &task(jane, "Something else", false), now)
        .await
        .unwrap();
    db.store
        .drop_follow_up_undoable(ann, other, now + Duration::hours(2))
        .await
        .unwrap();
    assert!(matches!(
        db.store
            .undo(ann, Some(late.id), now + Duration::hours(2))
            .await,
        Err(StoreError::NotFound { .. })
    ));
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn one_user_cannot_undo_anothers_action(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let eve = db.user("eve").await;
    let now = Utc::now();
    let jane = db
        .store
        .add_contact(ann, &named("Jane Doe"), now)
        .await
        .unwrap();
    let id = db
        .store
        .add_follow_up(ann, &task(jane, "Read the book", true), now)
        .await
        .unwrap();
    let (_, _, undo) = db
        .store
        .complete_follow_up_undoable(ann, id, now)
        .await
        .unwrap();
    let after = all_follow_ups(&db, ann).await;
    assert!(db.store.undoable(eve, now).await.unwrap().is_empty());
    assert!(matches!(
        db.store.undo(eve, Some(undo.id), now).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        db.store.undo(eve, None, now).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(all_follow_ups(&db, ann).await, after);
    // Still Ann's to undo.
    db.store.undo(ann, Some(undo.id), now).await.unwrap();
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn undoing_an_archive_brings_the_contact_back_unless_it_changed(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let now = Utc::now();
    let jane = db
        .store
        .add_contact(ann, &named("Jane Doe"), now)
        .await
        .unwrap();
    let bob = db
        .store
        .add_contact(ann, &named("Bob Roe"), now)
        .await
        .unwrap();

    let undo = db
        .store
        .archive_contact(ann, jane, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(undo.kind, UndoKind::Archive);
    assert!(db.store.contact(ann, jane).await.unwrap().archived);
    // Archiving what is archived already changes nothing, so offers no undo.
    assert!(
        db.store
            .archive_contact(ann, jane, now)
            .await
            .unwrap()
            .is_none()
    );
    db.store.undo(ann, Some(undo.id), now).await.unwrap();
    assert!(!db.store.contact(ann, jane).await.unwrap().archived);

    // Unarchived by hand since: the undo is refused.
    let undo = db
        .store
        .archive_contact(ann, bob, now)
        .await
        .unwrap()
        .unwrap();
    db.store
        .update_contact(
            ann,
            bob,
            &kith_core::contact::ContactPatch {
                archived: Some(false),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    let refused = db.store.undo(ann, Some(undo.id), now).await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(m)) if m.contains("unarchived")),
        "{refused:?}"
    );
    db.finish().await;
}
