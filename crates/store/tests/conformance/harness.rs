//! One fresh database per test, on either backend.

use kith_core::ids::UserId;
use kith_core::user::{NewUser, Username};
use kith_core::values::TimeZone;
use kith_store::testing::{TestDatabase, postgres_admin_url};
use kith_store::{Location, Store};

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<TestDatabase>,
}

impl TestDb {
    /// A new, migrated, empty database; `None` only for PostgreSQL outside CI
    /// when no server is configured.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&Location::SqliteFile(dir.path().join("kith.db")))
                    .await
                    .unwrap();
                Some(TestDb {
                    store,
                    _dir: Some(dir),
                    postgres: None,
                })
            }
            Backend::Postgres => {
                let database = TestDatabase::create(&postgres_admin_url()?).await;
                let store = Store::open(&Location::Postgres(database.url.clone()))
                    .await
                    .unwrap();
                Some(TestDb {
                    store,
                    _dir: None,
                    postgres: Some(database),
                })
            }
        }
    }

    /// Checks integrity, closes the store and drops a PostgreSQL test database.
    pub async fn finish(self) {
        let problems = self.store.integrity_check().await.unwrap();
        assert!(problems.is_empty(), "integrity problems: {problems:?}");
        self.store.close().await;
        if let Some(database) = self.postgres {
            database.drop().await;
        }
    }

    pub async fn user(&self, name: &str) -> UserId {
        self.store
            .create_user(
                &NewUser {
                    username: Username::parse(name).unwrap(),
                    display_name: name.to_owned(),
                    email: None,
                    timezone: TimeZone::UTC,
                },
                chrono::Utc::now(),
            )
            .await
            .unwrap()
            .id
    }
}
