//! Sign-in through a plain OAuth 2.0 provider with a user-info endpoint
//! (GitHub, Facebook): the code traded at the token endpoint with HTTP Basic
//! client credentials, and who signed in read from the user-info endpoint.
//! There is no token to check: the answer comes over TLS from the endpoints
//! the settings file names.

use anyhow::{Context as _, anyhow, bail};
use base64::Engine as _;

use super::{Account, Kind, MAX_BODY, Provider};

/// A request to a plain OAuth 2.0 provider: GET, or POST of a form with
/// HTTP Basic credentials.
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

/// Makes the call (ureq blocks, so on a blocking thread) and returns the
/// status and the JSON body.
async fn call(agent: &ureq::Agent, call: Call) -> anyhow::Result<(u16, serde_json::Value)> {
    let agent = agent.clone();
    tokio::task::spawn_blocking(move || {
        let (url, response) = match call {
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
                    serde_urlencoded::to_string([("", s)]).unwrap_or_default()[1..].to_owned()
                };
                let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
                    "{}:{}",
                    enc(&basic.0),
                    enc(&basic.1)
                ));
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
            .limit(MAX_BODY)
            .read_json()
            .with_context(|| format!("{url} did not answer JSON"))?;
        Ok((status, body))
    })
    .await?
}

/// Trades the code for an access token and asks the user-info endpoint who
/// signed in.
pub(super) async fn account(
    agent: &ureq::Agent,
    provider: &Provider,
    redirect_uri: &str,
    code: &str,
    verifier: &str,
) -> anyhow::Result<Account> {
    let Kind::OAuth {
        token_url,
        userinfo_url,
        subject_field,
        email_field,
        email_verified_field,
        ..
    } = &provider.kind
    else {
        bail!("{} is not a plain OAuth 2.0 provider", provider.label);
    };
    let (status, body) = call(
        agent,
        Call::PostForm {
            url: token_url.clone(),
            basic: (provider.client_id.clone(), provider.client_secret.clone()),
            form: vec![
                ("grant_type", "authorization_code".into()),
                ("code", code.to_owned()),
                ("redirect_uri", redirect_uri.to_owned()),
                ("code_verifier", verifier.to_owned()),
                ("client_id", provider.client_id.clone()),
            ],
        },
    )
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
    let access = body["access_token"]
        .as_str()
        .ok_or_else(|| anyhow!("the provider sent no access token"))?;
    let (status, info) = call(
        agent,
        Call::Get {
            url: userinfo_url.clone(),
            bearer: Some(access.to_owned()),
        },
    )
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

/// `true` or `"true"` (some providers send a string).
fn truthy(value: &serde_json::Value) -> bool {
    value.as_bool().unwrap_or(false) || value.as_str() == Some("true")
}
