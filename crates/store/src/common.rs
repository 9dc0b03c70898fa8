// The SQL both backends share. Not a module: `sqlite.rs` and `postgres.rs`
// each `include!` this file, so it compiles once against each backend's
// `Db`, `Pool`, `Conn` and `Tx` aliases and its dialect functions
// (`begin_write`, `lock_user`, `set_search_docs`). Placeholders are `$N`,
// which both SQLite and PostgreSQL accept.

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
const CHUNK: usize = 400;

fn like_escape(fragment: &str) -> String {
    fragment
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

// Users

pub(crate) async fn create_user(pool: &Pool, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
    let row: UserRow = sqlx::query_as(
        "INSERT INTO users (username, display_name, email, timezone, created_at) \
         VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, username, display_name, email, timezone, created_at",
    )
    .bind(user.username.as_str())
    .bind(&user.display_name)
    .bind(user.email.as_ref().map(|e| e.as_str()))
    .bind(user.timezone.name())
    .bind(from_time(now))
    .fetch_one(pool)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!(
            "a user named '{}' already exists",
            user.username.as_str()
        )),
        other => other,
    })?;
    Ok(row.into_user())
}

pub(crate) async fn users(pool: &Pool) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(
        "SELECT id, username, display_name, email, timezone, created_at FROM users ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(UserRow::into_user).collect())
}

// Organisations and tags: looked up by name, created on first use.

async fn organisation_id(
    conn: &mut Conn,
    user: UserId,
    name: &str,
    cache: &mut HashMap<String, i64>,
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
            sqlx::query_scalar(
                "INSERT INTO organisations (user_id, name, name_key, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(user.0)
            .bind(name)
            .bind(&key)
            .bind(from_time(Utc::now()))
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
            sqlx::query_scalar("INSERT INTO tags (user_id, name) VALUES ($1, $2) RETURNING id")
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
async fn check_contacts(
    conn: &mut Conn,
    user: UserId,
    ids: impl IntoIterator<Item = ContactId>,
) -> Result<()> {
    let ids: Vec<i64> = ids
        .into_iter()
        .map(|c| c.0)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in ids.chunks(CHUNK * 10) {
        let mut qb = QueryBuilder::<Db>::new("SELECT id FROM contacts WHERE user_id = ");
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
) -> Result<()> {
    let now = from_time(Utc::now());
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

// Contacts

fn draft_doc(draft: &ContactDraft) -> String {
    SearchDoc::default()
        .add(draft.name.as_ref().map(|n| n.as_str()))
        .add(draft.nickname.as_deref())
        .add(draft.organisation.as_deref())
        .add(draft.title.as_deref())
        .add(draft.function.as_deref())
        .add(draft.industry.as_deref())
        .add(draft.location.as_deref())
        .add(draft.how_met.as_deref())
        .add(draft.notes.as_deref())
        .add_emails(draft.emails.iter().map(|e| e.as_str()))
        .add_all(draft.tags.iter().map(|t| t.as_str()))
        .finish()
}

fn contact_doc(contact: &Contact) -> String {
    SearchDoc::default()
        .add(Some(&contact.name))
        .add(contact.nickname.as_deref())
        .add(contact.organisation.as_ref().map(|o| o.name.as_str()))
        .add(contact.title.as_deref())
        .add(contact.function.as_deref())
        .add(contact.industry.as_deref())
        .add(contact.location.as_deref())
        .add(contact.how_met.as_deref())
        .add(contact.notes.as_deref())
        .add_emails(contact.emails.iter().map(String::as_str))
        .add_all(contact.tags.iter().map(String::as_str))
        .finish()
}

pub(crate) async fn add_contacts(
    pool: &Pool,
    user: UserId,
    records: &[ContactRecord],
) -> Result<Vec<ContactId>> {
    if records.iter().any(|r| r.draft.name.is_none()) {
        return Err(StoreError::invalid("name", "must not be empty"));
    }
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    check_contacts(
        &mut tx,
        user,
        records.iter().filter_map(|r| r.draft.introduced_by),
    )
    .await?;
    let mut organisations = HashMap::new();
    let mut tags = HashMap::new();
    let mut ids = Vec::with_capacity(records.len());
    for chunk in records.chunks(CHUNK) {
        let uids: Vec<String> = chunk
            .iter()
            .map(|r| r.draft.uid.clone().unwrap_or_else(new_uid))
            .collect();
        let mut org_ids = Vec::with_capacity(chunk.len());
        for record in chunk {
            org_ids.push(match &record.draft.organisation {
                Some(name) => Some(organisation_id(&mut tx, user, name, &mut organisations).await?),
                None => None,
            });
        }
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contacts (user_id, uid, full_name, sort_key, given_name, family_name, \
             nickname, organisation_id, title, function, industry, location, timezone, birthday, \
             how_met, introduced_by, notes, cadence_days, created_at, updated_at) ",
        );
        qb.push_values(
            chunk.iter().zip(&uids).zip(&org_ids),
            |mut row, ((record, uid), org)| {
                let d = &record.draft;
                let name = d.name.as_ref().map(|n| n.as_str()).unwrap_or_default();
                let created = from_time(record.created_at);
                row.push_bind(user.0)
                    .push_bind(uid.as_str())
                    .push_bind(name)
                    .push_bind(sort_key(name))
                    .push_bind(d.given_name.as_deref())
                    .push_bind(d.family_name.as_deref())
                    .push_bind(d.nickname.as_deref())
                    .push_bind(*org)
                    .push_bind(d.title.as_deref())
                    .push_bind(d.function.as_deref())
                    .push_bind(d.industry.as_deref())
                    .push_bind(d.location.as_deref())
                    .push_bind(d.timezone.map(|z| z.name()))
                    .push_bind(d.birthday.map(|b| b.to_string()))
                    .push_bind(d.how_met.as_deref())
                    .push_bind(d.introduced_by.map(|c| c.0))
                    .push_bind(d.notes.as_deref())
                    .push_bind(d.cadence.map(|c| i64::from(c.days())))
                    .push_bind(created)
                    .push_bind(created);
            },
        );
        qb.push(" RETURNING id, uid");
        let rows: Vec<(i64, String)> =
            qb.build_query_as().fetch_all(&mut *tx).await.map_err(|e| {
                match StoreError::from(e) {
                    StoreError::Conflict(_) => {
                        StoreError::Conflict("a contact with the same UID already exists".into())
                    }
                    other => other,
                }
            })?;
        let by_uid: HashMap<&str, i64> = rows.iter().map(|(id, uid)| (uid.as_str(), *id)).collect();
        let chunk_ids: Vec<i64> = uids.iter().map(|u| by_uid[u.as_str()]).collect();

        let drafts = chunk_ids
            .iter()
            .copied()
            .zip(chunk.iter().map(|r| &r.draft));
        insert_emails(
            &mut tx,
            user,
            drafts
                .clone()
                .flat_map(|(id, d)| numbered(id, d.emails.iter().map(|e| e.as_str()))),
        )
        .await?;
        insert_phones(
            &mut tx,
            user,
            drafts.clone().flat_map(|(id, d)| {
                numbered(id, d.phones.iter().map(|p| (p.as_str(), p.normalized())))
            }),
        )
        .await?;
        insert_links(
            &mut tx,
            user,
            drafts.clone().flat_map(|(id, d)| {
                numbered(id, d.links.iter().map(|l| (l.url(), l.kind().as_str())))
            }),
        )
        .await?;
        let mut tag_rows = Vec::new();
        for (id, draft) in drafts.clone() {
            let mut seen = HashSet::new();
            for tag in &draft.tags {
                if seen.insert(tag.as_str()) {
                    tag_rows.push((id, tag_id(&mut tx, user, tag.as_str(), &mut tags).await?));
                }
            }
        }
        insert_contact_tags(&mut tx, user, &tag_rows).await?;
        let docs: Vec<(i64, String)> = drafts.clone().map(|(id, d)| (id, draft_doc(d))).collect();
        set_search_docs(&mut tx, user, &docs).await?;
        let changes: Vec<(i64, &str, i64)> = chunk_ids
            .iter()
            .zip(&uids)
            .map(|(id, uid)| (*id, uid.as_str(), 1))
            .collect();
        record_changes(&mut tx, user, &changes, false).await?;
        ids.extend(chunk_ids.into_iter().map(ContactId));
    }
    tx.commit().await?;
    Ok(ids)
}

/// Pairs each value with its contact and its position (0, 1, …) in that contact's list.
fn numbered<T>(id: i64, values: impl Iterator<Item = T>) -> impl Iterator<Item = (i64, i64, T)> {
    values.enumerate().map(move |(i, v)| (id, i as i64, v))
}

async fn insert_emails<'a>(
    conn: &mut Conn,
    user: UserId,
    rows: impl Iterator<Item = (i64, i64, &'a str)>,
) -> Result<()> {
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_emails (user_id, contact_id, position, address, address_key) ",
        );
        qb.push_values(chunk, |mut row, (contact, position, address)| {
            row.push_bind(user.0)
                .push_bind(*contact)
                .push_bind(*position)
                .push_bind(*address)
                .push_bind(address.to_lowercase());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_phones<'a>(
    conn: &mut Conn,
    user: UserId,
    rows: impl Iterator<Item = (i64, i64, (&'a str, String))>,
) -> Result<()> {
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_phones (user_id, contact_id, position, number, number_key) ",
        );
        qb.push_values(chunk, |mut row, (contact, position, (number, key))| {
            row.push_bind(user.0)
                .push_bind(*contact)
                .push_bind(*position)
                .push_bind(*number)
                .push_bind(key.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_links<'a>(
    conn: &mut Conn,
    user: UserId,
    rows: impl Iterator<Item = (i64, i64, (&'a str, &'a str))>,
) -> Result<()> {
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_links (user_id, contact_id, position, url, kind) ",
        );
        qb.push_values(chunk, |mut row, (contact, position, (url, kind))| {
            row.push_bind(user.0)
                .push_bind(*contact)
                .push_bind(*position)
                .push_bind(*url)
                .push_bind(*kind);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_contact_tags(conn: &mut Conn, user: UserId, rows: &[(i64, i64)]) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO contact_tags (contact_id, tag_id, user_id) ");
        qb.push_values(chunk, |mut row, (contact, tag)| {
            row.push_bind(*contact).push_bind(*tag).push_bind(user.0);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn contact_row(conn: &mut Conn, user: UserId, id: ContactId) -> Result<ContactRow> {
    sqlx::query_as(concat!(
        contact_select!(),
        "WHERE c.user_id = $1 AND c.id = $2"
    ))
    .bind(user.0)
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::not_found("contact", id))
}

async fn contact_parts(conn: &mut Conn, id: i64) -> Result<ContactParts> {
    let emails = sqlx::query_scalar(
        "SELECT address FROM contact_emails WHERE contact_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let phones = sqlx::query_scalar(
        "SELECT number FROM contact_phones WHERE contact_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let links: Vec<(String, String)> = sqlx::query_as(
        "SELECT url, kind FROM contact_links WHERE contact_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let tags = sqlx::query_scalar(
        "SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id \
         WHERE ct.contact_id = $1 ORDER BY t.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ContactParts {
        emails,
        phones,
        links: links
            .into_iter()
            .map(|(url, kind)| StoredLink { url, kind })
            .collect(),
        tags,
    })
}

async fn contact_in(conn: &mut Conn, user: UserId, id: ContactId) -> Result<Contact> {
    let row = contact_row(conn, user, id).await?;
    let parts = contact_parts(conn, row.id).await?;
    Ok(row.into_contact(parts))
}

pub(crate) async fn contact(pool: &Pool, user: UserId, id: ContactId) -> Result<Contact> {
    let mut conn = pool.acquire().await?;
    contact_in(&mut conn, user, id).await
}

fn patched<T: Clone>(current: Option<T>, change: &Option<Option<T>>) -> Option<T> {
    match change {
        Some(new) => new.clone(),
        None => current,
    }
}

pub(crate) async fn update_contact(
    pool: &Pool,
    user: UserId,
    id: ContactId,
    patch: &ContactPatch,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let row = contact_row(&mut tx, user, id).await?;
    let organisation_id = match &patch.organisation {
        Some(Some(name)) => Some(organisation_id(&mut tx, user, name, &mut HashMap::new()).await?),
        Some(None) => None,
        None => row.organisation_id,
    };
    if let Some(Some(introducer)) = patch.introduced_by {
        if introducer == id {
            return Err(StoreError::invalid(
                "introduced-by",
                "a contact cannot introduce themselves",
            ));
        }
        check_contacts(&mut tx, user, [introducer]).await?;
    }
    let name = patch
        .name
        .as_ref()
        .map_or(row.full_name.clone(), |n| n.as_str().to_owned());
    sqlx::query(
        "UPDATE contacts SET full_name = $3, sort_key = $4, given_name = $5, family_name = $6, \
         nickname = $7, organisation_id = $8, title = $9, function = $10, industry = $11, \
         location = $12, timezone = $13, birthday = $14, how_met = $15, introduced_by = $16, \
         notes = $17, cadence_days = $18, archived = $19, updated_at = $20, \
         revision = revision + 1 \
         WHERE user_id = $1 AND id = $2",
    )
    .bind(user.0)
    .bind(id.0)
    .bind(&name)
    .bind(sort_key(&name))
    .bind(patched(row.given_name, &patch.given_name))
    .bind(patched(row.family_name, &patch.family_name))
    .bind(patched(row.nickname, &patch.nickname))
    .bind(organisation_id)
    .bind(patched(row.title, &patch.title))
    .bind(patched(row.function, &patch.function))
    .bind(patched(row.industry, &patch.industry))
    .bind(patched(row.location, &patch.location))
    .bind(match &patch.timezone {
        Some(tz) => tz.map(|z| z.name().to_owned()),
        None => row.timezone,
    })
    .bind(match &patch.birthday {
        Some(b) => b.map(|b| b.to_string()),
        None => row.birthday,
    })
    .bind(patched(row.how_met, &patch.how_met))
    .bind(match patch.introduced_by {
        Some(i) => i.map(|c| c.0),
        None => row.introduced_by,
    })
    .bind(patched(row.notes, &patch.notes))
    .bind(match patch.cadence {
        Some(c) => c.map(|c| i64::from(c.days())),
        None => row.cadence_days,
    })
    .bind(patch.archived.unwrap_or(row.archived))
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?;

    let current = contact_parts(&mut tx, id.0).await?;
    let emails = edit_list(
        "email",
        current.emails,
        |e| e.to_lowercase(),
        patch.add_emails.iter().map(|e| e.as_str().to_owned()),
        patch
            .remove_emails
            .iter()
            .map(|e| e.as_str().to_lowercase()),
    )?;
    if let Some(emails) = emails {
        sqlx::query("DELETE FROM contact_emails WHERE contact_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_emails(
            &mut tx,
            user,
            numbered(id.0, emails.iter().map(String::as_str)),
        )
        .await?;
    }
    let phone_key = |p: &String| Phone::parse(p).map_or_else(|_| p.clone(), |p| p.normalized());
    let phones = edit_list(
        "phone",
        current.phones,
        phone_key,
        patch.add_phones.iter().map(|p| p.as_str().to_owned()),
        patch.remove_phones.iter().map(Phone::normalized),
    )?;
    if let Some(phones) = phones {
        sqlx::query("DELETE FROM contact_phones WHERE contact_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_phones(
            &mut tx,
            user,
            numbered(id.0, phones.iter().map(|p| (p.as_str(), phone_key(p)))),
        )
        .await?;
    }
    let links = edit_list(
        "link",
        current.links,
        |l| l.url.clone(),
        patch.add_links.iter().map(|l| StoredLink {
            url: l.url().to_owned(),
            kind: l.kind().as_str().to_owned(),
        }),
        patch.remove_links.iter().map(|l| l.url().to_owned()),
    )?;
    if let Some(links) = links {
        sqlx::query("DELETE FROM contact_links WHERE contact_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_links(
            &mut tx,
            user,
            numbered(
                id.0,
                links.iter().map(|l| (l.url.as_str(), l.kind.as_str())),
            ),
        )
        .await?;
    }
    let tags = edit_list(
        "tag",
        current.tags,
        String::clone,
        patch.add_tags.iter().map(|t| t.as_str().to_owned()),
        patch.remove_tags.iter().map(|t| t.as_str().to_owned()),
    )?;
    if let Some(tags) = tags {
        sqlx::query("DELETE FROM contact_tags WHERE contact_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let mut cache = HashMap::new();
        let mut rows = Vec::with_capacity(tags.len());
        for tag in &tags {
            rows.push((id.0, tag_id(&mut tx, user, tag, &mut cache).await?));
        }
        insert_contact_tags(&mut tx, user, &rows).await?;
    }

    let contact = contact_in(&mut tx, user, id).await?;
    set_search_docs(&mut tx, user, &[(id.0, contact_doc(&contact))]).await?;
    record_changes(
        &mut tx,
        user,
        &[(id.0, &contact.uid, contact.revision)],
        false,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Applies removals and additions (compared by `key`) to one of a contact's
/// lists, keeping the order. `None` when nothing changes; an error names a
/// value to remove that is not there.
fn edit_list<T>(
    field: &str,
    current: Vec<T>,
    key: impl Fn(&T) -> String,
    add: impl Iterator<Item = T>,
    remove: impl Iterator<Item = String>,
) -> Result<Option<Vec<T>>> {
    let mut list = current;
    let mut changed = false;
    for gone in remove {
        let Some(at) = list.iter().position(|v| key(v) == gone) else {
            return Err(StoreError::invalid(
                field,
                format!("the contact has no {field} '{gone}'"),
            ));
        };
        list.remove(at);
        changed = true;
    }
    for value in add {
        let k = key(&value);
        if !list.iter().any(|v| key(v) == k) {
            list.push(value);
            changed = true;
        }
    }
    Ok(changed.then_some(list))
}

pub(crate) async fn find_contacts(
    pool: &Pool,
    user: UserId,
    fragment: &str,
    limit: u32,
) -> Result<Vec<ContactRef>> {
    let key = sort_key(fragment.trim());
    let escaped = like_escape(&key);
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, full_name FROM contacts \
         WHERE user_id = $1 AND sort_key LIKE $2 ESCAPE '\\' \
         ORDER BY CASE WHEN sort_key = $3 THEN 0 WHEN sort_key LIKE $4 ESCAPE '\\' THEN 1 ELSE 2 END, \
                  sort_key, id \
         LIMIT $5",
    )
    .bind(user.0)
    .bind(format!("%{escaped}%"))
    .bind(&key)
    .bind(format!("{escaped}%"))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| ContactRef {
            id: ContactId(id),
            name,
        })
        .collect())
}

/// Tags of many contacts at once.
async fn tags_for(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(CHUNK * 10) {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id \
             WHERE ct.contact_id IN (",
        );
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(") ORDER BY t.name");
        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
        for (id, tag) in rows {
            tags.entry(id).or_default().push(tag);
        }
    }
    Ok(tags)
}

async fn summaries(conn: &mut Conn, rows: Vec<SummaryRow>) -> Result<Vec<ContactSummary>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = tags_for(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let t = tags.remove(&r.id).unwrap_or_default();
            r.into_summary(t)
        })
        .collect())
}

/// Summaries of the given contacts, in the order of `ids`.
async fn summaries_by_id(
    conn: &mut Conn,
    user: UserId,
    ids: &[i64],
) -> Result<Vec<ContactSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(summary_select!());
    qb.push("WHERE c.user_id = ")
        .push_bind(user.0)
        .push(" AND c.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    let mut found = summaries(conn, rows).await?;
    found.sort_by_key(|s| ids.iter().position(|id| *id == s.id.0));
    Ok(found)
}

fn push_archived(qb: &mut QueryBuilder<Db>, archived: ArchivedFilter) {
    match archived {
        ArchivedFilter::Active => qb.push(" AND NOT c.archived"),
        ArchivedFilter::Archived => qb.push(" AND c.archived"),
        ArchivedFilter::All => qb,
    };
}

pub(crate) async fn list_contacts(
    pool: &Pool,
    user: UserId,
    filter: &ContactFilter,
    after: Option<ContactId>,
    limit: u32,
) -> Result<Vec<ContactSummary>> {
    let mut qb = QueryBuilder::<Db>::new(summary_select!());
    qb.push("WHERE c.user_id = ").push_bind(user.0);
    push_archived(&mut qb, filter.archived);
    if let Some(tag) = &filter.tag {
        qb.push(
            " AND EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id \
             WHERE ct.contact_id = c.id AND t.name = ",
        )
        .push_bind(tag.as_str())
        .push(")");
    }
    if let Some(organisation) = &filter.organisation {
        qb.push(" AND o.name_key LIKE ")
            .push_bind(format!("%{}%", like_escape(&organisation.to_lowercase())))
            .push(" ESCAPE '\\'");
    }
    if let Some(function) = &filter.function {
        qb.push(" AND lower(c.function) = ")
            .push_bind(function.to_lowercase());
    }
    if let Some(after) = after {
        qb.push(" AND (c.sort_key, c.id) > (SELECT sort_key, id FROM contacts WHERE user_id = ")
            .push_bind(user.0)
            .push(" AND id = ")
            .push_bind(after.0)
            .push(")");
    }
    qb.push(" ORDER BY c.sort_key, c.id LIMIT ")
        .push_bind(i64::from(limit));
    let mut conn = pool.acquire().await?;
    let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    summaries(&mut conn, rows).await
}

pub(crate) async fn count_contacts(
    pool: &Pool,
    user: UserId,
    archived: ArchivedFilter,
) -> Result<i64> {
    let mut qb = QueryBuilder::<Db>::new("SELECT count(*) FROM contacts c WHERE c.user_id = ");
    qb.push_bind(user.0);
    push_archived(&mut qb, archived);
    Ok(qb.build_query_scalar().fetch_one(pool).await?)
}

pub(crate) async fn introduced_by(
    pool: &Pool,
    user: UserId,
    id: ContactId,
) -> Result<Vec<ContactRef>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, full_name FROM contacts WHERE user_id = $1 AND introduced_by = $2 ORDER BY sort_key, id",
    )
    .bind(user.0)
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| ContactRef {
            id: ContactId(id),
            name,
        })
        .collect())
}

pub(crate) async fn contact_stats(
    pool: &Pool,
    user: UserId,
    id: ContactId,
) -> Result<ContactStats> {
    let (count, first, last): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT count(*), min(occurred_at), max(occurred_at) FROM conversation_participants \
         WHERE user_id = $1 AND contact_id = $2",
    )
    .bind(user.0)
    .bind(id.0)
    .fetch_one(pool)
    .await?;
    Ok(ContactStats {
        conversations: count,
        first: first.map(to_time),
        last: last.map(to_time),
    })
}

pub(crate) async fn set_my_organisation(pool: &Pool, user: UserId, name: &str) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let id = organisation_id(&mut tx, user, name, &mut HashMap::new()).await?;
    sqlx::query("UPDATE organisations SET is_mine = (id = $2) WHERE user_id = $1")
        .bind(user.0)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn add_employments(
    pool: &Pool,
    user: UserId,
    records: &[EmploymentRecord],
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    check_contacts(&mut tx, user, records.iter().filter_map(|r| r.contact)).await?;
    let mut organisations = HashMap::new();
    for chunk in records.chunks(CHUNK) {
        let mut org_ids = Vec::with_capacity(chunk.len());
        for record in chunk {
            org_ids.push(
                organisation_id(&mut tx, user, &record.organisation, &mut organisations).await?,
            );
        }
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO employments (user_id, contact_id, organisation_id, title, started_on, ended_on) ",
        );
        qb.push_values(chunk.iter().zip(org_ids), |mut row, (record, org)| {
            row.push_bind(user.0)
                .push_bind(record.contact.map(|c| c.0))
                .push_bind(org)
                .push_bind(record.title.as_deref())
                .push_bind(record.started_on.map(|d| d.to_string()))
                .push_bind(record.ended_on.map(|d| d.to_string()));
        });
        qb.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn contact_changes(
    pool: &Pool,
    user: UserId,
    since: i64,
) -> Result<(Vec<ContactChange>, i64)> {
    let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT seq, contact_id, uid, op, revision FROM contact_changes \
         WHERE user_id = $1 AND seq > $2 ORDER BY seq",
    )
    .bind(user.0)
    .bind(since)
    .fetch_all(pool)
    .await?;
    let latest = match rows.last() {
        Some(row) => row.0,
        None => {
            sqlx::query_scalar(
                "SELECT COALESCE(max(seq), 0) FROM contact_changes WHERE user_id = $1",
            )
            .bind(user.0)
            .fetch_one(pool)
            .await?
        }
    };
    let changes = rows
        .into_iter()
        .map(|(seq, contact, uid, op, revision)| ContactChange {
            seq,
            contact: ContactId(contact),
            uid,
            deleted: op == "delete",
            revision,
        })
        .collect();
    Ok((changes, latest))
}

// Conversations

pub(crate) async fn log_conversations(
    pool: &Pool,
    user: UserId,
    conversations: &[NewConversation],
    now: DateTime<Utc>,
) -> Result<Vec<ConversationId>> {
    let mut tx = begin_write(pool).await?;
    check_contacts(
        &mut tx,
        user,
        conversations
            .iter()
            .flat_map(|c| c.participants.iter().copied()),
    )
    .await?;
    let now = from_time(now);
    let mut ids = Vec::with_capacity(conversations.len());
    for chunk in conversations.chunks(CHUNK) {
        let uids: Vec<String> = chunk
            .iter()
            .map(|c| c.uid.clone().unwrap_or_else(new_uid))
            .collect();
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO conversations (user_id, uid, occurred_at, channel, minutes, summary, created_at, updated_at) ",
        );
        qb.push_values(chunk.iter().zip(&uids), |mut row, (c, uid)| {
            row.push_bind(user.0)
                .push_bind(uid.as_str())
                .push_bind(from_time(c.occurred_at))
                .push_bind(c.channel.as_str())
                .push_bind(c.minutes.map(|m| i64::from(m.get())))
                .push_bind(c.summary.as_str())
                .push_bind(now)
                .push_bind(now);
        });
        qb.push(" RETURNING id, uid");
        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
        let by_uid: HashMap<&str, i64> = rows.iter().map(|(id, uid)| (uid.as_str(), *id)).collect();
        let chunk_ids: Vec<i64> = uids.iter().map(|u| by_uid[u.as_str()]).collect();
        let participants: Vec<(i64, &NewConversation, ContactId)> = chunk_ids
            .iter()
            .zip(chunk)
            .flat_map(|(id, c)| c.participants.iter().map(move |p| (*id, c, *p)))
            .collect();
        for part in participants.chunks(CHUNK) {
            let mut qb = QueryBuilder::<Db>::new(
                "INSERT INTO conversation_participants (conversation_id, contact_id, user_id, occurred_at, channel) ",
            );
            qb.push_values(part, |mut row, (id, c, contact)| {
                row.push_bind(*id)
                    .push_bind(contact.0)
                    .push_bind(user.0)
                    .push_bind(from_time(c.occurred_at))
                    .push_bind(c.channel.as_str());
            });
            qb.build().execute(&mut *tx).await?;
        }
        ids.extend(chunk_ids.into_iter().map(ConversationId));
    }
    tx.commit().await?;
    Ok(ids)
}

/// Conversations with their participants, in the order of `rows`.
async fn with_participants(
    conn: &mut Conn,
    rows: Vec<ConversationRow>,
) -> Result<Vec<Conversation>> {
    let mut people: HashMap<i64, Vec<ContactRef>> = HashMap::new();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    for chunk in ids.chunks(CHUNK * 10) {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT p.conversation_id, c.id, c.full_name FROM conversation_participants p \
             JOIN contacts c ON c.id = p.contact_id WHERE p.conversation_id IN (",
        );
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(") ORDER BY c.sort_key");
        let found: Vec<(i64, i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
        for (conversation, id, name) in found {
            people.entry(conversation).or_default().push(ContactRef {
                id: ContactId(id),
                name,
            });
        }
    }
    rows.into_iter()
        .map(|r| {
            let p = people.remove(&r.id).unwrap_or_default();
            r.into_conversation(p)
        })
        .collect()
}

pub(crate) async fn conversation(
    pool: &Pool,
    user: UserId,
    id: ConversationId,
) -> Result<Conversation> {
    let mut conn = pool.acquire().await?;
    let row: ConversationRow = sqlx::query_as(
        "SELECT id, uid, occurred_at, channel, minutes, summary FROM conversations \
         WHERE user_id = $1 AND id = $2",
    )
    .bind(user.0)
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::not_found("conversation", id))?;
    let mut found = with_participants(&mut conn, vec![row]).await?;
    Ok(found.remove(0))
}

pub(crate) async fn conversations_with(
    pool: &Pool,
    user: UserId,
    contact: ContactId,
    limit: u32,
) -> Result<Vec<Conversation>> {
    let mut conn = pool.acquire().await?;
    let rows: Vec<ConversationRow> = sqlx::query_as(
        "SELECT cv.id, cv.uid, cv.occurred_at, cv.channel, cv.minutes, cv.summary \
         FROM conversation_participants p JOIN conversations cv ON cv.id = p.conversation_id \
         WHERE p.user_id = $1 AND p.contact_id = $2 \
         ORDER BY p.occurred_at DESC, cv.id DESC LIMIT $3",
    )
    .bind(user.0)
    .bind(contact.0)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    with_participants(&mut conn, rows).await
}

/// Conversations by id, newest first.
async fn conversations_by_id(
    conn: &mut Conn,
    user: UserId,
    ids: &[i64],
) -> Result<Vec<Conversation>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT id, uid, occurred_at, channel, minutes, summary FROM conversations WHERE user_id = ",
    );
    qb.push_bind(user.0).push(" AND id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(") ORDER BY occurred_at DESC, id DESC");
    let rows: Vec<ConversationRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    with_participants(conn, rows).await
}

// Follow-ups

pub(crate) async fn add_follow_ups(
    pool: &Pool,
    user: UserId,
    records: &[FollowUpRecord],
) -> Result<Vec<FollowUpId>> {
    let mut tx = begin_write(pool).await?;
    check_contacts(
        &mut tx,
        user,
        records
            .iter()
            .flat_map(|r| [Some(r.follow_up.contact), r.follow_up.subject])
            .flatten(),
    )
    .await?;
    let conversations: HashSet<i64> = records
        .iter()
        .filter_map(|r| r.follow_up.conversation.map(|c| c.0))
        .collect();
    for id in &conversations {
        let mine: Option<i64> =
            sqlx::query_scalar("SELECT id FROM conversations WHERE user_id = $1 AND id = $2")
                .bind(user.0)
                .bind(*id)
                .fetch_optional(&mut *tx)
                .await?;
        if mine.is_none() {
            return Err(StoreError::not_found("conversation", id));
        }
    }
    let mut ids = Vec::with_capacity(records.len());
    for chunk in records.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO follow_ups (user_id, contact_id, conversation_id, owner, kind, title, due_on, \
             loop_back, status, parent_id, subject_id, created_at, closed_at) ",
        );
        qb.push_values(chunk, |mut row, r| {
            let f = &r.follow_up;
            row.push_bind(user.0)
                .push_bind(f.contact.0)
                .push_bind(f.conversation.map(|c| c.0))
                .push_bind(f.owner.as_str())
                .push_bind(f.kind.as_str())
                .push_bind(f.title.as_str())
                .push_bind(f.due_on.map(|d| d.to_string()))
                .push_bind(f.loop_back)
                .push_bind(r.status.as_str())
                .push_bind(f.parent.map(|p| p.0))
                .push_bind(f.subject.map(|s| s.0))
                .push_bind(from_time(r.created_at))
                .push_bind(r.closed_at.map(from_time));
        });
        qb.push(" RETURNING id");
        // Identity values are drawn in VALUES order within one statement, so
        // sorting the returned ids restores the input order.
        let mut chunk_ids: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *tx).await?;
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids.into_iter().map(FollowUpId));
    }
    tx.commit().await?;
    Ok(ids)
}

pub(crate) async fn open_follow_ups_with(
    pool: &Pool,
    user: UserId,
    contact: ContactId,
) -> Result<Vec<FollowUp>> {
    let rows: Vec<FollowUpRow> = sqlx::query_as(concat!(
        follow_up_select!(),
        "WHERE f.user_id = $1 AND f.contact_id = $2 AND f.status = 'open' \
         ORDER BY f.due_on IS NULL, f.due_on, f.id"
    ))
    .bind(user.0)
    .bind(contact.0)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(FollowUpRow::into_follow_up).collect()
}

// Consistency

/// Rows that point at another user's rows: must always be empty.
async fn ownership_problems(pool: &Pool) -> Result<Vec<String>> {
    let checks: [(&str, &'static str); 5] = [
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
            "follow-ups",
            "SELECT count(*) FROM follow_ups f JOIN contacts c ON c.id = f.contact_id WHERE c.user_id <> f.user_id",
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
