//! The e-mail digest: its settings (on or off, which days, what time, where
//! to) and what one says (the day's agenda, today's meetings, the next
//! outreach block) as plain values. The command line's `digest`, the
//! settings page, the API and the mail sender all use these; the words of
//! the text and HTML e-mail are the front end's templates over
//! [`DigestView`].

use chrono::{DateTime, NaiveDate, Timelike as _, Utc};
use kith_core::digest::{DigestPatch, DigestSettings, next_after};
use kith_core::meeting::Meeting;
use kith_core::outreach::{Weekdays, parse_time};
use kith_core::user::User;
use kith_core::values::{Email, TimeZone};
use kith_store::{DigestState, Store};

use crate::agenda::{Item, Today};
use crate::error::invalid;
use crate::error::{AppError, Field};

/// A change to the digest's settings, as typed; `None` leaves it as it is.
#[derive(Debug, Clone, Default)]
pub struct DigestChanges {
    /// Switch it on (`Some(true)`) or off.
    pub enabled: Option<bool>,
    /// `mon,wed,fri`, `mon-fri`, `weekdays` or `daily`.
    pub days: Option<String>,
    /// `HH:MM` in the user's zone.
    pub at: Option<String>,
    /// `Some(Some(address))`: send it there; `Some(None)`: to the
    /// account's address again.
    pub to: Option<Option<String>>,
}

impl DigestChanges {
    /// The change, checked.
    pub fn patch(&self) -> Result<DigestPatch, AppError> {
        Ok(DigestPatch {
            enabled: self.enabled,
            days: self
                .days
                .as_deref()
                .map(Weekdays::parse)
                .transpose()
                .map_err(invalid(Field::DigestDays))?,
            at: self
                .at
                .as_deref()
                .map(|at| parse_time("at", at))
                .transpose()
                .map_err(invalid(Field::DigestAt))?,
            address: match &self.to {
                Some(Some(to)) => Some(Some(Email::parse(to).map_err(invalid(Field::DigestTo))?)),
                Some(None) => Some(None),
                None => None,
            },
        })
    }
}

/// Where `settings` send the digest: their own address, else the account's.
pub fn digest_address(settings: &DigestSettings, user: &User) -> Option<String> {
    settings
        .address
        .as_ref()
        .map(|a| a.as_str().to_owned())
        .or_else(|| user.email.clone())
}

/// The digest has nowhere to go.
pub(crate) fn no_address() -> AppError {
    AppError::Missing {
        field: Field::DigestTo,
        message: "the digest needs an address".into(),
    }
}

/// Checks and applies `changes` and schedules the next digest.
pub async fn set_digest(
    store: &Store,
    user: &User,
    changes: &DigestChanges,
    now: DateTime<Utc>,
) -> Result<DigestState, AppError> {
    let patch = changes.patch()?;
    let current = store.digest_state(user.id).await?.settings;
    let settings = patch.apply(&current);
    if settings.enabled && digest_address(&settings, user).is_none() {
        return Err(no_address());
    }
    let next = next_after(settings.days, settings.at, user.timezone, now);
    Ok(store.set_digest(user.id, &settings, Some(next)).await?)
}

/// Schedules the next digest again (after a change of time zone, say).
pub async fn reschedule_digest(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let state = store.digest_state(user.id).await?;
    if state.settings.enabled {
        let s = &state.settings;
        let next = next_after(s.days, s.at, user.timezone, now);
        if state.next_at != Some(next) {
            store.set_digest(user.id, s, Some(next)).await?;
        }
    }
    Ok(())
}

/// "weekdays at 07:30 (Europe/Berlin)".
pub fn schedule_words(settings: &DigestSettings, user: &User) -> String {
    let days = match settings.days.bits() {
        0b001_1111 => "weekdays".to_owned(),
        0b111_1111 => "every day".to_owned(),
        _ => settings.days.to_string(),
    };
    format!(
        "{days} at {} ({})",
        settings.at.format("%H:%M"),
        user.timezone.name()
    )
}

/// How many people and items each section lists; the rest are counted.
const SECTION: usize = 8;

/// One line of a section: a person or a thing to do, and why or when.
pub struct Line {
    pub title: String,
    pub detail: String,
}

/// A titled list, cut at eight lines; `more` counts the rest.
pub struct Section {
    pub title: &'static str,
    pub lines: Vec<Line>,
    pub more: usize,
}

/// The next outreach block with its people, as the digest says it.
pub struct Block {
    /// "Thursday 26 November, 09:00", local.
    pub when: String,
    pub goal: Option<String>,
    /// Each person with the first line of their brief.
    pub people: Vec<Line>,
}

impl Block {
    /// The block starting at `starts_at`, said in `tz`.
    pub fn new(
        starts_at: DateTime<Utc>,
        tz: TimeZone,
        goal: Option<String>,
        people: Vec<Line>,
    ) -> Block {
        Block {
            when: starts_at
                .with_timezone(&tz.tz())
                .format("%A %-d %B, %H:%M")
                .to_string(),
            goal,
            people,
        }
    }
}

/// What one day's digest says, before any template words it.
pub struct DigestView {
    /// The local day it is for (its de-duplication key).
    pub day: NaiveDate,
    /// "Thursday 26 November 2026".
    pub date: String,
    /// "Good morning, Ann".
    pub greeting: String,
    pub subject: String,
    pub sections: Vec<Section>,
    pub block: Option<Block>,
    /// The dashboard's address, with a trailing slash, when the server's
    /// public address is known.
    pub link: Option<String>,
    /// Nothing is due, open or booked: not worth an e-mail.
    pub empty: bool,
}

fn section(title: &'static str, lines: Vec<Line>) -> Section {
    let more = lines.len().saturating_sub(SECTION);
    let mut lines = lines;
    lines.truncate(SECTION);
    Section { title, lines, more }
}

fn items(items: &[Item]) -> Vec<Line> {
    items
        .iter()
        .map(|i| Line {
            // The text names the person already.
            title: i.text.clone(),
            detail: i.when.clone().unwrap_or_default(),
        })
        .collect()
}

impl DigestView {
    /// `user`'s digest for the day `now` falls on in their zone, from
    /// `today` and the next outreach `block`. `public_url` (the server's
    /// address) adds a link to the dashboard.
    pub fn new(
        user: &User,
        now: DateTime<Utc>,
        today: &Today,
        block: Option<Block>,
        public_url: Option<&str>,
    ) -> DigestView {
        let tz = user.timezone;
        let agenda = today.agenda();
        let due = &today.ranking.due;
        let people: Vec<Line> = due
            .iter()
            .map(|d| Line {
                title: d.name.clone(),
                detail: d.why(),
            })
            .collect();
        let local = |at: DateTime<Utc>| at.with_timezone(&tz.tz()).format("%H:%M").to_string();
        let meetings: Vec<Line> = today
            .meetings_today
            .iter()
            .map(|m| Line {
                title: format!("{}  {}", local(m.starts_at), m.title),
                detail: with_whom(m),
            })
            .collect();
        let to_log: Vec<Line> = today
            .meetings_to_log
            .iter()
            .map(|m| Line {
                title: m.title.clone(),
                detail: format!("{}: how did it go? Log it", with_whom(m)),
            })
            .collect();
        let sections: Vec<Section> = [
            section("Reach out", people),
            section("Your follow-ups due", items(&agenda.follow_ups)),
            section("Loop back: tell them you did it", items(&agenda.loop_backs)),
            section(
                "Introductions to reach out to",
                items(&agenda.introductions),
            ),
            section("Gentle nudges: they promised", items(&agenda.nudges)),
            section("Meetings today", meetings),
            section("Meetings to log", to_log),
        ]
        .into_iter()
        .filter(|s| !s.lines.is_empty())
        .collect();
        let day = today.date();
        let part = match now.with_timezone(&tz.tz()).hour() {
            4..=11 => "Good morning",
            12..=17 => "Good afternoon",
            _ => "Good evening",
        };
        DigestView {
            day,
            date: day.format("%A %-d %B %Y").to_string(),
            greeting: format!("{part}, {}", user.display_name),
            subject: subject(
                day,
                due.len(),
                agenda.follow_ups.len(),
                agenda.loop_backs.len(),
                today.meetings_today.len(),
            ),
            empty: sections.is_empty() && block.is_none(),
            sections,
            block,
            link: public_url.map(|u| format!("{}/", u.trim_end_matches('/'))),
        }
    }
}

fn with_whom(m: &Meeting) -> String {
    let names: Vec<&str> = m.attendees.iter().map(|a| a.name.as_str()).collect();
    if names.is_empty() {
        m.mode.describe()
    } else {
        format!("with {} ({})", names.join(", "), m.mode.describe())
    }
}

/// "Kith, Thu 26 Nov: 3 people to reach, 1 follow-up due, 1 meeting".
fn subject(
    date: NaiveDate,
    due: usize,
    follow_ups: usize,
    loop_backs: usize,
    meetings: usize,
) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        count(due, "person to reach", "people to reach"),
        count(follow_ups, "follow-up due", "follow-ups due"),
        count(loop_backs, "loop-back", "loop-backs"),
        count(meetings, "meeting", "meetings"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let day = date.format("%a %-d %b");
    if parts.is_empty() {
        format!("Kith, {day}: a quiet day")
    } else {
        format!("Kith, {day}: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_counts_what_matters() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            subject(day, 3, 1, 0, 2),
            "Kith, Thu 26 Nov: 3 people to reach, 1 follow-up due, 2 meetings"
        );
        assert_eq!(subject(day, 0, 0, 1, 0), "Kith, Thu 26 Nov: 1 loop-back");
        assert_eq!(subject(day, 0, 0, 0, 0), "Kith, Thu 26 Nov: a quiet day");
    }
}
