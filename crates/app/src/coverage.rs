//! My own organisation: how well I am connected across it, function by
//! function, and the organisations people (me included) worked at before,
//! by which reconnect goals find former colleagues.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use kith_core::contact::ContactRef;
use kith_core::ids::UserId;
use kith_core::rules::coverage::{Colleague, FunctionCoverage, coverage};
use kith_core::user::User;
use kith_core::values::{optional_text, sort_key};
use kith_store::{EmploymentRecord, NetworkScope, Store};

use crate::agenda::today;
use crate::error::invalid;
use crate::error::{AppError, Field};
use crate::resolve;

/// How well I am connected across my own organisation, function by function.
pub struct Coverage {
    pub organisation: String,
    pub colleagues: Vec<Colleague>,
    pub functions: Vec<FunctionCoverage>,
}

impl Coverage {
    /// `None` while the user has not said which organisation is theirs.
    pub async fn load(
        store: &Store,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<Coverage>, AppError> {
        let scope = NetworkScope {
            my_organisation_only: true,
            notes: false,
        };
        let network = store.network(user, scope).await?;
        let Some(mine) = network.my_organisation.clone() else {
            return Ok(None);
        };
        let key = sort_key(&mine);
        let colleagues: Vec<Colleague> = network
            .candidates
            .iter()
            .filter(|c| {
                !c.archived
                    && c.organisation
                        .as_deref()
                        .is_some_and(|o| sort_key(o) == key)
            })
            .map(|c| Colleague {
                id: c.id,
                name: c.name.clone(),
                function: c.function.clone(),
                activity: c.activity,
            })
            .collect();
        let functions = coverage(&colleagues, &network.connections, now);
        Ok(Some(Coverage {
            organisation: mine,
            colleagues,
            functions,
        }))
    }
}

/// A stint at an organisation as a person describes it, before it is
/// checked: mine, or with `contact` someone else's.
#[derive(Debug, Clone, Default)]
pub struct WorkedInput {
    pub organisation: String,
    /// First and last year there, from 1950 to this year.
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub title: Option<String>,
    /// A contact: id or part of the name.
    pub contact: Option<String>,
}

/// January 1st of the first year or December 31st of the last, checked.
fn year(field: Field, year: Option<i32>, this_year: i32) -> Result<Option<NaiveDate>, AppError> {
    let Some(y) = year else {
        return Ok(None);
    };
    if !(1950..=this_year).contains(&y) {
        return Err(AppError::Invalid {
            field,
            message: format!("{y} is not a year between 1950 and {this_year}"),
        });
    }
    Ok(match field {
        Field::WorkedFrom => NaiveDate::from_ymd_opt(y, 1, 1),
        _ => NaiveDate::from_ymd_opt(y, 12, 31),
    })
}

/// The stint `input` describes, checked, and the contact it is about.
pub async fn employment(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    input: &WorkedInput,
) -> Result<(EmploymentRecord, Option<ContactRef>), AppError> {
    let organisation = optional_text("organisation", Some(&input.organisation), 200)
        .map_err(invalid(Field::WorkedAt))?
        .ok_or_else(|| AppError::Invalid {
            field: Field::WorkedAt,
            message: "must not be empty".into(),
        })?;
    let this_year = today(now, me.timezone).year();
    let started_on = year(Field::WorkedFrom, input.from, this_year)?;
    let ended_on = year(Field::WorkedTo, input.to, this_year)?;
    if let (Some(from), Some(to)) = (started_on, ended_on)
        && from > to
    {
        return Err(AppError::Invalid {
            field: Field::WorkedTo,
            message: format!("{} is before --from {}", to.year(), from.year()),
        });
    }
    let contact = match &input.contact {
        Some(who) => Some(resolve::contact_in_field(store, me.id, who, Field::OrgContact).await?),
        None => None,
    };
    let title =
        optional_text("title", input.title.as_deref(), 200).map_err(invalid(Field::WorkedTitle))?;
    let record = EmploymentRecord {
        contact: contact.as_ref().map(|c| c.id),
        organisation,
        title,
        started_on,
        ended_on,
    };
    Ok((record, contact))
}
