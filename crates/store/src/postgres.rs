//! The PostgreSQL backend, for shared instances and several servers on one database.
//!
//! Every transaction that touches a user's contacts first locks that user's
//! row, so the user's change-log positions commit in the order they were
//! drawn and a sync token never skips a change.

use sqlx::postgres::PgPoolOptions;

type Db = sqlx::Postgres;
type Pool = sqlx::PgPool;
type Conn = sqlx::PgConnection;
type Tx = sqlx::Transaction<'static, Db>;

/// Aggregates rows into one JSON array, and builds one row as a JSON array.
const JSON_AGG: &str = "json_agg";
const JSON_ROW: &str = "json_build_array";
/// Appended to a subquery that picks rows to claim: other servers' claims
/// in progress are skipped rather than waited for.
const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";
/// 32 random hex digits, made by the database.
const RANDOM_TOKEN: &str = "replace(gen_random_uuid()::text, '-', '')";
/// The column that names one row of any table.
const ROW_ID: &str = "ctid";

// The shared SQL, compiled against the aliases above.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;
pub(crate) use sql::*;

use kith_core::contact::ContactSummary;
use kith_core::conversation::Conversation;
use kith_core::ids::UserId;
use sqlx::QueryBuilder;

use crate::error::{Result, StoreError};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Connects and migrates (sqlx takes an advisory lock, so concurrent servers are safe).
pub(crate) async fn open(url: &str) -> Result<Pool> {
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(std::time::Duration::from_secs(10))
        // A connection left inside a transaction is closed rather than lent out again.
        .after_release(release_check)
        .connect(url)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

async fn begin_write(pool: &Pool) -> Result<Tx> {
    Ok(pool.begin().await?)
}

/// Commits a transaction that takes a transaction id, so the server must
/// write its commit to the log: fails on a read-only server or a full disk.
pub(crate) async fn check_writable(pool: &Pool) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_current_xact_id()::text")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A read-only transaction that sees one snapshot for all its reads.
async fn begin_read(pool: &Pool) -> Result<Tx> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Keeps other transactions from adding users until this one ends (reads
/// still go on), so "is this the first user?" stays true until commit.
async fn lock_users(tx: &mut Tx) -> Result<()> {
    sqlx::query("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The identity sequence numbers new contacts and never goes back.
async fn next_contact_id(_conn: &mut Conn) -> Result<Option<i64>> {
    Ok(None)
}

/// Makes counting attempts and adding one a single step across servers:
/// other counters wait (plain inserts and reads do not).
async fn lock_login_failures(tx: &mut Tx) -> Result<()> {
    sqlx::query("LOCK TABLE login_failures IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn lock_user(tx: &mut Tx, user: UserId) -> Result<()> {
    sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
        .bind(user.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::not_found("user", user))?;
    Ok(())
}

async fn set_search_docs(conn: &mut Conn, user: UserId, docs: &[(i64, String)]) -> Result<()> {
    for chunk in docs.chunks(CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO contact_search (contact_id, user_id, doc) ");
        qb.push_values(chunk, |mut row, (id, doc)| {
            row.push_bind(*id).push_bind(user.0).push_bind(doc.as_str());
        });
        qb.push(" ON CONFLICT (contact_id) DO UPDATE SET doc = EXCLUDED.doc");
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
        "SELECT s.contact_id FROM contact_search s JOIN contacts c ON c.id = s.contact_id \
         WHERE s.user_id = $1 AND s.tsv @@ to_tsquery('simple', $2) \
         ORDER BY ts_rank(s.tsv, to_tsquery('simple', $2)) DESC, c.sort_key LIMIT $3",
    )
    .bind(user.0)
    .bind(crate::search::tsquery(terms))
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
        "SELECT id FROM conversations \
         WHERE user_id = $1 AND to_tsvector('simple', summary) @@ to_tsquery('simple', $2) \
         ORDER BY occurred_at DESC LIMIT $3",
    )
    .bind(user.0)
    .bind(crate::search::tsquery(terms))
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await?;
    conversations_by_id(&mut conn, user, &ids).await
}

/// PostgreSQL checks its own pages; what is left to check is ownership.
pub(crate) async fn integrity_check(pool: &Pool) -> Result<Vec<String>> {
    ownership_problems(pool).await
}
