//! CardDAV (RFC 6352 over WebDAV, RFC 4918; sync, RFC 6578) under `/dav/`:
//! one address book per user whose cards are the contacts.
//!
//! ```text
//! /                                 PROPFIND: principal discovery (GET: the web app)
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

mod props;
mod reports;
mod write;
mod xml;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use chrono::Utc;
use kith_auth::digest;
use kith_core::user::User;
use kith_interop::vcard::Version;
use kith_store::TokenScope;

use self::props::{version_asked, wanted};
use self::xml::{CARD, DAV, Multistatus};
use super::AppState;
use super::auth::address_key;
use super::routes::{RouteTable, any};

/// The one address book's path segment.
const BOOK: &str = "contacts";
/// The largest card accepted (photos included).
const MAX_CARD: usize = 1024 * 1024;
/// The largest request body (a multiget of every card of a large book).
const MAX_BODY: usize = 8 * 1024 * 1024;
const SYNC_PREFIX: &str = "urn:kith:sync:";
/// The namespace of Kith's own elements in an answer (an error's message).
const KITH: &str = "urn:kith";

pub fn routes() -> RouteTable {
    RouteTable::new()
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
    /// `/`, the server's root: only its discovery properties.
    Site,
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
            Resource::Site | Resource::Root => None,
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
    explained(code, ns, name, None)
}

/// A precondition error with, where there is one, the reason in words
/// (`<k:message>`, beside the precondition, as RFC 4918 section 16 allows).
fn explained(code: StatusCode, ns: &str, name: &str, message: Option<&str>) -> Response {
    let prefix = if ns == CARD { "card" } else { "d" };
    let message = message
        .map(|m| {
            format!(
                "<k:message xmlns:k=\"{KITH}\">{}</k:message>",
                xml::escape(m)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" \
         xmlns:card=\"{CARD}\"><{prefix}:{name}/>{message}</d:error>\n"
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

const ALLOW_DAV: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT";
/// What `/` answers: GET and HEAD are the web app's.
const ALLOW_ROOT: &str = "OPTIONS, GET, HEAD, PROPFIND";

fn options(allow: &'static str) -> Response {
    let mut r = StatusCode::OK.into_response();
    let h = r.headers_mut();
    h.insert("DAV", HeaderValue::from_static("1, 3, addressbook"));
    h.insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

/// `/`, the address README.md tells people to enter, for the methods the
/// web app does not answer there. A client that starts discovery at the
/// server's root (RFC 6764 section 6) gets a multistatus naming its
/// principal and address-book home, signed in like the rest of CardDAV.
pub(crate) async fn root(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    peer: ConnectInfo<std::net::SocketAddr>,
    body: Bytes,
) -> Response {
    match method.as_str() {
        "OPTIONS" => options(ALLOW_ROOT),
        "PROPFIND" => {
            let user = match authenticate(&state, &headers, Some(&peer)).await {
                Ok(user) => user,
                Err(answer) => return answer,
            };
            let dav = Dav {
                state: &state,
                user: &user,
            };
            dav.propfind(&Resource::Site, &headers, &body)
                .await
                .unwrap_or_else(internal)
        }
        _ => {
            let mut r = status(
                StatusCode::METHOD_NOT_ALLOWED,
                "this method is not supported here",
            );
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(ALLOW_ROOT));
            r
        }
    }
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
        // A NUL in a name would reach PostgreSQL in the failure's key.
        .and_then(|s| {
            s.split_once(':').map(|(u, p)| {
                let u = u.replace(kith_core::values::unwritable, "\u{FFFD}");
                (u, p.to_owned())
            })
        })
    else {
        return Err(challenge());
    };
    let found = state
        .store
        .token_user(&digest(&password), TokenScope::CardDav, chrono::Utc::now())
        .await
        .map_err(internal)?;
    match found {
        Some(user) if user.username.eq_ignore_ascii_case(username.trim()) => Ok(user),
        _ => {
            // A wrong app password counts under the account and the address,
            // atomically with the check of their limits (guesses sent at once
            // cannot all slip under them). A right one is never refused: app
            // passwords are random, so the limit guards against noise, and a
            // stranger's failures must not lock a user's phone out.
            let now = Utc::now();
            let account = format!("dav:{}", username.trim().to_lowercase());
            let address = address_key(state, headers, peer);
            let counted = state
                .store
                .claim_login_attempt(
                    &[
                        (account.as_str(), super::auth::MAX_FAILURES_PER_ACCOUNT),
                        (address.as_str(), super::auth::MAX_FAILURES_PER_ADDRESS),
                    ],
                    now - super::auth::FAILURE_WINDOW,
                    now,
                )
                .await
                .map_err(internal)?;
            if !counted {
                let mut r = status(StatusCode::TOO_MANY_REQUESTS, "too many failed sign-ins");
                r.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(super::auth::FAILURE_WINDOW.num_seconds() as u64),
                );
                return Err(r);
            }
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
        return options(ALLOW_DAV);
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

struct Dav<'a> {
    state: &'a AppState,
    user: &'a User,
}

impl Dav<'_> {
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
            Resource::Site => {
                self.write_collection(&mut out, "/", r, &props).await?;
            }
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
}
