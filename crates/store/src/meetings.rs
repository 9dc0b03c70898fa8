//! The store's meeting and outreach-block methods.

use chrono::{DateTime, Utc};
use kith_core::ids::{ConversationId, MeetingId, OutreachBlockId, UserId};
use kith_core::meeting::{JitsiBase, Meeting, MeetingMode, NewMeeting};
use kith_core::outreach::{NewOutreachBlock, OutreachBlock};

use crate::{Db, MeetingFilter, Result, Store, postgres, sqlite};

impl Store {
    /// Schedules a meeting with some of the user's contacts (a new UID,
    /// SEQUENCE 0, DTSTAMP `now`).
    pub async fn add_meeting(
        &self,
        user: UserId,
        meeting: &NewMeeting,
        now: DateTime<Utc>,
    ) -> Result<MeetingId> {
        dispatch!(self.add_meeting(user, meeting, now))
    }

    pub async fn meeting(&self, user: UserId, id: MeetingId) -> Result<Meeting> {
        dispatch!(self.meeting(user, id))
    }

    /// Meetings matching the filter, in time order.
    pub async fn meetings(&self, user: UserId, filter: &MeetingFilter) -> Result<Vec<Meeting>> {
        dispatch!(self.meetings(user, filter))
    }

    /// Moves a meeting to another place, platform or phone: same UID,
    /// SEQUENCE + 1, DTSTAMP `now`. Refused for a cancelled or logged one.
    pub async fn change_meeting_mode(
        &self,
        user: UserId,
        id: MeetingId,
        mode: &MeetingMode,
        now: DateTime<Utc>,
    ) -> Result<Meeting> {
        dispatch!(self.change_meeting_mode(user, id, mode, now))
    }

    /// Calls a meeting off: STATUS cancelled, SEQUENCE + 1, DTSTAMP `now`.
    pub async fn cancel_meeting(
        &self,
        user: UserId,
        id: MeetingId,
        now: DateTime<Utc>,
    ) -> Result<Meeting> {
        dispatch!(self.cancel_meeting(user, id, now))
    }

    /// Logs a meeting that has started as a conversation with its attendees
    /// (at its time, on its mode's channel) and links the two, atomically.
    pub async fn log_meeting(
        &self,
        user: UserId,
        id: MeetingId,
        summary: &str,
        now: DateTime<Utc>,
    ) -> Result<ConversationId> {
        dispatch!(self.log_meeting(user, id, summary, now))
    }

    /// The Jitsi server the user's rooms are made on (https://meet.jit.si
    /// unless set).
    pub async fn jitsi_base(&self, user: UserId) -> Result<JitsiBase> {
        dispatch!(self.jitsi_base(user))
    }

    /// Sets the user's Jitsi server; `None` goes back to the default.
    pub async fn set_jitsi_base(&self, user: UserId, base: Option<&JitsiBase>) -> Result<()> {
        dispatch!(self.set_jitsi_base(user, base))
    }

    /// What makes the UIDs of the user's block instances and follow-ups in
    /// the calendar feed unique everywhere: 32 random hex digits, made on
    /// first use and the same ever after (not a secret: it is in every UID).
    pub async fn calendar_uid_space(&self, user: UserId) -> Result<String> {
        dispatch!(self.calendar_uid_space(user))
    }

    /// Adds a recurring outreach block (its goal must be the user's).
    pub async fn add_block(
        &self,
        user: UserId,
        block: &NewOutreachBlock,
        now: DateTime<Utc>,
    ) -> Result<OutreachBlockId> {
        dispatch!(self.add_block(user, block, now))
    }

    /// The user's outreach blocks in the order they were added.
    pub async fn blocks(&self, user: UserId) -> Result<Vec<OutreachBlock>> {
        dispatch!(self.blocks(user))
    }

    pub async fn remove_block(&self, user: UserId, id: OutreachBlockId) -> Result<()> {
        dispatch!(self.remove_block(user, id))
    }
}
