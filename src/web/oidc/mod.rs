//! Sign-in through OpenID Connect providers (found through discovery; the
//! authorization code flow with PKCE, `state` and `nonce`; the ID token's
//! signature, issuer, audience, expiry and nonce checked) and through plain
//! OAuth 2.0 providers with a user-info endpoint (GitHub, Facebook).
//!
//! A flow is a row in `oauth_flows` keyed by the digest of its `state`, taken
//! (deleted) by the callback, so a state works once. Who the account is, is
//! decided in `resolve`: a linked identity signs its user in; otherwise a
//! provider may link by a verified e-mail address (when the server allows
//! it) or create a user (when the server opened sign-up for it); an
//! unverified address never links.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use serde::Deserialize;
use sha2::Digest as _;

mod provider;

pub use provider::{Kind, Provider, ProviderFile};

/// What discovery says about an OpenID Connect provider.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    userinfo_endpoint: Option<String>,
}

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

/// Talks to the providers; keeps their discovery documents and keys.
pub struct Client {
    http: ureq::Agent,
    discovery: Mutex<HashMap<String, (Instant, Discovery)>>,
    keys: Mutex<HashMap<String, (Instant, jsonwebtoken::jwk::JwkSet)>>,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

/// A request to a provider: GET, or POST of a form with HTTP Basic
/// credentials.
enum Call {
    Get {
        url: String,
        bearer: Option<String>,
    },
    PostForm {
        url: String,
        basic: (String, String),
        form: Vec<(&'static str, String)>,
    },
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
            http,
            discovery: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
        }
    }

    /// Makes the call (ureq blocks, so on a blocking thread) and returns the
    /// status and the JSON body.
    async fn call(&self, call: Call) -> anyhow::Result<(u16, serde_json::Value)> {
        let agent = self.http.clone();
        tokio::task::spawn_blocking(move || {
            let (url, response) =
                match call {
                    Call::Get { url, bearer } => {
                        let mut request = agent.get(&url).header("Accept", "application/json");
                        if let Some(token) = bearer {
                            request = request.header("Authorization", &format!("Bearer {token}"));
                        }
                        let response = request.call();
                        (url, response)
                    }
                    Call::PostForm { url, basic, form } => {
                        let enc = |s: &str| {
                            serde_urlencoded::to_string([("", s)]).unwrap_or_default()[1..]
                                .to_owned()
                        };
                        let credentials = base64::engine::general_purpose::STANDARD
                            .encode(format!("{}:{}", enc(&basic.0), enc(&basic.1)));
                        let response = agent
                            .post(&url)
                            .header("Accept", "application/json")
                            .header("Authorization", &format!("Basic {credentials}"))
                            .send_form(form.iter().map(|(k, v)| (*k, v.as_str())));
                        (url, response)
                    }
                };
            let mut response = response.with_context(|| format!("cannot reach {url}"))?;
            let status = response.status().as_u16();
            let body: serde_json::Value = response
                .body_mut()
                .with_config()
                .limit(1024 * 1024)
                .read_json()
                .with_context(|| format!("{url} did not answer JSON"))?;
            Ok((status, body))
        })
        .await?
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> anyhow::Result<T> {
        let (status, body) = self
            .call(Call::Get {
                url: url.to_owned(),
                bearer: None,
            })
            .await?;
        if !(200..300).contains(&status) {
            bail!("{url} answered {status}");
        }
        serde_json::from_value(body).with_context(|| format!("{url} answered something else"))
    }

    async fn discover(&self, issuer: &str) -> anyhow::Result<Discovery> {
        if let Some((at, d)) = self.discovery.lock().expect("not poisoned").get(issuer)
            && at.elapsed() < CACHE_FOR
        {
            return Ok(d.clone());
        }
        let url = format!("{issuer}/.well-known/openid-configuration");
        let found: Discovery = self.get_json(&url).await?;
        if found.issuer.trim_end_matches('/') != issuer {
            bail!("{url} names the issuer '{}', not '{issuer}'", found.issuer);
        }
        self.discovery
            .lock()
            .expect("not poisoned")
            .insert(issuer.to_owned(), (Instant::now(), found.clone()));
        Ok(found)
    }

    async fn jwks(&self, uri: &str, fresh: bool) -> anyhow::Result<jsonwebtoken::jwk::JwkSet> {
        if !fresh
            && let Some((at, keys)) = self.keys.lock().expect("not poisoned").get(uri)
            && at.elapsed() < CACHE_FOR
        {
            return Ok(keys.clone());
        }
        let keys: jsonwebtoken::jwk::JwkSet = self.get_json(uri).await?;
        self.keys
            .lock()
            .expect("not poisoned")
            .insert(uri.to_owned(), (Instant::now(), keys.clone()));
        Ok(keys)
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
            Kind::OpenIdConnect { issuer } => self.discover(issuer).await?.authorization_endpoint,
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
        let (token_url, discovery) = match &provider.kind {
            Kind::OpenIdConnect { issuer } => {
                let d = self.discover(issuer).await?;
                (d.token_endpoint.clone(), Some(d))
            }
            Kind::OAuth { token_url, .. } => (token_url.clone(), None),
        };
        let (status, body) = self
            .call(Call::PostForm {
                url: token_url,
                basic: (provider.client_id.clone(), provider.client_secret.clone()),
                form: vec![
                    ("grant_type", "authorization_code".into()),
                    ("code", code.to_owned()),
                    ("redirect_uri", redirect_uri.to_owned()),
                    ("code_verifier", verifier.to_owned()),
                    ("client_id", provider.client_id.clone()),
                ],
            })
            .await
            .context("cannot trade the code at the provider")?;
        if !(200..300).contains(&status) || body.get("error").is_some() {
            bail!(
                "the provider refused the code: {}",
                body["error_description"]
                    .as_str()
                    .or(body["error"].as_str())
                    .unwrap_or("no reason given")
            );
        }
        match (&provider.kind, discovery) {
            (Kind::OpenIdConnect { .. }, Some(d)) => {
                let id_token = body["id_token"]
                    .as_str()
                    .ok_or_else(|| anyhow!("the provider sent no ID token"))?;
                let mut account = self.verify_id_token(provider, &d, id_token, nonce).await?;
                // Many providers keep the e-mail address for the user-info
                // endpoint; it must speak of the same subject.
                if account.email.is_none()
                    && let (Some(url), Some(access)) =
                        (&d.userinfo_endpoint, body["access_token"].as_str())
                {
                    let (status, info) = self
                        .call(Call::Get {
                            url: url.clone(),
                            bearer: Some(access.to_owned()),
                        })
                        .await
                        .context("cannot read the provider's user info")?;
                    if (200..300).contains(&status) {
                        if info["sub"].as_str() != Some(account.subject.as_str()) {
                            bail!("the user info speaks of another account than the ID token");
                        }
                        account.email = info["email"].as_str().map(str::to_owned);
                        account.email_verified = truthy(&info["email_verified"]);
                        account.username = account
                            .username
                            .or_else(|| info["preferred_username"].as_str().map(str::to_owned));
                        account.display_name = account
                            .display_name
                            .or_else(|| info["name"].as_str().map(str::to_owned));
                    }
                }
                Ok(account)
            }
            (
                Kind::OAuth {
                    userinfo_url,
                    subject_field,
                    email_field,
                    email_verified_field,
                    ..
                },
                _,
            ) => {
                let access = body["access_token"]
                    .as_str()
                    .ok_or_else(|| anyhow!("the provider sent no access token"))?;
                let (status, info) = self
                    .call(Call::Get {
                        url: userinfo_url.clone(),
                        bearer: Some(access.to_owned()),
                    })
                    .await
                    .context("cannot read the provider's user info")?;
                if !(200..300).contains(&status) {
                    bail!("the provider's user info answered {status}");
                }
                let subject = match &info[subject_field.as_str()] {
                    serde_json::Value::String(s) if !s.is_empty() => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    _ => bail!("the user info has no '{subject_field}'"),
                };
                Ok(Account {
                    subject,
                    email: info[email_field.as_str()].as_str().map(str::to_owned),
                    email_verified: email_verified_field
                        .as_deref()
                        .is_some_and(|f| truthy(&info[f])),
                    username: info["login"]
                        .as_str()
                        .or(info["preferred_username"].as_str())
                        .map(str::to_owned),
                    display_name: info["name"].as_str().map(str::to_owned),
                })
            }
            _ => bail!("the provider's discovery document is missing"),
        }
    }

    async fn verify_id_token(
        &self,
        provider: &Provider,
        discovery: &Discovery,
        token: &str,
        nonce: &str,
    ) -> anyhow::Result<Account> {
        use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
        let header = decode_header(token).context("the ID token is not signed, or not a JWT")?;
        let allowed = [
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
            Algorithm::ES256,
            Algorithm::ES384,
            Algorithm::EdDSA,
        ];
        if !allowed.contains(&header.alg) {
            bail!(
                "the ID token is signed with {:?}, which Kith does not accept",
                header.alg
            );
        }
        let pick = |keys: &jsonwebtoken::jwk::JwkSet| match &header.kid {
            Some(kid) => keys.find(kid).cloned(),
            None if keys.keys.len() == 1 => keys.keys.first().cloned(),
            None => None,
        };
        let mut key = pick(&self.jwks(&discovery.jwks_uri, false).await?);
        if key.is_none() {
            // Keys rotate: look once more before giving up.
            key = pick(&self.jwks(&discovery.jwks_uri, true).await?);
        }
        let key = key.ok_or_else(|| anyhow!("the ID token's key is not among the provider's"))?;
        let key = DecodingKey::from_jwk(&key).context("the provider's key is unusable")?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[discovery.issuer.as_str()]);
        validation.set_audience(&[provider.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 60;
        let data = decode::<IdClaims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::InvalidSignature => anyhow!("the ID token's signature is wrong"),
                ErrorKind::InvalidAudience => anyhow!("the ID token is for another client"),
                ErrorKind::InvalidIssuer => anyhow!("the ID token is from another issuer"),
                ErrorKind::ExpiredSignature => anyhow!("the ID token has expired"),
                other => anyhow!("the ID token is invalid: {other:?}"),
            }
        })?;
        let claims = data.claims;
        if claims.nonce.as_deref() != Some(nonce) {
            bail!("the ID token's nonce does not match this sign-in");
        }
        if let Some(azp) = &claims.azp
            && azp != &provider.client_id
        {
            bail!("the ID token is for another client");
        }
        Ok(Account {
            subject: claims.sub,
            email: claims.email,
            email_verified: claims.email_verified.as_ref().is_some_and(truthy),
            username: claims.preferred_username,
            display_name: claims.name,
        })
    }
}

#[derive(Debug, Deserialize)]
struct IdClaims {
    sub: String,
    nonce: Option<String>,
    azp: Option<String>,
    email: Option<String>,
    email_verified: Option<serde_json::Value>,
    preferred_username: Option<String>,
    name: Option<String>,
}

/// `true` or `"true"` (some providers send a string).
fn truthy(value: &serde_json::Value) -> bool {
    value.as_bool().unwrap_or(false) || value.as_str() == Some("true")
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
