//! Reading the contact book: `show`, `list`, `search`.

use std::io::Write;

use kith_core::contact::{ArchivedFilter, ContactFilter, ContactSummary};
use kith_core::conversation::Conversation;
use kith_core::follow_up::{FollowUpKind, Owner};
use kith_core::rules::cadence::effective;
use kith_core::rules::due::is_one_off;
use kith_core::rules::health::health;
use kith_core::values::{TagName, TimeZone};
use serde_json::json;

use crate::app::Ctx;
use crate::cli::{ListArgs, SearchArgs};
use crate::commands::keep;
use crate::ui::{self, BOLD, DIM, YELLOW, columns};
use crate::{json, resolve};

/// How many recent conversations `show` prints.
const RECENT: u32 = 5;
/// Rows fetched per page while listing.
const PAGE: u32 = 1_000;

pub async fn show(ctx: &mut Ctx, who: &str) -> anyhow::Result<()> {
    let user = ctx.user.id;
    let target = resolve::contact(&ctx.store, user, who).await?;
    let c = ctx.store.contact(user, target.id).await?;
    let stats = ctx.store.contact_stats(user, c.id).await?;
    let recent_conversations = ctx.store.conversations_with(user, c.id, RECENT).await?;
    let follow_ups = ctx.store.open_follow_ups_with(user, c.id).await?;
    let introduced = ctx.store.introduced_by(user, c.id).await?;
    let facts = ctx.store.contact_facts(user, Some(c.id)).await?;
    let (rhythm, due_on) = keep::rhythm_of(&ctx.user, &facts[0]);
    let year_ago = ctx.now - chrono::Duration::days(365);
    let recent = ctx
        .store
        .conversation_channels(user, c.id, year_ago)
        .await?;
    let today = keep::today(ctx.now, ctx.user.timezone);
    let overdue_loops = facts[0]
        .open_loops
        .iter()
        .filter(|l| {
            l.owner == Owner::Me
                && (l.kind == FollowUpKind::LoopBack || l.due_on.is_some_and(|d| d < today))
        })
        .count() as u32;
    let health = health(
        rhythm.cadence,
        &recent,
        facts[0].activity.last_meaningful_at,
        overdue_loops,
        ctx.now,
    );
    if ctx.ui.json {
        let mut value = json::contact(&c);
        value["conversation_count"] = json!(stats.conversations);
        value["first_conversation_at"] = json!(stats.first.map(|t| t.to_rfc3339()));
        value["last_conversation_at"] = json!(stats.last.map(|t| t.to_rfc3339()));
        value["recent_conversations"] = recent_conversations
            .iter()
            .map(json::conversation)
            .collect();
        value["open_follow_ups"] = follow_ups.iter().map(json::follow_up).collect();
        value["introduced"] = introduced.iter().map(json::contact_ref).collect();
        value["rhythm"] =
            json!({ "days": rhythm.cadence.days(), "source": keep::source(&rhythm.source) });
        value["due_on"] = json!(due_on.to_string());
        value["health"] = json!({
            "score": health.score,
            "parts": health.parts.iter().map(|p| json!({ "name": p.name, "points": p.points, "max": p.max, "why": p.why })).collect::<Vec<_>>(),
        });
        return Ok(ctx.ui.print_json(&value)?);
    }
    let (tz, now) = (ctx.user.timezone, ctx.now);
    let out = ctx.ui.out();
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
    let role = [
        c.title.clone(),
        c.organisation.as_ref().map(|o| o.name.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let headline = [
        Some(role).filter(|r| !r.is_empty()),
        c.function.clone(),
        c.industry.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
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
    let due = match (today - due_on).num_days() {
        d if d > 0 => format!("{d} days overdue"),
        0 => "due today".into(),
        d => format!("next due {due_on} (in {} days)", -d),
    };
    let snoozed = c
        .snoozed_until
        .filter(|t| *t > now)
        .map(|t| format!(", snoozed until {}", ui::date(t, tz)))
        .unwrap_or_default();
    field("rhythm", format!("{}; {due}{snoozed}", rhythm.describe()));
    field("nickname", c.nickname.clone().unwrap_or_default());
    field("notes", c.notes.clone().unwrap_or_default());
    columns(out, &rows)?;

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
    conversation_rows(out, &recent_conversations, tz, Some(c.id))?;
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
    if !follow_ups.is_empty() {
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
        columns(out, &rows)?;
    }
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
        organisation: args.organisation.clone().filter(|o| !o.trim().is_empty()),
        function: args.function.clone().filter(|f| !f.trim().is_empty()),
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
    let facts = ctx.store.contact_facts(ctx.user.id, None).await?;
    let settings = keep::settings(&ctx.user);
    let today = keep::today(ctx.now, ctx.user.timezone);
    let ids: Vec<_> = facts
        .iter()
        .filter(|f| {
            let cadence =
                effective(f.own_cadence, &f.tag_cadences, settings.default_cadence).cadence;
            is_one_off(f, cadence, today, settings.tz)
        })
        .map(|f| f.id)
        .collect();
    let mut contacts = ctx.store.contact_summaries(ctx.user.id, &ids).await?;
    contacts.retain(|c| {
        filter
            .tag
            .as_ref()
            .is_none_or(|t| c.tags.iter().any(|x| x == t.as_str()))
            && filter.organisation.as_ref().is_none_or(|o| {
                c.organisation
                    .as_ref()
                    .is_some_and(|x| x.to_lowercase().contains(&o.to_lowercase()))
            })
            && filter.function.as_ref().is_none_or(|f| {
                c.function
                    .as_ref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(f))
            })
    });
    contacts.sort_by_cached_key(|c| (kith_core::values::sort_key(&c.name), c.id));
    contacts.truncate(limit as usize);
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
