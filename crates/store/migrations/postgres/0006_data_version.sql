-- A per-user version of the data the derived views (who is due, today's
-- agenda, the conversation heatmap) are computed from. Statement-level
-- triggers change it whenever one of those tables changes, whoever writes
-- (any server, the CLI, an import), so a cache keyed by it is never stale.
-- It becomes the writing transaction's id: unique, so equal means unchanged,
-- and written once per transaction however many rows it touches.
ALTER TABLE users ADD COLUMN data_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION kith_touch_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET data_version = txid_current()
    WHERE id IN (SELECT DISTINCT user_id FROM changed)
      AND data_version <> txid_current();
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['contacts', 'contact_activity', 'tags', 'contact_tags',
                             'conversations', 'follow_ups', 'goals', 'goal_contacts',
                             'meetings', 'meeting_attendees'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION kith_touch_users()',
                       t || '_touch_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION kith_touch_users()',
                       t || '_touch_update', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION kith_touch_users()',
                       t || '_touch_delete', t);
    END LOOP;
END
$$;
