//! Two-step sign-in's storage on both backends: a TOTP step is accepted
//! once, a recovery code once, pending sign-ins expire, and sessions are
//! listed and ended only by their owner.

use chrono::{Duration, Utc};
use kith_store::{PendingPurpose, StoreError};
use rstest::rstest;

use crate::harness::{Backend, TestDb};

#[rstest]
#[tokio::test]
async fn a_code_and_a_recovery_code_work_once(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let now = Utc::now();
    assert!(db.store.totp(ann).await.unwrap().is_none());
    db.store
        .begin_totp(ann, "JBSWY3DPEHPK3PXP", now)
        .await
        .unwrap();
    let offered = db.store.totp(ann).await.unwrap().unwrap();
    assert!(!offered.confirmed);
    assert!(
        !format!("{offered:?}").contains("JBSWY3DPEHPK3PXP"),
        "no seed in Debug"
    );
    // Unconfirmed, a code counts for nothing.
    assert!(!db.store.use_totp_step(ann, 100).await.unwrap());
    let digests: Vec<String> = (0..3).map(|i| format!("digest-{i}")).collect();
    db.store
        .confirm_totp(ann, 100, &digests, now)
        .await
        .unwrap();
    assert!(db.store.totp(ann).await.unwrap().unwrap().confirmed);
    // Confirming again, or offering a new seed while on, is refused.
    assert!(matches!(
        db.store.confirm_totp(ann, 101, &digests, now).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        db.store.begin_totp(ann, "OTHERSEED", now).await,
        Err(StoreError::Conflict(_))
    ));
    // Steps go forward only: the confirming step and older ones are spent.
    assert!(!db.store.use_totp_step(ann, 100).await.unwrap());
    assert!(!db.store.use_totp_step(ann, 99).await.unwrap());
    assert!(db.store.use_totp_step(ann, 101).await.unwrap());
    assert!(!db.store.use_totp_step(ann, 101).await.unwrap());
    assert!(
        !db.store.use_totp_step(bob, 500).await.unwrap(),
        "bob has none"
    );
    // Recovery codes: once each, and only one's own.
    assert_eq!(db.store.recovery_codes_left(ann).await.unwrap(), 3);
    assert!(
        !db.store
            .use_recovery_code(bob, "digest-1", now)
            .await
            .unwrap()
    );
    assert!(
        db.store
            .use_recovery_code(ann, "digest-1", now)
            .await
            .unwrap()
    );
    assert!(
        !db.store
            .use_recovery_code(ann, "digest-1", now)
            .await
            .unwrap()
    );
    assert_eq!(db.store.recovery_codes_left(ann).await.unwrap(), 2);
    db.store
        .set_recovery_codes(ann, &["new-0".to_owned()])
        .await
        .unwrap();
    assert!(
        !db.store
            .use_recovery_code(ann, "digest-2", now)
            .await
            .unwrap()
    );
    assert_eq!(db.store.recovery_codes_left(ann).await.unwrap(), 1);
    // Off: seed and codes go.
    assert!(db.store.remove_totp(ann).await.unwrap());
    assert!(db.store.totp(ann).await.unwrap().is_none());
    assert_eq!(db.store.recovery_codes_left(ann).await.unwrap(), 0);
    assert!(!db.store.remove_totp(ann).await.unwrap());
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn pending_sign_ins_expire_and_sessions_are_their_owners(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let now = Utc::now();
    db.store
        .create_pending_signin(
            "p-live",
            ann,
            PendingPurpose::Enrol,
            Some("SEED"),
            now + Duration::minutes(10),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    db.store
        .create_pending_signin(
            "p-old",
            ann,
            PendingPurpose::Code,
            None,
            now - Duration::seconds(1),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let live = db
        .store
        .pending_signin("p-live", chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((live.user.id, live.purpose), (ann, PendingPurpose::Enrol));
    assert_eq!(live.secret.as_deref(), Some("SEED"));
    assert!(
        db.store
            .pending_signin("p-old", chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        db.store
            .pending_signin("nope", chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );
    // A disabled user's sign-in cannot be finished.
    db.store.set_disabled(ann, true).await.unwrap();
    assert!(
        db.store
            .pending_signin("p-live", chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );
    db.store.set_disabled(ann, false).await.unwrap();
    db.store.delete_pending_signin("p-live").await.unwrap();
    assert!(
        db.store
            .pending_signin("p-live", chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );

    let later = now + Duration::days(1);
    let a = "a1b2c3d4e5f60718aaaaaaaaaaaaaaaa";
    let b = "0123456789abcdefbbbbbbbbbbbbbbbb";
    db.store
        .create_session(
            ann,
            a,
            later,
            "password+totp",
            Some("Firefox on Linux"),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    db.store
        .create_session(ann, b, later, "password", None, chrono::Utc::now())
        .await
        .unwrap();
    db.store
        .create_session(
            bob,
            "ffffffffffffffffcccccccccccccccc",
            later,
            "password",
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let sessions = db.store.sessions(ann, chrono::Utc::now()).await.unwrap();
    assert_eq!(sessions.len(), 2);
    let first = sessions.iter().find(|s| s.key == a[..16]).unwrap();
    assert_eq!(first.method, "password+totp");
    assert_eq!(first.agent.as_deref(), Some("Firefox on Linux"));
    // Bob cannot end Ann's; a malformed key ends nothing.
    assert!(!db.store.end_session(bob, &a[..16]).await.unwrap());
    assert!(!db.store.end_session(ann, "%").await.unwrap());
    assert!(db.store.end_session(ann, &a[..16]).await.unwrap());
    assert_eq!(
        db.store
            .sessions(ann, chrono::Utc::now())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        db.store
            .sessions(bob, chrono::Utc::now())
            .await
            .unwrap()
            .len(),
        1
    );
    db.finish().await;
}
