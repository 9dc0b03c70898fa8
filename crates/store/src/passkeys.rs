//! The store's passkey methods: credentials and ceremonies in progress.
//! The credentials are opaque JSON here; the WebAuthn library in the binary
//! reads and writes them.

use chrono::{DateTime, Utc};
use kith_core::ids::UserId;

use crate::{Db, Result, Store, postgres, sqlite};

/// A user's passkey.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPasskey {
    pub id: i64,
    pub name: String,
    pub credential_id: String,
    /// The library's JSON of the credential.
    pub credential: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Store {
    pub async fn add_passkey(
        &self,
        user: UserId,
        name: &str,
        credential_id: &str,
        credential: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        dispatch!(self.add_passkey(user, name, credential_id, credential, now))
    }

    pub async fn passkeys(&self, user: UserId) -> Result<Vec<StoredPasskey>> {
        dispatch!(self.passkeys(user))
    }

    /// Stores a credential's new state (its counter) after a sign-in.
    pub async fn passkey_used(
        &self,
        user: UserId,
        id: i64,
        credential: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.passkey_used(user, id, credential, now))
    }

    /// Removes one of the user's passkeys. `Conflict` when it is their last
    /// way to sign in.
    pub async fn remove_passkey(&self, user: UserId, id: i64) -> Result<()> {
        dispatch!(self.remove_passkey(user, id))
    }

    /// Records a ceremony's state under a digest, for five minutes.
    pub async fn put_ceremony(
        &self,
        digest: &str,
        user: UserId,
        kind: &str,
        state: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.put_ceremony(digest, user, kind, state, now))
    }

    /// Takes (and deletes) an unexpired ceremony of this kind: its user and
    /// state. A ceremony finishes once.
    pub async fn take_ceremony(
        &self,
        digest: &str,
        kind: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(UserId, String)>> {
        dispatch!(self.take_ceremony(digest, kind, now))
    }
}
