//! Test support shared by the store's conformance suite and the CLI tests
//! (feature `testing`): fresh PostgreSQL databases on the server named by
//! `KITH_TEST_POSTGRES_URL`.

use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// The admin URL of the test server. Without it, PostgreSQL cases are not
/// run, and they say so; under CI (`CI` set) its absence is a failure.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("KITH_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("KITH_TEST_POSTGRES_URL must be set in CI")
        }
        Err(_) => {
            eprintln!("KITH_TEST_POSTGRES_URL is not set: PostgreSQL case not run");
            None
        }
    }
}

/// A database that only the caller uses.
pub struct TestDatabase {
    admin: String,
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    pub async fn create(admin: &str) -> TestDatabase {
        let name = format!("kith_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(admin)
            .await
            .expect("connect to KITH_TEST_POSTGRES_URL");
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create a test database");
        conn.close().await.ok();
        TestDatabase {
            url: with_database(admin, &name),
            admin: admin.to_owned(),
            name,
        }
    }

    pub async fn drop(self) {
        let mut conn = PgConnection::connect(&self.admin).await.expect("connect");
        sqlx::query(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )))
        .execute(&mut conn)
        .await
        .expect("drop the test database");
    }
}

/// The same server URL with another database name.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority..].find('/') {
        Some(slash) => &base[..authority + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

#[cfg(test)]
mod tests {
    use super::with_database;

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
}
