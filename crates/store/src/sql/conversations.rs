//! Conversations and follow-ups.

use super::*;

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

/// Conversations by id, in the order of `ids`.
pub(crate) async fn conversations_by_id(
    conn: &mut Conn,
    user: UserId,
    ids: &[i64],
) -> Result<Vec<Conversation>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT id, uid, occurred_at, channel, minutes, summary FROM conversations WHERE +user_id = ",
    );
    qb.push_bind(user.0).push(" AND id IN (");
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
