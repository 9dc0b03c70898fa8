//! A whole account out as one document, and into an empty account; every
//! account of an instance out and back in (`crate::export` has the types).

use kith_core::conversation::{Channel, ConversationKind};

use super::super::begin_read;
use super::*;
use crate::export::{
    AccountExport, AccountRow, BackedUpSignIn, BackedUpUser, ExportedBlock, ExportedContact,
    ExportedConversation, ExportedEmployment, ExportedEvent, ExportedFollowUp, ExportedGoal,
    ExportedLearning, ExportedLink, ExportedMeeting, ExportedOrganisation, ExportedSettings,
    ExportedSource, ExportedTag, InstanceBackup,
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

async fn read_account(conn: &mut Conn, user: UserId, exported_at: String) -> Result<AccountExport> {
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

    let mut contacts: Vec<ExportedContact> = sqlx::query_as(
        "SELECT id, uid, full_name AS name, given_name, family_name, nickname, organisation_id, \
         title, function, industry, location, timezone, birthday, how_met, introduced_by, notes, \
         cadence_days, snoozed_until, archived, created_at, updated_at, revision, dav_name \
         FROM contacts WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
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
    let mut jobs = grouped(
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
    );
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
    let mut sources: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT contact_id, source, source_key, fingerprint, imported_at FROM import_sources \
         WHERE user_id = $1",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;
    sources.sort_unstable_by(|a, b| (&a.1, &a.2).cmp(&(&b.1, &b.2)));
    let mut sources = grouped(
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
    );
    for c in &mut contacts {
        c.emails = emails.remove(&c.id).unwrap_or_default();
        c.phones = phones.remove(&c.id).unwrap_or_default();
        c.links = links.remove(&c.id).unwrap_or_default();
        c.tags = contact_tags.remove(&c.id).unwrap_or_default();
        c.tags.sort_unstable();
        c.employments = jobs.remove(&Some(c.id)).unwrap_or_default();
        c.card = cards.remove(&c.id);
        c.events = events.remove(&c.id).unwrap_or_default();
        c.import_sources = sources.remove(&c.id).unwrap_or_default();
    }
    let employments = jobs.remove(&None).unwrap_or_default();

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

    let follow_ups: Vec<ExportedFollowUp> = sqlx::query_as(
        "SELECT id, contact_id, conversation_id, owner, kind, title, due_on, loop_back, status, \
         parent_id, subject_id, created_at, closed_at FROM follow_ups \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(u)
    .fetch_all(&mut *conn)
    .await?;

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

/// Maps the file's ids to the new ones.
fn mapped(map: &HashMap<i64, i64>, id: i64) -> i64 {
    // `AccountExport::validate` has checked every reference.
    map[&id]
}

async fn write_account(
    conn: &mut Conn,
    user: UserId,
    doc: &AccountExport,
    now: DateTime<Utc>,
) -> Result<()> {
    let u = user.0;
    let existing = account_contents(conn, user).await?;
    if !existing.is_empty() {
        return Err(StoreError::Conflict(format!(
            "this account is not empty ({existing}); import json only fills an empty \
             account (use a new database or another user)"
        )));
    }
    let s = &doc.user;
    let done = sqlx::query(
        "UPDATE users SET display_name = $2, email = $3, timezone = $4, \
         default_cadence_days = $5, light_resets_clock = $6, jitsi_base_url = $7 WHERE id = $1",
    )
    .bind(u)
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
        let tz = kith_core::values::TimeZone::parse(&s.timezone)?;
        let next = kith_core::digest::next_after(settings.days, settings.at, tz, now);
        set_digest_in(conn, user, &settings, Some(next)).await?;
    }

    // Every list is inserted one row at a time in file order, so the new
    // ids keep the file's relative order.
    let mut orgs = HashMap::new();
    for o in &doc.organisations {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (user_id, name, name_key, is_mine, industry, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(u)
        .bind(&o.name)
        .bind(o.name.to_lowercase())
        .bind(o.is_mine)
        .bind(&o.industry)
        .bind(o.created_at)
        .fetch_one(&mut *conn)
        .await?;
        orgs.insert(o.id, id);
    }
    let mut tags = HashMap::new();
    for t in &doc.tags {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tags (user_id, name, cadence_days) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(u)
        .bind(&t.name)
        .bind(t.cadence_days)
        .fetch_one(&mut *conn)
        .await?;
        tags.insert(t.name.as_str(), id);
    }

    let mut contacts = HashMap::new();
    for c in &doc.contacts {
        // PostgreSQL's identity numbers it; SQLite above every id ever used
        // (`next_contact_id`).
        let fixed = next_contact_id(&mut *conn).await?;
        let insert = sqlx::query_scalar(if fixed.is_some() {
            "INSERT INTO contacts (id, user_id, uid, full_name, sort_key, given_name, family_name, \
             nickname, organisation_id, title, function, industry, location, timezone, birthday, \
             how_met, notes, cadence_days, snoozed_until, archived, created_at, updated_at, \
             revision, dav_name) VALUES ($24, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) RETURNING id"
        } else {
            "INSERT INTO contacts (user_id, uid, full_name, sort_key, given_name, family_name, \
             nickname, organisation_id, title, function, industry, location, timezone, birthday, \
             how_met, notes, cadence_days, snoozed_until, archived, created_at, updated_at, \
             revision, dav_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
             $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) RETURNING id"
        })
        .bind(u)
        .bind(&c.uid)
        .bind(&c.name)
        .bind(sort_key(&c.name))
        .bind(&c.given_name)
        .bind(&c.family_name)
        .bind(&c.nickname)
        .bind(c.organisation_id.map(|o| mapped(&orgs, o)))
        .bind(&c.title)
        .bind(&c.function)
        .bind(&c.industry)
        .bind(&c.location)
        .bind(&c.timezone)
        .bind(&c.birthday)
        .bind(&c.how_met)
        .bind(&c.notes)
        .bind(c.cadence_days)
        .bind(c.snoozed_until)
        .bind(c.archived)
        .bind(c.created_at)
        .bind(c.updated_at)
        .bind(c.revision)
        .bind(&c.dav_name);
        let id: i64 = match fixed {
            Some(id) => insert.bind(id),
            None => insert,
        }
        .fetch_one(&mut *conn)
        .await?;
        contacts.insert(c.id, id);
    }
    let new = |c: &ExportedContact| mapped(&contacts, c.id);
    insert_emails(
        &mut *conn,
        user,
        doc.contacts
            .iter()
            .flat_map(|c| numbered(new(c), c.emails.iter().map(String::as_str))),
    )
    .await?;
    let phones: Vec<(i64, i64, (&str, String))> = doc
        .contacts
        .iter()
        .flat_map(|c| {
            numbered(
                new(c),
                c.phones.iter().map(|p| {
                    let key = Phone::parse(p).map(|p| p.normalized()).unwrap_or_default();
                    (p.as_str(), key)
                }),
            )
        })
        .collect();
    insert_phones(&mut *conn, user, phones.into_iter()).await?;
    insert_links(
        &mut *conn,
        user,
        doc.contacts.iter().flat_map(|c| {
            numbered(
                new(c),
                c.links.iter().map(|l| (l.url.as_str(), l.kind.as_str())),
            )
        }),
    )
    .await?;
    let tag_rows: Vec<(i64, i64)> = doc
        .contacts
        .iter()
        .flat_map(|c| c.tags.iter().map(|t| (new(c), tags[t.as_str()])))
        .collect();
    insert_contact_tags(&mut *conn, user, &tag_rows).await?;
    for c in &doc.contacts {
        if let Some(introducer) = c.introduced_by {
            sqlx::query("UPDATE contacts SET introduced_by = $3 WHERE user_id = $1 AND id = $2")
                .bind(u)
                .bind(new(c))
                .bind(mapped(&contacts, introducer))
                .execute(&mut *conn)
                .await?;
        }
        if let Some(card) = &c.card {
            sqlx::query(
                "INSERT INTO contact_cards (contact_id, user_id, card) VALUES ($1, $2, $3)",
            )
            .bind(new(c))
            .bind(u)
            .bind(card)
            .execute(&mut *conn)
            .await?;
        }
        for e in &c.events {
            sqlx::query(
                "INSERT INTO contact_events (user_id, contact_id, occurred_on, kind) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(u)
            .bind(new(c))
            .bind(&e.occurred_on)
            .bind(&e.kind)
            .execute(&mut *conn)
            .await?;
        }
        for s in &c.import_sources {
            sqlx::query(
                "INSERT INTO import_sources (user_id, source, source_key, contact_id, \
                 fingerprint, imported_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(u)
            .bind(&s.source)
            .bind(&s.key)
            .bind(new(c))
            .bind(&s.fingerprint)
            .bind(s.imported_at)
            .execute(&mut *conn)
            .await?;
        }
    }
    let jobs = doc.employments.iter().map(|e| (None, e)).chain(
        doc.contacts
            .iter()
            .flat_map(|c| c.employments.iter().map(move |e| (Some(c), e))),
    );
    for (contact, e) in jobs {
        sqlx::query(
            "INSERT INTO employments (user_id, contact_id, organisation_id, title, started_on, \
             ended_on) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(u)
        .bind(contact.map(new))
        .bind(mapped(&orgs, e.organisation_id))
        .bind(&e.title)
        .bind(&e.started_on)
        .bind(&e.ended_on)
        .execute(&mut *conn)
        .await?;
    }

    // Conversations are the bulk of an account: written many to a statement
    // and matched back by their UIDs (unique in the file). Both engines
    // number the rows of one INSERT in the order of its VALUES.
    let mut conversations = HashMap::new();
    for chunk in doc.conversations.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO conversations (user_id, uid, occurred_at, channel, minutes, summary, \
             kind, created_at, updated_at) ",
        );
        qb.push_values(chunk, |mut row, c| {
            row.push_bind(u)
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
    let participants: Vec<(i64, i64, &ExportedConversation)> = doc
        .conversations
        .iter()
        .flat_map(|c| {
            let id = conversations[&c.id];
            let contacts = &contacts;
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
                .push_bind(u)
                .push_bind(c.occurred_at)
                .push_bind(c.channel.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    let learned: Vec<(i64, &ExportedLearning)> = doc
        .conversations
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
            row.push_bind(u)
                .push_bind(*id)
                .push_bind(l.kind.as_str())
                .push_bind(l.text.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    // The activity summary and the ties, folded in by the code that logging
    // a conversation uses (it reads the time, channel and participants).
    let mut logged = Vec::with_capacity(doc.conversations.len());
    for c in &doc.conversations {
        logged.push(NewConversation {
            occurred_at: to_time(c.occurred_at),
            channel: Channel::parse(&c.channel)?,
            minutes: None,
            summary: String::new(),
            participants: c
                .participants
                .iter()
                .map(|p| ContactId(mapped(&contacts, *p)))
                .collect(),
            uid: None,
            kind: ConversationKind::parse(&c.kind)?,
            learned: Vec::new(),
        });
    }
    add_activity(&mut *conn, user, &logged).await?;
    add_ties(&mut *conn, user, &logged).await?;

    let mut follow_ups = HashMap::new();
    for f in &doc.follow_ups {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO follow_ups (user_id, contact_id, conversation_id, owner, kind, title, \
             due_on, loop_back, status, subject_id, created_at, closed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(u)
        .bind(mapped(&contacts, f.contact_id))
        .bind(f.conversation_id.map(|c| mapped(&conversations, c)))
        .bind(&f.owner)
        .bind(&f.kind)
        .bind(&f.title)
        .bind(&f.due_on)
        .bind(f.loop_back)
        .bind(&f.status)
        .bind(f.subject_id.map(|c| mapped(&contacts, c)))
        .bind(f.created_at)
        .bind(f.closed_at)
        .fetch_one(&mut *conn)
        .await?;
        follow_ups.insert(f.id, id);
    }
    for f in &doc.follow_ups {
        if let Some(parent) = f.parent_id {
            sqlx::query("UPDATE follow_ups SET parent_id = $3 WHERE user_id = $1 AND id = $2")
                .bind(u)
                .bind(follow_ups[&f.id])
                .bind(mapped(&follow_ups, parent))
                .execute(&mut *conn)
                .await?;
        }
    }

    let mut goals = HashMap::new();
    for g in &doc.goals {
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
            .bind(mapped(&contacts, *c))
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
            .bind(mapped(&conversations, *c))
            .bind(u)
            .execute(&mut *conn)
            .await?;
        }
    }

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
        .bind(m.conversation_id.map(|c| mapped(&conversations, c)))
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
            .bind(mapped(&contacts, *c))
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

    for b in &doc.outreach_blocks {
        sqlx::query(
            "INSERT INTO outreach_blocks (user_id, weekdays, start_time, minutes, people, \
             goal_id, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(u)
        .bind(b.weekdays)
        .bind(&b.start_time)
        .bind(b.minutes)
        .bind(b.people)
        .bind(b.goal_id.map(|g| mapped(&goals, g)))
        .bind(b.active)
        .bind(b.created_at)
        .execute(&mut *conn)
        .await?;
    }

    // Search documents from the contacts as stored, by the code every
    // contact write uses; and a "put" in the change log for each contact.
    let mut docs = Vec::with_capacity(doc.contacts.len());
    for c in &doc.contacts {
        let contact = contact_in(&mut *conn, user, ContactId(new(c))).await?;
        docs.push((contact.id.0, contact_doc(&contact)));
    }
    set_search_docs(&mut *conn, user, &docs).await?;
    let changes: Vec<(i64, &str, i64)> = doc
        .contacts
        .iter()
        .map(|c| (new(c), c.uid.as_str(), c.revision))
        .collect();
    record_changes(&mut *conn, user, &changes, false, now).await?;
    Ok(())
}

/// Every user with their account, in id order, from one read snapshot.
pub(crate) async fn backup_instance(pool: &Pool, at: String) -> Result<InstanceBackup> {
    let mut tx = begin_read(pool).await?;
    let rows: Vec<AccountRow> = sqlx::query_as(
        "SELECT id, username, password_hash, is_admin, disabled, created_at FROM users \
         ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut users = Vec::with_capacity(rows.len());
    for row in rows {
        let account = read_account(&mut tx, UserId(row.id), at.clone()).await?;
        let sign_in = read_sign_in(&mut tx, row.id).await?;
        users.push(BackedUpUser {
            username: row.username,
            password_hash: row.password_hash,
            is_admin: row.is_admin,
            disabled: row.disabled,
            created_at: row.created_at,
            sign_in,
            account,
        });
    }
    tx.commit().await?;
    Ok(InstanceBackup {
        kith_backup: crate::export::BACKUP_VERSION,
        backed_up_at: at,
        users,
    })
}

pub(crate) async fn restore_instance(
    pool: &Pool,
    backup: &InstanceBackup,
    replace: bool,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut tx = begin_write(pool).await?;
    lock_users(&mut tx).await?;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 && !replace {
        return Err(StoreError::Conflict(format!(
            "the database already has {existing} user(s); restore only fills an empty \
             database (--force deletes every user and all their data first)"
        )));
    }
    if existing > 0 {
        // Every user's rows go with them (ON DELETE CASCADE).
        sqlx::query("DELETE FROM login_failures")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM users").execute(&mut *tx).await?;
    }
    for BackedUpUser {
        username,
        password_hash,
        is_admin,
        disabled,
        created_at,
        sign_in,
        account,
    } in &backup.users
    {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, is_admin, disabled, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(username)
        .bind(&account.user.display_name)
        .bind(password_hash)
        .bind(is_admin)
        .bind(disabled)
        .bind(created_at)
        .fetch_one(&mut *tx)
        .await?;
        write_account(&mut tx, UserId(id), account, now).await?;
        write_sign_in(&mut tx, id, sign_in).await?;
    }
    tx.commit().await?;
    Ok(usize::try_from(existing).unwrap_or(0))
}

/// A user's second factor, recovery codes, passkeys and linked accounts.
async fn read_sign_in(conn: &mut Conn, user: i64) -> Result<BackedUpSignIn> {
    Ok(BackedUpSignIn {
        totp: sqlx::query_as(
            "SELECT secret, confirmed_at, last_step, created_at FROM totp_factors \
             WHERE user_id = $1",
        )
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?,
        recovery_codes: sqlx::query_as(
            "SELECT digest, used_at FROM recovery_codes WHERE user_id = $1 ORDER BY id",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?,
        passkeys: sqlx::query_as(
            "SELECT name, credential_id, credential, created_at, last_used_at FROM passkeys \
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?,
        identities: sqlx::query_as(
            "SELECT provider, subject, email, created_at, last_used_at FROM identities \
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?,
    })
}

async fn write_sign_in(conn: &mut Conn, user: i64, sign_in: &BackedUpSignIn) -> Result<()> {
    if let Some(t) = &sign_in.totp {
        sqlx::query(
            "INSERT INTO totp_factors (user_id, secret, confirmed_at, last_step, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user)
        .bind(&t.secret)
        .bind(t.confirmed_at)
        .bind(t.last_step)
        .bind(t.created_at)
        .execute(&mut *conn)
        .await?;
    }
    for code in &sign_in.recovery_codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, digest, used_at) VALUES ($1, $2, $3)")
            .bind(user)
            .bind(&code.digest)
            .bind(code.used_at)
            .execute(&mut *conn)
            .await?;
    }
    for key in &sign_in.passkeys {
        sqlx::query(
            "INSERT INTO passkeys (user_id, name, credential_id, credential, created_at, \
             last_used_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user)
        .bind(&key.name)
        .bind(&key.credential_id)
        .bind(&key.credential)
        .bind(key.created_at)
        .bind(key.last_used_at)
        .execute(&mut *conn)
        .await?;
    }
    for identity in &sign_in.identities {
        sqlx::query(
            "INSERT INTO identities (user_id, provider, subject, email, created_at, \
             last_used_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user)
        .bind(&identity.provider)
        .bind(&identity.subject)
        .bind(&identity.email)
        .bind(identity.created_at)
        .bind(identity.last_used_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
