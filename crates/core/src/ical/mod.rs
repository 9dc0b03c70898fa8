//! iCalendar (RFC 5545) written by hand: iTIP invitations (RFC 5546
//! REQUEST and CANCEL) for meetings, and the calendar feed of meetings,
//! planned outreach blocks and follow-up due dates.
//!
//! Every time is written in UTC (`…Z`), so no VTIMEZONE is needed and a
//! block at 08:30 in Berlin reads 08:30 in any calendar in Berlin, summer
//! or winter. UIDs are stable and unique everywhere: a meeting keeps its own
//! (a random UUID), a block instance is `block-ID-YYYYMMDD-SPACE@kith`, a
//! follow-up `follow-up-ID-SPACE@kith`, where SPACE is the user's random
//! calendar UID space (ids and dates alone repeat between installations).

mod text;

pub use text::{Lines, escape_text};

use chrono::{DateTime, NaiveDate, Utc};

use crate::follow_up::Owner;
use crate::meeting::{Meeting, MeetingMode, MeetingStatus, Platform};
use crate::outreach::BlockInstance;

pub const PRODID: &str = "-//Kith//Kith personal CRM//EN";

/// Someone with a calendar address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// The iTIP method of an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A new or updated meeting (same UID, higher SEQUENCE replaces it).
    Request,
    /// The meeting is off.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }

    /// REQUEST for a scheduled meeting, CANCEL for a cancelled one.
    pub fn for_meeting(meeting: &Meeting) -> Self {
        match meeting.status {
            MeetingStatus::Scheduled => Method::Request,
            MeetingStatus::Cancelled => Method::Cancel,
        }
    }
}

/// A meeting with the addresses its invitation needs.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingEvent<'a> {
    pub meeting: &'a Meeting,
    pub organizer: Option<&'a Person>,
    /// The attendees that have an e-mail address.
    pub attendees: &'a [Person],
}

/// The iTIP object to send the attendees: METHOD, one VEVENT with the
/// meeting's UID, SEQUENCE and DTSTAMP, ORGANIZER and ATTENDEEs.
pub fn invitation(event: &MeetingEvent<'_>, method: Method) -> String {
    let mut l = Lines::new();
    l.begin("VCALENDAR");
    l.raw("VERSION", &[], "2.0");
    l.text("PRODID", &[], PRODID);
    l.raw("CALSCALE", &[], "GREGORIAN");
    l.raw("METHOD", &[], method.as_str());
    meeting_event(&mut l, event, Some(method));
    l.end("VCALENDAR");
    l.finish()
}

fn meeting_event(l: &mut Lines, event: &MeetingEvent<'_>, method: Option<Method>) {
    let m = event.meeting;
    l.begin("VEVENT");
    l.text("UID", &[], &m.uid);
    l.raw("SEQUENCE", &[], &m.sequence.to_string());
    l.utc("DTSTAMP", m.dtstamp);
    l.utc("DTSTART", m.starts_at);
    l.utc("DTEND", m.ends_at());
    l.text("SUMMARY", &[], &m.title);
    let status = match m.status {
        MeetingStatus::Scheduled => "CONFIRMED",
        MeetingStatus::Cancelled => "CANCELLED",
    };
    l.raw("STATUS", &[], status);
    if let Some(organizer) = event.organizer {
        l.raw(
            "ORGANIZER",
            &[("CN", &organizer.name)],
            &mailto(&organizer.email),
        );
    }
    for a in event.attendees {
        let mut params = vec![
            ("CN", a.name.as_str()),
            ("CUTYPE", "INDIVIDUAL"),
            ("ROLE", "REQ-PARTICIPANT"),
            ("PARTSTAT", "NEEDS-ACTION"),
        ];
        if method == Some(Method::Request) {
            params.push(("RSVP", "TRUE"));
        }
        l.raw("ATTENDEE", &params, &mailto(&a.email));
    }
    match &m.mode {
        MeetingMode::InPerson { place } => l.text("LOCATION", &[], place),
        MeetingMode::Virtual { platform, url } => {
            l.text("LOCATION", &[], &m.mode.describe());
            l.raw("URL", &[], url);
            let label = format!("Join on {}", platform.label());
            l.raw(
                "CONFERENCE",
                &[("VALUE", "URI"), ("FEATURE", "VIDEO"), ("LABEL", &label)],
                url,
            );
            l.text("DESCRIPTION", &[], &format!("{label}: {url}"));
            if *platform == Platform::Jitsi {
                l.raw("X-KITH-PLATFORM", &[], "jitsi");
            }
        }
        MeetingMode::Phone { number } => {
            let tel = tel_uri(number);
            l.text("LOCATION", &[], &m.mode.describe());
            l.raw("URL", &[], &tel);
            l.raw(
                "CONFERENCE",
                &[("VALUE", "URI"), ("FEATURE", "PHONE"), ("LABEL", "Call")],
                &tel,
            );
            l.text("DESCRIPTION", &[], &format!("Call {number}"));
        }
    }
    l.end("VEVENT");
}

fn mailto(email: &str) -> String {
    format!("mailto:{email}")
}

/// `tel:+4930123456` from a number as typed (RFC 3966 global form when it
/// starts with +).
fn tel_uri(number: &str) -> String {
    let plus = number.trim_start().starts_with('+');
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if plus {
        format!("tel:+{digits}")
    } else {
        format!("tel:{digits}")
    }
}

/// One planned outreach block instance and who is in it.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockEvent {
    pub instance: BlockInstance,
    /// The block's goal, if it has one.
    pub goal: Option<String>,
    /// Each person: name, why they are due, and the brief's lines.
    pub people: Vec<(String, String, Vec<String>)>,
}

/// An open follow-up with a due date.
#[derive(Debug, Clone, PartialEq)]
pub struct TodoEvent {
    pub id: i64,
    pub owner: Owner,
    pub contact: String,
    pub title: String,
    pub due_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// What a calendar feed holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed<'a> {
    pub name: &'a str,
    pub meetings: &'a [MeetingEvent<'a>],
    pub blocks: &'a [BlockEvent],
    pub todos: &'a [TodoEvent],
    /// When the feed was made: the DTSTAMP of blocks and to-dos.
    pub now: DateTime<Utc>,
    /// The user's random calendar UID space, which makes the UIDs of block
    /// instances and to-dos unique beyond this installation.
    pub uid_space: &'a str,
}

/// A published calendar (no METHOD): meetings as VEVENTs (cancelled ones
/// say so), block instances as VEVENTs whose DESCRIPTION holds the people
/// and their briefs, follow-up due dates as VTODOs.
pub fn feed(feed: &Feed<'_>) -> String {
    let mut l = Lines::new();
    l.begin("VCALENDAR");
    l.raw("VERSION", &[], "2.0");
    l.text("PRODID", &[], PRODID);
    l.raw("CALSCALE", &[], "GREGORIAN");
    l.text("X-WR-CALNAME", &[], feed.name);
    for event in feed.meetings {
        meeting_event(&mut l, event, None);
    }
    for block in feed.blocks {
        block_event(&mut l, block, feed);
    }
    for todo in feed.todos {
        todo_event(&mut l, todo, feed);
    }
    l.end("VCALENDAR");
    l.finish()
}

/// A block instance's UID: the same in every fetch of the feed, and unlike
/// any other installation's.
fn block_uid(instance: &BlockInstance, uid_space: &str) -> String {
    format!(
        "block-{}-{}-{uid_space}@kith",
        instance.block,
        instance.date.format("%Y%m%d")
    )
}

fn block_event(l: &mut Lines, block: &BlockEvent, feed: &Feed<'_>) {
    let i = &block.instance;
    l.begin("VEVENT");
    l.text("UID", &[], &block_uid(i, feed.uid_space));
    l.utc("DTSTAMP", feed.now);
    l.utc("DTSTART", i.starts_at);
    l.utc("DTEND", i.ends_at);
    let names: Vec<&str> = block.people.iter().map(|(n, _, _)| n.as_str()).collect();
    let summary = if names.is_empty() {
        "Outreach: nobody due".to_owned()
    } else {
        format!("Outreach: {}", names.join(", "))
    };
    l.text("SUMMARY", &[], &summary);
    let mut description = String::new();
    if let Some(goal) = &block.goal {
        description.push_str(&format!("Goal: {goal}\n\n"));
    }
    for (name, why, lines) in &block.people {
        description.push_str(&format!("{name}: {why}\n"));
        for line in lines {
            description.push_str(&format!("  {line}\n"));
        }
        description.push('\n');
    }
    if block.people.is_empty() {
        description.push_str("Nobody is due for this block. Quality, not quantity.");
    }
    l.text("DESCRIPTION", &[], description.trim_end());
    l.text("CATEGORIES", &[], "Outreach");
    l.raw("TRANSP", &[], "OPAQUE");
    l.end("VEVENT");
}

fn todo_event(l: &mut Lines, todo: &TodoEvent, feed: &Feed<'_>) {
    l.begin("VTODO");
    l.text(
        "UID",
        &[],
        &format!("follow-up-{}-{}@kith", todo.id, feed.uid_space),
    );
    l.utc("DTSTAMP", feed.now);
    l.utc("CREATED", todo.created_at);
    l.date("DUE", todo.due_on);
    let summary = match todo.owner {
        Owner::Me => format!("{} ({})", todo.title, todo.contact),
        Owner::Them => format!("Waiting on {}: {}", todo.contact, todo.title),
    };
    l.text("SUMMARY", &[], &summary);
    l.raw("STATUS", &[], "NEEDS-ACTION");
    l.end("VTODO");
}

#[cfg(test)]
mod tests;
