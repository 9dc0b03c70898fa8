//! Digest schedules and the outbox, on both backends: each message is
//! claimed by one sender, retried, failed, or left uncertain after a crash.

use std::collections::HashSet;

use chrono::{Duration, NaiveTime, Utc};
use kith_core::digest::DigestSettings;
use kith_core::outreach::Weekdays;
use kith_store::{Delivery, MailKind, MailStatus, NewMail, StoreError};
use rstest::rstest;

use crate::email;
use crate::harness::{Backend, TestDb};

fn mail(key: &str) -> NewMail {
    NewMail {
        kind: MailKind::Digest,
        dedup_key: key.to_owned(),
        to: vec![email("ann@example.com"), email("ann.work@example.com")],
        reply_to: None,
        subject: format!("Your day ({key})"),
        text: "Jane Doe is due".into(),
        html: Some("<p>Jane Doe is due</p>".into()),
        calendar: None,
    }
}

#[rstest]
#[tokio::test]
async fn digest_settings_are_kept_per_user(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let state = db.store.digest_state(ann).await.unwrap();
    assert_eq!(state.settings, DigestSettings::default());
    assert_eq!(state.next_at, None);
    let next = Utc::now() + Duration::hours(3);
    let settings = DigestSettings {
        enabled: true,
        days: Weekdays::parse("mon,thu").unwrap(),
        at: NaiveTime::from_hms_opt(18, 45, 0).unwrap(),
        address: Some(email("ann@example.com")),
    };
    db.store
        .set_digest(ann, &settings, Some(next))
        .await
        .unwrap();
    let state = db.store.digest_state(ann).await.unwrap();
    assert_eq!(state.settings, settings);
    assert_eq!(state.next_at.unwrap().timestamp(), next.timestamp());
    // Bob's are untouched.
    assert_eq!(
        db.store.digest_state(bob).await.unwrap().settings,
        DigestSettings::default()
    );
    // Off: no next time, whatever the caller says.
    let off = DigestSettings {
        enabled: false,
        ..settings
    };
    let state = db.store.set_digest(ann, &off, Some(next)).await.unwrap();
    assert_eq!(state.next_at, None);
    assert_eq!(db.store.digest_state(ann).await.unwrap().next_at, None);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn a_due_digest_is_claimed_and_recorded_once(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let now = Utc::now();
    let on = DigestSettings {
        enabled: true,
        ..DigestSettings::default()
    };
    db.store
        .set_digest(ann, &on, Some(now - Duration::minutes(1)))
        .await
        .unwrap();
    // Bob's is not due yet.
    db.store
        .set_digest(bob, &on, Some(now + Duration::hours(1)))
        .await
        .unwrap();
    let lease = now + Duration::minutes(2);
    let claimed = db.store.claim_due_digests(now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].user, ann);
    // Held: nobody else gets it while the lease runs.
    assert!(
        db.store
            .claim_due_digests(now, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let tomorrow = now + Duration::days(1);
    let due = claimed[0];
    assert!(
        db.store
            .record_digest(due, tomorrow, Some(&mail("digest:1")), now)
            .await
            .unwrap()
    );
    // A second server that claimed the same due time records nothing.
    assert!(
        !db.store
            .record_digest(due, tomorrow, Some(&mail("digest:2")), now)
            .await
            .unwrap()
    );
    let outbox = db.store.outbox(ann, 10).await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].status, MailStatus::Pending);
    assert_eq!(outbox[0].to, ["ann@example.com", "ann.work@example.com"]);
    assert_eq!(
        db.store
            .digest_state(ann)
            .await
            .unwrap()
            .next_at
            .unwrap()
            .timestamp(),
        tomorrow.timestamp()
    );
    // The lease lapses with the move: tomorrow's is claimable tomorrow.
    let later = tomorrow + Duration::seconds(1);
    let claimed = db.store.claim_due_digests(later, later, 10).await.unwrap();
    assert_eq!(claimed.len(), 2, "ann's next and bob's");
    // A disabled user gets none.
    db.store.set_disabled(bob, true).await.unwrap();
    let much_later = later + Duration::hours(1);
    let claimed = db
        .store
        .claim_due_digests(much_later, much_later, 10)
        .await
        .unwrap();
    assert_eq!(claimed.iter().map(|d| d.user).collect::<Vec<_>>(), [ann]);
    assert!(db.store.outbox(bob, 10).await.unwrap().is_empty());
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn the_same_key_is_recorded_once(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let now = Utc::now();
    let first = db.store.enqueue_mail(ann, &mail("k"), now).await.unwrap();
    assert!(first.is_some());
    assert_eq!(
        db.store.enqueue_mail(ann, &mail("k"), now).await.unwrap(),
        None
    );
    // Keys are per user.
    assert!(
        db.store
            .enqueue_mail(bob, &mail("k"), now)
            .await
            .unwrap()
            .is_some()
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn concurrent_senders_never_claim_the_same_message(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let now = Utc::now();
    for i in 0..60 {
        db.store
            .enqueue_mail(ann, &mail(&format!("k{i}")), now)
            .await
            .unwrap();
    }
    let lease = now + Duration::minutes(5);
    let mut tasks = Vec::new();
    for server in 0..4 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let batch = store
                    .claim_mail(&format!("server-{server}"), now, lease, 3)
                    .await
                    .unwrap();
                if batch.is_empty() {
                    break mine;
                }
                for m in batch {
                    assert_eq!(m.attempts, 1);
                    store.finish_mail(m.id, &Delivery::Sent, now).await.unwrap();
                    mine.push(m.id);
                }
            }
        }));
    }
    let mut seen = HashSet::new();
    for task in tasks {
        for id in task.await.unwrap() {
            assert!(seen.insert(id), "message {id} claimed twice");
        }
    }
    assert_eq!(seen.len(), 60);
    let outbox = db.store.outbox(ann, 100).await.unwrap();
    assert!(outbox.iter().all(|e| e.status == MailStatus::Sent));
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn failures_retry_then_fail_and_a_crash_leaves_the_message_uncertain(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let now = Utc::now();
    let id = db
        .store
        .enqueue_mail(ann, &mail("retry"), now)
        .await
        .unwrap()
        .unwrap();
    let lease = now + Duration::minutes(5);
    let claimed = db.store.claim_mail("a", now, lease, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    let token = claimed[0].token.clone();
    assert_eq!(token.len(), 32, "{token}");
    let retry_at = now + Duration::minutes(1);
    let retry = Delivery::Retry {
        error: "451 try later".into(),
        at: retry_at,
    };
    db.store.finish_mail(id, &retry, now).await.unwrap();
    // Not before its time.
    assert!(
        db.store
            .claim_mail("a", now, lease, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let entry = &db.store.outbox(ann, 10).await.unwrap()[0];
    assert_eq!(entry.status, MailStatus::Pending);
    assert_eq!(entry.last_error.as_deref(), Some("451 try later"));
    let again = db.store.claim_mail("b", retry_at, lease, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(
        again[0].token, token,
        "the same Message-ID on every attempt"
    );
    let failed = Delivery::Failed {
        error: "550 no such user".into(),
    };
    db.store.finish_mail(id, &failed, now).await.unwrap();
    let entry = &db.store.outbox(ann, 10).await.unwrap()[0];
    assert_eq!(entry.status, MailStatus::Failed);
    // Only its owner can send it again.
    assert!(matches!(
        db.store.retry_mail(bob, id, now).await,
        Err(StoreError::NotFound { .. })
    ));
    db.store.retry_mail(ann, id, now).await.unwrap();
    let third = db.store.claim_mail("c", now, lease, 10).await.unwrap();
    assert_eq!(
        third[0].attempts, 1,
        "a retry starts a fresh set of attempts"
    );
    // The sender stops between sending and marking: once the lease is over
    // the message is uncertain, and nobody sends it again by themselves.
    assert_eq!(db.store.expire_mail_claims(now).await.unwrap(), 0);
    assert_eq!(db.store.expire_mail_claims(lease).await.unwrap(), 1);
    let entry = &db.store.outbox(ann, 10).await.unwrap()[0];
    assert_eq!(entry.status, MailStatus::Uncertain);
    assert!(
        entry
            .last_error
            .as_deref()
            .unwrap()
            .contains("may or may not")
    );
    let much_later = lease + Duration::days(1);
    assert!(
        db.store
            .claim_mail("d", much_later, much_later, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // A sent message cannot be retried.
    db.store.retry_mail(ann, id, now).await.unwrap();
    let claimed = db.store.claim_mail("e", now, lease, 10).await.unwrap();
    db.store
        .finish_mail(claimed[0].id, &Delivery::Sent, now)
        .await
        .unwrap();
    assert!(db.store.retry_mail(ann, id, now).await.is_err());
    let last = db.store.last_digest(ann).await.unwrap().unwrap();
    assert_eq!((last.id, last.status), (id, MailStatus::Sent));
    assert!(db.store.last_digest(bob).await.unwrap().is_none());
    db.finish().await;
}
