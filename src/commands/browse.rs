//! Reading the contact book: `show`, `list`, `search`.

use std::io::Write;

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use kith_core::contact::{ArchivedFilter, Contact, ContactFilter, ContactRef, ContactSummary};
use kith_core::conversation::Conversation;
use kith_core::follow_up::{FollowUp, FollowUpKind, Owner};
use kith_core::ids::ContactId;
use kith_core::rules::cadence::{EffectiveCadence, effective};
use kith_core::rules::due::is_one_off;
use kith_core::rules::health::{Health, health};
use kith_core::user::User;
use kith_core::values::{TagName, TimeZone, optional_text};
use kith_store::{ContactStats, Store};
use serde_json::json;

use crate::app::Ctx;
use crate::cli::{ListArgs, SearchArgs};
use crate::commands::keep;
use crate::ui::{self, BOLD, DIM, YELLOW, columns};
use kith_app::json;
use kith_app::resolve;

/// How many recent conversations `show` prints.
const RECENT: u32 = 5;
/// Rows fetched per page while listing.
const PAGE: u32 = 1_000;

/// Everything `show` (and the web's contact page) tells about one contact.
pub struct ContactView {
    pub contact: Contact,
    pub stats: ContactStats,
    pub recent: Vec<Conversation>,
    pub follow_ups: Vec<FollowUp>,
    pub introduced: Vec<ContactRef>,
    pub rhythm: EffectiveCadence,
    pub due_on: NaiveDate,
    pub today: NaiveDate,
    pub health: Health,
}

impl ContactView {
    pub async fn load(
        store: &Store,
        me: &User,
        now: DateTime<Utc>,
        id: ContactId,
        recent: u32,
    ) -> anyhow::Result<ContactView> {
        let user = me.id;
        let c = store.contact(user, id).await?;
        let stats = store.contact_stats(user, c.id).await?;
        let recent_conversations = store.conversations_with(user, c.id, recent).await?;
        let follow_ups = store.open_follow_ups_with(user, c.id).await?;
        let introduced = store.introduced_by(user, c.id).await?;
        let facts = store
            .contact_facts(user, Some(c.id), chrono::Utc::now())
            .await?;
        let facts = facts.first().context("the contact's facts are missing")?;
        let (rhythm, due_on) = keep::rhythm_of(me, facts);
        let year_ago = now - chrono::Duration::days(365);
        let channels = store.conversation_channels(user, c.id, year_ago).await?;
        let today = kith_app::agenda::today(now, me.timezone);
        let overdue_loops = facts
            .open_loops
            .iter()
            .filter(|l| {
                l.owner == Owner::Me
                    && (l.kind == FollowUpKind::LoopBack || l.due_on.is_some_and(|d| d < today))
            })
            .count() as u32;
        let health = health(
            rhythm.cadence,
            &channels,
            facts.activity.last_meaningful_at,
            overdue_loops,
            now,
        );
        Ok(ContactView {
            contact: c,
            stats,
            recent: recent_conversations,
            follow_ups,
            introduced,
            rhythm,
            due_on,
            today,
            health,
        })
    }

    /// "12 days overdue", "due today", "next due 2026-12-01 (in 6 days)".
    pub fn due_text(&self) -> String {
        match (self.today - self.due_on).num_days() {
            d if d > 0 => format!("{d} days overdue"),
            0 => "due today".into(),
            d => format!("next due {} (in {} days)", self.due_on, -d),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        let (stats, rhythm, health) = (&self.stats, &self.rhythm, &self.health);
        let mut value = json::contact(&self.contact);
        value["conversation_count"] = json!(stats.conversations);
        value["first_conversation_at"] = json!(stats.first.map(|t| t.to_rfc3339()));
        value["last_conversation_at"] = json!(stats.last.map(|t| t.to_rfc3339()));
        value["recent_conversations"] = self.recent.iter().map(json::conversation).collect();
        value["open_follow_ups"] = self.follow_ups.iter().map(json::follow_up).collect();
        value["introduced"] = self.introduced.iter().map(json::contact_ref).collect();
        value["rhythm"] = json!({ "days": rhythm.cadence.days(), "source": json::cadence_source(&rhythm.source) });
        value["due_on"] = json!(self.due_on.to_string());
        value["health"] = json!({
            "score": health.score,
            "parts": health.parts.iter().map(|p| json!({ "name": p.name, "points": p.points, "max": p.max, "why": p.why })).collect::<Vec<_>>(),
        });
        value
    }
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
        rhythm,
        health,
        ..
    } = &view;
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
    let due = view.due_text();
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
    conversation_rows(out, recent_conversations, tz, Some(c.id))?;
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

/// One-off ties (one conversation, long ago, no rhythm of their own) that
/// pass `filter`, in name order.
pub async fn one_off_contacts(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    filter: &ContactFilter,
    limit: u32,
) -> anyhow::Result<Vec<ContactSummary>> {
    let facts = store.contact_facts(me.id, None, chrono::Utc::now()).await?;
    let settings = kith_app::agenda::settings(me);
    let today = kith_app::agenda::today(now, me.timezone);
    let ids: Vec<_> = facts
        .iter()
        .filter(|f| {
            let cadence =
                effective(f.own_cadence, &f.tag_cadences, settings.default_cadence).cadence;
            is_one_off(f, cadence, today, settings.tz)
        })
        .map(|f| f.id)
        .collect();
    let mut contacts = store.contact_summaries(me.id, &ids).await?;
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
    Ok(contacts)
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
