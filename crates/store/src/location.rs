//! Where the data lives and how hard SQLite keeps it: what a front end
//! names before it opens the [`Store`](crate::Store).

use std::path::PathBuf;

use crate::{Result, StoreError};

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the data lives, parsed from `--db PATH` or a `sqlite:`/`postgres://` URL.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database (tests, previews).
    SqliteMemory,
    Postgres(String),
}

impl Location {
    /// Reads a database URL: `postgres://…`/`postgresql://…`, `sqlite:PATH`,
    /// `sqlite://PATH`, `sqlite::memory:`.
    pub fn parse(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_owned()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            return match path {
                ":memory:" => Ok(Location::SqliteMemory),
                "" => Err(StoreError::invalid(
                    crate::Input::DatabaseUrl,
                    "sqlite: URL without a path",
                )),
                path => Ok(Location::SqliteFile(PathBuf::from(path))),
            };
        }
        Err(StoreError::invalid(
            crate::Input::DatabaseUrl,
            "expected postgres://…, sqlite:PATH or sqlite::memory:",
        ))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Location::SqliteFile(_) | Location::SqliteMemory => Backend::Sqlite,
            Location::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Shown in logs and errors without the password of a PostgreSQL URL.
impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::SqliteFile(path) => write!(f, "sqlite:{}", path.display()),
            Location::SqliteMemory => f.write_str("sqlite::memory:"),
            Location::Postgres(url) => {
                let redacted = match (url.find("://"), url.rfind('@')) {
                    (Some(scheme), Some(at)) if at > scheme => {
                        format!("{}://…@{}", &url[..scheme], &url[at + 1..])
                    }
                    _ => url.clone(),
                };
                f.write_str(&redacted)
            }
        }
    }
}

/// When SQLite tells the disk to keep a commit (its `synchronous` setting
/// in WAL mode). PostgreSQL keeps its own (`synchronous_commit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `FULL`: the write-ahead log is synced before a commit returns, so an
    /// acknowledged write survives a power cut as well as a crash.
    #[default]
    PowerCut,
    /// `NORMAL`: a commit survives a crash of the process; a power cut or a
    /// crash of the machine can take back the commits since the last
    /// checkpoint. Fewer syncs (see bench/durability.py).
    Crash,
}

impl Durability {
    /// `full` or `normal`, SQLite's names.
    pub fn parse(input: &str) -> Result<Self> {
        match input.trim().to_ascii_lowercase().as_str() {
            "full" => Ok(Durability::PowerCut),
            "normal" => Ok(Durability::Crash),
            _ => Err(StoreError::invalid(
                crate::Input::Synchronous,
                format!("'{input}' is not full or normal"),
            )),
        }
    }
}
