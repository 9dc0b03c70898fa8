-- Informational conversations and what was learned in them.

ALTER TABLE conversations ADD COLUMN kind TEXT NOT NULL DEFAULT 'regular';

CREATE TABLE conversation_learnings (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    text            TEXT    NOT NULL
);
CREATE INDEX conversation_learnings_by_conversation ON conversation_learnings (conversation_id);
CREATE INDEX goal_conversations_by_goal ON goal_conversations (goal_id);
CREATE INDEX employments_mine ON employments (user_id, organisation_id);
