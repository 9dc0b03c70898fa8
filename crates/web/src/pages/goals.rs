//! Goals (progress, who to talk to next, what I learned) and my
//! organisation's coverage.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::Utc;
use kith_core::goal::{Goal, GoalKind, GoalStatus};
use kith_core::ids::GoalId;
use kith_core::rules::goals::{Progress, SuggestionKind, progress};
use serde::Deserialize;

use super::{
    Chrome, Form, PageResult, id_from, redirect_with, redirect_with_error, render, render_form_page,
};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::WebError;
use kith_app::agenda::today;
use kith_app::coverage::{Coverage, WorkedInput, employment};
use kith_app::goals::{GoalView, NewGoalInput, new_goal};
use kith_app::{Field, resolve};

#[derive(Template)]
#[template(path = "goals.html")]
struct GoalsPage {
    chrome: Chrome,
    goals: Vec<(Goal, Progress)>,
    kinds: &'static [GoalKind],
    /// The goal form: empty, or what was typed when it was refused.
    form: GoalForm,
    /// Why the goal form was refused.
    error: Option<String>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    goals_page(&state, &viewer, &headers, None).await
}

async fn goals_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    refused: Option<(GoalForm, String)>,
) -> PageResult {
    let date = today(Utc::now(), viewer.user.timezone);
    let goals = state
        .store
        .goals(viewer.user.id, true)
        .await?
        .into_iter()
        .map(|(g, n)| {
            let p = progress(&g, n, date);
            (g, p)
        })
        .collect();
    let (form, error) = match refused {
        Some((form, why)) => (form, Some(why)),
        None => (GoalForm::default(), None),
    };
    let is_refused = error.is_some();
    render_form_page(
        &GoalsPage {
            chrome: Chrome::new(viewer, "goals", headers),
            goals,
            kinds: GoalKind::ALL,
            form,
            error,
        },
        is_refused,
    )
}

#[derive(Deserialize, Default)]
pub struct GoalForm {
    title: String,
    kind: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    function: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    skill: String,
    #[serde(default)]
    by: String,
    #[serde(default)]
    target: String,
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<GoalForm>,
) -> PageResult {
    let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let target = match some(&form.target) {
        Some(t) => match t.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                let why = format!("invalid target: '{t}' is not a whole number");
                return goals_page(&state, &viewer, &headers, Some((form, why))).await;
            }
        },
        None => None,
    };
    let draft = NewGoalInput {
        title: form.title.clone(),
        kind: form.kind.clone(),
        industry: some(&form.industry),
        function: some(&form.function),
        company: some(&form.company),
        skill: some(&form.skill),
        by: some(&form.by),
        target,
    };
    let now = Utc::now();
    let goal = match new_goal(&draft, today(now, viewer.user.timezone)) {
        Ok(g) => g,
        Err(e) => {
            let why = WebError::from(e).message();
            return goals_page(&state, &viewer, &headers, Some((form, why))).await;
        }
    };
    let id = state
        .store
        .add_goal(viewer.user.id, &goal, GoalStatus::Active, now)
        .await?;
    Ok(redirect_with(&format!("/goals/{id}"), "Goal added."))
}

#[derive(Template)]
#[template(path = "goal.html")]
struct GoalPage {
    chrome: Chrome,
    v: GoalView,
    tz: kith_core::values::TimeZone,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let id = GoalId(id_from(&id)?);
    let v = GoalView::load(&state.store, &viewer.user, Utc::now(), id).await?;
    render(&GoalPage {
        chrome: Chrome::new(&viewer, "goals", &headers),
        v,
        tz: viewer.user.timezone,
    })
}

impl GoalPage {
    fn via(&self, kind: &SuggestionKind) -> Option<(i64, String)> {
        match kind {
            SuggestionKind::Direct => None,
            SuggestionKind::ViaIntroduction { via, via_name } => Some((via.0, via_name.clone())),
        }
    }

    fn when(&self, at: &chrono::DateTime<Utc>) -> String {
        kith_app::words::date(*at, self.tz)
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> PageResult {
    let id = GoalId(id_from(&id)?);
    let status = GoalStatus::parse(&form.status)?;
    state
        .store
        .set_goal_status(viewer.user.id, id, status, chrono::Utc::now())
        .await?;
    Ok(redirect_with(
        &format!("/goals/{id}"),
        &format!("Goal marked {status}."),
    ))
}

#[derive(Deserialize)]
pub struct LinkForm {
    contact: String,
}

pub async fn link(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<LinkForm>,
) -> PageResult {
    let id = GoalId(id_from(&id)?);
    state.store.goal(viewer.user.id, id).await?;
    let back = format!("/goals/{id}");
    let found =
        resolve::contact_in_field(&state.store, viewer.user.id, &form.contact, Field::Contact);
    let contact = match found.await.map_err(WebError::from) {
        Ok(c) => c,
        Err(WebError::Internal(e)) => return Err(WebError::Internal(e).into()),
        Err(e) => return Ok(redirect_with_error(&back, &e.message())),
    };
    state
        .store
        .link_goal(viewer.user.id, id, &[contact.id], &[])
        .await?;
    Ok(redirect_with(&back, &format!("Linked {}.", contact.name)))
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    chrome: Chrome,
    coverage: Option<Coverage>,
    tz: kith_core::values::TimeZone,
}

impl OrganisationPage {
    fn when(&self, at: &Option<chrono::DateTime<Utc>>) -> String {
        at.map(|t| kith_app::words::date(t, self.tz))
            .unwrap_or_default()
    }
}

pub async fn organisation(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> PageResult {
    let coverage = Coverage::load(&state.store, viewer.user.id, Utc::now()).await?;
    render(&OrganisationPage {
        chrome: Chrome::new(&viewer, "organisation", &headers),
        coverage,
        tz: viewer.user.timezone,
    })
}

#[derive(Deserialize)]
pub struct WorkedForm {
    organisation: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    title: String,
}

/// Where I worked before: reconnect goals find former colleagues by it.
pub async fn worked(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<WorkedForm>,
) -> PageResult {
    let year = |field: &str, text: &str| -> Result<Option<i32>, WebError> {
        match text.trim() {
            "" => Ok(None),
            y => y
                .parse()
                .map(Some)
                .map_err(|_| WebError::invalid(field, format!("'{y}' is not a year"))),
        }
    };
    let draft = match (year("from", &form.from), year("to", &form.to)) {
        (Ok(from), Ok(to)) => WorkedInput {
            organisation: form.organisation.clone(),
            from,
            to,
            title: Some(form.title.clone()).filter(|t| !t.trim().is_empty()),
            contact: None,
        },
        (Err(e), _) | (_, Err(e)) => return Ok(redirect_with_error("/organisation", &e.message())),
    };
    match employment(&state.store, &viewer.user, Utc::now(), &draft).await {
        Ok((record, _)) => {
            state
                .store
                .add_employments(viewer.user.id, &[record], chrono::Utc::now())
                .await?;
            Ok(redirect_with(
                "/organisation",
                &format!("Noted: you worked at {}.", form.organisation.trim()),
            ))
        }
        Err(e) => Ok(redirect_with_error(
            "/organisation",
            &WebError::from(e).message(),
        )),
    }
}

#[derive(Deserialize)]
pub struct MineForm {
    organisation: String,
}

pub async fn set_mine(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<MineForm>,
) -> PageResult {
    let name = kith_core::values::optional_text("organisation", Some(&form.organisation), 200)?
        .ok_or_else(|| WebError::invalid("organisation", "must not be empty"))?;
    state
        .store
        .set_my_organisation(viewer.user.id, &name, chrono::Utc::now())
        .await?;
    Ok(redirect_with(
        "/organisation",
        &format!("Your organisation is {name}."),
    ))
}
