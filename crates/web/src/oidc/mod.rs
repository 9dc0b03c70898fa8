//! Sign-in through OpenID Connect providers and through plain OAuth 2.0
//! providers with a user-info endpoint (GitHub, Facebook).
//!
//! OpenID Connect goes through the `openidconnect` crate: discovery, the
//! code traded at the token endpoint, and every check on the ID token
//! (signature with the provider's published keys, algorithm, issuer,
//! audience, expiry, nonce), and the user-info answer's subject. Kith adds
//! what the crate leaves to its caller: which algorithms count (asymmetric
//! only), a minute of clock leeway, the `azp` claim, and keys fetched again
//! when a token names one Kith has not seen. Plain OAuth 2.0 (`oauth.rs`)
//! has no token to check: who signed in is what its user-info endpoint says
//! over TLS.
//!
//! A flow is a row in `oauth_flows` keyed by the digest of its `state`, taken
//! (deleted) by the callback, so a state works once. Who the account is, is
//! decided in `resolve`: a linked identity signs its user in; otherwise a
//! provider may link by a verified e-mail address (when the server allows
//! it) or create a user (when the server opened sign-up for it); an
//! unverified address never links.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use openidconnect::core::{
    CoreClient, CoreIdToken, CoreIdTokenClaims, CoreIdTokenVerifier, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreTokenResponse, CoreUserInfoClaims,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, JsonWebKeySet, Nonce,
    OAuth2TokenResponse as _, PkceCodeVerifier, RedirectUrl, RequestTokenError,
    SignatureVerificationError, TokenResponse as _, UserInfoError,
};
use sha2::Digest as _;

mod oauth;
mod provider;

pub use provider::{Kind, Provider, ProviderFile};

/// Who the provider says signed in.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    /// A name to suggest for a new user.
    pub username: Option<String>,
    pub display_name: Option<String>,
}

/// How long discovery documents and keys are kept.
const CACHE_FOR: Duration = Duration::from_secs(3600);

/// The ID token signatures Kith accepts: public-key ones only. An HMAC
/// (HS256…) would be keyed with the client secret, which Kith holds too,
/// so a leaked secret could sign in as anyone.
const ACCEPTED: [CoreJwsSigningAlgorithm; 9] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
    CoreJwsSigningAlgorithm::EdDsa,
];

/// How far the provider's clock may be ahead of ours.
const LEEWAY: chrono::Duration = chrono::Duration::seconds(60);

/// The largest answer read from a provider.
const MAX_BODY: u64 = 1024 * 1024;

/// Talks to the providers; keeps their discovery documents and keys.
pub struct Client {
    http: Http,
    discovery: Arc<Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>>,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

/// ureq as openidconnect's HTTP client. It blocks: use it on a blocking
/// thread.
#[derive(Clone)]
struct Http(ureq::Agent);

impl openidconnect::SyncHttpClient for Http {
    type Error = ureq::Error;

    fn call(
        &self,
        request: openidconnect::HttpRequest,
    ) -> Result<openidconnect::HttpResponse, ureq::Error> {
        let response = if request.body().is_empty() {
            self.0.run(request.map(|_| ()))?
        } else {
            self.0.run(request)?
        };
        let (parts, mut body) = response.into_parts();
        let body = body.with_config().limit(MAX_BODY).read_to_vec()?;
        Ok(openidconnect::HttpResponse::from_parts(parts, body))
    }
}

impl Client {
    pub fn new() -> Client {
        let http = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(15)))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(concat!("Kith/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            http: Http(http),
            discovery: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// What the issuer's discovery document says, with its keys; kept for
    /// an hour unless `fresh`. Blocks.
    fn discover(&self, issuer: &str, fresh: bool) -> anyhow::Result<CoreProviderMetadata> {
        if !fresh
            && let Some((at, d)) = self.discovery.lock().expect("not poisoned").get(issuer)
            && at.elapsed() < CACHE_FOR
        {
            return Ok(d.clone());
        }
        let url = format!("{issuer}/.well-known/openid-configuration");
        let request = openidconnect::http::Request::get(&url)
            .header("Accept", "application/json")
            .body(Vec::new())
            .with_context(|| format!("the issuer's address {url}"))?;
        let response = openidconnect::SyncHttpClient::call(&self.http, request)
            .with_context(|| format!("cannot reach {url}"))?;
        if !response.status().is_success() {
            bail!("{url} answered {}", response.status().as_u16());
        }
        let found: CoreProviderMetadata = serde_json::from_slice(response.body())
            .with_context(|| format!("{url} answered something else"))?;
        // The settings file's issuer has no trailing '/'; the provider's
        // may (the ID token's `iss` is then checked against the provider's,
        // exactly).
        if found.issuer().as_str().trim_end_matches('/') != issuer {
            bail!(
                "{url} names the issuer '{}', not '{issuer}'",
                found.issuer().as_str()
            );
        }
        let keys = JsonWebKeySet::fetch(found.jwks_uri(), &self.http)
            .map_err(|e| chained(&e, "cannot read the provider's keys"))?;
        let found = found.set_jwks(keys);
        self.discovery
            .lock()
            .expect("not poisoned")
            .insert(issuer.to_owned(), (Instant::now(), found.clone()));
        Ok(found)
    }

    /// Where to send the browser to sign in.
    pub async fn authorize_url(
        &self,
        provider: &Provider,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
        verifier: &str,
    ) -> anyhow::Result<String> {
        let endpoint = match &provider.kind {
            Kind::OpenIdConnect { issuer } => {
                let this = self.handle();
                let issuer = issuer.clone();
                tokio::task::spawn_blocking(move || this.discover(&issuer, false))
                    .await??
                    .authorization_endpoint()
                    .to_string()
            }
            Kind::OAuth { authorize_url, .. } => authorize_url.clone(),
        };
        let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
        let mut query = vec![
            ("response_type", "code"),
            ("client_id", provider.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("state", state),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        let scope = provider.scopes.join(" ");
        if !scope.is_empty() {
            query.push(("scope", &scope));
        }
        if matches!(provider.kind, Kind::OpenIdConnect { .. }) {
            query.push(("nonce", nonce));
        }
        let query = serde_urlencoded::to_string(&query)?;
        let join = if endpoint.contains('?') { '&' } else { '?' };
        Ok(format!("{endpoint}{join}{query}"))
    }

    /// A handle to move onto a blocking thread.
    fn handle(&self) -> Client {
        Client {
            http: self.http.clone(),
            discovery: Arc::clone(&self.discovery),
        }
    }

    /// Trades the code for tokens and says who signed in: from the verified
    /// ID token (OpenID Connect) or the user-info endpoint (OAuth 2.0).
    pub async fn account(
        &self,
        provider: &Provider,
        redirect_uri: &str,
        code: &str,
        verifier: &str,
        nonce: &str,
    ) -> anyhow::Result<Account> {
        match &provider.kind {
            Kind::OpenIdConnect { issuer } => {
                let this = self.handle();
                let (issuer, provider) = (issuer.clone(), provider.clone());
                let (redirect_uri, code) = (redirect_uri.to_owned(), code.to_owned());
                let (verifier, nonce) = (verifier.to_owned(), nonce.to_owned());
                tokio::task::spawn_blocking(move || {
                    this.oidc_account(&provider, &issuer, &redirect_uri, &code, &verifier, &nonce)
                })
                .await?
            }
            Kind::OAuth { .. } => {
                oauth::account(&self.http.0, provider, redirect_uri, code, verifier).await
            }
        }
    }

    /// The ID token's claims once its signature, issuer, audience, expiry,
    /// nonce and authorised party are checked. Keys rotate: an unknown key
    /// makes it look at the provider's keys once more before giving up.
    fn verified_claims(
        &self,
        provider: &Provider,
        issuer: &str,
        metadata: &CoreProviderMetadata,
        id_token: &CoreIdToken,
        nonce: &str,
    ) -> anyhow::Result<CoreIdTokenClaims> {
        let nonce = Nonce::new(nonce.to_owned());
        let checked = match id_token.claims(&id_token_verifier(provider, metadata), &nonce) {
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => {
                let metadata = self.discover(issuer, true)?;
                id_token.claims(&id_token_verifier(provider, &metadata), &nonce)
            }
            checked => checked,
        };
        let claims = checked.map_err(|e| {
            let alg = id_token
                .signing_alg()
                .ok()
                .and_then(|a| serde_json::to_value(a).ok())
                .and_then(|a| a.as_str().map(str::to_owned))
                .unwrap_or_else(|| "an unknown algorithm".into());
            refusal(e, &alg)
        })?;
        // The crate leaves `azp` to its callers.
        if let Some(azp) = claims.authorized_party()
            && azp.as_str() != provider.client_id
        {
            bail!("the ID token is for another client");
        }
        Ok(claims.clone())
    }

    /// [`Client::account`] for OpenID Connect. Blocks.
    fn oidc_account(
        &self,
        provider: &Provider,
        issuer: &str,
        redirect_uri: &str,
        code: &str,
        verifier: &str,
        nonce: &str,
    ) -> anyhow::Result<Account> {
        let metadata = self.discover(issuer, false)?;
        let client = CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_owned()).context("the sign-in's return address")?,
        );
        let tokens: CoreTokenResponse = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .context("the provider names no token endpoint")?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request(&self.http)
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => anyhow!(
                    "the provider refused the code: {}",
                    r.error_description()
                        .cloned()
                        .unwrap_or_else(|| r.error().as_ref().to_owned())
                ),
                other => chained(&other, "cannot trade the code at the provider"),
            })?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| anyhow!("the provider sent no ID token"))?;
        let claims = self.verified_claims(provider, issuer, &metadata, id_token, nonce)?;
        let mut account = Account {
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified().unwrap_or(false),
            username: claims.preferred_username().map(|u| u.to_string()),
            display_name: claims
                .name()
                .and_then(|n| n.get(None))
                .map(|n| n.to_string()),
        };
        // Many providers keep the e-mail address for the user-info endpoint;
        // the crate checks it speaks of the ID token's subject.
        if account.email.is_none()
            && let Ok(request) = client.user_info(
                tokens.access_token().clone(),
                Some(claims.subject().clone()),
            )
        {
            let answer: Result<CoreUserInfoClaims, _> = request.request(&self.http);
            match answer {
                Ok(info) => {
                    account.email = info.email().map(|e| e.to_string());
                    account.email_verified = info.email_verified().unwrap_or(false);
                    account.username = account
                        .username
                        .or_else(|| info.preferred_username().map(|u| u.to_string()));
                    account.display_name = account
                        .display_name
                        .or_else(|| info.name().and_then(|n| n.get(None)).map(|n| n.to_string()));
                }
                // An endpoint that will not answer leaves the address out.
                Err(UserInfoError::Response(..)) => {}
                Err(UserInfoError::ClaimsVerification(
                    ClaimsVerificationError::InvalidSubject(_),
                )) => bail!("the user info speaks of another account than the ID token"),
                Err(e) => return Err(chained(&e, "cannot read the provider's user info")),
            }
        }
        Ok(account)
    }
}

/// The checks on an ID token, as openidconnect makes them, with Kith's
/// choices: only [`ACCEPTED`] algorithms, and no client secret given, so
/// no HMAC-signed token can pass whatever the provider advertises.
fn id_token_verifier<'a>(
    provider: &Provider,
    metadata: &CoreProviderMetadata,
) -> CoreIdTokenVerifier<'a> {
    CoreIdTokenVerifier::new_public_client(
        ClientId::new(provider.client_id.clone()),
        metadata.issuer().clone(),
        metadata.jwks().clone(),
    )
    .set_allowed_algs(ACCEPTED)
    .set_time_fn(|| Utc::now() - LEEWAY)
}

/// Why an ID token was refused, in words for the sign-in page.
fn refusal(e: ClaimsVerificationError, alg: &str) -> anyhow::Error {
    use ClaimsVerificationError as C;
    use SignatureVerificationError as S;
    match e {
        C::Expired(_) => anyhow!("the ID token has expired"),
        C::InvalidIssuer(_) => anyhow!("the ID token is from another issuer"),
        C::InvalidAudience(_) => anyhow!("the ID token is for another client"),
        C::InvalidNonce(_) => anyhow!("the ID token's nonce does not match this sign-in"),
        C::SignatureVerification(S::NoSignature) => anyhow!("the ID token is not signed"),
        C::SignatureVerification(S::DisallowedAlg(_) | S::UnsupportedAlg(_)) => {
            anyhow!("the ID token is signed with {alg}, which Kith does not accept")
        }
        C::SignatureVerification(S::NoMatchingKey) => {
            anyhow!("the ID token's key is not among the provider's")
        }
        C::SignatureVerification(S::CryptoError(_)) => anyhow!("the ID token's signature is wrong"),
        other => chained(&other, "the ID token is invalid"),
    }
}

/// `what` in Kith's words, with a library's error and its sources behind it:
/// shown as `what` (`{}`), logged in full (`{:#}`).
fn chained(e: &dyn std::error::Error, what: &'static str) -> anyhow::Error {
    anyhow::Error::msg(error_chain(e)).context(what)
}

/// An error and its sources, joined.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut words = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        words.push_str(": ");
        words.push_str(&s.to_string());
        source = s.source();
    }
    words
}

/// The issuer's `iss` on the redirect (RFC 9207), when it sends one, must
/// be the configured issuer: a mix-up with another provider is refused.
pub fn check_iss(provider: &Provider, iss: Option<&str>) -> anyhow::Result<()> {
    match (&provider.kind, iss) {
        (Kind::OpenIdConnect { issuer }, Some(iss)) if iss.trim_end_matches('/') != issuer => {
            bail!("the answer came from '{iss}', not from {}", provider.label)
        }
        _ => Ok(()),
    }
}

/// How long a flow through a provider may take.
pub const FLOW_FOR: chrono::Duration = chrono::Duration::minutes(10);

pub fn expires() -> chrono::DateTime<Utc> {
    Utc::now() + FLOW_FOR
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> anyhow::Result<Provider> {
        toml::from_str::<ProviderFile>(text)?.check()
    }

    #[test]
    fn a_mixed_up_issuer_is_refused() {
        let p = file("name = \"c\"\nissuer = \"https://id.example.com\"\nclient_id = \"k\"\nclient_secret = \"s\"").unwrap();
        assert!(check_iss(&p, None).is_ok());
        assert!(check_iss(&p, Some("https://id.example.com/")).is_ok());
        assert!(check_iss(&p, Some("https://evil.example")).is_err());
    }
}
