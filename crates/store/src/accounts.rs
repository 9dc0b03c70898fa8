//! The store's account methods: passwords, sessions, tokens, throttling.
//! Secrets are passed as digests (kith-auth), never in clear.

use chrono::{DateTime, Utc};
use kith_core::ids::UserId;
use kith_core::user::{NewUser, User};

use crate::{Credentials, Db, Result, Store, TokenInfo, TokenScope, postgres, sqlite};

impl Store {
    pub async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        dispatch!(self.credentials(username))
    }

    /// Creates a user with a password (and admin rights if asked), in one transaction.
    pub async fn create_account(
        &self,
        user: &NewUser,
        hash: &str,
        admin: bool,
        now: DateTime<Utc>,
    ) -> Result<User> {
        dispatch!(self.create_account(user, hash, admin, now))
    }

    /// Sets a user's password hash and ends their sessions, together.
    /// The first-run setup: an admin, only while there are no users at all.
    pub async fn create_first_account(
        &self,
        user: &NewUser,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<User> {
        dispatch!(self.create_first_account(user, hash, now))
    }

    pub async fn set_password_hash(&self, user: UserId, hash: &str) -> Result<()> {
        dispatch!(self.set_password_hash(user, hash))
    }

    /// Disables (ending every session) or re-enables a user.
    pub async fn set_disabled(&self, user: UserId, disabled: bool) -> Result<()> {
        dispatch!(self.set_disabled(user, disabled))
    }

    pub async fn set_admin(&self, user: UserId, admin: bool) -> Result<()> {
        dispatch!(self.set_admin(user, admin))
    }

    pub async fn user(&self, user: UserId) -> Result<Option<User>> {
        dispatch!(self.user_by_id(user))
    }

    /// A new session; `method` says how it was signed in (`password`,
    /// `password+totp`, …) and `agent` is the browser, for the user's list.
    pub async fn create_session(
        &self,
        user: UserId,
        digest: &str,
        expires_at: DateTime<Utc>,
        method: &str,
        agent: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.create_session(user, digest, now, expires_at, method, agent))
    }

    /// The user of a live session (unexpired, seen within `idle`, user enabled).
    pub async fn session_user(
        &self,
        digest: &str,
        idle: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<User>> {
        dispatch!(self.session_user(digest, now, idle))
    }

    pub async fn delete_session(&self, digest: &str) -> Result<()> {
        dispatch!(self.delete_session(digest))
    }

    /// Ends every session of a user; returns how many there were.
    pub async fn delete_sessions(&self, user: UserId) -> Result<u64> {
        dispatch!(self.delete_sessions(user))
    }

    pub async fn create_token(
        &self,
        user: UserId,
        name: &str,
        scope: TokenScope,
        digest: &str,
        now: DateTime<Utc>,
    ) -> Result<TokenInfo> {
        dispatch!(self.create_token(user, name, scope, digest, now))
    }

    pub async fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>> {
        dispatch!(self.tokens(user))
    }

    pub async fn revoke_token(&self, user: UserId, id: i64, now: DateTime<Utc>) -> Result<()> {
        dispatch!(self.revoke_token(user, id, now))
    }

    /// The user of a live token of this scope; records its use (at most once a minute).
    pub async fn token_user(
        &self,
        digest: &str,
        scope: TokenScope,
        now: DateTime<Utc>,
    ) -> Result<Option<User>> {
        dispatch!(self.token_user(digest, scope, now))
    }

    pub async fn record_login_failure(&self, key: &str, now: DateTime<Utc>) -> Result<()> {
        dispatch!(self.record_login_failure(key, now))
    }

    pub async fn login_failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<i64> {
        dispatch!(self.login_failures_since(key, since))
    }

    /// Counts one attempt under every key if each has fewer than its limit
    /// counted after `since`, else none; atomically, across servers. True
    /// if counted: only then may the secret be checked.
    pub async fn claim_login_attempt(
        &self,
        keys: &[(&str, i64)],
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        dispatch!(self.claim_login_attempt(keys, since, now))
    }

    /// Takes back one attempt counted under `key` at `at`.
    pub async fn forget_login_attempt(&self, key: &str, at: DateTime<Utc>) -> Result<()> {
        dispatch!(self.forget_login_attempt(key, at))
    }

    /// Forgets a key's failures and every failure older than `before`.
    pub async fn clear_login_failures(&self, key: &str, before: DateTime<Utc>) -> Result<()> {
        dispatch!(self.clear_login_failures(key, before))
    }
}
