-- E-mail: each user's digest schedule, and the outbox every message goes
-- through (recorded before it is sent, claimed by one server at a time).

CREATE TABLE digest_settings (
    user_id       INTEGER NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    enabled       BOOLEAN NOT NULL DEFAULT FALSE,
    -- Bit 0 is Monday.
    days          INTEGER NOT NULL DEFAULT 31,
    -- Local time of day in minutes after midnight.
    minute        INTEGER NOT NULL DEFAULT 450,
    -- NULL: the account's e-mail address.
    address       TEXT,
    -- When the next digest is due (UTC seconds); NULL while off.
    next_at       INTEGER,
    -- A server composing this user's digest holds it until then.
    claimed_until INTEGER
);
CREATE INDEX digest_settings_due ON digest_settings (next_at) WHERE enabled;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- digest | invitation | test
    kind            TEXT    NOT NULL,
    -- One message per key and user: 'digest:2026-11-26', 'invitation:7:2:REQUEST'.
    dedup_key       TEXT    NOT NULL,
    -- The Message-ID's left part, fixed when the message is recorded.
    token           TEXT    NOT NULL UNIQUE,
    recipients      TEXT    NOT NULL,
    reply_to        TEXT,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT,
    -- An iTIP message (RFC 6047): METHOD and the iCalendar text.
    calendar_method TEXT,
    calendar        TEXT,
    -- pending | sending | sent | failed | uncertain
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER  NOT NULL,
    claimed_by      TEXT,
    claimed_until   INTEGER,
    last_error      TEXT,
    created_at      INTEGER  NOT NULL,
    sent_at         INTEGER,
    UNIQUE (user_id, dedup_key)
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_sending ON outbox (claimed_until) WHERE status = 'sending';
CREATE INDEX outbox_by_user ON outbox (user_id, created_at);
