//! One fresh database per test, on either backend.
//!
//! PostgreSQL comes from `KITH_TEST_POSTGRES_URL` (a server and a database to
//! connect to for `CREATE DATABASE`). Without it the PostgreSQL cases say so
//! and pass only outside CI; with `CI` set a missing server is a failure.

use kith_core::ids::UserId;
use kith_core::user::{NewUser, Username};
use kith_core::values::TimeZone;
use kith_store::{Location, Store};
use sqlx::Connection;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
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
                let admin = match std::env::var("KITH_TEST_POSTGRES_URL") {
                    Ok(url) => url,
                    Err(_) if std::env::var_os("CI").is_some() => {
                        panic!("KITH_TEST_POSTGRES_URL must be set in CI")
                    }
                    Err(_) => {
                        eprintln!("KITH_TEST_POSTGRES_URL is not set: PostgreSQL case not run");
                        return None;
                    }
                };
                let name = format!("kith_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .expect("connect to KITH_TEST_POSTGRES_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                conn.close().await.unwrap();
                let url = with_database(&admin, &name);
                let store = Store::open(&Location::Postgres(url)).await.unwrap();
                Some(TestDb {
                    store,
                    _dir: None,
                    postgres: Some((admin, name)),
                })
            }
        }
    }

    /// Closes the store and drops a PostgreSQL test database.
    pub async fn finish(self) {
        let problems = self.store.integrity_check().await.unwrap();
        assert!(problems.is_empty(), "integrity problems: {problems:?}");
        self.store.close().await;
        if let Some((admin, name)) = self.postgres {
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await
            .unwrap();
        }
    }

    pub async fn user(&self, name: &str) -> UserId {
        self.store
            .create_user(&NewUser {
                username: Username::parse(name).unwrap(),
                display_name: name.to_owned(),
                email: None,
                timezone: TimeZone::UTC,
            })
            .await
            .unwrap()
            .id
    }
}

/// The same server URL with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

#[test]
fn database_names_replace_the_path() {
    assert_eq!(
        with_database("postgres://u@h:5432/postgres", "x"),
        "postgres://u@h:5432/x"
    );
    assert_eq!(
        with_database("postgres://u@h/db?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
