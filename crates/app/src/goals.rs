//! Goals: naming one (by id or an unambiguous part of its title), checking
//! a new one, and everything its page tells (progress, people, recent
//! conversations, what was learned, who to talk to next).

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::contact::ContactRef;
use kith_core::conversation::Conversation;
use kith_core::goal::{Goal, GoalKind, NewGoal};
use kith_core::ids::{GoalId, UserId};
use kith_core::rules::coverage::canonical_function;
use kith_core::rules::goals::{Progress, Suggestion, SuggestionKind, progress, suggestions};
use kith_core::rules::learning::{Learned, aggregate};
use kith_core::user::User;
use kith_core::values::{optional_text, sort_key};
use kith_core::when::parse_date;
use kith_store::{NetworkScope, Store, StoreError};

use crate::agenda::today;
use serde_json::json;

use crate::error::{AppError, Candidate, Field, Key, invalid};
use crate::json;

/// How many people a goal's page suggests.
const SUGGESTIONS: usize = 8;
/// How many candidates an ambiguous goal name lists.
const SHOWN: usize = 8;

/// A goal named by id (`3`, `#3`) or by an unambiguous part of its title.
pub async fn find(store: &Store, user: UserId, input: &str) -> Result<Goal, AppError> {
    let input = input.trim();
    if let Ok(id) = input.trim_start_matches('#').parse::<i64>() {
        return match store.goal(user, GoalId(id)).await {
            Ok((goal, _)) => Ok(goal),
            Err(StoreError::NotFound { .. }) => Err(AppError::NotFound {
                what: "goal",
                key: Key::Id(id),
                field: None,
            }),
            Err(e) => Err(e.into()),
        };
    }
    let key = sort_key(input);
    let found: Vec<Goal> = store
        .goals(user, true)
        .await?
        .into_iter()
        .map(|(g, _)| g)
        .filter(|g| sort_key(&g.title).contains(&key))
        .collect();
    match found.as_slice() {
        [] => Err(AppError::NotFound {
            what: "goal",
            key: Key::Name(input.to_owned()),
            field: None,
        }),
        [one] => Ok(one.clone()),
        many => Err(AppError::Ambiguous {
            what: "goal",
            query: input.to_owned(),
            candidates: many
                .iter()
                .take(SHOWN)
                .map(|g| Candidate {
                    id: g.id.0,
                    name: g.title.clone(),
                })
                .collect(),
            more: many.len() > SHOWN,
            field: None,
        }),
    }
}

/// [`find`] for a goal named in `field`: a goal that is not there, or a
/// name that fits several, is that input's mistake (`Invalid`), not a
/// missing page.
pub async fn find_in_field(
    store: &Store,
    user: UserId,
    input: &str,
    field: Field,
) -> Result<Goal, AppError> {
    find(store, user, input).await.map_err(|e| match e {
        AppError::NotFound { .. } | AppError::Ambiguous { .. } => AppError::Invalid {
            field,
            message: e.to_string(),
        },
        other => other,
    })
}

/// A goal as a person describes it, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct NewGoalInput {
    pub title: String,
    /// `new-role`, `new-skill`, `industry-change`, `reconnect`, `internal`
    /// or `custom`.
    pub kind: String,
    pub industry: Option<String>,
    pub function: Option<String>,
    pub company: Option<String>,
    pub skill: Option<String>,
    /// A date after `today`, in any form `parse_date` takes.
    pub by: Option<String>,
    /// How many conversations count as success: 1 to 1000.
    pub target: Option<u32>,
}

fn aim(field: Field, value: &Option<String>) -> Result<Option<String>, AppError> {
    optional_text("text", value.as_deref(), 200).map_err(invalid(field))
}

/// The goal `input` describes, checked; `today` is the user's date.
pub fn new_goal(input: &NewGoalInput, today: NaiveDate) -> Result<NewGoal, AppError> {
    let kind = GoalKind::parse(&input.kind).map_err(invalid(Field::GoalKind))?;
    let due_on = input
        .by
        .as_deref()
        .map(|by| parse_date("by", by, today).map_err(invalid(Field::GoalBy)))
        .transpose()?;
    if let Some(due) = due_on.filter(|d| *d <= today) {
        return Err(AppError::Invalid {
            field: Field::GoalBy,
            message: format!("{due} is not in the future"),
        });
    }
    if let Some(target) = input.target.filter(|t| !(1..=1000).contains(t)) {
        return Err(AppError::Invalid {
            field: Field::GoalTarget,
            message: format!("{target} is not between 1 and 1000"),
        });
    }
    Ok(NewGoal {
        kind,
        title: crate::follow_ups::title(Field::GoalTitle, &input.title)?,
        industry: aim(Field::GoalIndustry, &input.industry)?.map(|i| i.to_lowercase()),
        function: aim(Field::GoalFunction, &input.function)?.map(|f| canonical_function(&f)),
        company: aim(Field::GoalCompany, &input.company)?,
        skill: aim(Field::GoalSkill, &input.skill)?,
        target_count: input.target,
        due_on,
    })
}

/// Everything a goal's page (and `goal show`) tells about one goal.
pub struct GoalView {
    pub goal: Goal,
    pub progress: Progress,
    pub people: Vec<ContactRef>,
    pub conversations: Vec<Conversation>,
    pub learned: Vec<Learned>,
    pub next: Vec<Suggestion>,
}

impl GoalView {
    pub async fn load(
        store: &Store,
        me: &User,
        now: DateTime<Utc>,
        id: GoalId,
    ) -> Result<GoalView, AppError> {
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

    /// The goal's page as JSON: the goal and its progress, the people and
    /// recent conversations linked to it, what was learned, and who to
    /// talk to next (with whoever can introduce you).
    pub fn json(&self) -> serde_json::Value {
        let mut value = json::goal(&self.goal, &self.progress);
        value["people"] = self.people.iter().map(json::contact_ref).collect();
        value["recent_conversations"] = self.conversations.iter().map(json::conversation).collect();
        value["learned"] = self
            .learned
            .iter()
            .map(|l| json!({ "kind": l.kind.as_str(), "text": l.text, "count": l.count, "from": l.from }))
            .collect();
        value["suggestions"] = self
            .next
            .iter()
            .map(|s| {
                let via = match &s.kind {
                    SuggestionKind::Direct => serde_json::Value::Null,
                    SuggestionKind::ViaIntroduction { via, via_name } => json!({ "id": via.0, "name": via_name }),
                };
                json!({ "contact": { "id": s.contact.0, "name": s.name }, "via": via, "why": s.why, "score": s.score })
            })
            .collect();
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(input: NewGoalInput) -> (Field, String) {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        match new_goal(&input, today) {
            Err(AppError::Invalid { field, message }) => (field, message),
            other => panic!("not refused as invalid: {other:?}"),
        }
    }

    fn goal(kind: &str, title: &str) -> NewGoalInput {
        NewGoalInput {
            title: title.into(),
            kind: kind.into(),
            ..NewGoalInput::default()
        }
    }

    #[test]
    fn each_refusal_names_its_field() {
        assert_eq!(refused(goal("fame", "x")).0, Field::GoalKind);
        assert_eq!(refused(goal("custom", " ")).0, Field::GoalTitle);
        let past = NewGoalInput {
            by: Some("2026-11-30".into()),
            ..goal("custom", "x")
        };
        assert_eq!(
            refused(past),
            (Field::GoalBy, "2026-11-30 is not in the future".into())
        );
        let zero = NewGoalInput {
            target: Some(0),
            ..goal("custom", "x")
        };
        assert_eq!(
            refused(zero),
            (Field::GoalTarget, "0 is not between 1 and 1000".into())
        );
        let long = NewGoalInput {
            skill: Some("s".repeat(201)),
            ..goal("custom", "x")
        };
        assert_eq!(refused(long).0, Field::GoalSkill);
    }

    #[test]
    fn aims_are_stored_in_their_canonical_form() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let input = NewGoalInput {
            industry: Some("FinTech".into()),
            target: Some(10),
            by: Some("2027-03-01".into()),
            ..goal("industry-change", "  Move into product ")
        };
        let g = new_goal(&input, today).unwrap();
        assert_eq!(g.title, "Move into product");
        assert_eq!(g.industry.as_deref(), Some("fintech"));
        assert_eq!(g.due_on, NaiveDate::from_ymd_opt(2027, 3, 1));
    }
}
