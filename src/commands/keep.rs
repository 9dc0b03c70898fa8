//! Keeping in touch: `due`, `today`, `snooze`. The rules live in
//! `kith_core::rules`; this module gathers the facts and prints the result.

use std::io::Write;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone as _, Utc};
use kith_core::follow_up::{FollowUpKind, Owner};
use kith_core::meeting::Meeting;
use kith_core::rules::cadence::effective;
use kith_core::rules::due::{ContactFacts, DueEntry, DueSettings, rank};
use kith_core::user::User;
use kith_core::values::{Cadence, TimeZone};
use kith_core::when::parse_date;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::cli::{DueArgs, SnoozeArgs};
use crate::json;
use crate::resolve;
use crate::ui::{self, BOLD, DIM, Ui, YELLOW, columns};

/// How many people `today` suggests.
const TODAY_PEOPLE: usize = 5;
/// How many items each other section of `today` shows (most pressing first).
const SECTION_ITEMS: usize = 8;

pub fn settings(user: &User) -> DueSettings {
    DueSettings {
        default_cadence: user.default_cadence,
        light_resets_clock: user.light_resets_clock,
        tz: user.timezone,
    }
}

/// Midday of `date` in `tz`, as the "now" of a ranking for that date.
fn midday(date: NaiveDate, tz: TimeZone) -> DateTime<Utc> {
    let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("valid time"));
    tz.tz()
        .from_local_datetime(&noon)
        .earliest()
        .map_or_else(|| noon.and_utc(), |t| t.to_utc())
}

pub fn today(now: DateTime<Utc>, tz: TimeZone) -> NaiveDate {
    now.with_timezone(&tz.tz()).date_naive()
}

/// One row per due contact: id, name, why.
pub fn print_due(out: &mut impl Write, entries: &[DueEntry]) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let flag = if e.one_off { " (one-off)" } else { "" };
            vec![
                format!("  {:>6}", format!("#{}", e.contact)),
                format!("{}{flag}", e.name),
                e.why(),
            ]
        })
        .collect();
    columns(out, &rows)
}

pub async fn due(ctx: &mut Ctx, args: &DueArgs) -> anyhow::Result<()> {
    let tz = ctx.user.timezone;
    let (date, now) = match &args.on {
        Some(on) => {
            let date = parse_date("--on", on, today(ctx.now, tz))?;
            (date, midday(date, tz))
        }
        None => (today(ctx.now, tz), ctx.now),
    };
    let facts = ctx.store.contact_facts(ctx.user.id, None, ctx.now).await?;
    let ranked = rank(&facts, &settings(&ctx.user), date, now);
    let shown = &ranked[..ranked.len().min(args.limit)];
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&shown.iter().map(json::due).collect())?);
    }
    let out = ctx.ui.out();
    if ranked.is_empty() {
        writeln!(
            out,
            "Nobody is due on {date}. Quality, not quantity: enjoy the quiet."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{BOLD}Due for a check-in{BOLD:#} {DIM}({} of {} due on {date}){DIM:#}",
        shown.len(),
        ranked.len()
    )?;
    print_due(out, shown)?;
    Ok(())
}

/// Everything derived from the whole network's facts for one day: who is
/// due (most pressing first) and the agenda's homework sections. The web
/// server keeps one per user while the data and the day stay the same.
pub struct Ranking {
    pub date: NaiveDate,
    pub due: Vec<DueEntry>,
    pub agenda: Agenda,
    /// When the same facts start to rank differently: the next midnight in
    /// the user's zone, or sooner when a snooze ends or a scheduled meeting
    /// starts.
    pub valid_until: DateTime<Utc>,
}

impl Ranking {
    pub async fn load(
        store: &kith_store::Store,
        user: &User,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Ranking> {
        let facts = store
            .contact_facts(user.id, None, chrono::Utc::now())
            .await?;
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
            valid_until,
        }
    }
}

/// What `today` (and the web dashboard) shows.
pub struct Today {
    pub ranking: Arc<Ranking>,
    /// Meetings later today, and past ones not logged yet.
    pub meetings_today: Vec<Meeting>,
    pub meetings_to_log: Vec<Meeting>,
}

impl Today {
    pub async fn load(
        store: &kith_store::Store,
        user: &User,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Today> {
        let ranking = Arc::new(Ranking::load(store, user, now).await?);
        Today::with(store, user, now, ranking).await
    }

    /// Today from a ranking already at hand.
    pub async fn with(
        store: &kith_store::Store,
        user: &User,
        now: DateTime<Utc>,
        ranking: Arc<Ranking>,
    ) -> anyhow::Result<Today> {
        let (meetings_today, meetings_to_log) =
            super::meetings::agenda_meetings(store, user, now).await?;
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

/// The agenda: who to reach, my follow-ups due, loop-backs, introductions, nudges.
pub async fn agenda(ctx: &mut Ctx) -> anyhow::Result<()> {
    let t = Today::load(&ctx.store, &ctx.user, ctx.now).await?;
    let (meetings_today, to_log) = (&t.meetings_today, &t.meetings_to_log);
    if ctx.ui.json {
        let sections = t.agenda();
        let value = json!({
            "date": t.date().to_string(),
            "due": t.people().iter().map(json::due).collect::<Vec<_>>(),
            "due_total": t.due_total(),
            "follow_ups_due": sections.follow_ups.iter().map(Item::json).collect::<Vec<_>>(),
            "loop_backs": sections.loop_backs.iter().map(Item::json).collect::<Vec<_>>(),
            "introductions": sections.introductions.iter().map(Item::json).collect::<Vec<_>>(),
            "nudges": sections.nudges.iter().map(Item::json).collect::<Vec<_>>(),
            "meetings_today": meetings_today.iter().map(crate::json::meeting).collect::<Vec<_>>(),
            "meetings_to_log": to_log.iter().map(|m| {
                let mut v = crate::json::meeting(m);
                v["log"] = json!(super::meetings::log_hint(m));
                v
            }).collect::<Vec<_>>(),
        });
        return Ok(ctx.ui.print_json(&value)?);
    }
    let meetings = (&meetings_today[..], &to_log[..]);
    print_agenda(
        &mut ctx.ui,
        t.date(),
        t.people(),
        t.due_total(),
        t.agenda(),
        meetings,
        ctx.user.timezone,
    )
}

fn print_agenda(
    ui: &mut Ui,
    date: NaiveDate,
    people: &[DueEntry],
    due_total: usize,
    a: &Agenda,
    (meetings_today, to_log): (&[Meeting], &[Meeting]),
    tz: TimeZone,
) -> anyhow::Result<()> {
    let out = ui.out();
    writeln!(out, "{BOLD}Today, {}{BOLD:#}", date.format("%A %-d %B %Y"))?;
    if people.is_empty() {
        writeln!(out, "\nNobody is due for a check-in.")?;
    } else {
        writeln!(
            out,
            "\n{BOLD}Reach out{BOLD:#} {DIM}({} of {due_total} due; kith due for all){DIM:#}",
            people.len()
        )?;
        print_due(out, people)?;
    }
    let section = |out: &mut dyn Write, title: &str, items: &[Item]| -> std::io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        writeln!(out, "\n{BOLD}{title}{BOLD:#}")?;
        for item in items.iter().take(SECTION_ITEMS) {
            let when = item
                .when
                .as_deref()
                .map(|w| format!("  {YELLOW}{w}{YELLOW:#}"))
                .unwrap_or_default();
            writeln!(out, "  {DIM}#{}{DIM:#}  {}{when}", item.id, item.text)?;
        }
        if items.len() > SECTION_ITEMS {
            writeln!(
                out,
                "  {DIM}… and {} more: kith todo list{DIM:#}",
                items.len() - SECTION_ITEMS
            )?;
        }
        Ok(())
    };
    section(out, "Your follow-ups due", &a.follow_ups)?;
    section(out, "Loop back: tell them you did it", &a.loop_backs)?;
    section(out, "Introductions to reach out to", &a.introductions)?;
    section(out, "Gentle nudges: they promised", &a.nudges)?;
    super::meetings::print_agenda_meetings(out, meetings_today, to_log, tz)?;
    if people.is_empty() && a.is_empty() && meetings_today.is_empty() && to_log.is_empty() {
        writeln!(
            out,
            "Nothing else either. Log a conversation with: kith log NAME --via zoom \"…\""
        )?;
    }
    writeln!(
        out,
        "\n{DIM}Done one? kith todo done ID · Talked to someone? kith log NAME --via …{DIM:#}"
    )?;
    Ok(())
}

/// One open follow-up in the agenda.
pub struct Item {
    /// The follow-up's id.
    pub id: i64,
    pub due_on: Option<NaiveDate>,
    pub contact_id: i64,
    pub contact: String,
    pub text: String,
    /// "due today", "3 days overdue".
    pub when: Option<String>,
}

impl Item {
    pub fn json(&self) -> Value {
        json!({ "id": self.id, "contact": self.contact, "text": self.text, "when": self.when })
    }
}

#[derive(Default)]
pub struct Agenda {
    pub follow_ups: Vec<Item>,
    pub loop_backs: Vec<Item>,
    pub introductions: Vec<Item>,
    pub nudges: Vec<Item>,
}

impl Agenda {
    fn collect(facts: &[ContactFacts], today: NaiveDate) -> Agenda {
        let mut a = Agenda::default();
        for f in facts {
            for open in &f.open_loops {
                let overdue =
                    open.due_on
                        .filter(|d| *d <= today)
                        .map(|d| match (today - d).num_days() {
                            0 => "due today".to_owned(),
                            1 => "1 day overdue".to_owned(),
                            n => format!("{n} days overdue"),
                        });
                let item = |text: String| Item {
                    id: open.id.0,
                    due_on: open.due_on,
                    contact_id: f.id.0,
                    contact: f.name.clone(),
                    text,
                    when: overdue.clone(),
                };
                match (open.owner, open.kind) {
                    (Owner::Me, FollowUpKind::LoopBack) => {
                        a.loop_backs.push(item(open.title.clone()))
                    }
                    (Owner::Me, FollowUpKind::Introduction) => {
                        a.introductions.push(item(open.title.clone()))
                    }
                    (Owner::Me, FollowUpKind::Task) if overdue.is_some() => {
                        a.follow_ups
                            .push(item(format!("{} ({})", open.title, f.name)));
                    }
                    (Owner::Them, _) if open.due_on.is_some_and(|d| d < today) => {
                        a.nudges.push(item(format!("{}: {}", f.name, open.title)));
                    }
                    _ => {}
                }
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

pub async fn snooze(ctx: &mut Ctx, args: &SnoozeArgs) -> anyhow::Result<()> {
    let tz = ctx.user.timezone;
    let until = if args.off {
        None
    } else if let Some(until) = &args.until {
        let date = parse_date("--until", until, today(ctx.now, tz))?;
        if date <= today(ctx.now, tz) {
            anyhow::bail!("invalid --until: {date} is not in the future");
        }
        Some(
            tz.tz()
                .from_local_datetime(&date.and_time(NaiveTime::MIN))
                .earliest()
                .map_or_else(|| midday(date, tz), |t| t.to_utc()),
        )
    } else {
        let span = args.duration.as_deref().unwrap_or_default();
        let days = Cadence::parse(span)
            .map_err(|e| e.in_field("--for"))?
            .days();
        Some(
            ctx.now
                .checked_add_days(Days::new(days.into()))
                .context("--for is too far ahead")?,
        )
    };
    let target = resolve::contact(&ctx.store, ctx.user.id, &args.contact).await?;
    ctx.store.set_snooze(ctx.user.id, target.id, until).await?;
    if ctx.ui.json {
        let value = json!({ "contact": { "id": target.id.0, "name": target.name }, "snoozed_until": until.map(|t| t.to_rfc3339()) });
        return Ok(ctx.ui.print_json(&value)?);
    }
    match until {
        Some(until) => writeln!(
            ctx.ui.out(),
            "Snoozed {BOLD}{}{BOLD:#} until {}",
            target.name,
            ui::date(until, tz)
        )?,
        None => writeln!(ctx.ui.out(), "{BOLD}{}{BOLD:#} is awake again", target.name)?,
    }
    Ok(())
}

/// The effective rhythm and due date of one contact, for `show`.
pub fn rhythm_of(
    user: &User,
    facts: &ContactFacts,
) -> (kith_core::rules::cadence::EffectiveCadence, NaiveDate) {
    let s = settings(user);
    let cadence = effective(facts.own_cadence, &facts.tag_cadences, s.default_cadence);
    let due_on = kith_core::rules::due::due_on(facts, cadence.cadence, &s);
    (cadence, due_on)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use kith_core::ids::{ContactId, UserId};
    use kith_core::rules::due::Activity;

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
            created_at: Utc::now(),
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
}
