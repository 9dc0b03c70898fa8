-- Imports, lossless vCards and merges.

-- The vCard a contact was imported from, so properties Kith does not model
-- are written back on export (and served to CardDAV clients).
CREATE TABLE contact_cards (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    card       TEXT    NOT NULL
);

-- Where each imported record went and what it looked like: re-importing an
-- unchanged record is a no-op, a changed one updates the same contact.
CREATE TABLE import_sources (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL,
    source_key  TEXT    NOT NULL,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    fingerprint TEXT    NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, source, source_key)
);
CREATE INDEX import_sources_by_contact ON import_sources (contact_id);

-- Dated entries on a contact's timeline that are not conversations, such as
-- "connected on LinkedIn".
CREATE TABLE contact_events (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    occurred_on TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    UNIQUE (contact_id, kind, occurred_on)
);
