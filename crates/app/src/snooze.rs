//! Snoozing a contact: leaving them out of who is due until a day, or for
//! a while, or waking them again.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone as _, Utc};
use kith_core::contact::ContactRef;
use kith_core::user::User;
use kith_core::values::Cadence;
use kith_core::when::parse_date;
use kith_store::Store;

use crate::agenda::today;
use crate::error::{AppError, Field};
use crate::resolve::{self, Who};

/// How long a snooze lasts, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snooze {
    /// Until the start of this day (`friday`, `2027-01-10`) in the user's
    /// zone; it must be after today. A mistake is `Field::When`'s.
    Until(String),
    /// For this long from now (`2w`, `10d`, `3 months`). A mistake is
    /// `Field::Cadence`'s.
    For(String),
    /// Wake the contact now.
    Off,
}

/// The moment a snooze ends, `None` for [`Snooze::Off`].
pub fn ends(
    snooze: &Snooze,
    me: &User,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let tz = me.timezone;
    let date = today(now, tz);
    match snooze {
        Snooze::Off => Ok(None),
        Snooze::Until(text) => {
            let day = parse_date("until", text, date).map_err(|e| AppError::Invalid {
                field: Field::When,
                message: e.message,
            })?;
            if day <= date {
                return Err(AppError::Invalid {
                    field: Field::When,
                    message: format!("{day} is not in the future"),
                });
            }
            Ok(Some(start_of(day, me)))
        }
        Snooze::For(text) => {
            let days = Cadence::parse(text)
                .map_err(|e| AppError::Invalid {
                    field: Field::Cadence,
                    message: e.message,
                })?
                .days();
            now.checked_add_days(Days::new(days.into()))
                .map(Some)
                .ok_or_else(|| AppError::Invalid {
                    field: Field::Cadence,
                    message: "is too far ahead".into(),
                })
        }
    }
}

/// The first moment of `day` in the user's zone (noon on a day whose
/// midnight does not exist).
fn start_of(day: NaiveDate, me: &User) -> DateTime<Utc> {
    let tz = me.timezone.tz();
    tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&day.and_time(NaiveTime::from_hms_opt(12, 0, 0)?))
                .earliest()
        })
        .map_or_else(|| day.and_time(NaiveTime::MIN).and_utc(), |t| t.to_utc())
}

/// Snoozes (or wakes) `contact`; answers whom, and until when.
pub async fn snooze(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    contact: &Who,
    how: &Snooze,
) -> Result<(ContactRef, Option<DateTime<Utc>>), AppError> {
    let until = ends(how, me, now)?;
    let target = resolve::who(store, me.id, contact, Field::Contact).await?;
    store.set_snooze(me.id, target.id, until).await?;
    Ok((target, until))
}
