-- Actions that can be undone for a while (kith_core::undo::WINDOW_MINUTES):
-- each row holds a before-image (JSON) of exactly what the action changed,
-- written in the action's transaction and restored in one transaction.
-- AUTOINCREMENT: an undo id is never reused, so an old id can never undo a
-- newer action. Rows older than the window are purged when a new one is made.
CREATE TABLE undo (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    label        TEXT    NOT NULL,
    before_image TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    undone_at    INTEGER
);
CREATE INDEX undo_by_user ON undo (user_id, created_at);
