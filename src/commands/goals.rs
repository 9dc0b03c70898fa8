//! `goal` and `org`: goals that steer the outreach, and coverage of my own organisation.

use std::io::Write;

use anyhow::{anyhow, bail};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kith_core::ValidationError;
use kith_core::contact::ContactRef;
use kith_core::conversation::Conversation;
use kith_core::goal::{Goal, GoalKind, GoalStatus, NewGoal};
use kith_core::ids::{ConversationId, GoalId, UserId};
use kith_core::rules::coverage::{Colleague, FunctionCoverage, canonical_function, coverage};
use kith_core::rules::goals::{Progress, Suggestion, SuggestionKind, progress, suggestions};
use kith_core::rules::learning::{Learned as LearnedItem, aggregate};
use kith_core::user::User;
use kith_core::values::{optional_text, sort_key};
use kith_core::when::parse_date;
use kith_store::{EmploymentRecord, NetworkScope, Store, StoreError};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::cli::{GoalAddArgs, GoalCommand, GoalLinkArgs, OrgCommand, OrgWorkedArgs};
use crate::commands::todo::title;
use crate::ui::{self, BOLD, DIM, columns};
use kith_app::agenda::today;
use kith_app::json;
use kith_app::{Field, resolve};

/// How many people `goal show` suggests.
const SUGGESTIONS: usize = 8;

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
pub async fn resolve_goal(ctx: &Ctx, input: &str) -> anyhow::Result<Goal> {
    find_goal(&ctx.store, ctx.user.id, input).await
}

/// [`find_goal`] for a flag or form field: a goal that is not there, or a
/// name that fits several, is the input's fault (a [`ValidationError`]
/// naming `field`, which the web answers with 422), not the server's.
pub async fn goal_in_field(
    store: &Store,
    user: UserId,
    input: &str,
    field: &str,
) -> anyhow::Result<Goal> {
    find_goal(store, user, input)
        .await
        .map_err(|e| match e.downcast::<StoreError>() {
            Ok(store_error) => store_error.into(),
            Err(e) => ValidationError::new(field, e.to_string()).into(),
        })
}

/// [`resolve_goal`] without a command context (the web uses it too).
pub async fn find_goal(store: &Store, user: UserId, input: &str) -> anyhow::Result<Goal> {
    let input = input.trim();
    if let Ok(id) = input.trim_start_matches('#').parse::<i64>() {
        return store
            .goal(user, GoalId(id))
            .await
            .map(|(goal, _)| goal)
            .map_err(|e| match e {
                StoreError::NotFound { .. } => {
                    anyhow!("no goal with id {id} (see kith goal list --all)")
                }
                other => other.into(),
            });
    }
    let key = sort_key(input);
    let goals: Vec<Goal> = store
        .goals(user, true)
        .await?
        .into_iter()
        .map(|(g, _)| g)
        .collect();
    let found: Vec<&Goal> = goals
        .iter()
        .filter(|g| sort_key(&g.title).contains(&key))
        .collect();
    match found.as_slice() {
        [] => bail!("no goal matches '{input}' (see kith goal list --all)"),
        [one] => Ok((*one).clone()),
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|g| format!("{} (#{})", g.title, g.id))
                .collect();
            bail!(
                "'{input}' matches several goals: {}; use the id",
                names.join(", ")
            )
        }
    }
}

fn text(flag: &str, value: &Option<String>) -> anyhow::Result<Option<String>> {
    Ok(optional_text(flag, value.as_deref(), 200)?)
}

/// The goal `goal add` (or the web's goal form) describes, checked.
pub fn new_goal(args: &GoalAddArgs, today: NaiveDate) -> anyhow::Result<NewGoal> {
    let kind = GoalKind::parse(&args.kind).map_err(|e| e.in_field("--kind"))?;
    let due_on = args
        .by
        .as_deref()
        .map(|by| parse_date("--by", by, today))
        .transpose()?;
    if let Some(due) = due_on.filter(|d| *d <= today) {
        bail!("invalid --by: {due} is not in the future");
    }
    if let Some(target) = args.target.filter(|t| !(1..=1000).contains(t)) {
        bail!("invalid --target: {target} is not between 1 and 1000");
    }
    let goal = NewGoal {
        kind,
        title: title("title", &args.title)?,
        industry: text("--industry", &args.industry)?.map(|i| i.to_lowercase()),
        function: text("--function", &args.function)?.map(|f| canonical_function(&f)),
        company: text("--company", &args.company)?,
        skill: text("--skill", &args.skill)?,
        target_count: args.target,
        due_on,
    };
    Ok(goal)
}

async fn add(ctx: &mut Ctx, args: &GoalAddArgs) -> anyhow::Result<()> {
    let today = today(ctx.now, ctx.user.timezone);
    let goal = new_goal(args, today)?;
    let id = ctx
        .store
        .add_goal(ctx.user.id, &goal, GoalStatus::Active, ctx.now)
        .await?;
    let (stored, _) = ctx.store.goal(ctx.user.id, id).await?;
    if ctx.ui.json {
        return Ok(ctx
            .ui
            .print_json(&goal_json(&stored, &progress(&stored, 0, today)))?);
    }
    writeln!(
        ctx.ui.out(),
        "Added goal {BOLD}{}{BOLD:#} {DIM}#{id}{DIM:#}. See who to talk to: kith goal show {id}",
        stored.title
    )?;
    Ok(())
}

pub fn goal_json(g: &Goal, p: &Progress) -> Value {
    json::goal(g, p)
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
            .print_json(&rows.iter().map(|(g, p)| goal_json(g, p)).collect())?);
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

/// Everything `goal show` (and the web's goal page) tells about one goal.
pub struct GoalView {
    pub goal: Goal,
    pub progress: Progress,
    pub people: Vec<ContactRef>,
    pub conversations: Vec<Conversation>,
    pub learned: Vec<LearnedItem>,
    pub next: Vec<Suggestion>,
}

impl GoalView {
    pub async fn load(
        store: &Store,
        me: &User,
        now: DateTime<Utc>,
        id: GoalId,
    ) -> anyhow::Result<GoalView> {
        let user = me.id;
        let (goal, linked) = store.goal(user, id).await?;
        let progress = progress(&goal, linked, today(now, me.timezone));
        let people = store.goal_contacts(user, goal.id).await?;
        let conversations = store.goal_conversations(user, goal.id, 5).await?;
        let learned = aggregate(&store.goal_learnings(user, goal.id).await?);
        let scope = NetworkScope {
            my_organisation_only: false,
            notes: goal.skill.is_some(),
        };
        let network = store.network(user, scope).await?;
        let exclude: Vec<_> = people.iter().map(|p| p.id).collect();
        let next = suggestions(
            &goal,
            &network.candidates,
            &network.connections,
            &exclude,
            now,
            SUGGESTIONS,
        );
        Ok(GoalView {
            goal,
            progress,
            people,
            conversations,
            learned,
            next,
        })
    }
}

async fn show(ctx: &mut Ctx, input: &str) -> anyhow::Result<()> {
    let id = resolve_goal(ctx, input).await?.id;
    let GoalView {
        goal,
        progress: p,
        people,
        conversations,
        learned,
        next,
    } = GoalView::load(&ctx.store, &ctx.user, ctx.now, id).await?;
    if ctx.ui.json {
        let mut value = goal_json(&goal, &p);
        value["people"] = people.iter().map(json::contact_ref).collect();
        value["recent_conversations"] = conversations.iter().map(json::conversation).collect();
        value["learned"] = learned
            .iter()
            .map(|l| json!({ "kind": l.kind.as_str(), "text": l.text, "count": l.count, "from": l.from }))
            .collect();
        value["suggestions"] = next
            .iter()
            .map(|s| {
                let via = match &s.kind {
                    SuggestionKind::Direct => Value::Null,
                    SuggestionKind::ViaIntroduction { via, via_name } => json!({ "id": via.0, "name": via_name }),
                };
                json!({ "contact": { "id": s.contact.0, "name": s.name }, "via": via, "why": s.why, "score": s.score })
            })
            .collect();
        return Ok(ctx.ui.print_json(&value)?);
    }
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
    if !conversations.is_empty() {
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
        columns(out, &rows)?;
    }
    if !learned.is_empty() {
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
        columns(out, &rows)?;
    }
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
    columns(out, &rows)?;
    Ok(())
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
        OrgCommand::Mine(args) => {
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
        }
        OrgCommand::Coverage => {
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
                return Ok(ctx.ui.print_json(&json!({ "organisation": mine, "people": colleagues.len(), "functions": value }))?);
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
        }
        OrgCommand::Worked(args) => worked(ctx, args).await?,
    }
    Ok(())
}

/// How well I am connected across my own organisation, function by function.
pub struct Coverage {
    pub organisation: String,
    pub colleagues: Vec<Colleague>,
    pub functions: Vec<FunctionCoverage>,
}

impl Coverage {
    /// `None` while the user has not said which organisation is theirs.
    pub async fn load(
        store: &Store,
        user: UserId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<Coverage>> {
        let scope = NetworkScope {
            my_organisation_only: true,
            notes: false,
        };
        let network = store.network(user, scope).await?;
        let Some(mine) = network.my_organisation.clone() else {
            return Ok(None);
        };
        let key = sort_key(&mine);
        let colleagues: Vec<Colleague> = network
            .candidates
            .iter()
            .filter(|c| {
                !c.archived
                    && c.organisation
                        .as_deref()
                        .is_some_and(|o| sort_key(o) == key)
            })
            .map(|c| Colleague {
                id: c.id,
                name: c.name.clone(),
                function: c.function.clone(),
                activity: c.activity,
            })
            .collect();
        let functions = coverage(&colleagues, &network.connections, now);
        Ok(Some(Coverage {
            organisation: mine,
            colleagues,
            functions,
        }))
    }
}

/// The stint `org worked` (or the web's form) describes, checked.
pub async fn employment(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    args: &OrgWorkedArgs,
) -> anyhow::Result<(EmploymentRecord, Option<ContactRef>)> {
    let organisation = optional_text("organisation", Some(&args.organisation), 200)?
        .ok_or_else(|| anyhow!("invalid organisation: must not be empty"))?;
    let this_year = today(now, me.timezone).year();
    let year = |flag: &str, y: Option<i32>| -> anyhow::Result<Option<NaiveDate>> {
        match y {
            Some(y) if !(1950..=this_year).contains(&y) => {
                bail!("invalid {flag}: {y} is not a year between 1950 and {this_year}")
            }
            Some(y) => Ok(NaiveDate::from_ymd_opt(
                y,
                if flag == "--from" { 1 } else { 12 },
                if flag == "--from" { 1 } else { 31 },
            )),
            None => Ok(None),
        }
    };
    let (started_on, ended_on) = (year("--from", args.from)?, year("--to", args.to)?);
    if let (Some(from), Some(to)) = (started_on, ended_on)
        && from > to
    {
        bail!(
            "invalid --to: {} is before --from {}",
            to.year(),
            from.year()
        );
    }
    let contact = match &args.contact {
        Some(who) => Some(resolve::contact_in_field(store, me.id, who, Field::OrgContact).await?),
        None => None,
    };
    let record = EmploymentRecord {
        contact: contact.as_ref().map(|c| c.id),
        organisation,
        title: text("--title", &args.title)?,
        started_on,
        ended_on,
    };
    Ok((record, contact))
}

async fn worked(ctx: &mut Ctx, args: &OrgWorkedArgs) -> anyhow::Result<()> {
    let (record, contact) = employment(&ctx.store, &ctx.user, ctx.now, args).await?;
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
