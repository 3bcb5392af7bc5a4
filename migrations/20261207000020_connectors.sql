-- The connectors to the State platforms (SPEC § 6.6): per school, the settings of each platform
-- (its address, an identifier) and its secrets sealed with AES-256-GCM under a key derived from
-- VOLANT_SECRET_KEY (never readable from the database alone), the connection's health and the
-- circuit breaker shared by every server instance.
CREATE TABLE connectors (
    tenant_id            uuid NOT NULL REFERENCES tenants (id),
    name                 text NOT NULL CONSTRAINT connectors_name_known CHECK (name IN ('ants', 'rdvpermis')),
    base_url             text NOT NULL,
    client_id            text,
    -- The sealed JSON object of the secrets ({"client_secret": …}); bound to the school and the name.
    secrets              bytea,
    -- The platform's access token, sealed, kept until shortly before it expires (one token for every
    -- job and instance, rather than one per call).
    access_token         bytea,
    access_token_expires_at timestamptz,
    -- For a platform reached through OAuth 2: when the school granted access (the refresh token is
    -- among the sealed secrets); cleared when the platform withdraws it.
    authorized_at        timestamptz,
    status               text NOT NULL DEFAULT 'connected'
                         CONSTRAINT connectors_status_known CHECK (status IN ('connected', 'failing')),
    -- The last fault, in French, as the office reads it.
    last_error           text,
    last_success_at      timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    -- Set while the circuit is open: calls fail fast until then, then one trial call decides.
    circuit_open_until   timestamptz,
    version              integer NOT NULL DEFAULT 1,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
ALTER TABLE connectors ENABLE ROW LEVEL SECURITY;
ALTER TABLE connectors FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON connectors USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON connectors TO volant_app;

-- Every exchange with a platform: what was asked (a summary, never a secret nor a document), the
-- answer's status, how long it took and the fault in French. Append-only.
CREATE TABLE connector_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    connector   text NOT NULL,
    operation   text NOT NULL,
    request     text NOT NULL,
    status_code integer,
    duration_ms integer NOT NULL,
    ok          boolean NOT NULL,
    error       text,
    student_id  uuid,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX connector_events_recent ON connector_events (tenant_id, connector, created_at DESC);
ALTER TABLE connector_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE connector_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON connector_events USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON connector_events TO volant_app;

-- A student's registration dossier on ANTS, as last confirmed by the platform, and what the
-- school asked of it (a submission waiting for its job).
CREATE TABLE ants_dossiers (
    tenant_id    uuid NOT NULL,
    student_id   uuid NOT NULL,
    status       text NOT NULL DEFAULT 'draft' CONSTRAINT ants_dossiers_status_known
                 CHECK (status IN ('draft', 'submitted', 'in_review', 'incomplete', 'rejected', 'validated')),
    -- The platform's number for the dossier, once it took it.
    remote_id    text,
    -- [{"document": "proof_of_address", "message": "…"}]
    reasons      jsonb NOT NULL DEFAULT '[]',
    neph         text,
    -- The documents sent with the last submission: [{"kind", "file_name", "sha256"}].
    documents    jsonb NOT NULL DEFAULT '[]',
    -- A submission or a sync waiting for (or retrying) its job: `submit`, `resubmit`, `sync`.
    pending      text CONSTRAINT ants_dossiers_pending_known CHECK (pending IN ('submit', 'resubmit', 'sync')),
    -- The key sent with the pending submission: a retried call never files twice.
    submission_key uuid,
    last_error   text,
    remote_updated_at timestamptz,
    synced_at    timestamptz,
    version      integer NOT NULL DEFAULT 1,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, student_id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    CONSTRAINT ants_dossiers_remote_unique UNIQUE (tenant_id, remote_id)
);
CREATE INDEX ants_dossiers_open ON ants_dossiers (tenant_id) WHERE status IN ('submitted', 'in_review');
ALTER TABLE ants_dossiers ENABLE ROW LEVEL SECURITY;
ALTER TABLE ants_dossiers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ants_dossiers USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON ants_dossiers TO volant_app;

-- The life of a dossier: each status the platform confirmed, and each request of the office.
CREATE TABLE ants_history (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL,
    student_id uuid NOT NULL,
    status     text NOT NULL,
    reasons    jsonb NOT NULL DEFAULT '[]',
    -- `remote` (the platform said so) or `office` (someone asked).
    source     text NOT NULL CONSTRAINT ants_history_source_known CHECK (source IN ('remote', 'office')),
    note       text,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id)
);
CREATE INDEX ants_history_by_student ON ants_history (tenant_id, student_id, at);
ALTER TABLE ants_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE ants_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ants_history USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON ants_history TO volant_app;
