//! A full disk under SQLite, on a small filesystem the test mounts (a
//! tmpfs; that needs root, so without it the test says it was skipped). A
//! write that finds the disk full is `CannotWrite`; once there is room
//! again, every connection in the pool writes again (a connection whose
//! COMMIT failed is not lent out still inside its transaction).
//!
//! PostgreSQL keeps its own disk: its server, not Kith, answers for it.

use chrono::Utc;
use kith_core::contact::{ArchivedFilter, ContactDraft};
use kith_core::ids::UserId;
use kith_core::user::{NewUser, Username};
use kith_core::values::TimeZone;
use kith_store::{Location, Store, StoreError};

use crate::named;
use crate::tmpfs::Tmpfs;

/// A contact whose notes take a few pages.
fn bulky(n: usize) -> ContactDraft {
    ContactDraft {
        notes: Some(format!("{n} {}", "notes ".repeat(3_000))),
        ..named(&format!("Person {n}"))
    }
}

/// Adds `count` bulky contacts at once, from as many tasks (so that every
/// connection of the pool takes part).
async fn add_at_once(
    store: &Store,
    user: UserId,
    from: usize,
    count: usize,
) -> Vec<Result<(), StoreError>> {
    let tasks: Vec<_> = (from..from + count)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .add_contact(user, &bulky(n), Utc::now())
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_refuses_writes_and_the_store_recovers_when_room_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(dir.path(), "6m", "full-disk store test") else {
        return;
    };
    let store = Store::open(&Location::SqliteFile(dir.path().join("kith.db")))
        .await
        .unwrap();
    let ann = NewUser {
        username: Username::parse("ann").unwrap(),
        display_name: "Ann".into(),
        email: None,
        timezone: TimeZone::UTC,
    };
    let user = store.create_user(&ann, Utc::now()).await.unwrap().id;
    for result in add_at_once(&store, user, 0, 4).await {
        result.unwrap();
    }

    let filler = disk.fill();
    let refused = add_at_once(&store, user, 100, 8).await;
    for result in &refused {
        assert!(
            matches!(result, Err(StoreError::CannotWrite(_))),
            "a write on a full disk: {result:?}"
        );
    }
    let probe = store.check_writable().await;
    assert!(
        matches!(probe, Err(StoreError::CannotWrite(_))),
        "the health probe on a full disk: {probe:?}"
    );

    std::fs::remove_file(&filler).unwrap();
    // More writes than the pool has connections, one after another and at once.
    for n in 200..210 {
        store
            .add_contact(user, &bulky(n), Utc::now())
            .await
            .unwrap_or_else(|e| panic!("write {n} after room was made: {e:?}"));
    }
    for result in add_at_once(&store, user, 300, 8).await {
        result.unwrap();
    }
    store.check_writable().await.unwrap();
    let kept = store
        .count_contacts(user, ArchivedFilter::All)
        .await
        .unwrap();
    assert_eq!(kept, 4 + 10 + 8, "nothing refused was kept");
    assert!(store.integrity_check().await.unwrap().is_empty());
    store.close().await;
}
