use kith_core::contact::{ArchivedFilter, ContactDraft, ContactFilter, ContactPatch};
use kith_core::ids::ContactId;
use kith_core::values::{Birthday, Cadence, ContactName, Link, Phone, TimeZone};
use kith_store::{ContactList, ContactRecord, Input, StoreError};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::{email, named, tag};

fn jane() -> ContactDraft {
    ContactDraft {
        given_name: Some("Jane".into()),
        family_name: Some("Doe".into()),
        emails: vec![email("jane@acme.example"), email("jd@home.example")],
        phones: vec![Phone::parse("+1 555 0100").unwrap()],
        links: vec![Link::parse("linkedin.com/in/jane-doe").unwrap()],
        organisation: Some("Acme".into()),
        title: Some("VP Product".into()),
        function: Some("product".into()),
        industry: Some("software".into()),
        location: Some("Berlin".into()),
        timezone: Some(TimeZone::parse("Europe/Berlin").unwrap()),
        birthday: Some(Birthday::parse("--04-12").unwrap()),
        how_met: Some("PyCon 2024".into()),
        tags: vec![tag("mentor"), tag("product")],
        notes: Some("Moved from engineering to product".into()),
        cadence: Some(Cadence::parse("6w").unwrap()),
        ..named("Jane Doe")
    }
}

#[rstest]
#[tokio::test]
async fn a_contact_reads_back_as_written(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let bob = db
        .store
        .add_contact(user, &named("Bob Roe"), chrono::Utc::now())
        .await
        .unwrap();
    let draft = ContactDraft {
        introduced_by: Some(bob),
        ..jane()
    };
    let id = db
        .store
        .add_contact(user, &draft, chrono::Utc::now())
        .await
        .unwrap();

    let c = db.store.contact(user, id).await.unwrap();
    assert_eq!(c.name, "Jane Doe");
    assert_eq!(
        (c.given_name.as_deref(), c.family_name.as_deref()),
        (Some("Jane"), Some("Doe"))
    );
    assert_eq!(c.emails, ["jane@acme.example", "jd@home.example"]);
    assert_eq!(c.phones, ["+1 555 0100"]);
    assert_eq!(c.links[0].url, "https://linkedin.com/in/jane-doe");
    assert_eq!(c.links[0].kind, "linkedin");
    assert_eq!(c.organisation.as_ref().unwrap().name, "Acme");
    assert_eq!(c.title.as_deref(), Some("VP Product"));
    assert_eq!(c.function.as_deref(), Some("product"));
    assert_eq!(c.industry.as_deref(), Some("software"));
    assert_eq!(c.location.as_deref(), Some("Berlin"));
    assert_eq!(c.timezone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(c.birthday.as_deref(), Some("--04-12"));
    assert_eq!(c.how_met.as_deref(), Some("PyCon 2024"));
    assert_eq!(c.introduced_by.as_ref().unwrap().id, bob);
    assert_eq!(c.tags, ["mentor", "product"]);
    assert_eq!(c.cadence.unwrap().days(), 42);
    assert!(!c.archived);
    assert_eq!(c.revision, 1);
    assert_eq!(db.store.introduced_by(user, bob).await.unwrap()[0].id, id);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn edits_change_fields_lists_and_revision(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let id = db
        .store
        .add_contact(user, &jane(), chrono::Utc::now())
        .await
        .unwrap();
    let (_, before) = db.store.contact_changes(user, 0).await.unwrap();

    let patch = ContactPatch {
        name: Some(ContactName::parse("Jane Q. Doe").unwrap()),
        title: Some(None),
        organisation: Some(Some("Globex".into())),
        add_emails: vec![email("jane@globex.example"), email("JANE@acme.example")],
        remove_emails: vec![email("jd@home.example")],
        add_tags: vec![tag("former-colleague")],
        remove_tags: vec![tag("mentor")],
        cadence: Some(None),
        ..ContactPatch::default()
    };
    let c = db
        .store
        .update_contact(user, id, &patch, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(c.name, "Jane Q. Doe");
    assert_eq!(c.title, None);
    assert_eq!(c.organisation.unwrap().name, "Globex");
    // The differently-cased duplicate of an existing address is not added twice.
    assert_eq!(c.emails, ["jane@acme.example", "jane@globex.example"]);
    assert_eq!(c.tags, ["former-colleague", "product"]);
    assert_eq!(c.cadence, None);
    assert_eq!(
        c.function.as_deref(),
        Some("product"),
        "untouched fields stay"
    );
    assert_eq!(c.revision, 2);

    let (changes, latest) = db.store.contact_changes(user, before).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].contact, changes[0].revision, changes[0].deleted),
        (id, 2, false)
    );
    assert_eq!(latest, changes[0].seq);
    assert!(latest > before);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn a_refused_edit_changes_nothing(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let id = db
        .store
        .add_contact(user, &jane(), chrono::Utc::now())
        .await
        .unwrap();
    let patch = ContactPatch {
        title: Some(Some("CEO".into())),
        remove_emails: vec![email("nobody@acme.example")],
        ..ContactPatch::default()
    };
    let err = db
        .store
        .update_contact(user, id, &patch, chrono::Utc::now())
        .await
        .unwrap_err();
    match err {
        StoreError::Invalid { input, .. } => {
            assert_eq!(input, Input::Remove(ContactList::Emails))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let c = db.store.contact(user, id).await.unwrap();
    assert_eq!(c.title.as_deref(), Some("VP Product"));
    assert_eq!(c.revision, 1);

    // An edit that changes nothing leaves the revision and the change log alone.
    let (_, before_log) = db.store.contact_changes(user, 0).await.unwrap();
    let same = ContactPatch {
        add_emails: vec![email("JANE@acme.example")],
        archived: Some(false),
        ..ContactPatch::default()
    };
    assert_eq!(
        db.store
            .update_contact(user, id, &same, chrono::Utc::now())
            .await
            .unwrap()
            .revision,
        1
    );
    assert_eq!(
        db.store.contact_changes(user, 0).await.unwrap().1,
        before_log
    );

    let self_intro = ContactPatch {
        introduced_by: Some(Some(id)),
        ..ContactPatch::default()
    };
    assert!(matches!(
        db.store
            .update_contact(user, id, &self_intro, chrono::Utc::now())
            .await,
        Err(StoreError::Invalid {
            input: Input::IntroducedBy,
            ..
        })
    ));
    let unknown = ContactPatch {
        introduced_by: Some(Some(ContactId(9_999_999))),
        ..ContactPatch::default()
    };
    assert!(matches!(
        db.store
            .update_contact(user, id, &unknown, chrono::Utc::now())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(db.store.contact(user, id).await.unwrap().revision, 1);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn a_bulk_add_is_all_or_nothing(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    let now = chrono::Utc::now();
    let records: Vec<ContactRecord> = (0..1000)
        .map(|i| ContactRecord {
            draft: ContactDraft {
                uid: Some(format!("uid-{i}")),
                emails: vec![email(&format!("p{i}@x.example"))],
                ..named(&format!("Person {i:04}"))
            },
            created_at: now,
        })
        .collect();
    let ids = db
        .store
        .add_contacts(user, &records, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(ids.len(), 1000);
    // Ids come back in input order.
    let c = db.store.contact(user, ids[737]).await.unwrap();
    assert_eq!(
        (c.name.as_str(), c.uid.as_str()),
        ("Person 0737", "uid-737")
    );

    // A batch that reuses a UID is refused whole.
    let clash = vec![
        ContactRecord {
            draft: named("New Person"),
            created_at: now,
        },
        ContactRecord {
            draft: ContactDraft {
                uid: Some("uid-5".into()),
                ..named("Clash")
            },
            created_at: now,
        },
    ];
    assert!(matches!(
        db.store
            .add_contacts(user, &clash, chrono::Utc::now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        db.store
            .count_contacts(user, ArchivedFilter::All)
            .await
            .unwrap(),
        1000
    );
    let (changes, _) = db.store.contact_changes(user, 0).await.unwrap();
    assert_eq!(changes.len(), 1000);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn lists_filter_and_page_in_name_order(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    for (name, org, function, tags) in [
        ("zoe Zed", "Acme Corp", "engineering", vec![tag("friend")]),
        ("Adam Ant", "Acme Corp", "sales", vec![]),
        (
            "Émile Eta",
            "Globex",
            "Engineering",
            vec![tag("friend"), tag("mentor")],
        ),
        ("bea Bee", "Initech", "finance", vec![]),
    ] {
        let draft = ContactDraft {
            organisation: Some(org.into()),
            function: Some(function.into()),
            tags,
            ..named(name)
        };
        db.store
            .add_contact(user, &draft, chrono::Utc::now())
            .await
            .unwrap();
    }
    let archived = db
        .store
        .add_contact(user, &named("Carl Archived"), chrono::Utc::now())
        .await
        .unwrap();
    let patch = ContactPatch {
        archived: Some(true),
        ..ContactPatch::default()
    };
    db.store
        .update_contact(user, archived, &patch, chrono::Utc::now())
        .await
        .unwrap();

    let names = |list: Vec<kith_core::contact::ContactSummary>| {
        list.into_iter().map(|c| c.name).collect::<Vec<_>>()
    };
    let all = db
        .store
        .list_contacts(user, &ContactFilter::default(), None, 100)
        .await
        .unwrap();
    assert_eq!(
        names(all.clone()),
        ["Adam Ant", "bea Bee", "Émile Eta", "zoe Zed"]
    );

    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = db
            .store
            .list_contacts(user, &ContactFilter::default(), after, 1)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        paged.extend(page);
    }
    assert_eq!(paged, all);

    let store = db.store.clone();
    let filter = |f: ContactFilter| {
        let store = store.clone();
        async move { names(store.list_contacts(user, &f, None, 100).await.unwrap()) }
    };
    assert_eq!(
        filter(ContactFilter {
            tag: Some(tag("friend")),
            ..Default::default()
        })
        .await,
        ["Émile Eta", "zoe Zed"]
    );
    assert_eq!(
        filter(ContactFilter {
            organisation: Some("acme".into()),
            ..Default::default()
        })
        .await,
        ["Adam Ant", "zoe Zed"]
    );
    assert_eq!(
        filter(ContactFilter {
            function: Some("ENGINEERING".into()),
            ..Default::default()
        })
        .await,
        ["Émile Eta", "zoe Zed"]
    );
    assert_eq!(
        filter(ContactFilter {
            archived: ArchivedFilter::Archived,
            ..Default::default()
        })
        .await,
        ["Carl Archived"]
    );
    assert_eq!(
        filter(ContactFilter {
            archived: ArchivedFilter::All,
            ..Default::default()
        })
        .await
        .len(),
        5
    );
    assert_eq!(
        filter(ContactFilter {
            organisation: Some("%".into()),
            ..Default::default()
        })
        .await,
        Vec::<String>::new()
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn names_resolve_exact_then_prefix_then_part(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let user = db.user("ann").await;
    for name in ["Mary Janeway", "Jane", "Janet Jones", "Under_Score"] {
        db.store
            .add_contact(user, &named(name), chrono::Utc::now())
            .await
            .unwrap();
    }
    let found: Vec<String> = db
        .store
        .find_contacts(user, "JANE", 10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(found, ["Jane", "Janet Jones", "Mary Janeway"]);
    // LIKE wildcards in the input are literal.
    for wildcard in ["n_t", "a%e"] {
        let found = db.store.find_contacts(user, wildcard, 10).await.unwrap();
        assert!(found.is_empty(), "{wildcard}: {found:?}");
    }
    assert_eq!(
        db.store.find_contacts(user, "r_sc", 10).await.unwrap()[0].name,
        "Under_Score"
    );
    db.finish().await;
}
