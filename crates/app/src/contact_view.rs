//! What a contact's page (and `kith show`) tells about one contact: the
//! contact, its conversations, open follow-ups, whom they introduced, its
//! rhythm, when it is due and its health, and its timeline (conversations
//! and dated entries such as the day of the LinkedIn connection). Also the
//! one-off ties, which the list's filter shows.

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::contact::{Contact, ContactFilter, ContactRef, ContactSummary};
use kith_core::conversation::Conversation;
use kith_core::follow_up::{FollowUp, FollowUpKind, Owner};
use kith_core::ids::ContactId;
use kith_core::rules::cadence::{EffectiveCadence, effective};
use kith_core::rules::due::{ContactFacts, due_on, is_one_off};
use kith_core::rules::health::{Health, health};
use kith_core::user::User;
use kith_core::values::{TimeZone, sort_key};
use kith_store::{ContactEvent, ContactStats, Store};
use serde_json::json;

use crate::agenda::{settings, today};
use crate::error::AppError;
use crate::json;

/// Everything `show` (and the web's contact page) tells about one contact.
pub struct ContactView {
    pub contact: Contact,
    pub stats: ContactStats,
    pub recent: Vec<Conversation>,
    pub follow_ups: Vec<FollowUp>,
    pub introduced: Vec<ContactRef>,
    /// Dated entries that are not conversations, oldest first.
    pub events: Vec<ContactEvent>,
    pub rhythm: EffectiveCadence,
    pub due_on: NaiveDate,
    pub today: NaiveDate,
    pub health: Health,
}

/// The effective rhythm and due date of one contact.
pub fn rhythm_of(user: &User, facts: &ContactFacts) -> (EffectiveCadence, NaiveDate) {
    let s = settings(user);
    let cadence = effective(facts.own_cadence, &facts.tag_cadences, s.default_cadence);
    let due_on = due_on(facts, cadence.cadence, &s);
    (cadence, due_on)
}

impl ContactView {
    /// Contact `id` with its `recent` latest conversations.
    pub async fn load(
        store: &Store,
        me: &User,
        now: DateTime<Utc>,
        id: ContactId,
        recent: u32,
    ) -> Result<ContactView, AppError> {
        let user = me.id;
        let c = store.contact(user, id).await?;
        let stats = store.contact_stats(user, c.id).await?;
        let recent_conversations = store.conversations_with(user, c.id, recent).await?;
        let follow_ups = store.open_follow_ups_with(user, c.id).await?;
        let introduced = store.introduced_by(user, c.id).await?;
        let events = store.contact_events(user, c.id).await?;
        let facts = store.contact_facts(user, Some(c.id), now).await?;
        let facts = facts
            .first()
            .ok_or_else(|| AppError::Internal("the contact's facts are missing".into()))?;
        let (rhythm, due_on) = rhythm_of(me, facts);
        let year_ago = now - chrono::Duration::days(365);
        let channels = store.conversation_channels(user, c.id, year_ago).await?;
        let today = today(now, me.timezone);
        let overdue_loops = facts
            .open_loops
            .iter()
            .filter(|l| {
                l.owner == Owner::Me
                    && (l.kind == FollowUpKind::LoopBack || l.due_on.is_some_and(|d| d < today))
            })
            .count() as u32;
        let health = health(
            rhythm.cadence,
            &channels,
            facts.activity.last_meaningful_at,
            overdue_loops,
            now,
        );
        Ok(ContactView {
            contact: c,
            stats,
            recent: recent_conversations,
            follow_ups,
            introduced,
            events,
            rhythm,
            due_on,
            today,
            health,
        })
    }

    /// "12 days overdue", "due today", "next due 2026-12-01 (in 6 days)".
    pub fn due_text(&self) -> String {
        match (self.today - self.due_on).num_days() {
            d if d > 0 => format!("{d} days overdue"),
            0 => "due today".into(),
            d => format!("next due {} (in {} days)", self.due_on, -d),
        }
    }

    /// The recent conversations and the dated entries, newest first (a
    /// conversation before an entry of the same day, in `tz`).
    pub fn timeline(&self, tz: TimeZone) -> Vec<Entry<'_>> {
        let mut entries: Vec<(NaiveDate, Entry)> = self
            .recent
            .iter()
            .map(|c| {
                let day = c.occurred_at.with_timezone(&tz.tz()).date_naive();
                (day, Entry::Conversation(c))
            })
            .chain(self.events.iter().map(|e| (e.on, Entry::Event(e))))
            .collect();
        // Stable: conversations keep their order, newest first.
        entries.sort_by(|a, b| {
            let rank = |e: &Entry| matches!(e, Entry::Conversation(_));
            (b.0, rank(&b.1)).cmp(&(a.0, rank(&a.1)))
        });
        entries.into_iter().map(|(_, e)| e).collect()
    }

    pub fn json(&self) -> serde_json::Value {
        let (stats, rhythm, health) = (&self.stats, &self.rhythm, &self.health);
        let mut value = json::contact(&self.contact);
        value["conversation_count"] = json!(stats.conversations);
        value["first_conversation_at"] = json!(stats.first.map(|t| t.to_rfc3339()));
        value["last_conversation_at"] = json!(stats.last.map(|t| t.to_rfc3339()));
        value["recent_conversations"] = self.recent.iter().map(json::conversation).collect();
        value["open_follow_ups"] = self.follow_ups.iter().map(json::follow_up).collect();
        value["introduced"] = self.introduced.iter().map(json::contact_ref).collect();
        value["events"] = self
            .events
            .iter()
            .map(
                |e| json!({ "on": e.on.to_string(), "kind": e.kind, "what": event_words(&e.kind) }),
            )
            .collect();
        value["rhythm"] = json!({ "days": rhythm.cadence.days(), "source": json::cadence_source(&rhythm.source) });
        value["due_on"] = json!(self.due_on.to_string());
        value["health"] = json!({
            "score": health.score,
            "parts": health.parts.iter().map(|p| json!({ "name": p.name, "points": p.points, "max": p.max, "why": p.why })).collect::<Vec<_>>(),
        });
        value
    }
}

/// One entry of a contact's timeline.
#[derive(Debug, Clone, Copy)]
pub enum Entry<'a> {
    Conversation(&'a Conversation),
    /// A dated entry that is not a conversation.
    Event(&'a ContactEvent),
}

/// What a dated entry's kind says on a timeline.
pub fn event_words(kind: &str) -> &str {
    match kind {
        "linkedin-connected" => "Connected on LinkedIn",
        other => other,
    }
}

/// One-off ties (one conversation, long ago, no rhythm of their own) that
/// pass `filter`, in name order.
pub async fn one_off_contacts(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    filter: &ContactFilter,
    limit: u32,
) -> Result<Vec<ContactSummary>, AppError> {
    let facts = store.contact_facts(me.id, None, now).await?;
    let settings = settings(me);
    let today = today(now, me.timezone);
    let ids: Vec<_> = facts
        .iter()
        .filter(|f| {
            let cadence =
                effective(f.own_cadence, &f.tag_cadences, settings.default_cadence).cadence;
            is_one_off(f, cadence, today, settings.tz)
        })
        .map(|f| f.id)
        .collect();
    let mut contacts = store.contact_summaries(me.id, &ids).await?;
    contacts.retain(|c| passes(filter, c));
    contacts.sort_by_cached_key(|c| (sort_key(&c.name), c.id));
    contacts.truncate(limit as usize);
    Ok(contacts)
}

fn passes(filter: &ContactFilter, c: &ContactSummary) -> bool {
    filter
        .tag
        .as_ref()
        .is_none_or(|t| c.tags.iter().any(|x| x == t.as_str()))
        && filter.organisation.as_ref().is_none_or(|o| {
            c.organisation
                .as_ref()
                .is_some_and(|x| x.to_lowercase().contains(&o.to_lowercase()))
        })
        && filter.function.as_ref().is_none_or(|f| {
            c.function
                .as_ref()
                .is_some_and(|x| x.eq_ignore_ascii_case(f))
        })
}
