//! Google Contacts CSV, one row to one person. What Kith does not model
//! (a middle name, a prefix and suffix, the department, the labels of
//! e-mails and phones) goes into a vCard kept beside the contact, the way
//! a vCard import keeps its original: `kith export vcard` writes it back as
//! N's components, ORG's units and TYPE parameters.

use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty,
    VCardValue, VCardVersion,
};
use kith_core::contact::ContactDraft;
use kith_core::values::{Birthday, ContactName, Email, Phone, TagName};

use super::{Mapped, Mapping, Row, key_of, name_of, push_unique};

/// Google's ` ::: `-joined values of a column, each trimmed.
fn multi(value: &str) -> impl Iterator<Item = &str> {
    value.split(":::").map(str::trim).filter(|v| !v.is_empty())
}

/// Each value of the numbered `{kind} N - Value` columns, read with
/// `parse`, with its `{kind} N - Label` (or the older `- Type`).
fn labelled<T: PartialEq>(
    row: &Row<'_>,
    kind: &str,
    parse: impl Fn(&str) -> Result<T, kith_core::ValidationError>,
) -> Vec<(T, Option<String>)> {
    let mut out: Vec<(T, Option<String>)> = Vec::new();
    for n in 1..=20 {
        let Some((column, value)) = row.get(&[&format!("{kind} {n} - Value")]) else {
            continue;
        };
        let label = row
            .get(&[
                &format!("{kind} {n} - Label"),
                &format!("{kind} {n} - Type"),
            ])
            .map(|(_, l)| l.to_owned());
        for v in multi(value) {
            if let Some(v) = row.read(&column, v, &parse)
                && !out.iter().any(|(seen, _)| *seen == v)
            {
                out.push((v, label.clone()));
            }
        }
    }
    out
}

/// Google Contacts CSV, in the current (`First Name`, `Labels`) and older
/// (`Given Name`, `Group Membership`) layouts, with numbered
/// `E-mail N - Value`, `Phone N - Value` and `Website N - Value` groups.
pub(super) fn google(row: &Row<'_>) -> Mapping {
    let given = row.text(&["First Name", "Given Name"]);
    let family = row.text(&["Last Name", "Family Name"]);
    let organisation = row.text(&["Organization Name", "Organization 1 - Name"]);
    let emails = labelled(row, "E-mail", Email::parse);
    let phones = labelled(row, "Phone", Phone::parse);
    let links = labelled(row, "Website", kith_core::values::Link::parse);
    let name = row
        .text(&["Name", "File As"])
        .and_then(|n| ContactName::parse(&n).ok())
        .or_else(|| name_of(given.as_deref(), family.as_deref()))
        .or_else(|| {
            organisation
                .as_deref()
                .and_then(|o| ContactName::parse(o).ok())
        })
        .or_else(|| {
            emails
                .first()
                .and_then(|(e, _)| ContactName::parse(e.as_str()).ok())
        })
        .ok_or_else(|| {
            row.no_name(
                &["First Name", "Given Name", "Last Name", "Family Name"],
                "no name, organisation or e-mail address",
            )
        })?;
    let mut tags = Vec::new();
    if let Some((column, labels)) = row.get(&["Labels", "Group Membership"]) {
        for label in multi(labels) {
            // "* myContacts" and "* starred" are Google's own groups.
            if !label.starts_with('*')
                && let Some(t) = row.read(&column, label, TagName::parse)
            {
                push_unique(&mut tags, t);
            }
        }
    }
    let extras = Extras {
        middle: row.text(&["Middle Name", "Additional Name"]),
        prefix: row.text(&["Name Prefix"]),
        suffix: row.text(&["Name Suffix"]),
        department: row.text(&["Organization Department", "Organization 1 - Department"]),
    };
    let draft = ContactDraft {
        name: Some(name),
        given_name: given,
        family_name: family,
        nickname: row.text(&["Nickname"]),
        emails: emails.iter().map(|(e, _)| e.clone()).collect(),
        phones: phones.iter().map(|(p, _)| p.clone()).collect(),
        links: links.into_iter().map(|(l, _)| l).collect(),
        organisation,
        title: row.text(&["Organization Title", "Organization 1 - Title"]),
        birthday: row.parsed(&["Birthday"], Birthday::parse),
        tags,
        notes: row.text(&["Notes"]),
        ..ContactDraft::default()
    };
    let card = extras.card(&draft, &emails, &phones);
    Ok(Mapped {
        key: key_of(&draft),
        draft,
        connected_on: None,
        card,
    })
}

/// What a Google row holds beyond what a contact models.
struct Extras {
    middle: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    department: Option<String>,
}

/// A Google label as vCard TYPE values, or `None` for one vCard has no
/// type for (it is kept as an `X-ABLabel`, as Google's own vCard export
/// and Apple's write it).
fn types(label: &str) -> Option<&'static [&'static str]> {
    // "* Work": the star marks the primary value.
    let label = label.trim_start_matches('*').trim().to_lowercase();
    Some(match label.as_str() {
        "" | "other" => &[],
        "work" => &["work"],
        "home" => &["home"],
        "mobile" => &["cell"],
        "work fax" => &["work", "fax"],
        "home fax" => &["home", "fax"],
        "fax" | "other fax" => &["fax"],
        "pager" => &["pager"],
        _ => return None,
    })
}

fn entry(name: VCardProperty, values: &[&str]) -> VCardEntry {
    VCardEntry {
        group: None,
        name,
        params: Vec::new(),
        values: values
            .iter()
            .map(|v| VCardValue::Text((*v).to_owned()))
            .collect(),
    }
}

impl Extras {
    /// The card kept beside the contact, when the row holds something a
    /// contact cannot: the name's parts, the department, labels.
    fn card(
        &self,
        draft: &ContactDraft,
        emails: &[(Email, Option<String>)],
        phones: &[(Phone, Option<String>)],
    ) -> Option<String> {
        let has_label = |l: &Option<String>| {
            l.as_deref()
                .is_some_and(|l| types(l).is_none_or(|t| !t.is_empty()))
        };
        let parts = self.middle.is_some() || self.prefix.is_some() || self.suffix.is_some();
        if !parts
            && self.department.is_none()
            && !emails.iter().any(|(_, l)| has_label(l))
            && !phones.iter().any(|(_, l)| has_label(l))
        {
            return None;
        }
        let text = |v: &Option<String>| v.as_deref().unwrap_or_default().to_owned();
        let name = draft.name.as_ref().map_or("", |n| n.as_str());
        let mut entries = vec![entry(VCardProperty::Fn, &[name])];
        if parts || draft.given_name.is_some() || draft.family_name.is_some() {
            let n = [
                &draft.family_name,
                &draft.given_name,
                &self.middle,
                &self.prefix,
                &self.suffix,
            ]
            .map(text);
            entries.push(entry(VCardProperty::N, &n.each_ref().map(String::as_str)));
        }
        if let Some(department) = &self.department {
            let org = text(&draft.organisation);
            entries.push(entry(VCardProperty::Org, &[&org, department]));
        }
        let mut item = 0;
        let values = emails
            .iter()
            .map(|(e, l)| (VCardProperty::Email, e.as_str().to_owned(), l))
            .chain(
                phones
                    .iter()
                    .map(|(p, l)| (VCardProperty::Tel, p.to_string(), l)),
            );
        for (property, value, label) in values {
            let mut e = entry(property, &[&value]);
            let label = label.as_deref().unwrap_or_default();
            match types(label) {
                Some(types) => e.params.extend(types.iter().map(|t| VCardParameter {
                    name: VCardParameterName::Type,
                    value: VCardParameterValue::Text((*t).to_owned()),
                })),
                None => {
                    item += 1;
                    let group = Some(format!("item{item}"));
                    e.group.clone_from(&group);
                    let mut ab = entry(VCardProperty::Other("X-ABLabel".into()), &[label]);
                    ab.group = group;
                    entries.push(e);
                    entries.push(ab);
                    continue;
                }
            }
            entries.push(e);
        }
        let mut out = String::new();
        VCard { entries }
            .write_to(&mut out, VCardVersion::V4_0)
            .ok()?;
        Some(out)
    }
}
