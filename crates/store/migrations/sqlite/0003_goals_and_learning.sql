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

-- Who has been in a conversation with whom (contact_a < contact_b), kept by
-- the store on every conversation write: the ties that "ask X to introduce
-- you" walks, without a self-join over every participant.
CREATE TABLE contact_ties (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_a     INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    contact_b     INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    conversations INTEGER NOT NULL,
    last_at       INTEGER NOT NULL,
    PRIMARY KEY (contact_a, contact_b)
);
CREATE INDEX contact_ties_by_user ON contact_ties (user_id);
