//! SQLite snapshots: checking that a file is a sound Kith database, and
//! putting one in place of a database file (`kith restore`).

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use crate::{Result, StoreError};

/// What a snapshot file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// The newest migration applied to it.
    pub migration: i64,
    pub users: i64,
}

/// The first bytes of every SQLite database file.
pub const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

fn not_kith(path: &Path, why: impl std::fmt::Display) -> StoreError {
    StoreError::invalid(
        crate::Input::Snapshot,
        format!("{} is not a Kith database: {why}", path.display()),
    )
}

/// Opens a file read-only, without creating it or running migrations.
async fn open_read_only(path: &Path) -> Result<SqliteConnection> {
    Ok(SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false)
        .connect()
        .await?)
}

/// Checks that `path` is a sound SQLite file (`PRAGMA integrity_check`)
/// with Kith's migrations applied, read-only.
pub async fn check_sqlite_snapshot(path: &Path) -> Result<SnapshotInfo> {
    let head = std::fs::read(path)
        .map(|b| b.get(..SQLITE_HEADER.len()) == Some(SQLITE_HEADER))
        .map_err(|e| not_kith(path, e))?;
    if !head {
        return Err(not_kith(path, "not an SQLite file"));
    }
    let mut conn = open_read_only(path).await.map_err(|e| not_kith(path, e))?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(|e| not_kith(path, e))?;
    if problems != ["ok"] {
        return Err(not_kith(
            path,
            format!("integrity check failed: {}", problems.join("; ")),
        ));
    }
    let migration: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await
            .map_err(|_| not_kith(path, "it has no Kith migrations"))?;
    let Some(migration) = migration else {
        return Err(not_kith(path, "it has no Kith migrations"));
    };
    let known = crate::sqlite::latest_migration();
    if migration > known {
        return Err(StoreError::invalid(
            crate::Input::Snapshot,
            format!(
                "{} was written by a newer Kith (migration {migration}; this one knows up to \
                 {known})",
                path.display()
            ),
        ));
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| not_kith(path, "it has no users table"))?;
    conn.close().await?;
    Ok(SnapshotInfo { migration, users })
}

/// How many users the database file at `path` has (0 when there is no file,
/// or no users table yet).
pub async fn sqlite_user_count(path: &Path) -> Result<i64> {
    if !path.try_exists().map_err(|e| not_kith(path, e))? {
        return Ok(0);
    }
    let mut conn = open_read_only(path).await?;
    let users = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    conn.close().await?;
    Ok(users)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Puts a copy of `snapshot` in place of the database file `target`: the
/// copy is written next to it and renamed over it, after the target's
/// write-ahead log is checkpointed into it and removed. No process may have
/// the target open (stop `kith serve` first). The caller has checked the
/// snapshot and decided that `target` may be replaced.
pub async fn replace_sqlite_file(snapshot: &Path, target: &Path) -> Result<()> {
    let io = |e: std::io::Error| {
        StoreError::invalid(
            crate::Input::File,
            format!("cannot replace {}: {e}", target.display()),
        )
    };
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let copy = with_suffix(target, ".restoring");
    std::fs::copy(snapshot, &copy).map_err(io)?;
    std::fs::File::open(&copy)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    if target.try_exists().map_err(io)? {
        let mut conn = SqliteConnectOptions::new()
            .filename(target)
            .connect()
            .await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut conn)
            .await?;
        conn.close().await?;
    }
    for suffix in ["-wal", "-shm"] {
        match std::fs::remove_file(with_suffix(target, suffix)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            _ => {}
        }
    }
    std::fs::rename(&copy, target).map_err(io)?;
    Ok(())
}
