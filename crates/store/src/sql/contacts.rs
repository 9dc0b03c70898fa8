//! Adding and reading contacts.

use super::*;

pub(crate) fn draft_doc(draft: &ContactDraft) -> String {
    SearchDoc::default()
        .add(draft.name.as_ref().map(|n| n.as_str()))
        .add(draft.nickname.as_deref())
        .add(draft.organisation.as_deref())
        .add(draft.title.as_deref())
        .add(draft.function.as_deref())
        .add(draft.industry.as_deref())
        .add(draft.location.as_deref())
        .add(draft.how_met.as_deref())
        .add(draft.notes.as_deref())
        .add_emails(draft.emails.iter().map(|e| e.as_str()))
        .add_all(draft.tags.iter().map(|t| t.as_str()))
        .finish()
}

pub(crate) fn contact_doc(contact: &Contact) -> String {
    SearchDoc::default()
        .add(Some(&contact.name))
        .add(contact.nickname.as_deref())
        .add(contact.organisation.as_ref().map(|o| o.name.as_str()))
        .add(contact.title.as_deref())
        .add(contact.function.as_deref())
        .add(contact.industry.as_deref())
        .add(contact.location.as_deref())
        .add(contact.how_met.as_deref())
        .add(contact.notes.as_deref())
        .add_emails(contact.emails.iter().map(String::as_str))
        .add_all(contact.tags.iter().map(String::as_str))
        .finish()
}

pub(crate) async fn add_contacts(
    pool: &Pool,
    user: UserId,
    records: &[ContactRecord],
    now: DateTime<Utc>,
) -> Result<Vec<ContactId>> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let ids = insert_contacts(&mut tx, user, records, now).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Inserts contacts with their lists, tags, search documents and change-log
/// entries, inside the caller's transaction (which has locked the user).
pub(crate) async fn insert_contacts(
    tx: &mut Conn,
    user: UserId,
    records: &[ContactRecord],
    now: DateTime<Utc>,
) -> Result<Vec<ContactId>> {
    if records.iter().any(|r| r.draft.name.is_none()) {
        return Err(StoreError::invalid(crate::Input::Name, "must not be empty"));
    }
    check_contacts(
        tx,
        user,
        records.iter().filter_map(|r| r.draft.introduced_by),
    )
    .await?;
    let mut organisations = HashMap::new();
    let mut tags = HashMap::new();
    let mut ids = Vec::with_capacity(records.len());
    for chunk in records.chunks(CHUNK) {
        let uids: Vec<String> = chunk
            .iter()
            .map(|r| r.draft.uid.clone().unwrap_or_else(new_uid))
            .collect();
        let mut org_ids = Vec::with_capacity(chunk.len());
        for record in chunk {
            org_ids.push(match &record.draft.organisation {
                Some(name) => {
                    Some(organisation_id(&mut *tx, user, name, &mut organisations, now).await?)
                }
                None => None,
            });
        }
        let chunk_ids = insert_contact_rows(&mut *tx, user, chunk, &uids, &org_ids).await?;
        let drafts: Vec<(i64, &ContactDraft)> = chunk_ids
            .iter()
            .copied()
            .zip(chunk.iter().map(|r| &r.draft))
            .collect();
        insert_draft_lists(&mut *tx, user, &drafts, &mut tags).await?;
        let docs: Vec<(i64, String)> = drafts.iter().map(|(id, d)| (*id, draft_doc(d))).collect();
        set_search_docs(&mut *tx, user, &docs).await?;
        let changes: Vec<(i64, &str, i64)> = chunk_ids
            .iter()
            .zip(&uids)
            .map(|(id, uid)| (*id, uid.as_str(), 1))
            .collect();
        record_changes(&mut *tx, user, &changes, false, now).await?;
        ids.extend(chunk_ids.into_iter().map(ContactId));
    }
    Ok(ids)
}

/// One chunk of contacts' rows in one INSERT; their new ids, in the chunk's
/// order (matched back by UID).
async fn insert_contact_rows(
    tx: &mut Conn,
    user: UserId,
    chunk: &[ContactRecord],
    uids: &[String],
    org_ids: &[Option<i64>],
) -> Result<Vec<i64>> {
    // SQLite numbers them itself only above every id ever used.
    let first_id = next_contact_id(&mut *tx).await?;
    let mut qb = QueryBuilder::<Db>::new(if first_id.is_some() {
        "INSERT INTO contacts (id, user_id, uid, full_name, sort_key, given_name, family_name, \
         nickname, organisation_id, title, function, industry, location, timezone, birthday, \
         how_met, introduced_by, notes, cadence_days, created_at, updated_at) "
    } else {
        "INSERT INTO contacts (user_id, uid, full_name, sort_key, given_name, family_name, \
         nickname, organisation_id, title, function, industry, location, timezone, birthday, \
         how_met, introduced_by, notes, cadence_days, created_at, updated_at) "
    });
    qb.push_values(
        chunk.iter().zip(uids).zip(org_ids).enumerate(),
        |mut row, (i, ((record, uid), org))| {
            let d = &record.draft;
            let name = d.name.as_ref().map(|n| n.as_str()).unwrap_or_default();
            let created = from_time(record.created_at);
            if let Some(first) = first_id {
                row.push_bind(first + i as i64);
            }
            row.push_bind(user.0)
                .push_bind(uid.as_str())
                .push_bind(name)
                .push_bind(sort_key(name))
                .push_bind(d.given_name.as_deref())
                .push_bind(d.family_name.as_deref())
                .push_bind(d.nickname.as_deref())
                .push_bind(*org)
                .push_bind(d.title.as_deref())
                .push_bind(d.function.as_deref())
                .push_bind(d.industry.as_deref())
                .push_bind(d.location.as_deref())
                .push_bind(d.timezone.map(|z| z.name()))
                .push_bind(d.birthday.map(|b| b.to_string()))
                .push_bind(d.how_met.as_deref())
                .push_bind(d.introduced_by.map(|c| c.0))
                .push_bind(d.notes.as_deref())
                .push_bind(d.cadence.map(|c| i64::from(c.days())))
                .push_bind(created)
                .push_bind(created);
        },
    );
    qb.push(" RETURNING id, uid");
    let rows: Vec<(i64, String)> =
        qb.build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => {
                    StoreError::Conflict("a contact with the same UID already exists".into())
                }
                other => other,
            })?;
    let by_uid: HashMap<&str, i64> = rows.iter().map(|(id, uid)| (uid.as_str(), *id)).collect();
    Ok(uids.iter().map(|u| by_uid[u.as_str()]).collect())
}

/// New contacts' e-mails, phones and links in position order, and their
/// tags (each once, created on first use).
async fn insert_draft_lists(
    tx: &mut Conn,
    user: UserId,
    drafts: &[(i64, &ContactDraft)],
    tags: &mut HashMap<String, i64>,
) -> Result<()> {
    insert_emails(
        &mut *tx,
        user,
        drafts
            .iter()
            .flat_map(|(id, d)| numbered(*id, d.emails.iter().map(|e| e.as_str()))),
    )
    .await?;
    insert_phones(
        &mut *tx,
        user,
        drafts.iter().flat_map(|(id, d)| {
            numbered(*id, d.phones.iter().map(|p| (p.as_str(), p.normalized())))
        }),
    )
    .await?;
    insert_links(
        &mut *tx,
        user,
        drafts.iter().flat_map(|(id, d)| {
            numbered(*id, d.links.iter().map(|l| (l.url(), l.kind().as_str())))
        }),
    )
    .await?;
    let mut tag_rows = Vec::new();
    for (id, draft) in drafts {
        let mut seen = HashSet::new();
        for tag in &draft.tags {
            if seen.insert(tag.as_str()) {
                tag_rows.push((*id, tag_id(&mut *tx, user, tag.as_str(), tags).await?));
            }
        }
    }
    insert_contact_tags(&mut *tx, user, &tag_rows).await
}

pub(crate) async fn insert_emails<'a>(
    conn: &mut Conn,
    user: UserId,
    rows: impl Iterator<Item = (i64, i64, &'a str)>,
) -> Result<()> {
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_emails (user_id, contact_id, position, address, address_key) ",
        );
        qb.push_values(chunk, |mut row, (contact, position, address)| {
            row.push_bind(user.0)
                .push_bind(*contact)
                .push_bind(*position)
                .push_bind(*address)
                .push_bind(address.to_lowercase());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(crate) async fn insert_phones<'a>(
    conn: &mut Conn,
    user: UserId,
    rows: impl Iterator<Item = (i64, i64, (&'a str, String))>,
) -> Result<()> {
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_phones (user_id, contact_id, position, number, number_key) ",
        );
        qb.push_values(chunk, |mut row, (contact, position, (number, key))| {
            row.push_bind(user.0)
                .push_bind(*contact)
                .push_bind(*position)
                .push_bind(*number)
                .push_bind(key.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(crate) async fn insert_links<'a>(
    conn: &mut Conn,
    user: UserId,
    rows: impl Iterator<Item = (i64, i64, (&'a str, &'a str))>,
) -> Result<()> {
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_links (user_id, contact_id, position, url, kind) ",
        );
        qb.push_values(chunk, |mut row, (contact, position, (url, kind))| {
            row.push_bind(user.0)
                .push_bind(*contact)
                .push_bind(*position)
                .push_bind(*url)
                .push_bind(*kind);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(crate) async fn insert_contact_tags(
    conn: &mut Conn,
    user: UserId,
    rows: &[(i64, i64)],
) -> Result<()> {
    for chunk in rows.chunks(CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO contact_tags (contact_id, tag_id, user_id) ");
        qb.push_values(chunk, |mut row, (contact, tag)| {
            row.push_bind(*contact).push_bind(*tag).push_bind(user.0);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(crate) async fn contact_row(
    conn: &mut Conn,
    user: UserId,
    id: ContactId,
) -> Result<ContactRow> {
    sqlx::query_as(concat!(
        contact_select!(),
        "WHERE c.user_id = $1 AND c.id = $2"
    ))
    .bind(user.0)
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::not_found("contact", id))
}

pub(crate) async fn contact_parts(conn: &mut Conn, id: i64) -> Result<ContactParts> {
    let emails = sqlx::query_scalar(
        "SELECT address FROM contact_emails WHERE contact_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let phones = sqlx::query_scalar(
        "SELECT number FROM contact_phones WHERE contact_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let links: Vec<(String, String)> = sqlx::query_as(
        "SELECT url, kind FROM contact_links WHERE contact_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    // Tags are ordered here, bytewise, the same on both backends (an ORDER BY
    // would follow PostgreSQL's collation).
    let mut tags: Vec<String> = sqlx::query_scalar(
        "SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    tags.sort_unstable();
    Ok(ContactParts {
        emails,
        phones,
        links: links
            .into_iter()
            .map(|(url, kind)| StoredLink { url, kind })
            .collect(),
        tags,
    })
}

pub(crate) async fn contact_in(conn: &mut Conn, user: UserId, id: ContactId) -> Result<Contact> {
    let row = contact_row(conn, user, id).await?;
    let parts = contact_parts(conn, row.id).await?;
    Ok(row.into_contact(parts))
}

pub(crate) async fn contact(pool: &Pool, user: UserId, id: ContactId) -> Result<Contact> {
    let mut conn = pool.acquire().await?;
    contact_in(&mut conn, user, id).await
}
