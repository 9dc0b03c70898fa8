//! The agenda's homework: which section an open follow-up belongs in on a
//! given day, and how its due date reads ("due today", "3 days overdue").

use chrono::NaiveDate;

use crate::follow_up::{FollowUpKind, Owner};
use crate::rules::due::OpenLoop;

/// Where an open follow-up shows on the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// My own task, due today or overdue.
    FollowUp,
    /// Tell someone I did what I said: shown whenever it is open.
    LoopBack,
    /// An introduction I promised: shown whenever it is open.
    Introduction,
    /// Something they promised, past its date: a gentle nudge.
    Nudge,
}

/// The section `open` belongs in on `today`, or none: my tasks show once
/// due, my loop-backs and introductions always, their promises only once
/// their date has passed (on the day itself they still have time).
pub fn section(open: &OpenLoop, today: NaiveDate) -> Option<Section> {
    match (open.owner, open.kind) {
        (Owner::Me, FollowUpKind::LoopBack) => Some(Section::LoopBack),
        (Owner::Me, FollowUpKind::Introduction) => Some(Section::Introduction),
        (Owner::Me, FollowUpKind::Task) if open.due_on.is_some_and(|d| d <= today) => {
            Some(Section::FollowUp)
        }
        (Owner::Them, _) if open.due_on.is_some_and(|d| d < today) => Some(Section::Nudge),
        _ => None,
    }
}

/// How a due date reads on `today`: "due today", "1 day overdue",
/// "3 days overdue"; nothing for a date still ahead or no date.
pub fn when(due_on: Option<NaiveDate>, today: NaiveDate) -> Option<String> {
    let due = due_on.filter(|d| *d <= today)?;
    Some(match (today - due).num_days() {
        0 => "due today".to_owned(),
        1 => "1 day overdue".to_owned(),
        n => format!("{n} days overdue"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::FollowUpId;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn open(owner: Owner, kind: FollowUpKind, due_on: Option<NaiveDate>) -> OpenLoop {
        OpenLoop {
            id: FollowUpId(1),
            owner,
            kind,
            title: "x".into(),
            due_on,
            loop_back: false,
        }
    }

    #[test]
    fn due_dates_read_as_words() {
        assert_eq!(when(Some(day(10)), day(10)).as_deref(), Some("due today"));
        assert_eq!(
            when(Some(day(9)), day(10)).as_deref(),
            Some("1 day overdue")
        );
        assert_eq!(
            when(Some(day(7)), day(10)).as_deref(),
            Some("3 days overdue")
        );
        assert_eq!(when(Some(day(11)), day(10)), None);
        assert_eq!(when(None, day(10)), None);
    }

    #[test]
    fn each_follow_up_finds_its_section() {
        use FollowUpKind::*;
        use Owner::*;
        let today = day(10);
        let cases = [
            (Me, Task, Some(day(10)), Some(Section::FollowUp)),
            (Me, Task, Some(day(11)), None),
            (Me, Task, None, None),
            (Me, LoopBack, None, Some(Section::LoopBack)),
            (Me, LoopBack, Some(day(20)), Some(Section::LoopBack)),
            (Me, Introduction, None, Some(Section::Introduction)),
            (Them, Task, Some(day(9)), Some(Section::Nudge)),
            (Them, Task, Some(day(10)), None),
            (Them, Introduction, Some(day(1)), Some(Section::Nudge)),
            (Them, Task, None, None),
        ];
        for (owner, kind, due_on, want) in cases {
            assert_eq!(
                section(&open(owner, kind, due_on), today),
                want,
                "{owner:?} {kind:?} {due_on:?}"
            );
        }
    }
}
