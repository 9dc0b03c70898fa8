//! Writing cards: PUT (what is not a vCard refused with the precondition
//! it fails, RFC 6352 section 6.3.2.1; an entity tag only for a card stored
//! as sent, section 6.3.2.3) and DELETE, each on the client's `If-Match` /
//! `If-None-Match`.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kith_interop::vcard::{Version, draft_of, parse_card, tidy_card};
use kith_store::{DavRefusal, Precondition};

use super::xml::CARD;
use super::{Dav, MAX_CARD, Resource, explained, precondition, status};

/// The media type of a PUT's body when it is not a vCard's (none given is
/// taken for one).
fn not_a_vcard_type(headers: &HeaderMap) -> Option<String> {
    let given = headers.get(header::CONTENT_TYPE)?;
    let mime = given
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let vcard = matches!(
        mime.as_str(),
        "text/vcard" | "text/x-vcard" | "text/directory"
    );
    (!vcard).then(|| {
        if mime.is_empty() {
            "an empty type".to_owned()
        } else {
            mime
        }
    })
}

/// The version a card was sent in: what the client compares its copy with.
fn version_of(text: &str) -> Version {
    let four = text
        .lines()
        .any(|l| l.trim().eq_ignore_ascii_case("VERSION:4.0"));
    if four { Version::V4 } else { Version::V3 }
}

/// `If-Match` / `If-None-Match: *` as a store precondition.
fn precondition_of(headers: &HeaderMap) -> Precondition {
    if let Some(tags) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        return Precondition::IfMatch(
            tags.split(',')
                .map(|t| t.trim().trim_start_matches("W/").to_owned())
                .collect(),
        );
    }
    match headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(v) if v.trim() == "*" => Precondition::IfNoneMatch,
        _ => Precondition::None,
    }
}

impl Dav<'_> {
    pub(super) async fn put(
        &self,
        r: &Resource,
        headers: &HeaderMap,
        body: &[u8],
    ) -> anyhow::Result<Response> {
        let Resource::Card(_, name) = r else {
            return Ok(status(
                StatusCode::METHOD_NOT_ALLOWED,
                "cards are written inside the address book",
            ));
        };
        // RFC 6352 section 6.3.2.1: a card over the address book's
        // max-resource-size fails that precondition.
        if body.len() > MAX_CARD {
            return Ok(explained(
                StatusCode::FORBIDDEN,
                CARD,
                "max-resource-size",
                Some(&format!(
                    "the card is {} KiB; a card may be at most {} KiB",
                    body.len().div_ceil(1024),
                    MAX_CARD / 1024
                )),
            ));
        }
        // RFC 6352 section 6.3.2.1: what is not a vCard is refused with
        // the precondition it fails.
        if let Some(other) = not_a_vcard_type(headers) {
            return Ok(explained(
                StatusCode::FORBIDDEN,
                CARD,
                "supported-address-data",
                Some(&format!("a card is sent as text/vcard, not {other}")),
            ));
        }
        let invalid = |reason: &str| {
            explained(
                StatusCode::FORBIDDEN,
                CARD,
                "valid-address-data",
                Some(&format!("not a valid vCard: {reason}")),
            )
        };
        let Ok(sent) = std::str::from_utf8(body) else {
            return Ok(invalid("the card is not UTF-8"));
        };
        // Kith's text rule: the characters no card can carry are left out of
        // the card kept (it then differs from the one sent: no ETag).
        let tidied = tidy_card(sent);
        let text: &str = &tidied;
        let draft = match parse_card(text).and_then(|card| draft_of(&card)) {
            Ok(draft) => draft,
            Err(reason) => return Ok(invalid(&reason)),
        };
        // A contact's lists are bounded (kith_core::contact::List): a card
        // beyond them is refused whole, so nothing of it is cut silently.
        if let Some(too_many) = draft.too_many() {
            return Ok(invalid(&too_many.message()));
        }
        let pre = precondition_of(headers);
        let written = self
            .state
            .store
            .dav_put(self.user.id, name, &draft, text, &pre, chrono::Utc::now())
            .await?;
        Ok(match written {
            Ok(put) => {
                let code = if put.created {
                    StatusCode::CREATED
                } else {
                    StatusCode::NO_CONTENT
                };
                // RFC 6352 section 6.3.2.3: a tag only for a card stored as
                // sent; one Kith wrote differently (a UID added, a property
                // rewritten) is fetched again by the client.
                let (_, stored) = self.card_text(put.contact, version_of(text)).await?;
                if stored == sent {
                    (code, [(header::ETAG, put.etag)]).into_response()
                } else {
                    code.into_response()
                }
            }
            Err(DavRefusal::PreconditionFailed) => status(
                StatusCode::PRECONDITION_FAILED,
                "the card changed since you read it",
            ),
            Err(DavRefusal::UidConflict) => {
                precondition(StatusCode::CONFLICT, CARD, "no-uid-conflict")
            }
            Err(DavRefusal::UidChanged) => status(
                StatusCode::CONFLICT,
                "a card's UID cannot change; create a new card instead",
            ),
            Err(DavRefusal::NotFound) => status(StatusCode::NOT_FOUND, "no such card"),
        })
    }

    pub(super) async fn delete(
        &self,
        r: &Resource,
        headers: &HeaderMap,
    ) -> anyhow::Result<Response> {
        let Resource::Card(_, name) = r else {
            return Ok(status(
                StatusCode::FORBIDDEN,
                "the address book itself cannot be deleted",
            ));
        };
        let pre = precondition_of(headers);
        Ok(
            match self
                .state
                .store
                .dav_delete(self.user.id, name, &pre, chrono::Utc::now())
                .await?
            {
                Ok(()) => StatusCode::NO_CONTENT.into_response(),
                Err(DavRefusal::NotFound) => status(StatusCode::NOT_FOUND, "no such card"),
                Err(_) => status(
                    StatusCode::PRECONDITION_FAILED,
                    "the card changed since you read it",
                ),
            },
        )
    }
}
