//! An [`AppError`] as a tool error the assistant can read and act on: the
//! argument to fix by its name in the tool's input, the candidates of an
//! ambiguous name, the names close to a misspelt one. A fault of ours is
//! logged and said in general words only.

use kith_app::{AppError, Field};

/// What a tool answers instead of its output: the text of a tool error
/// (`isError`), never a failure of the protocol.
pub type Refusal = String;

/// `e` in the words of a tool whose arguments are named by `names`
/// (`Field` → argument); what `names` leaves out has a name every tool
/// shares, and an error about no argument in particular is blamed on
/// `primary`, the argument the tool is about.
pub fn refusal(e: AppError, names: &[(Field, &str)], primary: &str) -> Refusal {
    let name = |field: &Field| -> String {
        names
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, n)| (*n).to_owned())
            .unwrap_or_else(|| shared_name(field))
    };
    match e {
        AppError::Invalid { field, message } => format!("invalid {}: {message}", name(&field)),
        AppError::Missing { field, message } => format!("{}: {message}", name(&field)),
        AppError::NotFound { ref field, .. } | AppError::Ambiguous { ref field, .. } => {
            let blamed = field.as_ref().map_or_else(|| primary.to_owned(), name);
            format!("{blamed}: {e}")
        }
        AppError::Internal(cause) => {
            tracing::error!(error = %cause, "mcp: a tool failed");
            "something went wrong on our side; try again, and tell the server's administrator if it keeps happening".into()
        }
        other => other.to_string(),
    }
}

/// The argument names the tools share for the same input.
fn shared_name(field: &Field) -> String {
    match field {
        Field::Contact | Field::OrgContact => "contact",
        Field::With | Field::Attendees => "with",
        Field::Via => "via",
        Field::When => "when",
        Field::Minutes | Field::MeetingMinutes => "minutes",
        Field::Summary => "summary",
        Field::MyTodo => "my_todos",
        Field::TheirTodo => "their_todos",
        Field::DueBy | Field::TodoOptions => "by",
        Field::Intro => "introductions",
        Field::ConversationKind => "kind",
        Field::Learned => "learned",
        Field::Goal => "goal",
        Field::FollowUpTitle | Field::MeetingTitle => "title",
        Field::MeetingAt => "at",
        Field::MeetingHow => "how",
        Field::MeetingMode(_) => "detail",
        Field::Meeting => "meeting",
        Field::Query => "query",
        Field::Weeks => "weeks",
        Field::Version => "version",
        other => return other.to_string(),
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kith_app::{Candidate, Key};

    #[test]
    fn an_invalid_argument_is_named_as_the_tool_names_it() {
        let e = AppError::Invalid {
            field: Field::Via,
            message: "'pigeon' is not a channel".into(),
        };
        assert_eq!(
            refusal(e, &[], "with"),
            "invalid via: 'pigeon' is not a channel"
        );
        let e = AppError::Invalid {
            field: Field::When,
            message: "2020-01-01 is not in the future".into(),
        };
        assert_eq!(
            refusal(e, &[(Field::When, "until")], "contact"),
            "invalid until: 2020-01-01 is not in the future"
        );
    }

    #[test]
    fn an_ambiguous_name_lists_the_candidates() {
        let e = AppError::Ambiguous {
            what: "contact",
            query: "jo".into(),
            candidates: vec![
                Candidate {
                    id: 1,
                    name: "Jo Adams".into(),
                },
                Candidate {
                    id: 2,
                    name: "Jo Brown".into(),
                },
            ],
            more: false,
            field: Some(Field::With),
        };
        let text = refusal(e, &[], "contact");
        assert!(
            text.starts_with("with: 'jo' matches several contacts"),
            "{text}"
        );
        assert!(text.contains("Jo Adams (#1), Jo Brown (#2)"), "{text}");
    }

    #[test]
    fn a_misspelt_name_offers_the_close_ones_and_a_fault_says_nothing_inside() {
        let e = AppError::NotFound {
            what: "contact",
            key: Key::Misspelt {
                name: "jnae".into(),
                close: vec![Candidate {
                    id: 3,
                    name: "Jane Doe".into(),
                }],
            },
            field: None,
        };
        assert_eq!(
            refusal(e, &[], "contact"),
            "contact: no contact matches 'jnae'; did you mean Jane Doe (#3)?"
        );
        let e = AppError::Internal("connection reset by peer at 10.0.0.7".into());
        assert!(!refusal(e, &[], "contact").contains("10.0.0.7"));
    }
}
