//! `demo`: a realistic network to try Kith on, written through the same
//! store calls an import uses.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone as _, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kith_core::contact::ArchivedFilter;
use kith_core::conversation::NewConversation;
use kith_core::demo::{DemoConfig, DemoNetwork, PastEmployer, generate};
use kith_core::follow_up::NewFollowUp;
use kith_core::goal::GoalStatus;
use kith_core::ids::{ContactId, ConversationId, GoalId, UserId};
use kith_core::meeting::{JoinLink, MeetingMode, NewMeeting, Platform};
use kith_core::outreach::{NewOutreachBlock, Weekdays};
use kith_core::rules::due::rank;
use kith_store::{ContactRecord, EmploymentRecord, FollowUpRecord, Location, Store};
use serde_json::json;

use crate::app;
use crate::cli::{DemoArgs, Global};
use crate::commands::keep;
use crate::ui::{BOLD, Ui};

const MAX_CONTACTS: usize = 100_000;
/// Rows per store call: big enough to be fast, small enough to show progress.
const BATCH: usize = 5_000;

pub async fn demo(global: &Global, args: &DemoArgs, ui: &mut Ui) -> anyhow::Result<()> {
    check_size(args.contacts).map_err(|e| anyhow::anyhow!("invalid --contacts: {e}"))?;
    // Demo data never mixes with the user's own: by default it gets a file of
    // its own, made anew on every run.
    let location = location(global, "demo.db")?;
    let store = app::open(global, &location).await?;
    let user = app::acting_user(&store, global.user.as_deref()).await?;
    if store.count_contacts(user.id, ArchivedFilter::All).await? > 0 {
        bail!(
            "{location:?} already has contacts for {}; demo data goes into an empty database (e.g. --db /tmp/demo.db)",
            user.username
        );
    }

    let started = Instant::now();
    let network = fill(&store, user.id, args.contacts, args.seed, ui.json).await?;
    let elapsed = started.elapsed();
    let now = Utc::now();
    let facts = store.contact_facts(user.id, None, now).await?;
    let due = rank(
        &facts,
        &kith_app::agenda::settings(&user),
        kith_app::agenda::today(now, user.timezone),
        now,
    );
    store.close().await;

    let db_flag = match &location {
        Location::SqliteFile(path) => format!("--db {} ", path.display()),
        _ => String::new(),
    };
    if ui.json {
        let value = json!({
            "database": format!("{location:?}"),
            "contacts": network.contacts.len(),
            "conversations": network.conversations.len(),
            "follow_ups": network.follow_ups.len(),
            "seconds": elapsed.as_secs_f64(),
            "due": due.iter().take(5).map(kith_app::json::due).collect::<Vec<_>>(),
        });
        return Ok(ui.print_json(&value)?);
    }
    let out = ui.out();
    writeln!(
        out,
        "Seeded {BOLD}{}{BOLD:#} contacts, {} conversations and {} follow-ups in {:.1} s into {location:?}.",
        network.contacts.len(),
        network.conversations.len(),
        network.follow_ups.len(),
        elapsed.as_secs_f64()
    )?;
    writeln!(
        out,
        "\n{BOLD}Who to contact today{BOLD:#} (5 of {} due):",
        due.len()
    )?;
    keep::print_due(out, &due[..due.len().min(5)])?;
    // The way this binary was started (target/release/kith under cargo run).
    let program = std::env::args().next().unwrap_or_else(|| "kith".into());
    writeln!(out, "\nLook around:")?;
    for command in [
        "today",
        "due",
        "goal list",
        "org coverage",
        "list --one-off",
        "search product",
    ] {
        writeln!(out, "  {program} {db_flag}{command}")?;
    }
    if let Some(first) = due.first() {
        writeln!(out, "  {program} {db_flag}show \"{}\"", first.name)?;
    }
    Ok(())
}

/// Where demo data goes: the database the flags name, or else a file of its
/// own under the data directory, emptied first.
pub fn location(global: &Global, file: &str) -> anyhow::Result<Location> {
    if global.db.is_some() || global.database_url.is_some() {
        return app::location(global);
    }
    let path = app::default_data_dir()?.join(file);
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", path.display());
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("cannot replace {file}"));
            }
            _ => {}
        }
    }
    Ok(Location::SqliteFile(path))
}

/// Generates and stores a demo network for `user`; returns what it made.
pub async fn fill(
    store: &Store,
    user: UserId,
    contacts: usize,
    seed_value: u64,
    quiet: bool,
) -> anyhow::Result<DemoNetwork> {
    check_size(contacts).map_err(|e| anyhow::anyhow!("invalid contacts: {e}"))?;
    let now = Utc::now();
    let me = store.user(user).await?.context("the demo user is gone")?;
    let network = generate(&DemoConfig {
        contacts,
        seed: seed_value,
        now,
        default_cadence: me.default_cadence,
    });
    let total = network.contacts.len() + network.conversations.len() + network.follow_ups.len();
    let progress = progress_bar(total as u64, quiet);
    seed(store, user, &network, now, &progress).await?;
    progress.finish_and_clear();
    Ok(network)
}

/// A demo network's size that does not fit; each caller names it by its
/// own flag (`--contacts`, `--demo-contacts`).
#[derive(Debug)]
pub struct SizeError(usize);

impl std::fmt::Display for SizeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not between 1 and {MAX_CONTACTS}", self.0)
    }
}

impl std::error::Error for SizeError {}

pub fn check_size(contacts: usize) -> Result<(), SizeError> {
    if !(1..=MAX_CONTACTS).contains(&contacts) {
        return Err(SizeError(contacts));
    }
    Ok(())
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg:>14} [{bar:40}] {percent:>3}% {elapsed}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar
}

fn year_start(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

fn employment(contact: Option<ContactId>, stint: &PastEmployer) -> EmploymentRecord {
    EmploymentRecord {
        contact,
        organisation: stint.organisation.clone(),
        title: None,
        started_on: year_start(stint.from_year),
        ended_on: NaiveDate::from_ymd_opt(stint.to_year, 12, 31),
    }
}

async fn seed(
    store: &Store,
    user: UserId,
    network: &DemoNetwork,
    now: DateTime<Utc>,
    progress: &ProgressBar,
) -> anyhow::Result<()> {
    progress.set_message("contacts");
    let contacts = seed_contacts(store, user, network, now, progress).await?;
    progress.set_message("conversations");
    let conversations = seed_conversations(store, user, network, &contacts, now, progress).await?;
    progress.set_message("follow-ups");
    seed_follow_ups(store, user, network, &contacts, &conversations, progress).await?;
    let mut focus = None;
    for g in &network.goals {
        let id = store
            .add_goal(user, &g.goal, g.status, g.created_at)
            .await?;
        if g.status == GoalStatus::Active {
            focus = focus.or(Some(id));
        }
        let people: Vec<ContactId> = g.contacts.iter().map(|c| contacts[*c]).collect();
        let talks: Vec<ConversationId> =
            g.conversations.iter().map(|c| conversations[*c]).collect();
        store.link_goal(user, id, &people, &talks).await?;
    }
    calendar(store, user, network, &contacts, focus, now).await
}

/// The people, who introduced whom, my organisation and everyone's past
/// employers. Answers the stored ids in the network's order.
async fn seed_contacts(
    store: &Store,
    user: UserId,
    network: &DemoNetwork,
    now: DateTime<Utc>,
    progress: &ProgressBar,
) -> anyhow::Result<Vec<ContactId>> {
    let records: Vec<ContactRecord> = network
        .contacts
        .iter()
        .map(|c| ContactRecord {
            draft: c.draft.clone(),
            created_at: c.added_at,
        })
        .collect();
    let mut contacts: Vec<ContactId> = Vec::with_capacity(records.len());
    for batch in records.chunks(BATCH) {
        contacts.extend(store.add_contacts(user, batch, now).await?);
        progress.inc(batch.len() as u64);
    }
    let introductions: Vec<(ContactId, ContactId)> = network
        .contacts
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((contacts[i], contacts[c.introduced_by?])))
        .collect();
    store.set_introducers(user, &introductions, now).await?;
    store
        .set_my_organisation(user, &network.my_organisation, now)
        .await?;
    let employments: Vec<EmploymentRecord> = network
        .my_past_employers
        .iter()
        .map(|stint| employment(None, stint))
        .chain(network.contacts.iter().enumerate().flat_map(|(i, c)| {
            let id = contacts[i];
            c.past_employers
                .iter()
                .map(move |stint| employment(Some(id), stint))
        }))
        .collect();
    store.add_employments(user, &employments, now).await?;
    Ok(contacts)
}

/// The conversations, in batches. Answers the stored ids in the network's order.
async fn seed_conversations(
    store: &Store,
    user: UserId,
    network: &DemoNetwork,
    contacts: &[ContactId],
    now: DateTime<Utc>,
    progress: &ProgressBar,
) -> anyhow::Result<Vec<ConversationId>> {
    let mut conversations: Vec<ConversationId> = Vec::with_capacity(network.conversations.len());
    for batch in network.conversations.chunks(BATCH) {
        let batch: Vec<NewConversation> = batch
            .iter()
            .map(|c| {
                let people = c.participants.iter().map(|p| contacts[*p]).collect();
                NewConversation::new(c.occurred_at, c.channel, c.minutes, &c.summary, people).map(
                    |n| NewConversation {
                        kind: c.kind,
                        learned: c.learned.clone(),
                        ..n
                    },
                )
            })
            .collect::<Result<_, _>>()?;
        conversations.extend(store.log_conversations(user, &batch, now).await?);
        progress.inc(batch.len() as u64);
    }
    Ok(conversations)
}

/// The homework both ways, open and closed, tied to its conversation.
async fn seed_follow_ups(
    store: &Store,
    user: UserId,
    network: &DemoNetwork,
    contacts: &[ContactId],
    conversations: &[ConversationId],
    progress: &ProgressBar,
) -> anyhow::Result<()> {
    for batch in network.follow_ups.chunks(BATCH) {
        let records: Vec<FollowUpRecord> = batch
            .iter()
            .map(|f| {
                let conversation = f.conversation.map(|c| conversations[c]);
                let created_at = f
                    .conversation
                    .map_or(network.contacts[f.contact].added_at, |c| {
                        network.conversations[c].occurred_at
                    });
                FollowUpRecord {
                    follow_up: NewFollowUp {
                        contact: contacts[f.contact],
                        conversation,
                        owner: f.owner,
                        kind: f.kind,
                        title: f.title.clone(),
                        due_on: f.due_on,
                        loop_back: f.loop_back,
                        parent: None,
                        subject: None,
                    },
                    status: f.status,
                    created_at,
                    closed_at: f.closed_at,
                }
            })
            .collect();
        store.add_follow_ups(user, &records).await?;
        progress.inc(batch.len() as u64);
    }
    Ok(())
}

/// The calendar, so the dashboard and the calendar page show what they are
/// for: a coffee later today (tomorrow once 17:30 has passed), a lunch two
/// days ago waiting to be logged, a video call next week, and an outreach
/// block on Tuesday and Thursday mornings for the first active goal.
async fn calendar(
    store: &Store,
    user: UserId,
    network: &DemoNetwork,
    contacts: &[ContactId],
    focus: Option<GoalId>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let tz = store
        .user(user)
        .await?
        .context("the demo user is gone")?
        .timezone
        .tz();
    let today = now.with_timezone(&tz).date_naive();
    let at = |day: NaiveDate, hour: u32, minute: u32| {
        day.and_hms_opt(hour, minute, 0)
            .and_then(|t| tz.from_local_datetime(&t).earliest())
            .map(|t| t.to_utc())
            .context("a demo meeting time")
    };
    let coffee = match at(today, 17, 30)? {
        later if later > now => later,
        _ => at(today + Days::new(1), 17, 30)?,
    };
    let lunch = at(today - Days::new(2), 12, 30)?;
    let call = at(today + Days::new(6), 10, 0)?;
    let jitsi = JoinLink::parse(Platform::Jitsi, "https://meet.jit.si/kith-demo-catch-up")?;
    let plans = [
        (
            "Coffee",
            coffee,
            45,
            MeetingMode::in_person("Café Central")?,
        ),
        (
            "Lunch",
            lunch,
            60,
            MeetingMode::in_person("The Italian place on Main Street")?,
        ),
        ("Video call", call, 30, MeetingMode::virtual_call(jitsi)),
    ];
    for ((what, starts_at, minutes, mode), i) in plans.into_iter().zip(1..) {
        let (Some(contact), Some(person)) = (contacts.get(i), network.contacts.get(i)) else {
            break;
        };
        let name = person.draft.name.as_ref().map_or("them", |n| n.as_str());
        let meeting = NewMeeting::new(
            &format!("{what} with {name}"),
            starts_at,
            minutes,
            mode,
            vec![*contact],
        )?;
        store.add_meeting(user, &meeting, now).await?;
    }
    let block = NewOutreachBlock::new(
        Weekdays::parse("tue,thu")?,
        NaiveTime::from_hms_opt(8, 30, 0).context("08:30")?,
        30,
        3,
        focus,
    )?;
    store.add_block(user, &block, now).await?;
    Ok(())
}
