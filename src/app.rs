//! What every command starts from: the store, the acting user, the clock and
//! the output.

use std::path::PathBuf;

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use kith_app::accounts::{AccountInput, MachineDefaults, new_user};
use kith_core::user::{User, Username};
use kith_core::values::TimeZone;
use kith_store::{Location, Store};

use crate::cli::Global;
use crate::ui::Ui;

pub struct Ctx {
    pub store: Store,
    pub user: User,
    pub now: DateTime<Utc>,
    pub ui: Ui,
}

/// The database the flags name, or the default file under the XDG data directory.
pub fn location(global: &Global) -> anyhow::Result<Location> {
    if let Some(url) = &global.database_url {
        return Location::parse(url).context("--database-url");
    }
    let path = match &global.db {
        Some(path) => path.clone(),
        None => default_data_dir()?.join("kith.db"),
    };
    Ok(Location::SqliteFile(path))
}

pub fn default_data_dir() -> anyhow::Result<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy()
        .map_err(|_| anyhow!("cannot find your home directory; pass --db PATH"))?;
    Ok(base.data_dir().join("kith"))
}

pub async fn open(global: &Global, location: &Location) -> anyhow::Result<Store> {
    if let Location::SqliteFile(path) = location
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Store::open_with(location, global.sqlite_synchronous.unwrap_or_default())
        .await
        .with_context(|| format!("cannot open the database {location:?}"))
}

/// The user named by `--user`, or the only user, created on first use.
pub async fn acting_user(store: &Store, wanted: Option<&str>) -> anyhow::Result<User> {
    let users = store.users().await?;
    let names = || {
        users
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(name) => {
            let name = Username::parse(name).map_err(|e| e.in_field("--user"))?;
            users
                .iter()
                .find(|u| u.username == name.as_str())
                .cloned()
                .ok_or_else(|| {
                    anyhow!(
                        "no user '{}' in this database (users: {})",
                        name.as_str(),
                        names()
                    )
                })
        }
        None => match users.as_slice() {
            [] => Ok(store
                .create_user(
                    &new_user(AccountInput::default(), &machine_defaults())?,
                    chrono::Utc::now(),
                )
                .await?),
            [only] => Ok(only.clone()),
            _ => bail!(
                "this database has several users; choose one with --user or KITH_USER ({})",
                names()
            ),
        },
    }
}

/// What this machine suggests for a new account: `USER` as its username
/// (when it is a valid one) and its time zone.
pub fn machine_defaults() -> MachineDefaults {
    MachineDefaults {
        login: std::env::var("USER")
            .ok()
            .filter(|u| Username::parse(u).is_ok()),
        zone: system_time_zone(),
    }
}

/// `TZ` if it names a zone, else the system's zone, else UTC.
fn system_time_zone() -> TimeZone {
    std::env::var("TZ")
        .ok()
        .and_then(|tz| TimeZone::parse(tz.trim_start_matches(':')).ok())
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|tz| TimeZone::parse(&tz).ok())
        })
        .unwrap_or(TimeZone::UTC)
}
