//! Outlook's CSV export, one row to one person.

use chrono::NaiveDate;
use kith_core::ValidationError;
use kith_core::contact::ContactDraft;
use kith_core::values::{Birthday, ContactName, Email, Link, Phone, TagName};

use super::{Mapped, Mapping, Row, key_of, name_of, push_unique};

/// Outlook's CSV export (`E-mail Address`, `Business Phone`, `Job Title`,
/// `Web Page`, `Categories` joined with `;`).
// Long on purpose: one Outlook row to one draft, column by column, read top to bottom.
pub(super) fn outlook(row: &Row<'_>) -> Mapping {
    let given = row.text(&["First Name"]);
    let family = row.text(&["Last Name"]);
    let organisation = row.text(&["Company"]);
    let mut emails = Vec::new();
    for column in ["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"] {
        if let Some(e) = row.parsed(&[column], Email::parse) {
            push_unique(&mut emails, e);
        }
    }
    let mut phones = Vec::new();
    for column in [
        "Mobile Phone",
        "Business Phone",
        "Business Phone 2",
        "Home Phone",
        "Home Phone 2",
        "Primary Phone",
        "Other Phone",
        "Company Main Phone",
    ] {
        if let Some(p) = row.parsed(&[column], Phone::parse) {
            push_unique(&mut phones, p);
        }
    }
    let links: Vec<Link> = row.parsed(&["Web Page"], Link::parse).into_iter().collect();
    let name = name_of(given.as_deref(), family.as_deref())
        .or_else(|| {
            organisation
                .as_deref()
                .and_then(|o| ContactName::parse(o).ok())
        })
        .or_else(|| {
            emails
                .first()
                .and_then(|e| ContactName::parse(e.as_str()).ok())
        })
        .ok_or_else(|| {
            row.no_name(
                &["First Name", "Last Name"],
                "no name, company or e-mail address",
            )
        })?;
    let mut tags = Vec::new();
    if let Some((column, categories)) = row.get(&["Categories"]) {
        for c in categories
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            if let Some(t) = row.read(&column, c, TagName::parse) {
                push_unique(&mut tags, t);
            }
        }
    }
    // Outlook writes "0/0/00" for no birthday, and M/D/YYYY otherwise.
    let birthday = match row.get(&["Birthday"]) {
        Some((_, "0/0/00")) | None => None,
        Some((column, b)) => row.read(&column, b, |b| {
            NaiveDate::parse_from_str(b, "%m/%d/%Y")
                .ok()
                .and_then(|d| Birthday::parse(&d.to_string()).ok())
                .or_else(|| Birthday::parse(b).ok())
                .ok_or_else(|| {
                    ValidationError::new(
                        "birthday",
                        format!("'{b}' is not a date (expected M/D/YYYY)"),
                    )
                })
        }),
    };
    let draft = ContactDraft {
        name: Some(name),
        given_name: given,
        family_name: family,
        nickname: row.text(&["Nickname"]),
        emails,
        phones,
        links,
        organisation,
        title: row.text(&["Job Title"]),
        function: row.text(&["Department"]),
        location: row.text(&["Business City", "Home City"]),
        birthday,
        tags,
        notes: row.text(&["Notes"]),
        ..ContactDraft::default()
    };
    Ok(Mapped {
        key: key_of(&draft),
        draft,
        connected_on: None,
        card: None,
    })
}
