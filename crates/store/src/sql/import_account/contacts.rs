//! The contacts of an account document: their rows, lists, records and
//! employments.

use super::super::*;
use super::{IdMap, mapped};
use crate::export::{AccountExport, ExportedContact};

/// The contacts' own rows (introducers come later, once every contact has
/// its new id).
pub(super) async fn write_contacts(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedContact],
    orgs: &IdMap,
) -> Result<IdMap> {
    let mut contacts = HashMap::new();
    for c in list {
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
        .bind(user.0)
        .bind(&c.uid)
        .bind(&c.name)
        .bind(sort_key(&c.name))
        .bind(&c.given_name)
        .bind(&c.family_name)
        .bind(&c.nickname)
        .bind(c.organisation_id.map(|o| mapped(orgs, o)))
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
    Ok(contacts)
}

/// E-mails, phones and links in position order, and tags, by the code
/// every contact write uses.
pub(super) async fn write_contact_lists(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedContact],
    contacts: &IdMap,
    tags: &HashMap<&str, i64>,
) -> Result<()> {
    let new = |c: &ExportedContact| mapped(contacts, c.id);
    insert_emails(
        &mut *conn,
        user,
        list.iter()
            .flat_map(|c| numbered(new(c), c.emails.iter().map(String::as_str))),
    )
    .await?;
    let phones: Vec<(i64, i64, (&str, String))> = list
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
        list.iter().flat_map(|c| {
            numbered(
                new(c),
                c.links.iter().map(|l| (l.url.as_str(), l.kind.as_str())),
            )
        }),
    )
    .await?;
    let tag_rows: Vec<(i64, i64)> = list
        .iter()
        .flat_map(|c| c.tags.iter().map(|t| (new(c), tags[t.as_str()])))
        .collect();
    insert_contact_tags(&mut *conn, user, &tag_rows).await
}

/// Per contact, in file order: its introducer, stored vCard, timeline
/// events and import sources.
pub(super) async fn write_contact_records(
    conn: &mut Conn,
    user: UserId,
    list: &[ExportedContact],
    contacts: &IdMap,
) -> Result<()> {
    let u = user.0;
    for c in list {
        let id = mapped(contacts, c.id);
        if let Some(introducer) = c.introduced_by {
            sqlx::query("UPDATE contacts SET introduced_by = $3 WHERE user_id = $1 AND id = $2")
                .bind(u)
                .bind(id)
                .bind(mapped(contacts, introducer))
                .execute(&mut *conn)
                .await?;
        }
        if let Some(card) = &c.card {
            sqlx::query(
                "INSERT INTO contact_cards (contact_id, user_id, card) VALUES ($1, $2, $3)",
            )
            .bind(id)
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
            .bind(id)
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
            .bind(id)
            .bind(&s.fingerprint)
            .bind(s.imported_at)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// The user's own employments first, then each contact's.
pub(super) async fn write_employments(
    conn: &mut Conn,
    user: UserId,
    doc: &AccountExport,
    orgs: &IdMap,
    contacts: &IdMap,
) -> Result<()> {
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
        .bind(user.0)
        .bind(contact.map(|c| mapped(contacts, c.id)))
        .bind(mapped(orgs, e.organisation_id))
        .bind(&e.title)
        .bind(&e.started_on)
        .bind(&e.ended_on)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
