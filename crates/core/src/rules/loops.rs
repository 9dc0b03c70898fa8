//! Homework that creates more homework: loop-backs after finishing something
//! for someone, and reaching out to the people they suggested.

use chrono::{DateTime, Utc};

use crate::follow_up::{FollowUp, FollowUpKind, NewFollowUp, Owner};
use crate::ids::{ContactId, ConversationId};

/// What completing a follow-up of mine creates: a loop-back to report to the
/// contact, when the follow-up asked for one.
pub fn loop_back_for(done: &FollowUp) -> Option<NewFollowUp> {
    if done.owner != Owner::Me || !done.loop_back || done.kind == FollowUpKind::LoopBack {
        return None;
    }
    Some(NewFollowUp {
        contact: done.contact.id,
        conversation: None,
        owner: Owner::Me,
        kind: FollowUpKind::LoopBack,
        title: format!(
            "{}{}",
            loop_back_prefix(first_name(&done.contact.name)),
            done.title
        ),
        due_on: None,
        loop_back: false,
        parent: Some(done.id),
        subject: None,
    })
}

/// The follow-up that reaching out to an introduced person is: "Reach out to
/// Bob Smith (suggested by Jane)".
pub fn introduction(
    new_contact: ContactId,
    new_name: &str,
    introducer_name: &str,
    conversation: Option<ConversationId>,
) -> NewFollowUp {
    NewFollowUp {
        contact: new_contact,
        conversation,
        owner: Owner::Me,
        kind: FollowUpKind::Introduction,
        title: format!(
            "Reach out to {} (suggested by {})",
            new_name.trim(),
            first_name(introducer_name)
        ),
        due_on: None,
        loop_back: false,
        parent: None,
        subject: None,
    }
}

/// Whether logging a conversation with the follow-up's contact at `at` closes
/// it: open loop-backs and open introductions of mine created at or before
/// `at`. (The caller passes only open follow-ups.)
pub fn closed_by_conversation(
    kind: FollowUpKind,
    owner: Owner,
    created_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> bool {
    owner == Owner::Me
        && matches!(kind, FollowUpKind::LoopBack | FollowUpKind::Introduction)
        && created_at <= at
}

/// The first name: the part of a display name before the first space.
pub fn first_name(name: &str) -> &str {
    let name = name.trim();
    name.split_whitespace().next().unwrap_or(name)
}

/// "Tell Jane you did: ", the start of a loop-back's title.
fn loop_back_prefix(first: &str) -> String {
    format!("Tell {first} you did: ")
}

/// What a loop-back reports on: its title without "Tell Jane you did: ".
pub(super) fn loop_back_topic<'a>(title: &'a str, first: &str) -> &'a str {
    title
        .strip_prefix(loop_back_prefix(first).as_str())
        .unwrap_or(title)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::contact::ContactRef;
    use crate::follow_up::FollowUpStatus;
    use crate::ids::FollowUpId;

    fn follow_up(owner: Owner, kind: FollowUpKind, loop_back: bool) -> FollowUp {
        FollowUp {
            id: FollowUpId(7),
            contact: ContactRef {
                id: ContactId(3),
                name: "Jane Doe".into(),
            },
            conversation: Some(ConversationId(11)),
            owner,
            kind,
            title: "Read Atomic Habits".into(),
            due_on: None,
            loop_back,
            status: FollowUpStatus::Done,
            parent: None,
            subject: None,
            created_at: Utc.with_ymd_and_hms(2026, 1, 2, 10, 0, 0).unwrap(),
            closed_at: None,
        }
    }

    #[test]
    fn completing_homework_that_asked_for_a_loop_back_creates_one() {
        let done = follow_up(Owner::Me, FollowUpKind::Task, true);
        let new = loop_back_for(&done).unwrap();
        assert_eq!(
            new,
            NewFollowUp {
                contact: ContactId(3),
                conversation: None,
                owner: Owner::Me,
                kind: FollowUpKind::LoopBack,
                title: "Tell Jane you did: Read Atomic Habits".into(),
                due_on: None,
                loop_back: false,
                parent: Some(FollowUpId(7)),
                subject: None,
            }
        );
        assert_eq!(loop_back_topic(&new.title, "Jane"), "Read Atomic Habits");
        assert_eq!(loop_back_topic("Send the deck", "Jane"), "Send the deck");
    }

    #[test]
    fn no_loop_back_unless_mine_asked_for_and_not_itself_a_loop_back() {
        assert!(loop_back_for(&follow_up(Owner::Me, FollowUpKind::Task, false)).is_none());
        assert!(loop_back_for(&follow_up(Owner::Them, FollowUpKind::Task, true)).is_none());
        assert!(loop_back_for(&follow_up(Owner::Me, FollowUpKind::LoopBack, true)).is_none());
        assert!(loop_back_for(&follow_up(Owner::Me, FollowUpKind::Introduction, true)).is_some());
    }

    #[test]
    fn introductions_name_who_suggested_them() {
        let f = introduction(
            ContactId(9),
            "Bob Smith",
            "Jane Doe",
            Some(ConversationId(4)),
        );
        assert_eq!(f.title, "Reach out to Bob Smith (suggested by Jane)");
        assert_eq!(f.contact, ContactId(9));
        assert_eq!(f.conversation, Some(ConversationId(4)));
        assert_eq!(f.owner, Owner::Me);
        assert_eq!(f.kind, FollowUpKind::Introduction);
        assert_eq!(
            (f.due_on, f.loop_back, f.parent, f.subject),
            (None, false, None, None)
        );
        assert_eq!(
            introduction(ContactId(9), "Bob", "Cher", None).title,
            "Reach out to Bob (suggested by Cher)"
        );
    }

    #[test]
    fn conversations_close_my_loop_backs_and_introductions_created_before_them() {
        let created = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 3, 5, 9, 0, 0).unwrap();
        let earlier = Utc.with_ymd_and_hms(2026, 2, 20, 9, 0, 0).unwrap();
        use FollowUpKind::*;
        assert!(closed_by_conversation(LoopBack, Owner::Me, created, later));
        assert!(closed_by_conversation(
            Introduction,
            Owner::Me,
            created,
            later
        ));
        assert!(closed_by_conversation(
            LoopBack,
            Owner::Me,
            created,
            created
        ));
        assert!(!closed_by_conversation(
            LoopBack,
            Owner::Me,
            created,
            earlier
        ));
        assert!(!closed_by_conversation(Task, Owner::Me, created, later));
        assert!(!closed_by_conversation(
            LoopBack,
            Owner::Them,
            created,
            later
        ));
        assert!(!closed_by_conversation(
            Introduction,
            Owner::Them,
            created,
            later
        ));
    }

    #[test]
    fn first_names() {
        assert_eq!(first_name("Jane Doe"), "Jane");
        assert_eq!(first_name("  Jane   Mary Doe "), "Jane");
        assert_eq!(first_name("Cher"), "Cher");
        assert_eq!(first_name(""), "");
    }
}
