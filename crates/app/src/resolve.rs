//! Naming a contact: by id (`12`, `#12`) or by an unambiguous part of the
//! name. Not finding one is `NotFound`, finding several is `Ambiguous` with
//! the candidates; the `_in_field` forms make either the mistake of the
//! input that named the contact.

use kith_core::contact::ContactRef;
use kith_core::ids::{ContactId, UserId};
use kith_core::values::sort_key;
use kith_store::{Store, StoreError};

use crate::error::{AppError, Candidate, Field, Key};

/// How many candidates an ambiguity lists.
const SHOWN: u32 = 8;

pub async fn contact(store: &Store, user: UserId, input: &str) -> Result<ContactRef, AppError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(AppError::Invalid {
            field: Field::Contact,
            message: "give an id or part of a name".into(),
        });
    }
    // No stored name holds a character the text rule refuses, and
    // PostgreSQL refuses a NUL in a query: such a name is the input's mistake.
    if let Err(e) = kith_core::values::text("contact", input) {
        return Err(AppError::Invalid {
            field: Field::Contact,
            message: e.message,
        });
    }
    if let Ok(id) = input.trim_start_matches('#').parse::<i64>() {
        return match store.contact(user, ContactId(id)).await {
            Ok(c) => Ok(ContactRef {
                id: c.id,
                name: c.name,
            }),
            Err(StoreError::NotFound { .. }) => Err(AppError::NotFound {
                what: "contact",
                key: Key::Id(id),
                field: None,
            }),
            Err(e) => Err(e.into()),
        };
    }
    let found = store.find_contacts(user, input, SHOWN + 1).await?;
    let key = sort_key(input);
    let exact: Vec<&ContactRef> = found.iter().filter(|c| sort_key(&c.name) == key).collect();
    match (found.as_slice(), exact.as_slice()) {
        ([], _) => Err(AppError::NotFound {
            what: "contact",
            key: match close_names(store, user, input).await? {
                close if close.is_empty() => Key::Name(input.to_owned()),
                close => Key::Misspelt {
                    name: input.to_owned(),
                    close,
                },
            },
            field: None,
        }),
        ([only], _) => Ok(only.clone()),
        (_, [one]) => Ok((*one).clone()),
        (many, _) => Err(AppError::Ambiguous {
            what: "contact",
            query: input.to_owned(),
            candidates: many
                .iter()
                .take(SHOWN as usize)
                .map(|c| Candidate {
                    id: c.id.0,
                    name: c.name.clone(),
                })
                .collect(),
            more: many.len() > SHOWN as usize,
            field: None,
        }),
    }
}

/// How many close names a miss suggests.
const CLOSE: usize = 3;

/// The contacts whose name, or a word of it, is spelt nearly like `input`
/// (Jaro-Winkler on folded names, at least 0.85): the best few, best
/// first. Paid only when a name finds no one.
async fn close_names(store: &Store, user: UserId, input: &str) -> Result<Vec<Candidate>, AppError> {
    let typed = sort_key(input);
    let mut scored: Vec<(f64, ContactId)> = store
        .match_keys(user)
        .await?
        .into_iter()
        .filter_map(|(id, keys)| Some((closeness(&typed, &keys.name?), id)))
        .filter(|(score, _)| *score >= 0.85)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(CLOSE);
    let ids: Vec<ContactId> = scored.iter().map(|(_, id)| *id).collect();
    let mut named = store.contact_summaries(user, &ids).await?;
    named.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
    Ok(named
        .into_iter()
        .map(|s| Candidate {
            id: s.id.0,
            name: s.name,
        })
        .collect())
}

/// How close `typed` is to a folded `name`: to the whole of it, or to the
/// word of it that is closest (people type a first or a last name).
fn closeness(typed: &str, name: &str) -> f64 {
    std::iter::once(name)
        .chain(name.split_whitespace())
        .map(|part| strsim::jaro_winkler(typed, part))
        .fold(0.0, f64::max)
}

/// [`contact`] for a contact named in `field`: not finding it, or finding
/// several, is that input's mistake.
pub async fn contact_in_field(
    store: &Store,
    user: UserId,
    input: &str,
    field: Field,
) -> Result<ContactRef, AppError> {
    contact(store, user, input).await.map_err(|e| match e {
        AppError::Invalid {
            field: Field::Contact,
            message,
        } => AppError::Invalid { field, message },
        other => other.in_field(field),
    })
}

/// Several contacts, separated by commas; each must resolve, and at least
/// one must be named.
pub async fn contacts(
    store: &Store,
    user: UserId,
    input: &str,
) -> Result<Vec<ContactRef>, AppError> {
    let mut found: Vec<ContactRef> = Vec::new();
    for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let c = contact_in_field(store, user, part, Field::With).await?;
        if !found.iter().any(|f| f.id == c.id) {
            found.push(c);
        }
    }
    if found.is_empty() {
        return Err(AppError::Invalid {
            field: Field::With,
            message: "name at least one person you talked to".into(),
        });
    }
    Ok(found)
}

/// A contact as a front end names it: by the id it already holds (an API
/// body, a page's path) or by what a person typed (an id or part of a name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Id(ContactId),
    Named(String),
}

/// [`contact_in_field`] for a [`Who`]: an id that is not there is a
/// `NotFound` by that id.
pub async fn who(
    store: &Store,
    user: UserId,
    who: &Who,
    field: Field,
) -> Result<ContactRef, AppError> {
    match who {
        Who::Named(text) => contact_in_field(store, user, text, field).await,
        Who::Id(id) => match store.contact(user, *id).await {
            Ok(c) => Ok(ContactRef {
                id: c.id,
                name: c.name,
            }),
            Err(StoreError::NotFound { .. }) => Err(AppError::NotFound {
                what: "contact",
                key: Key::Id(id.0),
                field: None,
            }
            .in_field(field)),
            Err(e) => Err(e.into()),
        },
    }
}

/// Several contacts, each resolved as the mistake of `field` (named twice
/// counts once); at least one must be named.
pub async fn people(
    store: &Store,
    user: UserId,
    named: &[Who],
    field: Field,
) -> Result<Vec<ContactRef>, AppError> {
    let mut found: Vec<ContactRef> = Vec::new();
    for one in named {
        if matches!(one, Who::Named(text) if text.trim().is_empty()) {
            continue;
        }
        let c = who(store, user, one, field.clone()).await?;
        if !found.iter().any(|f| f.id == c.id) {
            found.push(c);
        }
    }
    if found.is_empty() {
        return Err(AppError::Invalid {
            field,
            message: "name at least one person you talked to".into(),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::closeness;

    #[test]
    fn a_slip_of_the_keyboard_is_close_and_another_name_is_not() {
        assert!(closeness("jnae", "jane doe") >= 0.85, "a swapped pair");
        assert!(closeness("jane do", "jane doe") >= 0.85, "a letter short");
        assert!(closeness("dooe", "jane doe") >= 0.85, "the last name");
        assert!(closeness("bob", "jane doe") < 0.85);
        assert!(closeness("zed", "jane doe") < 0.85);
    }
}
