-- An instructor's external calendars (a personal agenda, another employer's): an ICS address
-- refreshed by a job, or a file uploaded once. Their busy times are kept as rows, replaced at each
-- refresh, and the planning counts them as conflicts (a warning, or a block by school setting).
CREATE TABLE external_calendars (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    id              uuid NOT NULL,
    instructor_id   uuid NOT NULL,
    name            text NOT NULL CONSTRAINT external_calendars_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 80),
    -- NULL for an uploaded file.
    url             text CONSTRAINT external_calendars_url_http CHECK (url ~ '^https?://'),
    last_fetched_at timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, instructor_id) REFERENCES instructors (tenant_id, id)
);
CREATE INDEX external_calendars_by_instructor ON external_calendars (tenant_id, instructor_id);
ALTER TABLE external_calendars ENABLE ROW LEVEL SECURITY;
ALTER TABLE external_calendars FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON external_calendars USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON external_calendars TO volant_app;

CREATE TABLE external_busy (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL DEFAULT gen_random_uuid(),
    calendar_id   uuid NOT NULL,
    instructor_id uuid NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    summary       text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, calendar_id) REFERENCES external_calendars (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT external_busy_period_order CHECK (ends_at > starts_at)
);
CREATE INDEX external_busy_window ON external_busy USING gist (tenant_id, instructor_id, tstzrange(starts_at, ends_at));
CREATE INDEX external_busy_by_calendar ON external_busy (tenant_id, calendar_id);
ALTER TABLE external_busy ENABLE ROW LEVEL SECURITY;
ALTER TABLE external_busy FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON external_busy USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, DELETE ON external_busy TO volant_app;
