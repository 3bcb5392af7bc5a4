-- Foundation: extensions, helper functions, the jobs outbox.
-- Migrations run as the owner role; the application logs in as volant_app (see db/mod.rs),
-- which owns nothing and receives only the grants written here.

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS unaccent;

GRANT USAGE ON SCHEMA public TO volant_app;
GRANT SELECT ON _sqlx_migrations TO volant_app;

-- The school of the current transaction, set by `set_config('app.tenant_id', …, true)`.
CREATE FUNCTION current_tenant() RETURNS uuid
LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

-- The person of the current transaction (login and tenant switch look up their memberships).
CREATE FUNCTION current_app_user() RETURNS uuid
LANGUAGE sql STABLE AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;

-- Jobs outbox: written in the business transaction, run by the worker with SKIP LOCKED.
-- A global table: the worker reads across schools; each job names its school when it has one.
CREATE TABLE jobs (
    id           uuid PRIMARY KEY,
    tenant_id    uuid,
    kind         text NOT NULL,
    payload      jsonb NOT NULL,
    status       text NOT NULL DEFAULT 'queued'
                 CONSTRAINT jobs_status_known CHECK (status IN ('queued', 'running', 'done', 'dead')),
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 8,
    run_at       timestamptz NOT NULL DEFAULT now(),
    locked_at    timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    idempotency_key text,
    CONSTRAINT jobs_idempotency_key_unique UNIQUE (kind, idempotency_key)
);
CREATE INDEX jobs_ready ON jobs (run_at) WHERE status = 'queued';
CREATE INDEX jobs_running ON jobs (locked_at) WHERE status = 'running';
GRANT SELECT, INSERT, UPDATE ON jobs TO volant_app;
