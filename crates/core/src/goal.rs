//! Networking goals that steer the outreach.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ids::GoalId;

word_enum! {
    pub enum GoalKind ("goal kind") {
        NewRole = "new-role" | "role" | "job",
        NewSkill = "new-skill" | "skill",
        IndustryChange = "industry-change" | "industry" | "function-change",
        Reconnect = "reconnect",
        Internal = "internal" | "visibility",
        Custom = "custom",
    }
}

impl GoalKind {
    /// The kind in words, as a page shows it.
    pub fn label(self) -> &'static str {
        match self {
            GoalKind::NewRole => "A new role",
            GoalKind::NewSkill => "A new skill",
            GoalKind::IndustryChange => "Another industry or function",
            GoalKind::Reconnect => "Reconnecting",
            GoalKind::Internal => "Visibility at work",
            GoalKind::Custom => "Something else",
        }
    }
}

word_enum! {
    pub enum GoalStatus ("goal status") {
        Active = "active",
        Done = "done",
        Dropped = "dropped",
    }
}

/// A validated goal, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGoal {
    pub kind: GoalKind,
    pub title: String,
    pub industry: Option<String>,
    pub function: Option<String>,
    pub company: Option<String>,
    pub skill: Option<String>,
    pub target_count: Option<u32>,
    pub due_on: Option<NaiveDate>,
}

/// A goal as stored: what it aims at and how success is counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: GoalId,
    pub kind: GoalKind,
    pub title: String,
    pub industry: Option<String>,
    pub function: Option<String>,
    pub company: Option<String>,
    pub skill: Option<String>,
    /// How many linked conversations count as success.
    pub target_count: Option<u32>,
    pub due_on: Option<NaiveDate>,
    pub status: GoalStatus,
    pub created_at: DateTime<Utc>,
}
