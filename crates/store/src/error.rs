use kith_core::ValidationError;

/// What can go wrong in the store, in the terms a caller acts on: a missing
/// row is `NotFound` (404), a clash is `Conflict` (409), refused input is
/// `Invalid` (422), a locked SQLite file is `Busy`. Only `Database` and
/// `Migrate` are the server's fault.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {what} {key}")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(
        "the database is busy (another kith is writing to it, or all connections are in use); try again"
    )]
    Busy,
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("cannot bring the database schema up to date")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub(crate) fn not_found(what: &'static str, key: impl ToString) -> Self {
        StoreError::NotFound {
            what,
            key: key.to_string(),
        }
    }

    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        StoreError::Invalid(ValidationError::new(field, message))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &error {
            // SQLITE_BUSY (5) and SQLITE_LOCKED (6), also as extended codes.
            // PostgreSQL's SQLSTATE codes are not numbers of this kind.
            let busy = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some()
                && db
                    .code()
                    .and_then(|c| c.parse::<i32>().ok())
                    .is_some_and(|c| c & 0xff == 5 || c & 0xff == 6);
            if busy {
                return StoreError::Busy;
            }
            if db.is_unique_violation() {
                return StoreError::Conflict(db.message().to_owned());
            }
        }
        if matches!(error, sqlx::Error::PoolTimedOut) {
            return StoreError::Busy;
        }
        StoreError::Database(error)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
