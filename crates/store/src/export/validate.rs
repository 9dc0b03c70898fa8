//! Reading an export or a backup file and checking it section by section,
//! naming the JSON path of the first problem.

use std::collections::HashSet;

use chrono::NaiveDate;
use kith_core::ValidationError;
use kith_core::conversation::{Channel, ConversationKind, LearningKind};
use kith_core::follow_up::{FollowUpKind, FollowUpStatus, Owner};
use kith_core::goal::{GoalKind, GoalStatus};
use kith_core::meeting::{MeetingStatus, Platform};
use kith_core::values::{Phone, TimeZone};

use super::{
    AccountExport, EXPORT_VERSION, ExportedBlock, ExportedContact, ExportedConversation,
    ExportedEmployment, ExportedFollowUp, ExportedGoal, ExportedMeeting, ExportedOrganisation,
    ExportedSettings, ExportedTag, invalid,
};
use crate::Result;

/// Reads a JSON document, naming the JSON path of the first problem.
pub(super) fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." {
            "the file".to_owned()
        } else {
            path
        };
        invalid(path, inner.to_string())
    })
}

/// The version field of a document, checked before the rest is read.
pub(super) fn check_version(bytes: &[u8], field: &str, wanted: u32, what: &str) -> Result<()> {
    let head: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| invalid("the file", format!("not JSON: {e}")))?;
    let Some(object) = head.as_object() else {
        return Err(invalid(
            "the file",
            format!("not {what}: not a JSON object"),
        ));
    };
    match object.get(field) {
        None => Err(invalid(
            field,
            format!("missing: not {what} (no \"{field}\" field)"),
        )),
        Some(v) if v.as_u64() == Some(u64::from(wanted)) => Ok(()),
        Some(v) => Err(invalid(
            field,
            format!("unsupported version {v} (this Kith reads version {wanted})"),
        )),
    }
}

/// Kith's text rule (`kith_core::values::text`) over every string of a
/// document: one holding a control character other than tab and line
/// breaks is refused, naming its JSON path (an export written by an older
/// Kith on SQLite may hold a NUL, which PostgreSQL cannot store).
pub(super) fn check_text<T: serde::Serialize>(doc: &T) -> Result<()> {
    let value = serde_json::to_value(doc)
        .map_err(|e| invalid("the file", format!("cannot be read: {e}")))?;
    let mut path = String::new();
    walk_text(&value, &mut path)
}

fn walk_text(value: &serde_json::Value, path: &mut String) -> Result<()> {
    use serde_json::Value;
    let at = path.len();
    match value {
        Value::String(s) => {
            if let Err(e) = kith_core::values::text("text", s) {
                let place = if path.is_empty() { "the file" } else { path };
                return Err(invalid(place.to_owned(), e.message));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                walk_text(item, path)?;
                path.truncate(at);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                walk_text(item, path)?;
                path.truncate(at);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

/// The ids (and tag names) of a document's records, which references
/// must name.
struct Known<'a> {
    organisations: HashSet<i64>,
    tags: HashSet<&'a str>,
    contacts: HashSet<i64>,
    conversations: HashSet<i64>,
    follow_ups: HashSet<i64>,
    goals: HashSet<i64>,
    meetings: HashSet<i64>,
}

impl AccountExport {
    /// Reads an export file: the version first, then the whole document,
    /// then the values and references ([`AccountExport::validate`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        check_version(bytes, "kith_export", EXPORT_VERSION, "a Kith export")?;
        let doc: AccountExport = parse_json(bytes)?;
        doc.validate()?;
        Ok(doc)
    }

    /// Checks every value the store would refuse or misread, and that
    /// every reference points at a record of the same document, naming the
    /// JSON path of the first problem.
    pub fn validate(&self) -> Result<()> {
        if self.kith_export != EXPORT_VERSION {
            return Err(invalid(
                "kith_export",
                format!(
                    "unsupported version {} (this Kith reads version {EXPORT_VERSION})",
                    self.kith_export
                ),
            ));
        }
        check_text(self)?;
        check_settings(&self.user)?;
        let known = self.known()?;
        check_employments("employments", &self.employments, &known)?;
        let mut uids = HashSet::new();
        for (i, c) in self.contacts.iter().enumerate() {
            check_contact(&format!("contacts[{i}]"), c, &mut uids, &known)?;
        }
        check_import_sources(&self.contacts)?;
        check_conversations(&self.conversations, &known)?;
        check_follow_ups(&self.follow_ups, &known)?;
        check_goals(&self.goals, &known)?;
        check_meetings(&self.meetings, &known)?;
        check_blocks(&self.outreach_blocks, &known)
    }

    /// Every list's ids (none twice), with the organisations' and tags'
    /// names checked on the way.
    fn known(&self) -> Result<Known<'_>> {
        let organisations = ids("organisations", self.organisations.iter().map(|o| o.id))?;
        check_organisation_names(&self.organisations)?;
        ids("tags", self.tags.iter().map(|t| t.id))?;
        let tags = check_tags(&self.tags)?;
        let known = Known {
            organisations,
            tags,
            contacts: ids("contacts", self.contacts.iter().map(|c| c.id))?,
            conversations: ids("conversations", self.conversations.iter().map(|c| c.id))?,
            follow_ups: ids("follow_ups", self.follow_ups.iter().map(|f| f.id))?,
            goals: ids("goals", self.goals.iter().map(|g| g.id))?,
            meetings: ids("meetings", self.meetings.iter().map(|m| m.id))?,
        };
        ids("outreach_blocks", self.outreach_blocks.iter().map(|b| b.id))?;
        Ok(known)
    }
}

fn check_settings(u: &ExportedSettings) -> Result<()> {
    TimeZone::parse(&u.timezone).map_err(|e| invalid("user.timezone", e.message))?;
    positive("user.default_cadence_days", Some(u.default_cadence_days))?;
    if let Some(digest) = &u.digest {
        digest.settings()?;
    }
    Ok(())
}

fn check_organisation_names(list: &[ExportedOrganisation]) -> Result<()> {
    let mut names = HashSet::new();
    for (i, o) in list.iter().enumerate() {
        not_blank(&format!("organisations[{i}].name"), &o.name)?;
        if !names.insert(o.name.to_lowercase()) {
            return Err(invalid(
                format!("organisations[{i}].name"),
                format!("'{}' appears twice", o.name),
            ));
        }
    }
    Ok(())
}

/// The tags' names (none twice) and rhythms; returns the names.
fn check_tags(list: &[ExportedTag]) -> Result<HashSet<&str>> {
    let mut tags = HashSet::new();
    for (i, t) in list.iter().enumerate() {
        not_blank(&format!("tags[{i}].name"), &t.name)?;
        positive(&format!("tags[{i}].cadence_days"), t.cadence_days)?;
        if !tags.insert(t.name.as_str()) {
            return Err(invalid(
                format!("tags[{i}].name"),
                format!("'{}' appears twice", t.name),
            ));
        }
    }
    Ok(tags)
}

fn check_employments(path: &str, list: &[ExportedEmployment], known: &Known) -> Result<()> {
    for (j, e) in list.iter().enumerate() {
        let path = format!("{path}[{j}]");
        refers(
            &format!("{path}.organisation_id"),
            Some(e.organisation_id),
            &known.organisations,
            "organisation",
        )?;
        date(&format!("{path}.started_on"), e.started_on.as_deref())?;
        date(&format!("{path}.ended_on"), e.ended_on.as_deref())?;
    }
    Ok(())
}

/// One contact: its own fields and references (its UID not among `uids`,
/// the UIDs of the contacts before it), then its lists.
fn check_contact<'a>(
    path: &str,
    c: &'a ExportedContact,
    uids: &mut HashSet<&'a str>,
    known: &Known,
) -> Result<()> {
    not_blank(&format!("{path}.name"), &c.name)?;
    not_blank(&format!("{path}.uid"), &c.uid)?;
    if !uids.insert(c.uid.as_str()) {
        return Err(invalid(
            format!("{path}.uid"),
            format!("'{}' appears twice", c.uid),
        ));
    }
    refers(
        &format!("{path}.organisation_id"),
        c.organisation_id,
        &known.organisations,
        "organisation",
    )?;
    refers(
        &format!("{path}.introduced_by"),
        c.introduced_by,
        &known.contacts,
        "contact",
    )?;
    positive(&format!("{path}.cadence_days"), c.cadence_days)?;
    if let Some(zone) = &c.timezone {
        TimeZone::parse(zone).map_err(|e| invalid(format!("{path}.timezone"), e.message))?;
    }
    check_contact_lists(path, c, known)?;
    check_employments(&format!("{path}.employments"), &c.employments, known)?;
    let mut events = HashSet::new();
    for (j, e) in c.events.iter().enumerate() {
        date(
            &format!("{path}.events[{j}].occurred_on"),
            Some(&e.occurred_on),
        )?;
        if !events.insert((&e.kind, &e.occurred_on)) {
            return Err(invalid(
                format!("{path}.events[{j}]"),
                "appears twice".to_owned(),
            ));
        }
    }
    Ok(())
}

/// A contact's phones, links and tags.
fn check_contact_lists(path: &str, c: &ExportedContact, known: &Known) -> Result<()> {
    for (j, phone) in c.phones.iter().enumerate() {
        Phone::parse(phone).map_err(|e| invalid(format!("{path}.phones[{j}]"), e.message))?;
    }
    for (j, link) in c.links.iter().enumerate() {
        if !matches!(link.kind.as_str(), "linkedin" | "web") {
            return Err(invalid(
                format!("{path}.links[{j}].kind"),
                format!("'{}' is not one of: linkedin, web", link.kind),
            ));
        }
    }
    let mut own = HashSet::new();
    for (j, tag) in c.tags.iter().enumerate() {
        if !known.tags.contains(tag.as_str()) {
            return Err(invalid(
                format!("{path}.tags[{j}]"),
                format!("no tag '{tag}' in \"tags\""),
            ));
        }
        if !own.insert(tag) {
            return Err(invalid(
                format!("{path}.tags[{j}]"),
                format!("'{tag}' appears twice"),
            ));
        }
    }
    Ok(())
}

/// Each source's key appears once in the file.
fn check_import_sources(contacts: &[ExportedContact]) -> Result<()> {
    let mut sources = HashSet::new();
    for (i, c) in contacts.iter().enumerate() {
        for (j, s) in c.import_sources.iter().enumerate() {
            if !sources.insert((&s.source, &s.key)) {
                return Err(invalid(
                    format!("contacts[{i}].import_sources[{j}]"),
                    format!("source '{}' key '{}' appears twice", s.source, s.key),
                ));
            }
        }
    }
    Ok(())
}

fn check_conversations(list: &[ExportedConversation], known: &Known) -> Result<()> {
    let mut uids = HashSet::new();
    for (i, c) in list.iter().enumerate() {
        let path = format!("conversations[{i}]");
        not_blank(&format!("{path}.uid"), &c.uid)?;
        if !uids.insert(c.uid.as_str()) {
            return Err(invalid(
                format!("{path}.uid"),
                format!("'{}' appears twice", c.uid),
            ));
        }
        check_conversation(&path, c, known)?;
    }
    Ok(())
}

/// One conversation's words, minutes, meeting, participants and learnings.
fn check_conversation(path: &str, c: &ExportedConversation, known: &Known) -> Result<()> {
    word(&format!("{path}.channel"), &c.channel, |s| {
        Channel::parse(s).map(Channel::as_str)
    })?;
    word(&format!("{path}.kind"), &c.kind, |s| {
        ConversationKind::parse(s).map(ConversationKind::as_str)
    })?;
    if let Some(m) = c.minutes
        && m < 0
    {
        return Err(invalid(format!("{path}.minutes"), "must not be negative"));
    }
    refers(
        &format!("{path}.meeting_id"),
        c.meeting_id,
        &known.meetings,
        "meeting",
    )?;
    if c.participants.is_empty() {
        return Err(invalid(
            format!("{path}.participants"),
            "a conversation needs at least one participant",
        ));
    }
    let mut seen = HashSet::new();
    for (j, p) in c.participants.iter().enumerate() {
        let at = format!("{path}.participants[{j}]");
        refers(&at, Some(*p), &known.contacts, "contact")?;
        if !seen.insert(p) {
            return Err(invalid(at, format!("contact {p} appears twice")));
        }
    }
    for (j, l) in c.learnings.iter().enumerate() {
        word(&format!("{path}.learnings[{j}].kind"), &l.kind, |s| {
            LearningKind::parse(s).map(LearningKind::as_str)
        })?;
    }
    Ok(())
}

fn check_follow_ups(list: &[ExportedFollowUp], known: &Known) -> Result<()> {
    for (i, f) in list.iter().enumerate() {
        let path = format!("follow_ups[{i}]");
        refers(
            &format!("{path}.contact_id"),
            Some(f.contact_id),
            &known.contacts,
            "contact",
        )?;
        refers(
            &format!("{path}.conversation_id"),
            f.conversation_id,
            &known.conversations,
            "conversation",
        )?;
        refers(
            &format!("{path}.parent_id"),
            f.parent_id,
            &known.follow_ups,
            "follow-up",
        )?;
        refers(
            &format!("{path}.subject_id"),
            f.subject_id,
            &known.contacts,
            "contact",
        )?;
        word(&format!("{path}.owner"), &f.owner, |s| {
            Owner::parse(s).map(Owner::as_str)
        })?;
        word(&format!("{path}.kind"), &f.kind, |s| {
            FollowUpKind::parse(s).map(FollowUpKind::as_str)
        })?;
        word(&format!("{path}.status"), &f.status, |s| {
            FollowUpStatus::parse(s).map(FollowUpStatus::as_str)
        })?;
        date(&format!("{path}.due_on"), f.due_on.as_deref())?;
    }
    Ok(())
}

fn check_goals(list: &[ExportedGoal], known: &Known) -> Result<()> {
    for (i, g) in list.iter().enumerate() {
        let path = format!("goals[{i}]");
        word(&format!("{path}.kind"), &g.kind, |s| {
            GoalKind::parse(s).map(GoalKind::as_str)
        })?;
        word(&format!("{path}.status"), &g.status, |s| {
            GoalStatus::parse(s).map(GoalStatus::as_str)
        })?;
        date(&format!("{path}.due_on"), g.due_on.as_deref())?;
        linked(
            &format!("{path}.contacts"),
            &g.contacts,
            &known.contacts,
            "contact",
        )?;
        linked(
            &format!("{path}.conversations"),
            &g.conversations,
            &known.conversations,
            "conversation",
        )?;
    }
    Ok(())
}

fn check_meetings(list: &[ExportedMeeting], known: &Known) -> Result<()> {
    let mut uids = HashSet::new();
    for (i, m) in list.iter().enumerate() {
        let path = format!("meetings[{i}]");
        not_blank(&format!("{path}.uid"), &m.uid)?;
        if !uids.insert(m.uid.as_str()) {
            return Err(invalid(
                format!("{path}.uid"),
                format!("'{}' appears twice", m.uid),
            ));
        }
        if !matches!(m.mode.as_str(), "in-person" | "virtual" | "phone") {
            return Err(invalid(
                format!("{path}.mode"),
                format!("'{}' is not one of: in-person, virtual, phone", m.mode),
            ));
        }
        if let Some(platform) = &m.platform {
            word(&format!("{path}.platform"), platform, |s| {
                Platform::parse(s).map(Platform::as_str)
            })?;
        }
        word(&format!("{path}.status"), &m.status, |s| {
            MeetingStatus::parse(s).map(MeetingStatus::as_str)
        })?;
        refers(
            &format!("{path}.conversation_id"),
            m.conversation_id,
            &known.conversations,
            "conversation",
        )?;
        linked(
            &format!("{path}.attendees"),
            &m.attendees,
            &known.contacts,
            "contact",
        )?;
    }
    Ok(())
}

fn check_blocks(list: &[ExportedBlock], known: &Known) -> Result<()> {
    for (i, b) in list.iter().enumerate() {
        let path = format!("outreach_blocks[{i}]");
        if !(1..=0b111_1111).contains(&b.weekdays) {
            return Err(invalid(
                format!("{path}.weekdays"),
                "must be a mask of days from 1 to 127",
            ));
        }
        if chrono::NaiveTime::parse_from_str(&b.start_time, "%H:%M").is_err() {
            return Err(invalid(
                format!("{path}.start_time"),
                format!("'{}' is not a time (HH:MM)", b.start_time),
            ));
        }
        refers(&format!("{path}.goal_id"), b.goal_id, &known.goals, "goal")?;
    }
    Ok(())
}

/// The ids of a list, refusing one that appears twice.
fn ids(list: &str, ids: impl Iterator<Item = i64>) -> Result<HashSet<i64>> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(invalid(
                format!("{list}[{i}].id"),
                format!("id {id} appears twice"),
            ));
        }
    }
    Ok(seen)
}

fn refers(path: &str, id: Option<i64>, known: &HashSet<i64>, what: &str) -> Result<()> {
    match id {
        Some(id) if !known.contains(&id) => {
            Err(invalid(path, format!("no {what} with id {id} in the file")))
        }
        _ => Ok(()),
    }
}

fn linked(path: &str, list: &[i64], known: &HashSet<i64>, what: &str) -> Result<()> {
    let mut seen = HashSet::new();
    for (j, id) in list.iter().enumerate() {
        let at = format!("{path}[{j}]");
        refers(&at, Some(*id), known, what)?;
        if !seen.insert(id) {
            return Err(invalid(at, format!("{what} {id} appears twice")));
        }
    }
    Ok(())
}

pub(super) fn not_blank(path: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(invalid(path, "must not be empty"));
    }
    Ok(())
}

fn positive(path: &str, days: Option<i64>) -> Result<()> {
    match days {
        Some(d) if !(1..=u32::MAX as i64).contains(&d) => {
            Err(invalid(path, format!("{d} is not a number of days")))
        }
        _ => Ok(()),
    }
}

fn date(path: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err() => {
            Err(invalid(path, format!("'{v}' is not a date (YYYY-MM-DD)")))
        }
        _ => Ok(()),
    }
}

/// A stored word must be written exactly as the store writes it.
fn word(
    path: &str,
    value: &str,
    canonical: impl Fn(&str) -> std::result::Result<&'static str, ValidationError>,
) -> Result<()> {
    match canonical(value) {
        Ok(word) if word == value => Ok(()),
        Ok(word) => Err(invalid(path, format!("'{value}' must be written '{word}'"))),
        Err(e) => Err(invalid(path, e.message)),
    }
}
