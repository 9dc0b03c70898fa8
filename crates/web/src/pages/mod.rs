//! Server-rendered pages. Every state change is a POST answered with a
//! redirect (post/redirect/get) carrying a one-time flash message; every
//! GET is safe to repeat.

mod calendar;
mod contact_form;
mod contacts;
mod dashboard;
mod follow_ups;
mod goals;
mod import;
mod label;
mod merge;
mod passkeys;
mod providers;
mod quick;
mod second_factor;
mod session;
mod settings;
mod timeline;
mod users;

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::assets::VERSION;
use super::auth::{Viewer, cookie_value, safe_next, urlencode};
use super::error::WebError;
use super::routes::{RouteTable, get, post};

pub fn routes() -> RouteTable {
    RouteTable::new()
        .merge(sign_in_routes())
        .merge(contact_book_routes())
        .merge(calendar_routes())
        .merge(settings_routes())
        .layer(axum::middleware::from_fn(clear_flash))
}

/// Signing in and out, first setup, and the sign-in methods kept in settings
/// (passkeys, linked identities, two-step codes, sessions).
fn sign_in_routes() -> RouteTable {
    RouteTable::new()
        .route("/login", get(session::login_page).post(session::login))
        .route("/login/passkey/start", post(passkeys::login_start))
        .route("/login/passkey/finish", post(passkeys::login_finish))
        .route("/settings/passkeys/start", post(passkeys::register_start))
        .route("/settings/passkeys/finish", post(passkeys::register_finish))
        .route("/settings/passkeys/{id}/remove", post(passkeys::remove))
        .route("/login/oidc/{name}", get(providers::start))
        .route("/login/oidc/{name}/callback", get(providers::callback))
        .route("/settings/identities/{name}/link", post(providers::link))
        .route("/settings/identities/{id}/unlink", post(providers::unlink))
        .route(
            "/login/code",
            get(second_factor::code_page).post(second_factor::code),
        )
        .route(
            "/login/enrol",
            get(second_factor::enrol_at_sign_in_page).post(second_factor::enrol_at_sign_in),
        )
        .route("/logout", post(session::logout))
        .route("/setup", get(session::setup_page).post(session::setup))
        .route("/settings/totp", post(second_factor::begin))
        .route(
            "/settings/totp/confirm",
            post(second_factor::confirm_from_settings),
        )
        .route("/settings/totp/disable", post(second_factor::disable))
        .route("/settings/totp/recovery", post(second_factor::new_codes))
        .route(
            "/settings/sessions/{key}/end",
            post(second_factor::end_session),
        )
}

/// The dashboard, the contact book, homework, goals and my organisation,
/// and the files that go in and out.
fn contact_book_routes() -> RouteTable {
    RouteTable::new()
        // The server's root is also where CardDAV clients start discovery.
        .route(
            "/",
            get(dashboard::page).others(&["PROPFIND", "OPTIONS"], crate::dav::root),
        )
        .route("/contacts", get(contacts::list).post(contact_form::create))
        .route("/contacts/new", get(contact_form::new_page))
        .route(
            "/contacts/{id}",
            get(contacts::show).post(contact_form::update),
        )
        .route("/contacts/{id}/edit", get(contact_form::edit_page))
        .route("/contacts/{id}/log", post(contacts::log))
        .route("/contacts/{id}/follow-ups", post(contacts::add_follow_up))
        .route("/contacts/{id}/snooze", post(contacts::snooze))
        .route("/contacts/{id}/archive", post(contacts::archive))
        .route("/contacts/{id}/delete", post(contacts::delete))
        .route("/contacts/{id}/unarchive", post(contacts::unarchive))
        .route("/quick", get(quick::page))
        .route("/quick/log", post(quick::log))
        .route("/people", get(quick::people))
        .route("/follow-ups", get(follow_ups::list))
        .route("/follow-ups/{id}/done", post(follow_ups::done))
        .route("/follow-ups/{id}/drop", post(follow_ups::drop))
        .route(
            "/follow-ups/{id}",
            get(follow_ups::edit_page).post(follow_ups::edit),
        )
        .route("/undo/{id}", post(follow_ups::undo))
        .route("/goals", get(goals::list).post(goals::create))
        .route("/goals/{id}", get(goals::show))
        .route("/goals/{id}/status", post(goals::set_status))
        .route("/goals/{id}/link", post(goals::link))
        .route(
            "/organisation",
            get(goals::organisation).post(goals::set_mine),
        )
        .route("/organisation/worked", post(goals::worked))
        .route(
            "/import",
            get(import::page)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(import::MAX_UPLOAD)),
        )
        .route("/merge", get(merge::preview).post(merge::merge))
        .route("/export/contacts.vcf", get(import::export_vcard))
        .route("/export/calendar.ics", get(import::export_ics))
        .route("/export/account.json", get(import::export_json))
        .route("/export/contacts.csv", get(import::export_csv))
}

/// Meetings, outreach blocks and the calendar feed.
fn calendar_routes() -> RouteTable {
    RouteTable::new()
        .route("/calendar", get(calendar::page))
        .route("/meetings", post(calendar::create_meeting))
        .route("/meetings/{id}/convert", post(calendar::convert))
        .route("/meetings/{id}/cancel", post(calendar::cancel))
        .route("/meetings/{id}/send", post(calendar::send))
        .route("/meetings/{id}/log", post(calendar::log))
        .route("/meetings/{id}/invite.ics", get(calendar::invitation))
        .route("/blocks", post(calendar::create_block))
        .route("/blocks/{id}/remove", post(calendar::remove_block))
        .route("/cal/{file}", get(calendar::feed))
}

/// Settings, tag rhythms, the digest and its outbox, and the users an admin manages.
fn settings_routes() -> RouteTable {
    RouteTable::new()
        .route("/settings/tags", post(settings::set_tag))
        .route("/settings", get(settings::page).post(settings::update))
        .route("/settings/password", post(settings::password))
        .route("/settings/tokens", post(settings::create_token))
        .route("/settings/tokens/{id}/revoke", post(settings::revoke_token))
        .route("/settings/calendar", post(settings::calendar_feed))
        .route("/settings/digest", post(settings::set_digest))
        .route("/settings/digest/send", post(settings::send_digest))
        .route("/settings/outbox/{id}/retry", post(settings::retry_mail))
        .route("/users", get(users::page).post(users::add_user))
        .route("/users/{id}/disabled", post(users::set_disabled))
}

/// What the layout needs: who is signed in, which page, the flash.
pub struct Chrome {
    pub user: Option<String>,
    pub active: &'static str,
    pub flash: Option<Flash>,
    pub version: &'static str,
}

pub struct Flash {
    pub text: String,
    pub error: bool,
    /// An action just taken that can be undone: its undo id, and the page
    /// to come back to afterwards.
    pub undo: Option<UndoButton>,
}

/// The Undo button of a flash: the undo id, and the page to come back to.
pub struct UndoButton {
    pub id: i64,
    pub back: String,
}

const NAV: [(&str, &str, &str); 8] = [
    ("/", "Today", "today"),
    ("/contacts", "Contacts", "contacts"),
    ("/follow-ups", "Follow-ups", "follow-ups"),
    ("/goals", "Goals", "goals"),
    ("/organisation", "Organisation", "organisation"),
    ("/calendar", "Calendar", "calendar"),
    ("/import", "Import", "import"),
    ("/settings", "Settings", "settings"),
];

impl Chrome {
    pub fn new(viewer: &Viewer, active: &'static str, headers: &HeaderMap) -> Chrome {
        Chrome {
            user: Some(viewer.user.display_name.clone()),
            active,
            flash: read_flash(headers),
            version: VERSION,
        }
    }

    /// For pages shown before sign-in.
    pub fn anonymous(headers: &HeaderMap) -> Chrome {
        Chrome {
            user: None,
            active: "",
            flash: read_flash(headers),
            version: VERSION,
        }
    }

    pub fn nav(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        &NAV
    }
}

const FLASH_COOKIE: &str = "kith_flash";

fn read_flash(headers: &HeaderMap) -> Option<Flash> {
    let raw = cookie_value(headers, FLASH_COOKIE)?;
    let decoded: Vec<(String, String)> = serde_urlencoded::from_str(&format!("m={raw}")).ok()?;
    let text = decoded.into_iter().next()?.1;
    if let Some(rest) = text.strip_prefix('^') {
        // `^ID^BACK^text`: see `redirect_with_undo`.
        let mut parts = rest.splitn(3, '^');
        let id = parts.next()?.parse::<i64>().ok()?;
        let back = safe_next(parts.next());
        return Some(Flash {
            text: parts.next()?.to_owned(),
            error: false,
            undo: Some(UndoButton { id, back }),
        });
    }
    match text.strip_prefix('!') {
        Some(rest) => Some(Flash {
            text: rest.to_owned(),
            error: true,
            undo: None,
        }),
        None => Some(Flash {
            text,
            error: false,
            undo: None,
        }),
    }
}

/// A redirect that shows `text` once on the next page, with an Undo button
/// for the action `undo` (a POST form to `/undo/{id}`) when there is one.
pub fn redirect_with_undo(to: &str, text: &str, undo: Option<kith_core::ids::UndoId>) -> Response {
    match undo {
        Some(id) if !to.contains('^') => flash_redirect_to(to, &format!("^{id}^{to}^{text}")),
        _ => redirect_with(to, text),
    }
}

/// A redirect that shows `text` once on the next page.
pub fn redirect_with(to: &str, text: &str) -> Response {
    flash_redirect(to, text, false)
}

pub fn redirect_with_error(to: &str, text: &str) -> Response {
    flash_redirect(to, text, true)
}

fn flash_redirect(to: &str, text: &str, error: bool) -> Response {
    // A text of its own never starts with the undo marker.
    let text = text.strip_prefix('^').unwrap_or(text);
    flash_redirect_to(to, &format!("{}{}", if error { "!" } else { "" }, text))
}

fn flash_redirect_to(to: &str, value: &str) -> Response {
    let cookie = format!(
        "{FLASH_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60",
        urlencode(value)
    );
    let mut response = Redirect::to(to).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Forgets a flash once a page has shown it.
async fn clear_flash(request: Request, next: Next) -> Response {
    let had = cookie_value(request.headers(), FLASH_COOKIE).is_some();
    let mut response = next.run(request).await;
    if had && !response.status().is_redirection() {
        response.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("kith_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
        );
    }
    response
}

/// A template as a response; a rendering failure is ours (500).
pub fn render(template: &impl Template) -> Result<Response, PageError> {
    let html = template
        .render()
        .map_err(|e| PageError(WebError::Internal(e.into())))?;
    Ok(Html(html).into_response())
}

/// A page rendered again around a form it refused (what was typed and
/// why): 422 then, so a script or test tells it from a page that took it.
pub fn render_form_page(template: &impl Template, refused: bool) -> PageResult {
    let mut page = render(template)?;
    if refused {
        *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(page)
}

pub type PageResult = Result<Response, PageError>;

/// `axum::Form` for pages: a body that does not fit the form (letters in a
/// number field, say) gets the error page naming the field, not axum's
/// plain-text rejection. Other rejections (a wrong content type) pass as
/// axum makes them.
pub struct Form<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for Form<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::FormRejection;
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(FormRejection::FailedToDeserializeFormBody(e)) => {
                let text = e.body_text();
                let text = text
                    .strip_prefix("Failed to deserialize form body: ")
                    .unwrap_or(&text);
                let (field, message) = text.split_once(": ").unwrap_or(("form", text));
                Err(PageError(WebError::invalid(field, message)).into_response())
            }
            Err(other) => Err(other.into_response()),
        }
    }
}

/// An error shown as a page.
#[derive(Debug)]
pub struct PageError(pub WebError);

impl<E> From<E> for PageError
where
    WebError: From<E>,
{
    fn from(e: E) -> Self {
        PageError(WebError::from(e))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    title: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let status = e.status();
        let page = ErrorPage {
            chrome: Chrome {
                user: None,
                active: "",
                flash: None,
                version: VERSION,
            },
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error"),
            message: e.message(),
        };
        let body = page
            .render()
            .unwrap_or_else(|_| "Something went wrong.".to_owned());
        let mut response = (status, Html(body)).into_response();
        e.add_headers(&mut response);
        response
    }
}

pub async fn not_found() -> Response {
    PageError(WebError::NotFound("no such page".into())).into_response()
}

/// An id from the path that is not a number is a 404, not a 400.
pub fn id_from(text: &str) -> Result<i64, PageError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| PageError(WebError::NotFound(format!("no such id '{text}'"))))
}
