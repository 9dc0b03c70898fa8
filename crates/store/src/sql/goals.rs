//! Goals, what links to them, and the network the goal and coverage rules
//! look through.

use kith_core::conversation::LearningKind;
use kith_core::goal::{Goal, GoalKind, GoalStatus, NewGoal};
use kith_core::ids::GoalId;
use kith_core::rules::due::Activity;
use kith_core::rules::goals::{Candidate, Connection};

use super::*;
use crate::rows::{conversation_columns, to_date};
use crate::{Network, NetworkScope};

/// A goal's columns and how many conversations are linked to it.
type GoalRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    i64,
    i64,
);

fn goal_of(row: GoalRow) -> Result<(Goal, u32)> {
    let (
        id,
        kind,
        title,
        industry,
        function,
        company,
        skill,
        target,
        due_on,
        status,
        created,
        linked,
    ) = row;
    let corrupt = |what: &str, value: &str| {
        StoreError::Database(sqlx::Error::Decode(
            format!("unexpected goal {what} '{value}'").into(),
        ))
    };
    let goal = Goal {
        id: GoalId(id),
        kind: GoalKind::parse(&kind).map_err(|_| corrupt("kind", &kind))?,
        title,
        industry,
        function,
        company,
        skill,
        target_count: target.and_then(|t| u32::try_from(t).ok()),
        due_on: to_date(due_on),
        status: GoalStatus::parse(&status).map_err(|_| corrupt("status", &status))?,
        created_at: to_time(created),
    };
    Ok((goal, linked.try_into().unwrap_or(0)))
}

/// The user's goals (all, or only `id`; closed ones only when asked), each
/// with how many conversations are linked to it.
async fn select_goals(
    pool: &Pool,
    user: UserId,
    id: Option<GoalId>,
    include_closed: bool,
) -> Result<Vec<(Goal, u32)>> {
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT g.id, g.kind, g.title, g.industry, g.function, g.company, g.skill, \
         g.target_count, g.due_on, g.status, g.created_at, \
         (SELECT count(*) FROM goal_conversations gc WHERE gc.goal_id = g.id) \
         FROM goals g WHERE g.user_id = ",
    );
    qb.push_bind(user.0);
    if let Some(id) = id {
        qb.push(" AND g.id = ").push_bind(id.0);
    }
    if !include_closed {
        qb.push(" AND g.status = 'active'");
    }
    qb.push(" ORDER BY g.status = 'active' DESC, g.due_on IS NULL, g.due_on, g.id");
    let rows: Vec<GoalRow> = qb.build_query_as().fetch_all(pool).await?;
    rows.into_iter().map(goal_of).collect()
}

pub(crate) async fn add_goal(
    pool: &Pool,
    user: UserId,
    goal: &NewGoal,
    status: GoalStatus,
    created_at: DateTime<Utc>,
) -> Result<GoalId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO goals (user_id, kind, title, industry, function, company, skill, \
         target_count, due_on, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(user.0)
    .bind(goal.kind.as_str())
    .bind(&goal.title)
    .bind(goal.industry.as_deref())
    .bind(goal.function.as_deref())
    .bind(goal.company.as_deref())
    .bind(goal.skill.as_deref())
    .bind(goal.target_count.map(i64::from))
    .bind(goal.due_on.map(|d| d.to_string()))
    .bind(status.as_str())
    .bind(from_time(created_at))
    .fetch_one(pool)
    .await?;
    Ok(GoalId(id))
}

/// Goals with how many conversations are linked to each; closed ones only when asked.
pub(crate) async fn goals(
    pool: &Pool,
    user: UserId,
    include_closed: bool,
) -> Result<Vec<(Goal, u32)>> {
    select_goals(pool, user, None, include_closed).await
}

/// One goal (open or closed) with its number of linked conversations.
pub(crate) async fn goal(pool: &Pool, user: UserId, id: GoalId) -> Result<(Goal, u32)> {
    select_goals(pool, user, Some(id), true)
        .await?
        .pop()
        .ok_or_else(|| StoreError::not_found("goal", id))
}

pub(crate) async fn set_goal_status(
    pool: &Pool,
    user: UserId,
    id: GoalId,
    status: GoalStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    let closed = (status != GoalStatus::Active).then(|| from_time(now));
    let done =
        sqlx::query("UPDATE goals SET status = $3, closed_at = $4 WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id.0)
            .bind(status.as_str())
            .bind(closed)
            .execute(pool)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("goal", id));
    }
    Ok(())
}

async fn check_goal(conn: &mut Conn, user: UserId, goal: GoalId) -> Result<()> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM goals WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(goal.0)
            .fetch_optional(&mut *conn)
            .await?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::not_found("goal", goal))
}

/// Links contacts and conversations to a goal (again is harmless). A linked
/// conversation's participants are linked too.
pub(crate) async fn link_goal(
    pool: &Pool,
    user: UserId,
    goal: GoalId,
    contacts: &[ContactId],
    conversations: &[ConversationId],
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    link_goal_in(&mut tx, user, goal, contacts, conversations).await?;
    tx.commit().await?;
    Ok(())
}

/// [`link_goal`] inside the caller's transaction.
pub(crate) async fn link_goal_in(
    conn: &mut Conn,
    user: UserId,
    goal: GoalId,
    contacts: &[ContactId],
    conversations: &[ConversationId],
) -> Result<()> {
    check_goal(conn, user, goal).await?;
    check_contacts(conn, user, contacts.iter().copied()).await?;
    let mut people: Vec<i64> = contacts.iter().map(|c| c.0).collect();
    for conversation in conversations {
        let found: Vec<i64> = sqlx::query_scalar(
            "SELECT contact_id FROM conversation_participants \
             WHERE user_id = $1 AND conversation_id = $2",
        )
        .bind(user.0)
        .bind(conversation.0)
        .fetch_all(&mut *conn)
        .await?;
        if found.is_empty() {
            return Err(StoreError::not_found("conversation", conversation));
        }
        people.extend(found);
        sqlx::query(
            "INSERT INTO goal_conversations (goal_id, conversation_id, user_id) \
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(goal.0)
        .bind(conversation.0)
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    }
    people.sort_unstable();
    people.dedup();
    for contact in people {
        sqlx::query(
            "INSERT INTO goal_contacts (goal_id, contact_id, user_id) \
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(goal.0)
        .bind(contact)
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub(crate) async fn goal_contacts(
    pool: &Pool,
    user: UserId,
    goal: GoalId,
) -> Result<Vec<ContactRef>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.full_name FROM goal_contacts gc JOIN contacts c ON c.id = gc.contact_id \
         WHERE gc.user_id = $1 AND gc.goal_id = $2 ORDER BY c.sort_key, c.id",
    )
    .bind(user.0)
    .bind(goal.0)
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

/// The goal's conversations, newest first.
pub(crate) async fn goal_conversations(
    pool: &Pool,
    user: UserId,
    goal: GoalId,
    limit: u32,
) -> Result<Vec<Conversation>> {
    let mut conn = pool.acquire().await?;
    let rows: Vec<ConversationRow> = sqlx::query_as(concat!(
        "SELECT ",
        conversation_columns!(),
        " FROM goal_conversations gc JOIN conversations cv ON cv.id = gc.conversation_id \
         WHERE gc.user_id = $1 AND gc.goal_id = $2 ORDER BY cv.occurred_at DESC, cv.id DESC \
         LIMIT $3"
    ))
    .bind(user.0)
    .bind(goal.0)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    with_participants(&mut conn, rows).await
}

/// What was learned in the goal's conversations, once per thing learned,
/// with who said it (the conversation's people, joined with ", ").
pub(crate) async fn goal_learnings(
    pool: &Pool,
    user: UserId,
    goal: GoalId,
) -> Result<Vec<(LearningKind, String, String)>> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT l.id, l.kind, l.text, c.full_name FROM goal_conversations gc \
         JOIN conversation_learnings l ON l.conversation_id = gc.conversation_id \
         JOIN conversation_participants p ON p.conversation_id = gc.conversation_id \
         JOIN contacts c ON c.id = p.contact_id \
         WHERE gc.user_id = $1 AND gc.goal_id = $2 ORDER BY l.id, c.sort_key",
    )
    .bind(user.0)
    .bind(goal.0)
    .fetch_all(pool)
    .await?;
    let mut learned: Vec<(i64, LearningKind, String, String)> = Vec::new();
    for (id, kind, text, name) in rows {
        match learned.last_mut() {
            Some(last) if last.0 == id => {
                last.3.push_str(", ");
                last.3.push_str(&name);
            }
            _ => learned.push((
                id,
                LearningKind::parse(&kind).unwrap_or(LearningKind::Note),
                text,
                name,
            )),
        }
    }
    Ok(learned
        .into_iter()
        .map(|(_, kind, text, names)| (kind, text, names))
        .collect())
}

/// A candidate's row: id, name, organisation, title, function, industry,
/// notes, archived (0/1), then its activity summary.
type NetworkRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// Contacts whose stint at an organisation overlaps one of the user's there.
async fn former_colleagues(conn: &mut Conn, user: UserId) -> Result<HashSet<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT e.contact_id FROM employments e \
         JOIN employments m ON m.organisation_id = e.organisation_id \
             AND m.user_id = e.user_id AND m.contact_id IS NULL \
         WHERE e.user_id = $1 AND e.contact_id IS NOT NULL \
           AND (e.started_on IS NULL OR m.ended_on IS NULL OR e.started_on <= m.ended_on) \
           AND (m.started_on IS NULL OR e.ended_on IS NULL OR m.started_on <= e.ended_on)",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect())
}

/// Who introduced whom and who was in a conversation together, among `ids`.
async fn connections(conn: &mut Conn, user: UserId, ids: &[i64]) -> Result<Vec<Connection>> {
    let mut pairs: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, introduced_by FROM contacts WHERE user_id = $1 AND introduced_by IS NOT NULL",
    )
    .bind(user.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT CAST(COALESCE({JSON_AGG}({JSON_ROW}(contact_a, contact_b)), '[]') AS TEXT) \
         FROM contact_ties WHERE user_id = "
    ));
    qb.push_bind(user.0);
    pairs.extend(json_rows::<(i64, i64)>(conn, &mut qb).await?);
    pairs.sort_unstable();
    let known: HashSet<i64> = ids.iter().copied().collect();
    Ok(pairs
        .into_iter()
        .filter(|(a, b)| known.contains(a) && known.contains(b))
        .map(|(a, b)| Connection {
            a: ContactId(a),
            b: ContactId(b),
        })
        .collect())
}

/// Contacts as the goal and coverage rules see them, the ties between them,
/// and the user's own organisation.
pub(crate) async fn network(pool: &Pool, user: UserId, scope: NetworkScope) -> Result<Network> {
    let mut conn = pool.acquire().await?;
    // Notes are the bulk of the rows; only a skill is looked for in them.
    let notes = if scope.notes { "c.notes" } else { "NULL" };
    let mut qb = QueryBuilder::<Db>::new(format!(
        "SELECT CAST(COALESCE({JSON_AGG}({JSON_ROW}(c.id, c.full_name, o.name, c.title, \
         c.function, c.industry, {notes}, CASE WHEN c.archived THEN 1 ELSE 0 END, \
         a.conversations, a.meaningful, a.first_at, a.last_at, a.last_meaningful_at)), '[]') \
         AS TEXT) FROM contacts c LEFT JOIN organisations o ON o.id = c.organisation_id \
         LEFT JOIN contact_activity a ON a.contact_id = c.id WHERE +c.user_id = "
    ));
    qb.push_bind(user.0);
    if scope.my_organisation_only {
        qb.push(" AND o.is_mine");
    }
    let mut rows: Vec<NetworkRow> = json_rows(&mut conn, &mut qb).await?;
    rows.sort_unstable_by_key(|r| r.0);
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut tags = tags_for(&mut conn, &ids).await?;

    let former = former_colleagues(&mut conn, user).await?;
    let connections = connections(&mut conn, user, &ids).await?;

    let mine: Option<String> = sqlx::query_scalar(
        "SELECT name FROM organisations WHERE user_id = $1 AND is_mine ORDER BY id LIMIT 1",
    )
    .bind(user.0)
    .fetch_optional(&mut *conn)
    .await?;

    let candidates = rows
        .into_iter()
        .map(
            |(
                id,
                name,
                organisation,
                title,
                function,
                industry,
                notes,
                archived,
                total,
                meaningful,
                first,
                last,
                last_meaningful,
            )| {
                Candidate {
                    id: ContactId(id),
                    name,
                    organisation,
                    title,
                    function,
                    industry,
                    notes,
                    tags: tags.remove(&id).unwrap_or_default(),
                    activity: Activity {
                        conversations: total.unwrap_or(0).try_into().unwrap_or(u32::MAX),
                        meaningful: meaningful.unwrap_or(0).try_into().unwrap_or(u32::MAX),
                        first_at: first.map(to_time),
                        last_at: last.map(to_time),
                        last_meaningful_at: last_meaningful.map(to_time),
                    },
                    former_colleague: former.contains(&id),
                    archived: archived != 0,
                }
            },
        )
        .collect();
    Ok(Network {
        candidates,
        connections,
        my_organisation: mine,
    })
}
