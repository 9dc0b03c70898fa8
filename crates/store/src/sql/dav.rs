//! CardDAV's view of the contacts: resource names, entity tags, writes with
//! preconditions checked in the same transaction, and the change log read
//! as a sync.

use kith_core::contact::ContactDraft;
use kith_core::rules::merge::card_replacement;

use super::*;
use crate::dav::{DavCard, DavChange, DavPut, DavRefusal, Precondition, default_name, uid_of_name};

fn etag(id: i64, revision: i64) -> String {
    format!("\"{id}-{revision}\"")
}

fn name_of(uid: &str, dav_name: Option<String>) -> String {
    dav_name.unwrap_or_else(|| default_name(uid))
}

/// Every card's name and entity tag (archived contacts too: they are still
/// in the address book).
pub(crate) async fn dav_index(pool: &Pool, user: UserId) -> Result<Vec<DavCard>> {
    let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT id, uid, dav_name, revision FROM contacts WHERE user_id = $1 ORDER BY id",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, uid, dav_name, revision)| DavCard {
            contact: ContactId(id),
            name: name_of(&uid, dav_name),
            etag: etag(id, revision),
        })
        .collect())
}

async fn find_in(conn: &mut Conn, user: UserId, name: &str) -> Result<Option<(i64, i64)>> {
    let uid = uid_of_name(name);
    Ok(sqlx::query_as(
        "SELECT id, revision FROM contacts WHERE user_id = $1 \
         AND (dav_name = $2 OR (dav_name IS NULL AND uid = $3))",
    )
    .bind(user.0)
    .bind(name)
    .bind(uid.unwrap_or_default())
    .fetch_optional(&mut *conn)
    .await?)
}

/// The card with this resource name, and its entity tag.
pub(crate) async fn dav_find(
    pool: &Pool,
    user: UserId,
    name: &str,
) -> Result<Option<(ContactId, String)>> {
    let mut conn = pool.acquire().await?;
    Ok(find_in(&mut conn, user, name)
        .await?
        .map(|(id, revision)| (ContactId(id), etag(id, revision))))
}

fn check(found: Option<(i64, i64)>, pre: &Precondition) -> std::result::Result<(), DavRefusal> {
    let current = found.map(|(id, revision)| etag(id, revision));
    match pre {
        Precondition::None => Ok(()),
        Precondition::IfMatch(tags) => match &current {
            Some(tag) if tags.iter().any(|t| t == "*" || t == tag) => Ok(()),
            _ => Err(DavRefusal::PreconditionFailed),
        },
        Precondition::IfNoneMatch => match current {
            None => Ok(()),
            Some(_) => Err(DavRefusal::PreconditionFailed),
        },
    }
}

/// Creates or replaces the card at `name` with `draft` (and keeps `card`,
/// the text the client sent, for what Kith does not model).
pub(crate) async fn dav_put(
    pool: &Pool,
    user: UserId,
    name: &str,
    draft: &ContactDraft,
    card: &str,
    pre: &Precondition,
    now: DateTime<Utc>,
) -> Result<std::result::Result<DavPut, DavRefusal>> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let found = find_in(&mut tx, user, name).await?;
    if let Err(refusal) = check(found, pre) {
        return Ok(Err(refusal));
    }
    let uid = draft.uid.clone().unwrap_or_default();
    let (id, created) = match found {
        Some((id, _)) => match dav_replace(&mut tx, user, id, &uid, draft, card, now).await? {
            Ok(()) => (id, false),
            Err(refusal) => return Ok(Err(refusal)),
        },
        None => match dav_create(&mut tx, user, &uid, draft, now).await? {
            Ok(id) => (id, true),
            Err(refusal) => return Ok(Err(refusal)),
        },
    };
    let revision = store_card(&mut tx, user, id, name, card).await?;
    tx.commit().await?;
    Ok(Ok(DavPut {
        contact: ContactId(id),
        etag: etag(id, revision),
        created,
    }))
}

/// Replaces contact `id` with the card's contents (its UID must not change);
/// a card whose modelled properties are the same still makes a new version
/// when its text changed.
async fn dav_replace(
    tx: &mut Conn,
    user: UserId,
    id: i64,
    uid: &str,
    draft: &ContactDraft,
    card: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), DavRefusal>> {
    let current = contact_in(&mut *tx, user, ContactId(id)).await?;
    if !uid.is_empty() && uid != current.uid {
        return Ok(Err(DavRefusal::UidChanged));
    }
    let patch = card_replacement(&current, draft);
    let changed = update_contact_in(&mut *tx, user, ContactId(id), &patch, now).await?;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT card FROM contact_cards WHERE contact_id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if !changed && stored.as_deref() != Some(card) {
        // Only properties Kith keeps as text changed: still a new version.
        let (uid, revision): (String, i64) = sqlx::query_as(
            "UPDATE contacts SET revision = revision + 1, updated_at = $3 \
             WHERE user_id = $1 AND id = $2 RETURNING uid, revision",
        )
        .bind(user.0)
        .bind(id)
        .bind(from_time(now))
        .fetch_one(&mut *tx)
        .await?;
        record_changes(&mut *tx, user, &[(id, &uid, revision)], false, now).await?;
    }
    Ok(Ok(()))
}

/// Creates a contact from the card, unless another contact has its UID.
async fn dav_create(
    tx: &mut Conn,
    user: UserId,
    uid: &str,
    draft: &ContactDraft,
    now: DateTime<Utc>,
) -> Result<std::result::Result<i64, DavRefusal>> {
    if !uid.is_empty() {
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT id FROM contacts WHERE user_id = $1 AND uid = $2")
                .bind(user.0)
                .bind(uid)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Ok(Err(DavRefusal::UidConflict));
        }
    }
    let record = ContactRecord {
        draft: draft.clone(),
        created_at: now,
    };
    let id = insert_contacts(&mut *tx, user, std::slice::from_ref(&record), now).await?[0].0;
    Ok(Ok(id))
}

/// Files the contact under `name` (no name kept when it is the default one)
/// and keeps the card's text; returns the contact's revision.
async fn store_card(tx: &mut Conn, user: UserId, id: i64, name: &str, card: &str) -> Result<i64> {
    let (uid, revision): (String, i64) = sqlx::query_as(
        "UPDATE contacts SET dav_name = $3 WHERE user_id = $1 AND id = $2 RETURNING uid, revision",
    )
    .bind(user.0)
    .bind(id)
    .bind(None::<String>)
    .fetch_one(&mut *tx)
    .await?;
    if default_name(&uid) != name {
        sqlx::query("UPDATE contacts SET dav_name = $3 WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM contact_cards WHERE contact_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO contact_cards (contact_id, user_id, card) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(user.0)
        .bind(card)
        .execute(&mut *tx)
        .await?;
    Ok(revision)
}

/// Deletes the card at `name`, recording its name for the next sync.
pub(crate) async fn dav_delete(
    pool: &Pool,
    user: UserId,
    name: &str,
    pre: &Precondition,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(), DavRefusal>> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let found = find_in(&mut tx, user, name).await?;
    let Some((id, _)) = found else {
        return Ok(Err(DavRefusal::NotFound));
    };
    if let Err(refusal) = check(found, pre) {
        return Ok(Err(refusal));
    }
    delete_contact_in(&mut tx, user, id, now).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Deletes a contact inside the caller's transaction, with a `delete` in the
/// change log that remembers its resource name. Its card, lists, follow-ups
/// and goal links go with it, and so do conversations nobody else was in.
pub(crate) async fn delete_contact_in(
    tx: &mut Conn,
    user: UserId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let talks: Vec<i64> = sqlx::query_scalar(
        "SELECT conversation_id FROM conversation_participants WHERE user_id = $1 AND contact_id = $2",
    )
    .bind(user.0)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let (uid, revision, dav_name): (String, i64, Option<String>) = sqlx::query_as(
        "DELETE FROM contacts WHERE user_id = $1 AND id = $2 RETURNING uid, revision, dav_name",
    )
    .bind(user.0)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::not_found("contact", id))?;
    sqlx::query(
        "INSERT INTO contact_changes (user_id, contact_id, uid, op, revision, at, dav_name) \
         VALUES ($1, $2, $3, 'delete', $4, $5, $6)",
    )
    .bind(user.0)
    .bind(id)
    .bind(&uid)
    .bind(revision + 1)
    .bind(from_time(now))
    .bind(dav_name)
    .execute(&mut *tx)
    .await?;
    for chunk in talks.chunks(CHUNK * 10) {
        let mut qb = QueryBuilder::<Db>::new("DELETE FROM conversations WHERE user_id = ");
        qb.push_bind(user.0).push(" AND id IN (");
        let mut list = qb.separated(", ");
        for talk in chunk {
            list.push_bind(*talk);
        }
        qb.push(
            ") AND NOT EXISTS (SELECT 1 FROM conversation_participants p \
             WHERE p.conversation_id = conversations.id)",
        );
        qb.build().execute(&mut *tx).await?;
    }
    Ok(())
}

/// A change and the contact now: id, the name it had (uid, dav_name), and
/// its uid, dav_name and revision today (`NULL` when it is gone).
type ChangeRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// Deletes a contact for good (see [`delete_contact_in`]).
pub(crate) async fn delete_contact(
    pool: &Pool,
    user: UserId,
    id: ContactId,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    delete_contact_in(&mut tx, user, id.0, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The log's latest position for the user (0 before any change).
pub(crate) async fn dav_position(pool: &Pool, user: UserId) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(max(seq), 0) FROM contact_changes WHERE user_id = $1")
            .bind(user.0)
            .fetch_one(pool)
            .await?,
    )
}

/// What changed after position `since`: each address once, as it is now (or
/// gone), and the new position. `None` when `since` is not a position the
/// log has reached.
pub(crate) async fn dav_changes(
    pool: &Pool,
    user: UserId,
    since: i64,
) -> Result<Option<(Vec<DavChange>, i64)>> {
    let mut conn = pool.acquire().await?;
    let latest: i64 =
        sqlx::query_scalar("SELECT COALESCE(max(seq), 0) FROM contact_changes WHERE user_id = $1")
            .bind(user.0)
            .fetch_one(&mut *conn)
            .await?;
    if since < 0 || since > latest {
        return Ok(None);
    }
    // Every entry after `since` with the contact as it is now (one index
    // range, one primary-key lookup each); each contact's last entry wins.
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT ch.contact_id, ch.uid, ch.dav_name, c.uid, c.dav_name, c.revision \
         FROM contact_changes ch LEFT JOIN contacts c ON c.id = ch.contact_id \
         WHERE ch.user_id = $1 AND ch.seq > $2 ORDER BY ch.seq",
    )
    .bind(user.0)
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    let last: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, row)| (row.0, i)).collect();
    let changes: Vec<DavChange> = rows
        .into_iter()
        .enumerate()
        .filter(|(i, row)| last[&row.0] == *i)
        .map(
            |(_, (id, old_uid, old_name, uid, dav_name, revision))| match (uid, revision) {
                (Some(uid), Some(revision)) => DavChange {
                    contact: ContactId(id),
                    name: name_of(&uid, dav_name),
                    etag: Some(etag(id, revision)),
                },
                _ => DavChange {
                    contact: ContactId(id),
                    name: name_of(&old_uid, old_name),
                    etag: None,
                },
            },
        )
        .collect();
    Ok(Some((once_per_name(changes), latest)))
}

/// Each resource name once, as it is now: two contacts can have had one
/// name (a card deleted and another put at its address), and a client
/// must not see the address twice, nor a deletion of a card that is there.
/// A card that is there wins; otherwise the latest entry does.
fn once_per_name(changes: Vec<DavChange>) -> Vec<DavChange> {
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Option<DavChange>> = Vec::with_capacity(changes.len());
    for change in changes {
        if let Some(&i) = at.get(&change.name) {
            let earlier_lives = out[i].as_ref().is_some_and(|c| c.etag.is_some());
            if earlier_lives && change.etag.is_none() {
                continue;
            }
            out[i] = None;
        }
        at.insert(change.name.clone(), out.len());
        out.push(Some(change));
    }
    out.into_iter().flatten().collect()
}

/// Many contacts with their stored vCards at once, a handful of queries per
/// 500 (a sync or multiget of a whole book would otherwise cost several
/// queries per card). Unknown ids are left out.
pub(crate) async fn contacts_with_cards(
    pool: &Pool,
    user: UserId,
    ids: &[ContactId],
) -> Result<Vec<(Contact, Option<String>)>> {
    let mut conn = pool.acquire().await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK * 5) {
        let mut qb = QueryBuilder::<Db>::new(concat!(contact_select!(), "WHERE +c.user_id = "));
        qb.push_bind(user.0);
        in_list(&mut qb, "c.id", chunk);
        let rows: Vec<ContactRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
        let mut parts = parts_of(&mut conn, user, chunk).await?;

        let mut qb =
            QueryBuilder::<Db>::new("SELECT contact_id, card FROM contact_cards WHERE +user_id = ");
        qb.push_bind(user.0);
        in_list(&mut qb, "contact_id", chunk);
        let cards: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;

        let mut cards: HashMap<i64, String> = cards.into_iter().collect();
        let mut rows: HashMap<i64, ContactRow> = rows.into_iter().map(|r| (r.id, r)).collect();
        for id in chunk {
            let Some(row) = rows.remove(&id.0) else {
                continue;
            };
            let mut p = parts.remove(&id.0).unwrap_or_default();
            p.tags.sort_unstable();
            out.push((row.into_contact(p), cards.remove(&id.0)));
        }
    }
    Ok(out)
}

/// Adds `AND <column> IN (ids)`.
fn in_list(qb: &mut QueryBuilder<Db>, column: &str, ids: &[ContactId]) {
    qb.push(format_args!(" AND {column} IN ("));
    let mut sep = qb.separated(", ");
    for id in ids {
        sep.push_bind(id.0);
    }
    qb.push(")");
}

/// The e-mails, phones, links (in position order) and tags of `ids`.
async fn parts_of(
    conn: &mut Conn,
    user: UserId,
    ids: &[ContactId],
) -> Result<HashMap<i64, ContactParts>> {
    let mut qb =
        QueryBuilder::<Db>::new("SELECT contact_id, address FROM contact_emails WHERE +user_id = ");
    qb.push_bind(user.0);
    in_list(&mut qb, "contact_id", ids);
    qb.push(" ORDER BY contact_id, position");
    let emails: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;

    let mut qb =
        QueryBuilder::<Db>::new("SELECT contact_id, number FROM contact_phones WHERE +user_id = ");
    qb.push_bind(user.0);
    in_list(&mut qb, "contact_id", ids);
    qb.push(" ORDER BY contact_id, position");
    let phones: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;

    let mut qb = QueryBuilder::<Db>::new(
        "SELECT contact_id, url, kind FROM contact_links WHERE +user_id = ",
    );
    qb.push_bind(user.0);
    in_list(&mut qb, "contact_id", ids);
    qb.push(" ORDER BY contact_id, position");
    let links: Vec<(i64, String, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;

    let mut qb = QueryBuilder::<Db>::new(
        "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id \
         WHERE +ct.user_id = ",
    );
    qb.push_bind(user.0);
    in_list(&mut qb, "ct.contact_id", ids);
    let tags: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;

    let mut parts: HashMap<i64, ContactParts> = HashMap::new();
    for (id, email) in emails {
        parts.entry(id).or_default().emails.push(email);
    }
    for (id, phone) in phones {
        parts.entry(id).or_default().phones.push(phone);
    }
    for (id, url, kind) in links {
        parts
            .entry(id)
            .or_default()
            .links
            .push(kith_core::contact::StoredLink { url, kind });
    }
    for (id, tag) in tags {
        parts.entry(id).or_default().tags.push(tag);
    }
    Ok(parts)
}
