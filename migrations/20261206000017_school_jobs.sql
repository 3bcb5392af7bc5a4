-- A school's long-running work (imports, exports), with its progress (SPEC § 6.1): the request
-- answers at once with the job; an outbox job does the work and updates `done` as it goes; the
-- result (a per-row report, a file) stays here for the office to read.
CREATE TABLE school_jobs (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    kind        text NOT NULL CONSTRAINT school_jobs_kind_known CHECK (kind IN ('import', 'export')),
    status      text NOT NULL DEFAULT 'queued' CONSTRAINT school_jobs_status_known
                CHECK (status IN ('queued', 'running', 'done', 'failed')),
    done        integer NOT NULL DEFAULT 0 CONSTRAINT school_jobs_done_positive CHECK (done >= 0),
    total       integer NOT NULL DEFAULT 0 CONSTRAINT school_jobs_total_positive CHECK (total >= 0),
    options     jsonb NOT NULL DEFAULT '{}',
    input_name  text,
    input       bytea,
    result      jsonb,
    -- What an export made (a zip), downloaded by `GET /jobs/{id}/file`.
    result_file bytea,
    result_name text,
    errors      jsonb NOT NULL DEFAULT '[]',
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX school_jobs_recent ON school_jobs (tenant_id, created_at DESC);

ALTER TABLE school_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE school_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON school_jobs USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON school_jobs TO volant_app;
