//! Property: any account (random contacts, tags, conversations, follow-ups,
//! goals) exported, imported into a fresh account and exported again gives
//! the same document but for its ids.

use chrono::{Duration, TimeZone as _, Utc};
use kith_core::contact::{ContactDraft, ContactPatch};
use kith_core::conversation::{Channel, Learning, NewConversation};
use kith_core::follow_up::{FollowUpKind, FollowUpStatus, NewFollowUp, Owner};
use kith_core::goal::{GoalKind, GoalStatus, NewGoal};
use kith_core::ids::{ContactId, ConversationId, FollowUpId, UserId};
use kith_core::values::{Cadence, ContactName, Email, TagName};
use kith_store::{FollowUpRecord, Store};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rstest::rstest;

use crate::harness::{Backend, TestDb};

#[derive(Debug, Clone)]
struct ContactSpec {
    name: String,
    tags: Vec<usize>,
    cadence: Option<u32>,
    archived: bool,
    introducer: Option<usize>,
    email: bool,
    notes: Option<String>,
}

#[derive(Debug, Clone)]
struct ConversationSpec {
    people: Vec<usize>,
    channel: usize,
    days_ago: i64,
    summary: String,
    learned: Vec<String>,
}

#[derive(Debug, Clone)]
struct FollowUpSpec {
    contact: usize,
    mine: bool,
    loop_back: bool,
    /// 0 open, 1 done (completing: a loop-back may follow), 2 dropped.
    status: u8,
    conversation: Option<usize>,
}

#[derive(Debug, Clone)]
struct GoalSpec {
    kind: usize,
    contacts: Vec<usize>,
    conversations: Vec<usize>,
    done: bool,
}

#[derive(Debug, Clone)]
struct AccountSpec {
    tags: Vec<Option<u32>>,
    contacts: Vec<ContactSpec>,
    conversations: Vec<ConversationSpec>,
    follow_ups: Vec<FollowUpSpec>,
    goals: Vec<GoalSpec>,
}

fn text() -> impl Strategy<Value = String> {
    "[A-Za-zÀ-ÿ0-9 ,.'!?-]{1,30}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn account() -> impl Strategy<Value = AccountSpec> {
    let contact = (
        "[A-Z][a-zà-ÿ]{1,8}( [A-Z][a-z]{1,10})?",
        prop::collection::vec(0usize..6, 0..3),
        prop::option::of(1u32..400),
        any::<bool>(),
        prop::option::of(0usize..100),
        any::<bool>(),
        prop::option::of(text()),
    )
        .prop_map(
            |(name, tags, cadence, archived, introducer, email, notes)| ContactSpec {
                name,
                tags,
                cadence,
                archived,
                introducer,
                email,
                notes,
            },
        );
    let conversation = (
        prop::collection::vec(0usize..100, 1..4),
        0usize..Channel::ALL.len(),
        0i64..800,
        text(),
        prop::collection::vec(text(), 0..3),
    )
        .prop_map(
            |(people, channel, days_ago, summary, learned)| ConversationSpec {
                people,
                channel,
                days_ago,
                summary,
                learned,
            },
        );
    let follow_up = (
        0usize..100,
        any::<bool>(),
        any::<bool>(),
        0u8..3,
        prop::option::of(0usize..100),
    )
        .prop_map(
            |(contact, mine, loop_back, status, conversation)| FollowUpSpec {
                contact,
                mine,
                loop_back,
                status,
                conversation,
            },
        );
    let goal = (
        0usize..GoalKind::ALL.len(),
        prop::collection::vec(0usize..100, 0..4),
        prop::collection::vec(0usize..100, 0..3),
        any::<bool>(),
    )
        .prop_map(|(kind, contacts, conversations, done)| GoalSpec {
            kind,
            contacts,
            conversations,
            done,
        });
    (
        prop::collection::vec(prop::option::of(1u32..200), 0..6),
        prop::collection::vec(contact, 1..8),
        prop::collection::vec(conversation, 0..10),
        prop::collection::vec(follow_up, 0..8),
        prop::collection::vec(goal, 0..3),
    )
        .prop_map(
            |(tags, contacts, conversations, follow_ups, goals)| AccountSpec {
                tags,
                contacts,
                conversations,
                follow_ups,
                goals,
            },
        )
}

/// Writes the account through the store's ordinary methods.
async fn build(store: &Store, user: UserId, spec: &AccountSpec) {
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
    let tag_name = |i: usize| TagName::parse(&format!("tag{i}")).unwrap();
    let mut contacts = Vec::new();
    for (i, c) in spec.contacts.iter().enumerate() {
        let mut tags: Vec<TagName> = c.tags.iter().map(|t| tag_name(*t)).collect();
        tags.dedup();
        let draft = ContactDraft {
            name: Some(ContactName::parse(&c.name).unwrap()),
            emails: if c.email {
                vec![Email::parse(&format!("p{i}@example.org")).unwrap()]
            } else {
                Vec::new()
            },
            tags,
            cadence: c.cadence.and_then(Cadence::from_days),
            notes: c.notes.clone(),
            ..ContactDraft::default()
        };
        contacts.push(
            store
                .add_contact(user, &draft, chrono::Utc::now())
                .await
                .unwrap(),
        );
    }
    let pick = |i: usize| contacts[i % contacts.len()];
    let mut pairs = Vec::new();
    for (i, c) in spec.contacts.iter().enumerate() {
        if let Some(introducer) = c.introducer
            && pick(introducer) != contacts[i]
        {
            pairs.push((contacts[i], pick(introducer)));
        }
    }
    store
        .set_introducers(user, &pairs, chrono::Utc::now())
        .await
        .unwrap();
    for (i, c) in spec.contacts.iter().enumerate() {
        if c.archived {
            let patch = ContactPatch {
                archived: Some(true),
                ..ContactPatch::default()
            };
            store
                .update_contact(user, contacts[i], &patch, chrono::Utc::now())
                .await
                .unwrap();
        }
    }
    for (i, cadence) in spec.tags.iter().enumerate() {
        let used = spec.contacts.iter().any(|c| c.tags.contains(&i));
        if let Some(days) = cadence.filter(|_| used) {
            store
                .set_tag_cadence(user, &tag_name(i), Cadence::from_days(days))
                .await
                .unwrap();
        }
    }
    let mut conversations: Vec<ConversationId> = Vec::new();
    for c in &spec.conversations {
        let mut people: Vec<ContactId> = c.people.iter().map(|p| pick(*p)).collect();
        people.sort();
        people.dedup();
        let mut new = NewConversation::new(
            now - Duration::days(c.days_ago),
            Channel::ALL[c.channel],
            None,
            &c.summary,
            people,
        )
        .unwrap();
        new.learned = c
            .learned
            .iter()
            .map(|l| Learning::parse(l).unwrap())
            .collect();
        conversations.push(
            store
                .log_conversation(user, &new, chrono::Utc::now())
                .await
                .unwrap(),
        );
    }
    let mut follow_ups: Vec<(FollowUpId, u8)> = Vec::new();
    for (i, f) in spec.follow_ups.iter().enumerate() {
        let record = FollowUpRecord {
            follow_up: NewFollowUp {
                contact: pick(f.contact),
                conversation: f
                    .conversation
                    .filter(|_| !conversations.is_empty())
                    .map(|c| conversations[c % conversations.len()]),
                owner: if f.mine { Owner::Me } else { Owner::Them },
                kind: FollowUpKind::Task,
                title: format!("Task {i}"),
                due_on: (now + Duration::days(i as i64)).date_naive().into(),
                loop_back: f.loop_back,
                parent: None,
                subject: None,
            },
            status: FollowUpStatus::Open,
            created_at: now - Duration::days(1),
            closed_at: None,
        };
        let id = store.add_follow_ups(user, &[record]).await.unwrap()[0];
        follow_ups.push((id, f.status));
    }
    for (id, status) in follow_ups {
        match status {
            1 => {
                store
                    .complete_follow_up(user, id, chrono::Utc::now())
                    .await
                    .unwrap();
            }
            2 => {
                store
                    .drop_follow_up(user, id, chrono::Utc::now())
                    .await
                    .unwrap();
            }
            _ => {}
        }
    }
    for (i, g) in spec.goals.iter().enumerate() {
        let goal = NewGoal {
            kind: GoalKind::ALL[g.kind],
            title: format!("Goal {i}"),
            industry: None,
            function: Some("product".into()),
            company: None,
            skill: None,
            target_count: Some(5),
            due_on: None,
        };
        let id = store
            .add_goal(user, &goal, GoalStatus::Active, now)
            .await
            .unwrap();
        let mut linked: Vec<ContactId> = g.contacts.iter().map(|c| pick(*c)).collect();
        linked.sort();
        linked.dedup();
        let mut talks: Vec<ConversationId> = if conversations.is_empty() {
            Vec::new()
        } else {
            g.conversations
                .iter()
                .map(|c| conversations[c % conversations.len()])
                .collect()
        };
        talks.sort();
        talks.dedup();
        store.link_goal(user, id, &linked, &talks).await.unwrap();
        if g.done {
            store
                .set_goal_status(user, id, GoalStatus::Done, chrono::Utc::now())
                .await
                .unwrap();
        }
    }
}

#[rstest]
fn random_accounts_survive_a_round_trip(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let Some(db) = runtime.block_on(TestDb::new(backend)) else {
        return;
    };
    let cases = match backend {
        Backend::Sqlite => 32,
        Backend::Postgres => 12,
    };
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let n = std::sync::atomic::AtomicUsize::new(0);
    let shared = &db;
    runner
        .run(&account(), |spec| {
            let n = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let db = shared;
            runtime.block_on(async move {
                let source = db.user(&format!("src{n}")).await;
                build(&db.store, source, &spec).await;
                let first = db
                    .store
                    .export_account(source, chrono::Utc::now())
                    .await
                    .unwrap();
                let text = serde_json::to_vec(&first).unwrap();
                let read = kith_store::AccountExport::from_json(&text).unwrap();
                let copy = db.user(&format!("dst{n}")).await;
                db.store
                    .import_account(copy, &read, chrono::Utc::now())
                    .await
                    .unwrap();
                let second = db
                    .store
                    .export_account(copy, chrono::Utc::now())
                    .await
                    .unwrap();
                assert_eq!(second.comparable(), first.comparable());
                let store = &db.store;
                let facts = |user| async move {
                    store
                        .contact_facts(user, None, chrono::Utc::now())
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|f| (f.name, f.activity, f.open_loops.len(), f.active_goals))
                        .collect::<Vec<_>>()
                };
                assert_eq!(facts(copy).await, facts(source).await);
            });
            Ok(())
        })
        .unwrap();
    runtime.block_on(db.finish());
}
