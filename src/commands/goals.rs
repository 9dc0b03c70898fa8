//! `goal` and `org`: goals that steer the outreach, and coverage of my own organisation.

use std::io::Write;

use anyhow::{anyhow, bail};
use clap::{Args, Subcommand};
use kith_core::conversation::Conversation;
use kith_core::goal::{Goal, GoalStatus};
use kith_core::ids::ConversationId;
use kith_core::rules::goals::{Progress, Suggestion, progress};
use kith_core::rules::learning::Learned;
use kith_core::values::TimeZone;
use kith_core::values::optional_text;
use kith_store::{NetworkScope, StoreError};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::ui::{self, BOLD, DIM, columns};
use kith_app::agenda::today;
use kith_app::coverage::{Coverage, WorkedInput, employment};
use kith_app::goals::{self, GoalView, NewGoalInput};
use kith_app::{AppError, json, resolve};

#[derive(Debug, Subcommand)]
pub enum GoalCommand {
    /// Set a goal: kith goal add --kind industry-change "Move into product" --function product --target 10 --by 2027-03-01
    Add(GoalAddArgs),
    /// Goals with their progress
    List(GoalListArgs),
    /// A goal's progress, people, conversations, what you learned, and who to talk to next
    Show(GoalArg),
    /// Link a contact (or --conversation ID) to a goal
    Link(GoalLinkArgs),
    /// Mark a goal reached
    Done(GoalArg),
    /// Give up a goal
    Drop(GoalArg),
}

#[derive(Debug, Args)]
pub struct GoalAddArgs {
    /// What you want, in your words
    pub title: String,
    /// new-role, new-skill, industry-change, reconnect, internal or custom
    #[arg(long)]
    pub kind: String,
    /// The industry you aim at
    #[arg(long)]
    pub industry: Option<String>,
    /// The function you aim at
    #[arg(long)]
    pub function: Option<String>,
    /// The company you aim at
    #[arg(long)]
    pub company: Option<String>,
    /// The skill you want
    #[arg(long)]
    pub skill: Option<String>,
    /// When you want to get there
    #[arg(long, value_name = "DATE")]
    pub by: Option<String>,
    /// How many conversations count as success
    #[arg(long)]
    pub target: Option<u32>,
}

#[derive(Debug, Args)]
pub struct GoalListArgs {
    /// Include reached and dropped goals
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct GoalArg {
    /// Id or part of the title
    pub goal: String,
}

#[derive(Debug, Args)]
pub struct GoalLinkArgs {
    /// Id or part of the title
    pub goal: String,
    /// A contact: id or part of the name
    #[arg(required_unless_present = "conversation")]
    pub contact: Option<String>,
    /// A conversation's id instead
    #[arg(long, value_name = "ID")]
    pub conversation: Option<i64>,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Say which organisation is yours (or show it)
    Mine(OrgMineArgs),
    /// Each function of your organisation: how many people you know, how fresh, and the gaps
    Coverage,
    /// Record where you (or, with --contact, someone else) worked: reconnect goals find former colleagues by it
    Worked(OrgWorkedArgs),
}

#[derive(Debug, Args)]
pub struct OrgWorkedArgs {
    /// The organisation
    pub organisation: String,
    /// First year there
    #[arg(long, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Last year there
    #[arg(long, value_name = "YEAR")]
    pub to: Option<i32>,
    /// Their title there
    #[arg(long)]
    pub title: Option<String>,
    /// Someone else's history, not yours
    #[arg(long, value_name = "CONTACT")]
    pub contact: Option<String>,
}

#[derive(Debug, Args)]
pub struct OrgMineArgs {
    /// The organisation's name, as your contacts have it
    pub name: Option<String>,
}

pub async fn goal(ctx: &mut Ctx, command: &GoalCommand) -> anyhow::Result<()> {
    match command {
        GoalCommand::Add(args) => add(ctx, args).await,
        GoalCommand::List(args) => list(ctx, args.all).await,
        GoalCommand::Show(g) => show(ctx, &g.goal).await,
        GoalCommand::Link(args) => link(ctx, args).await,
        GoalCommand::Done(g) => close(ctx, &g.goal, GoalStatus::Done).await,
        GoalCommand::Drop(g) => close(ctx, &g.goal, GoalStatus::Dropped).await,
    }
}

/// A goal named by id (`3`, `#3`) or by an unambiguous part of its title.
pub async fn resolve_goal(ctx: &Ctx, input: &str) -> Result<Goal, AppError> {
    goals::find(&ctx.store, ctx.user.id, input).await
}

impl From<&GoalAddArgs> for NewGoalInput {
    fn from(args: &GoalAddArgs) -> Self {
        NewGoalInput {
            title: args.title.clone(),
            kind: args.kind.clone(),
            industry: args.industry.clone(),
            function: args.function.clone(),
            company: args.company.clone(),
            skill: args.skill.clone(),
            by: args.by.clone(),
            target: args.target,
        }
    }
}

async fn add(ctx: &mut Ctx, args: &GoalAddArgs) -> anyhow::Result<()> {
    let today = today(ctx.now, ctx.user.timezone);
    let goal = goals::new_goal(&args.into(), today)?;
    let id = ctx
        .store
        .add_goal(ctx.user.id, &goal, GoalStatus::Active, ctx.now)
        .await?;
    let (stored, _) = ctx.store.goal(ctx.user.id, id).await?;
    if ctx.ui.json {
        return Ok(ctx
            .ui
            .print_json(&json::goal(&stored, &progress(&stored, 0, today)))?);
    }
    writeln!(
        ctx.ui.out(),
        "Added goal {BOLD}{}{BOLD:#} {DIM}#{id}{DIM:#}. See who to talk to: kith goal show {id}",
        stored.title
    )?;
    Ok(())
}

async fn list(ctx: &mut Ctx, all: bool) -> anyhow::Result<()> {
    let today = today(ctx.now, ctx.user.timezone);
    let goals = ctx.store.goals(ctx.user.id, all).await?;
    let rows: Vec<(Goal, Progress)> = goals
        .into_iter()
        .map(|(g, n)| {
            let p = progress(&g, n, today);
            (g, p)
        })
        .collect();
    if ctx.ui.json {
        return Ok(ctx
            .ui
            .print_json(&rows.iter().map(|(g, p)| json::goal(g, p)).collect())?);
    }
    let out = ctx.ui.out();
    if rows.is_empty() {
        writeln!(
            out,
            "No goals yet. Start with one: kith goal add --kind new-role \"Land a product role\" --target 10 --by 2027-03-01"
        )?;
        return Ok(());
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|(g, p)| {
            let due = g.due_on.map(|d| format!("by {d}")).unwrap_or_default();
            let status = if g.status == GoalStatus::Active {
                String::new()
            } else {
                format!(" ({})", g.status)
            };
            vec![
                format!("{:>4}", format!("#{}", g.id)),
                format!("{}{status}", g.title),
                g.kind.to_string(),
                p.describe(),
                due,
            ]
        })
        .collect();
    columns(out, &table)?;
    Ok(())
}

async fn show(ctx: &mut Ctx, input: &str) -> anyhow::Result<()> {
    let id = resolve_goal(ctx, input).await?.id;
    let view = GoalView::load(&ctx.store, &ctx.user, ctx.now, id).await?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&view.json())?);
    }
    let GoalView {
        goal,
        progress: p,
        people,
        conversations,
        learned,
        next,
    } = &view;
    let tz = ctx.user.timezone;
    let out = ctx.ui.out();
    writeln!(
        out,
        "{BOLD}{}{BOLD:#}  {DIM}#{} · {} · {}{DIM:#}",
        goal.title, goal.id, goal.kind, goal.status
    )?;
    let aims: Vec<String> = [
        ("industry", &goal.industry),
        ("function", &goal.function),
        ("company", &goal.company),
        ("skill", &goal.skill),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
    .collect();
    if !aims.is_empty() {
        writeln!(out, "Aiming at {}", aims.join(", "))?;
    }
    let due = goal
        .due_on
        .map(|d| format!(" (by {d})"))
        .unwrap_or_default();
    writeln!(out, "Progress: {}{due}", p.describe())?;
    if !people.is_empty() {
        let names: Vec<String> = people
            .iter()
            .map(|c| format!("{} #{}", c.name, c.id))
            .collect();
        writeln!(out, "\n{BOLD}People{BOLD:#}: {}", names.join(", "))?;
    }
    recent_conversations(out, conversations, tz)?;
    what_you_learned(out, learned)?;
    talk_to_next(out, next)
}

/// The goal's latest conversations: when, how, with whom, about what.
fn recent_conversations(
    out: &mut impl Write,
    conversations: &[Conversation],
    tz: TimeZone,
) -> anyhow::Result<()> {
    if conversations.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{BOLD}Recent conversations{BOLD:#}")?;
    let rows: Vec<Vec<String>> = conversations
        .iter()
        .map(|c| {
            let who: Vec<&str> = c.participants.iter().map(|p| p.name.as_str()).collect();
            vec![
                format!("  {}", ui::date(c.occurred_at, tz)),
                c.channel.to_string(),
                who.join(", "),
                ui::snippet(&c.summary, 60),
            ]
        })
        .collect();
    Ok(columns(out, &rows)?)
}

/// What the goal's conversations taught, most often heard first.
fn what_you_learned(out: &mut impl Write, learned: &[Learned]) -> anyhow::Result<()> {
    if learned.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{BOLD}What you learned{BOLD:#}")?;
    let rows: Vec<Vec<String>> = learned
        .iter()
        .map(|l| {
            vec![
                format!("  {}", l.kind),
                l.text.clone(),
                format!("{}×", l.count),
                l.from.join(", "),
            ]
        })
        .collect();
    Ok(columns(out, &rows)?)
}

/// Who fits the goal, and why.
fn talk_to_next(out: &mut impl Write, next: &[Suggestion]) -> anyhow::Result<()> {
    writeln!(out, "\n{BOLD}Talk to next{BOLD:#}")?;
    if next.is_empty() {
        writeln!(
            out,
            "  Nobody in your contacts fits yet. Add people in that field, or say more about the goal."
        )?;
    }
    let rows: Vec<Vec<String>> = next
        .iter()
        .map(|s| {
            vec![
                format!("  {:>6}", format!("#{}", s.contact)),
                s.name.clone(),
                s.why.clone(),
            ]
        })
        .collect();
    Ok(columns(out, &rows)?)
}

async fn link(ctx: &mut Ctx, args: &GoalLinkArgs) -> anyhow::Result<()> {
    let goal = resolve_goal(ctx, &args.goal).await?;
    let contact = match &args.contact {
        Some(who) => Some(resolve::contact(&ctx.store, ctx.user.id, who).await?),
        None => None,
    };
    let conversations: Vec<ConversationId> =
        args.conversation.map(ConversationId).into_iter().collect();
    let contacts: Vec<_> = contact.iter().map(|c| c.id).collect();
    ctx.store
        .link_goal(ctx.user.id, goal.id, &contacts, &conversations)
        .await
        .map_err(|e| match e {
            StoreError::NotFound {
                what: "conversation",
                key,
            } => anyhow!("no conversation with id {key}"),
            other => other.into(),
        })?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json!({ "goal": goal.id.0, "contact": contact.as_ref().map(json::contact_ref), "conversation": args.conversation }))?);
    }
    let what = match (&contact, args.conversation) {
        (Some(c), _) => c.name.clone(),
        (None, Some(id)) => format!("conversation #{id}"),
        (None, None) => unreachable!("clap requires one"),
    };
    writeln!(
        ctx.ui.out(),
        "Linked {BOLD}{what}{BOLD:#} to {}",
        goal.title
    )?;
    Ok(())
}

async fn close(ctx: &mut Ctx, input: &str, status: GoalStatus) -> anyhow::Result<()> {
    let goal = resolve_goal(ctx, input).await?;
    ctx.store
        .set_goal_status(ctx.user.id, goal.id, status, ctx.now)
        .await?;
    if ctx.ui.json {
        return Ok(ctx
            .ui
            .print_json(&json!({ "id": goal.id.0, "status": status.as_str() }))?);
    }
    let verb = if status == GoalStatus::Done {
        "Reached"
    } else {
        "Dropped"
    };
    writeln!(ctx.ui.out(), "{verb}: {BOLD}{}{BOLD:#}", goal.title)?;
    Ok(())
}

pub async fn org(ctx: &mut Ctx, command: &OrgCommand) -> anyhow::Result<()> {
    match command {
        OrgCommand::Mine(args) => mine(ctx, args).await,
        OrgCommand::Coverage => coverage(ctx).await,
        OrgCommand::Worked(args) => worked(ctx, args).await,
    }
}

async fn mine(ctx: &mut Ctx, args: &OrgMineArgs) -> anyhow::Result<()> {
    if let Some(name) = &args.name {
        let name = optional_text("name", Some(name), 200)?
            .ok_or_else(|| anyhow!("invalid name: must not be empty"))?;
        ctx.store
            .set_my_organisation(ctx.user.id, &name, ctx.now)
            .await?;
    }
    let scope = NetworkScope {
        my_organisation_only: true,
        notes: false,
    };
    let mine = ctx.store.network(ctx.user.id, scope).await?.my_organisation;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json!({ "organisation": mine }))?);
    }
    match mine {
        Some(name) => writeln!(
            ctx.ui.out(),
            "Your organisation: {BOLD}{name}{BOLD:#}. See the map: kith org coverage"
        )?,
        None => writeln!(
            ctx.ui.out(),
            "No organisation of yours yet. Set it: kith org mine \"Acme\""
        )?,
    }
    Ok(())
}

async fn coverage(ctx: &mut Ctx) -> anyhow::Result<()> {
    let Some(Coverage {
        organisation: mine,
        colleagues,
        functions: map,
    }) = Coverage::load(&ctx.store, ctx.user.id, ctx.now).await?
    else {
        bail!("no organisation of yours yet; set it with: kith org mine \"Acme\"");
    };
    if ctx.ui.json {
        let value: Vec<Value> = map
            .iter()
            .map(|f| {
                json!({
                    "function": f.function, "people": f.people, "fresh": f.fresh,
                    "last_talked_at": f.last_talked.map(|t| t.to_rfc3339()),
                    "gap": f.gap, "suggestion": f.suggestion,
                })
            })
            .collect();
        return Ok(ctx.ui.print_json(
            &json!({ "organisation": mine, "people": colleagues.len(), "functions": value }),
        )?);
    }
    let tz = ctx.user.timezone;
    let now = ctx.now;
    let out = ctx.ui.out();
    writeln!(
        out,
        "{BOLD}{mine}{BOLD:#}: you know {} people here",
        colleagues.len()
    )?;
    let rows: Vec<Vec<String>> = map
        .iter()
        .map(|f| {
            let last = f
                .last_talked
                .map(|t| format!("last {}", ui::ago(t, now, tz)))
                .unwrap_or_default();
            let mark = if f.gap { "gap" } else { "" };
            vec![
                format!("  {}", f.function),
                format!("{} known", f.people),
                format!("{} fresh", f.fresh),
                last,
                mark.into(),
                f.suggestion.clone().unwrap_or_default(),
            ]
        })
        .collect();
    columns(out, &rows)?;
    Ok(())
}

impl From<&OrgWorkedArgs> for WorkedInput {
    fn from(args: &OrgWorkedArgs) -> Self {
        WorkedInput {
            organisation: args.organisation.clone(),
            from: args.from,
            to: args.to,
            title: args.title.clone(),
            contact: args.contact.clone(),
        }
    }
}

async fn worked(ctx: &mut Ctx, args: &OrgWorkedArgs) -> anyhow::Result<()> {
    let (record, contact) = employment(&ctx.store, &ctx.user, ctx.now, &args.into()).await?;
    let organisation = record.organisation.clone();
    ctx.store
        .add_employments(ctx.user.id, &[record], ctx.now)
        .await?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json!({
            "contact": contact.as_ref().map(json::contact_ref),
            "organisation": organisation,
            "from": args.from,
            "to": args.to,
        }))?);
    }
    let who = contact.map_or_else(|| "You".to_owned(), |c| c.name);
    let span = match (args.from, args.to) {
        (Some(f), Some(t)) => format!(" from {f} to {t}"),
        (Some(f), None) => format!(" since {f}"),
        (None, Some(t)) => format!(" until {t}"),
        (None, None) => String::new(),
    };
    writeln!(
        ctx.ui.out(),
        "Noted: {who} worked at {BOLD}{organisation}{BOLD:#}{span}"
    )?;
    Ok(())
}
