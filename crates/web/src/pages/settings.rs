//! Settings: profile, rhythm, password, API tokens, the calendar feed, the
//! digest and its outbox. The users of this server are `users.rs`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use kith_auth::hash_password;
use kith_core::user::{Password, User};
use kith_store::{TokenInfo, TokenScope};
use serde::Deserialize;

use super::{
    Chrome, Form, PageResult, id_from, label, redirect_with, redirect_with_error, render_form_page,
};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::WebError;
use kith_app::digest::{DigestChanges, digest_address, schedule_words};
use kith_app::mail::Templates;
use kith_app::mail::queue_digest_now;
use kith_app::settings::{SettingsChanges, update_settings};
use kith_app::tokens;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    me: User,
    tokens: Vec<TokenInfo>,
    /// A secret shown once, right after it was made.
    new_secret: Option<String>,
    /// With a new CardDAV app password: the server address a phone asks
    /// for (the well-known address finds the address book from there).
    carddav_server: Option<String>,
    feed: Option<String>,
    admin: bool,
    tags: Vec<kith_store::TagSummary>,
    /// The profile form: what is stored, or what was typed when it was
    /// refused.
    profile: ProfileForm,
    /// Why the profile form was refused.
    profile_error: Option<String>,
    digest: kith_store::DigestState,
    /// Where the digest goes (its own address or the account's).
    digest_to: Option<String>,
    /// Recent messages, newest first.
    outbox: Vec<kith_store::OutboxEntry>,
    /// This server sends e-mail.
    mail: bool,
    /// Two-step sign-in is on.
    totp: bool,
    codes_left: i64,
    /// The server requires two-step sign-in.
    require_totp: bool,
    sessions: Vec<kith_store::SessionInfo>,
    /// The key of the session this page is shown in.
    current_session: String,
    /// Linked accounts at sign-in providers, with the provider's label.
    identities: Vec<(kith_store::Identity, String)>,
    /// Providers to link: name and label.
    providers: Vec<(String, String)>,
    passkeys: Vec<kith_store::StoredPasskey>,
}

impl SettingsPage {
    fn date(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        kith_app::words::date(*at, self.me.timezone)
    }

    fn day(&self, index: &usize) -> bool {
        self.digest.settings.days.bits() & (1 << index) != 0
    }

    fn time(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        kith_app::words::date_time(*at, self.me.timezone)
    }

    fn mail_state(&self, entry: &kith_store::OutboxEntry) -> String {
        kith_app::mail::last_words(entry, self.me.timezone)
    }

    fn when(&self, at: &Option<chrono::DateTime<chrono::Utc>>) -> String {
        at.map(|t| kith_app::words::date(t, self.me.timezone))
            .unwrap_or_else(|| "never".into())
    }
}

pub(super) async fn is_admin(state: &AppState, user: &User) -> Result<bool, WebError> {
    Ok(state
        .store
        .credentials(&user.username)
        .await?
        .is_some_and(|c| c.admin && !c.disabled))
}

/// The user's linked sign-in identities, each with its provider's label.
async fn identities(
    state: &AppState,
    user: kith_core::ids::UserId,
) -> Result<Vec<(kith_store::Identity, String)>, WebError> {
    Ok(state
        .store
        .identities(user)
        .await?
        .into_iter()
        .map(|i| {
            let label = state
                .config
                .providers
                .iter()
                .find(|p| p.name == i.provider)
                .map_or_else(|| i.provider.clone(), |p| p.label.clone());
            (i, label)
        })
        .collect())
}

async fn settings_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    new_secret: Option<(TokenScope, String)>,
    profile: Option<(ProfileForm, String)>,
) -> PageResult {
    let digest = state.store.digest_state(viewer.user.id).await?;
    let tokens: Vec<TokenInfo> = state
        .store
        .tokens(viewer.user.id)
        .await?
        .into_iter()
        .filter(|t| t.scope != TokenScope::Calendar)
        .collect();
    let base = crate::auth::base_url(state, headers);
    let feed = match &new_secret {
        Some((TokenScope::Calendar, secret)) => Some(format!("{base}/cal/{secret}.ics")),
        _ => None,
    };
    let carddav_server =
        matches!(&new_secret, Some((TokenScope::CardDav, _))).then(|| base.clone());
    let (profile, profile_error) = match profile {
        Some((form, why)) => (form, Some(why)),
        None => {
            let jitsi = state.store.jitsi_base(viewer.user.id).await?;
            (ProfileForm::stored(&viewer.user, jitsi.as_str()), None)
        }
    };
    let refused = profile_error.is_some();
    render_form_page(
        &SettingsPage {
            chrome: Chrome::new(viewer, "settings", headers),
            me: viewer.user.clone(),
            tokens,
            new_secret: new_secret
                .filter(|(scope, _)| *scope != TokenScope::Calendar)
                .map(|(_, s)| s),
            carddav_server,
            profile,
            profile_error,
            feed,
            admin: is_admin(state, &viewer.user).await?,
            tags: state.store.tags(viewer.user.id).await?,
            digest_to: digest_address(&digest.settings, &viewer.user),
            digest,
            outbox: state.store.outbox(viewer.user.id, 10).await?,
            mail: state.config.mail.is_some(),
            totp: state
                .store
                .totp(viewer.user.id)
                .await?
                .is_some_and(|f| f.confirmed),
            codes_left: state.store.recovery_codes_left(viewer.user.id).await?,
            require_totp: state.config.require_totp,
            sessions: state
                .store
                .sessions(viewer.user.id, chrono::Utc::now())
                .await?,
            identities: identities(state, viewer.user.id).await?,
            providers: state.config.provider_buttons(),
            passkeys: state.store.passkeys(viewer.user.id).await?,
            current_session: crate::auth::current_session_key(headers).unwrap_or_default(),
        },
        refused,
    )
}

/// The digest form: on or off, days, time, address.
#[derive(Deserialize)]
pub struct DigestForm {
    enabled: Option<String>,
    mon: Option<String>,
    tue: Option<String>,
    wed: Option<String>,
    thu: Option<String>,
    fri: Option<String>,
    sat: Option<String>,
    sun: Option<String>,
    at: String,
    #[serde(default)]
    address: String,
}

pub async fn set_digest(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<DigestForm>,
) -> PageResult {
    let days: Vec<&str> = [
        ("mon", &form.mon),
        ("tue", &form.tue),
        ("wed", &form.wed),
        ("thu", &form.thu),
        ("fri", &form.fri),
        ("sat", &form.sat),
        ("sun", &form.sun),
    ]
    .into_iter()
    .filter(|(_, on)| on.is_some())
    .map(|(day, _)| day)
    .collect();
    let address = form.address.trim();
    let changes = DigestChanges {
        enabled: Some(form.enabled.is_some()),
        days: Some(days.join(",")),
        at: Some(form.at),
        to: Some((!address.is_empty()).then(|| address.to_owned())),
    };
    let result =
        kith_app::digest::set_digest(&state.store, &viewer.user, &changes, chrono::Utc::now())
            .await;
    Ok(match result {
        Ok(state) if state.settings.enabled => redirect_with(
            "/settings#digest",
            &format!(
                "Digest on: {}.",
                schedule_words(&state.settings, &viewer.user)
            ),
        ),
        Ok(_) => redirect_with("/settings#digest", "Digest off."),
        Err(e) => form_error("/settings#digest", e)?,
    })
}

/// A refused form: back to `to`, saying which field and why; a fault of
/// ours is an error page.
fn form_error(to: &str, e: kith_app::AppError) -> Result<axum::response::Response, WebError> {
    match WebError::from(e) {
        WebError::Invalid { field, message } => {
            Ok(redirect_with_error(to, &format!("{field}: {message}")))
        }
        WebError::Internal(e) => Err(WebError::Internal(e)),
        other => Ok(redirect_with_error(to, &other.message())),
    }
}

/// Queues today's digest now.
pub async fn send_digest(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let public = state.config.public_url.as_deref();
    let now = chrono::Utc::now();
    Ok(
        match queue_digest_now(&state.store, &viewer.user, &Templates, now, public).await {
            Ok((_, to)) => {
                state.mail_wake.notify_one();
                redirect_with(
                    "/settings#digest",
                    &format!("Today's digest is on its way to {to}."),
                )
            }
            Err(e) => form_error("/settings#digest", e)?,
        },
    )
}

/// Sends a failed or uncertain message again.
pub async fn retry_mail(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id = id_from(&id)?;
    state
        .store
        .retry_mail(viewer.user.id, id, chrono::Utc::now())
        .await?;
    state.mail_wake.notify_one();
    Ok(redirect_with("/settings#outbox", "It goes again now."))
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    settings_page(&state, &viewer, &headers, None, None).await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    name: String,
    #[serde(default)]
    email: String,
    timezone: String,
    every: String,
    light_resets_clock: Option<String>,
    /// The Jitsi server new rooms are made on ("" for the public one).
    #[serde(default)]
    jitsi: String,
}

impl ProfileForm {
    /// The form as the user's stored settings fill it.
    fn stored(user: &User, jitsi: &str) -> Self {
        Self {
            name: user.display_name.clone(),
            email: user.email.clone().unwrap_or_default(),
            timezone: user.timezone.to_string(),
            every: user.default_cadence.to_string(),
            light_resets_clock: user.light_resets_clock.then(|| "1".into()),
            jitsi: jitsi.to_owned(),
        }
    }
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<ProfileForm>,
) -> PageResult {
    let changes = SettingsChanges {
        name: Some(form.name.clone()),
        email: Some(form.email.clone()),
        timezone: Some(form.timezone.clone()),
        every: Some(form.every.clone()),
        light_resets_clock: Some(form.light_resets_clock.is_some()),
        jitsi: Some(form.jitsi.clone()),
    };
    // The digest keeps its local time in a new zone.
    match update_settings(&state.store, &viewer.user, &changes, chrono::Utc::now()).await {
        Ok(_) => Ok(redirect_with("/settings", "Settings saved.")),
        // The page again, with what was typed kept, and why.
        Err(e @ kith_app::AppError::Invalid { .. }) => {
            let refused = Some((form, WebError::from(e).message()));
            settings_page(&state, &viewer, &headers, None, refused).await
        }
        Err(e) => Err(WebError::from(e).into()),
    }
}

#[derive(Deserialize)]
pub struct TagForm {
    tag: String,
    #[serde(default)]
    every: String,
}

/// A tag's keep-in-touch interval ("" clears it).
pub async fn set_tag(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TagForm>,
) -> PageResult {
    match kith_app::settings::set_tag(&state.store, viewer.user.id, &form.tag, &form.every).await {
        Ok(()) => Ok(redirect_with(
            "/settings#tags",
            &format!("Saved the rhythm of {}.", form.tag),
        )),
        Err(e) => {
            let e = WebError::from(e);
            if matches!(e, WebError::Internal(_)) {
                return Err(e.into());
            }
            Ok(redirect_with_error("/settings#tags", &e.message()))
        }
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// Changing the password ends every session, this one too: sign in again.
pub async fn password(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    if !crate::auth::password_matches(&state, &viewer.user, form.current).await? {
        return Ok(redirect_with_error(
            "/settings",
            "The current password is wrong.",
        ));
    }
    if form.new != form.confirm {
        return Ok(redirect_with_error(
            "/settings",
            "The two new passwords differ.",
        ));
    }
    let password = match Password::parse(&form.new) {
        Ok(p) => p,
        Err(e) => {
            return Ok(redirect_with_error(
                "/settings",
                &WebError::from(e).message(),
            ));
        }
    };
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.into()))?
        .map_err(|e| WebError::Internal(e.into()))?;
    state.store.set_password_hash(viewer.user.id, &hash).await?;
    Ok(redirect_with(
        "/login",
        "Password changed. Sign in with the new one.",
    ))
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    #[serde(default)]
    scope: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> PageResult {
    let scope = match form.scope.as_str() {
        "carddav" => TokenScope::CardDav,
        "api-read" => TokenScope::ApiReadOnly,
        _ => TokenScope::Api,
    };
    let made = tokens::create(
        &state.store,
        viewer.user.id,
        &form.name,
        scope,
        chrono::Utc::now(),
    )
    .await;
    let secret = match made {
        Ok(made) => made.secret,
        Err(e) => {
            let (message, _) = label::refused(e)?;
            return Ok(redirect_with_error("/settings#tokens", &message));
        }
    };
    settings_page(
        &state,
        &viewer,
        &headers,
        Some((scope, secret.expose().to_owned())),
        None,
    )
    .await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id = id_from(&id)?;
    state
        .store
        .revoke_token(viewer.user.id, id, chrono::Utc::now())
        .await?;
    Ok(redirect_with("/settings", "Token revoked."))
}

/// A new secret feed URL; the old one stops working at once.
pub async fn calendar_feed(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> PageResult {
    let secret = tokens::renew_calendar_feed(&state.store, viewer.user.id, chrono::Utc::now())
        .await?
        .secret;
    settings_page(
        &state,
        &viewer,
        &headers,
        Some((TokenScope::Calendar, secret.expose().to_owned())),
        None,
    )
    .await
}
