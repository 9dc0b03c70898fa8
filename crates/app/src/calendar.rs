//! What the calendar holds, for every front end: the outreach plan with a
//! brief per person (and the next block with anyone in it, for the
//! dashboard and the digest), the invitation of a meeting, and the
//! iCalendar feed served at its secret address and by `kith export ics`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use kith_core::goal::Goal;
use kith_core::ical::{self, BlockEvent, Feed, MeetingEvent, Method, Person, TodoEvent};
use kith_core::ids::{ContactId, GoalId};
use kith_core::meeting::Meeting;
use kith_core::outreach;
use kith_core::rules::due::{DueSettings, OpenLoop, rank};
use kith_core::rules::goals::matches;
use kith_core::rules::plan::{self, LastConversation, PlanInputs, PlannedBlock};
use kith_core::user::User;
use kith_store::{FollowUpFilter, MeetingFilter, NetworkScope, Store};

use crate::agenda::today;
use crate::error::{AppError, Field};

fn settings(user: &User) -> DueSettings {
    DueSettings {
        default_cadence: user.default_cadence,
        light_resets_clock: user.light_resets_clock,
        tz: user.timezone,
    }
}

/// The most weeks a plan or feed looks ahead.
pub const MAX_WEEKS: u32 = 12;
/// How far back the feed keeps meetings.
const FEED_PAST_DAYS: u64 = 90;

/// A planned block instance with its goal's title and a brief per person.
#[derive(Debug, Clone)]
pub struct BlockPlan {
    pub planned: PlannedBlock,
    pub goal: Option<String>,
    /// Three lines per person, in the order of `planned.people`.
    pub briefs: Vec<[String; 3]>,
}

/// The next outreach block with anyone planned into it, this week (what
/// the dashboard and the digest show).
pub async fn next_block(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
) -> Result<Option<BlockPlan>, AppError> {
    Ok(plan(store, user, now, 1)
        .await?
        .into_iter()
        .find(|b| !b.planned.people.is_empty()))
}

/// Plans the outreach blocks from today over `weeks` weeks (see
/// `kith_core::rules::plan`): the same data gives the same plan.
pub async fn plan(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
    weeks: u32,
) -> Result<Vec<BlockPlan>, AppError> {
    let invalid = || AppError::Invalid {
        field: Field::Weeks,
        message: format!("'{weeks}' is not between 1 and {MAX_WEEKS}"),
    };
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(invalid());
    }
    let tz = user.timezone;
    let first = today(now, tz);
    let until = first
        .checked_add_days(Days::new(u64::from(weeks) * 7))
        .ok_or_else(invalid)?;
    let blocks = store.blocks(user.id).await?;
    let instances = outreach::instances(&blocks, first, until, tz, now);
    if instances.is_empty() {
        return Ok(Vec::new());
    }
    let facts = store.contact_facts(user.id, None, now).await?;
    let last_day = until.pred_opt().unwrap_or(until);
    let ranked = rank(&facts, &settings(user), last_day, now);
    let window_end = instances.iter().map(|i| i.ends_at).max().unwrap_or(now);
    let booked: HashSet<ContactId> = facts
        .iter()
        .filter(|f| f.next_meeting.is_some_and(|at| at < window_end))
        .map(|f| f.id)
        .collect();
    let goals = active_goals(store, user).await?;
    let relevant = relevant_people(store, user, &goals).await?;
    let planned = plan::plan(PlanInputs {
        instances: &instances,
        ranked: &ranked,
        relevant: &relevant,
        booked: &booked,
    });

    let loops: HashMap<ContactId, _> = facts.iter().map(|f| (f.id, &f.open_loops)).collect();
    let mut out = Vec::with_capacity(planned.len());
    for block in planned {
        let mut briefs = Vec::with_capacity(block.people.len());
        for person in &block.people {
            let titles: Vec<String> = goals
                .iter()
                .filter(|g| {
                    relevant
                        .get(&g.id)
                        .is_some_and(|p| p.contains(&person.contact))
                })
                .map(|g| g.title.clone())
                .collect();
            let open = loops.get(&person.contact).map_or(&[][..], |l| l.as_slice());
            briefs.push(brief(store, user, person.contact, open, &titles, first).await?);
        }
        let goal = block
            .instance
            .goal
            .and_then(|g| goals.iter().find(|x| x.id == g))
            .map(|g| g.title.clone());
        out.push(BlockPlan {
            planned: block,
            goal,
            briefs,
        });
    }
    Ok(out)
}

/// Three lines about a person for their block: the last conversation,
/// the open loops both ways, the goals they matter for.
async fn brief(
    store: &Store,
    user: &User,
    contact: ContactId,
    open: &[OpenLoop],
    goals: &[String],
    today: NaiveDate,
) -> Result<[String; 3], AppError> {
    let last = store
        .conversations_with(user.id, contact, 1)
        .await?
        .into_iter()
        .next()
        .map(|c| LastConversation {
            at: c.occurred_at,
            channel: c.channel,
            summary: c.summary,
        });
    Ok(plan::brief(
        last.as_ref(),
        open,
        goals,
        today,
        user.timezone,
    ))
}

async fn active_goals(store: &Store, user: &User) -> Result<Vec<Goal>, AppError> {
    Ok(store
        .goals(user.id, false)
        .await?
        .into_iter()
        .map(|(g, _)| g)
        .filter(|g| g.status == kith_core::goal::GoalStatus::Active)
        .collect())
}

/// For each active goal, the contacts linked to it and those who fit it.
async fn relevant_people(
    store: &Store,
    user: &User,
    goals: &[Goal],
) -> Result<HashMap<GoalId, HashSet<ContactId>>, AppError> {
    let mut relevant = HashMap::new();
    if goals.is_empty() {
        return Ok(relevant);
    }
    let network = store
        .network(
            user.id,
            NetworkScope {
                my_organisation_only: false,
                notes: goals.iter().any(|g| g.skill.is_some()),
            },
        )
        .await?;
    for goal in goals {
        let mut people: HashSet<ContactId> = store
            .goal_contacts(user.id, goal.id)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        people.extend(
            network
                .candidates
                .iter()
                .filter(|c| !matches(goal, c).is_empty())
                .map(|c| c.id),
        );
        relevant.insert(goal.id, people);
    }
    Ok(relevant)
}

/// The user as the organiser of invitations, if they have an e-mail address.
fn organizer(user: &User) -> Option<Person> {
    user.email.as_ref().map(|email| Person {
        name: user.display_name.clone(),
        email: email.clone(),
    })
}

/// The attendees' first e-mail addresses, and the names of those without one.
async fn attendees(
    store: &Store,
    user: &User,
    meeting: &Meeting,
    cache: &mut HashMap<ContactId, Option<String>>,
) -> Result<(Vec<Person>, Vec<String>), AppError> {
    let (mut found, mut missing) = (Vec::new(), Vec::new());
    for a in &meeting.attendees {
        let email = match cache.get(&a.id) {
            Some(email) => email.clone(),
            None => {
                let email = store
                    .contact(user.id, a.id)
                    .await?
                    .emails
                    .into_iter()
                    .next();
                cache.insert(a.id, email.clone());
                email
            }
        };
        match email {
            Some(email) => found.push(Person {
                name: a.name.clone(),
                email,
            }),
            None => missing.push(a.name.clone()),
        }
    }
    Ok((found, missing))
}

/// The iTIP invitation of a meeting (REQUEST, or CANCEL once cancelled),
/// and the names of attendees left out for want of an e-mail address.
pub async fn invitation(
    store: &Store,
    user: &User,
    meeting: &Meeting,
) -> Result<Invitation, AppError> {
    let Some(organizer) = organizer(user) else {
        return Err(AppError::Missing {
            field: Field::AccountEmail,
            message: "an invitation needs your e-mail address as its organiser".into(),
        });
    };
    let (people, missing) = attendees(store, user, meeting, &mut HashMap::new()).await?;
    if people.is_empty() {
        return Err(AppError::Missing {
            field: Field::Attendees,
            message: "none of the attendees has an e-mail address".into(),
        });
    }
    let event = MeetingEvent {
        meeting,
        organizer: Some(&organizer),
        attendees: &people,
    };
    let method = Method::for_meeting(meeting);
    Ok(Invitation {
        text: ical::invitation(&event, method),
        method,
        to: people,
        missing,
    })
}

/// A meeting's iTIP message and who it goes to.
pub struct Invitation {
    /// The iCalendar text.
    pub text: String,
    pub method: Method,
    /// The attendees with an e-mail address.
    pub to: Vec<Person>,
    /// The names of attendees without one, left out.
    pub missing: Vec<String>,
}

/// The user's calendar feed: meetings from 90 days back on (cancelled ones
/// marked so), the planned outreach blocks of the next `weeks` weeks with
/// their briefs, and open follow-ups that have a due date.
pub async fn ics_feed(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
    weeks: u32,
) -> Result<String, AppError> {
    let blocks = plan(store, user, now, weeks).await?;
    let filter = MeetingFilter {
        ends_after: now.checked_sub_days(Days::new(FEED_PAST_DAYS)),
        include_cancelled: true,
        ..MeetingFilter::default()
    };
    let meetings = store.meetings(user.id, &filter).await?;
    let organizer = organizer(user);
    let mut cache = HashMap::new();
    let mut people = Vec::with_capacity(meetings.len());
    for m in &meetings {
        people.push(attendees(store, user, m, &mut cache).await?.0);
    }
    let events: Vec<MeetingEvent<'_>> = meetings
        .iter()
        .zip(&people)
        .map(|(meeting, attendees)| MeetingEvent {
            meeting,
            organizer: organizer.as_ref(),
            attendees,
        })
        .collect();
    let block_events: Vec<BlockEvent> = blocks
        .into_iter()
        .map(|b| BlockEvent {
            people: b
                .planned
                .people
                .iter()
                .zip(b.briefs)
                .map(|(p, brief)| (p.name.clone(), p.why.clone(), brief.to_vec()))
                .collect(),
            instance: b.planned.instance,
            goal: b.goal,
        })
        .collect();
    let open = FollowUpFilter {
        contact: None,
        owner: None,
        open_only: true,
    };
    let todos: Vec<TodoEvent> = store
        .follow_ups(user.id, &open)
        .await?
        .into_iter()
        .filter_map(|f| {
            Some(TodoEvent {
                id: f.id.0,
                owner: f.owner,
                contact: f.contact.name,
                title: f.title,
                due_on: f.due_on?,
                created_at: f.created_at,
            })
        })
        .collect();
    let name = format!("Kith: {}", user.display_name);
    let uid_space = store.calendar_uid_space(user.id).await?;
    Ok(ical::feed(&Feed {
        name: &name,
        meetings: &events,
        blocks: &block_events,
        todos: &todos,
        now,
        uid_space: &uid_space,
    }))
}
