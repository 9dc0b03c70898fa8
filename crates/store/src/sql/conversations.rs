//! Conversations, and what logging one does to the activity summary and open loops.

use kith_core::conversation::{Learning, LearningKind};
use kith_core::follow_up::{FollowUpKind, FollowUpStatus, NewFollowUp, Owner};
use kith_core::rules::loops;

use super::*;
use crate::rows::conversation_columns;
use crate::{ConversationExtras, LoggedConversation};

// Conversations

pub(crate) async fn log_conversations(
    pool: &Pool,
    user: UserId,
    conversations: &[NewConversation],
    now: DateTime<Utc>,
) -> Result<Vec<ConversationId>> {
    let mut tx = begin_write(pool).await?;
    let ids = insert_conversations(&mut tx, user, conversations, now).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Logs one conversation with the follow-ups and introductions that came
/// out of it, all in one transaction. Each introduced name becomes a contact
/// (or is matched to the one with exactly that name) introduced by the first
/// participant, with a follow-up to reach out to them.
pub(crate) async fn log_conversation_with(
    pool: &Pool,
    user: UserId,
    conversation: &NewConversation,
    extras: &ConversationExtras,
    now: DateTime<Utc>,
) -> Result<LoggedConversation> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let id = insert_conversations(&mut tx, user, std::slice::from_ref(conversation), now).await?[0];
    let record = |follow_up: NewFollowUp| FollowUpRecord {
        follow_up,
        status: FollowUpStatus::Open,
        created_at: now,
        closed_at: None,
    };
    let mut records: Vec<FollowUpRecord> = extras
        .follow_ups
        .iter()
        .map(|f| {
            record(NewFollowUp {
                conversation: Some(id),
                ..f.clone()
            })
        })
        .collect();
    let mut introduced = Vec::new();
    if let Some(introducer) = conversation.participants.first() {
        let introducer_name = contact_row(&mut tx, user, *introducer).await?.full_name;
        for name in &extras.introductions {
            let existing: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM contacts WHERE user_id = $1 AND sort_key = $2 ORDER BY id LIMIT 1",
            )
            .bind(user.0)
            .bind(sort_key(name.as_str()))
            .fetch_optional(&mut *tx)
            .await?;
            let contact = match existing {
                Some(existing) => ContactId(existing),
                None => {
                    let draft = ContactDraft {
                        name: Some(name.clone()),
                        introduced_by: Some(*introducer),
                        ..ContactDraft::default()
                    };
                    let stub = ContactRecord {
                        draft,
                        created_at: now,
                    };
                    insert_contacts(&mut tx, user, &[stub], now).await?[0]
                }
            };
            records.push(record(loops::introduction(
                contact,
                name.as_str(),
                &introducer_name,
                Some(id),
            )));
            introduced.push(ContactRef {
                id: contact,
                name: name.as_str().to_owned(),
            });
        }
    }
    let follow_ups = insert_follow_ups(&mut tx, user, &records).await?;
    if let Some(goal) = extras.goal {
        link_goal_in(&mut tx, user, goal, &[], &[id]).await?;
    }
    tx.commit().await?;
    Ok(LoggedConversation {
        id,
        follow_ups,
        introduced,
    })
}

/// Inserts conversations, their participants, the activity summary and the
/// loops they close, inside the caller's transaction.
// Long on purpose: each chunk's three multi-row INSERTs share the ids the first returns.
pub(crate) async fn insert_conversations(
    tx: &mut Conn,
    user: UserId,
    conversations: &[NewConversation],
    now: DateTime<Utc>,
) -> Result<Vec<ConversationId>> {
    check_contacts(
        tx,
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
            "INSERT INTO conversations (user_id, uid, occurred_at, channel, minutes, summary, kind, \
             created_at, updated_at) ",
        );
        qb.push_values(chunk.iter().zip(&uids), |mut row, (c, uid)| {
            row.push_bind(user.0)
                .push_bind(uid.as_str())
                .push_bind(from_time(c.occurred_at))
                .push_bind(c.channel.as_str())
                .push_bind(c.minutes.map(|m| i64::from(m.get())))
                .push_bind(c.summary.as_str())
                .push_bind(c.kind.as_str())
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
        let learned: Vec<(i64, &Learning)> = chunk_ids
            .iter()
            .zip(chunk)
            .flat_map(|(id, c)| c.learned.iter().map(move |l| (*id, l)))
            .collect();
        for part in learned.chunks(CHUNK) {
            let mut qb = QueryBuilder::<Db>::new(
                "INSERT INTO conversation_learnings (user_id, conversation_id, kind, text) ",
            );
            qb.push_values(part, |mut row, (id, l)| {
                row.push_bind(user.0)
                    .push_bind(*id)
                    .push_bind(l.kind.as_str())
                    .push_bind(l.text.as_str());
            });
            qb.build().execute(&mut *tx).await?;
        }
        ids.extend(chunk_ids.into_iter().map(ConversationId));
    }
    add_activity(tx, user, conversations).await?;
    add_ties(tx, user, conversations).await?;
    close_loops(tx, user, conversations, now).await?;
    Ok(ids)
}

/// What one batch adds to a contact's activity summary.
#[derive(Default)]
struct ActivityDelta {
    conversations: i64,
    meaningful: i64,
    first_at: Option<i64>,
    last_at: Option<i64>,
    last_meaningful_at: Option<i64>,
}

/// Folds new conversations into `contact_activity`, one upsert row per contact.
pub(crate) async fn add_activity(
    conn: &mut Conn,
    user: UserId,
    conversations: &[NewConversation],
) -> Result<()> {
    let mut deltas: HashMap<i64, ActivityDelta> = HashMap::new();
    for c in conversations {
        let at = from_time(c.occurred_at);
        let meaningful = c.channel.is_meaningful();
        for person in &c.participants {
            let d = deltas.entry(person.0).or_default();
            d.conversations += 1;
            d.first_at = Some(d.first_at.map_or(at, |f| f.min(at)));
            d.last_at = Some(d.last_at.map_or(at, |l| l.max(at)));
            if meaningful {
                d.meaningful += 1;
                d.last_meaningful_at = Some(d.last_meaningful_at.map_or(at, |l| l.max(at)));
            }
        }
    }
    let mut deltas: Vec<(i64, ActivityDelta)> = deltas.into_iter().collect();
    deltas.sort_unstable_by_key(|(id, _)| *id);
    for chunk in deltas.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_activity (contact_id, user_id, conversations, meaningful, \
             first_at, last_at, last_meaningful_at) ",
        );
        qb.push_values(chunk, |mut row, (contact, d)| {
            row.push_bind(*contact)
                .push_bind(user.0)
                .push_bind(d.conversations)
                .push_bind(d.meaningful)
                .push_bind(d.first_at)
                .push_bind(d.last_at)
                .push_bind(d.last_meaningful_at);
        });
        qb.push(
            " ON CONFLICT (contact_id) DO UPDATE SET \
             conversations = contact_activity.conversations + excluded.conversations, \
             meaningful = contact_activity.meaningful + excluded.meaningful, \
             first_at = CASE WHEN contact_activity.first_at IS NULL \
                 OR excluded.first_at < contact_activity.first_at \
                 THEN excluded.first_at ELSE contact_activity.first_at END, \
             last_at = CASE WHEN contact_activity.last_at IS NULL \
                 OR excluded.last_at > contact_activity.last_at \
                 THEN excluded.last_at ELSE contact_activity.last_at END, \
             last_meaningful_at = CASE WHEN contact_activity.last_meaningful_at IS NULL \
                 OR excluded.last_meaningful_at > contact_activity.last_meaningful_at \
                 THEN excluded.last_meaningful_at ELSE contact_activity.last_meaningful_at END",
        );
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Counts every pair of people who were in a conversation together.
pub(crate) async fn add_ties(
    conn: &mut Conn,
    user: UserId,
    conversations: &[NewConversation],
) -> Result<()> {
    let mut ties: HashMap<(i64, i64), (i64, i64)> = HashMap::new();
    for c in conversations.iter().filter(|c| c.participants.len() > 1) {
        let at = from_time(c.occurred_at);
        for (i, a) in c.participants.iter().enumerate() {
            for b in &c.participants[i + 1..] {
                let pair = (a.0.min(b.0), a.0.max(b.0));
                let tie = ties.entry(pair).or_insert((0, at));
                tie.0 += 1;
                tie.1 = tie.1.max(at);
            }
        }
    }
    let mut ties: Vec<((i64, i64), (i64, i64))> = ties.into_iter().collect();
    ties.sort_unstable();
    for chunk in ties.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_ties (user_id, contact_a, contact_b, conversations, last_at) ",
        );
        qb.push_values(chunk, |mut row, ((a, b), (count, at))| {
            row.push_bind(user.0)
                .push_bind(*a)
                .push_bind(*b)
                .push_bind(*count)
                .push_bind(*at);
        });
        qb.push(
            " ON CONFLICT (contact_a, contact_b) DO UPDATE SET \
             conversations = contact_ties.conversations + excluded.conversations, \
             last_at = CASE WHEN excluded.last_at > contact_ties.last_at \
                 THEN excluded.last_at ELSE contact_ties.last_at END",
        );
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Closes the loop-backs and introductions that these conversations fulfil
/// (the rule is `loops::closed_by_conversation`).
async fn close_loops(
    conn: &mut Conn,
    user: UserId,
    conversations: &[NewConversation],
    now: i64,
) -> Result<()> {
    // Only these kinds can be closed by a conversation; the rule decides which.
    let open: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT id, contact_id, kind, owner, created_at FROM follow_ups \
         WHERE user_id = $1 AND status = 'open' AND kind IN ('loop-back', 'introduction')",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    if open.is_empty() {
        return Ok(());
    }
    let mut latest: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for c in conversations {
        for person in &c.participants {
            let at = latest.entry(person.0).or_insert(c.occurred_at);
            *at = (*at).max(c.occurred_at);
        }
    }
    let closed: Vec<i64> = open
        .into_iter()
        .filter(|(_, contact, kind, owner, created_at)| {
            let (Ok(kind), Ok(owner)) = (FollowUpKind::parse(kind), Owner::parse(owner)) else {
                return false;
            };
            latest.get(contact).is_some_and(|at| {
                loops::closed_by_conversation(kind, owner, to_time(*created_at), *at)
            })
        })
        .map(|(id, ..)| id)
        .collect();
    for chunk in closed.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new("UPDATE follow_ups SET status = 'done', closed_at = ");
        qb.push_bind(now).push(" WHERE id IN (");
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Conversations with their participants, in the order of `rows`.
pub(crate) async fn with_participants(
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
        // Sorted here: an ORDER BY on the name lets SQLite walk every contact
        // in name order and probe each one, instead of sorting a few rows.
        qb.push(")");
        let mut found: Vec<(i64, i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
        found.sort_by_cached_key(|(_, _, name)| sort_key(name));
        for (conversation, id, name) in found {
            people.entry(conversation).or_default().push(ContactRef {
                id: ContactId(id),
                name,
            });
        }
    }
    let mut learned = learnings(conn, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let p = people.remove(&r.id).unwrap_or_default();
            let l = learned.remove(&r.id).unwrap_or_default();
            r.into_conversation(p, l)
        })
        .collect()
}

/// What was learned in each of these conversations, in the order it was logged.
async fn learnings(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, Vec<Learning>>> {
    let mut learned: HashMap<i64, Vec<Learning>> = HashMap::new();
    for chunk in ids.chunks(CHUNK * 10) {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT conversation_id, kind, text, id FROM conversation_learnings \
             WHERE conversation_id IN (",
        );
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        let mut found: Vec<(i64, String, String, i64)> =
            qb.build_query_as().fetch_all(&mut *conn).await?;
        found.sort_unstable_by_key(|r| r.3);
        for (conversation, kind, text, _) in found {
            let kind = LearningKind::parse(&kind).unwrap_or(LearningKind::Note);
            learned
                .entry(conversation)
                .or_default()
                .push(Learning { kind, text });
        }
    }
    Ok(learned)
}

pub(crate) async fn conversation(
    pool: &Pool,
    user: UserId,
    id: ConversationId,
) -> Result<Conversation> {
    let mut conn = pool.acquire().await?;
    let row: ConversationRow = sqlx::query_as(concat!(
        "SELECT ",
        conversation_columns!(),
        " FROM conversations cv WHERE cv.user_id = $1 AND cv.id = $2"
    ))
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
    let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        conversation_columns!(),
        " FROM conversation_participants p JOIN conversations cv ON cv.id = p.conversation_id \
         WHERE p.user_id = $1 AND p.contact_id = $2 \
         ORDER BY p.occurred_at DESC, cv.id DESC LIMIT $3"
    ))
    .bind(user.0)
    .bind(contact.0)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    with_participants(&mut conn, rows).await
}

/// Conversations by id, in the order of `ids`.
pub(crate) async fn conversations_by_id(
    conn: &mut Conn,
    user: UserId,
    ids: &[i64],
) -> Result<Vec<Conversation>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(concat!(
        "SELECT ",
        conversation_columns!(),
        " FROM conversations cv WHERE +cv.user_id = "
    ));
    qb.push_bind(user.0).push(" AND cv.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    // Ordered here, not by SQL: an ORDER BY on occurred_at tempts SQLite to
    // walk the whole time index instead of looking up the few ids.
    qb.push(")");
    let mut rows: Vec<ConversationRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    with_participants(conn, rows).await
}
