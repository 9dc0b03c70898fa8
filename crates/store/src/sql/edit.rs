//! Changing a contact: fields, lists, tags, revision and change log.

use super::*;

pub(crate) fn patched<T: Clone>(current: Option<T>, change: &Option<Option<T>>) -> Option<T> {
    match change {
        Some(new) => new.clone(),
        None => current,
    }
}

pub(crate) async fn update_contact(
    pool: &Pool,
    user: UserId,
    id: ContactId,
    patch: &ContactPatch,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    if update_contact_in(&mut tx, user, id, patch, now).await? {
        tx.commit().await?;
    }
    Ok(())
}

/// Changes a contact inside the caller's transaction (which has locked the
/// user). Returns whether anything a card shows changed; when nothing did,
/// the revision is put back, so sync clients have nothing to fetch again.
pub(crate) async fn update_contact_in(
    tx: &mut Conn,
    user: UserId,
    id: ContactId,
    patch: &ContactPatch,
    now: DateTime<Utc>,
) -> Result<bool> {
    let before = contact_in(&mut *tx, user, id).await?;
    update_fields(&mut *tx, user, id, patch, now).await?;
    let current = contact_parts(&mut *tx, id.0).await?;
    edit_emails(&mut *tx, user, id, current.emails, patch).await?;
    edit_phones(&mut *tx, user, id, current.phones, patch).await?;
    edit_links(&mut *tx, user, id, current.links, patch).await?;
    edit_tags(&mut *tx, user, id, current.tags, patch).await?;
    card_changed(&mut *tx, user, id, &before, now).await
}

/// The contact's own columns, each from the patch or as they were; the
/// revision goes up (`card_changed` puts it back if nothing changed).
async fn update_fields(
    tx: &mut Conn,
    user: UserId,
    id: ContactId,
    patch: &ContactPatch,
    now: DateTime<Utc>,
) -> Result<()> {
    let row = contact_row(&mut *tx, user, id).await?;
    let organisation_id = match &patch.organisation {
        Some(Some(name)) => {
            Some(organisation_id(&mut *tx, user, name, &mut HashMap::new(), now).await?)
        }
        Some(None) => None,
        None => row.organisation_id,
    };
    if let Some(Some(introducer)) = patch.introduced_by {
        if introducer == id {
            return Err(StoreError::invalid(
                crate::Input::IntroducedBy,
                "a contact cannot introduce themselves",
            ));
        }
        check_contacts(&mut *tx, user, [introducer]).await?;
    }
    let name = patch
        .name
        .as_ref()
        .map_or(row.full_name.clone(), |n| n.as_str().to_owned());
    sqlx::query(
        "UPDATE contacts SET full_name = $3, sort_key = $4, given_name = $5, family_name = $6, \
         nickname = $7, organisation_id = $8, title = $9, function = $10, industry = $11, \
         location = $12, timezone = $13, birthday = $14, how_met = $15, introduced_by = $16, \
         notes = $17, cadence_days = $18, archived = $19, updated_at = $20, \
         revision = revision + 1 \
         WHERE user_id = $1 AND id = $2",
    )
    .bind(user.0)
    .bind(id.0)
    .bind(&name)
    .bind(sort_key(&name))
    .bind(patched(row.given_name, &patch.given_name))
    .bind(patched(row.family_name, &patch.family_name))
    .bind(patched(row.nickname, &patch.nickname))
    .bind(organisation_id)
    .bind(patched(row.title, &patch.title))
    .bind(patched(row.function, &patch.function))
    .bind(patched(row.industry, &patch.industry))
    .bind(patched(row.location, &patch.location))
    .bind(match &patch.timezone {
        Some(tz) => tz.map(|z| z.name().to_owned()),
        None => row.timezone,
    })
    .bind(match &patch.birthday {
        Some(b) => b.map(|b| b.to_string()),
        None => row.birthday,
    })
    .bind(patched(row.how_met, &patch.how_met))
    .bind(match patch.introduced_by {
        Some(i) => i.map(|c| c.0),
        None => row.introduced_by,
    })
    .bind(patched(row.notes, &patch.notes))
    .bind(match patch.cadence {
        Some(c) => c.map(|c| i64::from(c.days())),
        None => row.cadence_days,
    })
    .bind(patch.archived.unwrap_or(row.archived))
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn edit_emails(
    tx: &mut Conn,
    user: UserId,
    id: ContactId,
    current: Vec<String>,
    patch: &ContactPatch,
) -> Result<()> {
    let emails = edit_list(
        crate::ContactList::Emails,
        current,
        |e| e.to_lowercase(),
        patch.add_emails.iter().map(|e| e.as_str().to_owned()),
        patch
            .remove_emails
            .iter()
            .map(|e| e.as_str().to_lowercase()),
    )?;
    if let Some(emails) = emails {
        sqlx::query("DELETE FROM contact_emails WHERE contact_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_emails(
            &mut *tx,
            user,
            numbered(id.0, emails.iter().map(String::as_str)),
        )
        .await?;
    }
    Ok(())
}

async fn edit_phones(
    tx: &mut Conn,
    user: UserId,
    id: ContactId,
    current: Vec<String>,
    patch: &ContactPatch,
) -> Result<()> {
    let phone_key = |p: &String| Phone::parse(p).map_or_else(|_| p.clone(), |p| p.normalized());
    let phones = edit_list(
        crate::ContactList::Phones,
        current,
        phone_key,
        patch.add_phones.iter().map(|p| p.as_str().to_owned()),
        patch.remove_phones.iter().map(Phone::normalized),
    )?;
    if let Some(phones) = phones {
        sqlx::query("DELETE FROM contact_phones WHERE contact_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_phones(
            &mut *tx,
            user,
            numbered(id.0, phones.iter().map(|p| (p.as_str(), phone_key(p)))),
        )
        .await?;
    }
    Ok(())
}

async fn edit_links(
    tx: &mut Conn,
    user: UserId,
    id: ContactId,
    current: Vec<StoredLink>,
    patch: &ContactPatch,
) -> Result<()> {
    let links = edit_list(
        crate::ContactList::Links,
        current,
        |l| l.url.clone(),
        patch.add_links.iter().map(|l| StoredLink {
            url: l.url().to_owned(),
            kind: l.kind().as_str().to_owned(),
        }),
        patch.remove_links.iter().map(|l| l.url().to_owned()),
    )?;
    if let Some(links) = links {
        sqlx::query("DELETE FROM contact_links WHERE contact_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        insert_links(
            &mut *tx,
            user,
            numbered(
                id.0,
                links.iter().map(|l| (l.url.as_str(), l.kind.as_str())),
            ),
        )
        .await?;
    }
    Ok(())
}

async fn edit_tags(
    tx: &mut Conn,
    user: UserId,
    id: ContactId,
    current: Vec<String>,
    patch: &ContactPatch,
) -> Result<()> {
    let tags = edit_list(
        crate::ContactList::Tags,
        current,
        String::clone,
        patch.add_tags.iter().map(|t| t.as_str().to_owned()),
        patch.remove_tags.iter().map(|t| t.as_str().to_owned()),
    )?;
    if let Some(tags) = tags {
        sqlx::query("DELETE FROM contact_tags WHERE contact_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let mut cache = HashMap::new();
        let mut rows = Vec::with_capacity(tags.len());
        for tag in &tags {
            rows.push((id.0, tag_id(&mut *tx, user, tag, &mut cache).await?));
        }
        insert_contact_tags(&mut *tx, user, &rows).await?;
    }
    Ok(())
}

/// Compares the contact as it now reads with `before`: unchanged, its
/// revision and time are put back (false); changed, its search document and
/// a "put" in the change log follow (true).
async fn card_changed(
    tx: &mut Conn,
    user: UserId,
    id: ContactId,
    before: &Contact,
    now: DateTime<Utc>,
) -> Result<bool> {
    let contact = contact_in(&mut *tx, user, id).await?;
    let unchanged = Contact {
        revision: before.revision,
        updated_at: before.updated_at,
        ..contact.clone()
    } == *before;
    if unchanged {
        sqlx::query(
            "UPDATE contacts SET revision = $3, updated_at = $4 WHERE user_id = $1 AND id = $2",
        )
        .bind(user.0)
        .bind(id.0)
        .bind(before.revision)
        .bind(from_time(before.updated_at))
        .execute(&mut *tx)
        .await?;
        return Ok(false);
    }
    set_search_docs(&mut *tx, user, &[(id.0, contact_doc(&contact))]).await?;
    record_changes(
        &mut *tx,
        user,
        &[(id.0, &contact.uid, contact.revision)],
        false,
        now,
    )
    .await?;
    Ok(true)
}

/// Applies removals and additions (compared by `key`) to one of a contact's
/// lists, keeping the order. `None` when nothing changes; an error names a
/// value to remove that is not there.
pub(crate) fn edit_list<T>(
    which: crate::ContactList,
    current: Vec<T>,
    key: impl Fn(&T) -> String,
    add: impl Iterator<Item = T>,
    remove: impl Iterator<Item = String>,
) -> Result<Option<Vec<T>>> {
    let mut list = current;
    let mut changed = false;
    for gone in remove {
        let Some(at) = list.iter().position(|v| key(v) == gone) else {
            return Err(StoreError::invalid(
                crate::Input::Remove(which),
                format!("the contact has no {} '{gone}'", which.item()),
            ));
        };
        list.remove(at);
        changed = true;
    }
    for value in add {
        let k = key(&value);
        if !list.iter().any(|v| key(v) == k) {
            list.push(value);
            changed = true;
        }
    }
    Ok(changed.then_some(list))
}

/// Sets who introduced whom for many contacts at once (imports, demo data),
/// bumping each contact's revision and logging the change.
pub(crate) async fn set_introducers(
    pool: &Pool,
    user: UserId,
    pairs: &[(ContactId, ContactId)],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    check_contacts(&mut tx, user, pairs.iter().flat_map(|(c, i)| [*c, *i])).await?;
    if let Some((c, _)) = pairs.iter().find(|(c, i)| c == i) {
        return Err(StoreError::invalid(
            crate::Input::IntroducedBy,
            format!("contact {c} cannot introduce themselves"),
        ));
    }
    let mut changes = Vec::with_capacity(pairs.len());
    for (contact, introducer) in pairs {
        let (uid, revision): (String, i64) = sqlx::query_as(
            "UPDATE contacts SET introduced_by = $3, revision = revision + 1 \
             WHERE user_id = $1 AND id = $2 RETURNING uid, revision",
        )
        .bind(user.0)
        .bind(contact.0)
        .bind(introducer.0)
        .fetch_one(&mut *tx)
        .await?;
        changes.push((contact.0, uid, revision));
    }
    let changes: Vec<(i64, &str, i64)> = changes
        .iter()
        .map(|(id, uid, revision)| (*id, uid.as_str(), *revision))
        .collect();
    record_changes(&mut tx, user, &changes, false, now).await?;
    tx.commit().await?;
    Ok(())
}
