-- Two-step sign-in: a TOTP seed per user, hashed one-time recovery codes,
-- sign-ins waiting for their second step, and what each session came from.

CREATE TABLE totp_factors (
    user_id      INTEGER NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- The seed in base32 (an authenticator app has it too).
    secret       TEXT    NOT NULL,
    -- NULL until a code from the app proved it has the seed.
    confirmed_at INTEGER,
    -- The last time step whose code was accepted: a code works once.
    last_step    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    id       INTEGER PRIMARY KEY,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the code (80 random bits).
    digest   TEXT    NOT NULL,
    used_at  INTEGER
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- A password that was right, waiting for the second step ('code') or for
-- the user to set it up where the server requires it ('enrol').
CREATE TABLE pending_signins (
    id_digest  TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL,
    secret     TEXT,
    expires_at INTEGER NOT NULL
);

ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
ALTER TABLE sessions ADD COLUMN agent TEXT;
