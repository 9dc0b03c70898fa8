//! JSON shapes of domain values for `--json` (and later the API). Times are
//! RFC 3339 in UTC; absent values are `null`.

use kith_core::contact::{Contact, ContactRef, ContactSummary};
use kith_core::conversation::Conversation;
use kith_core::follow_up::FollowUp;
use kith_core::user::User;
use serde_json::{Value, json};

pub fn contact_ref(c: &ContactRef) -> Value {
    json!({ "id": c.id.0, "name": c.name })
}

pub fn contact(c: &Contact) -> Value {
    json!({
        "id": c.id.0,
        "uid": c.uid,
        "name": c.name,
        "given_name": c.given_name,
        "family_name": c.family_name,
        "nickname": c.nickname,
        "emails": c.emails,
        "phones": c.phones,
        "links": c.links.iter().map(|l| json!({ "url": l.url, "kind": l.kind })).collect::<Vec<_>>(),
        "organisation": c.organisation.as_ref().map(|o| o.name.clone()),
        "title": c.title,
        "function": c.function,
        "industry": c.industry,
        "location": c.location,
        "timezone": c.timezone,
        "birthday": c.birthday,
        "how_met": c.how_met,
        "introduced_by": c.introduced_by.as_ref().map(contact_ref),
        "tags": c.tags,
        "notes": c.notes,
        "cadence_days": c.cadence.map(|c| c.days()),
        "snoozed_until": c.snoozed_until.map(|t| t.to_rfc3339()),
        "archived": c.archived,
        "created_at": c.created_at.to_rfc3339(),
        "updated_at": c.updated_at.to_rfc3339(),
        "revision": c.revision,
        "etag": c.etag(),
    })
}

pub fn summary(c: &ContactSummary) -> Value {
    json!({
        "id": c.id.0,
        "name": c.name,
        "organisation": c.organisation,
        "title": c.title,
        "function": c.function,
        "tags": c.tags,
        "archived": c.archived,
    })
}

pub fn conversation(c: &Conversation) -> Value {
    json!({
        "id": c.id.0,
        "uid": c.uid,
        "occurred_at": c.occurred_at.to_rfc3339(),
        "channel": c.channel.as_str(),
        "minutes": c.minutes,
        "summary": c.summary,
        "participants": c.participants.iter().map(contact_ref).collect::<Vec<_>>(),
        "kind": c.kind.as_str(),
        "learned": c.learned.iter().map(|l| json!({ "kind": l.kind.as_str(), "text": l.text })).collect::<Vec<_>>(),
    })
}

pub fn follow_up(f: &FollowUp) -> Value {
    json!({
        "id": f.id.0,
        "contact": contact_ref(&f.contact),
        "conversation": f.conversation.map(|c| c.0),
        "owner": f.owner.as_str(),
        "kind": f.kind.as_str(),
        "title": f.title,
        "due_on": f.due_on.map(|d| d.to_string()),
        "loop_back": f.loop_back,
        "status": f.status.as_str(),
        "created_at": f.created_at.to_rfc3339(),
        "closed_at": f.closed_at.map(|t| t.to_rfc3339()),
    })
}

pub fn user(u: &User) -> Value {
    json!({
        "id": u.id.0,
        "username": u.username,
        "name": u.display_name,
        "email": u.email,
        "timezone": u.timezone.name(),
    })
}

pub fn meeting(m: &kith_core::meeting::Meeting) -> Value {
    use kith_core::meeting::MeetingMode;
    let (place, platform, url, phone) = match &m.mode {
        MeetingMode::InPerson { place } => (Some(place.as_str()), None, None, None),
        MeetingMode::Virtual { platform, url } => {
            (None, Some(platform.as_str()), Some(url.as_str()), None)
        }
        MeetingMode::Phone { number } => (None, None, None, Some(number.as_str())),
    };
    json!({
        "id": m.id.0,
        "uid": m.uid,
        "title": m.title,
        "starts_at": m.starts_at.to_rfc3339(),
        "ends_at": m.ends_at().to_rfc3339(),
        "minutes": m.minutes,
        "mode": m.mode.kind(),
        "place": place,
        "platform": platform,
        "url": url,
        "phone": phone,
        "status": m.status.as_str(),
        "sequence": m.sequence,
        "dtstamp": m.dtstamp.to_rfc3339(),
        "attendees": m.attendees.iter().map(contact_ref).collect::<Vec<_>>(),
        "conversation": m.conversation.map(|c| c.0),
    })
}
