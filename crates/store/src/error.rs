use std::fmt;

/// What can go wrong in the store, in the terms a caller acts on: a missing
/// row is `NotFound` (404), a clash is `Conflict` (409), refused input is
/// `Invalid` (422), a locked SQLite file is `Busy`, storage that refuses
/// to take a write (a full disk, a read-only file, an I/O error) is
/// `CannotWrite` (503). Only `Database` and `Migrate` are the server's fault.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {what} {key}")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Conflict(String),
    #[error("invalid {input}: {message}")]
    Invalid { input: Input, message: String },
    #[error(
        "the database is busy (another kith is writing to it, or all connections are in use); try again"
    )]
    Busy,
    /// The database cannot save: its disk is full, its file or server is
    /// read-only, or the disk failed. Nothing was written; the same request
    /// succeeds once the operator has made room. The cause is for the log.
    #[error(
        "the database cannot save right now: its storage is full or read-only; try again once there is room"
    )]
    CannotWrite(#[source] sqlx::Error),
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

    pub(crate) fn invalid(input: Input, message: impl Into<String>) -> Self {
        StoreError::Invalid {
            input,
            message: message.into(),
        }
    }

    /// A place in a file being imported refused: `path` is where
    /// (`contacts[3].email`, `line 4`).
    pub(crate) fn in_file(path: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::invalid(Input::InFile(path.into()), message)
    }
}

/// What the store refused, so that each front end can name it in its own
/// terms (a flag, a JSON field, a form label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A contact's name.
    Name,
    /// Who introduced a contact.
    IntroducedBy,
    /// A value to remove from one of a contact's lists that is not there.
    Remove(ContactList),
    /// The meeting to log, and what was said in it.
    Meeting,
    Summary,
    /// The contact a merge folds into another.
    Merge,
    /// The words of a search.
    Query,
    /// Where the database is (a URL or path).
    DatabaseUrl,
    /// SQLite's durability setting.
    Synchronous,
    /// A file to back up into or restore from.
    File,
    /// An SQLite snapshot a restore reads (a Kith database, or not).
    Snapshot,
    /// A place in a file being imported, as its path or line.
    InFile(String),
}

/// One of a contact's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactList {
    Emails,
    Phones,
    Links,
    Tags,
}

impl ContactList {
    /// One item of the list: "email", "phone", "link", "tag".
    pub fn item(self) -> &'static str {
        match self {
            ContactList::Emails => "email",
            ContactList::Phones => "phone",
            ContactList::Links => "link",
            ContactList::Tags => "tag",
        }
    }
}

impl fmt::Display for Input {
    /// Plain words, for logs and callers without names of their own.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Name => f.write_str("name"),
            Input::IntroducedBy => f.write_str("introduced-by"),
            Input::Remove(list) => f.write_str(list.item()),
            Input::Meeting => f.write_str("meeting"),
            Input::Summary => f.write_str("summary"),
            Input::Merge => f.write_str("contact"),
            Input::Query => f.write_str("query"),
            Input::DatabaseUrl => f.write_str("database URL"),
            Input::Synchronous => f.write_str("synchronous"),
            Input::File => f.write_str("file"),
            Input::Snapshot => f.write_str("snapshot"),
            Input::InFile(path) => f.write_str(path),
        }
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
            if is_storage_fault(db.as_ref()) {
                return StoreError::CannotWrite(error);
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

/// SQLite's SQLITE_IOERR (10), SQLITE_READONLY (8) and SQLITE_FULL (13),
/// also as extended codes; PostgreSQL's disk_full (53100), io_error (58030)
/// and read_only_sql_transaction (25006).
fn is_storage_fault(db: &dyn sqlx::error::DatabaseError) -> bool {
    let Some(code) = db.code() else {
        return false;
    };
    if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        code.parse::<i32>()
            .is_ok_and(|c| matches!(c & 0xff, 8 | 10 | 13))
    } else {
        matches!(code.as_ref(), "53100" | "58030" | "25006")
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
