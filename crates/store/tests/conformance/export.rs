//! `export_account` / `import_account`: a whole account out as one document
//! and into an empty account, unchanged but for its ids.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone as _, Utc};
use kith_core::contact::{ContactDraft, ContactPatch};
use kith_core::conversation::{Channel, ConversationKind, Learning, NewConversation};
use kith_core::follow_up::{FollowUpKind, NewFollowUp, Owner};
use kith_core::goal::{GoalKind, GoalStatus, NewGoal};
use kith_core::ids::{ContactId, UserId};
use kith_core::meeting::{JitsiBase, MeetingMode, NewMeeting};
use kith_core::outreach::{NewOutreachBlock, Weekdays};
use kith_core::user::SettingsPatch;
use kith_core::values::{Cadence, ContactName, Link, Phone, TimeZone};
use kith_store::{
    AccountExport, ContactEvent, ConversationExtras, EmploymentRecord, ImportRecord, ImportRun,
    NetworkScope, Store, StoreError,
};
use rstest::rstest;

use crate::harness::{Backend, TestDb};
use crate::{email, named, tag};

/// An account that uses every table an export carries.
async fn full_account(store: &Store, user: UserId) {
    let now = Utc::now();
    store
        .update_settings(
            user,
            &SettingsPatch {
                display_name: Some("Ann Example".into()),
                email: Some(Some(email("ann@example.org"))),
                timezone: Some(TimeZone::parse("Europe/Berlin").unwrap()),
                default_cadence: Cadence::from_days(45),
                light_resets_clock: Some(true),
            },
        )
        .await
        .unwrap();
    store
        .set_jitsi_base(
            user,
            Some(&JitsiBase::parse("https://jitsi.example.org").unwrap()),
        )
        .await
        .unwrap();
    let digest = kith_core::digest::DigestSettings {
        enabled: true,
        days: kith_core::outreach::Weekdays::parse("tue,fri").unwrap(),
        at: chrono::NaiveTime::from_hms_opt(18, 5, 0).unwrap(),
        address: Some(kith_core::values::Email::parse("ann.home@example.org").unwrap()),
    };
    store
        .set_digest(user, &digest, Some(chrono::Utc::now()))
        .await
        .unwrap();
    let jane = store
        .add_contact(
            user,
            &ContactDraft {
                given_name: Some("Jane".into()),
                family_name: Some("Doe".into()),
                nickname: Some("JD".into()),
                emails: vec![email("jane@acme.example"), email("jane@home.example")],
                phones: vec![Phone::parse("+49 30 1234 567").unwrap()],
                links: vec![
                    Link::parse("linkedin.com/in/jane-doe").unwrap(),
                    Link::parse("https://jane.example").unwrap(),
                ],
                organisation: Some("Acme".into()),
                title: Some("VP Product".into()),
                function: Some("product".into()),
                industry: Some("software".into()),
                location: Some("Berlin".into()),
                timezone: Some(TimeZone::parse("Europe/Berlin").unwrap()),
                how_met: Some("a conference".into()),
                tags: vec![tag("mentor"), tag("product")],
                notes: Some("Loves espresso.".into()),
                cadence: Cadence::from_days(42),
                ..named("Jane Doe")
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let bob = store
        .add_contact(
            user,
            &ContactDraft {
                introduced_by: Some(jane),
                tags: vec![tag("unused")],
                ..named("Bob Roe")
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let zoe = store
        .add_contact(user, &named("Zoë Ünal"), chrono::Utc::now())
        .await
        .unwrap();
    // Introduced by someone added later.
    store
        .set_introducers(user, &[(jane, zoe)], chrono::Utc::now())
        .await
        .unwrap();
    store
        .update_contact(
            user,
            zoe,
            &ContactPatch {
                archived: Some(true),
                ..ContactPatch::default()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    store
        .set_snooze(user, bob, Some(now + Duration::days(10)))
        .await
        .unwrap();
    store
        .set_tag_cadence(user, &tag("mentor"), Cadence::from_days(30))
        .await
        .unwrap();
    store
        .set_tag_cadence(user, &tag("unused"), Cadence::from_days(7))
        .await
        .unwrap();
    store
        .update_contact(
            user,
            bob,
            &ContactPatch {
                remove_tags: vec![tag("unused")],
                ..ContactPatch::default()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    store
        .set_my_organisation(user, "Initech", chrono::Utc::now())
        .await
        .unwrap();
    store
        .add_employments(
            user,
            &[
                EmploymentRecord {
                    contact: None,
                    organisation: "Globex".into(),
                    title: Some("Engineer".into()),
                    started_on: NaiveDate::from_ymd_opt(2015, 1, 1),
                    ended_on: NaiveDate::from_ymd_opt(2019, 6, 30),
                },
                EmploymentRecord {
                    contact: Some(bob),
                    organisation: "Globex".into(),
                    title: None,
                    started_on: NaiveDate::from_ymd_opt(2017, 3, 1),
                    ended_on: None,
                },
            ],
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    store
        .import_contacts(
            user,
            &[ImportRecord {
                key: "uid-carol".into(),
                fingerprint: "f1".into(),
                draft: ContactDraft {
                    uid: Some("uid-carol".into()),
                    ..named("Carol Card")
                },
                card: Some(
                    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Carol Card\r\nX-FOO:bar\r\nEND:VCARD\r\n"
                        .into(),
                ),
                events: vec![ContactEvent {
                    on: NaiveDate::from_ymd_opt(2020, 10, 5).unwrap(),
                    kind: "linkedin-connected".into(),
                }],
            }],
            &ImportRun {
                source: "vcard",
                dry_run: false,
                progress: &|_| {},
                merge_card: &|_, _| None,
                now: chrono::Utc::now(),
            },
        )
        .await
        .unwrap();

    let goal = store
        .add_goal(
            user,
            &NewGoal {
                kind: GoalKind::IndustryChange,
                title: "Move into product".into(),
                industry: None,
                function: Some("product".into()),
                company: None,
                skill: None,
                target_count: Some(10),
                due_on: NaiveDate::from_ymd_opt(2027, 3, 1),
            },
            GoalStatus::Active,
            now - Duration::days(30),
        )
        .await
        .unwrap();
    let mut talk = NewConversation::new(
        now - Duration::days(3),
        Channel::Zoom,
        None,
        "How she moved into product",
        vec![jane, bob],
    )
    .unwrap();
    talk.kind = ConversationKind::Informational;
    talk.learned = vec![
        Learning::parse("skill: SQL").unwrap(),
        Learning::parse("path: analyst to PM").unwrap(),
    ];
    let logged = store
        .log_conversation_with(
            user,
            &talk,
            &ConversationExtras {
                follow_ups: vec![NewFollowUp {
                    contact: jane,
                    conversation: None,
                    owner: Owner::Me,
                    kind: FollowUpKind::Task,
                    title: "Read Atomic Habits".into(),
                    due_on: NaiveDate::from_ymd_opt(2026, 12, 10),
                    loop_back: true,
                    parent: None,
                    subject: None,
                }],
                introductions: vec![ContactName::parse("Dora Intro").unwrap()],
                goal: Some(goal),
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    // Done with a loop-back: a child follow-up with a parent.
    store
        .complete_follow_up(user, logged.follow_ups[0], chrono::Utc::now())
        .await
        .unwrap();
    store
        .log_conversation(
            user,
            &NewConversation::new(
                now - Duration::days(40),
                Channel::Email,
                None,
                "Hello",
                vec![zoe],
            )
            .unwrap(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    store.link_goal(user, goal, &[zoe], &[]).await.unwrap();
    let dropped = store
        .add_goal(
            user,
            &NewGoal {
                kind: GoalKind::Custom,
                title: "Old plan".into(),
                industry: None,
                function: None,
                company: None,
                skill: None,
                target_count: None,
                due_on: None,
            },
            GoalStatus::Active,
            now - Duration::days(60),
        )
        .await
        .unwrap();
    store
        .set_goal_status(user, dropped, GoalStatus::Dropped, chrono::Utc::now())
        .await
        .unwrap();

    let past = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    let met = store
        .add_meeting(
            user,
            &NewMeeting::new(
                "Coffee",
                past,
                45,
                MeetingMode::in_person("Café Central").unwrap(),
                vec![jane],
            )
            .unwrap(),
            past - Duration::days(2),
        )
        .await
        .unwrap();
    store
        .log_meeting(user, met, "Good coffee", now)
        .await
        .unwrap();
    let next = store
        .add_meeting(
            user,
            &NewMeeting::new(
                "Call",
                now + Duration::days(7),
                30,
                MeetingMode::phone("+49 30 1234").unwrap(),
                vec![bob, jane],
            )
            .unwrap(),
            now,
        )
        .await
        .unwrap();
    store.cancel_meeting(user, next, now).await.unwrap();
    store
        .add_block(
            user,
            &NewOutreachBlock {
                weekdays: Weekdays::parse("tue,thu").unwrap(),
                starts_at: NaiveTime::from_hms_opt(8, 30, 0).unwrap(),
                minutes: 30,
                people: 3,
                goal: Some(goal),
            },
            now,
        )
        .await
        .unwrap();
}

/// Ids replaced by positions: what must survive a round trip.
fn comparable(doc: &AccountExport) -> serde_json::Value {
    serde_json::to_value(doc.comparable()).unwrap()
}

/// The derived state of an account, without ids: activity, ties, search.
async fn derived(store: &Store, user: UserId) -> serde_json::Value {
    let facts = store
        .contact_facts(user, None, chrono::Utc::now())
        .await
        .unwrap();
    let activity: Vec<String> = facts
        .iter()
        .map(|f| format!("{} {:?} {:?}", f.name, f.activity, f.open_loops.len()))
        .collect();
    let network = store.network(user, NetworkScope::default()).await.unwrap();
    let names: std::collections::HashMap<ContactId, String> = store
        .contact_summaries(user, &store.contact_ids(user).await.unwrap())
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut ties: Vec<(String, String)> = network
        .connections
        .iter()
        .map(|c| (names[&c.a].clone(), names[&c.b].clone()))
        .collect();
    ties.sort();
    let search = |q: &'static str| async move {
        let found = store.search(user, q, 10).await.unwrap();
        (
            found
                .contacts
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>(),
            found
                .conversations
                .iter()
                .map(|c| c.summary.clone())
                .collect::<Vec<_>>(),
        )
    };
    serde_json::json!({
        "activity": activity,
        "ties": ties,
        "search_espresso": search("espresso").await,
        "search_product": search("product").await,
        "search_coffee": search("coffee").await,
    })
}

#[rstest]
#[tokio::test]
async fn an_account_survives_export_and_import(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    full_account(&db.store, ann).await;
    let first = db
        .store
        .export_account(ann, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(first.contacts.len(), 5, "Jane, Bob, Zoë, Carol, Dora");
    assert_eq!(
        first.follow_ups.len(),
        3,
        "the task, its loop-back, the intro"
    );
    assert!(first.follow_ups.iter().any(|f| f.parent_id.is_some()));
    assert!(first.contacts.iter().any(|c| c.card.is_some()));
    assert_eq!(first.employments.len(), 1, "the user's own history");
    assert_eq!(
        first.user.jitsi_base_url.as_deref(),
        Some("https://jitsi.example.org")
    );

    // Through the JSON text, as the CLI does.
    let text = serde_json::to_vec_pretty(&first).unwrap();
    let read = AccountExport::from_json(&text).unwrap();
    assert_eq!(read, first);

    // Another user on the same database, so every id is different.
    let other = db.user("other").await;
    db.store
        .add_contact(other, &named("Padding"), chrono::Utc::now())
        .await
        .unwrap();
    let copy = db.user("copy").await;
    db.store
        .import_account(copy, &read, chrono::Utc::now())
        .await
        .unwrap();
    let second = db
        .store
        .export_account(copy, chrono::Utc::now())
        .await
        .unwrap();
    assert_ne!(second.contacts[0].id, first.contacts[0].id);
    assert_eq!(comparable(&second), comparable(&first));
    assert_eq!(
        derived(&db.store, copy).await,
        derived(&db.store, ann).await
    );
    let user = db.store.users().await.unwrap();
    let copied = user.iter().find(|u| u.id == copy).unwrap();
    assert_eq!(copied.display_name, "Ann Example");
    // The digest's settings come along, scheduled afresh.
    let digest = db.store.digest_state(copy).await.unwrap();
    assert_eq!(
        digest.settings,
        db.store.digest_state(ann).await.unwrap().settings
    );
    assert!(digest.settings.enabled);
    assert!(digest.next_at.unwrap() > chrono::Utc::now());
    assert_eq!(copied.username, "copy");
    // The change log has a "put" for every imported contact.
    let (changes, _) = db.store.contact_changes(copy, 0).await.unwrap();
    assert_eq!(changes.len(), 5);
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn import_refuses_an_account_that_is_not_empty(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    full_account(&db.store, ann).await;
    let doc = db
        .store
        .export_account(ann, chrono::Utc::now())
        .await
        .unwrap();

    let bob = db.user("bob").await;
    db.store
        .set_my_organisation(bob, "Acme", chrono::Utc::now())
        .await
        .unwrap();
    let before = db
        .store
        .export_account(bob, chrono::Utc::now())
        .await
        .unwrap();
    let err = db
        .store
        .import_account(bob, &doc, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m.contains("not empty (1 organisations)")),
        "{err}"
    );
    assert_eq!(
        comparable(
            &db.store
                .export_account(bob, chrono::Utc::now())
                .await
                .unwrap()
        ),
        comparable(&before)
    );
    // Into itself, too.
    let err = db
        .store
        .import_account(ann, &doc, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not empty (5 contacts"), "{err}");
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn a_malformed_document_is_refused_by_path_and_writes_nothing(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    full_account(&db.store, ann).await;
    let doc = db
        .store
        .export_account(ann, chrono::Utc::now())
        .await
        .unwrap();
    let empty = db.user("empty").await;
    let nothing = comparable(
        &db.store
            .export_account(empty, chrono::Utc::now())
            .await
            .unwrap(),
    );

    let refused = |text: serde_json::Value| {
        let bytes = serde_json::to_vec(&text).unwrap();
        AccountExport::from_json(&bytes).unwrap_err().to_string()
    };
    let good = serde_json::to_value(&doc).unwrap();

    let mut v = good.clone();
    v["kith_export"] = 2.into();
    assert_eq!(
        refused(v),
        "invalid kith_export: unsupported version 2 (this Kith reads version 1)"
    );
    let mut v = good.clone();
    v.as_object_mut().unwrap().remove("kith_export");
    assert!(refused(v).starts_with("invalid kith_export: missing: not a Kith export"));
    let mut v = good.clone();
    v["contacts"][1]["archived"] = "yes".into();
    assert!(refused(v).starts_with("invalid contacts[1].archived: invalid type: string \"yes\""),);
    let mut v = good.clone();
    v["contacts"][0]["colour"] = "red".into();
    let err = refused(v);
    assert!(
        err.starts_with("invalid contacts[0].colour: unknown field `colour`, expected one of"),
        "{err}"
    );
    let mut v = good.clone();
    v["user"]["digest"]["at"] = "7 o'clock".into();
    assert_eq!(
        refused(v),
        "invalid user.digest.at: '7 o'clock' is not a time of day (expected HH:MM)"
    );
    let mut v = good.clone();
    v["follow_ups"][0]["contact_id"] = 999_999.into();
    assert_eq!(
        refused(v),
        "invalid follow_ups[0].contact_id: no contact with id 999999 in the file"
    );
    let mut v = good.clone();
    v["conversations"][0]["channel"] = "Zoom".into();
    assert_eq!(
        refused(v),
        "invalid conversations[0].channel: 'Zoom' must be written 'zoom'"
    );
    let mut v = good.clone();
    v["contacts"][0]["tags"][0] = "nope".into();
    assert_eq!(
        refused(v),
        "invalid contacts[0].tags[0]: no tag 'nope' in \"tags\""
    );
    assert!(
        AccountExport::from_json(b"{not json")
            .unwrap_err()
            .to_string()
            .starts_with("invalid the file: not JSON")
    );

    // A document whose references are wrong is refused by the store too.
    let mut bad = doc.clone();
    bad.goals[0].contacts.push(424_242);
    let err = db
        .store
        .import_account(empty, &bad, chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid goals[0].contacts[3]: no contact with id 424242 in the file"
    );
    assert_eq!(
        comparable(
            &db.store
                .export_account(empty, chrono::Utc::now())
                .await
                .unwrap()
        ),
        nothing
    );
    db.finish().await;
}

#[rstest]
#[tokio::test]
async fn an_instance_is_backed_up_and_restored(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let (Some(db), Some(fresh)) = (TestDb::new(backend).await, TestDb::new(backend).await) else {
        return;
    };
    let ann = db.user("ann").await;
    full_account(&db.store, ann).await;
    db.store
        .set_password_hash(ann, "$argon2id$fake")
        .await
        .unwrap();
    db.store.set_admin(ann, true).await.unwrap();
    // Ann's ways in besides the password: a confirmed TOTP seed whose step
    // 1000 was used, three recovery codes (one used), a passkey, a linked
    // provider account.
    db.store
        .begin_totp(ann, "JBSWY3DPEHPK3PXP", Utc::now())
        .await
        .unwrap();
    let codes = ["c1", "c2", "c3"].map(String::from);
    db.store
        .confirm_totp(ann, 1000, &codes, Utc::now())
        .await
        .unwrap();
    assert!(
        db.store
            .use_recovery_code(ann, "c2", Utc::now())
            .await
            .unwrap()
    );
    db.store
        .add_passkey(
            ann,
            "phone",
            "cred-1",
            r#"{"cred":"json"}"#,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    db.store
        .link_identity(
            ann,
            "corp",
            "sub-42",
            Some("ann@corp.test"),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let bob = db.user("bob").await;
    db.store
        .add_contact(bob, &named("Only Contact"), chrono::Utc::now())
        .await
        .unwrap();
    db.store.set_disabled(bob, true).await.unwrap();
    let backup = db.store.backup_instance(chrono::Utc::now()).await.unwrap();
    assert_eq!(backup.users.len(), 2);
    let text = serde_json::to_vec(&backup).unwrap();
    let read = kith_store::InstanceBackup::from_json(&text).unwrap();

    let comparable_backup = |b: &kith_store::InstanceBackup| -> Vec<serde_json::Value> {
        b.users
            .iter()
            .map(|u| {
                serde_json::json!([
                    u.username,
                    u.password_hash,
                    u.is_admin,
                    u.disabled,
                    u.created_at,
                    u.sign_in,
                    comparable(&u.account)
                ])
            })
            .collect()
    };
    // Sessions of the database that is replaced go with it.
    let someone = fresh.user("someone").await;
    fresh
        .store
        .create_session(
            someone,
            "digest",
            Utc::now() + Duration::days(1),
            "password",
            None,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let err = fresh
        .store
        .restore_instance(&read, false, chrono::Utc::now())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the database already has 1 user(s); restore only fills an empty database \
         (--force deletes every user and all their data first)"
    );
    assert_eq!(fresh.store.users().await.unwrap().len(), 1);
    assert_eq!(
        fresh
            .store
            .restore_instance(&read, true, chrono::Utc::now())
            .await
            .unwrap(),
        1
    );
    let restored = fresh
        .store
        .backup_instance(chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(comparable_backup(&restored), comparable_backup(&backup));
    let sign_in = &backup.users[0].sign_in;
    assert_eq!(sign_in.recovery_codes.len(), 3);
    assert_eq!((sign_in.passkeys.len(), sign_in.identities.len()), (1, 1));
    assert!(backup.users[1].sign_in.is_empty());
    // The restored factors work as they did: the seed is confirmed and its
    // used step stays used, only unused recovery codes work, the linked
    // account signs Ann in.
    let ann = fresh.store.credentials("ann").await.unwrap().unwrap().user;
    let totp = fresh.store.totp(ann).await.unwrap().unwrap();
    assert_eq!(totp.secret, "JBSWY3DPEHPK3PXP");
    assert!(totp.confirmed);
    assert!(!fresh.store.use_totp_step(ann, 1000).await.unwrap());
    assert!(fresh.store.use_totp_step(ann, 1001).await.unwrap());
    assert_eq!(fresh.store.recovery_codes_left(ann).await.unwrap(), 2);
    assert!(
        !fresh
            .store
            .use_recovery_code(ann, "c2", Utc::now())
            .await
            .unwrap()
    );
    let keys = fresh.store.passkeys(ann).await.unwrap();
    assert_eq!(keys[0].credential, r#"{"cred":"json"}"#);
    let linked = fresh
        .store
        .identity_user("corp", "sub-42", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(linked.map(|u| u.id), Some(ann));
    assert!(
        fresh
            .store
            .session_user("digest", Duration::days(1), chrono::Utc::now())
            .await
            .unwrap()
            .is_none()
    );
    db.finish().await;
    fresh.finish().await;
}

/// PostgreSQL refuses a search document of more than 1 MB of words (its
/// tsvector limit) that SQLite's FTS5 takes: a document that passes every
/// check can still fail half-way through on it, and then nothing of it, not
/// even the settings written first, is left. (A NUL, PostgreSQL's other
/// refusal, is refused by the checks since #24.)
#[rstest]
#[tokio::test]
async fn a_failure_half_way_leaves_the_account_as_it_was(
    #[values(Backend::Postgres)] backend: Backend,
) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let ann = db.user("ann").await;
    full_account(&db.store, ann).await;
    let mut doc = db
        .store
        .export_account(ann, chrono::Utc::now())
        .await
        .unwrap();
    let words: Vec<String> = (0..300_000).map(|i| format!("w{i:x}")).collect();
    doc.conversations.last_mut().unwrap().summary = words.join(" ");
    doc.validate().unwrap();
    let empty = db.user("empty").await;
    let before = comparable(
        &db.store
            .export_account(empty, chrono::Utc::now())
            .await
            .unwrap(),
    );
    let err = db
        .store
        .import_account(empty, &doc, chrono::Utc::now())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert_eq!(
        comparable(
            &db.store
                .export_account(empty, chrono::Utc::now())
                .await
                .unwrap()
        ),
        before
    );
    let (changes, _) = db.store.contact_changes(empty, 0).await.unwrap();
    assert!(changes.is_empty());
    db.finish().await;
}

/// SQLite only: `VACUUM INTO` snapshots and the checks made before one is
/// put in place of a database.
#[tokio::test]
async fn an_sqlite_snapshot_is_checked_before_it_is_restored() {
    use kith_store::{Location, check_sqlite_snapshot, replace_sqlite_file, sqlite_user_count};
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.db");
    let store = Store::open(&Location::SqliteFile(live.clone()))
        .await
        .unwrap();
    let ann = store
        .create_user(
            &kith_core::user::NewUser {
                username: kith_core::user::Username::parse("ann").unwrap(),
                display_name: "Ann".into(),
                email: None,
                timezone: TimeZone::UTC,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    full_account(&store, ann.id).await;
    let snap = dir.path().join("snap.db");
    store.snapshot_into(&snap).await.unwrap();
    let err = store.snapshot_into(&snap).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Database(_)),
        "an existing file stays"
    );
    let info = check_sqlite_snapshot(&snap).await.unwrap();
    assert_eq!(info.users, 1);

    // A newer Kith's snapshot, and an SQLite file that is not Kith's.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&snap, &newer).unwrap();
    let url = format!("sqlite:{}", newer.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET version = 999 WHERE version = 6")
        .execute(&mut conn)
        .await
        .unwrap();
    let other = dir.path().join("other.db");
    let mut plain =
        sqlx::SqliteConnection::connect(&format!("sqlite:{}?mode=rwc", other.display()))
            .await
            .unwrap();
    sqlx::query("CREATE TABLE users (id INTEGER)")
        .execute(&mut plain)
        .await
        .unwrap();
    plain.close().await.unwrap();
    conn.close().await.unwrap();
    let err = check_sqlite_snapshot(&newer).await.unwrap_err().to_string();
    assert!(
        err.contains("was written by a newer Kith (migration 999"),
        "{err}"
    );
    let err = check_sqlite_snapshot(&other).await.unwrap_err().to_string();
    assert!(
        err.ends_with("is not a Kith database: it has no Kith migrations"),
        "{err}"
    );

    // Swapped in for another database file, the snapshot is the data.
    let target = dir.path().join("sub/target.db");
    assert_eq!(sqlite_user_count(&target).await.unwrap(), 0);
    replace_sqlite_file(&snap, &target).await.unwrap();
    let restored = Store::open(&Location::SqliteFile(target)).await.unwrap();
    assert!(restored.integrity_check().await.unwrap().is_empty());
    let users = restored.users().await.unwrap();
    assert_eq!(
        comparable(
            &restored
                .export_account(users[0].id, chrono::Utc::now())
                .await
                .unwrap()
        ),
        comparable(
            &store
                .export_account(ann.id, chrono::Utc::now())
                .await
                .unwrap()
        )
    );
    restored.close().await;
    store.close().await;
}
