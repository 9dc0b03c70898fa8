//! The day's read model: who is due (most pressing first), the agenda's
//! homework sections and today's meetings. The rules are
//! `kith_core::rules::{due, agenda}`; this gathers the facts for them. The
//! command line prints it (`kith today`, `kith due`), the web renders it
//! (dashboard, API) and the digest mails it.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone as _, Utc};
use kith_core::meeting::Meeting;
use kith_core::rules::agenda::{Section, section, when};
use kith_core::rules::due::{ContactFacts, DueEntry, DueSettings, rank};
use kith_core::user::User;
use kith_core::values::TimeZone;
use kith_store::{MeetingFilter, Store};

use crate::AppError;

/// How many people `today` suggests.
const TODAY_PEOPLE: usize = 5;

/// The user's settings the due ranking depends on.
pub fn settings(user: &User) -> DueSettings {
    DueSettings {
        default_cadence: user.default_cadence,
        light_resets_clock: user.light_resets_clock,
        tz: user.timezone,
    }
}

/// The calendar day `now` falls on in `tz`.
pub fn today(now: DateTime<Utc>, tz: TimeZone) -> NaiveDate {
    now.with_timezone(&tz.tz()).date_naive()
}

/// Everything derived from the whole network's facts for one day: who is
/// due (most pressing first) and the agenda's homework sections. The web
/// server keeps one per user while the data and the day stay the same.
pub struct Ranking {
    pub date: NaiveDate,
    pub due: Vec<DueEntry>,
    pub agenda: Agenda,
    /// How many contacts were ranked (archived ones too): none is an empty
    /// contact book, which a front end greets with how to fill it.
    pub contacts: usize,
    /// When the same facts start to rank differently: the next midnight in
    /// the user's zone, or sooner when a snooze ends or a scheduled meeting
    /// starts.
    pub valid_until: DateTime<Utc>,
}

impl Ranking {
    pub async fn load(store: &Store, user: &User, now: DateTime<Utc>) -> Result<Ranking, AppError> {
        let facts = store.contact_facts(user.id, None, now).await?;
        Ok(Ranking::of(&facts, user, now))
    }

    pub fn of(facts: &[ContactFacts], user: &User, now: DateTime<Utc>) -> Ranking {
        let date = today(now, user.timezone);
        let midnight = date
            .succ_opt()
            .and_then(|d| {
                user.timezone
                    .tz()
                    .from_local_datetime(&d.and_time(NaiveTime::MIN))
                    .earliest()
            })
            .map_or(now + chrono::Duration::hours(1), |t| t.to_utc());
        let valid_until = facts
            .iter()
            .flat_map(|f| [f.snoozed_until, f.next_meeting])
            .flatten()
            .filter(|at| *at > now)
            .fold(midnight, DateTime::min);
        Ranking {
            date,
            due: rank(facts, &settings(user), date, now),
            agenda: Agenda::collect(facts, date),
            contacts: facts.len(),
            valid_until,
        }
    }
}

/// What `today` (and the web dashboard, and the digest) shows.
pub struct Today {
    pub ranking: Arc<Ranking>,
    /// Meetings later today, and past ones not logged yet.
    pub meetings_today: Vec<Meeting>,
    pub meetings_to_log: Vec<Meeting>,
}

impl Today {
    pub async fn load(store: &Store, user: &User, now: DateTime<Utc>) -> Result<Today, AppError> {
        let ranking = Arc::new(Ranking::load(store, user, now).await?);
        Today::with(store, user, now, ranking).await
    }

    /// Today from a ranking already at hand.
    pub async fn with(
        store: &Store,
        user: &User,
        now: DateTime<Utc>,
        ranking: Arc<Ranking>,
    ) -> Result<Today, AppError> {
        let (meetings_today, meetings_to_log) = meetings(store, user, now).await?;
        Ok(Today {
            ranking,
            meetings_today,
            meetings_to_log,
        })
    }

    pub fn date(&self) -> NaiveDate {
        self.ranking.date
    }

    /// The most pressing few of everyone due.
    pub fn people(&self) -> &[DueEntry] {
        &self.ranking.due[..self.ranking.due.len().min(TODAY_PEOPLE)]
    }

    pub fn due_total(&self) -> usize {
        self.ranking.due.len()
    }

    pub fn agenda(&self) -> &Agenda {
        &self.ranking.agenda
    }
}

/// Meetings of today still to come, and past meetings not logged yet.
pub async fn meetings(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(Vec<Meeting>, Vec<Meeting>), AppError> {
    let tz = user.timezone;
    let date = today(now, tz);
    let tomorrow = date
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| tz.tz().from_local_datetime(&d).earliest())
        .map(|d| d.to_utc());
    let coming = MeetingFilter {
        ends_after: Some(now),
        starts_before: tomorrow,
        ..MeetingFilter::default()
    };
    let today = store.meetings(user.id, &coming).await?;
    let unlogged = MeetingFilter {
        starts_before: Some(now),
        unlogged_only: true,
        ..MeetingFilter::default()
    };
    let to_log = store
        .meetings(user.id, &unlogged)
        .await?
        .into_iter()
        .filter(|m| m.wants_logging(now))
        .collect();
    Ok((today, to_log))
}

/// One open follow-up in the agenda.
pub struct Item {
    /// The follow-up's id.
    pub id: i64,
    pub due_on: Option<NaiveDate>,
    pub contact_id: i64,
    pub contact: String,
    pub text: String,
    /// "due today", "3 days overdue" (`rules::agenda::when`).
    pub when: Option<String>,
    /// Mine, with a loop-back to them once done.
    pub loop_back: bool,
}

/// The agenda's homework, each section oldest due date first.
#[derive(Default)]
pub struct Agenda {
    pub follow_ups: Vec<Item>,
    pub loop_backs: Vec<Item>,
    pub introductions: Vec<Item>,
    pub nudges: Vec<Item>,
}

impl Agenda {
    pub fn collect(facts: &[ContactFacts], today: NaiveDate) -> Agenda {
        let mut a = Agenda::default();
        for f in facts {
            for open in &f.open_loops {
                let Some(section) = section(open, today) else {
                    continue;
                };
                let (list, text) = match section {
                    Section::LoopBack => (&mut a.loop_backs, open.title.clone()),
                    Section::Introduction => (&mut a.introductions, open.title.clone()),
                    Section::FollowUp => {
                        (&mut a.follow_ups, format!("{} ({})", open.title, f.name))
                    }
                    Section::Nudge => (&mut a.nudges, format!("{}: {}", f.name, open.title)),
                };
                list.push(Item {
                    id: open.id.0,
                    due_on: open.due_on,
                    contact_id: f.id.0,
                    contact: f.name.clone(),
                    text,
                    when: when(open.due_on, today),
                    loop_back: open.loop_back,
                });
            }
        }
        for list in [
            &mut a.follow_ups,
            &mut a.loop_backs,
            &mut a.introductions,
            &mut a.nudges,
        ] {
            list.sort_by_key(|i| (i.due_on, i.id));
        }
        a
    }

    pub fn is_empty(&self) -> bool {
        self.follow_ups.is_empty()
            && self.loop_backs.is_empty()
            && self.introductions.is_empty()
            && self.nudges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use kith_core::ids::{ContactId, UserId};
    use kith_core::rules::due::Activity;
    use kith_core::values::Cadence;

    use super::*;

    fn user() -> User {
        User {
            id: UserId(1),
            username: "ann".into(),
            display_name: "Ann".into(),
            email: None,
            timezone: TimeZone::parse("Europe/Paris").unwrap(),
            default_cadence: Cadence::from_days(30).unwrap(),
            light_resets_clock: false,
            created_at: "2020-01-01T00:00:00Z".parse().unwrap(),
            data_version: 0,
        }
    }

    fn contact(id: i64) -> ContactFacts {
        ContactFacts {
            id: ContactId(id),
            name: format!("Person {id}"),
            created_at: "2020-01-01T00:00:00Z".parse().unwrap(),
            own_cadence: None,
            tag_cadences: Vec::new(),
            snoozed_until: None,
            archived: false,
            activity: Activity::default(),
            open_loops: Vec::new(),
            active_goals: 0,
            next_meeting: None,
        }
    }

    #[test]
    fn a_ranking_holds_until_midnight_in_the_users_zone() {
        let now: DateTime<Utc> = "2026-11-26T10:00:00Z".parse().unwrap();
        let r = Ranking::of(&[contact(1)], &user(), now);
        assert_eq!(r.date, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        // Midnight in Paris (UTC+1 in November).
        assert_eq!(
            r.valid_until,
            "2026-11-26T23:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(r.due.len(), 1);
    }

    #[test]
    fn a_ranking_ends_when_a_snooze_ends_or_a_meeting_starts() {
        let now: DateTime<Utc> = "2026-11-26T10:00:00Z".parse().unwrap();
        let mut snoozed = contact(1);
        snoozed.snoozed_until = Some(now + Duration::hours(3));
        let mut meeting = contact(2);
        meeting.next_meeting = Some(now + Duration::hours(2));
        let mut woke = contact(3);
        woke.snoozed_until = Some(now - Duration::hours(1));
        let r = Ranking::of(&[snoozed.clone(), meeting, woke], &user(), now);
        assert_eq!(r.valid_until, now + Duration::hours(2));
        let due: Vec<i64> = r.due.iter().map(|e| e.contact.0).collect();
        assert_eq!(due, [2, 3], "the snoozed contact is not due");
        let r = Ranking::of(&[snoozed], &user(), now);
        assert_eq!(r.valid_until, now + Duration::hours(3));
    }

    #[test]
    fn the_agenda_sorts_homework_into_sections_with_its_words() {
        use kith_core::follow_up::{FollowUpKind, Owner};
        use kith_core::ids::FollowUpId;
        use kith_core::rules::due::OpenLoop;
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let open = |id, owner, kind, due_on: Option<NaiveDate>| OpenLoop {
            id: FollowUpId(id),
            owner,
            kind,
            title: format!("thing {id}"),
            due_on,
            loop_back: false,
        };
        let mut jane = contact(1);
        jane.open_loops = vec![
            open(
                1,
                Owner::Me,
                FollowUpKind::Task,
                Some(today - Duration::days(3)),
            ),
            open(
                2,
                Owner::Them,
                FollowUpKind::Task,
                Some(today - Duration::days(1)),
            ),
            open(3, Owner::Me, FollowUpKind::LoopBack, None),
            open(
                4,
                Owner::Me,
                FollowUpKind::Task,
                Some(today + Duration::days(1)),
            ),
        ];
        let a = Agenda::collect(&[jane], today);
        assert_eq!(a.follow_ups.len(), 1);
        assert_eq!(a.follow_ups[0].text, "thing 1 (Person 1)");
        assert_eq!(a.follow_ups[0].when.as_deref(), Some("3 days overdue"));
        assert_eq!(a.nudges[0].text, "Person 1: thing 2");
        assert_eq!(a.nudges[0].when.as_deref(), Some("1 day overdue"));
        assert_eq!(a.loop_backs[0].when, None);
        assert!(a.introductions.is_empty());
    }
}
