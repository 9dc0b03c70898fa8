//! Sign-in providers as the settings file describes them (`[[providers]]`),
//! checked once at start-up.

use anyhow::bail;
use serde::Deserialize;

/// A provider from the settings file.
#[derive(Clone)]
pub struct Provider {
    /// In URLs: `/login/oidc/<name>`.
    pub name: String,
    /// On the button.
    pub label: String,
    pub kind: Kind,
    pub client_id: String,
    pub(super) client_secret: String,
    pub scopes: Vec<String>,
    /// A verified e-mail address may sign in to the user with that address.
    pub auto_link_verified_email: bool,
    /// An account nobody has linked makes a new user.
    pub allow_signup: bool,
}

/// Never shows the client secret.
impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub enum Kind {
    OpenIdConnect {
        issuer: String,
    },
    OAuth {
        authorize_url: String,
        token_url: String,
        userinfo_url: String,
        /// The user-info field with the account's id (`id` on GitHub).
        subject_field: String,
        email_field: String,
        /// The field that says the address is verified; without one, it
        /// never counts as verified.
        email_verified_field: Option<String>,
    },
}

/// A provider as the settings file has it (`[[providers]]`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    name: String,
    label: Option<String>,
    issuer: Option<String>,
    authorize_url: Option<String>,
    token_url: Option<String>,
    userinfo_url: Option<String>,
    client_id: String,
    client_secret: String,
    scopes: Option<Vec<String>>,
    subject_field: Option<String>,
    email_field: Option<String>,
    email_verified_field: Option<String>,
    #[serde(default)]
    auto_link_verified_email: bool,
    #[serde(default)]
    allow_signup: bool,
}

fn http_url(field: &str, name: &str, url: &str) -> anyhow::Result<String> {
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        bail!("invalid providers '{name}' {field}: '{url}' must start with https://");
    }
    Ok(url.to_owned())
}

impl ProviderFile {
    pub fn check(self) -> anyhow::Result<Provider> {
        let name = self.name.trim().to_owned();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!("invalid providers name '{name}': use letters, digits, '-' and '_'");
        }
        let kind = match (
            &self.issuer,
            &self.authorize_url,
            &self.token_url,
            &self.userinfo_url,
        ) {
            (Some(issuer), None, None, None) => Kind::OpenIdConnect {
                issuer: http_url("issuer", &name, issuer)?,
            },
            (None, Some(a), Some(t), Some(u)) => Kind::OAuth {
                authorize_url: http_url("authorize_url", &name, a)?,
                token_url: http_url("token_url", &name, t)?,
                userinfo_url: http_url("userinfo_url", &name, u)?,
                subject_field: self.subject_field.clone().unwrap_or_else(|| "id".into()),
                email_field: self.email_field.clone().unwrap_or_else(|| "email".into()),
                email_verified_field: self.email_verified_field.clone(),
            },
            _ => bail!(
                "invalid providers '{name}': give either issuer (OpenID Connect) or authorize_url, token_url and userinfo_url (OAuth 2.0)"
            ),
        };
        let default_scopes = match kind {
            Kind::OpenIdConnect { .. } => vec!["openid".into(), "email".into(), "profile".into()],
            Kind::OAuth { .. } => Vec::new(),
        };
        Ok(Provider {
            label: self.label.unwrap_or_else(|| name.clone()),
            name,
            kind,
            client_id: self.client_id,
            client_secret: self.client_secret,
            scopes: self.scopes.unwrap_or(default_scopes),
            auto_link_verified_email: self.auto_link_verified_email,
            allow_signup: self.allow_signup,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> anyhow::Result<Provider> {
        toml::from_str::<ProviderFile>(text)?.check()
    }

    #[test]
    fn providers_are_checked_and_keep_their_secret() {
        let p = file(
            "name = \"corp\"\nissuer = \"https://id.example.com/realms/main/\"\nclient_id = \"kith\"\nclient_secret = \"hunter2-secret\"",
        )
        .unwrap();
        assert!(
            matches!(&p.kind, Kind::OpenIdConnect { issuer } if issuer == "https://id.example.com/realms/main")
        );
        assert_eq!(p.scopes, ["openid", "email", "profile"]);
        assert_eq!(p.label, "corp");
        assert!(!format!("{p:?}").contains("hunter2"));
        let gh = file(
            "name = \"github\"\nlabel = \"GitHub\"\nauthorize_url = \"https://github.com/login/oauth/authorize\"\ntoken_url = \"https://github.com/login/oauth/access_token\"\nuserinfo_url = \"https://api.github.com/user\"\nclient_id = \"x\"\nclient_secret = \"y\"\nscopes = [\"read:user\", \"user:email\"]",
        )
        .unwrap();
        assert!(
            matches!(&gh.kind, Kind::OAuth { subject_field, email_verified_field: None, .. } if subject_field == "id")
        );
        for (bad, words) in [
            (
                "name = \"a b\"\nissuer = \"https://x.example\"\nclient_id = \"k\"\nclient_secret = \"s\"",
                "invalid providers name",
            ),
            (
                "name = \"x\"\nclient_id = \"k\"\nclient_secret = \"s\"",
                "give either issuer",
            ),
            (
                "name = \"x\"\nissuer = \"ftp://x.example\"\nclient_id = \"k\"\nclient_secret = \"s\"",
                "must start with https://",
            ),
        ] {
            let err = file(bad).unwrap_err().to_string();
            assert!(err.contains(words), "{err}");
        }
    }
}
