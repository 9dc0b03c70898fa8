//! A differential check of the hand-written iCalendar writer: arbitrary
//! titles, places, names and e-mail addresses go through `invitation` and
//! `feed`; every physical line must be at most 75 octets and end in CRLF,
//! calcard must read the text back, and the text values (SUMMARY, LOCATION,
//! the attendees' CN) must come back as written (less what the writer drops
//! on purpose: control characters in TEXT, double quotes and backslashes in
//! parameters).
#![no_main]

use calcard::icalendar::{
    ICalendar, ICalendarComponentType, ICalendarParameterName, ICalendarParameterValue,
    ICalendarProperty,
};
use chrono::{NaiveDate, TimeZone as _, Utc};
use kith_core::contact::ContactRef;
use kith_core::follow_up::Owner;
use kith_core::ical::{
    BlockEvent, Feed, MeetingEvent, Method, Person, TodoEvent, feed, invitation,
};
use kith_core::ids::{ContactId, MeetingId, OutreachBlockId};
use kith_core::meeting::{Meeting, MeetingMode, MeetingStatus};
use kith_core::outreach::BlockInstance;
use kith_core::values::Email;
use libfuzzer_sys::fuzz_target;

/// What a TEXT value reads back as: the writer drops CR and control
/// characters other than tab and newline.
fn text_back(value: &str) -> String {
    value
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// What a parameter value reads back as: no control characters, a double
/// quote (which a parameter cannot hold) becomes a single one and a
/// backslash (an escape to calcard) a slash.
fn param_back(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '"' => '\'',
            '\\' => '/',
            c => c,
        })
        .collect()
}

fn person(name: String, email: &str) -> Person {
    let email = Email::parse(email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| "someone@example.org".to_owned());
    Person { name, email }
}

fn check_lines(text: &str) {
    assert!(text.ends_with("\r\n"), "no final CRLF");
    for line in text[..text.len() - 2].split("\r\n") {
        assert!(
            line.len() <= 75,
            "a line of {} octets: {line:?}",
            line.len()
        );
        assert!(!line.contains(['\r', '\n']), "a bare line break: {line:?}");
    }
}

fn parse(text: &str) -> ICalendar {
    match calcard::Parser::new(text).entry() {
        calcard::Entry::ICalendar(cal) => cal,
        other => panic!("calcard could not read it: {other:?}\n{text}"),
    }
}

fn text_of(c: &calcard::icalendar::ICalendarComponent, p: ICalendarProperty) -> Option<String> {
    let entry = c.property(&p)?;
    let values: Vec<&str> = entry.values.iter().filter_map(|v| v.as_text()).collect();
    Some(values.join(","))
}

fuzz_target!(
    |input: (String, String, String, String, String, String, String, bool)| {
        let (title, place, organiser, organiser_email, attendee, attendee_email, todo, cancel) =
            input;
        if place.trim().is_empty() {
            return;
        }
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
        let meeting = Meeting {
            id: MeetingId(1),
            uid: "5b0e8b1c-2f6b-4d1e-9a57-3c1d2e4f5a6b".into(),
            title: title.clone(),
            starts_at: at,
            minutes: 45,
            mode: MeetingMode::InPerson {
                place: place.clone(),
            },
            sequence: 2,
            status: if cancel {
                MeetingStatus::Cancelled
            } else {
                MeetingStatus::Scheduled
            },
            attendees: vec![ContactRef {
                id: ContactId(2),
                name: attendee.clone(),
            }],
            dtstamp: at,
            conversation: None,
        };
        let organiser = person(organiser, &organiser_email);
        let attendees = [person(attendee.clone(), &attendee_email)];
        let event = MeetingEvent {
            meeting: &meeting,
            organizer: Some(&organiser),
            attendees: &attendees,
        };
        let text = invitation(&event, Method::for_meeting(&meeting));
        check_lines(&text);
        let cal = parse(&text);
        let vevent = cal
            .components
            .iter()
            .find(|c| c.component_type == ICalendarComponentType::VEvent)
            .expect("a VEVENT");
        assert_eq!(
            text_of(vevent, ICalendarProperty::Summary).unwrap_or_default(),
            text_back(&title),
            "SUMMARY\n{text}"
        );
        assert_eq!(
            text_of(vevent, ICalendarProperty::Location).unwrap_or_default(),
            text_back(&place),
            "LOCATION\n{text}"
        );
        let cns: Vec<String> = vevent
            .properties(&ICalendarProperty::Attendee)
            .flat_map(|e| e.params.iter())
            .filter(|p| p.name == ICalendarParameterName::Cn)
            .filter_map(|p| match &p.value {
                ICalendarParameterValue::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        let expected = param_back(&attendee);
        if expected.is_empty() {
            assert!(cns.iter().all(String::is_empty), "CN {cns:?}\n{text}");
        } else {
            assert_eq!(cns, [expected], "CN\n{text}");
        }

        let todos = [TodoEvent {
            id: 3,
            owner: Owner::Me,
            contact: attendee.clone(),
            title: todo.clone(),
            due_on: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            created_at: at,
        }];
        let meetings = [event];
        // A block whose goal, person, reason and brief line are the inputs again.
        let blocks = [BlockEvent {
            instance: BlockInstance {
                block: OutreachBlockId(4),
                goal: None,
                capacity: 1,
                date: NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(),
                starts_at: at,
                ends_at: at,
            },
            goal: Some(place.clone()),
            people: vec![(attendee.clone(), todo.clone(), vec![title.clone()])],
        }];
        let description = format!("Goal: {place}\n\n{attendee}: {todo}\n  {title}\n\n");
        let text = feed(&Feed {
            name: &title,
            meetings: &meetings,
            blocks: &blocks,
            todos: &todos,
            uid_space: "0123456789abcdef0123456789abcdef",
            now: at,
        });
        check_lines(&text);
        let cal = parse(&text);
        let vtodo = cal
            .components
            .iter()
            .find(|c| c.component_type == ICalendarComponentType::VTodo)
            .expect("a VTODO");
        assert_eq!(
            text_of(vtodo, ICalendarProperty::Summary).unwrap_or_default(),
            text_back(&format!("{todo} ({attendee})")),
            "VTODO SUMMARY\n{text}"
        );
        let block = cal
            .components
            .iter()
            .filter(|c| c.component_type == ICalendarComponentType::VEvent)
            .nth(1)
            .expect("the block's VEVENT");
        assert_eq!(
            text_of(block, ICalendarProperty::Description).unwrap_or_default(),
            text_back(description.trim_end()),
            "block DESCRIPTION\n{text}"
        );
    }
);
