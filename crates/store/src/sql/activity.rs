//! The facts the keep-in-touch rules work on, read in a handful of queries per
//! user (never one per contact), and the snooze.

use kith_core::conversation::Channel;
use kith_core::follow_up::{FollowUpKind, Owner};
use kith_core::rules::due::{Activity, ContactFacts, OpenLoop};
use kith_core::values::Cadence;

use super::*;
use crate::rows::to_date;

/// One contact's row of facts: id, name, created_at, cadence_days,
/// snoozed_until, archived (0/1), then its activity summary.
type FactsRow = (
    i64,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// One open follow-up: id, contact, owner, kind, title, due_on.
type LoopRow = (i64, i64, String, String, String, Option<String>, i64);

/// Runs a query whose one column aggregates every row into a JSON array
/// (`JSON_AGG`/`JSON_ROW` are the backend's functions). Thousands of rows
/// come back as one value: sqlx's per-row cost would otherwise dominate
/// (10,000 rows: ~40 ms as rows, ~14 ms as one JSON text on SQLite).
pub(crate) async fn json_rows<T: serde::de::DeserializeOwned>(
    conn: &mut Conn,
    qb: &mut QueryBuilder<Db>,
) -> Result<Vec<T>> {
    let text: String = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    serde_json::from_str(&text).map_err(|e| {
        StoreError::Database(sqlx::Error::Decode(
            format!("cannot read aggregated rows: {e}").into(),
        ))
    })
}

fn count(n: Option<i64>) -> u32 {
    n.unwrap_or(0).try_into().unwrap_or(u32::MAX)
}

fn cadence(days: i64) -> Option<Cadence> {
    Cadence::from_days(u32::try_from(days).ok()?)
}

/// Adds `AND <column> = contact` when the facts are for one contact only.
fn only(qb: &mut QueryBuilder<Db>, column: &str, contact: Option<ContactId>) {
    if let Some(contact) = contact {
        qb.push(format_args!(" AND {column} = "))
            .push_bind(contact.0);
    }
}

/// Facts for every active contact of the user, or for one contact (archived or not).
pub(crate) async fn contact_facts(
    pool: &Pool,
    user: UserId,
    contact: Option<ContactId>,
    now: DateTime<Utc>,
) -> Result<Vec<ContactFacts>> {
    let mut conn = pool.acquire().await?;
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT CAST(COALESCE({JSON_AGG}({JSON_ROW}(c.id, c.full_name, c.created_at, \
         c.cadence_days, c.snoozed_until, CASE WHEN c.archived THEN 1 ELSE 0 END, \
         a.conversations, a.meaningful, a.first_at, a.last_at, a.last_meaningful_at)), '[]') \
         AS TEXT) FROM contacts c LEFT JOIN contact_activity a ON a.contact_id = c.id \
         WHERE +c.user_id = "
    ));
    qb.push_bind(user.0);
    match contact {
        Some(_) => only(&mut qb, "c.id", contact),
        None => {
            qb.push(" AND NOT c.archived");
        }
    }
    let mut rows: Vec<FactsRow> = json_rows(&mut conn, &mut qb).await?;
    rows.sort_unstable_by_key(|r| r.0);

    let mut tags = tag_cadences(&mut conn, user, contact).await?;
    let mut loops = open_loops(&mut conn, user, contact).await?;
    let goals = active_goals(&mut conn, user, contact).await?;
    let meetings = next_meetings(&mut conn, user, contact, now).await?;

    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                name,
                created_at,
                cadence_days,
                snoozed_until,
                archived,
                total,
                meaningful,
                first,
                last,
                last_meaningful,
            )| {
                ContactFacts {
                    id: ContactId(id),
                    name,
                    created_at: to_time(created_at),
                    own_cadence: cadence_days.and_then(cadence),
                    tag_cadences: tags.remove(&id).unwrap_or_default(),
                    snoozed_until: snoozed_until.map(to_time),
                    archived: archived != 0,
                    activity: Activity {
                        conversations: count(total),
                        meaningful: count(meaningful),
                        first_at: first.map(to_time),
                        last_at: last.map(to_time),
                        last_meaningful_at: last_meaningful.map(to_time),
                    },
                    open_loops: loops.remove(&id).unwrap_or_default(),
                    active_goals: count(goals.get(&id).copied()),
                    next_meeting: meetings.get(&id).copied().map(to_time),
                }
            },
        )
        .collect())
}

/// The rhythms of each contact's tags that have one.
async fn tag_cadences(
    conn: &mut Conn,
    user: UserId,
    contact: Option<ContactId>,
) -> Result<HashMap<i64, Vec<(String, Cadence)>>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT ct.contact_id, t.name, t.cadence_days FROM tags t \
         JOIN contact_tags ct ON ct.tag_id = t.id \
         WHERE t.cadence_days IS NOT NULL AND t.user_id = ",
    );
    qb.push_bind(user.0);
    only(&mut qb, "ct.contact_id", contact);
    let mut tags: HashMap<i64, Vec<(String, Cadence)>> = HashMap::new();
    for (id, name, days) in qb
        .build_query_as::<(i64, String, i64)>()
        .fetch_all(&mut *conn)
        .await?
    {
        if let Some(c) = cadence(days) {
            tags.entry(id).or_default().push((name, c));
        }
    }
    Ok(tags)
}

/// Each contact's open follow-ups, in id order.
async fn open_loops(
    conn: &mut Conn,
    user: UserId,
    contact: Option<ContactId>,
) -> Result<HashMap<i64, Vec<OpenLoop>>> {
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT CAST(COALESCE({JSON_AGG}({JSON_ROW}(f.id, f.contact_id, f.owner, f.kind, \
         f.title, f.due_on, CASE WHEN f.loop_back THEN 1 ELSE 0 END)), '[]') AS TEXT) \
         FROM follow_ups f \
         WHERE f.status = 'open' AND f.user_id = "
    ));
    qb.push_bind(user.0);
    only(&mut qb, "f.contact_id", contact);
    let mut loops: HashMap<i64, Vec<OpenLoop>> = HashMap::new();
    let mut open: Vec<LoopRow> = json_rows(conn, &mut qb).await?;
    open.sort_unstable_by_key(|r| r.0);
    for (id, contact_id, owner, kind, title, due_on, loop_back) in open {
        let (Ok(owner), Ok(kind)) = (Owner::parse(&owner), FollowUpKind::parse(&kind)) else {
            continue;
        };
        loops.entry(contact_id).or_default().push(OpenLoop {
            id: FollowUpId(id),
            owner,
            kind,
            title,
            due_on: to_date(due_on),
            loop_back: loop_back != 0,
        });
    }
    Ok(loops)
}

/// How many active goals name each contact.
async fn active_goals(
    conn: &mut Conn,
    user: UserId,
    contact: Option<ContactId>,
) -> Result<HashMap<i64, i64>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT gc.contact_id, count(*) FROM goal_contacts gc JOIN goals g ON g.id = gc.goal_id \
         WHERE g.status = 'active' AND g.user_id = ",
    );
    qb.push_bind(user.0);
    only(&mut qb, "gc.contact_id", contact);
    qb.push(" GROUP BY gc.contact_id");
    Ok(qb
        .build_query_as()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect())
}

/// When each contact's next scheduled meeting starts (after `now`).
async fn next_meetings(
    conn: &mut Conn,
    user: UserId,
    contact: Option<ContactId>,
    now: DateTime<Utc>,
) -> Result<HashMap<i64, i64>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT ma.contact_id, min(m.starts_at) FROM meeting_attendees ma \
         JOIN meetings m ON m.id = ma.meeting_id \
         WHERE m.status = 'scheduled' AND m.starts_at > ",
    );
    qb.push_bind(from_time(now))
        .push(" AND m.user_id = ")
        .push_bind(user.0);
    only(&mut qb, "ma.contact_id", contact);
    qb.push(" GROUP BY ma.contact_id");
    Ok(qb
        .build_query_as()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect())
}

/// When and how the user talked with a contact since `since`.
pub(crate) async fn conversation_channels(
    pool: &Pool,
    user: UserId,
    contact: ContactId,
    since: DateTime<Utc>,
) -> Result<Vec<(DateTime<Utc>, Channel)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT occurred_at, channel FROM conversation_participants \
         WHERE user_id = $1 AND contact_id = $2 AND occurred_at >= $3 ORDER BY occurred_at",
    )
    .bind(user.0)
    .bind(contact.0)
    .bind(from_time(since))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(at, channel)| Some((to_time(at), Channel::parse(&channel).ok()?)))
        .collect())
}

/// Snoozes a contact until `until`, or wakes it with `None`. A snooze is not
/// part of the contact card, so it leaves the revision alone.
pub(crate) async fn set_snooze(
    pool: &Pool,
    user: UserId,
    contact: ContactId,
    until: Option<DateTime<Utc>>,
) -> Result<()> {
    let done = sqlx::query("UPDATE contacts SET snoozed_until = $3 WHERE user_id = $1 AND id = $2")
        .bind(user.0)
        .bind(contact.0)
        .bind(until.map(from_time))
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("contact", contact));
    }
    Ok(())
}
