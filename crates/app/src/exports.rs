//! Every contact of a user as one file: vCard (what `kith export vcard`
//! writes and the web's export link serves) or CSV for spreadsheets.

use kith_core::ids::UserId;
use kith_interop::vcard::write_card;
use kith_store::Store;

use crate::error::{AppError, Field};

pub use kith_interop::vcard::Version as VcardVersion;

/// The vCard version named `3` or `4`; none given is 4.
pub fn vcard_version(text: Option<&str>) -> Result<VcardVersion, AppError> {
    match text {
        None | Some("4") => Ok(VcardVersion::V4),
        Some("3") => Ok(VcardVersion::V3),
        Some(other) => Err(AppError::Invalid {
            field: Field::Version,
            message: format!("'{other}' is not 3 or 4"),
        }),
    }
}

/// Every contact of `user` as one vCard file, each card with the
/// properties Kith does not model written back.
pub async fn vcards(
    store: &Store,
    user: UserId,
    version: VcardVersion,
) -> Result<String, AppError> {
    let mut text = String::new();
    for id in store.contact_ids(user).await? {
        let (contact, card) = store.contact_with_card(user, id).await?;
        text.push_str(&write_card(&contact, card.as_deref(), version));
    }
    Ok(text)
}

/// One contact as a vCard, with the properties Kith does not model
/// written back.
pub async fn vcard(
    store: &Store,
    user: UserId,
    id: kith_core::ids::ContactId,
    version: VcardVersion,
) -> Result<String, AppError> {
    let (contact, card) = store.contact_with_card(user, id).await?;
    Ok(write_card(&contact, card.as_deref(), version))
}

/// Every contact of `user` as one CSV file (formula-like cells escaped),
/// loaded 500 at a time.
pub async fn contacts_csv(store: &Store, user: UserId) -> Result<String, AppError> {
    let mut out = kith_interop::csv::export::CsvWriter::new();
    for ids in store.contact_ids(user).await?.chunks(500) {
        for (contact, _) in store.contacts_with_cards(user, ids).await? {
            out.push(&contact);
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_3_or_4_and_4_by_default() {
        assert!(matches!(vcard_version(None), Ok(VcardVersion::V4)));
        assert!(matches!(vcard_version(Some("3")), Ok(VcardVersion::V3)));
        match vcard_version(Some("5")) {
            Err(AppError::Invalid { field, message }) => {
                assert_eq!(field, Field::Version);
                assert_eq!(message, "'5' is not 3 or 4");
            }
            other => panic!("{other:?}"),
        }
    }
}
