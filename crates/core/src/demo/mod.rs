//! A deterministic, realistic demo network: the people, conversations and
//! follow-ups of a busy networker, for `kith demo`, screenshots, benchmarks
//! and tests.
//!
//! The same [`DemoConfig`] always gives exactly the same [`DemoNetwork`], on
//! every platform and with every version of Kith's dependencies: randomness
//! comes from a SplitMix64 generator written out in this module, never from
//! `rand`, whose streams may change between releases.
//!
//! The shape of the network:
//! - exactly 20 conversations and 5 follow-ups per contact (200,000 and
//!   50,000 for the reference size of 10,000 contacts);
//! - conversation counts are skewed: a core of close ties (~8%) has about
//!   half of them, a long tail has a handful each, ~7% are one-off ties
//!   (exactly one conversation, more than 100 days ago) and ~5% were never
//!   talked to;
//! - ~12% work at the user's own organisation, covering its functions
//!   unevenly: many people in a few, one or two in others, none in the rest;
//!   ~10% are former colleagues; ~10% were introduced by an earlier contact;
//! - ~6% of conversations are informational chats (one-to-one, spoken), each
//!   with one to three skills, career paths or notes learned;
//! - four goals: an active industry change (into product), a new role, a
//!   reconnect with former colleagues, and a done internal-visibility goal,
//!   each linked to the contacts and conversations that serve it;
//! - the user keeps up (`keeping.rs`): loose ties have loose rhythms, so
//!   most people are within theirs; about one in fifty is due today or
//!   overdue by at most two weeks (more of the one-off ties), and open
//!   homework is recent: nothing is left more than two weeks past its date.
//!
//! Contacts come in the order they were added (`added_at` ascending) and
//! conversations and follow-ups in the order they happened, so storing them
//! in order replays the user's history. Work and personal e-mail domains use
//! the reserved `.example` top-level domain: nothing generated here can reach
//! a real mailbox.
//!
//! What later versions added (goals, what informational chats taught, which
//! functions of my organisation stay thin) is drawn from a second stream, so
//! the first one draws exactly what it always did: adding them changed no
//! time, participant or channel, only the function (and title and the words
//! that name it) of colleagues moved out of a thin function. Keeping up
//! draws from a third stream and moves no conversation: it sets rhythms and
//! settles old follow-ups.

mod cities;
mod companies;
mod conversations;
mod follow_ups;
mod goals;
mod keeping;
mod names;
mod people;
mod profile;
mod rng;
mod summaries;
mod words;
mod world;

#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};

use self::companies::COMPANIES;
use self::conversations::conversations;
use self::follow_ups::follow_ups;
use self::goals::goals;
use self::keeping::keep_up;
use self::people::people;
use self::rng::SplitMix64;
use self::world::World;
use crate::contact::ContactDraft;
use crate::conversation::{Channel, ConversationKind, Learning, Minutes};
use crate::follow_up::{FollowUpKind, FollowUpStatus, Owner};
use crate::goal::{GoalStatus, NewGoal};
use crate::values::Cadence;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    pub contacts: usize,
    pub seed: u64,
    /// Everything generated happens before this instant, within two years.
    pub now: DateTime<Utc>,
    /// The user's rhythm for contacts without one of their own: the
    /// network keeps up with it (see `keeping.rs`).
    pub default_cadence: Cadence,
}

/// A stint at an organisation, in whole calendar years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastEmployer {
    pub organisation: String,
    pub from_year: i32,
    pub to_year: i32,
}

impl PastEmployer {
    /// Whether two people were at the same organisation in a common year.
    pub fn overlaps(&self, other: &PastEmployer) -> bool {
        self.organisation == other.organisation
            && self.from_year <= other.to_year
            && other.from_year <= self.to_year
    }
}

/// A generated network, every cross-reference an index into its own vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoNetwork {
    /// The user's own employer now (an organisation name).
    pub my_organisation: String,
    /// The user's earlier employers, oldest first.
    pub my_past_employers: Vec<PastEmployer>,
    /// In the order they were added.
    pub contacts: Vec<DemoContact>,
    /// In the order they happened.
    pub conversations: Vec<DemoConversation>,
    /// In the order they were created.
    pub follow_ups: Vec<DemoFollowUp>,
    /// Exactly four, in the order they were created.
    pub goals: Vec<DemoGoal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoContact {
    /// `draft.introduced_by` is always `None`: see `introduced_by`.
    pub draft: ContactDraft,
    /// Index into `contacts`, always smaller than this contact's own.
    pub introduced_by: Option<usize>,
    /// Former colleagues overlap one of `my_past_employers`.
    pub past_employers: Vec<PastEmployer>,
    /// Within the two years before `now`.
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoConversation {
    /// Before `now`, and not before any participant's `added_at`.
    pub occurred_at: DateTime<Utc>,
    pub channel: Channel,
    /// `None` for e-mails and messages, else 10 to 90.
    pub minutes: Option<Minutes>,
    pub summary: String,
    /// Distinct indices into `contacts`; one person mostly, sometimes 2 or 3.
    pub participants: Vec<usize>,
    /// `Informational` only for one-to-one calls and meetings (never e-mail
    /// or messages), whose summary starts "Informational chat about".
    pub kind: ConversationKind,
    /// One to three items for informational conversations, else empty.
    pub learned: Vec<Learning>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DemoFollowUp {
    pub contact: usize,
    /// Index into `conversations`; that conversation includes `contact`.
    pub conversation: Option<usize>,
    pub owner: Owner,
    /// `Task` or `Introduction`, never `LoopBack`.
    pub kind: FollowUpKind,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub loop_back: bool,
    pub status: FollowUpStatus,
    /// `Some` exactly when the status is not `Open`; after the conversation.
    pub closed_at: Option<DateTime<Utc>>,
}

/// A networking goal, and what has been linked to it so far.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoGoal {
    pub goal: NewGoal,
    /// Weeks to months before `now`; before `goal.due_on`.
    pub created_at: DateTime<Utc>,
    pub status: GoalStatus,
    /// Ascending, distinct indices into `contacts`.
    pub contacts: Vec<usize>,
    /// Ascending, distinct indices into `conversations`, each after
    /// `created_at` and with at least one participant in `contacts`.
    pub conversations: Vec<usize>,
}

/// Generates the network described by `config`; always the same for the same config.
pub fn generate(config: &DemoConfig) -> DemoNetwork {
    let mut rng = SplitMix64::new(config.seed);
    let mut extra = SplitMix64::new(config.seed.wrapping_add(EXTRA_STREAM));
    let world = World::new(&mut rng, config.now);
    let (people, mut contacts) = people(&mut rng, &mut extra, &world, config.contacts);
    let (conversations, times) = conversations(&mut rng, &mut extra, &world, &people);
    let mut follow_ups = follow_ups(&mut rng, &world, &people, &contacts, &conversations, &times);
    let goals = goals(
        &mut extra,
        &world,
        &people,
        &contacts,
        &conversations,
        &times,
    );
    let mut keeping = SplitMix64::new(config.seed.wrapping_add(KEEPING_STREAM));
    keep_up(
        &mut keeping,
        config.now,
        config.default_cadence,
        &mut contacts,
        &conversations,
        &mut follow_ups,
    );
    DemoNetwork {
        my_organisation: COMPANIES[world.my_company].name.to_owned(),
        my_past_employers: world.past.iter().map(|s| s.to_past_employer()).collect(),
        contacts,
        conversations,
        follow_ups,
        goals,
    }
}

/// Where the second stream starts, relative to the seed: far from the first
/// stream for any seed (it is not a small multiple of SplitMix64's increment).
const EXTRA_STREAM: u64 = 0x4B69_7468_4465_6D6F;
/// Where the third stream starts, for the last pass (keeping up).
const KEEPING_STREAM: u64 = 0x4B65_6570_696E_6755;

const CONVERSATIONS_PER_CONTACT: usize = 20;
const FOLLOW_UPS_PER_CONTACT: usize = 5;
const DAY: i64 = 86_400;
const HISTORY_DAYS: i64 = 730;
/// A one-off tie's single conversation is at least this old.
const ONE_OFF_MIN_AGE_DAYS: i64 = 100;
/// Fewest conversations for a contact that is neither silent nor a one-off.
const MIN_REGULAR_CONVERSATIONS: u64 = 2;
