//! The SQL both backends share. `sqlite.rs` and `postgres.rs` each load this
//! folder as their own `sql` module (`#[path]`), so it compiles once against
//! each backend's `Db`, `Pool`, `Conn` and `Tx` aliases and its dialect
//! functions (`begin_write`, `lock_user`, `set_search_docs`). There are no
//! generic database bounds and no `Any` driver. Placeholders are `$N`, which
//! both SQLite and PostgreSQL accept.

mod accounts;
mod activity;
mod backup;
mod contacts;
mod conversations;
mod dashboard;
mod dav;
mod edit;
mod export;
mod follow_ups;
mod goals;
mod health;
mod identities;
mod import_account;
mod imports;
mod lists;
mod mail;
mod meetings;
mod merge;
mod passkeys;
mod second_factor;
mod undo;
mod users;

pub(crate) use accounts::*;
pub(crate) use activity::*;
pub(crate) use backup::*;
pub(crate) use contacts::*;
pub(crate) use conversations::*;
pub(crate) use dashboard::*;
pub(crate) use dav::*;
pub(crate) use edit::*;
pub(crate) use export::*;
pub(crate) use follow_ups::*;
pub(crate) use goals::*;
pub(crate) use health::*;
pub(crate) use identities::*;
pub(crate) use import_account::*;
pub(crate) use imports::*;
pub(crate) use lists::*;
pub(crate) use mail::*;
pub(crate) use meetings::*;
pub(crate) use merge::*;
pub(crate) use passkeys::*;
pub(crate) use second_factor::*;
pub(crate) use undo::*;
pub(crate) use users::*;

use super::{
    Conn, Db, JSON_AGG, JSON_ROW, Pool, RANDOM_TOKEN, ROW_ID, SKIP_LOCKED, begin_write,
    lock_login_failures, lock_user, lock_users, next_contact_id, set_search_docs,
};

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use kith_core::contact::{
    ArchivedFilter, Contact, ContactDraft, ContactFilter, ContactPatch, ContactRef, ContactSummary,
    StoredLink,
};
use kith_core::conversation::{Conversation, NewConversation};
use kith_core::follow_up::FollowUp;
use kith_core::ids::{ContactId, ConversationId, FollowUpId, UserId};
use kith_core::user::{NewUser, User};
use kith_core::values::{Phone, sort_key};
use sqlx::QueryBuilder;

use crate::error::{Result, StoreError};
use crate::rows::{
    ContactParts, ContactRow, ConversationRow, FollowUpRow, SummaryRow, UserRow, contact_select,
    follow_up_select, from_time, summary_select, to_time,
};
use crate::search::SearchDoc;
use crate::{
    ContactChange, ContactRecord, ContactStats, EmploymentRecord, FollowUpRecord, new_uid,
};

/// Rows per multi-row INSERT: far below both engines' bind-parameter limits.
pub(crate) const CHUNK: usize = 400;

fn like_escape(fragment: &str) -> String {
    fragment
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

// Organisations and tags: looked up by name, created on first use.

async fn organisation_id(
    conn: &mut Conn,
    user: UserId,
    name: &str,
    cache: &mut HashMap<String, i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let key = name.to_lowercase();
    if let Some(id) = cache.get(&key) {
        return Ok(*id);
    }
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM organisations WHERE user_id = $1 AND name_key = $2")
            .bind(user.0)
            .bind(&key)
            .fetch_optional(&mut *conn)
            .await?;
    let id = match existing {
        Some(id) => id,
        None => {
            // ON CONFLICT: a concurrent writer may have created it meanwhile.
            sqlx::query_scalar(
                "INSERT INTO organisations (user_id, name, name_key, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, name_key) \
                 DO UPDATE SET name_key = excluded.name_key RETURNING id",
            )
            .bind(user.0)
            .bind(name)
            .bind(&key)
            .bind(from_time(now))
            .fetch_one(&mut *conn)
            .await?
        }
    };
    cache.insert(key, id);
    Ok(id)
}

async fn tag_id(
    conn: &mut Conn,
    user: UserId,
    tag: &str,
    cache: &mut HashMap<String, i64>,
) -> Result<i64> {
    if let Some(id) = cache.get(tag) {
        return Ok(*id);
    }
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM tags WHERE user_id = $1 AND name = $2")
            .bind(user.0)
            .bind(tag)
            .fetch_optional(&mut *conn)
            .await?;
    let id = match existing {
        Some(id) => id,
        None => {
            sqlx::query_scalar(
                "INSERT INTO tags (user_id, name) VALUES ($1, $2) \
                 ON CONFLICT (user_id, name) DO UPDATE SET name = excluded.name RETURNING id",
            )
            .bind(user.0)
            .bind(tag)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    cache.insert(tag.to_owned(), id);
    Ok(id)
}

/// Fails with `NotFound` unless every id is one of the user's contacts.
/// Collects the ids before anything is awaited, so that the future does not
/// hold the caller's iterator (whose closures would make it not `Send`).
fn check_contacts(
    conn: &mut Conn,
    user: UserId,
    ids: impl IntoIterator<Item = ContactId>,
) -> impl Future<Output = Result<()>> + Send + '_ {
    let ids: Vec<i64> = ids
        .into_iter()
        .map(|c| c.0)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    check_contact_ids(conn, user, ids)
}

async fn check_contact_ids(conn: &mut Conn, user: UserId, ids: Vec<i64>) -> Result<()> {
    for chunk in ids.chunks(CHUNK * 10) {
        let mut qb = QueryBuilder::<Db>::new("SELECT id FROM contacts WHERE +user_id = ");
        qb.push_bind(user.0).push(" AND id IN (");
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        let found: HashSet<i64> = qb
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
        if let Some(missing) = chunk.iter().find(|id| !found.contains(id)) {
            return Err(StoreError::not_found("contact", missing));
        }
    }
    Ok(())
}

async fn record_changes(
    conn: &mut Conn,
    user: UserId,
    changes: &[(i64, &str, i64)],
    deleted: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let now = from_time(now);
    for chunk in changes.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_changes (user_id, contact_id, uid, op, revision, at) ",
        );
        qb.push_values(chunk, |mut row, (id, uid, revision)| {
            row.push_bind(user.0)
                .push_bind(*id)
                .push_bind(*uid)
                .push_bind(if deleted { "delete" } else { "put" })
                .push_bind(*revision)
                .push_bind(now);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Pairs each value with its contact and its position (0, 1, …) in that contact's list.
fn numbered<T>(id: i64, values: impl Iterator<Item = T>) -> impl Iterator<Item = (i64, i64, T)> {
    values.enumerate().map(move |(i, v)| (id, i as i64, v))
}

// Consistency

/// Rows that point at another user's rows: must always be empty.
pub(crate) async fn ownership_problems(pool: &Pool) -> Result<Vec<String>> {
    let checks: [(&str, &'static str); 17] = [
        (
            "conversation participants",
            "SELECT count(*) FROM conversation_participants p JOIN contacts c ON c.id = p.contact_id JOIN conversations cv ON cv.id = p.conversation_id WHERE c.user_id <> p.user_id OR cv.user_id <> p.user_id",
        ),
        (
            "contact introducers",
            "SELECT count(*) FROM contacts c JOIN contacts i ON i.id = c.introduced_by WHERE i.user_id <> c.user_id",
        ),
        (
            "contact organisations",
            "SELECT count(*) FROM contacts c JOIN organisations o ON o.id = c.organisation_id WHERE o.user_id <> c.user_id",
        ),
        (
            "contact tags",
            "SELECT count(*) FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id JOIN contacts c ON c.id = ct.contact_id WHERE t.user_id <> ct.user_id OR c.user_id <> ct.user_id",
        ),
        (
            "follow-up parents",
            "SELECT count(*) FROM follow_ups f JOIN follow_ups p ON p.id = f.parent_id WHERE p.user_id <> f.user_id",
        ),
        (
            "follow-up subjects",
            "SELECT count(*) FROM follow_ups f JOIN contacts c ON c.id = f.subject_id WHERE c.user_id <> f.user_id",
        ),
        (
            "follow-up conversations",
            "SELECT count(*) FROM follow_ups f JOIN conversations cv ON cv.id = f.conversation_id WHERE cv.user_id <> f.user_id",
        ),
        (
            "goal contacts",
            "SELECT count(*) FROM goal_contacts gc JOIN goals g ON g.id = gc.goal_id JOIN contacts c ON c.id = gc.contact_id WHERE g.user_id <> gc.user_id OR c.user_id <> gc.user_id",
        ),
        (
            "goal conversations",
            "SELECT count(*) FROM goal_conversations gc JOIN goals g ON g.id = gc.goal_id JOIN conversations cv ON cv.id = gc.conversation_id WHERE g.user_id <> gc.user_id OR cv.user_id <> gc.user_id",
        ),
        (
            "employments",
            "SELECT count(*) FROM employments e JOIN organisations o ON o.id = e.organisation_id LEFT JOIN contacts c ON c.id = e.contact_id WHERE o.user_id <> e.user_id OR c.user_id <> e.user_id",
        ),
        (
            "contact ties",
            "SELECT count(*) FROM contact_ties t JOIN contacts a ON a.id = t.contact_a JOIN contacts b ON b.id = t.contact_b WHERE a.user_id <> t.user_id OR b.user_id <> t.user_id",
        ),
        (
            "follow-ups",
            "SELECT count(*) FROM follow_ups f JOIN contacts c ON c.id = f.contact_id WHERE c.user_id <> f.user_id",
        ),
        (
            "meeting attendees",
            "SELECT count(*) FROM meeting_attendees ma JOIN meetings m ON m.id = ma.meeting_id JOIN contacts c ON c.id = ma.contact_id WHERE m.user_id <> ma.user_id OR c.user_id <> ma.user_id",
        ),
        (
            "outreach block goals",
            "SELECT count(*) FROM outreach_blocks b JOIN goals g ON g.id = b.goal_id WHERE g.user_id <> b.user_id",
        ),
        (
            "stored vCards",
            "SELECT count(*) FROM contact_cards k JOIN contacts c ON c.id = k.contact_id WHERE c.user_id <> k.user_id",
        ),
        (
            "import sources",
            "SELECT count(*) FROM import_sources s JOIN contacts c ON c.id = s.contact_id WHERE c.user_id <> s.user_id",
        ),
        (
            "timeline events",
            "SELECT count(*) FROM contact_events e JOIN contacts c ON c.id = e.contact_id WHERE c.user_id <> e.user_id",
        ),
    ];
    let mut problems = Vec::new();
    for (what, sql) in checks {
        let count: i64 = sqlx::query_scalar(sql).fetch_one(pool).await?;
        if count > 0 {
            problems.push(format!("{count} {what} belong to another user"));
        }
    }
    Ok(problems)
}
