//! The store's methods for sign-in through OpenID Connect and OAuth
//! providers: linked identities and the flows on their way through one.

use chrono::{DateTime, Utc};
use kith_core::ids::UserId;
use kith_core::user::User;

use crate::{Db, Result, Store, postgres, sqlite};

/// A sign-in on its way through a provider: what the callback must match.
#[derive(Clone, PartialEq)]
pub struct OAuthFlow {
    pub provider: String,
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// Where to go afterwards.
    pub next: String,
    /// A signed-in user linking an account, rather than a sign-in.
    pub link_user: Option<UserId>,
    pub expires_at: DateTime<Utc>,
}

/// Never shows the nonce or the verifier.
impl std::fmt::Debug for OAuthFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthFlow")
            .field("provider", &self.provider)
            .field("next", &self.next)
            .field("link_user", &self.link_user)
            .finish_non_exhaustive()
    }
}

/// An account at a provider linked to a user.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub id: i64,
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Records a flow under the digest of its `state`.
    pub async fn create_oauth_flow(
        &self,
        state_digest: &str,
        flow: &OAuthFlow,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.create_oauth_flow(state_digest, flow, now))
    }

    /// Takes (and deletes) the unexpired flow with this state for this
    /// provider: a state works once.
    pub async fn take_oauth_flow(
        &self,
        state_digest: &str,
        provider: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<OAuthFlow>> {
        dispatch!(self.take_oauth_flow(state_digest, provider, now))
    }

    /// The (enabled) user linked to this account at this provider, noting
    /// the use.
    pub async fn identity_user(
        &self,
        provider: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<User>> {
        dispatch!(self.identity_user(provider, subject, now))
    }

    /// Links an account at a provider to `user`. `Conflict` if it is linked
    /// to someone already.
    pub async fn link_identity(
        &self,
        user: UserId,
        provider: &str,
        subject: &str,
        email: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.link_identity(user, provider, subject, email, now))
    }

    pub async fn identities(&self, user: UserId) -> Result<Vec<Identity>> {
        dispatch!(self.identities(user))
    }

    /// Unlinks one of the user's identities. `Conflict` when it is their
    /// last way to sign in (no password and no other identity).
    pub async fn unlink_identity(&self, user: UserId, id: i64) -> Result<()> {
        dispatch!(self.unlink_identity(user, id))
    }

    /// The one enabled user whose account e-mail is `email` (any case);
    /// `None` if none or several.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        dispatch!(self.user_by_email(email))
    }
}
