-- Meetings and outreach blocks (their tables came with 0001): the Jitsi
-- server a user's rooms are made on (NULL: https://meet.jit.si), and the
-- per-user lookups the meeting and block queries make.

ALTER TABLE users ADD COLUMN jitsi_base_url TEXT;

CREATE INDEX meeting_attendees_by_meeting ON meeting_attendees (user_id, meeting_id);
CREATE INDEX meetings_unlogged ON meetings (user_id, status, conversation_id, starts_at);
CREATE INDEX outreach_blocks_by_user ON outreach_blocks (user_id);
