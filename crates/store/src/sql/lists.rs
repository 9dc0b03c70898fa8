//! Finding, listing and counting contacts; organisations, history and the change log.

use kith_core::values::{Cadence, TagName};

use super::*;
use crate::TagSummary;

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
    Ok(refs(rows))
}

fn refs(rows: Vec<(i64, String)>) -> Vec<ContactRef> {
    rows.into_iter()
        .map(|(id, name)| ContactRef {
            id: ContactId(id),
            name,
        })
        .collect()
}

/// Tags of many contacts at once.
pub(crate) async fn tags_for(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>> {
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
        qb.push(")");
        let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *conn).await?;
        for (id, tag) in rows {
            tags.entry(id).or_default().push(tag);
        }
    }
    // Ordered bytewise here, the same on both backends.
    for list in tags.values_mut() {
        list.sort_unstable();
    }
    Ok(tags)
}

pub(crate) async fn summaries(
    conn: &mut Conn,
    rows: Vec<SummaryRow>,
) -> Result<Vec<ContactSummary>> {
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
pub(crate) async fn contact_summaries(
    pool: &Pool,
    user: UserId,
    ids: &[ContactId],
) -> Result<Vec<ContactSummary>> {
    let mut conn = pool.acquire().await?;
    let ids: Vec<i64> = ids.iter().map(|c| c.0).collect();
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK * 10) {
        found.extend(summaries_by_id(&mut conn, user, chunk).await?);
    }
    Ok(found)
}

/// Summaries of the given contacts, in the order of `ids`.
pub(crate) async fn summaries_by_id(
    conn: &mut Conn,
    user: UserId,
    ids: &[i64],
) -> Result<Vec<ContactSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(summary_select!());
    // `+` keeps SQLite from choosing the (unselective) user index over the ids.
    qb.push("WHERE +c.user_id = ")
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

pub(crate) fn push_archived(qb: &mut QueryBuilder<Db>, archived: ArchivedFilter) {
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
        // Driven from the tag, so only its contacts are visited.
        qb.push(
            " AND c.id IN (SELECT ct.contact_id FROM tags t \
             JOIN contact_tags ct ON ct.tag_id = t.id WHERE t.user_id = ",
        )
        .push_bind(user.0)
        .push(" AND t.name = ")
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
        "SELECT id, full_name FROM contacts WHERE +user_id = $1 AND introduced_by = $2 ORDER BY sort_key, id",
    )
    .bind(user.0)
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(refs(rows))
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

pub(crate) async fn set_my_organisation(
    pool: &Pool,
    user: UserId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let id = organisation_id(&mut tx, user, name, &mut HashMap::new(), now).await?;
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
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    check_contacts(&mut tx, user, records.iter().filter_map(|r| r.contact)).await?;
    let mut organisations = HashMap::new();
    for chunk in records.chunks(CHUNK) {
        let mut org_ids = Vec::with_capacity(chunk.len());
        for record in chunk {
            org_ids.push(
                organisation_id(&mut tx, user, &record.organisation, &mut organisations, now)
                    .await?,
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

/// Every tag of the user with how many contacts carry it and its cadence.
pub(crate) async fn tags(pool: &Pool, user: UserId) -> Result<Vec<TagSummary>> {
    let rows: Vec<(String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT t.name, count(ct.contact_id), t.cadence_days FROM tags t \
         LEFT JOIN contact_tags ct ON ct.tag_id = t.id \
         WHERE t.user_id = $1 GROUP BY t.id, t.name, t.cadence_days",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await?;
    let mut rows = rows;
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(rows
        .into_iter()
        .map(|(name, contacts, days)| TagSummary {
            name,
            contacts,
            cadence: days.and_then(|d| Cadence::from_days(u32::try_from(d).ok()?)),
        })
        .collect())
}

/// Sets (or with `None` removes) the keep-in-touch interval of a tag.
pub(crate) async fn set_tag_cadence(
    pool: &Pool,
    user: UserId,
    tag: &TagName,
    cadence: Option<Cadence>,
) -> Result<()> {
    let done = sqlx::query("UPDATE tags SET cadence_days = $3 WHERE user_id = $1 AND name = $2")
        .bind(user.0)
        .bind(tag.as_str())
        .bind(cadence.map(|c| i64::from(c.days())))
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("tag", tag));
    }
    Ok(())
}
