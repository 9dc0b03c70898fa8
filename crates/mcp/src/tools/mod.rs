//! The tools: each reads its arguments (a JSON Schema from the type), hands
//! them to the same `kith_app` use case the command line and the web call,
//! and answers with a JSON Schema'd object in `kith_app::json`'s shapes, or
//! with a tool error naming the argument to fix.
//!
//! The tools that only read ([`read`], annotated so) are offered to a
//! read-only token; those in [`write`] change data, through the same
//! validation and the same undo as the web.

mod read;
mod write;

use chrono::Utc;
use kith_app::AppError;
use kith_app::Field;
use kith_app::contact_view::ContactView;
use kith_app::resolve::{self, Who};
use kith_app::tokens::ApiAccess;
use rmcp::handler::server::router::tool::ToolRouter;
use serde::Serialize;
use serde_json::Value;

use crate::Kith;
use crate::errors::Refusal;

pub(crate) use read::today_of;

/// At most this many of a list at once.
const MAX_LIMIT: u32 = 200;

fn limit(value: Option<u32>, default: u32) -> Result<u32, Refusal> {
    match value.unwrap_or(default) {
        n if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        n => Err(format!(
            "invalid limit: {n} is not between 1 and {MAX_LIMIT}"
        )),
    }
}

/// `text` as a contact a person named, refused when empty.
fn named(argument: &str, text: &str) -> Result<Who, Refusal> {
    if text.trim().is_empty() {
        return Err(format!(
            "invalid {argument}: give a contact's id (#12) or part of their name"
        ));
    }
    Ok(Who::Named(text.to_owned()))
}

fn to_value(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Kith {
    /// Every tool: those that only read, then those that write.
    pub(crate) fn tool_router() -> ToolRouter<Kith> {
        Kith::read_tools() + Kith::write_tools()
    }

    /// One contact's page, as `show_contact` and the prompt use it.
    pub(crate) async fn contact_view(
        &self,
        me: &ApiAccess,
        who: &Who,
    ) -> Result<ContactView, AppError> {
        let target = resolve::who(&self.store, me.user.id, who, Field::Contact).await?;
        ContactView::load(&self.store, &me.user, Utc::now(), target.id, 10).await
    }
}
