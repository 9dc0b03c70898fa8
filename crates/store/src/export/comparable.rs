//! Two exports of the same data compared regardless of their ids.

use std::collections::HashMap;

use super::{AccountExport, ExportedEmployment};

impl AccountExport {
    /// The same document with `exported_at` cleared and every id replaced by
    /// its record's position (1, 2, …) in its list, references included: two
    /// exports of the same data under different ids are equal once comparable.
    pub fn comparable(&self) -> AccountExport {
        fn numbering<'a>(list: impl Iterator<Item = &'a i64>) -> HashMap<i64, i64> {
            list.enumerate()
                .map(|(i, id)| (*id, i as i64 + 1))
                .collect()
        }
        let orgs = numbering(self.organisations.iter().map(|o| &o.id));
        let tags = numbering(self.tags.iter().map(|t| &t.id));
        let contacts = numbering(self.contacts.iter().map(|c| &c.id));
        let conversations = numbering(self.conversations.iter().map(|c| &c.id));
        let follow_ups = numbering(self.follow_ups.iter().map(|f| &f.id));
        let goals = numbering(self.goals.iter().map(|g| &g.id));
        let meetings = numbering(self.meetings.iter().map(|m| &m.id));
        let blocks = numbering(self.outreach_blocks.iter().map(|b| &b.id));
        let map = |ids: &HashMap<i64, i64>, id: i64| ids.get(&id).copied().unwrap_or(-id);
        let map_opt = |ids: &HashMap<i64, i64>, id: Option<i64>| id.map(|id| map(ids, id));
        let map_all = |ids: &HashMap<i64, i64>, list: &[i64]| -> Vec<i64> {
            list.iter().map(|id| map(ids, *id)).collect()
        };
        let jobs = |list: &[ExportedEmployment]| -> Vec<ExportedEmployment> {
            list.iter()
                .map(|e| ExportedEmployment {
                    organisation_id: map(&orgs, e.organisation_id),
                    ..e.clone()
                })
                .collect()
        };
        let mut doc = self.clone();
        doc.exported_at = String::new();
        for o in &mut doc.organisations {
            o.id = map(&orgs, o.id);
        }
        for t in &mut doc.tags {
            t.id = map(&tags, t.id);
        }
        doc.employments = jobs(&self.employments);
        for c in &mut doc.contacts {
            c.id = map(&contacts, c.id);
            c.organisation_id = map_opt(&orgs, c.organisation_id);
            c.introduced_by = map_opt(&contacts, c.introduced_by);
            c.employments = jobs(&c.employments);
        }
        for c in &mut doc.conversations {
            c.id = map(&conversations, c.id);
            c.meeting_id = map_opt(&meetings, c.meeting_id);
            c.participants = map_all(&contacts, &c.participants);
        }
        for f in &mut doc.follow_ups {
            f.id = map(&follow_ups, f.id);
            f.contact_id = map(&contacts, f.contact_id);
            f.conversation_id = map_opt(&conversations, f.conversation_id);
            f.parent_id = map_opt(&follow_ups, f.parent_id);
            f.subject_id = map_opt(&contacts, f.subject_id);
        }
        for g in &mut doc.goals {
            g.id = map(&goals, g.id);
            g.contacts = map_all(&contacts, &g.contacts);
            g.conversations = map_all(&conversations, &g.conversations);
        }
        for m in &mut doc.meetings {
            m.id = map(&meetings, m.id);
            m.conversation_id = map_opt(&conversations, m.conversation_id);
            m.attendees = map_all(&contacts, &m.attendees);
        }
        for b in &mut doc.outreach_blocks {
            b.id = map(&blocks, b.id);
            b.goal_id = map_opt(&goals, b.goal_id);
        }
        doc
    }
}
