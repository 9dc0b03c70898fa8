//! Resources: today's agenda (`kith://agenda`) and each contact's vCard
//! (`kith://contacts/{id}.vcf`), read as the request's user.

use kith_app::exports::{self, VcardVersion};
use kith_app::tokens::ApiAccess;
use kith_core::ids::ContactId;
use rmcp::ErrorData;
use rmcp::model::{ReadResourceResult, Resource, ResourceContents, ResourceTemplate};

use crate::Kith;
use crate::errors::refusal;
use crate::tools::today_of;

const AGENDA: &str = "kith://agenda";
const CONTACT_PREFIX: &str = "kith://contacts/";
const CONTACT_SUFFIX: &str = ".vcf";

pub fn listed() -> Vec<Resource> {
    vec![
        Resource::new(AGENDA, "agenda")
            .with_title("Today's agenda")
            .with_description(
                "Who to reach today and why, follow-ups due, loop-backs, introductions, nudges and meetings, as JSON.",
            )
            .with_mime_type("application/json"),
    ]
}

pub fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new("kith://contacts/{id}.vcf", "contact-vcard")
            .with_title("A contact's vCard")
            .with_description("One contact as a vCard 4.0, by the contact's id.")
            .with_mime_type("text/vcard"),
    ]
}

pub async fn read(kith: &Kith, me: &ApiAccess, uri: &str) -> Result<ReadResourceResult, ErrorData> {
    if uri == AGENDA {
        let today = today_of(kith, me)
            .await
            .map_err(|e| ErrorData::internal_error(refusal(e, &[], "uri"), None))?;
        let text = serde_json::to_string_pretty(&today)
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        return Ok(ReadResourceResult::new(vec![
            ResourceContents::text(text, uri).with_mime_type("application/json"),
        ]));
    }
    let id = uri
        .strip_prefix(CONTACT_PREFIX)
        .and_then(|rest| rest.strip_suffix(CONTACT_SUFFIX))
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or_else(|| ErrorData::resource_not_found(format!("no resource {uri}"), None))?;
    let card = exports::vcard(&kith.store, me.user.id, ContactId(id), VcardVersion::V4)
        .await
        .map_err(|e| match e {
            kith_app::AppError::NotFound { .. } => {
                ErrorData::resource_not_found(format!("no contact with id {id}"), None)
            }
            e => ErrorData::internal_error(refusal(e, &[], "uri"), None),
        })?;
    Ok(ReadResourceResult::new(vec![
        ResourceContents::text(card, uri).with_mime_type("text/vcard"),
    ]))
}
