//! Tokens: what scripts and phones (the API, CardDAV) and calendars (the
//! feed's secret address) use instead of a password. A token's secret is
//! shown once, when it is made; the store keeps only its digest.

use chrono::{DateTime, Utc};
use kith_auth::Secret;
use kith_core::ids::UserId;
use kith_core::user::User;
use kith_core::values::optional_text;
use kith_store::{Store, TokenInfo, TokenScope};

use crate::error::{AppError, Field, invalid};

/// A token just made, with the secret to show once.
pub struct NewToken {
    pub info: TokenInfo,
    pub secret: Secret,
}

/// A new token for `scope`, named for what will use it ("backup script",
/// "Jane's phone"). Its secret starts with a word that says its kind, so a
/// leaked one is recognised: `kith_`, `kdav_`, `kcal_`.
pub async fn create(
    store: &Store,
    user: UserId,
    name: &str,
    scope: TokenScope,
    now: DateTime<Utc>,
) -> Result<NewToken, AppError> {
    let name = optional_text("name", Some(name), 100)
        .map_err(invalid(Field::TokenName))?
        .ok_or_else(|| AppError::Invalid {
            field: Field::TokenName,
            message: "must not be empty: say what will use it, a script or a phone".into(),
        })?;
    let secret = Secret::generate(prefix(scope)).map_err(|e| AppError::Internal(e.into()))?;
    let info = store
        .create_token(user, &name, scope, &secret.digest(), now)
        .await?;
    Ok(NewToken { info, secret })
}

/// Whom an API token speaks for, and whether it may write. The web server
/// puts it in a request's extensions for what it mounts (MCP over HTTP),
/// so a front end other than the web reads it without importing the web.
#[derive(Debug, Clone)]
pub struct ApiAccess {
    pub user: User,
    /// A read-only token (`TokenScope::ApiReadOnly`): reads only.
    pub read_only: bool,
}

/// The live API token whose secret is `secret` (either scope), if any;
/// records its use.
pub async fn api_access(
    store: &Store,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<ApiAccess>, AppError> {
    let digest = kith_auth::digest(secret);
    for (scope, read_only) in [(TokenScope::Api, false), (TokenScope::ApiReadOnly, true)] {
        if let Some(user) = store.token_user(&digest, scope, now).await? {
            return Ok(Some(ApiAccess { user, read_only }));
        }
    }
    Ok(None)
}

/// A new secret address for the calendar feed; the old one stops working
/// at once.
pub async fn renew_calendar_feed(
    store: &Store,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<NewToken, AppError> {
    for t in store.tokens(user).await? {
        if t.scope == TokenScope::Calendar && t.revoked_at.is_none() {
            store.revoke_token(user, t.id, now).await?;
        }
    }
    create(store, user, "calendar feed", TokenScope::Calendar, now).await
}

fn prefix(scope: TokenScope) -> &'static str {
    match scope {
        TokenScope::Api | TokenScope::ApiReadOnly => "kith_",
        TokenScope::CardDav => "kdav_",
        TokenScope::Calendar => "kcal_",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kith_core::user::{NewUser, Username};
    use kith_core::values::TimeZone;
    use kith_store::Location;

    /// A store in a temporary SQLite file with one user. Token storage
    /// itself is tested on both backends in the store's conformance suite.
    struct TestStore {
        store: Store,
        user: UserId,
        _dir: tempfile::TempDir,
    }

    impl TestStore {
        async fn sqlite() -> TestStore {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&Location::SqliteFile(dir.path().join("kith.db")))
                .await
                .unwrap();
            let new = NewUser {
                username: Username::parse("ann").unwrap(),
                display_name: "Ann".into(),
                email: None,
                timezone: TimeZone::UTC,
            };
            let user = store.create_user(&new, Utc::now()).await.unwrap().id;
            TestStore {
                store,
                user,
                _dir: dir,
            }
        }
    }

    #[tokio::test]
    async fn a_token_is_named_scoped_and_found_by_its_secret_only() {
        let db = TestStore::sqlite().await;
        let (store, user) = (&db.store, db.user);
        let now = Utc::now();
        let made = create(store, user, "  backup script ", TokenScope::CardDav, now)
            .await
            .unwrap();
        assert_eq!(made.info.name, "backup script");
        assert!(made.secret.expose().starts_with("kdav_"));
        let found = store
            .token_user(&made.secret.digest(), TokenScope::CardDav, now)
            .await
            .unwrap();
        assert_eq!(found.map(|u| u.id), Some(user));
        let wrong_scope = store
            .token_user(&made.secret.digest(), TokenScope::Api, now)
            .await
            .unwrap();
        assert!(wrong_scope.is_none());
    }

    #[tokio::test]
    async fn an_api_token_says_whether_it_may_write() {
        let db = TestStore::sqlite().await;
        let (store, user, now) = (&db.store, db.user, Utc::now());
        let full = create(store, user, "script", TokenScope::Api, now)
            .await
            .unwrap();
        let read = create(store, user, "assistant", TokenScope::ApiReadOnly, now)
            .await
            .unwrap();
        let dav = create(store, user, "phone", TokenScope::CardDav, now)
            .await
            .unwrap();
        let read_id = read.info.id;
        let [full, read, dav] = [full, read, dav].map(|t| t.secret.expose().to_owned());
        let got = api_access(store, &full, now).await.unwrap().unwrap();
        assert_eq!((got.user.id, got.read_only), (user, false));
        let got = api_access(store, &read, now).await.unwrap().unwrap();
        assert_eq!((got.user.id, got.read_only), (user, true));
        assert!(
            api_access(store, &dav, now).await.unwrap().is_none(),
            "a CardDAV password is no API token"
        );
        store.revoke_token(user, read_id, now).await.unwrap();
        assert!(
            api_access(store, &read, now).await.unwrap().is_none(),
            "a revoked token still works"
        );
    }

    #[tokio::test]
    async fn a_token_needs_a_name() {
        let db = TestStore::sqlite().await;
        let refused = create(&db.store, db.user, "  ", TokenScope::Api, Utc::now()).await;
        assert!(
            matches!(
                refused,
                Err(AppError::Invalid {
                    field: Field::TokenName,
                    ..
                })
            ),
            "{:?}",
            refused.err()
        );
    }

    #[tokio::test]
    async fn a_new_calendar_address_ends_the_old_one() {
        let db = TestStore::sqlite().await;
        let (store, user, now) = (&db.store, db.user, Utc::now());
        let first = renew_calendar_feed(store, user, now).await.unwrap();
        let second = renew_calendar_feed(store, user, now).await.unwrap();
        assert!(second.secret.expose().starts_with("kcal_"));
        let old = store
            .token_user(&first.secret.digest(), TokenScope::Calendar, now)
            .await
            .unwrap();
        assert!(old.is_none(), "the old feed address still works");
        let new = store
            .token_user(&second.secret.digest(), TokenScope::Calendar, now)
            .await
            .unwrap();
        assert_eq!(new.map(|u| u.id), Some(user));
    }
}
