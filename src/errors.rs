//! How the command line says an error: an application error by its type, in
//! the command line's terms (flags, and what to type next); anything else as
//! its chain of causes.

use kith_app::meetings::How;
use kith_app::{AppError, Field, Key};

/// The one line `kith` prints for `error` (after "kith: ").
pub fn message(error: &anyhow::Error) -> String {
    let text = match error.downcast_ref::<AppError>() {
        Some(app) => app_message(app).unwrap_or_else(|| format!("{error:#}")),
        None => format!("{error:#}"),
    };
    text.replace('\n', " ")
}

/// The flag (or, without one, the word) the command line names `field` by.
fn name(field: &Field) -> String {
    flag(field).map_or_else(|| field.to_string(), str::to_owned)
}

/// The flag that gave `field`, if a flag did (a positional argument has none).
fn flag(field: &Field) -> Option<&'static str> {
    match field {
        Field::IntroducedBy => Some("--introduced-by"),
        Field::NewName | Field::TokenName => Some("--name"),
        Field::Database => Some("--database-url"),
        Field::Durability => Some("--sqlite-synchronous"),
        Field::OrgContact => Some("--contact"),
        Field::Username => Some("--username"),
        Field::DisplayName => Some("--name"),
        Field::AccountEmail => Some("--email"),
        Field::TimeZone => Some("--timezone"),
        Field::DefaultCadence | Field::RhythmEvery => Some("--every"),
        Field::JitsiServer => Some("--jitsi"),
        Field::DigestDays => Some("--days"),
        Field::DigestAt => Some("--at"),
        Field::DigestTo => Some("--to"),
        Field::Version => Some("--version"),
        Field::Email => Some("--email"),
        Field::Phone => Some("--phone"),
        Field::Link => Some("--link"),
        Field::Tag => Some("--tag"),
        Field::Organisation => Some("--org"),
        Field::JobTitle => Some("--title"),
        Field::Function => Some("--function"),
        Field::Industry => Some("--industry"),
        Field::Location => Some("--location"),
        Field::Birthday => Some("--birthday"),
        Field::HowMet => Some("--met"),
        Field::Notes => Some("--notes"),
        Field::Cadence => Some("--every"),
        Field::GivenName => Some("--given-name"),
        Field::FamilyName => Some("--family-name"),
        Field::Nickname => Some("--nickname"),
        Field::RemoveEmail => Some("--remove-email"),
        Field::RemovePhone => Some("--remove-phone"),
        Field::RemoveLink => Some("--remove-link"),
        Field::RemoveTag => Some("--untag"),
        Field::Via => Some("--via"),
        Field::When => Some("--on"),
        Field::Minutes => Some("--minutes"),
        Field::MyTodo => Some("--todo"),
        Field::TheirTodo => Some("--their-todo"),
        Field::DueBy => Some("--by"),
        Field::TodoOptions => Some("--by/--loop-back"),
        Field::Intro => Some("--intro"),
        Field::ConversationKind => Some("--kind"),
        Field::Learned => Some("--learned"),
        Field::Goal => Some("--goal"),
        Field::GoalKind => Some("--kind"),
        Field::GoalIndustry => Some("--industry"),
        Field::GoalFunction => Some("--function"),
        Field::GoalCompany => Some("--company"),
        Field::GoalSkill => Some("--skill"),
        Field::GoalTarget => Some("--target"),
        Field::GoalBy => Some("--by"),
        Field::WorkedFrom => Some("--from"),
        Field::WorkedTo => Some("--to"),
        Field::WorkedTitle | Field::MeetingTitle => Some("--title"),
        Field::MeetingAt | Field::BlockAt => Some("--at"),
        Field::MeetingMinutes | Field::BlockMinutes => Some("--minutes"),
        Field::MeetingMode(how) => Some(match how {
            How::Where => "--where",
            How::Zoom => "--zoom",
            How::Meet => "--meet",
            How::Teams => "--teams",
            How::Jitsi => "--jitsi",
            How::Phone => "--phone",
        }),
        Field::BlockDays => Some("--days"),
        Field::BlockCapacity => Some("--capacity"),
        Field::Weeks => Some("--weeks"),
        _ => None,
    }
}

/// How to give a missing value from the command line.
fn where_to(field: &Field) -> String {
    match field {
        Field::DigestTo => {
            "give one with --to ADDRESS, or set your account's with kith settings --email ADDRESS"
                .into()
        }
        Field::AccountEmail => "set it with kith settings --email ADDRESS".into(),
        Field::Attendees => "add one with kith edit NAME --email ADDRESS".into(),
        other => format!("give {}", name(other)),
    }
}

fn app_message(e: &AppError) -> Option<String> {
    let prefix = |field: &Option<Field>| {
        field
            .as_ref()
            .and_then(flag)
            .map(|f| format!("{f}: "))
            .unwrap_or_default()
    };
    Some(match e {
        AppError::Invalid { field, message } => format!("invalid {}: {message}", name(field)),
        AppError::Missing { field, message } => format!("{message}: {}", where_to(field)),
        AppError::NotFound { what, key, field } => {
            let hint = match (*what, key) {
                ("contact", Key::Name(name)) => format!(" (add one with: kith add \"{name}\")"),
                ("goal", Key::Id(_) | Key::Name(_)) => " (see kith goal list --all)".into(),
                _ => String::new(),
            };
            format!("{}{e}{hint}", prefix(field))
        }
        AppError::Ambiguous { field, .. } => format!("{}{e}", prefix(field)),
        AppError::LooksLike { matches, .. } => {
            let first = matches.first().map_or(0, |m| m.id);
            format!(
                "{e}. Change the one you have (kith edit #{first} …), or add them anyway with --allow-duplicate"
            )
        }
        AppError::Conflict(_)
        | AppError::Busy
        | AppError::CannotSave(_)
        | AppError::Forbidden(_) => e.to_string(),
        AppError::Internal(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kith_app::Candidate;

    fn say(e: AppError) -> String {
        message(&e.into())
    }

    #[test]
    fn resolver_errors_read_as_before() {
        let zed = || AppError::NotFound {
            what: "contact",
            key: Key::Name("zed".into()),
            field: None,
        };
        assert_eq!(
            say(zed()),
            "no contact matches 'zed' (add one with: kith add \"zed\")"
        );
        assert_eq!(
            say(zed().in_field(Field::IntroducedBy)),
            "--introduced-by: no contact matches 'zed' (add one with: kith add \"zed\")"
        );
        assert_eq!(
            say(zed().in_field(Field::With)),
            "no contact matches 'zed' (add one with: kith add \"zed\")"
        );
        let by_id = AppError::NotFound {
            what: "contact",
            key: Key::Id(99),
            field: None,
        };
        assert_eq!(say(by_id), "no contact with id 99");
        let several = AppError::Ambiguous {
            what: "contact",
            query: "jan".into(),
            candidates: vec![
                Candidate {
                    id: 3,
                    name: "Jane".into(),
                },
                Candidate {
                    id: 1,
                    name: "Jane Doe".into(),
                },
            ],
            more: true,
            field: Some(Field::OrgContact),
        };
        assert_eq!(
            say(several),
            "--contact: 'jan' matches several contacts: Jane (#3), Jane Doe (#1), …; use the id or more of the name"
        );
        let empty = AppError::Invalid {
            field: Field::With,
            message: "name at least one person you talked to".into(),
        };
        assert_eq!(
            say(empty),
            "invalid participants: name at least one person you talked to"
        );
    }

    #[test]
    fn interop_fields_read_as_flags_or_words() {
        let itself = AppError::Invalid {
            field: Field::MergeOther,
            message: "cannot merge a contact with itself".into(),
        };
        assert_eq!(
            say(itself),
            "invalid contact: cannot merge a contact with itself"
        );
        let version = AppError::Invalid {
            field: Field::Version,
            message: "'5' is not 3 or 4".into(),
        };
        assert_eq!(say(version), "invalid --version: '5' is not 3 or 4");
    }
}
