-- CardDAV: the resource name a client chose for a card (`NULL`: the default,
-- the percent-encoded UID plus ".vcf"), unique per user; and the name a
-- deleted contact had, so a sync can tell clients which resource went away.
ALTER TABLE contacts ADD COLUMN dav_name TEXT;
CREATE UNIQUE INDEX contacts_by_dav_name ON contacts (user_id, dav_name);
ALTER TABLE contact_changes ADD COLUMN dav_name TEXT;
