//! The properties PROPFIND and the reports answer with: what a request asks
//! for, each collection's and card's values, and cards written into a
//! multistatus with their text loaded together.

use std::collections::HashMap;

use kith_core::contact::Contact;
use kith_core::ids::ContactId;
use kith_interop::vcard::{Version, write_card};

use super::xml::{CARD, CS, DAV, Element, Multistatus, escape};
use super::{Dav, MAX_CARD, Resource, SYNC_PREFIX, book, home, principal};

/// A property asked for: namespace and local name.
pub(super) type Prop = (String, String);

/// The qualified name to write a property under.
pub(super) fn qualified((ns, name): &Prop) -> String {
    match ns.as_str() {
        DAV => format!("d:{name}"),
        CARD => format!("card:{name}"),
        CS => format!("cs:{name}"),
        other => format!("x:{name} xmlns:x=\"{}\"", escape(other)),
    }
}

/// Which properties a PROPFIND or REPORT asks for (`None`: all of them).
pub(super) fn wanted(root: Option<&Element>) -> Option<Vec<Prop>> {
    let root = root?;
    if root.child(DAV, "allprop").is_some() {
        return None;
    }
    let prop = root.child(DAV, "prop")?;
    Some(
        prop.children
            .iter()
            .map(|p| (p.ns.clone(), p.name.clone()))
            .collect(),
    )
}

/// The vCard version a client asks for in `address-data`, or 3.0.
pub(super) fn version_asked(root: Option<&Element>) -> Version {
    let asked = root
        .and_then(|r| r.child(DAV, "prop"))
        .and_then(|p| p.child(CARD, "address-data"))
        .and_then(|a| a.attr("version"));
    match asked {
        Some("4.0") => Version::V4,
        _ => Version::V3,
    }
}

/// A card's properties as found: its tag and, when asked, its text.
pub(super) struct CardProps {
    pub(super) etag: String,
    pub(super) text: Option<String>,
}

impl Dav<'_> {
    pub(super) fn sync_token(&self, position: i64) -> String {
        format!("{SYNC_PREFIX}{position}")
    }

    /// One property of a collection or the principal; `None`: not there.
    pub(super) async fn collection_prop(
        &self,
        r: &Resource,
        prop: &Prop,
    ) -> anyhow::Result<Option<String>> {
        let user = self.user;
        let href = |h: String| format!("<d:href>{}</d:href>", escape(&h));
        let (ns, name) = (prop.0.as_str(), prop.1.as_str());
        Ok(match (ns, name, r) {
            (DAV, "resourcetype", Resource::Book(_)) => {
                Some("<d:collection/><card:addressbook/>".into())
            }
            (DAV, "resourcetype", Resource::Principal(_)) => {
                Some("<d:collection/><d:principal/>".into())
            }
            (DAV, "resourcetype", _) => Some("<d:collection/>".into()),
            (DAV, "displayname", Resource::Book(_)) => Some("Kith contacts".into()),
            (DAV, "displayname", _) => Some(escape(&user.display_name).into_owned()),
            (DAV, "current-user-principal", _) | (DAV, "principal-URL", _) | (DAV, "owner", _) => {
                Some(href(principal(user)))
            }
            (CARD, "addressbook-home-set", _) => Some(href(home(user))),
            (DAV, "principal-collection-set", _) => Some(href("/dav/principals/".into())),
            (DAV, "current-user-privilege-set", _) => Some(
                [
                    "read",
                    "write",
                    "write-properties",
                    "write-content",
                    "bind",
                    "unbind",
                ]
                .iter()
                .map(|p| format!("<d:privilege><d:{p}/></d:privilege>"))
                .collect(),
            ),
            (DAV, "supported-report-set", Resource::Book(_)) => Some(
                [
                    "card:addressbook-multiget",
                    "card:addressbook-query",
                    "d:sync-collection",
                ]
                .iter()
                .map(|r| {
                    format!("<d:supported-report><d:report><{r}/></d:report></d:supported-report>")
                })
                .collect(),
            ),
            (DAV, "sync-token", Resource::Book(_)) => {
                let position = self.state.store.dav_position(user.id).await?;
                Some(escape(&self.sync_token(position)).into_owned())
            }
            (CS, "getctag", Resource::Book(_)) => {
                let position = self.state.store.dav_position(user.id).await?;
                Some(position.to_string())
            }
            (CARD, "supported-address-data", Resource::Book(_)) => Some(
                "<card:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>\
                 <card:address-data-type content-type=\"text/vcard\" version=\"4.0\"/>"
                    .into(),
            ),
            (CARD, "max-resource-size", Resource::Book(_)) => Some(MAX_CARD.to_string()),
            (CARD, "addressbook-description", Resource::Book(_)) => {
                Some("Your contacts in Kith".into())
            }
            _ => None,
        })
    }

    /// A card's properties from what was found; `None`: not there.
    pub(super) fn card_prop(prop: &Prop, card: &CardProps) -> Option<String> {
        match (prop.0.as_str(), prop.1.as_str()) {
            (DAV, "getetag") => Some(escape(&card.etag).into_owned()),
            (DAV, "getcontenttype") => Some("text/vcard; charset=utf-8".into()),
            (DAV, "resourcetype") => Some(String::new()),
            (CARD, "address-data") => card.text.as_deref().map(|t| escape(t).into_owned()),
            _ => None,
        }
    }

    pub(super) const ALL_COLLECTION: [(&'static str, &'static str); 7] = [
        (DAV, "resourcetype"),
        (DAV, "displayname"),
        (DAV, "current-user-principal"),
        (CARD, "addressbook-home-set"),
        (DAV, "sync-token"),
        (CS, "getctag"),
        (DAV, "supported-report-set"),
    ];
    pub(super) const ALL_CARD: [(&'static str, &'static str); 3] = [
        (DAV, "resourcetype"),
        (DAV, "getetag"),
        (DAV, "getcontenttype"),
    ];

    pub(super) fn all(list: &[(&str, &str)]) -> Vec<Prop> {
        list.iter()
            .map(|(ns, n)| ((*ns).to_owned(), (*n).to_owned()))
            .collect()
    }

    pub(super) async fn write_collection(
        &self,
        out: &mut Multistatus,
        href: &str,
        r: &Resource,
        props: &Option<Vec<Prop>>,
    ) -> anyhow::Result<()> {
        let asked = props
            .clone()
            .unwrap_or_else(|| Self::all(&Self::ALL_COLLECTION));
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for p in &asked {
            match self.collection_prop(r, p).await? {
                Some(inner) => found.push((qualified(p), inner)),
                None if props.is_some() => missing.push(qualified(p)),
                None => {}
            }
        }
        out.response(href, &found, &missing);
        Ok(())
    }

    pub(super) fn write_card(
        out: &mut Multistatus,
        href: &str,
        props: &Option<Vec<Prop>>,
        card: &CardProps,
    ) {
        let asked = props.clone().unwrap_or_else(|| Self::all(&Self::ALL_CARD));
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for p in &asked {
            match Self::card_prop(p, card) {
                Some(inner) => found.push((qualified(p), inner)),
                None => missing.push(qualified(p)),
            }
        }
        out.response(href, &found, &missing);
    }

    pub(super) fn wants_data(props: &Option<Vec<Prop>>) -> bool {
        props
            .as_ref()
            .is_some_and(|p| p.iter().any(|(ns, n)| ns == CARD && n == "address-data"))
    }

    /// A contact's card text in `version`.
    pub(super) async fn card_text(
        &self,
        contact: kith_core::ids::ContactId,
        version: Version,
    ) -> anyhow::Result<(Contact, String)> {
        let (c, stored) = self
            .state
            .store
            .contact_with_card(self.user.id, contact)
            .await?;
        let text = write_card(&c, stored.as_deref(), version);
        Ok((c, text))
    }

    /// The text of each of these cards in `version`, loaded together.
    pub(super) async fn texts(
        &self,
        ids: &[ContactId],
        version: Version,
    ) -> anyhow::Result<HashMap<ContactId, (Contact, String)>> {
        let loaded = self
            .state
            .store
            .contacts_with_cards(self.user.id, ids)
            .await?;
        Ok(loaded
            .into_iter()
            .map(|(c, stored)| {
                let text = write_card(&c, stored.as_deref(), version);
                (c.id, (c, text))
            })
            .collect())
    }

    /// Writes these cards (href, contact, tag) with the properties asked
    /// for, loading their text, together, only when it is asked for.
    pub(super) async fn write_cards(
        &self,
        out: &mut Multistatus,
        cards: Vec<(String, ContactId, String)>,
        props: &Option<Vec<Prop>>,
        version: Version,
    ) -> anyhow::Result<()> {
        let mut texts = if Self::wants_data(props) {
            let ids: Vec<_> = cards.iter().map(|(_, id, _)| *id).collect();
            self.texts(&ids, version).await?
        } else {
            HashMap::new()
        };
        for (href, id, etag) in cards {
            let text = texts.remove(&id).map(|(_, t)| t);
            Self::write_card(out, &href, props, &CardProps { etag, text });
        }
        Ok(())
    }

    /// Every card of the book as (href, contact, tag).
    pub(super) async fn all_cards(&self) -> anyhow::Result<Vec<(String, ContactId, String)>> {
        let user = self.user;
        Ok(self
            .state
            .store
            .dav_index(user.id)
            .await?
            .into_iter()
            .map(|c| (format!("{}{}", book(user), c.name), c.contact, c.etag))
            .collect())
    }
}
