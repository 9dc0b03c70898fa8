//! The three REPORTs on the address book: addressbook-multiget,
//! addressbook-query (RFC 6352) and sync-collection (RFC 6578).

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use kith_core::contact::Contact;

use super::props::{CardProps, version_asked, wanted};
use super::xml::{self, CARD, DAV, Element, Multistatus};
use super::{Dav, Resource, SYNC_PREFIX, book, multistatus, precondition, status};

impl Dav<'_> {
    pub(super) async fn report(&self, r: &Resource, body: &[u8]) -> anyhow::Result<Response> {
        if !matches!(r, Resource::Book(_)) {
            return Ok(status(
                StatusCode::FORBIDDEN,
                "reports are made on the address book",
            ));
        }
        let root = match xml::parse(body) {
            Ok(root) => root,
            Err(e) => return Ok(status(StatusCode::BAD_REQUEST, &e)),
        };
        if root.is(CARD, "addressbook-multiget") {
            self.multiget(&root).await
        } else if root.is(CARD, "addressbook-query") {
            self.query(&root).await
        } else if root.is(DAV, "sync-collection") {
            self.sync(&root).await
        } else {
            Ok(precondition(StatusCode::FORBIDDEN, DAV, "supported-report"))
        }
    }

    /// The card name an href names in this user's book, if it does.
    fn name_of_href<'h>(&self, href: &'h str) -> Option<&'h str> {
        let path = match href.find("://") {
            Some(i) => &href[i + 3..][href[i + 3..].find('/')?..],
            None => href,
        };
        let name = path.strip_prefix(&book(self.user))?;
        (!name.is_empty() && !name.contains('/')).then_some(name)
    }

    async fn multiget(&self, root: &Element) -> anyhow::Result<Response> {
        let props = wanted(Some(root));
        let version = version_asked(Some(root));
        let index: HashMap<String, kith_store::DavCard> = self
            .state
            .store
            .dav_index(self.user.id)
            .await?
            .into_iter()
            .map(|c| (c.name.clone(), c))
            .collect();
        let mut out = Multistatus::new();
        let mut found = Vec::new();
        for href in root.children_named(DAV, "href") {
            let href = href.text.trim();
            match self.name_of_href(href).and_then(|n| index.get(n)) {
                Some(card) => found.push((href.to_owned(), card.contact, card.etag.clone())),
                None => out.status(href, "404 Not Found"),
            }
        }
        self.write_cards(&mut out, found, &props, version).await?;
        Ok(multistatus(out.finish(None)))
    }

    async fn query(&self, root: &Element) -> anyhow::Result<Response> {
        let props = wanted(Some(root));
        let version = version_asked(Some(root));
        let filter = root.child(CARD, "filter");
        let limit = root
            .child(CARD, "limit")
            .and_then(|l| l.child(CARD, "nresults"))
            .and_then(|n| n.text.trim().parse::<usize>().ok())
            .unwrap_or(usize::MAX);
        let cards = self.all_cards().await?;
        let ids: Vec<_> = cards.iter().map(|(_, id, _)| *id).collect();
        let mut texts = self.texts(&ids, version).await?;
        let data = Self::wants_data(&props);
        let mut out = Multistatus::new();
        let mut shown = 0;
        for (href, id, etag) in cards {
            if shown >= limit {
                break;
            }
            let Some((contact, text)) = texts.remove(&id) else {
                continue;
            };
            if filter.is_some_and(|f| !matches_filter(f, &contact)) {
                continue;
            }
            shown += 1;
            let text = data.then_some(text);
            Self::write_card(&mut out, &href, &props, &CardProps { etag, text });
        }
        Ok(multistatus(out.finish(None)))
    }

    async fn sync(&self, root: &Element) -> anyhow::Result<Response> {
        let props = wanted(Some(root));
        let version = version_asked(Some(root));
        let token = root
            .child(DAV, "sync-token")
            .map(|t| t.text.trim())
            .unwrap_or_default();
        let store = &self.state.store;
        let user = self.user;
        let mut out = Multistatus::new();
        let position = if token.is_empty() {
            let position = store.dav_position(user.id).await?;
            let cards = self.all_cards().await?;
            self.write_cards(&mut out, cards, &props, version).await?;
            position
        } else {
            let since = token
                .strip_prefix(SYNC_PREFIX)
                .and_then(|n| n.parse::<i64>().ok());
            let found = match since {
                Some(since) => store.dav_changes(user.id, since).await?,
                None => None,
            };
            let Some((changes, position)) = found else {
                return Ok(precondition(StatusCode::FORBIDDEN, DAV, "valid-sync-token"));
            };
            let mut changed = Vec::new();
            for change in changes {
                let href = format!("{}{}", book(user), change.name);
                match change.etag {
                    None => out.status(&href, "404 Not Found"),
                    Some(etag) => changed.push((href, change.contact, etag)),
                }
            }
            self.write_cards(&mut out, changed, &props, version).await?;
            position
        };
        Ok(multistatus(out.finish(Some(&self.sync_token(position)))))
    }
}

/// RFC 6352 section 10.5: whether a contact passes an `addressbook-query`
/// filter (FN, N, NICKNAME, EMAIL, TEL, UID, ORG; text matches are
/// case-insensitive).
fn matches_filter(filter: &Element, c: &Contact) -> bool {
    let all = filter.attr("test") == Some("allof");
    let mut results = filter.children_named(CARD, "prop-filter").map(|pf| {
        let name = pf.attr("name").unwrap_or_default().to_ascii_uppercase();
        let values: Vec<String> = match name.as_str() {
            "FN" => vec![c.name.clone()],
            "N" => [c.family_name.clone(), c.given_name.clone()]
                .into_iter()
                .flatten()
                .collect(),
            "NICKNAME" => c.nickname.iter().cloned().collect(),
            "EMAIL" => c.emails.clone(),
            "TEL" => c.phones.clone(),
            "UID" => vec![c.uid.clone()],
            "ORG" => c.organisation.iter().map(|o| o.name.clone()).collect(),
            _ => Vec::new(),
        };
        if pf.child(CARD, "is-not-defined").is_some() {
            return values.is_empty();
        }
        let prop_all = pf.attr("test") == Some("allof");
        let mut matches = pf.children_named(CARD, "text-match").map(|tm| {
            let needle = tm.text.to_lowercase();
            let hit = values.iter().any(|v| {
                let v = v.to_lowercase();
                match tm.attr("match-type").unwrap_or("contains") {
                    "equals" => v == needle,
                    "starts-with" => v.starts_with(&needle),
                    "ends-with" => v.ends_with(&needle),
                    _ => v.contains(&needle),
                }
            });
            hit != (tm.attr("negate-condition") == Some("yes"))
        });
        let matched: Vec<bool> = matches.by_ref().collect();
        if matched.is_empty() {
            !values.is_empty()
        } else if prop_all {
            matched.iter().all(|m| *m)
        } else {
            matched.iter().any(|m| *m)
        }
    });
    if all {
        results.all(|r| r)
    } else {
        let results: Vec<bool> = results.collect();
        results.is_empty() || results.iter().any(|r| *r)
    }
}
