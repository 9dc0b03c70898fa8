//! Meetings with their attendees, logging a meeting as a conversation, the
//! user's Jitsi server, and outreach blocks.

use chrono::NaiveTime;
use kith_core::ids::{GoalId, MeetingId, OutreachBlockId};
use kith_core::meeting::{JitsiBase, Meeting, MeetingMode, MeetingStatus, NewMeeting, Platform};
use kith_core::outreach::{NewOutreachBlock, OutreachBlock, Weekdays};

use super::*;
use crate::MeetingFilter;

type MeetingRow = (
    i64,
    String,
    String,
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    String,
    i64,
    Option<i64>,
);

const MEETING_COLUMNS: &str = "SELECT id, uid, title, starts_at, minutes, mode, place, platform, \
     join_url, phone, sequence, status, dtstamp, conversation_id FROM meetings WHERE user_id = ";

/// The stored columns of a mode: (mode, place, platform, join_url, phone).
fn mode_columns(
    mode: &MeetingMode,
) -> (
    &'static str,
    Option<&str>,
    Option<&'static str>,
    Option<&str>,
    Option<&str>,
) {
    match mode {
        MeetingMode::InPerson { place } => (mode.kind(), Some(place), None, None, None),
        MeetingMode::Virtual { platform, url } => {
            (mode.kind(), None, Some(platform.as_str()), Some(url), None)
        }
        MeetingMode::Phone { number } => (mode.kind(), None, None, None, Some(number)),
    }
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(
        format!("unexpected {what} '{value}' in the database").into(),
    ))
}

fn meeting_from(row: MeetingRow, attendees: Vec<ContactRef>) -> Result<Meeting> {
    let (
        id,
        uid,
        title,
        starts_at,
        minutes,
        mode,
        place,
        platform,
        url,
        phone,
        sequence,
        status,
        dtstamp,
        conversation,
    ) = row;
    let mode = match (mode.as_str(), place, platform, url, phone) {
        ("in-person", Some(place), _, _, _) => MeetingMode::InPerson { place },
        ("virtual", _, Some(platform), Some(url), _) => MeetingMode::Virtual {
            platform: Platform::parse(&platform).map_err(|_| corrupt("platform", &platform))?,
            url,
        },
        ("phone", _, _, _, Some(number)) => MeetingMode::Phone { number },
        (other, ..) => return Err(corrupt("meeting mode", other)),
    };
    Ok(Meeting {
        id: MeetingId(id),
        uid,
        title,
        starts_at: to_time(starts_at),
        minutes: u32::try_from(minutes).unwrap_or(0),
        mode,
        sequence: u32::try_from(sequence).unwrap_or(0),
        status: MeetingStatus::parse(&status).map_err(|_| corrupt("meeting status", &status))?,
        attendees,
        dtstamp: to_time(dtstamp),
        conversation: conversation.map(ConversationId),
    })
}

/// The rows with their attendees (in name order).
async fn with_attendees(
    conn: &mut Conn,
    user: UserId,
    rows: Vec<MeetingRow>,
) -> Result<Vec<Meeting>> {
    let mut attendees: HashMap<i64, Vec<ContactRef>> = HashMap::new();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT ma.meeting_id, c.id, c.full_name FROM meeting_attendees ma \
             JOIN contacts c ON c.id = ma.contact_id WHERE ma.user_id = ",
        );
        qb.push_bind(user.0).push(" AND ma.meeting_id IN (");
        let mut list = qb.separated(", ");
        for row in chunk {
            list.push_bind(row.0);
        }
        qb.push(") ORDER BY c.sort_key, c.id");
        let found: Vec<(i64, i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
        for (meeting, id, name) in found {
            attendees.entry(meeting).or_default().push(ContactRef {
                id: ContactId(id),
                name,
            });
        }
    }
    rows.into_iter()
        .map(|row| {
            let people = attendees.remove(&row.0).unwrap_or_default();
            meeting_from(row, people)
        })
        .collect()
}

async fn meeting_in(conn: &mut Conn, user: UserId, id: MeetingId) -> Result<Meeting> {
    let mut qb = QueryBuilder::<Db>::new(MEETING_COLUMNS);
    qb.push_bind(user.0).push(" AND id = ").push_bind(id.0);
    let row: MeetingRow = qb
        .build_query_as()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::not_found("meeting", id))?;
    Ok(with_attendees(conn, user, vec![row]).await?.remove(0))
}

pub(crate) async fn add_meeting(
    pool: &Pool,
    user: UserId,
    meeting: &NewMeeting,
    now: DateTime<Utc>,
) -> Result<MeetingId> {
    let mut tx = begin_write(pool).await?;
    check_contacts(&mut tx, user, meeting.attendees.iter().copied()).await?;
    let (mode, place, platform, url, phone) = mode_columns(&meeting.mode);
    let now = from_time(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meetings (user_id, uid, title, starts_at, minutes, mode, place, platform, \
         join_url, phone, sequence, status, dtstamp, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 'scheduled', $11, $11, $11) RETURNING id",
    )
    .bind(user.0)
    .bind(new_uid())
    .bind(&meeting.title)
    .bind(from_time(meeting.starts_at))
    .bind(i64::from(meeting.minutes))
    .bind(mode)
    .bind(place)
    .bind(platform)
    .bind(url)
    .bind(phone)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut qb =
        QueryBuilder::<Db>::new("INSERT INTO meeting_attendees (meeting_id, contact_id, user_id) ");
    qb.push_values(&meeting.attendees, |mut row, contact| {
        row.push_bind(id).push_bind(contact.0).push_bind(user.0);
    });
    qb.build().execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(MeetingId(id))
}

pub(crate) async fn meeting(pool: &Pool, user: UserId, id: MeetingId) -> Result<Meeting> {
    let mut conn = pool.acquire().await?;
    meeting_in(&mut conn, user, id).await
}

pub(crate) async fn meetings(
    pool: &Pool,
    user: UserId,
    filter: &MeetingFilter,
) -> Result<Vec<Meeting>> {
    let mut conn = pool.acquire().await?;
    let mut qb = QueryBuilder::<Db>::new(MEETING_COLUMNS);
    qb.push_bind(user.0);
    if let Some(from) = filter.ends_after {
        // A meeting still going on at `from` counts.
        qb.push(" AND starts_at + minutes * 60 > ")
            .push_bind(from_time(from));
    }
    if let Some(until) = filter.starts_before {
        qb.push(" AND starts_at < ").push_bind(from_time(until));
    }
    if !filter.include_cancelled {
        qb.push(" AND status = 'scheduled'");
    }
    if filter.unlogged_only {
        qb.push(" AND conversation_id IS NULL");
    }
    if let Some(contact) = filter.attendee {
        qb.push(" AND id IN (SELECT meeting_id FROM meeting_attendees WHERE user_id = ")
            .push_bind(user.0)
            .push(" AND contact_id = ")
            .push_bind(contact.0)
            .push(")");
    }
    qb.push(" ORDER BY starts_at, id");
    let rows: Vec<MeetingRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
    with_attendees(&mut conn, user, rows).await
}

/// Bumps SEQUENCE and DTSTAMP after a change that the attendees must hear of.
async fn bump(tx: &mut Conn, user: UserId, id: MeetingId, now: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "UPDATE meetings SET sequence = sequence + 1, dtstamp = $3, updated_at = $3 \
         WHERE user_id = $1 AND id = $2",
    )
    .bind(user.0)
    .bind(id.0)
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn refuse_cancelled(meeting: &Meeting) -> Result<()> {
    if meeting.status == MeetingStatus::Cancelled {
        return Err(StoreError::Conflict(format!(
            "meeting {} is cancelled",
            meeting.id
        )));
    }
    Ok(())
}

pub(crate) async fn change_meeting_mode(
    pool: &Pool,
    user: UserId,
    id: MeetingId,
    mode: &MeetingMode,
    now: DateTime<Utc>,
) -> Result<Meeting> {
    let mut tx = begin_write(pool).await?;
    // Before the check: a change racing this one waits, then sees it (PostgreSQL).
    lock_user(&mut tx, user).await?;
    let current = meeting_in(&mut tx, user, id).await?;
    refuse_cancelled(&current)?;
    if current.conversation.is_some() {
        return Err(StoreError::Conflict(format!(
            "meeting {id} already happened and was logged"
        )));
    }
    let (mode, place, platform, url, phone) = mode_columns(mode);
    sqlx::query(
        "UPDATE meetings SET mode = $3, place = $4, platform = $5, join_url = $6, phone = $7 \
         WHERE user_id = $1 AND id = $2",
    )
    .bind(user.0)
    .bind(id.0)
    .bind(mode)
    .bind(place)
    .bind(platform)
    .bind(url)
    .bind(phone)
    .execute(&mut *tx)
    .await?;
    bump(&mut tx, user, id, now).await?;
    let changed = meeting_in(&mut tx, user, id).await?;
    tx.commit().await?;
    Ok(changed)
}

pub(crate) async fn cancel_meeting(
    pool: &Pool,
    user: UserId,
    id: MeetingId,
    now: DateTime<Utc>,
) -> Result<Meeting> {
    let mut tx = begin_write(pool).await?;
    // Before the check: a change racing this one waits, then sees it (PostgreSQL).
    lock_user(&mut tx, user).await?;
    let current = meeting_in(&mut tx, user, id).await?;
    refuse_cancelled(&current)?;
    if current.conversation.is_some() {
        return Err(StoreError::Conflict(format!(
            "meeting {id} already happened and was logged"
        )));
    }
    sqlx::query("UPDATE meetings SET status = 'cancelled' WHERE user_id = $1 AND id = $2")
        .bind(user.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    bump(&mut tx, user, id, now).await?;
    let changed = meeting_in(&mut tx, user, id).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Logs a meeting that has started as a conversation with its attendees,
/// at its time, on the channel its mode implies, and links the two.
pub(crate) async fn log_meeting(
    pool: &Pool,
    user: UserId,
    id: MeetingId,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<ConversationId> {
    let mut tx = begin_write(pool).await?;
    // Before the check: a change racing this one waits, then sees it (PostgreSQL).
    lock_user(&mut tx, user).await?;
    let meeting = meeting_in(&mut tx, user, id).await?;
    refuse_cancelled(&meeting)?;
    if let Some(logged) = meeting.conversation {
        return Err(StoreError::Conflict(format!(
            "meeting {id} is already logged as conversation {logged}"
        )));
    }
    if meeting.starts_at > now {
        return Err(StoreError::invalid(
            crate::Input::Meeting,
            format!("meeting {id} has not started yet"),
        ));
    }
    let minutes = kith_core::conversation::Minutes::new(meeting.minutes);
    let mut conversation = NewConversation::new(
        meeting.starts_at,
        meeting.mode.channel(),
        minutes,
        summary,
        meeting.attendees.iter().map(|a| a.id).collect(),
    )
    .map_err(|e| StoreError::invalid(crate::Input::Summary, e.message))?;
    conversation.uid = None;
    let conversation_id =
        insert_conversations(&mut tx, user, std::slice::from_ref(&conversation), now).await?[0];
    sqlx::query("UPDATE conversations SET meeting_id = $3 WHERE user_id = $1 AND id = $2")
        .bind(user.0)
        .bind(conversation_id.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE meetings SET conversation_id = $3, updated_at = $4 WHERE user_id = $1 AND id = $2",
    )
    .bind(user.0)
    .bind(id.0)
    .bind(conversation_id.0)
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(conversation_id)
}

// The user's Jitsi server

pub(crate) async fn jitsi_base(pool: &Pool, user: UserId) -> Result<JitsiBase> {
    let url: Option<Option<String>> =
        sqlx::query_scalar("SELECT jitsi_base_url FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(pool)
            .await?;
    let url = url.ok_or_else(|| StoreError::not_found("user", user))?;
    Ok(url
        .and_then(|u| JitsiBase::parse(&u).ok())
        .unwrap_or_default())
}

pub(crate) async fn set_jitsi_base(
    pool: &Pool,
    user: UserId,
    base: Option<&JitsiBase>,
) -> Result<()> {
    let done = sqlx::query("UPDATE users SET jitsi_base_url = $2 WHERE id = $1")
        .bind(user.0)
        .bind(base.map(JitsiBase::as_str))
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("user", user));
    }
    Ok(())
}

/// The user's calendar UID space, made (random) on first use and kept.
pub(crate) async fn calendar_uid_space(pool: &Pool, user: UserId) -> Result<String> {
    let read = || async {
        let space: Option<Option<String>> =
            sqlx::query_scalar("SELECT calendar_uid_space FROM users WHERE id = $1")
                .bind(user.0)
                .fetch_optional(pool)
                .await?;
        space.ok_or_else(|| StoreError::not_found("user", user))
    };
    if let Some(space) = read().await? {
        return Ok(space);
    }
    // Two first fetches at once: the first write wins, both read it back.
    sqlx::query(
        "UPDATE users SET calendar_uid_space = $2 WHERE id = $1 AND calendar_uid_space IS NULL",
    )
    .bind(user.0)
    .bind(uuid::Uuid::new_v4().simple().to_string())
    .execute(pool)
    .await?;
    read()
        .await?
        .ok_or_else(|| StoreError::not_found("user", user))
}

// Outreach blocks

pub(crate) async fn add_block(
    pool: &Pool,
    user: UserId,
    block: &NewOutreachBlock,
    now: DateTime<Utc>,
) -> Result<OutreachBlockId> {
    let mut tx = begin_write(pool).await?;
    if let Some(goal) = block.goal {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM goals WHERE user_id = $1 AND id = $2")
                .bind(user.0)
                .bind(goal.0)
                .fetch_optional(&mut *tx)
                .await?;
        found.ok_or_else(|| StoreError::not_found("goal", goal))?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outreach_blocks (user_id, weekdays, start_time, minutes, people, goal_id, \
         active, created_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7) RETURNING id",
    )
    .bind(user.0)
    .bind(i64::from(block.weekdays.bits()))
    .bind(block.starts_at.format("%H:%M").to_string())
    .bind(i64::from(block.minutes))
    .bind(i64::from(block.people))
    .bind(block.goal.map(|g| g.0))
    .bind(from_time(now))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(OutreachBlockId(id))
}

pub(crate) async fn blocks(pool: &Pool, user: UserId) -> Result<Vec<OutreachBlock>> {
    type Row = (i64, i64, String, i64, i64, Option<i64>, bool);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, weekdays, start_time, minutes, people, goal_id, active \
         FROM outreach_blocks WHERE user_id = $1 ORDER BY id",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, weekdays, start, minutes, people, goal, active)| {
            Ok(OutreachBlock {
                id: OutreachBlockId(id),
                weekdays: Weekdays::from_bits(u8::try_from(weekdays).unwrap_or(0)),
                starts_at: NaiveTime::parse_from_str(&start, "%H:%M")
                    .map_err(|_| corrupt("block time", &start))?,
                minutes: u32::try_from(minutes).unwrap_or(0),
                people: u32::try_from(people).unwrap_or(0),
                goal: goal.map(GoalId),
                active,
            })
        })
        .collect()
}

pub(crate) async fn remove_block(pool: &Pool, user: UserId, id: OutreachBlockId) -> Result<()> {
    let done = sqlx::query("DELETE FROM outreach_blocks WHERE user_id = $1 AND id = $2")
        .bind(user.0)
        .bind(id.0)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("outreach block", id));
    }
    Ok(())
}
