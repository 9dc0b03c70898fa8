//! Naming a contact on the command line: by id (`12`, `#12`) or by an
//! unambiguous part of the name.

use anyhow::bail;
use kith_core::contact::ContactRef;
use kith_core::ids::{ContactId, UserId};
use kith_core::values::sort_key;
use kith_store::{Store, StoreError};

/// How many candidates an ambiguity error lists.
const SHOWN: u32 = 8;

pub async fn contact(store: &Store, user: UserId, input: &str) -> anyhow::Result<ContactRef> {
    let input = input.trim();
    if input.is_empty() {
        bail!("invalid contact: give an id or part of a name");
    }
    if let Ok(id) = input.trim_start_matches('#').parse::<i64>() {
        return match store.contact(user, ContactId(id)).await {
            Ok(c) => Ok(ContactRef {
                id: c.id,
                name: c.name,
            }),
            Err(StoreError::NotFound { .. }) => bail!("no contact with id {id}"),
            Err(e) => Err(e.into()),
        };
    }
    let found = store.find_contacts(user, input, SHOWN + 1).await?;
    let key = sort_key(input);
    let exact: Vec<&ContactRef> = found.iter().filter(|c| sort_key(&c.name) == key).collect();
    match (found.as_slice(), exact.as_slice()) {
        ([], _) => Err(NoMatch(input.to_owned()).into()),
        ([only], _) => Ok(only.clone()),
        (_, [one]) => Ok((*one).clone()),
        (many, _) => {
            let mut names: Vec<String> = many
                .iter()
                .take(SHOWN as usize)
                .map(|c| format!("{} (#{})", c.name, c.id))
                .collect();
            if many.len() > SHOWN as usize {
                names.push("…".into());
            }
            bail!(
                "'{input}' matches several contacts: {}; use the id or more of the name",
                names.join(", ")
            )
        }
    }
}

/// A contact named in a field (a flag, a form or API field) that matches
/// none or several: the person's input to fix, never a failure of ours. The
/// command line prints it as before (`--introduced-by: no contact matches
/// 'x'`); the web answers 422 naming the field.
#[derive(Debug)]
pub struct UnknownContact {
    pub field: &'static str,
    pub message: String,
    /// What to type next on the command line; the web leaves it out.
    pub hint: Option<String>,
}

impl std::fmt::Display for UnknownContact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.starts_with("--") {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)?;
        match &self.hint {
            Some(hint) => write!(f, " ({hint})"),
            None => Ok(()),
        }
    }
}

/// No contact's name contains the input.
#[derive(Debug)]
struct NoMatch(String);

impl NoMatch {
    fn message(&self) -> String {
        format!("no contact matches '{}'", self.0)
    }

    fn hint(&self) -> String {
        format!("add one with: kith add \"{}\"", self.0)
    }
}

impl std::fmt::Display for NoMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message(), self.hint())
    }
}

impl std::error::Error for NoMatch {}

impl std::error::Error for UnknownContact {}

/// [`contact`], with not finding it (or finding several) reported as an
/// [`UnknownContact`] in `field`; a failure of the store stays one.
pub async fn contact_in_field(
    store: &Store,
    user: UserId,
    input: &str,
    field: &'static str,
) -> anyhow::Result<ContactRef> {
    contact(store, user, input).await.map_err(|e| {
        if e.downcast_ref::<StoreError>().is_some() {
            e
        } else {
            match e.downcast_ref::<NoMatch>() {
                Some(none) => UnknownContact {
                    field,
                    message: none.message(),
                    hint: Some(none.hint()),
                },
                None => UnknownContact {
                    field,
                    message: e.to_string(),
                    hint: None,
                },
            }
            .into()
        }
    })
}

/// Several contacts, separated by commas; each must resolve.
pub async fn contacts(store: &Store, user: UserId, input: &str) -> anyhow::Result<Vec<ContactRef>> {
    let mut found: Vec<ContactRef> = Vec::new();
    for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let c = contact_in_field(store, user, part, "with").await?;
        if !found.iter().any(|f| f.id == c.id) {
            found.push(c);
        }
    }
    if found.is_empty() {
        bail!("invalid participants: name at least one person you talked to");
    }
    Ok(found)
}
