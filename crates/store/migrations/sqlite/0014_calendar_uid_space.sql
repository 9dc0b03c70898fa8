-- The random part of the UIDs a user's calendar feed gives outreach-block
-- instances and follow-ups (`block-7-20261203-<space>@kith`): an id and a
-- date alone are the same from any two Kith installations, and a UID must be
-- unique everywhere. Made on first use (`calendar_uid_space`), then kept, so
-- the same instance has the same UID in every fetch of the feed.
ALTER TABLE users ADD COLUMN calendar_uid_space TEXT;
