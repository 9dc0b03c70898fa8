//! A new account from what a person typed and what this machine suggests:
//! the command line's `kith init` and `kith user add`, the server's first-run
//! page and its users page all make one the same way.

use kith_core::user::{NewUser, Username};
use kith_core::values::{Email, TimeZone, optional_text};

use crate::error::invalid;
use crate::{AppError, Field};

/// What the machine suggests where a person left a field blank: its login
/// name and its time zone. The binary reads them from the process
/// environment once; the app never does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineDefaults {
    /// The login name, when it is a valid username.
    pub login: Option<String>,
    pub zone: TimeZone,
}

impl Default for MachineDefaults {
    /// No login name, and UTC.
    fn default() -> Self {
        MachineDefaults {
            login: None,
            zone: TimeZone::UTC,
        }
    }
}

/// An account as typed; `None` (or blank, for the caller to turn into
/// `None`) takes the machine's suggestion.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountInput<'a> {
    pub username: Option<&'a str>,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub timezone: Option<&'a str>,
}

/// The account `input` asks for, each refusal naming its field. Without a
/// username it is the machine's login (else "me"), without a name the
/// username, without a zone the machine's.
pub fn new_user(input: AccountInput<'_>, machine: &MachineDefaults) -> Result<NewUser, AppError> {
    let username = match input.username {
        Some(u) => Username::parse(u).map_err(invalid(Field::Username))?,
        None => machine
            .login
            .as_deref()
            .and_then(|login| Username::parse(login).ok())
            .map_or_else(|| Username::parse("me"), Ok)
            .map_err(invalid(Field::Username))?,
    };
    let timezone = match input.timezone {
        Some(tz) => TimeZone::parse(tz).map_err(invalid(Field::TimeZone))?,
        None => machine.zone,
    };
    let name = optional_text("name", input.name, 200).map_err(invalid(Field::DisplayName))?;
    Ok(NewUser {
        display_name: name.unwrap_or_else(|| username.as_str().to_owned()),
        username,
        email: input
            .email
            .map(Email::parse)
            .transpose()
            .map_err(invalid(Field::AccountEmail))?,
        timezone,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_take_the_machines_suggestions() {
        let machine = MachineDefaults {
            login: Some("jane".into()),
            zone: TimeZone::parse("Europe/Berlin").unwrap(),
        };
        let new = new_user(AccountInput::default(), &machine).unwrap();
        assert_eq!(new.username.as_str(), "jane");
        assert_eq!(new.display_name, "jane");
        assert_eq!(new.timezone, machine.zone);
        let new = new_user(AccountInput::default(), &MachineDefaults::default()).unwrap();
        assert_eq!(new.username.as_str(), "me");
        assert_eq!(new.timezone, TimeZone::UTC);
    }

    #[test]
    fn each_refusal_names_its_field() {
        let machine = MachineDefaults::default();
        let field = |input| match new_user(input, &machine) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(
            field(AccountInput {
                username: Some("no spaces allowed"),
                ..Default::default()
            }),
            Field::Username
        );
        assert_eq!(
            field(AccountInput {
                timezone: Some("Mars/Olympus"),
                ..Default::default()
            }),
            Field::TimeZone
        );
        assert_eq!(
            field(AccountInput {
                email: Some("not an address"),
                ..Default::default()
            }),
            Field::AccountEmail
        );
    }
}
