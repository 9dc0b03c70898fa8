//! Views derived from a user's whole network (who is due, the agenda, the
//! year of conversations), kept in memory between requests.
//!
//! Each is computed from every contact's facts, tens of milliseconds at
//! 10,000 contacts, and most requests ask again with nothing changed. An entry
//! holds while the user's `data_version` (which the store's triggers change
//! on any write to the tables these views read, from any process), the
//! settings the view depends on and the day stay the same, and until the
//! moment the view itself says it expires (a snooze ending, a meeting
//! starting). The version comes with the user that authentication loads, so a
//! hit costs no query at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::ids::UserId;
use kith_core::rules::due::DueSettings;
use kith_core::user::User;
use kith_store::Store;
use serde_json::value::RawValue;

use kith_app::agenda::{self, Ranking};
use kith_app::json::DueOut;

/// How many users' views are kept; the least recently used go first.
const USERS: usize = 256;
/// How long the dashboard's note on the last digest may lag behind.
const DIGEST_FRESH: chrono::Duration = chrono::Duration::seconds(30);

/// What a cached view was computed from.
#[derive(Clone, Copy, PartialEq)]
struct Key {
    version: i64,
    date: NaiveDate,
    settings: DueSettings,
    /// The zone's offset at the time, for views bucketed by local day.
    offset: i32,
}

impl Key {
    fn of(user: &User, now: DateTime<Utc>) -> Key {
        use chrono::{Offset as _, TimeZone as _};
        Key {
            version: user.data_version,
            date: agenda::today(now, user.timezone),
            settings: agenda::settings(user),
            offset: user
                .timezone
                .tz()
                .offset_from_utc_datetime(&now.naive_utc())
                .fix()
                .local_minus_utc(),
        }
    }
}

struct Entry<T> {
    key: Key,
    value: Arc<T>,
    valid_until: DateTime<Utc>,
    used: Instant,
}

/// One kind of view for up to [`USERS`] users.
struct Views<T> {
    entries: Mutex<HashMap<UserId, Entry<T>>>,
}

impl<T> Default for Views<T> {
    fn default() -> Self {
        Views {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Views<T> {
    fn get(&self, user: UserId, key: &Key, now: DateTime<Utc>) -> Option<Arc<T>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get_mut(&user)?;
        if entry.key != *key || now >= entry.valid_until {
            return None;
        }
        entry.used = Instant::now();
        Some(entry.value.clone())
    }

    fn put(&self, user: UserId, key: Key, value: Arc<T>, valid_until: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= USERS && !entries.contains_key(&user) {
            let oldest = entries.iter().min_by_key(|(_, e)| e.used).map(|(u, _)| *u);
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries.insert(
            user,
            Entry {
                key,
                value,
                valid_until,
                used: Instant::now(),
            },
        );
    }

    /// The cached view, or `compute`'s (cached when it succeeds). Two
    /// requests that miss at once both compute; the later result wins, and
    /// both are correct for the version they read.
    async fn get_or<F, Fut>(
        &self,
        user: &User,
        now: DateTime<Utc>,
        compute: F,
    ) -> anyhow::Result<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = anyhow::Result<(T, DateTime<Utc>)>>,
    {
        let key = Key::of(user, now);
        if let Some(hit) = self.get(user.id, &key, now) {
            return Ok(hit);
        }
        let (value, valid_until) = compute().await?;
        let value = Arc::new(value);
        self.put(user.id, key, value.clone(), valid_until);
        Ok(value)
    }
}

/// Conversations per local day.
pub type DayCounts = HashMap<NaiveDate, i64>;

/// Who is due and the agenda, and the API's JSON of the due entries, made
/// once per ranking on first use (most API reads are the same first page).
pub struct DueView {
    pub ranking: Arc<Ranking>,
    json: OnceLock<Vec<Box<RawValue>>>,
}

/// The most entries any API list returns at once (`limit`).
pub const API_MAX: u32 = 500;

impl DueView {
    /// The JSON array of the first `n` (at most [`API_MAX`]) due entries.
    pub fn json(&self, n: usize) -> String {
        let entries = self.json.get_or_init(|| {
            self.ranking
                .due
                .iter()
                .take(API_MAX as usize)
                .filter_map(|e| serde_json::value::to_raw_value(&DueOut::from(e)).ok())
                .collect()
        });
        let shown = &entries[..n.min(entries.len())];
        let mut out =
            String::with_capacity(2 + shown.iter().map(|e| e.get().len() + 1).sum::<usize>());
        out.push('[');
        for (i, e) in shown.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(e.get());
        }
        out.push(']');
        out
    }
}

/// The next outreach block's plan, with the blocks it was planned from
/// (blocks are not counted by `data_version`, so a changed block is seen by
/// comparing them).
pub struct NextBlock {
    blocks: Vec<kith_core::outreach::OutreachBlock>,
    pub plan: Option<kith_app::calendar::BlockPlan>,
}

#[derive(Default)]
pub struct Memo {
    rankings: Views<DueView>,
    day_counts: Views<DayCounts>,
    last_digest: Views<Option<kith_store::OutboxEntry>>,
    next_block: Views<NextBlock>,
}

impl Memo {
    /// The next outreach block with people planned into it; nothing (and no
    /// planning) when the user has no blocks. Planned again when a block,
    /// the network or the day changes, and when the planned block starts.
    pub async fn next_block(
        &self,
        store: &Store,
        user: &User,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<NextBlock>> {
        let blocks = store.blocks(user.id).await?;
        let key = Key::of(user, now);
        if let Some(hit) = self.next_block.get(user.id, &key, now)
            && hit.blocks == blocks
        {
            return Ok(hit);
        }
        let plan = if blocks.is_empty() {
            None
        } else {
            kith_app::calendar::next_block(store, user, now).await?
        };
        let valid_until = plan.as_ref().map_or(now + chrono::Duration::hours(1), |p| {
            p.planned.instance.starts_at
        });
        let value = Arc::new(NextBlock { blocks, plan });
        self.next_block
            .put(user.id, key, value.clone(), valid_until);
        Ok(value)
    }

    /// Who is due and the agenda, as [`Ranking::load`] computes them.
    pub async fn ranking(
        &self,
        store: &Store,
        user: &User,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<Ranking>> {
        Ok(self.due(store, user, now).await?.ranking.clone())
    }

    /// The ranking with its API form.
    pub async fn due(
        &self,
        store: &Store,
        user: &User,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<DueView>> {
        self.rankings
            .get_or(user, now, || async {
                let ranking = Ranking::load(store, user, now).await?;
                let valid_until = ranking.valid_until;
                let view = DueView {
                    ranking: Arc::new(ranking),
                    json: OnceLock::new(),
                };
                Ok((view, valid_until))
            })
            .await
    }

    /// How the user's last e-mail digest went, for the dashboard. The
    /// outbox is not part of `data_version`, so this is read again after
    /// [`DIGEST_FRESH`] at the latest (the sender may be another server).
    pub async fn last_digest(
        &self,
        store: &Store,
        user: &User,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Arc<Option<kith_store::OutboxEntry>>> {
        self.last_digest
            .get_or(user, now, || async {
                Ok((store.last_digest(user.id).await?, now + DIGEST_FRESH))
            })
            .await
    }

    /// Conversations per local day over the heatmap's year, as `load`
    /// reads them (which depends only on the day and the zone's offset).
    pub async fn day_counts<F, Fut>(
        &self,
        user: &User,
        now: DateTime<Utc>,
        load: F,
    ) -> anyhow::Result<Arc<DayCounts>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = anyhow::Result<DayCounts>>,
    {
        self.day_counts
            .get_or(user, now, || async {
                Ok((load().await?, DateTime::<Utc>::MAX_UTC))
            })
            .await
    }
}
