-- Idempotency-Key (SPEC § 6.1): one row per key of one person in one school, kept 24 hours.
-- The first request claims the key (status NULL) and stores its answer once it has one; a twin
-- replays that answer. See crates/server/src/http/idempotency.rs.
CREATE TABLE idempotency_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    user_id      uuid NOT NULL REFERENCES users (id),
    key          text NOT NULL CONSTRAINT idempotency_keys_key_length CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 of the address and the body: the same key for another request is refused.
    request_hash bytea NOT NULL,
    claimed_at   timestamptz NOT NULL DEFAULT now(),
    status       smallint,
    content_type text,
    location     text,
    body         bytea,
    completed_at timestamptz,
    PRIMARY KEY (tenant_id, user_id, key)
);
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO volant_app;
