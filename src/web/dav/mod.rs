//! CardDAV (RFC 6352 over WebDAV, RFC 4918; sync, RFC 6578) under `/dav/`:
//! one address book per user whose cards are the contacts.
//!
//! ```text
//! /.well-known/carddav              -> /dav/
//! /dav/                             principal discovery
//! /dav/principals/<user>/           the user
//! /dav/addressbooks/<user>/         the address-book home
//! /dav/addressbooks/<user>/contacts/        the address book
//! /dav/addressbooks/<user>/contacts/<name>  a card (GET, PUT, DELETE)
//! ```
//!
//! Clients sign in with HTTP Basic: the username and an app password (a
//! `carddav` token), checked by its SHA-256 digest like an API token, so no
//! password hash is paid per request; failures are throttled like sign-ins.
//! Entity tags come from the contact's revision, sync tokens are positions in
//! the store's change log, and a card's text is the client's original brought
//! up to date with the contact (properties Kith does not model survive).

mod xml;

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use base64::Engine as _;
use chrono::Utc;
use kith_auth::digest;
use kith_core::contact::Contact;
use kith_core::ids::ContactId;
use kith_core::user::User;
use kith_interop::vcard::{Version, draft_of, parse_card, write_card};
use kith_store::{DavRefusal, Precondition, TokenScope};

use self::xml::{CARD, CS, DAV, Element, Multistatus, escape};
use super::AppState;
use super::auth::address_key;

/// The one address book's path segment.
const BOOK: &str = "contacts";
/// The largest card accepted (photos included).
const MAX_CARD: usize = 1024 * 1024;
/// The largest request body (a multiget of every card of a large book).
const MAX_BODY: usize = 8 * 1024 * 1024;
const SYNC_PREFIX: &str = "urn:kith:sync:";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/carddav", any(well_known))
        .route("/dav", any(dav))
        .route("/dav/", any(dav))
        .route("/dav/{*path}", any(dav))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
}

async fn well_known() -> Response {
    Redirect::permanent("/dav/").into_response()
}

/// What a request path names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resource {
    Root,
    Principal(String),
    Home(String),
    Book(String),
    Card(String, String),
}

impl Resource {
    fn parse(path: &str) -> Option<Resource> {
        let rest = path.strip_prefix("/dav")?;
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        Some(match parts.as_slice() {
            [] => Resource::Root,
            ["principals", user] => Resource::Principal((*user).to_owned()),
            ["addressbooks", user] => Resource::Home((*user).to_owned()),
            ["addressbooks", user, BOOK] => Resource::Book((*user).to_owned()),
            ["addressbooks", user, BOOK, name] => {
                Resource::Card((*user).to_owned(), (*name).to_owned())
            }
            _ => return None,
        })
    }

    fn owner(&self) -> Option<&str> {
        match self {
            Resource::Root => None,
            Resource::Principal(u)
            | Resource::Home(u)
            | Resource::Book(u)
            | Resource::Card(u, _) => Some(u),
        }
    }
}

fn principal(user: &User) -> String {
    format!("/dav/principals/{}/", user.username)
}

fn home(user: &User) -> String {
    format!("/dav/addressbooks/{}/", user.username)
}

fn book(user: &User) -> String {
    format!("/dav/addressbooks/{}/{BOOK}/", user.username)
}

fn status(code: StatusCode, text: &str) -> Response {
    (
        code,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

fn multistatus(body: String) -> Response {
    (
        StatusCode::MULTI_STATUS,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A WebDAV precondition error (`<d:error><precondition/></d:error>`).
fn precondition(code: StatusCode, ns: &str, name: &str) -> Response {
    let prefix = if ns == CARD { "card" } else { "d" };
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" \
         xmlns:card=\"{CARD}\"><{prefix}:{name}/></d:error>\n"
    );
    (
        code,
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "carddav request failed");
    status(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
}

fn options() -> Response {
    let mut r = StatusCode::OK.into_response();
    let h = r.headers_mut();
    h.insert("DAV", HeaderValue::from_static("1, 3, addressbook"));
    h.insert(
        header::ALLOW,
        HeaderValue::from_static("OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT"),
    );
    r
}

/// The user behind a Basic `Authorization` with a CardDAV app password, or
/// the answer to give instead (401, or 429 after too many failures).
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<std::net::SocketAddr>>,
) -> Result<User, Response> {
    let challenge = || {
        let mut r = status(StatusCode::UNAUTHORIZED, "sign in with an app password");
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"Kith\", charset=\"UTF-8\""),
        );
        r
    };
    let Some((username, password)) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(u, p)| (u.to_owned(), p.to_owned())))
    else {
        return Err(challenge());
    };
    let found = state
        .store
        .token_user(&digest(&password), TokenScope::CardDav)
        .await
        .map_err(internal)?;
    match found {
        Some(user) if user.username.eq_ignore_ascii_case(username.trim()) => Ok(user),
        _ => {
            let store = &state.store;
            let since = Utc::now() - super::auth::FAILURE_WINDOW;
            let account = format!("dav:{}", username.trim().to_lowercase());
            let address = address_key(state, headers, peer);
            let failures = |key: String| async move {
                store
                    .login_failures_since(&key, since)
                    .await
                    .map_err(internal)
            };
            if failures(account.clone()).await? >= super::auth::MAX_FAILURES_PER_ACCOUNT
                || failures(address.clone()).await? >= super::auth::MAX_FAILURES_PER_ADDRESS
            {
                let mut r = status(StatusCode::TOO_MANY_REQUESTS, "too many failed sign-ins");
                r.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(super::auth::FAILURE_WINDOW.num_seconds() as u64),
                );
                return Err(r);
            }
            store
                .record_login_failure(&account)
                .await
                .map_err(internal)?;
            store
                .record_login_failure(&address)
                .await
                .map_err(internal)?;
            Err(challenge())
        }
    }
}

async fn dav(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    peer: ConnectInfo<std::net::SocketAddr>,
    body: Bytes,
) -> Response {
    if method == Method::OPTIONS {
        return options();
    }
    let user = match authenticate(&state, &headers, Some(&peer)).await {
        Ok(user) => user,
        Err(answer) => return answer,
    };
    let Some(resource) = Resource::parse(uri.path()) else {
        return status(StatusCode::NOT_FOUND, "no such resource");
    };
    if resource.owner().is_some_and(|u| u != user.username) {
        return status(StatusCode::NOT_FOUND, "no such resource");
    }
    let dav = Dav {
        state: &state,
        user: &user,
    };
    let result = match method.as_str() {
        "PROPFIND" => dav.propfind(&resource, &headers, &body).await,
        "REPORT" => dav.report(&resource, &body).await,
        "GET" | "HEAD" => dav.get(&resource, &headers, method == Method::HEAD).await,
        "PUT" => dav.put(&resource, &headers, &body).await,
        "DELETE" => dav.delete(&resource, &headers).await,
        _ => Ok(status(
            StatusCode::METHOD_NOT_ALLOWED,
            "this method is not supported here",
        )),
    };
    result.unwrap_or_else(internal)
}

/// A request's depth: 0, or 1 (also for `infinity`, which collections
/// this shallow never need).
fn depth(headers: &HeaderMap) -> u8 {
    match headers.get("Depth").and_then(|v| v.to_str().ok()) {
        Some("0") => 0,
        _ => 1,
    }
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

/// A property asked for: namespace and local name.
type Prop = (String, String);

/// The qualified name to write a property under.
fn qualified((ns, name): &Prop) -> String {
    match ns.as_str() {
        DAV => format!("d:{name}"),
        CARD => format!("card:{name}"),
        CS => format!("cs:{name}"),
        other => format!("x:{name} xmlns:x=\"{}\"", escape(other)),
    }
}

/// Which properties a PROPFIND or REPORT asks for (`None`: all of them).
fn wanted(root: Option<&Element>) -> Option<Vec<Prop>> {
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
fn version_asked(root: Option<&Element>) -> Version {
    let asked = root
        .and_then(|r| r.child(DAV, "prop"))
        .and_then(|p| p.child(CARD, "address-data"))
        .and_then(|a| a.attr("version"));
    match asked {
        Some("4.0") => Version::V4,
        _ => Version::V3,
    }
}

struct Dav<'a> {
    state: &'a AppState,
    user: &'a User,
}

/// A card's properties as found: its tag and, when asked, its text.
struct CardProps {
    etag: String,
    text: Option<String>,
}

impl Dav<'_> {
    fn sync_token(&self, position: i64) -> String {
        format!("{SYNC_PREFIX}{position}")
    }

    /// One property of a collection or the principal; `None`: not there.
    async fn collection_prop(&self, r: &Resource, prop: &Prop) -> anyhow::Result<Option<String>> {
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
    fn card_prop(prop: &Prop, card: &CardProps) -> Option<String> {
        match (prop.0.as_str(), prop.1.as_str()) {
            (DAV, "getetag") => Some(escape(&card.etag).into_owned()),
            (DAV, "getcontenttype") => Some("text/vcard; charset=utf-8".into()),
            (DAV, "resourcetype") => Some(String::new()),
            (CARD, "address-data") => card.text.as_deref().map(|t| escape(t).into_owned()),
            _ => None,
        }
    }

    const ALL_COLLECTION: [(&'static str, &'static str); 7] = [
        (DAV, "resourcetype"),
        (DAV, "displayname"),
        (DAV, "current-user-principal"),
        (CARD, "addressbook-home-set"),
        (DAV, "sync-token"),
        (CS, "getctag"),
        (DAV, "supported-report-set"),
    ];
    const ALL_CARD: [(&'static str, &'static str); 3] = [
        (DAV, "resourcetype"),
        (DAV, "getetag"),
        (DAV, "getcontenttype"),
    ];

    fn all(list: &[(&str, &str)]) -> Vec<Prop> {
        list.iter()
            .map(|(ns, n)| ((*ns).to_owned(), (*n).to_owned()))
            .collect()
    }

    async fn write_collection(
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
        write_response(out, href, &found, &missing);
        Ok(())
    }

    fn write_card(out: &mut Multistatus, href: &str, props: &Option<Vec<Prop>>, card: &CardProps) {
        let asked = props.clone().unwrap_or_else(|| Self::all(&Self::ALL_CARD));
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for p in &asked {
            match Self::card_prop(p, card) {
                Some(inner) => found.push((qualified(p), inner)),
                None => missing.push(qualified(p)),
            }
        }
        write_response(out, href, &found, &missing);
    }

    fn wants_data(props: &Option<Vec<Prop>>) -> bool {
        props
            .as_ref()
            .is_some_and(|p| p.iter().any(|(ns, n)| ns == CARD && n == "address-data"))
    }

    /// A contact's card text in `version`.
    async fn card_text(
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
    async fn texts(
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
    async fn write_cards(
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
    async fn all_cards(&self) -> anyhow::Result<Vec<(String, ContactId, String)>> {
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

    async fn propfind(
        &self,
        r: &Resource,
        headers: &HeaderMap,
        body: &[u8],
    ) -> anyhow::Result<Response> {
        let root = if body.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            match xml::parse(body) {
                Ok(root) if root.is(DAV, "propfind") => Some(root),
                Ok(_) => {
                    return Ok(status(
                        StatusCode::BAD_REQUEST,
                        "expected a DAV:propfind body",
                    ));
                }
                Err(e) => return Ok(status(StatusCode::BAD_REQUEST, &e)),
            }
        };
        if root
            .as_ref()
            .is_some_and(|r| r.child(DAV, "propname").is_some())
        {
            return Ok(status(StatusCode::FORBIDDEN, "propname is not supported"));
        }
        let props = wanted(root.as_ref());
        let version = version_asked(root.as_ref());
        let user = self.user;
        let mut out = Multistatus::new();
        match r {
            Resource::Root => {
                self.write_collection(&mut out, "/dav/", r, &props).await?;
                if depth(headers) == 1 {
                    let p = Resource::Principal(user.username.clone());
                    self.write_collection(&mut out, &principal(user), &p, &props)
                        .await?;
                }
            }
            Resource::Principal(_) => {
                self.write_collection(&mut out, &principal(user), r, &props)
                    .await?;
            }
            Resource::Home(_) => {
                self.write_collection(&mut out, &home(user), r, &props)
                    .await?;
                if depth(headers) == 1 {
                    let b = Resource::Book(user.username.clone());
                    self.write_collection(&mut out, &book(user), &b, &props)
                        .await?;
                }
            }
            Resource::Book(_) => {
                self.write_collection(&mut out, &book(user), r, &props)
                    .await?;
                if depth(headers) == 1 {
                    let cards = self.all_cards().await?;
                    self.write_cards(&mut out, cards, &props, version).await?;
                }
            }
            Resource::Card(_, name) => {
                let Some((contact, etag)) = self.state.store.dav_find(user.id, name).await? else {
                    return Ok(status(StatusCode::NOT_FOUND, "no such card"));
                };
                let href = format!("{}{name}", book(user));
                self.write_cards(&mut out, vec![(href, contact, etag)], &props, version)
                    .await?;
            }
        }
        Ok(multistatus(out.finish(None)))
    }

    async fn report(&self, r: &Resource, body: &[u8]) -> anyhow::Result<Response> {
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

    async fn get(&self, r: &Resource, headers: &HeaderMap, head: bool) -> anyhow::Result<Response> {
        let Resource::Card(_, name) = r else {
            return Ok(status(
                StatusCode::METHOD_NOT_ALLOWED,
                "a collection has no content; use PROPFIND",
            ));
        };
        let Some((contact, etag)) = self.state.store.dav_find(self.user.id, name).await? else {
            return Ok(status(StatusCode::NOT_FOUND, "no such card"));
        };
        let version = match headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) {
            Some(accept) if accept.contains("version=4.0") => Version::V4,
            _ => Version::V3,
        };
        let (_, text) = self.card_text(contact, version).await?;
        let mut response = (
            [
                (header::CONTENT_TYPE, "text/vcard; charset=utf-8".to_owned()),
                (header::ETAG, etag),
            ],
            if head { String::new() } else { text },
        )
            .into_response();
        if head {
            response.headers_mut().remove(header::CONTENT_LENGTH);
        }
        Ok(response)
    }

    async fn put(
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
        if body.len() > MAX_CARD {
            return Ok(status(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the card is too large",
            ));
        }
        let Ok(text) = std::str::from_utf8(body) else {
            return Ok(status(StatusCode::BAD_REQUEST, "the card is not UTF-8"));
        };
        let draft = match parse_card(text).and_then(|card| draft_of(&card)) {
            Ok(draft) => draft,
            Err(reason) => {
                return Ok(status(
                    StatusCode::BAD_REQUEST,
                    &format!("not a valid vCard: {reason}"),
                ));
            }
        };
        let pre = precondition_of(headers);
        let written = self
            .state
            .store
            .dav_put(self.user.id, name, &draft, text, &pre)
            .await?;
        Ok(match written {
            Ok(put) => {
                let code = if put.created {
                    StatusCode::CREATED
                } else {
                    StatusCode::NO_CONTENT
                };
                (code, [(header::ETAG, put.etag)]).into_response()
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

    async fn delete(&self, r: &Resource, headers: &HeaderMap) -> anyhow::Result<Response> {
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
                .dav_delete(self.user.id, name, &pre)
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

fn write_response(
    out: &mut Multistatus,
    href: &str,
    found: &[(String, String)],
    missing: &[String],
) {
    out.response(href, found, missing);
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
