//! Passkeys' storage on both backends: a credential belongs to one user, a
//! ceremony finishes once, the last way to sign in stays.

use kith_store::StoreError;
use rstest::rstest;

use crate::harness::{Backend, TestDb};

#[rstest]
#[tokio::test]
async fn passkeys_and_their_ceremonies(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let s = &db.store;
    let id = s
        .add_passkey(ann, "Laptop", "cred-1", "{\"v\":1}", chrono::Utc::now())
        .await
        .unwrap();
    assert!(matches!(
        s.add_passkey(bob, "Stolen", "cred-1", "{}", chrono::Utc::now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    let keys = s.passkeys(ann).await.unwrap();
    assert_eq!((keys.len(), keys[0].name.as_str()), (1, "Laptop"));
    assert_eq!(keys[0].last_used_at, None);
    assert!(s.passkeys(bob).await.unwrap().is_empty());
    // Bob cannot touch Ann's.
    s.passkey_used(bob, id, "{\"v\":9}", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(s.passkeys(ann).await.unwrap()[0].credential, "{\"v\":1}");
    s.passkey_used(ann, id, "{\"v\":2}", chrono::Utc::now())
        .await
        .unwrap();
    let keys = s.passkeys(ann).await.unwrap();
    assert_eq!(keys[0].credential, "{\"v\":2}");
    assert!(keys[0].last_used_at.is_some());
    assert!(matches!(
        s.remove_passkey(bob, id).await,
        Err(StoreError::NotFound { .. })
    ));
    // No password and nothing else: the last passkey stays.
    assert!(matches!(
        s.remove_passkey(ann, id).await,
        Err(StoreError::Conflict(_))
    ));
    s.add_passkey(ann, "Phone", "cred-2", "{}", chrono::Utc::now())
        .await
        .unwrap();
    s.remove_passkey(ann, id).await.unwrap();
    assert_eq!(s.passkeys(ann).await.unwrap().len(), 1);

    s.put_ceremony("t1", ann, "register", "state-1", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        s.take_ceremony("t1", "authenticate", chrono::Utc::now())
            .await
            .unwrap(),
        None,
        "another kind"
    );
    assert_eq!(
        s.take_ceremony("t1", "register", chrono::Utc::now())
            .await
            .unwrap(),
        None,
        "spent by the try"
    );
    s.put_ceremony("t2", ann, "authenticate", "state-2", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(
        s.take_ceremony("t2", "authenticate", chrono::Utc::now())
            .await
            .unwrap(),
        Some((ann, "state-2".to_owned()))
    );
    assert_eq!(
        s.take_ceremony("t2", "authenticate", chrono::Utc::now())
            .await
            .unwrap(),
        None,
        "once"
    );
    db.finish().await;
}
