//! An account document written into an empty account, section by section
//! in one transaction (`crate::export` has the types and their checks).

use kith_core::conversation::{Channel, ConversationKind};

use super::*;
use crate::export::{
    AccountExport, ExportedBlock, ExportedContact, ExportedConversation, ExportedFollowUp,
    ExportedGoal, ExportedLearning, ExportedOrganisation, ExportedSettings, ExportedTag,
};

mod contacts;
use contacts::{write_contact_lists, write_contact_records, write_contacts, write_employments};

/// The file's ids and the new ones, by record.
pub(super) type IdMap = HashMap<i64, i64>;

/// Maps the file's ids to the new ones.
pub(super) fn mapped(map: &IdMap, id: i64) -> i64 {
    // `AccountExport::validate` has checked every reference.
    map[&id]
}

pub(crate) async fn import_account(
    pool: &Pool,
    user: UserId,
    doc: &AccountExport,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    write_account(&mut tx, user, doc, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes a checked document into the user's account, which must be empty.
pub(super) async fn write_account(
    conn: &mut Conn,
    user: UserId,
    doc: &AccountExport,
    now: DateTime<Utc>,
) -> Result<()> {
    let existing = account_contents(conn, user).await?;
    if !existing.is_empty() {
        return Err(StoreError::Conflict(format!(
            "this account is not empty ({existing}); import json only fills an empty \
             account (use a new database or another user)"
        )));
    }
    write_settings(conn, user, &doc.user, now).await?;

    // Every list is inserted one row at a time in file order, so the new
    // ids keep the file's relative order.
    let orgs = write_organisations(conn, user, &doc.organisations).await?;
    let tags = write_tags(conn, user, &doc.tags).await?;
    let contacts = write_contacts(conn, user, &doc.contacts, &orgs).await?;
    write_contact_lists(conn, user, &doc.contacts, &contacts, &tags).await?;
    write_contact_records(conn, user, &doc.contacts, &contacts).await?;
    write_employments(conn, user, doc, &orgs, &contacts).await?;
    let conversations = write_conversations(conn, user, &doc.conversations, &contacts).await?;
    write_follow_ups(conn, user, &doc.follow_ups, &contacts, &conversations).await?;
    let goals = write_goals(conn, user, &doc.goals, &contacts, &conversations).await?;
    write_meetings(conn, user, doc, &contacts, &conversations).await?;
    write_blocks(conn, user, &doc.outreach_blocks, &goals).await?;
    write_search_and_changes(conn, user, &doc.contacts, &contacts, now).await
}

/// What the user already has, as "3 contacts, 1 tag"; empty for an empty account.
async fn account_contents(conn: &mut Conn, user: UserId) -> Result<String> {
    let tables: [(&str, &'static str); 9] = [
        (
            "contacts",
            "SELECT count(*) FROM contacts WHERE user_id = $1",
        ),
        (
            "conversations",
            "SELECT count(*) FROM conversations WHERE user_id = $1",
        ),
        (
            "follow-ups",
            "SELECT count(*) FROM follow_ups WHERE user_id = $1",
        ),
        ("goals", "SELECT count(*) FROM goals WHERE user_id = $1"),
        (
            "meetings",
            "SELECT count(*) FROM meetings WHERE user_id = $1",
        ),
        (
            "outreach blocks",
            "SELECT count(*) FROM outreach_blocks WHERE user_id = $1",
        ),
        ("tags", "SELECT count(*) FROM tags WHERE user_id = $1"),
        (
            "organisations",
            "SELECT count(*) FROM organisations WHERE user_id = $1",
        ),
        (
            "employments",
            "SELECT count(*) FROM employments WHERE user_id = $1",
        ),
    ];
    let mut found = Vec::new();
    for (what, sql) in tables {
        let n: i64 = sqlx::query_scalar(sql)
            .bind(user.0)
            .fetch_one(&mut *conn)
            .await?;
        if n > 0 {
            found.push(format!("{n} {what}"));
        }
    }
    Ok(found.join(", "))
}

/// The user's profile and settings; the digest's next time is computed afresh.
async fn write_settings(
    conn: &mut Conn,
    user: UserId,
    s: &ExportedSettings,
    now: DateTime<Utc>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET display_name = $2, email = $3, timezone = $4, \
         default_cadence_days = $5, light_resets_clock = $6, jitsi_base_url = $7 WHERE id = $1",
    )
    .bind(user.0)
    .bind(&s.display_name)
    .bind(&s.email)
    .bind(&s.timezone)
    .bind(s.default_cadence_days)
    .bind(s.light_resets_clock)
    .bind(&s.jitsi_base_url)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("user", user));
    }
    if let Some(digest) = &s.digest {
        let settings = digest.settings()?;
        let tz = kith_core::values::TimeZone::parse(&s.timezone)
            .map_err(|e| StoreError::in_file("user.timezone", e.message))?;
        let next = kith_core::digest::next_after(settings.days, settings.at, tz, now);
        set_digest_in(conn, user, &settings, Some(next)).await?;
    }
    Ok(())
}

async fn write_organisations(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedOrganisation],
) -> Result<IdMap> {
    let mut orgs = HashMap::new();
    for o in list {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (user_id, name, name_key, is_mine, industry, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(user.0)
        .bind(&o.name)
        .bind(o.name.to_lowercase())
        .bind(o.is_mine)
        .bind(&o.industry)
        .bind(o.created_at)
        .fetch_one(&mut *conn)
        .await?;
        orgs.insert(o.id, id);
    }
    Ok(orgs)
}

/// The new tag ids by name (contacts name their tags).
async fn write_tags<'a>(
    conn: &mut Conn,
    user: UserId,
    list: &'a [ExportedTag],
) -> Result<HashMap<&'a str, i64>> {
    let mut tags = HashMap::new();
    for t in list {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tags (user_id, name, cadence_days) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(user.0)
        .bind(&t.name)
        .bind(t.cadence_days)
        .fetch_one(&mut *conn)
        .await?;
        tags.insert(t.name.as_str(), id);
    }
    Ok(tags)
}

/// Conversations with their participants and learnings, and the activity
/// summary and ties they make.
async fn write_conversations(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedConversation],
    contacts: &IdMap,
) -> Result<IdMap> {
    let conversations = insert_conversation_rows(conn, user, list).await?;
    write_participants(conn, user, list, &conversations, contacts).await?;
    write_learnings(conn, user, list, &conversations).await?;
    // The activity summary and the ties, folded in by the code that logging
    // a conversation uses (it reads the time, channel and participants).
    let mut logged = Vec::with_capacity(list.len());
    for c in list {
        logged.push(NewConversation {
            occurred_at: to_time(c.occurred_at),
            channel: Channel::parse(&c.channel)
                .map_err(|e| StoreError::in_file("conversations", e.message))?,
            minutes: None,
            summary: String::new(),
            participants: c
                .participants
                .iter()
                .map(|p| ContactId(mapped(contacts, *p)))
                .collect(),
            uid: None,
            kind: ConversationKind::parse(&c.kind)
                .map_err(|e| StoreError::in_file("conversations", e.message))?,
            learned: Vec::new(),
        });
    }
    add_activity(&mut *conn, user, &logged).await?;
    add_ties(&mut *conn, user, &logged).await?;
    Ok(conversations)
}

/// Conversations are the bulk of an account: written many to a statement
/// and matched back by their UIDs (unique in the file). Both engines
/// number the rows of one INSERT in the order of its VALUES.
async fn insert_conversation_rows(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedConversation],
) -> Result<IdMap> {
    let mut conversations = HashMap::new();
    for chunk in list.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO conversations (user_id, uid, occurred_at, channel, minutes, summary, \
             kind, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut row, c| {
            row.push_bind(user.0)
                .push_bind(c.uid.as_str())
                .push_bind(c.occurred_at)
                .push_bind(c.channel.as_str())
                .push_bind(c.minutes)
                .push_bind(c.summary.as_str())
                .push_bind(c.kind.as_str())
                .push_bind(c.created_at)
                .push_bind(c.updated_at);
        });
        qb.push(" RETURNING id, uid");
        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
        let by_uid: HashMap<String, i64> = rows.into_iter().map(|(id, uid)| (uid, id)).collect();
        for c in chunk {
            conversations.insert(c.id, by_uid[&c.uid]);
        }
    }
    Ok(conversations)
}

/// The participants, with their copies of each conversation's time and channel.
async fn write_participants(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedConversation],
    conversations: &IdMap,
    contacts: &IdMap,
) -> Result<()> {
    let participants: Vec<(i64, i64, &ExportedConversation)> = list
        .iter()
        .flat_map(|c| {
            let id = conversations[&c.id];
            c.participants
                .iter()
                .map(move |p| (id, mapped(contacts, *p), c))
        })
        .collect();
    for chunk in participants.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO conversation_participants (conversation_id, contact_id, user_id, \
             occurred_at, channel) ",
        );
        qb.push_values(chunk, |mut row, (id, contact, c)| {
            row.push_bind(*id)
                .push_bind(*contact)
                .push_bind(user.0)
                .push_bind(c.occurred_at)
                .push_bind(c.channel.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn write_learnings(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedConversation],
    conversations: &IdMap,
) -> Result<()> {
    let learned: Vec<(i64, &ExportedLearning)> = list
        .iter()
        .flat_map(|c| {
            let id = conversations[&c.id];
            c.learnings.iter().map(move |l| (id, l))
        })
        .collect();
    for chunk in learned.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO conversation_learnings (user_id, conversation_id, kind, text) ",
        );
        qb.push_values(chunk, |mut row, (id, l)| {
            row.push_bind(user.0)
                .push_bind(*id)
                .push_bind(l.kind.as_str())
                .push_bind(l.text.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Follow-ups as they are (no loop closing); parents once every one has its id.
async fn write_follow_ups(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedFollowUp],
    contacts: &IdMap,
    conversations: &IdMap,
) -> Result<()> {
    let u = user.0;
    let mut follow_ups = HashMap::new();
    for f in list {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO follow_ups (user_id, contact_id, conversation_id, owner, kind, title, \
             due_on, loop_back, status, subject_id, created_at, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(u)
        .bind(mapped(contacts, f.contact_id))
        .bind(f.conversation_id.map(|c| mapped(conversations, c)))
        .bind(&f.owner)
        .bind(&f.kind)
        .bind(&f.title)
        .bind(&f.due_on)
        .bind(f.loop_back)
        .bind(&f.status)
        .bind(f.subject_id.map(|c| mapped(contacts, c)))
        .bind(f.created_at)
        .bind(f.closed_at)
        .fetch_one(&mut *conn)
        .await?;
        follow_ups.insert(f.id, id);
    }
    for f in list {
        if let Some(parent) = f.parent_id {
            sqlx::query("UPDATE follow_ups SET parent_id = $3 WHERE user_id = $1 AND id = $2")
                .bind(u)
                .bind(follow_ups[&f.id])
                .bind(mapped(&follow_ups, parent))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Goals, each followed by its contacts and conversations.
async fn write_goals(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedGoal],
    contacts: &IdMap,
    conversations: &IdMap,
) -> Result<IdMap> {
    let u = user.0;
    let mut goals = HashMap::new();
    for g in list {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO goals (user_id, kind, title, industry, function, company, skill, \
             target_count, due_on, status, created_at, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(u)
        .bind(&g.kind)
        .bind(&g.title)
        .bind(&g.industry)
        .bind(&g.function)
        .bind(&g.company)
        .bind(&g.skill)
        .bind(g.target_count)
        .bind(&g.due_on)
        .bind(&g.status)
        .bind(g.created_at)
        .bind(g.closed_at)
        .fetch_one(&mut *conn)
        .await?;
        goals.insert(g.id, id);
        for c in &g.contacts {
            sqlx::query(
                "INSERT INTO goal_contacts (goal_id, contact_id, user_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(mapped(contacts, *c))
            .bind(u)
            .execute(&mut *conn)
            .await?;
        }
        for c in &g.conversations {
            sqlx::query(
                "INSERT INTO goal_conversations (goal_id, conversation_id, user_id) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(mapped(conversations, *c))
            .bind(u)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(goals)
}

/// Meetings with their attendees, then the conversations that logged them.
async fn write_meetings(
    conn: &mut Conn,
    user: UserId,
    doc: &AccountExport,
    contacts: &IdMap,
    conversations: &IdMap,
) -> Result<()> {
    let u = user.0;
    let mut meetings = HashMap::new();
    for m in &doc.meetings {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (user_id, uid, title, starts_at, minutes, mode, place, \
             platform, join_url, phone, sequence, status, dtstamp, conversation_id, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16) RETURNING id",
        )
        .bind(u)
        .bind(&m.uid)
        .bind(&m.title)
        .bind(m.starts_at)
        .bind(m.minutes)
        .bind(&m.mode)
        .bind(&m.place)
        .bind(&m.platform)
        .bind(&m.join_url)
        .bind(&m.phone)
        .bind(m.sequence)
        .bind(&m.status)
        .bind(m.dtstamp)
        .bind(m.conversation_id.map(|c| mapped(conversations, c)))
        .bind(m.created_at)
        .bind(m.updated_at)
        .fetch_one(&mut *conn)
        .await?;
        meetings.insert(m.id, id);
        for c in &m.attendees {
            sqlx::query(
                "INSERT INTO meeting_attendees (meeting_id, contact_id, user_id) \
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(mapped(contacts, *c))
            .bind(u)
            .execute(&mut *conn)
            .await?;
        }
    }
    for c in &doc.conversations {
        if let Some(meeting) = c.meeting_id {
            sqlx::query("UPDATE conversations SET meeting_id = $3 WHERE user_id = $1 AND id = $2")
                .bind(u)
                .bind(conversations[&c.id])
                .bind(mapped(&meetings, meeting))
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

async fn write_blocks(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedBlock],
    goals: &IdMap,
) -> Result<()> {
    for b in list {
        sqlx::query(
            "INSERT INTO outreach_blocks (user_id, weekdays, start_time, minutes, people, \
             goal_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(user.0)
        .bind(b.weekdays)
        .bind(&b.start_time)
        .bind(b.minutes)
        .bind(b.people)
        .bind(b.goal_id.map(|g| mapped(goals, g)))
        .bind(b.active)
        .bind(b.created_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Search documents from the contacts as stored, by the code every
/// contact write uses; and a "put" in the change log for each contact.
async fn write_search_and_changes(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedContact],
    contacts: &IdMap,
    now: DateTime<Utc>,
) -> Result<()> {
    let new = |c: &ExportedContact| mapped(contacts, c.id);
    let mut docs = Vec::with_capacity(list.len());
    for c in list {
        let contact = contact_in(&mut *conn, user, ContactId(new(c))).await?;
        docs.push((contact.id.0, contact_doc(&contact)));
    }
    set_search_docs(&mut *conn, user, &docs).await?;
    let changes: Vec<(i64, &str, i64)> = list
        .iter()
        .map(|c| (new(c), c.uid.as_str(), c.revision))
        .collect();
    record_changes(&mut *conn, user, &changes, false, now).await?;
    Ok(())
}
