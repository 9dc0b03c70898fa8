//! Reading the contact book: `show`, `list`, `search`. What `show` tells
//! is `kith_app::contact_view`; this prints it.

use std::io::Write;

use chrono::{DateTime, Utc};
use clap::Args;
use kith_app::contact_view::{ContactView, event_words, one_off_contacts};
use kith_app::json;
use kith_app::resolve;
use kith_core::contact::{ArchivedFilter, Contact, ContactFilter, ContactSummary};
use kith_core::conversation::Conversation;
use kith_core::follow_up::FollowUp;
use kith_core::values::{TagName, TimeZone, optional_text};
use serde_json::json;

use crate::app::Ctx;
use crate::ui::{self, BOLD, DIM, YELLOW, columns};

/// How many recent conversations `show` prints.
const RECENT: u32 = 5;
/// Rows fetched per page while listing.
const PAGE: u32 = 1_000;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only contacts with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Only contacts whose organisation contains this
    #[arg(long = "org", value_name = "NAME")]
    pub organisation: Option<String>,
    /// Only contacts in this function
    #[arg(long)]
    pub function: Option<String>,
    /// Only archived contacts
    #[arg(long, conflicts_with = "all")]
    pub archived: bool,
    /// Archived and active contacts
    #[arg(long)]
    pub all: bool,
    /// Only one-off ties among active contacts: a single conversation, nothing since, older than the rhythm
    #[arg(long, conflicts_with_all = ["archived", "all"])]
    pub one_off: bool,
    /// At most this many
    #[arg(long)]
    pub limit: Option<u32>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to look for (each matches as a prefix)
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// At most this many contacts and this many conversations
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
}

pub async fn show(ctx: &mut Ctx, who: &str) -> anyhow::Result<()> {
    let target = resolve::contact(&ctx.store, ctx.user.id, who).await?;
    let view = ContactView::load(&ctx.store, &ctx.user, ctx.now, target.id, RECENT).await?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&view.json())?);
    }
    let ContactView {
        contact: c,
        stats,
        recent: recent_conversations,
        follow_ups,
        introduced,
        events,
        health,
        ..
    } = &view;
    let (tz, now) = (ctx.user.timezone, ctx.now);
    let out = ctx.ui.out();
    card(out, &view, tz, now)?;
    writeln!(out)?;
    match stats.last {
        None => writeln!(
            out,
            "{BOLD}No conversations yet{BOLD:#} {DIM}(added {}){DIM:#}",
            ui::ago(c.created_at, now, tz)
        )?,
        Some(last) => writeln!(
            out,
            "{BOLD}Conversations{BOLD:#}: {}, the last {}",
            stats.conversations,
            ui::ago(last, now, tz)
        )?,
    }
    conversation_rows(out, recent_conversations, tz, Some(c.id))?;
    for e in events {
        writeln!(out, "  {DIM}{}{DIM:#}  {}", e.on, event_words(&e.kind))?;
    }
    writeln!(out, "\n{BOLD}Health{BOLD:#} {}/100", health.score)?;
    let rows: Vec<Vec<String>> = health
        .parts
        .iter()
        .map(|p| {
            vec![
                format!("  {}", p.name),
                format!("{}/{}", p.points, p.max),
                p.why.clone(),
            ]
        })
        .collect();
    columns(out, &rows)?;
    open_follow_ups(out, follow_ups)?;
    if !introduced.is_empty() {
        let names: Vec<String> = introduced
            .iter()
            .map(|i| format!("{} #{}", i.name, i.id))
            .collect();
        writeln!(
            out,
            "\n{BOLD}Introduced you to{BOLD:#}: {}",
            names.join(", ")
        )?;
    }
    Ok(())
}

/// The contact's name, headline and fields, one per line.
fn card(
    out: &mut impl Write,
    view: &ContactView,
    tz: TimeZone,
    now: DateTime<Utc>,
) -> std::io::Result<()> {
    let c = &view.contact;
    let archived = if c.archived {
        format!("  {YELLOW}archived{YELLOW:#}")
    } else {
        String::new()
    };
    writeln!(
        out,
        "{BOLD}{}{BOLD:#}  {DIM}#{}{DIM:#}{archived}",
        c.name, c.id
    )?;
    let headline = headline(c);
    if !headline.is_empty() {
        writeln!(out, "{headline}")?;
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut field = |label: &str, value: String| {
        if !value.is_empty() {
            rows.push(vec![format!("  {label}"), value]);
        }
    };
    field("email", c.emails.join(", "));
    field("phone", c.phones.join(", "));
    for link in &c.links {
        field(&link.kind, link.url.clone());
    }
    let place = match (&c.location, &c.timezone) {
        (Some(l), Some(z)) => format!("{l} ({z})"),
        (l, z) => l.clone().or(z.clone()).unwrap_or_default(),
    };
    field("location", place);
    field("birthday", c.birthday.clone().unwrap_or_default());
    field("met", c.how_met.clone().unwrap_or_default());
    field(
        "introduced by",
        c.introduced_by
            .as_ref()
            .map(|i| format!("{} #{}", i.name, i.id))
            .unwrap_or_default(),
    );
    field("tags", c.tags.join(", "));
    let due = view.due_text();
    let snoozed = c
        .snoozed_until
        .filter(|t| *t > now)
        .map(|t| format!(", snoozed until {}", ui::date(t, tz)))
        .unwrap_or_default();
    field(
        "rhythm",
        format!("{}; {due}{snoozed}", view.rhythm.describe()),
    );
    field("nickname", c.nickname.clone().unwrap_or_default());
    field("notes", c.notes.clone().unwrap_or_default());
    columns(out, &rows)
}

/// "Product Lead, Acme · product · software": role, function, industry.
fn headline(c: &Contact) -> String {
    let role = [
        c.title.clone(),
        c.organisation.as_ref().map(|o| o.name.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    [
        Some(role).filter(|r| !r.is_empty()),
        c.function.clone(),
        c.industry.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The contact's open follow-ups, whose each is and when it is due.
fn open_follow_ups(out: &mut impl Write, follow_ups: &[FollowUp]) -> std::io::Result<()> {
    if follow_ups.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{BOLD}Open follow-ups{BOLD:#}")?;
    let rows: Vec<Vec<String>> = follow_ups
        .iter()
        .map(|f| {
            let who = if f.owner == kith_core::follow_up::Owner::Me {
                "you"
            } else {
                "they"
            };
            let due = f.due_on.map(|d| format!("due {d}")).unwrap_or_default();
            vec![format!("  #{}", f.id), who.into(), f.title.clone(), due]
        })
        .collect();
    columns(out, &rows)
}

/// Conversations as rows; `about` leaves that person out of the "with" column.
fn conversation_rows(
    out: &mut impl Write,
    conversations: &[Conversation],
    tz: TimeZone,
    about: Option<kith_core::ids::ContactId>,
) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = conversations
        .iter()
        .map(|cv| {
            let others: Vec<&str> = cv
                .participants
                .iter()
                .filter(|p| Some(p.id) != about)
                .map(|p| p.name.as_str())
                .collect();
            let with = if others.is_empty() {
                String::new()
            } else {
                format!("with {}", others.join(", "))
            };
            let minutes = cv.minutes.map(|m| format!("{m} min")).unwrap_or_default();
            vec![
                format!("  {}", ui::date(cv.occurred_at, tz)),
                cv.channel.as_str().to_owned(),
                minutes,
                [with, ui::snippet(&cv.summary, 70)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(": "),
            ]
        })
        .collect();
    columns(out, &rows)
}

fn summary_rows(contacts: &[ContactSummary]) -> Vec<Vec<String>> {
    contacts
        .iter()
        .map(|c| {
            let role = [c.title.as_deref(), c.organisation.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
            let tags = c
                .tags
                .iter()
                .map(|t| format!("#{t}"))
                .collect::<Vec<_>>()
                .join(" ");
            let archived = if c.archived { " (archived)" } else { "" };
            vec![
                format!("{:>6}", format!("#{}", c.id)),
                format!("{}{archived}", c.name),
                role,
                tags,
            ]
        })
        .collect()
}

pub async fn list(ctx: &mut Ctx, args: &ListArgs) -> anyhow::Result<()> {
    let filter = ContactFilter {
        tag: args
            .tag
            .as_deref()
            .map(TagName::parse)
            .transpose()
            .map_err(|e| e.in_field("--tag"))?,
        organisation: optional_text("--organisation", args.organisation.as_deref(), 200)?,
        function: optional_text("--function", args.function.as_deref(), 200)?,
        archived: match (args.archived, args.all) {
            (true, _) => ArchivedFilter::Archived,
            (_, true) => ArchivedFilter::All,
            _ => ArchivedFilter::Active,
        },
    };
    let limit = args.limit.unwrap_or(u32::MAX);
    if args.one_off {
        return one_offs(ctx, &filter, limit).await;
    }
    let mut contacts = Vec::new();
    let mut after = None;
    while (contacts.len() as u64) < u64::from(limit) {
        let want = PAGE.min(limit - contacts.len() as u32);
        let page = ctx
            .store
            .list_contacts(ctx.user.id, &filter, after, want)
            .await?;
        let done = (page.len() as u32) < want;
        after = page.last().map(|c| c.id);
        contacts.extend(page);
        if done {
            break;
        }
    }
    print_list(ctx, &contacts)
}

fn print_list(ctx: &mut Ctx, contacts: &[ContactSummary]) -> anyhow::Result<()> {
    if ctx.ui.json {
        return Ok(ctx
            .ui
            .print_json(&contacts.iter().map(json::summary).collect())?);
    }
    let out = ctx.ui.out();
    if contacts.is_empty() {
        writeln!(
            out,
            "No contacts match. Add one with: kith add \"Jane Doe\" --email jane@example.com"
        )?;
    }
    columns(out, &summary_rows(contacts))?;
    Ok(())
}

/// One-off ties among the active contacts, in name order, further filtered.
async fn one_offs(ctx: &mut Ctx, filter: &ContactFilter, limit: u32) -> anyhow::Result<()> {
    let contacts = one_off_contacts(&ctx.store, &ctx.user, ctx.now, filter, limit).await?;
    print_list(ctx, &contacts)
}

pub async fn search(ctx: &mut Ctx, args: &SearchArgs) -> anyhow::Result<()> {
    let query = args.query.join(" ");
    let found = ctx.store.search(ctx.user.id, &query, args.limit).await?;
    if ctx.ui.json {
        let value = json!({
            "contacts": found.contacts.iter().map(json::summary).collect::<Vec<_>>(),
            "conversations": found.conversations.iter().map(json::conversation).collect::<Vec<_>>(),
        });
        return Ok(ctx.ui.print_json(&value)?);
    }
    let tz = ctx.user.timezone;
    let out = ctx.ui.out();
    if found.contacts.is_empty() && found.conversations.is_empty() {
        writeln!(out, "Nothing matches '{query}'.")?;
        return Ok(());
    }
    if !found.contacts.is_empty() {
        writeln!(out, "{BOLD}Contacts{BOLD:#}")?;
        columns(out, &summary_rows(&found.contacts))?;
    }
    if !found.conversations.is_empty() {
        if !found.contacts.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{BOLD}Conversations{BOLD:#}")?;
        conversation_rows(out, &found.conversations, tz, None)?;
    }
    Ok(())
}
