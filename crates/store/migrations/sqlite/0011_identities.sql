-- Sign-in through OpenID Connect and OAuth providers: the accounts there
-- that are linked to a user here, and sign-ins on their way through a
-- provider (single use, ten minutes).

CREATE TABLE identities (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The provider's name in the server's settings.
    provider     TEXT    NOT NULL,
    -- The provider's stable id for the account ('sub').
    subject      TEXT    NOT NULL,
    email        TEXT,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    UNIQUE (provider, subject)
);
CREATE INDEX identities_by_user ON identities (user_id);

CREATE TABLE oauth_flows (
    -- SHA-256 of the state parameter.
    state_digest TEXT    PRIMARY KEY,
    provider     TEXT    NOT NULL,
    nonce        TEXT    NOT NULL,
    -- The PKCE code verifier.
    verifier     TEXT    NOT NULL,
    next         TEXT    NOT NULL,
    -- Set when a signed-in user links an account rather than signs in.
    link_user    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    expires_at   INTEGER NOT NULL
);
