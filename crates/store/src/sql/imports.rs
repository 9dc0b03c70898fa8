//! Imports: matching records to contacts, writing them, and what lossless
//! export and duplicate detection read back.
//!
//! A record whose source key was imported before with the same fingerprint
//! is unchanged and costs no write. Others are matched against the contact
//! book and the records before them in the same file, and merged only on an
//! identity (UID, LinkedIn profile, name plus e-mail:
//! `kith_core::rules::duplicates`); a record that only resembles a contact
//! (a shared phone or e-mail under another name) is created, with the
//! resemblance reported as a duplicate to look at.
//! New contacts are written in batches, one transaction each; if a batch
//! fails, its records are retried one by one, so a bad record is rejected
//! alone. A record for an existing contact is one transaction.

use kith_core::rules::duplicates::{
    MatchIndex, MatchKeys, MatchReason, absorb, fill_patch, linkedin_key, name_key, name_org_key,
    phone_key,
};

use super::*;
use crate::{ContactEvent, ImportOutcome, ImportRecord, ImportRun, Resemblance};

/// New contacts per transaction.
const BATCH: usize = 500;

mod plan;
use plan::{Plan, plan};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Existing(i64),
    /// The n-th contact this import creates.
    Pending(usize),
}

struct Create {
    record: usize,
    draft: ContactDraft,
    /// Later records of the same file folded into this one.
    absorbed: Vec<usize>,
    /// The contact it looks like, and why.
    resembles: Option<(Target, String)>,
}

/// Every contact's match keys, in four queries.
pub(crate) async fn match_keys(conn: &mut Conn, user: UserId) -> Result<Vec<(i64, MatchKeys)>> {
    let contacts: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT c.id, c.uid, c.full_name, o.name FROM contacts c \
         LEFT JOIN organisations o ON o.id = c.organisation_id WHERE c.user_id = $1 ORDER BY c.id",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut keys: HashMap<i64, MatchKeys> = HashMap::with_capacity(contacts.len());
    let mut order = Vec::with_capacity(contacts.len());
    for (id, uid, name, org) in contacts {
        order.push(id);
        keys.insert(
            id,
            MatchKeys {
                uid: Some(uid),
                name_org: name_org_key(&name, org.as_deref()),
                name: name_key(&name),
                ..MatchKeys::default()
            },
        );
    }
    let emails: Vec<(i64, String)> = sqlx::query_as(
        "SELECT contact_id, address_key FROM contact_emails WHERE user_id = $1 ORDER BY contact_id, position",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    for (id, key) in emails {
        if let Some(k) = keys.get_mut(&id) {
            k.emails.push(key);
        }
    }
    let phones: Vec<(i64, String)> = sqlx::query_as(
        "SELECT contact_id, number FROM contact_phones WHERE user_id = $1 ORDER BY contact_id, position",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    for (id, number) in phones {
        if let (Some(k), Some(key)) = (keys.get_mut(&id), phone_key(&number)) {
            k.phones.push(key);
        }
    }
    let links: Vec<(i64, String)> = sqlx::query_as(
        "SELECT contact_id, url FROM contact_links WHERE user_id = $1 AND kind = 'linkedin' \
         ORDER BY contact_id, position",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    for (id, url) in links {
        if let Some(k) = keys.get_mut(&id) {
            k.linkedin.push(linkedin_key(&url));
        }
    }
    Ok(order
        .into_iter()
        .map(|id| {
            let k = keys.remove(&id).unwrap_or_default();
            (id, k)
        })
        .collect())
}

pub(crate) async fn all_match_keys(pool: &Pool, user: UserId) -> Result<Vec<(i64, MatchKeys)>> {
    let mut conn = pool.acquire().await?;
    match_keys(&mut conn, user).await
}

pub(crate) async fn import_contacts(
    pool: &Pool,
    user: UserId,
    records: &[ImportRecord],
    run: &ImportRun<'_>,
) -> Result<Vec<ImportOutcome>> {
    let (known, index) = import_state(pool, user, run.source).await?;
    let Plan {
        mut outcomes,
        creates,
        updates,
    } = plan(records, &known, index);
    let done = create_all(pool, user, records, run, &creates, &mut outcomes).await;
    update_all(pool, user, records, run, updates, &mut outcomes, done).await;
    (run.progress)(records.len());
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or(ImportOutcome::Failed("not imported".into())))
        .collect())
}

/// The source's records imported before (key: contact and fingerprint), and
/// the match keys of every contact the user has.
async fn import_state(
    pool: &Pool,
    user: UserId,
    source: &str,
) -> Result<(HashMap<String, (i64, String)>, MatchIndex<Target>)> {
    let mut conn = pool.acquire().await?;
    let known: HashMap<String, (i64, String)> = sqlx::query_as::<_, (String, i64, String)>(
        "SELECT source_key, contact_id, fingerprint FROM import_sources \
         WHERE user_id = $1 AND source = $2",
    )
    .bind(user.0)
    .bind(source)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(key, id, fp)| (key, (id, fp)))
    .collect();
    let mut index = MatchIndex::default();
    for (id, keys) in match_keys(&mut conn, user).await? {
        index.insert(Target::Existing(id), &keys);
    }
    Ok((known, index))
}

/// New contacts, in batches (a failed batch one by one); returns how many
/// records that settled.
async fn create_all(
    pool: &Pool,
    user: UserId,
    records: &[ImportRecord],
    run: &ImportRun<'_>,
    creates: &[Create],
    outcomes: &mut [Option<ImportOutcome>],
) -> usize {
    let &ImportRun {
        source,
        dry_run,
        progress,
        now,
        ..
    } = run;
    let mut done = 0;
    for batch in creates.chunks(BATCH) {
        if dry_run {
            for c in batch {
                outcomes[c.record] = Some(ImportOutcome::Created {
                    id: None,
                    resembles: resemblance(creates, outcomes, c),
                });
            }
        } else {
            match create_batch(pool, user, source, records, batch, now).await {
                Ok(ids) => {
                    for (c, id) in batch.iter().zip(ids) {
                        settle_create(outcomes, creates, c, Ok(id));
                    }
                }
                Err(_) => {
                    for c in batch {
                        let one =
                            create_batch(pool, user, source, records, std::slice::from_ref(c), now)
                                .await
                                .map(|ids| ids[0]);
                        settle_create(outcomes, creates, c, one.map_err(|e| e.to_string()));
                    }
                }
            }
        }
        done += batch.len() + batch.iter().map(|c| c.absorbed.len()).sum::<usize>();
        progress(done);
    }
    done
}

/// Records about contacts that exist, one transaction each.
async fn update_all(
    pool: &Pool,
    user: UserId,
    records: &[ImportRecord],
    run: &ImportRun<'_>,
    updates: Vec<(usize, i64, Option<String>)>,
    outcomes: &mut [Option<ImportOutcome>],
    mut done: usize,
) {
    let &ImportRun {
        dry_run, progress, ..
    } = run;
    for (i, id, reason) in updates {
        let record = &records[i];
        let outcome = if dry_run {
            preview_update(pool, user, record, id, reason).await
        } else {
            update_one(pool, user, run, record, id, reason).await
        };
        outcomes[i] = Some(outcome.unwrap_or_else(|e| ImportOutcome::Failed(e.to_string())));
        done += 1;
        if done.is_multiple_of(100) {
            progress(done);
        }
    }
}

/// The contact a new one looks like: an existing one, or one an earlier
/// record of this import creates (settled before it, as creates go in order).
fn resemblance(
    creates: &[Create],
    outcomes: &[Option<ImportOutcome>],
    create: &Create,
) -> Option<Resemblance> {
    let (target, reason) = create.resembles.as_ref()?;
    let (contact, record) = match *target {
        Target::Existing(id) => (Some(ContactId(id)), None),
        Target::Pending(n) => {
            let record = creates[n].record;
            let contact = match &outcomes[record] {
                Some(ImportOutcome::Created { id, .. }) => *id,
                _ => None,
            };
            (contact, Some(record))
        }
    };
    Some(Resemblance {
        contact,
        record,
        reason: reason.clone(),
    })
}

fn settle_create(
    outcomes: &mut [Option<ImportOutcome>],
    creates: &[Create],
    create: &Create,
    result: std::result::Result<ContactId, String>,
) {
    match result {
        Ok(id) => {
            outcomes[create.record] = Some(ImportOutcome::Created {
                id: Some(id),
                resembles: resemblance(creates, outcomes, create),
            });
            for &i in &create.absorbed {
                if let Some(ImportOutcome::Merged { into, .. }) = &mut outcomes[i] {
                    *into = Some(id);
                }
            }
        }
        Err(e) => {
            for &i in std::iter::once(&create.record).chain(&create.absorbed) {
                outcomes[i] = Some(ImportOutcome::Failed(e.clone()));
            }
        }
    }
}

async fn create_batch(
    pool: &Pool,
    user: UserId,
    source: &str,
    records: &[ImportRecord],
    batch: &[Create],
    now: DateTime<Utc>,
) -> Result<Vec<ContactId>> {
    let contact_records: Vec<ContactRecord> = batch
        .iter()
        .map(|c| ContactRecord {
            draft: c.draft.clone(),
            created_at: now,
        })
        .collect();
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let ids = insert_contacts(&mut tx, user, &contact_records, now).await?;
    let mut cards = Vec::new();
    let mut sources = Vec::new();
    let mut events = Vec::new();
    for (c, id) in batch.iter().zip(&ids) {
        if let Some(card) = &records[c.record].card {
            cards.push((id.0, card.as_str()));
        }
        for &i in std::iter::once(&c.record).chain(&c.absorbed) {
            let r = &records[i];
            sources.push((id.0, r.key.as_str(), r.fingerprint.as_str()));
            events.extend(r.events.iter().map(|e| (id.0, e)));
        }
    }
    insert_cards(&mut tx, user, &cards).await?;
    upsert_sources(&mut tx, user, source, &sources, now).await?;
    insert_events(&mut tx, user, &events).await?;
    tx.commit().await?;
    Ok(ids)
}

async fn insert_cards(conn: &mut Conn, user: UserId, cards: &[(i64, &str)]) -> Result<()> {
    for chunk in cards.chunks(CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO contact_cards (contact_id, user_id, card) ");
        qb.push_values(chunk, |mut row, (id, card)| {
            row.push_bind(*id).push_bind(user.0).push_bind(*card);
        });
        qb.push(" ON CONFLICT (contact_id) DO UPDATE SET card = excluded.card");
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn upsert_sources(
    conn: &mut Conn,
    user: UserId,
    source: &str,
    rows: &[(i64, &str, &str)],
    now: DateTime<Utc>,
) -> Result<()> {
    let now = from_time(now);
    // One row per key: a key repeated in a file keeps its last fingerprint.
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, (_, key, _)) in rows.iter().enumerate() {
        last.insert(key, i);
    }
    let rows: Vec<_> = rows
        .iter()
        .enumerate()
        .filter(|(i, (_, key, _))| last[key] == *i)
        .map(|(_, r)| r)
        .collect();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO import_sources (user_id, source, source_key, contact_id, fingerprint, imported_at) ",
        );
        qb.push_values(chunk, |mut row, (id, key, fp)| {
            row.push_bind(user.0)
                .push_bind(source)
                .push_bind(*key)
                .push_bind(*id)
                .push_bind(*fp)
                .push_bind(now);
        });
        qb.push(
            " ON CONFLICT (user_id, source, source_key) DO UPDATE SET contact_id = excluded.contact_id, \
             fingerprint = excluded.fingerprint, imported_at = excluded.imported_at",
        );
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Adds timeline entries the contacts do not have yet; returns how many.
async fn insert_events(
    conn: &mut Conn,
    user: UserId,
    events: &[(i64, &ContactEvent)],
) -> Result<u64> {
    let mut added = 0;
    for chunk in events.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_events (user_id, contact_id, occurred_on, kind) ",
        );
        qb.push_values(chunk, |mut row, (id, event)| {
            row.push_bind(user.0)
                .push_bind(*id)
                .push_bind(event.on.to_string())
                .push_bind(event.kind.as_str());
        });
        qb.push(" ON CONFLICT (contact_id, kind, occurred_on) DO NOTHING");
        added += qb.build().execute(&mut *conn).await?.rows_affected();
    }
    Ok(added)
}

fn outcome(id: i64, reason: Option<String>, changed: bool) -> ImportOutcome {
    match (changed, reason) {
        (false, _) => ImportOutcome::Unchanged(ContactId(id)),
        (true, None) => ImportOutcome::Updated(ContactId(id)),
        (true, Some(reason)) => ImportOutcome::Merged {
            into: Some(ContactId(id)),
            with_record: None,
            reason,
        },
    }
}

async fn new_events(conn: &mut Conn, id: i64, events: &[ContactEvent]) -> Result<usize> {
    let mut new = 0;
    for e in events {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM contact_events WHERE contact_id = $1 AND kind = $2 AND occurred_on = $3",
        )
        .bind(id)
        .bind(e.kind.as_str())
        .bind(e.on.to_string())
        .fetch_optional(&mut *conn)
        .await?;
        new += usize::from(found.is_none());
    }
    Ok(new)
}

async fn preview_update(
    pool: &Pool,
    user: UserId,
    record: &ImportRecord,
    id: i64,
    reason: Option<String>,
) -> Result<ImportOutcome> {
    let mut conn = pool.acquire().await?;
    let existing = contact_in(&mut conn, user, ContactId(id)).await?;
    let patch = fill_patch(&existing, &record.draft);
    let stored = stored_card(&mut conn, user, id).await?;
    let card_changes =
        record.card.is_some() && (stored.is_none() || reason.is_none()) && stored != record.card;
    let changed =
        !patch.is_empty() || card_changes || new_events(&mut conn, id, &record.events).await? > 0;
    Ok(outcome(id, reason, changed))
}

async fn update_one(
    pool: &Pool,
    user: UserId,
    run: &ImportRun<'_>,
    record: &ImportRecord,
    id: i64,
    reason: Option<String>,
) -> Result<ImportOutcome> {
    let &ImportRun {
        source,
        merge_card,
        now,
        ..
    } = run;
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let existing = contact_in(&mut tx, user, ContactId(id)).await?;
    let patch = fill_patch(&existing, &record.draft);
    let mut changed =
        !patch.is_empty() && update_contact_in(&mut tx, user, ContactId(id), &patch, now).await?;
    // The card of the same record replaces the stored one; a card matched
    // to another contact is kept if that contact has none, or else gives
    // the stored card what only it has (`merge_card`).
    let stored = stored_card(&mut tx, user, id).await?;
    let card = match (&record.card, &stored) {
        (Some(card), Some(stored)) if reason.is_some() => merge_card(stored, card),
        (card, _) => card.clone(),
    };
    if let Some(card) = &card
        && stored.as_ref() != Some(card)
    {
        sqlx::query("DELETE FROM contact_cards WHERE user_id = $1 AND contact_id = $2")
            .bind(user.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_cards(&mut tx, user, &[(id, card.as_str())]).await?;
        if !changed {
            let (uid, revision): (String, i64) = sqlx::query_as(
                "UPDATE contacts SET revision = revision + 1, updated_at = $3 \
                 WHERE user_id = $1 AND id = $2 RETURNING uid, revision",
            )
            .bind(user.0)
            .bind(id)
            .bind(from_time(now))
            .fetch_one(&mut *tx)
            .await?;
            record_changes(&mut tx, user, &[(id, &uid, revision)], false, now).await?;
        }
        changed = true;
    }
    let events: Vec<(i64, &ContactEvent)> = record.events.iter().map(|e| (id, e)).collect();
    changed |= insert_events(&mut tx, user, &events).await? > 0;
    upsert_sources(
        &mut tx,
        user,
        source,
        &[(id, record.key.as_str(), record.fingerprint.as_str())],
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(outcome(id, reason, changed))
}

async fn stored_card(conn: &mut Conn, user: UserId, id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT card FROM contact_cards WHERE user_id = $1 AND contact_id = $2")
            .bind(user.0)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

/// A contact with its stored vCard, if it came from one.
pub(crate) async fn contact_with_card(
    pool: &Pool,
    user: UserId,
    id: ContactId,
) -> Result<(Contact, Option<String>)> {
    let mut conn = pool.acquire().await?;
    let contact = contact_in(&mut conn, user, id).await?;
    let card = stored_card(&mut conn, user, id.0).await?;
    Ok((contact, card))
}

/// Every contact id of the user, in name order (archived ones too).
pub(crate) async fn contact_ids(pool: &Pool, user: UserId) -> Result<Vec<ContactId>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM contacts WHERE user_id = $1 ORDER BY sort_key, id")
            .bind(user.0)
            .fetch_all(pool)
            .await?;
    Ok(ids.into_iter().map(ContactId).collect())
}

/// A contact's dated timeline entries, oldest first.
pub(crate) async fn contact_events(
    pool: &Pool,
    user: UserId,
    id: ContactId,
) -> Result<Vec<ContactEvent>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT occurred_on, kind FROM contact_events WHERE user_id = $1 AND contact_id = $2 \
         ORDER BY occurred_on, kind",
    )
    .bind(user.0)
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(on, kind)| {
            Ok(ContactEvent {
                // Written by Kith as a date; anything else is a damaged row.
                on: on
                    .parse()
                    .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?,
                kind,
            })
        })
        .collect()
}
