//! Keeping in touch: `due`, `today`, `snooze`. The rules live in
//! `kith_core::rules` and the day's read model in `kith_app::agenda`; this
//! module prints them.

use std::io::Write;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone as _, Utc};
use kith_app::agenda::{Agenda, Item, Today, settings, today};
use kith_core::meeting::Meeting;
use kith_core::rules::due::{DueEntry, rank};
use kith_core::values::TimeZone;
use kith_core::when::parse_date;
use serde_json::json;

use crate::app::Ctx;
use crate::cli::{DueArgs, SnoozeArgs};
use crate::ui::{self, BOLD, DIM, Ui, YELLOW, columns};
use kith_app::json;
use kith_app::resolve::Who;
use kith_app::snooze::{self, Snooze};
use kith_app::{AppError, Field};

/// How many items each other section of `today` shows (most pressing first).
const SECTION_ITEMS: usize = 8;

/// Midday of `date` in `tz`, as the "now" of a ranking for that date.
fn midday(date: NaiveDate, tz: TimeZone) -> DateTime<Utc> {
    let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("valid time"));
    tz.tz()
        .from_local_datetime(&noon)
        .earliest()
        .map_or_else(|| noon.and_utc(), |t| t.to_utc())
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
            "follow_ups_due": sections.follow_ups.iter().map(json::agenda_item).collect::<Vec<_>>(),
            "loop_backs": sections.loop_backs.iter().map(json::agenda_item).collect::<Vec<_>>(),
            "introductions": sections.introductions.iter().map(json::agenda_item).collect::<Vec<_>>(),
            "nudges": sections.nudges.iter().map(json::agenda_item).collect::<Vec<_>>(),
            "meetings_today": meetings_today.iter().map(kith_app::json::meeting).collect::<Vec<_>>(),
            "meetings_to_log": to_log.iter().map(|m| {
                let mut v = kith_app::json::meeting(m);
                v["log"] = json!(super::meetings::log_hint(m));
                v
            }).collect::<Vec<_>>(),
        });
        return Ok(ctx.ui.print_json(&value)?);
    }
    if t.ranking.contacts == 0 && meetings_today.is_empty() && to_log.is_empty() {
        return Ok(print_empty_book(ctx.ui.out(), t.date())?);
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

/// `kith today` on a contact book with nobody in it: how to fill it.
fn print_empty_book(out: &mut dyn Write, date: NaiveDate) -> std::io::Result<()> {
    writeln!(out, "{BOLD}Today, {}{BOLD:#}", date.format("%A %-d %B %Y"))?;
    writeln!(
        out,
        "\nYour contact book is empty. Start with the people who matter:\n  \
         kith add \"Jane Doe\" --email jane@example.com --every 6w\n\
         or bring them in from your phone, LinkedIn, Google or Outlook:\n  \
         kith import vcard contacts.vcf\n  \
         kith import linkedin Connections.csv\n  \
         kith import google contacts.csv\n\
         {DIM}To look around first: kith demo (a made-up network, in a database of its own){DIM:#}"
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
            let then = if item.loop_back {
                " (then loop back)"
            } else {
                ""
            };
            writeln!(out, "  {DIM}#{}{DIM:#}  {}{then}{when}", item.id, item.text)?;
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

pub async fn snooze(ctx: &mut Ctx, args: &SnoozeArgs) -> anyhow::Result<()> {
    let tz = ctx.user.timezone;
    let how = match (&args.until, &args.duration) {
        _ if args.off => Snooze::Off,
        (Some(until), _) => Snooze::Until(until.clone()),
        (None, span) => Snooze::For(span.clone().unwrap_or_default()),
    };
    let who = Who::Named(args.contact.clone());
    let (target, until) = snooze::snooze(&ctx.store, &ctx.user, ctx.now, &who, &how)
        .await
        .map_err(|e| match e {
            // The use case names the date and the span as the web does;
            // here they came from --until and --for.
            AppError::Invalid {
                field: Field::When,
                message,
            } => anyhow::anyhow!("invalid --until: {message}"),
            AppError::Invalid {
                field: Field::Cadence,
                message,
            } => anyhow::anyhow!("invalid --for: {message}"),
            other => other.into(),
        })?;
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
