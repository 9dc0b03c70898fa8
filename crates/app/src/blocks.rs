//! Outreach blocks: a recurring time for reaching out (weekdays, a start
//! in the user's zone, a length and how many people), checked.

use kith_core::ids::UserId;
use kith_core::outreach::{NewOutreachBlock, Weekdays, parse_time};
use kith_store::Store;

use crate::error::invalid;
use crate::error::{AppError, Field};
use crate::goals;

/// A block as a person describes it, before it is checked.
#[derive(Debug, Clone)]
pub struct NewBlockInput {
    /// `tue,thu` or `mon-fri`.
    pub days: String,
    /// `08:30`, in the user's time zone.
    pub at: String,
    /// 5 to 480.
    pub minutes: u32,
    /// People per block, 1 to 20.
    pub capacity: u32,
    /// A goal (id or part of its title) whose people go first.
    pub goal: Option<String>,
}

/// The block `input` describes, checked.
pub async fn new_block(
    store: &Store,
    user: UserId,
    input: &NewBlockInput,
) -> Result<NewOutreachBlock, AppError> {
    let weekdays = Weekdays::parse(&input.days).map_err(invalid(Field::BlockDays))?;
    let at = parse_time("at", &input.at).map_err(invalid(Field::BlockAt))?;
    let goal = match &input.goal {
        Some(g) => Some(goals::find_in_field(store, user, g, Field::Goal).await?.id),
        None => None,
    };
    // Core checks the length and the capacity, and says which by its word.
    NewOutreachBlock::new(weekdays, at, input.minutes, input.capacity, goal).map_err(|e| {
        let field = match e.field.as_str() {
            "capacity" => Field::BlockCapacity,
            _ => Field::BlockMinutes,
        };
        invalid(field)(e)
    })
}
