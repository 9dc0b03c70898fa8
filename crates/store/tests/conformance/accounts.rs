//! Accounts: passwords, sessions, tokens and sign-in throttling.

use chrono::{Duration, Utc};
use kith_store::{StoreError, TokenScope};
use rstest::rstest;

use crate::harness::{Backend, TestDb};

#[rstest]
#[tokio::test]
async fn sessions_live_until_logout_idle_expiry_or_disable(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let creds = db.store.credentials("ann").await.unwrap().unwrap();
    assert_eq!(
        (creds.user, creds.password_hash.as_deref(), creds.disabled),
        (ann, None, false)
    );
    assert!(db.store.credentials("nobody").await.unwrap().is_none());
    db.store
        .set_password_hash(ann, "$argon2id$v=19$stub")
        .await
        .unwrap();
    assert_eq!(
        db.store
            .credentials("ann")
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .as_deref(),
        Some("$argon2id$v=19$stub")
    );
    assert!(
        !format!("{creds:?}").contains("argon2"),
        "the hash never shows in Debug"
    );

    let idle = Duration::minutes(30);
    let later = Utc::now() + Duration::days(7);
    db.store
        .create_session(ann, "digest-a", later, "password", None, chrono::Utc::now())
        .await
        .unwrap();
    db.store
        .create_session(ann, "digest-b", later, "password", None, chrono::Utc::now())
        .await
        .unwrap();
    db.store
        .create_session(
            ann,
            "digest-old",
            Utc::now() - Duration::seconds(1),
            "password",
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        db.store
            .session_user("digest-a", idle, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap()
            .id,
        ann
    );
    assert!(
        db.store
            .session_user("digest-old", idle, chrono::Utc::now())
            .await
            .unwrap()
            .is_none(),
        "past its absolute expiry"
    );
    assert!(
        db.store
            .session_user("digest-a", Duration::seconds(-1), chrono::Utc::now())
            .await
            .unwrap()
            .is_none(),
        "idle too long"
    );
    assert!(
        db.store
            .session_user("unknown", idle, chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );

    db.store.delete_session("digest-a").await.unwrap();
    assert!(
        db.store
            .session_user("digest-a", idle, chrono::Utc::now())
            .await
            .unwrap()
            .is_none(),
        "logged out"
    );
    assert!(
        db.store
            .session_user("digest-b", idle, chrono::Utc::now())
            .await
            .unwrap()
            .is_some()
    );
    db.store.set_disabled(ann, true).await.unwrap();
    assert!(
        db.store
            .session_user("digest-b", idle, chrono::Utc::now())
            .await
            .unwrap()
            .is_none(),
        "disabling ends sessions"
    );
    assert!(db.store.credentials("ann").await.unwrap().unwrap().disabled);
    db.store.set_disabled(ann, false).await.unwrap();
    assert!(
        db.store
            .session_user("digest-b", idle, chrono::Utc::now())
            .await
            .unwrap()
            .is_none(),
        "they stay ended"
    );
    db.finish().await;
}

/// A read-only API token is kept as such and found only under its own
/// scope, so the API and MCP can tell it from a full one.
#[rstest]
#[tokio::test]
async fn a_read_only_token_keeps_its_scope(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let now = chrono::Utc::now();
    db.store
        .create_token(ann, "assistant", TokenScope::ApiReadOnly, "tok-ro", now)
        .await
        .unwrap();
    let found = |scope| db.store.token_user("tok-ro", scope, now);
    assert_eq!(
        found(TokenScope::ApiReadOnly).await.unwrap().map(|u| u.id),
        Some(ann)
    );
    assert!(
        found(TokenScope::Api).await.unwrap().is_none(),
        "a read-only token passes as a full one"
    );
    let listed = db.store.tokens(ann).await.unwrap();
    assert_eq!(listed[0].scope, TokenScope::ApiReadOnly);
}

#[rstest]
#[tokio::test]
async fn tokens_are_scoped_revocable_and_owned(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let eve = db.user("eve").await;
    let api = db
        .store
        .create_token(
            ann,
            "laptop script",
            TokenScope::Api,
            "tok-api",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let dav = db
        .store
        .create_token(
            ann,
            "phone",
            TokenScope::CardDav,
            "tok-dav",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        db.store
            .token_user("tok-api", TokenScope::Api, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap()
            .id,
        ann
    );
    assert!(
        db.store
            .token_user("tok-api", TokenScope::CardDav, chrono::Utc::now())
            .await
            .unwrap()
            .is_none(),
        "scopes do not mix"
    );
    assert_eq!(
        db.store
            .token_user("tok-dav", TokenScope::CardDav, chrono::Utc::now())
            .await
            .unwrap()
            .unwrap()
            .id,
        ann
    );
    let listed = db.store.tokens(ann).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["laptop script", "phone"]
    );
    assert!(listed[0].last_used_at.is_some(), "use is recorded");
    assert!(db.store.tokens(eve).await.unwrap().is_empty());

    let err = db
        .store
        .revoke_token(eve, api.id, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    db.store
        .revoke_token(ann, api.id, chrono::Utc::now())
        .await
        .unwrap();
    assert!(
        db.store
            .token_user("tok-api", TokenScope::Api, chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(db.store.tokens(ann).await.unwrap()[0].revoked_at.is_some());
    assert!(matches!(
        db.store.revoke_token(ann, api.id, chrono::Utc::now()).await,
        Err(StoreError::NotFound { .. })
    ));

    db.store.set_disabled(ann, true).await.unwrap();
    assert!(
        db.store
            .token_user("tok-dav", TokenScope::CardDav, chrono::Utc::now())
            .await
            .unwrap()
            .is_none(),
        "a disabled user's tokens stop"
    );
    let _ = dav;
    let clash = db
        .store
        .create_token(eve, "x", TokenScope::Api, "tok-dav", chrono::Utc::now())
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))));
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn failed_sign_ins_are_counted_per_key(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let hour_ago = Utc::now() - Duration::hours(1);
    for _ in 0..3 {
        db.store
            .record_login_failure("user:ann", chrono::Utc::now())
            .await
            .unwrap();
    }
    db.store
        .record_login_failure("ip:127.0.0.1", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        db.store
            .login_failures_since("user:ann", hour_ago)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        db.store
            .login_failures_since("user:ann", Utc::now() + Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
    db.store
        .clear_login_failures("user:ann", hour_ago)
        .await
        .unwrap();
    assert_eq!(
        db.store
            .login_failures_since("user:ann", hour_ago)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        db.store
            .login_failures_since("ip:127.0.0.1", hour_ago)
            .await
            .unwrap(),
        1
    );
    db.finish().await;
}

/// Attempts claimed at once, as guesses sent together are: no more pass
/// than the limit, and a refused claim counts under no key.
#[rstest]
#[tokio::test]
async fn attempts_claimed_at_once_stop_at_the_limit(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let now = Utc::now();
    let since = now - Duration::minutes(15);
    let claims: Vec<_> = (0..30)
        .map(|_| {
            let store = db.store.clone();
            tokio::spawn(async move {
                store
                    .claim_login_attempt(&[("user:ann", 10), ("ip:192.0.2.1", 50)], since, now)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut passed = 0;
    for claim in claims {
        passed += usize::from(claim.await.unwrap());
    }
    assert_eq!(passed, 10);
    let count = |key: &'static str| db.store.login_failures_since(key, since);
    assert_eq!(count("user:ann").await.unwrap(), 10);
    assert_eq!(
        count("ip:192.0.2.1").await.unwrap(),
        10,
        "refused ones not counted"
    );
    // One that was right is taken back, under its key only.
    db.store
        .forget_login_attempt("ip:192.0.2.1", now)
        .await
        .unwrap();
    assert_eq!(count("ip:192.0.2.1").await.unwrap(), 9);
    assert_eq!(count("user:ann").await.unwrap(), 10);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn only_one_first_account_even_when_setups_race(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    use kith_core::user::{NewUser, Username};
    use kith_core::values::TimeZone;
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let new = |name: &str| NewUser {
        username: Username::parse(name).unwrap(),
        display_name: name.to_owned(),
        email: None,
        timezone: TimeZone::UTC,
    };
    let (ann, bob) = (new("ann"), new("bob"));
    let (a, b) = tokio::join!(
        db.store
            .create_first_account(&ann, "$argon2id$a", chrono::Utc::now()),
        db.store
            .create_first_account(&bob, "$argon2id$b", chrono::Utc::now()),
    );
    let won = [a.is_ok(), b.is_ok()];
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{a:?} {b:?}");
    for result in [a, b] {
        if let Err(e) = result {
            assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
        }
    }
    let users = db.store.users().await.unwrap();
    assert_eq!(users.len(), 1);
    let first = db
        .store
        .credentials(&users[0].username)
        .await
        .unwrap()
        .unwrap();
    assert!(first.admin, "the first account administers the instance");
    let late = db
        .store
        .create_first_account(&new("carol"), "$argon2id$c", chrono::Utc::now())
        .await;
    assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
}
