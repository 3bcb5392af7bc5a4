-- Passkeys (WebAuthn) of a person, across their schools, like their authenticator (ADR 0007). A
-- passkey is a public key and its signature counter: nothing secret is stored. Row-level security
-- narrows the table to the person the transaction acts for.
CREATE TABLE user_passkeys (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    credential_id bytea NOT NULL CONSTRAINT user_passkeys_credential_unique UNIQUE,
    name          text NOT NULL CONSTRAINT user_passkeys_name_length CHECK (char_length(name) BETWEEN 1 AND 60),
    -- The credential as the WebAuthn library keeps it (public key, algorithm, counter).
    passkey       jsonb NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE INDEX user_passkeys_by_user ON user_passkeys (user_id);
ALTER TABLE user_passkeys ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_passkeys FORCE ROW LEVEL SECURITY;
CREATE POLICY own_passkeys ON user_passkeys USING (user_id = current_app_user()) WITH CHECK (user_id = current_app_user());
GRANT SELECT, INSERT, UPDATE, DELETE ON user_passkeys TO volant_app;

-- The server's half of a WebAuthn ceremony (its challenge), named by the hash of a token the
-- browser sends back, single-use and short-lived. `user_id` is the person registering a passkey;
-- a login does not know the person until the browser answers. Global, like login_challenges.
CREATE TABLE webauthn_ceremonies (
    id_hash    bytea PRIMARY KEY,
    user_id    uuid REFERENCES users (id),
    state      jsonb NOT NULL,
    expires_at timestamptz NOT NULL
);
GRANT SELECT, INSERT, DELETE ON webauthn_ceremonies TO volant_app;
