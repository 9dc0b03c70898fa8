//! State changes that race: two requests at once that each check a state
//! and change it (complete a follow-up, cancel or log a meeting). Exactly
//! one wins and the other is a `Conflict`, the same on both backends.

use std::sync::Arc;

use chrono::{Duration, Utc};
use kith_core::follow_up::{FollowUpKind, NewFollowUp, Owner};
use kith_core::ids::{ContactId, FollowUpId, UserId};
use kith_core::meeting::{MeetingMode, NewMeeting};
use kith_store::{FollowUpFilter, Store, StoreError};
use rstest::rstest;
use tokio::sync::Barrier;

use crate::harness::{Backend, TestDb};
use crate::named;

/// How many times each race is run: a race lost once in a while still
/// shows within this many.
const ROUNDS: usize = 12;

#[derive(Debug, Clone, Copy)]
enum Close {
    Done,
    Drop,
}

async fn close(store: &Store, user: UserId, id: FollowUpId, how: Close) -> Result<(), StoreError> {
    let now = Utc::now();
    match how {
        Close::Done => store.complete_follow_up(user, id, now).await.map(|_| ()),
        Close::Drop => store.drop_follow_up(user, id, now).await.map(|_| ()),
    }
}

/// Runs `a` and `b` at the same moment on two tasks and returns both results.
async fn at_once<A, B>(
    a: impl Future<Output = A> + Send + 'static,
    b: impl Future<Output = B> + Send + 'static,
) -> (A, B)
where
    A: Send + 'static,
    B: Send + 'static,
{
    let start = Arc::new(Barrier::new(2));
    let (sa, sb) = (start.clone(), start);
    let a = tokio::spawn(async move {
        sa.wait().await;
        a.await
    });
    let b = tokio::spawn(async move {
        sb.wait().await;
        b.await
    });
    (a.await.unwrap(), b.await.unwrap())
}

/// One result is a success and the other a `Conflict`; says which won.
fn one_winner<T: std::fmt::Debug, U: std::fmt::Debug>(
    round: usize,
    a: &Result<T, StoreError>,
    b: &Result<U, StoreError>,
) -> bool {
    match (a, b) {
        (Ok(_), Err(StoreError::Conflict(_))) => true,
        (Err(StoreError::Conflict(_)), Ok(_)) => false,
        _ => panic!("round {round}: expected one success and one conflict: {a:?} / {b:?}"),
    }
}

fn with_loop_back(contact: ContactId, round: usize) -> NewFollowUp {
    NewFollowUp {
        contact,
        conversation: None,
        owner: Owner::Me,
        kind: FollowUpKind::Task,
        title: format!("Send the deck #{round}"),
        due_on: None,
        loop_back: true,
        parent: None,
        subject: None,
    }
}

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_closings_of_a_follow_up_one_wins(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
    #[values((Close::Done, Close::Done), (Close::Done, Close::Drop))] how: (Close, Close),
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = db
        .store
        .add_contact(user, &named("Jane Doe"), Utc::now())
        .await
        .unwrap();
    let mut done_won = 0;
    for round in 0..ROUNDS {
        let id = db
            .store
            .add_follow_up(user, &with_loop_back(jane, round), Utc::now())
            .await
            .unwrap();
        let (sa, sb) = (db.store.clone(), db.store.clone());
        let (a, b) = at_once(
            async move { close(&sa, user, id, how.0).await },
            async move { close(&sb, user, id, how.1).await },
        )
        .await;
        let winner = if one_winner(round, &a, &b) {
            how.0
        } else {
            how.1
        };
        if matches!(winner, Close::Done) {
            done_won += 1;
        }
    }
    let all = db
        .store
        .follow_ups(user, &FollowUpFilter::default())
        .await
        .unwrap();
    let loop_backs = all
        .iter()
        .filter(|f| f.kind == FollowUpKind::LoopBack)
        .count();
    assert_eq!(
        loop_backs, done_won,
        "one loop-back per completion that won"
    );
    db.finish().await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_changes_to_a_meeting_one_wins(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = db
        .store
        .add_contact(user, &named("Jane Doe"), Utc::now())
        .await
        .unwrap();
    let past = Utc::now() - Duration::days(1);
    let place = MeetingMode::in_person("Café Central").unwrap();
    for round in 0..ROUNDS {
        let meeting = NewMeeting::new("Coffee", past, 30, place.clone(), vec![jane]).unwrap();
        let id = db
            .store
            .add_meeting(user, &meeting, past - Duration::days(1))
            .await
            .unwrap();
        let (s1, s2) = (db.store.clone(), db.store.clone());
        let now = Utc::now();
        // Round by round: two cancellations, two loggings, one of each.
        let (a, b) = match round % 3 {
            0 => {
                at_once(
                    async move { s1.cancel_meeting(user, id, now).await.map(|_| ()) },
                    async move { s2.cancel_meeting(user, id, now).await.map(|_| ()) },
                )
                .await
            }
            1 => {
                at_once(
                    async move { s1.log_meeting(user, id, "first", now).await.map(|_| ()) },
                    async move { s2.log_meeting(user, id, "second", now).await.map(|_| ()) },
                )
                .await
            }
            _ => {
                at_once(
                    async move { s1.cancel_meeting(user, id, now).await.map(|_| ()) },
                    async move { s2.log_meeting(user, id, "logged", now).await.map(|_| ()) },
                )
                .await
            }
        };
        one_winner(round, &a, &b);
        let after = db.store.meeting(user, id).await.unwrap();
        // A cancellation raises the sequence once; a second one would again.
        assert!(after.sequence <= 1, "round {round}: {after:?}");
    }
    // One conversation for each meeting that was logged, never two.
    let stats = db.store.contact_stats(user, jane).await.unwrap();
    let logged = (0..ROUNDS).filter(|r| r % 3 == 1).count();
    let either = (0..ROUNDS).filter(|r| r % 3 == 2).count();
    let conversations = stats.conversations as usize;
    assert!(
        (logged..=logged + either).contains(&conversations),
        "{conversations} conversations for {logged} logged and {either} either"
    );
    db.finish().await;
}
