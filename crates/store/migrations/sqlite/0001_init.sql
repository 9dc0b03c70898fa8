-- Kith schema, SQLite dialect. Never edit a migration that has landed; add a new one.
-- Times are INTEGER seconds since the Unix epoch (UTC); calendar dates are TEXT 'YYYY-MM-DD'.
-- Every row belongs to a user; the store scopes every query by user_id.

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT    NOT NULL UNIQUE,
    display_name         TEXT    NOT NULL,
    email                TEXT,
    timezone             TEXT    NOT NULL DEFAULT 'UTC',
    default_cadence_days INTEGER NOT NULL DEFAULT 90,
    light_resets_clock   BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash        TEXT,
    is_admin             BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           INTEGER NOT NULL
);

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL,
    is_mine    BOOLEAN NOT NULL DEFAULT FALSE,
    industry   TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name_key)
);

CREATE TABLE contacts (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    uid             TEXT    NOT NULL,
    full_name       TEXT    NOT NULL,
    sort_key        TEXT    NOT NULL,
    given_name      TEXT,
    family_name     TEXT,
    nickname        TEXT,
    organisation_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    title           TEXT,
    function        TEXT,
    industry        TEXT,
    location        TEXT,
    timezone        TEXT,
    birthday        TEXT,
    how_met         TEXT,
    introduced_by   INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    notes           TEXT,
    cadence_days    INTEGER,
    snoozed_until   INTEGER,
    archived        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (user_id, uid)
);
CREATE INDEX contacts_by_name ON contacts (user_id, sort_key, id);
CREATE INDEX contacts_by_organisation ON contacts (organisation_id);
CREATE INDEX contacts_by_introducer ON contacts (introduced_by);

CREATE TABLE contact_emails (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    address     TEXT    NOT NULL,
    address_key TEXT    NOT NULL
);
CREATE INDEX contact_emails_by_contact ON contact_emails (contact_id, position);
CREATE INDEX contact_emails_by_address ON contact_emails (user_id, address_key);

CREATE TABLE contact_phones (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    number     TEXT    NOT NULL,
    number_key TEXT    NOT NULL
);
CREATE INDEX contact_phones_by_contact ON contact_phones (contact_id, position);
CREATE INDEX contact_phones_by_number ON contact_phones (user_id, number_key);

CREATE TABLE contact_links (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    url        TEXT    NOT NULL,
    kind       TEXT    NOT NULL
);
CREATE INDEX contact_links_by_contact ON contact_links (contact_id, position);
CREATE INDEX contact_links_by_url ON contact_links (user_id, url);

CREATE TABLE tags (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    cadence_days INTEGER,
    UNIQUE (user_id, name)
);

CREATE TABLE contact_tags (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (contact_id, tag_id)
);
CREATE INDEX contact_tags_by_tag ON contact_tags (tag_id, contact_id);

-- Where people (contact_id) or the user (contact_id NULL) worked: organisation history.
CREATE TABLE employments (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id      INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title           TEXT,
    started_on      TEXT,
    ended_on        TEXT
);
CREATE INDEX employments_by_contact ON employments (user_id, contact_id);
CREATE INDEX employments_by_organisation ON employments (organisation_id);

CREATE TABLE conversations (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    uid         TEXT    NOT NULL,
    occurred_at INTEGER NOT NULL,
    channel     TEXT    NOT NULL,
    minutes     INTEGER,
    summary     TEXT    NOT NULL DEFAULT '',
    meeting_id  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (user_id, uid)
);
CREATE INDEX conversations_by_time ON conversations (user_id, occurred_at);

-- occurred_at and channel are copied from the conversation so "when did I last
-- talk to X, and how" is one index range per contact.
CREATE TABLE conversation_participants (
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    contact_id      INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    occurred_at     INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    PRIMARY KEY (conversation_id, contact_id)
);
CREATE INDEX participants_by_contact ON conversation_participants (user_id, contact_id, occurred_at);

CREATE TABLE follow_ups (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id      INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
    owner           TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    due_on          TEXT,
    loop_back       BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT    NOT NULL DEFAULT 'open',
    parent_id       INTEGER REFERENCES follow_ups (id) ON DELETE SET NULL,
    subject_id      INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER
);
CREATE INDEX follow_ups_by_status ON follow_ups (user_id, status, due_on);
CREATE INDEX follow_ups_by_contact ON follow_ups (contact_id, status);

CREATE TABLE goals (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    industry     TEXT,
    function     TEXT,
    company      TEXT,
    skill        TEXT,
    target_count INTEGER,
    due_on       TEXT,
    status       TEXT    NOT NULL DEFAULT 'active',
    created_at   INTEGER NOT NULL,
    closed_at    INTEGER
);
CREATE INDEX goals_by_user ON goals (user_id, status);

CREATE TABLE goal_contacts (
    goal_id    INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (goal_id, contact_id)
);
CREATE INDEX goal_contacts_by_contact ON goal_contacts (contact_id);

CREATE TABLE goal_conversations (
    goal_id         INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (goal_id, conversation_id)
);
CREATE INDEX goal_conversations_by_conversation ON goal_conversations (conversation_id);

CREATE TABLE meetings (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    uid             TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    starts_at       INTEGER NOT NULL,
    minutes         INTEGER NOT NULL,
    mode            TEXT    NOT NULL,
    place           TEXT,
    platform        TEXT,
    join_url        TEXT,
    phone           TEXT,
    sequence        INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL DEFAULT 'scheduled',
    dtstamp         INTEGER NOT NULL,
    conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (user_id, uid)
);
CREATE INDEX meetings_by_time ON meetings (user_id, starts_at);

CREATE TABLE meeting_attendees (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, contact_id)
);
CREATE INDEX meeting_attendees_by_contact ON meeting_attendees (contact_id);

CREATE TABLE outreach_blocks (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    weekdays   INTEGER NOT NULL,
    start_time TEXT    NOT NULL,
    minutes    INTEGER NOT NULL,
    people     INTEGER NOT NULL,
    goal_id    INTEGER REFERENCES goals (id) ON DELETE SET NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL
);

-- What the history with each contact adds up to, kept by the store on every
-- conversation write so that ranking who is due never scans the whole history.
-- "meaningful" follows Channel::is_meaningful (calls and meetings, not e-mail).
CREATE TABLE contact_activity (
    contact_id         INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversations      INTEGER NOT NULL DEFAULT 0,
    meaningful         INTEGER NOT NULL DEFAULT 0,
    first_at           INTEGER,
    last_at            INTEGER,
    last_meaningful_at INTEGER
);
CREATE INDEX contact_activity_by_user ON contact_activity (user_id);

-- Per-user change log of contacts (CardDAV sync tokens are positions in it).
-- No foreign key to contacts: a deletion must outlive the contact.
CREATE TABLE contact_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL,
    uid        TEXT    NOT NULL,
    op         TEXT    NOT NULL,
    revision   INTEGER NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX contact_changes_by_user ON contact_changes (user_id, seq);

-- Full-text search. contact_search.doc is assembled by the store from the
-- contact and its e-mails, organisation and tags (rowid = contact id).
CREATE VIRTUAL TABLE contact_search USING fts5 (
    doc,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = old.id;
END;

CREATE VIRTUAL TABLE conversation_search USING fts5 (
    summary,
    content = 'conversations',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER conversations_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_search (rowid, summary) VALUES (new.id, new.summary);
END;
CREATE TRIGGER conversations_search_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversation_search (conversation_search, rowid, summary) VALUES ('delete', old.id, old.summary);
END;
CREATE TRIGGER conversations_search_update AFTER UPDATE OF summary ON conversations BEGIN
    INSERT INTO conversation_search (conversation_search, rowid, summary) VALUES ('delete', old.id, old.summary);
    INSERT INTO conversation_search (rowid, summary) VALUES (new.id, new.summary);
END;
