-- A per-user version of the data the derived views (who is due, today's
-- agenda, the conversation heatmap) are computed from. Triggers change it
-- whenever one of those tables changes, whoever writes (the server, the CLI,
-- an import), so a cache keyed by it is never stale. Only equality matters.
ALTER TABLE users ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER contacts_touch_insert AFTER INSERT ON contacts BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER contacts_touch_update AFTER UPDATE ON contacts BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER contacts_touch_delete AFTER DELETE ON contacts BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER contact_activity_touch_insert AFTER INSERT ON contact_activity BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER contact_activity_touch_update AFTER UPDATE ON contact_activity BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER contact_activity_touch_delete AFTER DELETE ON contact_activity BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER tags_touch_insert AFTER INSERT ON tags BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER tags_touch_update AFTER UPDATE ON tags BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER tags_touch_delete AFTER DELETE ON tags BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER contact_tags_touch_insert AFTER INSERT ON contact_tags BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER contact_tags_touch_update AFTER UPDATE ON contact_tags BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER contact_tags_touch_delete AFTER DELETE ON contact_tags BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER conversations_touch_insert AFTER INSERT ON conversations BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER conversations_touch_update AFTER UPDATE ON conversations BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER conversations_touch_delete AFTER DELETE ON conversations BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER follow_ups_touch_insert AFTER INSERT ON follow_ups BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER follow_ups_touch_update AFTER UPDATE ON follow_ups BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER follow_ups_touch_delete AFTER DELETE ON follow_ups BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER goals_touch_insert AFTER INSERT ON goals BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER goals_touch_update AFTER UPDATE ON goals BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER goals_touch_delete AFTER DELETE ON goals BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER goal_contacts_touch_insert AFTER INSERT ON goal_contacts BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER goal_contacts_touch_update AFTER UPDATE ON goal_contacts BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER goal_contacts_touch_delete AFTER DELETE ON goal_contacts BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER meetings_touch_insert AFTER INSERT ON meetings BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER meetings_touch_update AFTER UPDATE ON meetings BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER meetings_touch_delete AFTER DELETE ON meetings BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;

CREATE TRIGGER meeting_attendees_touch_insert AFTER INSERT ON meeting_attendees BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER meeting_attendees_touch_update AFTER UPDATE ON meeting_attendees BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = NEW.user_id; END;
CREATE TRIGGER meeting_attendees_touch_delete AFTER DELETE ON meeting_attendees BEGIN
    UPDATE users SET data_version = data_version + 1 WHERE id = OLD.user_id; END;
