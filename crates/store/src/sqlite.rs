//! The SQLite backend: one file in WAL mode, created on first use.
//!
//! Writers start with `BEGIN IMMEDIATE`, so a second process waits for the
//! write lock (up to the busy timeout) instead of failing half-way through a
//! transaction; if it still cannot get it, the caller sees `StoreError::Busy`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

type Db = sqlx::Sqlite;
type Pool = sqlx::SqlitePool;
type Conn = sqlx::SqliteConnection;
type Tx = sqlx::Transaction<'static, Db>;

/// Aggregates rows into one JSON array, and builds one row as a JSON array.
const JSON_AGG: &str = "json_group_array";
const JSON_ROW: &str = "json_array";
/// Appended to a subquery that picks rows to claim: other servers' claims
/// in progress are skipped rather than waited for.
const SKIP_LOCKED: &str = "";
/// 32 random hex digits, made by the database.
const RANDOM_TOKEN: &str = "lower(hex(randomblob(16)))";
/// The column that names one row of any table.
const ROW_ID: &str = "rowid";

// The shared SQL, compiled against the aliases above.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
pub(crate) use sql::*;

use kith_core::contact::ContactSummary;
use kith_core::conversation::Conversation;
use kith_core::ids::UserId;
use sqlx::QueryBuilder;

use crate::Durability;
use crate::error::Result;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The newest migration this build knows.
pub(crate) fn latest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// How long a writer waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the file at `path` (or a private in-memory database) and migrates it.
pub(crate) async fn open(path: Option<&Path>, durability: Durability) -> Result<Pool> {
    if let Some(path) = path {
        create_private(path);
    }
    let options = match path {
        Some(path) => SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Keeps the planner's statistics fresh (cheap with a limit), so
            // per-user indexes are not mistaken for selective ones.
            .optimize_on_close(true, Some(400)),
        None => SqliteConnectOptions::from_str("sqlite::memory:")?,
    }
    // FULL in WAL mode syncs the log at every commit, so a commit survives a
    // power cut; NORMAL survives a crash of the process only (see Durability).
    .synchronous(match durability {
        Durability::PowerCut => SqliteSynchronous::Full,
        Durability::Crash => SqliteSynchronous::Normal,
    })
    .foreign_keys(true)
    .busy_timeout(BUSY_TIMEOUT);
    let pool = match path {
        Some(_) => SqlitePoolOptions::new().max_connections(4),
        // One connection that never closes, or the in-memory database goes with it.
        None => SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None),
    }
    .acquire_timeout(BUSY_TIMEOUT)
    // sqlx pings a connection before lending it out by default: a round trip
    // to the connection's worker thread that doubled the cost of a one-query
    // request. A connection to a local file does not go stale.
    .test_before_acquire(false)
    // A connection left inside a transaction (its COMMIT failed on a full
    // disk) is closed rather than lent out again.
    .after_release(release_check)
    .connect_with(options)
    .await?;
    // Two processes opening a new file at once both try to migrate it; the
    // loser's attempt fails on the tables the winner made, and a second pass
    // then finds everything applied.
    if MIGRATOR.run(&pool).await.is_err() {
        MIGRATOR.run(&pool).await?;
    }
    Ok(pool)
}

/// Creates an empty database file (which SQLite takes as a new database)
/// that only its owner may read or write, whatever the umask: it holds
/// password hashes and sign-in secrets. SQLite gives the `-wal` and `-shm`
/// files it makes beside it the same mode. An existing file is left as it
/// is; a file that cannot be made here is for SQLite's open to report.
fn create_private(path: &Path) {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let _ = options.open(path);
}

async fn begin_write(pool: &Pool) -> Result<Tx> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// A read-only transaction: one snapshot of the file for all its reads (WAL).
async fn begin_read(pool: &Pool) -> Result<Tx> {
    Ok(pool.begin().await?)
}

/// Commits a write that changes nothing: the header's `user_version` set to
/// what it is, which still appends a page to the write-ahead log. Fails
/// with `CannotWrite` while the disk is full or the file read-only.
pub(crate) async fn check_writable(pool: &Pool) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA user_version = {version}"
    )))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes a consistent copy of the whole database to `path` (which must not
/// exist), while other connections may be writing.
pub(crate) async fn snapshot_into(pool: &Pool, path: &Path) -> Result<()> {
    let path = path.to_str().ok_or_else(|| {
        crate::StoreError::invalid(crate::Input::File, "the path is not valid UTF-8")
    })?;
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(pool)
        .await?;
    Ok(())
}

/// Writers are already serialised by `BEGIN IMMEDIATE`.
/// Nothing to do: `BEGIN IMMEDIATE` already made the transaction the only writer.
async fn lock_login_failures(_tx: &mut Tx) -> Result<()> {
    Ok(())
}

async fn lock_user(_tx: &mut Tx, _user: UserId) -> Result<()> {
    Ok(())
}

/// The number to give the next new contact: above every contact there is
/// and every one ever deleted (`contact_id_floor`, migration 0013), so an id
/// (and with it a CardDAV tag or a sync entry) never stands for two cards.
/// Inside a write transaction, which `BEGIN IMMEDIATE` makes the only one.
async fn next_contact_id(conn: &mut Conn) -> Result<Option<i64>> {
    let floor: i64 = sqlx::query_scalar(
        "SELECT max(COALESCE((SELECT max(id) FROM contacts), 0), \
         COALESCE((SELECT id FROM contact_id_floor), 0))",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(floor + 1))
}

/// Writers are already serialised by `BEGIN IMMEDIATE`.
async fn lock_users(_tx: &mut Tx) -> Result<()> {
    Ok(())
}

async fn set_search_docs(conn: &mut Conn, _user: UserId, docs: &[(i64, String)]) -> Result<()> {
    for chunk in docs.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new("DELETE FROM contact_search WHERE rowid IN (");
        let mut list = qb.separated(", ");
        for (id, _) in chunk {
            list.push_bind(*id);
        }
        qb.push(")");
        qb.build().execute(&mut *conn).await?;
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO contact_search (rowid, doc) ");
        qb.push_values(chunk, |mut row, (id, doc)| {
            row.push_bind(*id).push_bind(doc.as_str());
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(crate) async fn search_contacts(
    pool: &Pool,
    user: UserId,
    terms: &[String],
    limit: u32,
) -> Result<Vec<ContactSummary>> {
    let mut conn = pool.acquire().await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT s.rowid FROM contact_search s CROSS JOIN contacts c ON c.id = s.rowid \
         WHERE contact_search MATCH $1 AND c.user_id = $2 \
         ORDER BY s.rank, c.sort_key LIMIT $3",
    )
    .bind(crate::search::fts5_query(terms))
    .bind(user.0)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    summaries_by_id(&mut conn, user, &ids).await
}

pub(crate) async fn search_conversations(
    pool: &Pool,
    user: UserId,
    terms: &[String],
    limit: u32,
) -> Result<Vec<Conversation>> {
    let mut conn = pool.acquire().await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT cv.id FROM conversation_search s CROSS JOIN conversations cv ON cv.id = s.rowid \
         WHERE conversation_search MATCH $1 AND cv.user_id = $2 \
         ORDER BY cv.occurred_at DESC LIMIT $3",
    )
    .bind(crate::search::fts5_query(terms))
    .bind(user.0)
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    conversations_by_id(&mut conn, user, &ids).await
}

/// Checks the file on a connection of its own: a pooled connection's cached
/// FTS5 structure can make `PRAGMA integrity_check` report a checksum
/// mismatch for an index that a fresh connection finds sound.
pub(crate) async fn integrity_check(pool: &Pool) -> Result<Vec<String>> {
    use sqlx::{ConnectOptions, Connection};
    let options = pool.connect_options();
    let mut problems: Vec<String> = if options.get_filename() == Path::new(":memory:") {
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(pool)
            .await?
    } else {
        let mut conn = options.connect().await?;
        let found = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await?;
        conn.close().await?;
        found
    };
    problems.retain(|p| p != "ok");
    problems.extend(ownership_problems(pool).await?);
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each durability asks of SQLite, read back from the connection
    /// (`PRAGMA synchronous`: 1 is NORMAL, 2 is FULL).
    #[tokio::test]
    async fn durability_sets_synchronous() {
        let dir = tempfile::tempdir().unwrap();
        for (durability, level) in [(Durability::PowerCut, 2), (Durability::Crash, 1)] {
            let path = dir.path().join(format!("{durability:?}.db"));
            let pool = open(Some(&path), durability).await.unwrap();
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(synchronous, level, "{durability:?}");
            pool.close().await;
        }
        assert_eq!(Durability::default(), Durability::PowerCut);
    }

    /// The file holds password hashes and sign-in secrets: only its owner
    /// may read it, and the same for the `-wal` and `-shm` beside it
    /// (without the explicit mode, the umask 022 tests run under gives 0644).
    #[cfg(unix)]
    #[tokio::test]
    async fn a_new_database_and_its_wal_and_shm_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kith.db");
        let pool = open(Some(&path), Durability::default()).await.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let file = dir.path().join(format!("kith.db{suffix}"));
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}: {mode:o}", file.display());
        }
        pool.close().await;
    }
}
