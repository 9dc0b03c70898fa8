//! CardDAV's entity tags and sync positions at the store.

use kith_core::contact::ContactDraft;
use kith_store::{DavRefusal, Precondition};
use rstest::rstest;

use crate::email;
use crate::harness::{Backend, TestDb};
use crate::named;

fn at(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
}

fn card(name: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:u-1\r\nFN:{name}\r\nEND:VCARD\r\n")
}

/// PUT a card, DELETE it, PUT other content at the same address: the new
/// card's tag is one the address never had, so a client still holding the
/// first tag cannot overwrite the new card with `If-Match`; and a sync from
/// before the delete still reports the first card's name as gone.
#[rstest]
#[tokio::test]
async fn a_tag_never_comes_back_after_a_delete(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let jane = ContactDraft {
        uid: Some("u-1".into()),
        ..named("Jane Doe")
    };
    let first = db
        .store
        .dav_put(
            user,
            "jane.vcf",
            &jane,
            &card("Jane Doe"),
            &Precondition::IfNoneMatch,
            at(0),
        )
        .await
        .unwrap()
        .unwrap();
    let before_delete = db.store.dav_position(user).await.unwrap();
    db.store
        .dav_delete(
            user,
            "jane.vcf",
            &Precondition::IfMatch(vec![first.etag.clone()]),
            at(1),
        )
        .await
        .unwrap()
        .unwrap();
    let after_delete = db.store.dav_position(user).await.unwrap();
    assert!(after_delete > before_delete);

    let other = ContactDraft {
        uid: Some("u-1".into()),
        emails: vec![email("janet@example.com")],
        ..named("Janet Roe")
    };
    let second = db
        .store
        .dav_put(
            user,
            "jane.vcf",
            &other,
            &card("Janet Roe"),
            &Precondition::IfNoneMatch,
            at(2),
        )
        .await
        .unwrap()
        .unwrap();
    assert_ne!(second.etag, first.etag, "a tag the address had before");
    assert!(db.store.dav_position(user).await.unwrap() > after_delete);

    // The stale client's write is refused and changes nothing.
    let stale = db
        .store
        .dav_put(
            user,
            "jane.vcf",
            &jane,
            &card("Jane Doe"),
            &Precondition::IfMatch(vec![first.etag.clone()]),
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(stale, Err(DavRefusal::PreconditionFailed));
    let (id, etag) = db.store.dav_find(user, "jane.vcf").await.unwrap().unwrap();
    assert_eq!((id, &etag), (second.contact, &second.etag));
    assert_eq!(db.store.contact(user, id).await.unwrap().name, "Janet Roe");

    // A client that synced before the delete learns of the new card.
    let (changes, _) = db
        .store
        .dav_changes(user, before_delete)
        .await
        .unwrap()
        .unwrap();
    // Two contacts had the address (one gone, one there): it is listed
    // once, as it is now.
    let listed: Vec<_> = changes.iter().filter(|c| c.name == "jane.vcf").collect();
    assert_eq!(listed.len(), 1, "{changes:?}");
    assert_eq!(
        listed[0].etag.as_deref(),
        Some(second.etag.as_str()),
        "{changes:?}"
    );
    db.finish().await;
}

/// After the newest contact is deleted, the next one gets a number never
/// used before (SQLite would hand the largest one out again), whether it is
/// added or comes from an account import, so neither an old tag nor the
/// deleted card's sync entries can stand for it.
#[rstest]
#[tokio::test]
async fn contact_numbers_are_never_used_twice(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    let bob = db.user("bob").await;
    let gone = db
        .store
        .add_contact(ann, &named("Ann's first"), at(0))
        .await
        .unwrap();
    db.store.delete_contact(ann, gone, at(1)).await.unwrap();
    let added = db
        .store
        .add_contact(ann, &named("Ann's second"), at(2))
        .await
        .unwrap();
    assert!(added > gone, "{added} after {gone}");
    db.store.delete_contact(ann, added, at(3)).await.unwrap();

    db.store
        .add_contact(bob, &named("Bob's"), at(4))
        .await
        .unwrap();
    let doc = db.store.export_account(bob, at(5)).await.unwrap();
    let bobs = db.store.contact_ids(bob).await.unwrap()[0];
    db.store.delete_contact(bob, bobs, at(6)).await.unwrap();
    db.store.import_account(ann, &doc, at(7)).await.unwrap();
    let imported = db.store.contact_ids(ann).await.unwrap();
    assert_eq!(imported.len(), 1);
    assert!(
        imported[0] > bobs,
        "{} reuses a deleted contact's number (up to {bobs})",
        imported[0]
    );
    db.finish().await;
}
