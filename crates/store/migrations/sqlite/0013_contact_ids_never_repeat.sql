-- A contact's id is part of its CardDAV entity tag ("<id>-<revision>"), its
-- full-text row and the key a sync groups change-log entries by. Without
-- AUTOINCREMENT, SQLite hands the largest id out again once that contact is
-- deleted, so a new card could get a tag the address had before, and a
-- stale client's If-Match would overwrite it. The highest id ever deleted is
-- kept here; the store numbers new contacts above it (`next_contact_id`).
-- PostgreSQL's identity sequence never goes back, so it needs no such table.

CREATE TABLE contact_id_floor (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    id  INTEGER NOT NULL
);

-- Every contact that ever existed has an entry in the change log.
INSERT INTO contact_id_floor (one, id)
SELECT 1, COALESCE(max(contact_id), 0) FROM contact_changes;

CREATE TRIGGER contacts_raise_id_floor AFTER DELETE ON contacts BEGIN
    UPDATE contact_id_floor SET id = OLD.id WHERE OLD.id > id;
END;
