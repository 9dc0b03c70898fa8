//! What the fuzz targets share.

use chrono::{TimeZone as _, Utc};
use kith_core::contact::{Contact, ContactDraft, Organisation, StoredLink};
use kith_core::ids::{ContactId, OrganisationId};

/// The contact a draft becomes when stored.
pub fn stored(draft: &ContactDraft) -> Contact {
    let at = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
    Contact {
        id: ContactId(1),
        uid: draft.uid.clone().unwrap_or_else(|| "fuzz-1".into()),
        name: draft
            .name
            .as_ref()
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default(),
        given_name: draft.given_name.clone(),
        family_name: draft.family_name.clone(),
        nickname: draft.nickname.clone(),
        emails: draft.emails.iter().map(|e| e.as_str().to_owned()).collect(),
        phones: draft.phones.iter().map(|p| p.as_str().to_owned()).collect(),
        links: draft
            .links
            .iter()
            .map(|l| StoredLink {
                url: l.url().to_owned(),
                kind: l.kind().as_str().to_owned(),
            })
            .collect(),
        organisation: draft.organisation.as_ref().map(|name| Organisation {
            id: OrganisationId(1),
            name: name.clone(),
            is_mine: false,
        }),
        title: draft.title.clone(),
        function: draft.function.clone(),
        industry: draft.industry.clone(),
        location: draft.location.clone(),
        timezone: draft.timezone.map(|t| t.name().to_owned()),
        birthday: draft.birthday.map(|b| b.to_string()),
        how_met: draft.how_met.clone(),
        introduced_by: None,
        tags: draft.tags.iter().map(|t| t.as_str().to_owned()).collect(),
        notes: draft.notes.clone(),
        cadence: draft.cadence,
        snoozed_until: None,
        archived: false,
        created_at: at,
        updated_at: at,
        revision: 1,
    }
}
