//! The prompt "prepare me for my meeting with NAME": what Kith knows of
//! the person, and what to make of it.

use kith_app::resolve::Who;
use kith_app::tokens::ApiAccess;
use rmcp::ErrorData;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResult, Prompt, PromptArgument, PromptMessage, Role,
};

use crate::Kith;
use crate::errors::refusal;

const PREPARE: &str = "prepare_meeting";

pub fn listed() -> Vec<Prompt> {
    vec![Prompt::new(
        PREPARE,
        Some(
            "Prepare me for my meeting with NAME: what we last talked about, open homework both ways, and what to ask.",
        ),
        Some(vec![
            PromptArgument::new("name")
                .with_description("Whom the meeting is with: an id (#12) or part of their name.")
                .with_required(true),
        ]),
    )]
}

pub async fn get(
    kith: &Kith,
    me: &ApiAccess,
    request: &GetPromptRequestParams,
) -> Result<GetPromptResult, ErrorData> {
    if request.name != PREPARE {
        return Err(ErrorData::invalid_params(
            format!("no prompt {}", request.name),
            None,
        ));
    }
    let name = request
        .arguments
        .as_ref()
        .and_then(|a| a.get("name"))
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ErrorData::invalid_params("name: give whom the meeting is with", None))?;
    let view = kith
        .contact_view(me, &Who::Named(name.to_owned()))
        .await
        .map_err(|e| ErrorData::invalid_params(refusal(e, &[], "name"), None))?;
    let known = serde_json::to_string_pretty(&view.json())
        .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
    let text = format!(
        "Prepare me for my meeting with {name}. Here is what my CRM (Kith) knows about them, as JSON:\n\n{known}\n\n\
         Give me a short brief: who they are, what we last talked about and when, \
         how the relationship stands ({due}; health {score}/100), what I owe them and what they owe me \
         (open follow-ups), anyone they introduced me to, and three good questions or topics for this meeting.",
        name = view.contact.name,
        due = view.due_text(),
        score = view.health.score,
    );
    Ok(
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(format!("Prepare for a meeting with {}", view.contact.name)),
    )
}
