//! Two-step sign-in: the code after the password, setting up an
//! authenticator app (at sign-in where the server requires it, or from
//! settings), recovery codes, turning it off, and ending sessions.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use kith_auth::digest;
use kith_auth::totp::{self, TotpSecret};
use kith_core::user::User;
use kith_store::{PendingPurpose, PendingSignin};
use serde::Deserialize;

use super::{Chrome, Form, PageResult, redirect_with, redirect_with_error, render};
use crate::AppState;
use crate::auth::{
    self, FAILURE_WINDOW, MAX_FAILURES_PER_ACCOUNT, PENDING_COOKIE, Viewer, cookie_value, safe_next,
};
use crate::error::WebError;

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    chrome: Chrome,
    next: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "totp_enrol.html")]
struct EnrolPage {
    chrome: Chrome,
    /// Where the code is posted.
    action: &'static str,
    next: String,
    /// The server requires it (at sign-in).
    required: bool,
    qr: String,
    /// The seed in base32, in groups of four.
    key: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct CodesPage {
    chrome: Chrome,
    codes: Vec<String>,
    next: String,
}

impl CodesPage {
    /// The codes as a text file, for the page's download link: a `data:`
    /// address with everything but letters and digits percent-encoded.
    fn download(&self) -> String {
        let text = format!(
            "Kith recovery codes: each signs you in once instead of a code.\n\n{}\n",
            self.codes.join("\n")
        );
        let mut out = String::from("data:text/plain;charset=utf-8,");
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
}

/// The issuer an authenticator app shows next to the account.
fn issuer(state: &AppState) -> String {
    match state
        .config
        .public_url
        .as_deref()
        .and_then(|u| u.split("://").nth(1))
    {
        Some(host) => format!("Kith ({host})"),
        None => "Kith".into(),
    }
}

/// The `otpauth://` address as an SVG QR code.
fn qr_svg(uri: &str) -> Result<String, WebError> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| WebError::Internal(e.into()))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

fn grouped(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn enrol_page(
    state: &AppState,
    chrome: Chrome,
    user: &User,
    secret: &TotpSecret,
    action: &'static str,
    next: String,
    error: Option<String>,
) -> PageResult {
    let mut page = render(&EnrolPage {
        chrome,
        action,
        next,
        required: action == "/login/enrol",
        qr: qr_svg(&secret.uri(&issuer(state), &user.username))?,
        key: grouped(&secret.to_base32()),
        error: error.clone(),
    })?;
    if error.is_some() {
        *page.status_mut() = StatusCode::UNAUTHORIZED;
    }
    no_store(&mut page);
    Ok(page)
}

/// Pages that show a secret are never cached.
fn no_store(response: &mut Response) {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
}

/// The sign-in waiting for its second step, if the cookie names a live one
/// with this purpose.
async fn pending(
    state: &AppState,
    headers: &HeaderMap,
    purpose: PendingPurpose,
) -> Result<Option<(String, PendingSignin)>, WebError> {
    let Some(secret) = cookie_value(headers, PENDING_COOKIE) else {
        return Ok(None);
    };
    let key = digest(secret);
    Ok(state
        .store
        .pending_signin(&key, chrono::Utc::now())
        .await?
        .filter(|p| p.purpose == purpose)
        .map(|p| (key, p)))
}

fn start_again() -> Response {
    redirect_with_error("/login", "That sign-in has expired. Please sign in again.")
}

/// How a code checked out.
enum Checked {
    /// An authenticator code, or a recovery code (now used up).
    Totp,
    Recovery,
    Wrong,
    /// The right code, but used already.
    Replayed,
}

/// Checks a code from the app (six digits) or a recovery code.
async fn check_code(state: &AppState, user: &User, input: &str) -> Result<Checked, WebError> {
    let Some(factor) = state.store.totp(user.id).await? else {
        return Ok(Checked::Wrong);
    };
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == totp::DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()) {
        let Some(secret) = TotpSecret::from_base32(&factor.secret) else {
            return Ok(Checked::Wrong);
        };
        return Ok(match secret.verify(&digits, Utc::now().timestamp()) {
            Some(step) if state.store.use_totp_step(user.id, step).await? => Checked::Totp,
            Some(_) => Checked::Replayed,
            None => Checked::Wrong,
        });
    }
    let code = totp::normalize_recovery_code(input);
    Ok(
        if state
            .store
            .use_recovery_code(user.id, &digest(&code), Utc::now())
            .await?
        {
            Checked::Recovery
        } else {
            Checked::Wrong
        },
    )
}

/// Signs the user in for good: the pending sign-in goes, a session starts.
async fn finish_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    pending_key: &str,
    user: &User,
    method: &str,
    mut response: Response,
) -> PageResult {
    state.store.delete_pending_signin(pending_key).await?;
    let cookie = auth::start_session(state, user, method, auth::agent(headers)).await?;
    let h = response.headers_mut();
    h.append(header::SET_COOKIE, cookie);
    h.append(header::SET_COOKIE, auth::pending_cookie(state, "", 0));
    Ok(response)
}

pub async fn code_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> PageResult {
    if pending(&state, &headers, PendingPurpose::Code)
        .await?
        .is_none()
    {
        return Ok(start_again());
    }
    render(&CodePage {
        chrome: Chrome::anonymous(&headers),
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

pub async fn code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let Some((key, signin)) = pending(&state, &headers, PendingPurpose::Code).await? else {
        return Ok(start_again());
    };
    let next = safe_next(form.next.as_deref());
    let user = &signin.user;
    let throttle = format!("code:{}", user.id.0);
    let since = Utc::now() - FAILURE_WINDOW;
    let refused = |status: StatusCode, message: &str| -> PageResult {
        let mut r = render(&CodePage {
            chrome: Chrome::anonymous(&HeaderMap::new()),
            next: next.clone(),
            error: Some(message.to_owned()),
        })?;
        *r.status_mut() = status;
        Ok(r)
    };
    // Counted before the code is checked, atomically: codes sent at once
    // cannot all slip under the limit.
    let now = Utc::now();
    if !state
        .store
        .claim_login_attempt(&[(throttle.as_str(), MAX_FAILURES_PER_ACCOUNT)], since, now)
        .await?
    {
        state.store.delete_pending_signin(&key).await?;
        return refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many wrong codes. Sign in again in a few minutes.",
        );
    }
    let method = match check_code(&state, user, &form.code).await? {
        Checked::Totp => "password+totp",
        Checked::Recovery => "password+recovery-code",
        Checked::Replayed => {
            return refused(
                StatusCode::UNAUTHORIZED,
                "That code was used already. Wait for the next one.",
            );
        }
        Checked::Wrong => {
            return refused(StatusCode::UNAUTHORIZED, "That code is not right.");
        }
    };
    state.store.forget_login_attempt(&throttle, now).await?;
    let done = if method == "password+recovery-code" {
        let left = state.store.recovery_codes_left(user.id).await?;
        redirect_with(
            &next,
            &format!(
                "Signed in with a recovery code; {left} left. Make new ones in Settings if you are running low."
            ),
        )
    } else {
        Redirect::to(&next).into_response()
    };
    finish_sign_in(&state, &headers, &key, user, method, done).await
}

pub async fn enrol_at_sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> PageResult {
    let Some((_, signin)) = pending(&state, &headers, PendingPurpose::Enrol).await? else {
        return Ok(start_again());
    };
    let Some(secret) = signin.secret.as_deref().and_then(TotpSecret::from_base32) else {
        return Ok(start_again());
    };
    let next = safe_next(q.next.as_deref());
    let chrome = Chrome::anonymous(&headers);
    enrol_page(
        &state,
        chrome,
        &signin.user,
        &secret,
        "/login/enrol",
        next,
        None,
    )
}

pub async fn enrol_at_sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let Some((key, signin)) = pending(&state, &headers, PendingPurpose::Enrol).await? else {
        return Ok(start_again());
    };
    let Some(secret) = signin.secret.as_deref().and_then(TotpSecret::from_base32) else {
        return Ok(start_again());
    };
    let next = safe_next(form.next.as_deref());
    let user = &signin.user;
    let Some(step) = secret.verify(&form.code, Utc::now().timestamp()) else {
        let error = Some("That code is not right; check the phone's clock and try again.".into());
        let chrome = Chrome::anonymous(&headers);
        return enrol_page(&state, chrome, user, &secret, "/login/enrol", next, error);
    };
    match state
        .store
        .begin_totp(user.id, &secret.to_base32(), Utc::now())
        .await
    {
        Ok(()) => {}
        // Set up meanwhile from another browser: sign in with a code.
        Err(kith_store::StoreError::Conflict(_)) => return Ok(start_again()),
        Err(e) => return Err(e.into()),
    }
    let codes = confirm(&state, user, step).await?;
    let mut page = render(&CodesPage {
        chrome: Chrome::anonymous(&headers),
        codes,
        next,
    })?;
    no_store(&mut page);
    finish_sign_in(&state, &headers, &key, user, "password+totp", page).await
}

/// Confirms the offered seed and makes recovery codes; returns them.
async fn confirm(state: &AppState, user: &User, step: i64) -> Result<Vec<String>, WebError> {
    let codes = totp::recovery_codes().map_err(|e| WebError::Internal(e.into()))?;
    let digests: Vec<String> = codes.iter().map(|c| digest(c)).collect();
    state
        .store
        .confirm_totp(user.id, step, &digests, Utc::now())
        .await?;
    Ok(codes)
}

/// Settings: offers a new seed and shows it.
pub async fn begin(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> PageResult {
    let secret = TotpSecret::generate().map_err(|e| WebError::Internal(e.into()))?;
    match state
        .store
        .begin_totp(viewer.user.id, &secret.to_base32(), Utc::now())
        .await
    {
        Ok(()) => {}
        Err(kith_store::StoreError::Conflict(m)) => {
            return Ok(redirect_with_error("/settings#two-step", &m));
        }
        Err(e) => return Err(e.into()),
    }
    let next = "/settings#two-step".to_owned();
    let chrome = Chrome::new(&viewer, "settings", &headers);
    enrol_page(
        &state,
        chrome,
        &viewer.user,
        &secret,
        "/settings/totp/confirm",
        next,
        None,
    )
}

/// Settings: the first code proves the app has the seed.
pub async fn confirm_from_settings(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let user = &viewer.user;
    let factor = state.store.totp(user.id).await?;
    let Some(secret) = factor
        .filter(|f| !f.confirmed)
        .and_then(|f| TotpSecret::from_base32(&f.secret))
    else {
        return Ok(redirect_with_error(
            "/settings#two-step",
            "Start setting up two-step sign-in again.",
        ));
    };
    let next = "/settings#two-step".to_owned();
    let Some(step) = secret.verify(&form.code, Utc::now().timestamp()) else {
        let error = Some("That code is not right; check the phone's clock and try again.".into());
        let chrome = Chrome::new(&viewer, "settings", &headers);
        return enrol_page(
            &state,
            chrome,
            user,
            &secret,
            "/settings/totp/confirm",
            next,
            error,
        );
    };
    let codes = confirm(&state, user, step).await?;
    let mut page = render(&CodesPage {
        chrome: Chrome::new(&viewer, "settings", &headers),
        codes,
        next,
    })?;
    no_store(&mut page);
    Ok(page)
}

/// Settings: turns two-step sign-in off (with the password).
pub async fn disable(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    if state.config.require_totp {
        return Ok(redirect_with_error(
            "/settings#two-step",
            "This server requires two-step sign-in; it cannot be turned off.",
        ));
    }
    if !auth::password_matches(&state, &viewer.user, form.password).await? {
        return Ok(redirect_with_error(
            "/settings#two-step",
            "The password is wrong.",
        ));
    }
    state.store.remove_totp(viewer.user.id).await?;
    Ok(redirect_with(
        "/settings#two-step",
        "Two-step sign-in is off.",
    ))
}

/// Settings: new recovery codes (with the password); the old ones stop working.
pub async fn new_codes(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let confirmed = state
        .store
        .totp(viewer.user.id)
        .await?
        .is_some_and(|f| f.confirmed);
    if !confirmed {
        return Ok(redirect_with_error(
            "/settings#two-step",
            "Two-step sign-in is off.",
        ));
    }
    if !auth::password_matches(&state, &viewer.user, form.password).await? {
        return Ok(redirect_with_error(
            "/settings#two-step",
            "The password is wrong.",
        ));
    }
    let codes = totp::recovery_codes().map_err(|e| WebError::Internal(e.into()))?;
    let digests: Vec<String> = codes.iter().map(|c| digest(c)).collect();
    state
        .store
        .set_recovery_codes(viewer.user.id, &digests)
        .await?;
    let mut page = render(&CodesPage {
        chrome: Chrome::new(&viewer, "settings", &headers),
        codes,
        next: "/settings#two-step".into(),
    })?;
    no_store(&mut page);
    Ok(page)
}

/// Settings: ends one of the user's sessions (this one signs them out).
pub async fn end_session(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(key): Path<String>,
) -> PageResult {
    let current = auth::current_session_key(&headers);
    if !state.store.end_session(viewer.user.id, &key).await? {
        return Err(WebError::NotFound("no such session".into()).into());
    }
    if current.as_deref() == Some(key.as_str()) {
        let mut r = redirect_with("/login", "Signed out.");
        r.headers_mut()
            .append(header::SET_COOKIE, auth::session_cookie(&state, "", 0));
        return Ok(r);
    }
    Ok(redirect_with(
        "/settings#sessions",
        "That session has ended.",
    ))
}
