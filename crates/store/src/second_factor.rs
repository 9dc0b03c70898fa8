//! The store's two-step sign-in methods: TOTP seeds, recovery codes,
//! sign-ins waiting for their second step, and the sessions a user has.

use chrono::{DateTime, Utc};
use kith_core::ids::UserId;
use kith_core::user::User;

use crate::{Db, Result, Store, postgres, sqlite};

/// A user's TOTP seed.
#[derive(Clone, PartialEq)]
pub struct TotpFactor {
    /// Base32.
    pub secret: String,
    /// An authenticator app proved it has the seed.
    pub confirmed: bool,
    pub last_step: i64,
}

/// Never shows the seed.
impl std::fmt::Debug for TotpFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpFactor")
            .field("confirmed", &self.confirmed)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// What a sign-in waits for after the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingPurpose {
    /// A code from the authenticator app, or a recovery code.
    Code,
    /// Setting up an authenticator app, which the server requires.
    Enrol,
}

impl PendingPurpose {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Enrol => "enrol",
        }
    }
}

/// A sign-in waiting for its second step.
#[derive(Clone)]
pub struct PendingSignin {
    pub user: User,
    pub purpose: PendingPurpose,
    /// For `Enrol`: the seed offered (base32).
    pub secret: Option<String>,
}

impl std::fmt::Debug for PendingSignin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingSignin")
            .field("user", &self.user.username)
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

/// One of a user's sessions, as settings lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    /// The first 16 hex digits of the session's digest: enough to name it,
    /// useless to sign in with.
    pub key: String,
    /// `password`, `password+totp`, `password+recovery-code`, …
    pub method: String,
    /// The browser's User-Agent, shortened.
    pub agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl Store {
    pub async fn totp(&self, user: UserId) -> Result<Option<TotpFactor>> {
        dispatch!(self.totp(user))
    }

    /// Offers a new seed (unconfirmed). Refused (`Conflict`) while a
    /// confirmed one exists: turn that off first.
    pub async fn begin_totp(&self, user: UserId, secret: &str, now: DateTime<Utc>) -> Result<()> {
        dispatch!(self.begin_totp(user, secret, now))
    }

    /// Confirms the offered seed with the step of a code it produced, and
    /// replaces the recovery codes with these digests.
    pub async fn confirm_totp(
        &self,
        user: UserId,
        step: i64,
        recovery_digests: &[String],
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.confirm_totp(user, step, recovery_digests, now))
    }

    /// Records that the code of `step` was used, if it is later than the
    /// last one used: `false` means a replayed (or older) code.
    pub async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool> {
        dispatch!(self.use_totp_step(user, step))
    }

    /// Uses up the recovery code with this digest: `false` if there is no
    /// such unused code.
    pub async fn use_recovery_code(
        &self,
        user: UserId,
        digest: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        dispatch!(self.use_recovery_code(user, digest, now))
    }

    /// Replaces the recovery codes.
    pub async fn set_recovery_codes(&self, user: UserId, digests: &[String]) -> Result<()> {
        dispatch!(self.set_recovery_codes(user, digests))
    }

    pub async fn recovery_codes_left(&self, user: UserId) -> Result<i64> {
        dispatch!(self.recovery_codes_left(user))
    }

    /// Turns two-step sign-in off: the seed and the recovery codes go.
    pub async fn remove_totp(&self, user: UserId) -> Result<bool> {
        dispatch!(self.remove_totp(user))
    }

    pub async fn create_pending_signin(
        &self,
        digest: &str,
        user: UserId,
        purpose: PendingPurpose,
        secret: Option<&str>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.create_pending_signin(digest, user, purpose, secret, expires_at, now))
    }

    /// The sign-in waiting under this digest, if unexpired and its user
    /// not disabled.
    pub async fn pending_signin(
        &self,
        digest: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PendingSignin>> {
        dispatch!(self.pending_signin(digest, now))
    }

    pub async fn delete_pending_signin(&self, digest: &str) -> Result<()> {
        dispatch!(self.delete_pending_signin(digest))
    }

    /// The user's live sessions, most recently seen first.
    pub async fn sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<Vec<SessionInfo>> {
        dispatch!(self.sessions(user, now))
    }

    /// Ends the user's session named by `key` (see [`SessionInfo::key`]).
    pub async fn end_session(&self, user: UserId, key: &str) -> Result<bool> {
        dispatch!(self.end_session(user, key))
    }
}
