//! A whole account out as one document, read table by table in one snapshot
//! (`crate::export` has the types; `import_account.rs` writes it back and
//! `backup.rs` does every account of an instance).

use super::super::begin_read;
use super::*;
use crate::export::{
    AccountExport, ExportedBlock, ExportedContact, ExportedConversation, ExportedEmployment,
    ExportedEvent, ExportedFollowUp, ExportedGoal, ExportedLearning, ExportedLink, ExportedMeeting,
    ExportedOrganisation, ExportedSettings, ExportedSource, ExportedTag,
};

/// Rows grouped by their first column, in the order they came.
fn grouped<K: std::hash::Hash + Eq, V>(rows: Vec<(K, V)>) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = HashMap::new();
    for (k, v) in rows {
        map.entry(k).or_default().push(v);
    }
    map
}

pub(crate) async fn export_account(
    pool: &Pool,
    user: UserId,
    exported_at: String,
) -> Result<AccountExport> {
    let mut tx = begin_read(pool).await?;
    let doc = read_account(&mut tx, user, exported_at).await?;
    tx.commit().await?;
    Ok(doc)
}

/// Reads every section of the account; the caller holds the snapshot.
pub(super) async fn read_account(
    conn: &mut Conn,
    user: UserId,
    exported_at: String,
) -> Result<AccountExport> {
    let u = user.0;
    let settings = read_settings(conn, user).await?;
    let organisations: Vec<ExportedOrganisation> = sqlx::query_as(
        "SELECT id, name, is_mine, industry, created_at FROM organisations \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let tags: Vec<ExportedTag> =
        sqlx::query_as("SELECT id, name, cadence_days FROM tags WHERE user_id = $1 ORDER BY id")
            .bind(u)
            .fetch_all(&mut *conn)
            .await?;
    let (contacts, employments) = read_contacts(conn, u).await?;
    let conversations = read_conversations(conn, u).await?;
    let follow_ups: Vec<ExportedFollowUp> = sqlx::query_as(
        "SELECT id, contact_id, conversation_id, owner, kind, title, due_on, loop_back, status, \
         parent_id, subject_id, created_at, closed_at FROM follow_ups \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let goals = read_goals(conn, u).await?;
    let meetings = read_meetings(conn, u).await?;
    let outreach_blocks: Vec<ExportedBlock> = sqlx::query_as(
        "SELECT id, weekdays, start_time, minutes, people, goal_id, active, created_at \
         FROM outreach_blocks WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;

    Ok(AccountExport {
        kith_export: crate::export::EXPORT_VERSION,
        exported_at,
        user: settings,
        organisations,
        tags,
        contacts,
        employments,
        conversations,
        follow_ups,
        goals,
        meetings,
        outreach_blocks,
    })
}

/// The user's profile and settings, with the digest's if it has any.
async fn read_settings(conn: &mut Conn, user: UserId) -> Result<ExportedSettings> {
    let u = user.0;
    let mut settings: ExportedSettings = sqlx::query_as(
        "SELECT display_name, email, timezone, default_cadence_days, light_resets_clock, \
         jitsi_base_url FROM users WHERE id = $1",
    )
    .bind(u)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::not_found("user", user))?;
    let has_digest: Option<(i64,)> =
        sqlx::query_as("SELECT user_id FROM digest_settings WHERE user_id = $1")
            .bind(u)
            .fetch_optional(&mut *conn)
            .await?;
    if has_digest.is_some() {
        let state = digest_state_in(conn, user).await?;
        settings.digest = Some(crate::export::ExportedDigest::from_settings(
            &state.settings,
        ));
    }
    Ok(settings)
}

/// The contacts with everything kept per contact, and the user's own
/// employments (those with no contact).
async fn read_contacts(
    conn: &mut Conn,
    u: i64,
) -> Result<(Vec<ExportedContact>, Vec<ExportedEmployment>)> {
    let mut contacts: Vec<ExportedContact> = sqlx::query_as(
        "SELECT id, uid, full_name AS name, given_name, family_name, nickname, organisation_id, \
         title, function, industry, location, timezone, birthday, how_met, introduced_by, notes, \
         cadence_days, snoozed_until, archived, created_at, updated_at, revision, dav_name \
         FROM contacts WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    read_contact_lists(conn, u, &mut contacts).await?;
    let mut jobs = read_employments(conn, u).await?;
    let mut cards: HashMap<i64, String> =
        sqlx::query_as("SELECT contact_id, card FROM contact_cards WHERE user_id = $1")
            .bind(u)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    let events: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT contact_id, occurred_on, kind FROM contact_events WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let mut events = grouped(
        events
            .into_iter()
            .map(|(c, occurred_on, kind)| (c, ExportedEvent { occurred_on, kind }))
            .collect(),
    );
    let mut sources = read_import_sources(conn, u).await?;
    for c in &mut contacts {
        c.employments = jobs.remove(&Some(c.id)).unwrap_or_default();
        c.card = cards.remove(&c.id);
        c.events = events.remove(&c.id).unwrap_or_default();
        c.import_sources = sources.remove(&c.id).unwrap_or_default();
    }
    let employments = jobs.remove(&None).unwrap_or_default();
    Ok((contacts, employments))
}

/// Each contact's e-mails, phones and links in position order, and its
/// tags by name (sorted).
async fn read_contact_lists(
    conn: &mut Conn,
    u: i64,
    contacts: &mut [ExportedContact],
) -> Result<()> {
    let mut emails = grouped::<i64, String>(
        sqlx::query_as(
            "SELECT contact_id, address FROM contact_emails WHERE user_id = $1 \
             ORDER BY contact_id, position",
        )
        .bind(u)
        .fetch_all(&mut *conn)
        .await?,
    );
    let mut phones = grouped::<i64, String>(
        sqlx::query_as(
            "SELECT contact_id, number FROM contact_phones WHERE user_id = $1 \
             ORDER BY contact_id, position",
        )
        .bind(u)
        .fetch_all(&mut *conn)
        .await?,
    );
    let links: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT contact_id, url, kind FROM contact_links WHERE user_id = $1 \
         ORDER BY contact_id, position",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let mut links = grouped(
        links
            .into_iter()
            .map(|(c, url, kind)| (c, ExportedLink { url, kind }))
            .collect(),
    );
    let mut contact_tags = grouped::<i64, String>(
        sqlx::query_as(
            "SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id \
             WHERE ct.user_id = $1",
        )
        .bind(u)
        .fetch_all(&mut *conn)
        .await?,
    );
    for c in contacts {
        c.emails = emails.remove(&c.id).unwrap_or_default();
        c.phones = phones.remove(&c.id).unwrap_or_default();
        c.links = links.remove(&c.id).unwrap_or_default();
        c.tags = contact_tags.remove(&c.id).unwrap_or_default();
        c.tags.sort_unstable();
    }
    Ok(())
}

/// Employments by contact (`None`: the user's own), in id order.
async fn read_employments(
    conn: &mut Conn,
    u: i64,
) -> Result<HashMap<Option<i64>, Vec<ExportedEmployment>>> {
    type JobRow = (
        Option<i64>,
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let jobs: Vec<JobRow> = sqlx::query_as(
        "SELECT contact_id, organisation_id, title, started_on, ended_on FROM employments \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    Ok(grouped(
        jobs.into_iter()
            .map(|(c, organisation_id, title, started_on, ended_on)| {
                (
                    c,
                    ExportedEmployment {
                        organisation_id,
                        title,
                        started_on,
                        ended_on,
                    },
                )
            })
            .collect(),
    ))
}

/// Import sources by contact, ordered by source and key.
async fn read_import_sources(conn: &mut Conn, u: i64) -> Result<HashMap<i64, Vec<ExportedSource>>> {
    let mut sources: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT contact_id, source, source_key, fingerprint, imported_at FROM import_sources \
         WHERE user_id = $1",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    sources.sort_unstable_by(|a, b| (&a.1, &a.2).cmp(&(&b.1, &b.2)));
    Ok(grouped(
        sources
            .into_iter()
            .map(|(c, source, key, fingerprint, imported_at)| {
                (
                    c,
                    ExportedSource {
                        source,
                        key,
                        fingerprint,
                        imported_at,
                    },
                )
            })
            .collect(),
    ))
}

/// Conversations with their participants (sorted) and learnings.
async fn read_conversations(conn: &mut Conn, u: i64) -> Result<Vec<ExportedConversation>> {
    let mut conversations: Vec<ExportedConversation> = sqlx::query_as(
        "SELECT id, uid, occurred_at, channel, minutes, summary, kind, meeting_id, created_at, \
         updated_at FROM conversations WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let mut people = grouped::<i64, i64>(
        sqlx::query_as(
            "SELECT conversation_id, contact_id FROM conversation_participants WHERE user_id = $1",
        )
        .bind(u)
        .fetch_all(&mut *conn)
        .await?,
    );
    let learned: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT conversation_id, kind, text FROM conversation_learnings WHERE user_id = $1 \
         ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let mut learned = grouped(
        learned
            .into_iter()
            .map(|(c, kind, text)| (c, ExportedLearning { kind, text }))
            .collect(),
    );
    for c in &mut conversations {
        c.participants = people.remove(&c.id).unwrap_or_default();
        c.participants.sort_unstable();
        c.learnings = learned.remove(&c.id).unwrap_or_default();
    }
    Ok(conversations)
}

/// Goals with their contacts and conversations (sorted).
async fn read_goals(conn: &mut Conn, u: i64) -> Result<Vec<ExportedGoal>> {
    let mut goals: Vec<ExportedGoal> = sqlx::query_as(
        "SELECT id, kind, title, industry, function, company, skill, target_count, due_on, \
         status, created_at, closed_at FROM goals WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let mut goal_contacts = grouped::<i64, i64>(
        sqlx::query_as("SELECT goal_id, contact_id FROM goal_contacts WHERE user_id = $1")
            .bind(u)
            .fetch_all(&mut *conn)
            .await?,
    );
    let mut goal_conversations = grouped::<i64, i64>(
        sqlx::query_as(
            "SELECT goal_id, conversation_id FROM goal_conversations WHERE user_id = $1",
        )
        .bind(u)
        .fetch_all(&mut *conn)
        .await?,
    );
    for g in &mut goals {
        g.contacts = goal_contacts.remove(&g.id).unwrap_or_default();
        g.contacts.sort_unstable();
        g.conversations = goal_conversations.remove(&g.id).unwrap_or_default();
        g.conversations.sort_unstable();
    }
    Ok(goals)
}

/// Meetings with their attendees (sorted).
async fn read_meetings(conn: &mut Conn, u: i64) -> Result<Vec<ExportedMeeting>> {
    let mut meetings: Vec<ExportedMeeting> = sqlx::query_as(
        "SELECT id, uid, title, starts_at, minutes, mode, place, platform, join_url, phone, \
         sequence, status, dtstamp, conversation_id, created_at, updated_at FROM meetings \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    let mut attendees = grouped::<i64, i64>(
        sqlx::query_as("SELECT meeting_id, contact_id FROM meeting_attendees WHERE user_id = $1")
            .bind(u)
            .fetch_all(&mut *conn)
            .await?,
    );
    for m in &mut meetings {
        m.attendees = attendees.remove(&m.id).unwrap_or_default();
        m.attendees.sort_unstable();
    }
    Ok(meetings)
}
