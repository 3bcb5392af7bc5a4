-- Identity, schools, memberships, sessions, audit log. See docs/adr/0002-tenancy-and-identity.md.

-- Schools. Global: read at login and cookie lookup, before a school is chosen.
CREATE TABLE tenants (
    id            uuid PRIMARY KEY,
    slug          text NOT NULL CONSTRAINT tenants_slug_unique UNIQUE,
    name          text NOT NULL,
    legal_name    text,
    siret         text CONSTRAINT tenants_siret_format CHECK (siret ~ '^[0-9]{14}$'),
    agrement      text,
    address       text,
    timezone      text NOT NULL DEFAULT 'Europe/Paris',
    settings      jsonb NOT NULL DEFAULT '{}',
    suspended_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1
);
GRANT SELECT, INSERT, UPDATE ON tenants TO volant_app;

-- People. One identity across schools. Global.
CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               text NOT NULL CONSTRAINT users_email_unique UNIQUE,
    display_name        text NOT NULL,
    password_hash       text,
    password_changed_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_login_at       timestamptz,
    erased_at           timestamptz
);
GRANT SELECT, INSERT, UPDATE ON users TO volant_app;

-- A person's role in a school. Tenant table with two policies: the school's own rows, and the
-- current person's rows (login and the tenant switch list a person's schools).
CREATE TABLE memberships (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    role       text NOT NULL CONSTRAINT memberships_role_known
               CHECK (role IN ('ADMIN', 'SECRETARY', 'INSTRUCTOR', 'STUDENT')),
    active     boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
CREATE POLICY own_memberships ON memberships FOR SELECT USING (user_id = current_app_user());
GRANT SELECT, INSERT, UPDATE ON memberships TO volant_app;

-- Server-side sessions; the cookie holds a random id, the table its SHA-256. Global.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    -- The membership's role, copied at login; role changes and deactivation update or revoke it.
    role         text NOT NULL,
    csrf_token   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    ip           text,
    user_agent   text
);
CREATE INDEX sessions_by_user ON sessions (user_id) WHERE revoked_at IS NULL;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO volant_app;

-- Failed logins, per submitted e-mail and per client address. Global, shared by all instances.
CREATE TABLE login_failures (
    key text NOT NULL,
    at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
GRANT SELECT, INSERT, DELETE ON login_failures TO volant_app;

-- Single-use password reset tokens (hash only). Global.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
GRANT SELECT, INSERT, UPDATE ON password_resets TO volant_app;

-- Invitations: created inside a school, accepted before any session exists (by token hash).
-- Global, like the reset tokens; every query from a school's session also filters tenant_id.
CREATE TABLE invitations (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    email       text NOT NULL,
    role        text NOT NULL CONSTRAINT invitations_role_known
                CHECK (role IN ('ADMIN', 'SECRETARY', 'INSTRUCTOR', 'STUDENT')),
    token_hash  bytea NOT NULL CONSTRAINT invitations_token_unique UNIQUE,
    invited_by  uuid REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX invitations_by_tenant ON invitations (tenant_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE ON invitations TO volant_app;

-- Mails caught by the demo profile (shown on the ADMIN page "Courriels envoyés (démo)"). Global:
-- a reset mail belongs to a person, not a school.
CREATE TABLE demo_mails (
    id         uuid PRIMARY KEY,
    tenant_id  uuid,
    to_address text NOT NULL,
    subject    text NOT NULL,
    body_text  text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX demo_mails_recent ON demo_mails (created_at DESC);
GRANT SELECT, INSERT ON demo_mails TO volant_app;

-- The audit log: append-only (no UPDATE or DELETE for the application), hash-chained per school.
CREATE TABLE audit_log (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    seq          bigint NOT NULL,
    occurred_at  timestamptz NOT NULL,
    actor_id     uuid,
    action       text NOT NULL,
    entity       text NOT NULL,
    entity_id    uuid,
    request_id   text,
    ip           text,
    payload_hash bytea NOT NULL,
    hash         bytea NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT audit_log_seq_unique UNIQUE (tenant_id, seq)
);
CREATE INDEX audit_log_by_entity ON audit_log (tenant_id, entity, entity_id);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON audit_log TO volant_app;

-- Payloads beside the chain: only erase_audit_payloads() may blank them (GDPR).
CREATE TABLE audit_payloads (
    tenant_id uuid NOT NULL,
    audit_id  uuid NOT NULL,
    before    jsonb,
    after     jsonb,
    erased_at timestamptz,
    PRIMARY KEY (tenant_id, audit_id),
    FOREIGN KEY (tenant_id, audit_id) REFERENCES audit_log (tenant_id, id)
);
ALTER TABLE audit_payloads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_payloads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_payloads USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON audit_payloads TO volant_app;

-- The head of each school's chain: its last sequence and hash. It serialises appends (row lock)
-- and reveals a deleted trailing entry.
CREATE TABLE audit_heads (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
    seq       bigint NOT NULL,
    hash      bytea NOT NULL
);
ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_heads USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON audit_heads TO volant_app;

-- GDPR erasure of the payloads about one entity, in the current school only (RLS still applies:
-- the owner is subject to FORCE ROW LEVEL SECURITY). The caller audits the erasure itself.
CREATE FUNCTION erase_audit_payloads(p_entity text, p_entity_id uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE n integer;
BEGIN
    IF current_tenant() IS NULL THEN
        RAISE EXCEPTION 'erase_audit_payloads needs app.tenant_id';
    END IF;
    UPDATE audit_payloads p SET before = NULL, after = NULL, erased_at = now()
      FROM audit_log l
     WHERE l.tenant_id = current_tenant() AND p.tenant_id = l.tenant_id AND p.audit_id = l.id
       AND l.entity = p_entity AND l.entity_id = p_entity_id AND p.erased_at IS NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
REVOKE ALL ON FUNCTION erase_audit_payloads(text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erase_audit_payloads(text, uuid) TO volant_app;
