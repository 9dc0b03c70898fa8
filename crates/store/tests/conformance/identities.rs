//! Accounts at sign-in providers, on both backends: a flow's state works
//! once, an account links to one user, the last way to sign in stays.

use chrono::{Duration, Utc};
use kith_core::user::SettingsPatch;
use kith_store::{OAuthFlow, StoreError};
use rstest::rstest;

use crate::email;
use crate::harness::{Backend, TestDb};

fn flow(provider: &str, expires_in: Duration) -> OAuthFlow {
    OAuthFlow {
        provider: provider.into(),
        nonce: "nonce".into(),
        verifier: "verifier".into(),
        next: "/goals".into(),
        link_user: None,
        expires_at: Utc::now() + expires_in,
    }
}

#[rstest]
#[tokio::test]
async fn a_state_works_once_and_an_account_links_to_one_user(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let s = &db.store;
    s.create_oauth_flow(
        "s1",
        &flow("corp", Duration::minutes(10)),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(!format!("{:?}", flow("corp", Duration::zero())).contains("verifier\""));
    // Another provider's callback cannot take it, and that spends it.
    assert_eq!(
        s.take_oauth_flow("s1", "other", chrono::Utc::now())
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.take_oauth_flow("s1", "corp", chrono::Utc::now())
            .await
            .unwrap(),
        None
    );
    s.create_oauth_flow(
        "s2",
        &flow("corp", Duration::minutes(10)),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let taken = s
        .take_oauth_flow("s2", "corp", chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (taken.next.as_str(), taken.verifier.as_str()),
        ("/goals", "verifier")
    );
    assert_eq!(
        s.take_oauth_flow("s2", "corp", chrono::Utc::now())
            .await
            .unwrap(),
        None,
        "once"
    );
    s.create_oauth_flow(
        "s3",
        &flow("corp", -Duration::seconds(1)),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        s.take_oauth_flow("s3", "corp", chrono::Utc::now())
            .await
            .unwrap(),
        None,
        "expired"
    );

    s.link_identity(
        ann,
        "corp",
        "sub-1",
        Some("ann@example.com"),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert!(matches!(
        s.link_identity(bob, "corp", "sub-1", None, chrono::Utc::now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    // The same subject at another provider is another account.
    s.link_identity(bob, "github", "sub-1", None, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        s.identity_user("corp", "sub-1", chrono::Utc::now())
            .await
            .unwrap()
            .unwrap()
            .id,
        ann
    );
    assert_eq!(
        s.identity_user("github", "sub-1", chrono::Utc::now())
            .await
            .unwrap()
            .unwrap()
            .id,
        bob
    );
    assert!(
        s.identity_user("corp", "sub-2", chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );
    let linked = s.identities(ann).await.unwrap();
    assert_eq!(linked.len(), 1);
    assert!(linked[0].last_used_at.is_some());
    s.set_disabled(ann, true).await.unwrap();
    assert!(
        s.identity_user("corp", "sub-1", chrono::Utc::now())
            .await
            .unwrap()
            .is_none(),
        "disabled"
    );
    s.set_disabled(ann, false).await.unwrap();

    // Neither test user has a password: the only identity stays.
    let err = s.unlink_identity(ann, linked[0].id).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    assert_eq!(s.identities(ann).await.unwrap().len(), 1);
    // Bob cannot unlink Ann's.
    assert!(matches!(
        s.unlink_identity(bob, linked[0].id).await,
        Err(StoreError::NotFound { .. })
    ));
    s.link_identity(ann, "github", "ann-gh", None, chrono::Utc::now())
        .await
        .unwrap();
    s.unlink_identity(ann, linked[0].id).await.unwrap();
    assert_eq!(s.identities(ann).await.unwrap().len(), 1);
    s.set_password_hash(
        bob,
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
    )
    .await
    .unwrap();
    let bobs = s.identities(bob).await.unwrap();
    s.unlink_identity(bob, bobs[0].id).await.unwrap();
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn an_address_names_a_user_only_when_it_names_one(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let s = &db.store;
    let with_email = |e: &str| SettingsPatch {
        email: Some(Some(email(e))),
        ..SettingsPatch::default()
    };
    s.update_settings(ann, &with_email("ann@example.com"))
        .await
        .unwrap();
    assert_eq!(
        s.user_by_email("ANN@example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        ann
    );
    assert!(
        s.user_by_email("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    s.update_settings(bob, &with_email("ann@example.com"))
        .await
        .unwrap();
    assert!(
        s.user_by_email("ann@example.com").await.unwrap().is_none(),
        "two have it"
    );
    db.finish().await;
}
