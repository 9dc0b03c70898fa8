-- Passkeys (WebAuthn): each user's credentials, and ceremonies on their way
-- (a registration or a sign-in started and not yet finished, five minutes).

CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    -- The credential id, base64url: unique across users.
    credential_id TEXT    NOT NULL UNIQUE,
    -- The credential as the WebAuthn library keeps it (public key, counter), JSON.
    credential    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);
CREATE INDEX passkeys_by_user ON passkeys (user_id);

CREATE TABLE webauthn_ceremonies (
    id_digest  TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- register | authenticate
    kind       TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
