//! The contact book: the list with search as you type and filters, a
//! contact's page with its quick-log form, and the add and edit forms.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use chrono::{Duration, Utc};
use kith_core::contact::{ArchivedFilter, Contact, ContactFilter, ContactPatch, ContactSummary};
use kith_core::conversation::{Channel, ConversationKind};
use kith_core::follow_up::Owner;
use kith_core::goal::Goal;
use kith_core::ids::ContactId;
use kith_core::meeting::Meeting;
use kith_core::rules::due::DueEntry;
use kith_core::values::{TagName, TimeZone, optional_text};
use kith_store::MeetingFilter;
use serde::Deserialize;

use kith_app::contact_view::{ContactView, one_off_contacts};
use kith_app::follow_ups::{self, FollowUpInput};
use kith_app::log::{self, LogInput};
use kith_app::resolve::Who;

use super::label::refused;
use super::{
    Chrome, Form, PageError, PageResult, id_from, redirect_with, redirect_with_undo, render,
    render_form_page,
};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::WebError;

/// Contacts per page of the list.
const PAGE: u32 = 50;
/// Conversations on a contact's page.
const TIMELINE: u32 = 30;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    function: String,
    /// `active` (default), `archived`, `all`, `due`, `one-off`.
    #[serde(default)]
    show: String,
    after: Option<String>,
    partial: Option<String>,
    /// `/contacts?due=1` is the dashboard's "all due" link.
    due: Option<String>,
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ListPage {
    chrome: Chrome,
    q: ListQuery,
    tags: Vec<String>,
    rows: Rows,
}

/// Just the results, for search as you type.
#[derive(Template)]
#[template(path = "contact_rows.html")]
struct Partial {
    q: ListQuery,
    rows: Rows,
}

struct Rows {
    contacts: Vec<ContactSummary>,
    /// One page of everyone due, and how many are.
    due: Vec<DueEntry>,
    due_total: usize,
    showing_due: bool,
    next: Option<String>,
    total: Option<i64>,
    empty_hint: &'static str,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Query(mut q): Query<ListQuery>,
) -> PageResult {
    if q.due.is_some() {
        q.show = "due".into();
    }
    let rows = rows(&state, &viewer, &q).await?;
    if q.partial.is_some() {
        return render(&Partial { q, rows });
    }
    let tags = state
        .store
        .tags(viewer.user.id)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    render(&ListPage {
        chrome: Chrome::new(&viewer, "contacts", &headers),
        q,
        tags,
        rows,
    })
}

async fn rows(state: &AppState, viewer: &Viewer, q: &ListQuery) -> Result<Rows, PageError> {
    let store = &state.store;
    let me = &viewer.user;
    let now = Utc::now();
    let blank = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = ContactFilter {
        tag: blank(&q.tag)
            .map(|t| TagName::parse(&t))
            .transpose()
            .map_err(|e| e.in_field("tag"))?,
        organisation: optional_text("org", Some(&q.org), 200)?,
        function: optional_text("function", Some(&q.function), 200)?.map(|f| f.to_lowercase()),
        archived: match q.show.as_str() {
            "archived" => ArchivedFilter::Archived,
            "all" => ArchivedFilter::All,
            _ => ArchivedFilter::Active,
        },
    };
    let mut out = Rows {
        contacts: Vec::new(),
        due: Vec::new(),
        due_total: 0,
        showing_due: false,
        next: None,
        total: None,
        empty_hint: "No contacts match.",
    };
    if let Some(query) = blank(&q.q) {
        out.contacts = store.search_contacts(me.id, &query, PAGE).await?;
        return Ok(out);
    }
    match q.show.as_str() {
        "due" => {
            let ranking = state.memo.ranking(store, me, now).await?;
            let from = match q.after.as_deref().filter(|a| !a.is_empty()) {
                Some(a) => a
                    .parse::<usize>()
                    .map_err(|_| WebError::invalid("after", "is not a position in the list"))?,
                None => 0,
            }
            .min(ranking.due.len());
            let to = (from + PAGE as usize).min(ranking.due.len());
            out.due = ranking.due[from..to].to_vec();
            if to < ranking.due.len() {
                out.next = Some(to.to_string());
            }
            out.due_total = ranking.due.len();
            out.showing_due = true;
            out.empty_hint = "Nobody is due. Quality, not quantity: enjoy the quiet.";
        }
        "one-off" => {
            out.contacts = one_off_contacts(store, me, now, &filter, 500).await?;
            out.empty_hint = "No one-off ties.";
        }
        _ => {
            let after = match q.after.as_deref().filter(|a| !a.is_empty()) {
                Some(a) => {
                    Some(ContactId(a.parse().map_err(|_| {
                        WebError::invalid("after", "is not a contact id")
                    })?))
                }
                None => None,
            };
            let mut page = store.list_contacts(me.id, &filter, after, PAGE + 1).await?;
            if page.len() > PAGE as usize {
                page.truncate(PAGE as usize);
                out.next = page.last().map(|c| c.id.0.to_string());
            }
            if after.is_none() && filter == ContactFilter::default() {
                out.total = Some(store.count_contacts(me.id, ArchivedFilter::Active).await?);
                out.empty_hint = "No contacts yet: add the first one.";
            }
            out.contacts = page;
        }
    }
    Ok(out)
}

impl ListQuery {
    /// The query string for the next page.
    fn next_link(&self, after: &str) -> String {
        serde_urlencoded::to_string([
            ("tag", self.tag.as_str()),
            ("org", self.org.as_str()),
            ("function", self.function.as_str()),
            ("show", self.show.as_str()),
            ("after", after),
        ])
        .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    chrome: Chrome,
    v: ContactView,
    timeline: Vec<super::timeline::TimelineItem>,
    graph: Graph,
    goals: Vec<Goal>,
    channels: &'static [Channel],
    kinds: &'static [ConversationKind],
    snoozed: Option<String>,
    error: Option<String>,
    form: LogForm,
    /// The follow-up form: empty, or what was typed when it was refused.
    follow_up: FollowUpForm,
    /// Why the follow-up form was refused.
    follow_up_error: Option<String>,
    /// Meetings with this contact still to come (or going on).
    meetings: Vec<Meeting>,
    tz: TimeZone,
}

impl ContactPage {
    fn when(&self, at: &chrono::DateTime<Utc>) -> String {
        kith_app::words::date_time(*at, self.tz)
    }
}

/// Who introduced this contact and whom they introduced, as a small SVG.
struct Graph {
    width: u32,
    height: u32,
    nodes: Vec<Node>,
    edges: Vec<(u32, u32, u32, u32)>,
}

struct Node {
    x: u32,
    y: u32,
    label: String,
    href: String,
    me: bool,
}

fn graph(c: &Contact, introduced: &[kith_core::contact::ContactRef]) -> Graph {
    const ROW: u32 = 26;
    let shown = introduced.len().min(8) as u32;
    let height = (shown.max(1) * ROW + 20).max(60);
    let mid = height / 2;
    let mut nodes = vec![Node {
        x: 230,
        y: mid,
        label: c.name.clone(),
        href: format!("/contacts/{}", c.id),
        me: true,
    }];
    let mut edges = Vec::new();
    if let Some(by) = &c.introduced_by {
        nodes.push(Node {
            x: 60,
            y: mid,
            label: by.name.clone(),
            href: format!("/contacts/{}", by.id),
            me: false,
        });
        edges.push((60, mid, 230, mid));
    }
    for (i, person) in introduced.iter().take(8).enumerate() {
        let y = 20 + i as u32 * ROW + (height - 20 - shown * ROW) / 2;
        nodes.push(Node {
            x: 400,
            y,
            label: person.name.clone(),
            href: format!("/contacts/{}", person.id),
            me: false,
        });
        edges.push((230, mid, 400, y));
    }
    Graph {
        width: 520,
        height,
        nodes,
        edges,
    }
}

/// The quick-log form as posted: the same fields as `kith log`.
#[derive(Deserialize, Default, Clone)]
pub struct LogForm {
    #[serde(default)]
    with_others: String,
    #[serde(default)]
    via: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    summary: String,
    /// One per line.
    #[serde(default)]
    todos: String,
    #[serde(default)]
    their_todos: String,
    #[serde(default)]
    by: String,
    loop_back: Option<String>,
    #[serde(default)]
    intros: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    learned: String,
    #[serde(default)]
    goal: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn some(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl LogForm {
    /// The app's input: this contact first, then the others named.
    fn input(&self, contact: ContactId) -> LogInput {
        let others = self
            .with_others
            .split(',')
            .map(|w| Who::Named(w.trim().to_owned()));
        LogInput {
            with: std::iter::once(Who::Id(contact)).chain(others).collect(),
            summary: self.summary.trim().to_owned(),
            via: some(&self.via).unwrap_or_else(|| "video".into()),
            on: some(&self.on),
            minutes: some(&self.minutes),
            todos: lines(&self.todos),
            their_todos: lines(&self.their_todos),
            by: some(&self.by),
            loop_back: self.loop_back.is_some(),
            intros: lines(&self.intros),
            kind: some(&self.kind),
            learned: lines(&self.learned),
            goal: some(&self.goal),
        }
    }
}

async fn contact_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    id: ContactId,
    error: Option<String>,
    form: LogForm,
    follow_up: Option<(FollowUpForm, String)>,
) -> PageResult {
    let now = Utc::now();
    let me = &viewer.user;
    let v = ContactView::load(&state.store, me, now, id, TIMELINE).await?;
    let tz = me.timezone;
    let timeline = super::timeline::timeline(&v, id, tz);
    let goals = state
        .store
        .goals(me.id, false)
        .await?
        .into_iter()
        .map(|(g, _)| g)
        .collect();
    let snoozed = v
        .contact
        .snoozed_until
        .filter(|t| *t > now)
        .map(|t| kith_app::words::date(t, tz));
    let graph = graph(&v.contact, &v.introduced);
    let (follow_up, follow_up_error) = match follow_up {
        Some((form, why)) => (form, Some(why)),
        None => (FollowUpForm::default(), None),
    };
    let refused = error.is_some() || follow_up_error.is_some();
    let meetings = state
        .store
        .meetings(
            me.id,
            &MeetingFilter {
                ends_after: Some(now),
                attendee: Some(id),
                ..MeetingFilter::default()
            },
        )
        .await?;
    render_form_page(
        &ContactPage {
            chrome: Chrome::new(viewer, "contacts", headers),
            v,
            timeline,
            graph,
            goals,
            channels: Channel::ALL,
            kinds: ConversationKind::ALL,
            snoozed,
            error,
            form,
            follow_up,
            follow_up_error,
            meetings,
            tz,
        },
        refused,
    )
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let id = ContactId(id_from(&id)?);
    contact_page(
        &state,
        &viewer,
        &headers,
        id,
        None,
        LogForm::default(),
        None,
    )
    .await
}

/// The quick-log form: a conversation and its homework in one submit.
pub async fn log(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<LogForm>,
) -> PageResult {
    let id = ContactId(id_from(&id)?);
    // The contact must be the viewer's before anything else is looked at.
    state.store.contact(viewer.user.id, id).await?;
    let logged = match log::log(&state.store, &viewer.user, Utc::now(), &form.input(id)).await {
        Ok((_, logged)) => logged,
        Err(e) => {
            let (error, _) = refused(e)?;
            return contact_page(&state, &viewer, &headers, id, Some(error), form, None).await;
        }
    };
    let homework = logged.follow_ups.len();
    let text = match homework {
        0 => "Conversation logged.".to_owned(),
        1 => "Conversation logged with 1 follow-up.".to_owned(),
        n => format!("Conversation logged with {n} follow-ups."),
    };
    // `#top`: the page opens at the message, not at the form the browser
    // posted from (its action ends in `#log`).
    Ok(redirect_with(&format!("/contacts/{id}#top"), &text))
}

#[derive(Deserialize, Default)]
pub struct FollowUpForm {
    title: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    by: String,
    loop_back: Option<String>,
}

pub async fn add_follow_up(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<FollowUpForm>,
) -> PageResult {
    let id = ContactId(id_from(&id)?);
    // The contact must be the viewer's before anything else is looked at.
    state.store.contact(viewer.user.id, id).await?;
    let input = FollowUpInput {
        contact: Who::Id(id),
        title: form.title.clone(),
        owner: if form.owner == "them" {
            Owner::Them
        } else {
            Owner::Me
        },
        by: some(&form.by),
        loop_back: form.loop_back.is_some(),
    };
    if let Err(e) = follow_ups::add(&state.store, &viewer.user, Utc::now(), &input).await {
        // The page again, with the form open, what was typed kept, and why.
        let (why, _) = refused(e)?;
        return contact_page(
            &state,
            &viewer,
            &headers,
            id,
            None,
            LogForm::default(),
            Some((form, why)),
        )
        .await;
    }
    Ok(redirect_with(
        &format!("/contacts/{id}#top"),
        "Follow-up added.",
    ))
}

#[derive(Deserialize)]
pub struct SnoozeForm {
    /// Days; 0 wakes the contact.
    days: u32,
}

pub async fn snooze(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<SnoozeForm>,
) -> PageResult {
    let id = ContactId(id_from(&id)?);
    if form.days > 3650 {
        return Err(WebError::invalid("days", "must be at most 3650").into());
    }
    let until = (form.days > 0).then(|| Utc::now() + Duration::days(form.days.into()));
    state.store.set_snooze(viewer.user.id, id, until).await?;
    let text = match until {
        Some(_) => format!("Snoozed for {} days.", form.days),
        None => "Awake again.".to_owned(),
    };
    Ok(redirect_with(&format!("/contacts/{id}"), &text))
}

async fn set_archived(state: &AppState, viewer: &Viewer, id: &str, archived: bool) -> PageResult {
    let id = ContactId(id_from(id)?);
    let patch = ContactPatch {
        archived: Some(archived),
        ..ContactPatch::default()
    };
    let c = state
        .store
        .update_contact(viewer.user.id, id, &patch, chrono::Utc::now())
        .await?;
    let verb = if archived { "Archived" } else { "Restored" };
    Ok(redirect_with(
        &format!("/contacts/{id}"),
        &format!("{verb} {}.", c.name),
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id = ContactId(id_from(&id)?);
    let contact = state.store.contact(viewer.user.id, id).await?;
    state
        .store
        .delete_contact(viewer.user.id, id, chrono::Utc::now())
        .await?;
    Ok(redirect_with(
        "/contacts",
        &format!("Deleted {}.", contact.name),
    ))
}

pub async fn archive(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id = ContactId(id_from(&id)?);
    let c = state.store.contact(viewer.user.id, id).await?;
    let undo = state
        .store
        .archive_contact(viewer.user.id, id, chrono::Utc::now())
        .await?;
    Ok(redirect_with_undo(
        &format!("/contacts/{id}"),
        &format!("Archived {}.", c.name),
        undo.map(|u| u.id),
    ))
}

pub async fn unarchive(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    set_archived(&state, &viewer, &id, false).await
}
