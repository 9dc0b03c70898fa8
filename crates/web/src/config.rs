//! The web server's settings, as plain values: the binary's `config`
//! module makes them from the settings file, `KITH_` variables and flags.

use std::net::SocketAddr;

use kith_app::mail::MailConfig;

/// The server's validated settings.
#[derive(Clone)]
pub struct WebConfig {
    pub bind: SocketAddr,
    /// Where people reach the server, without a trailing slash.
    pub public_url: Option<String>,
    /// Cookies get `Secure` when the public address is https.
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    /// Everyone signing in with a password needs a second step (TOTP).
    pub require_totp: bool,
    /// A session ends after this long without a request…
    pub session_idle: chrono::Duration,
    /// …and this long after sign-in in any case.
    pub session_max: chrono::Duration,
    /// The largest request body accepted (imports have their own limit).
    pub max_body: usize,
    /// How digests and invitations go out; `None`: no mail is sent.
    pub mail: Option<MailConfig>,
    /// What a new account takes where its form leaves a field blank.
    pub machine: kith_app::accounts::MachineDefaults,
    /// OpenID Connect and OAuth providers people may sign in with.
    pub providers: Vec<crate::oidc::Provider>,
}

/// Shows the mail settings without the SMTP password.
impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_proxy", &self.trust_proxy)
            .field("require_totp", &self.require_totp)
            .field("session_idle", &self.session_idle)
            .field("session_max", &self.session_max)
            .field("max_body", &self.max_body)
            .field("mail", &self.mail)
            .field("machine", &self.machine)
            .field("providers", &self.providers)
            .finish_non_exhaustive()
    }
}

impl WebConfig {
    /// Each sign-in provider's name and button label.
    pub fn provider_buttons(&self) -> Vec<(String, String)> {
        self.providers
            .iter()
            .map(|p| (p.name.clone(), p.label.clone()))
            .collect()
    }
}
