-- Staff two-factor authentication (SPEC § 6.11, issue #28). A person has one authenticator and
-- one set of recovery codes across their schools, like their password: these tables are a
-- person's, not a school's. Row-level security still narrows them to the person the transaction
-- acts for (`app.user_id`, set by `db::enter_user`), so no statement can read another person's.

-- The TOTP secret, sealed with the server's key (AES-256-GCM, see `crate::sealed`): a copy of the
-- database alone computes no code. `confirmed_at` is null between setup and the first good code;
-- `last_used_step` refuses a code already used (RFC 6238 § 5.2).
CREATE TABLE user_totp (
    user_id        uuid PRIMARY KEY REFERENCES users (id),
    sealed_secret  bytea NOT NULL,
    confirmed_at   timestamptz,
    last_used_step bigint,
    created_at     timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE user_totp ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_totp FORCE ROW LEVEL SECURITY;
CREATE POLICY own_authenticator ON user_totp USING (user_id = current_app_user()) WITH CHECK (user_id = current_app_user());
GRANT SELECT, INSERT, UPDATE, DELETE ON user_totp TO volant_app;

-- Single-use recovery codes, SHA-256 of the normalised code only (each carries ~49 random bits).
CREATE TABLE user_recovery_codes (
    user_id   uuid NOT NULL REFERENCES users (id),
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    CONSTRAINT user_recovery_codes_pkey PRIMARY KEY (user_id, code_hash)
);
ALTER TABLE user_recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY own_recovery_codes ON user_recovery_codes USING (user_id = current_app_user()) WITH CHECK (user_id = current_app_user());
GRANT SELECT, INSERT, UPDATE, DELETE ON user_recovery_codes TO volant_app;

-- A login whose password was right and whose second factor is awaited: the hash of a short-lived
-- cookie, never a session. Global, like sessions (read before anyone is known).
CREATE TABLE login_challenges (
    id_hash    bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_challenges_by_user ON login_challenges (user_id);
-- UPDATE only for the row lock that makes two answers to one pending login wait for each other.
GRANT SELECT, INSERT, UPDATE, DELETE ON login_challenges TO volant_app;

-- "Mes sessions" names a session by an id of its own: the table's key is the hash of the cookie,
-- which stays between the browser and the server.
ALTER TABLE sessions ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid()
    CONSTRAINT sessions_public_id_unique UNIQUE;
