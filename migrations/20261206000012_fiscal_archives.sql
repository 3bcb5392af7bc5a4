-- Fiscal archives (CGI art. 286 I 3° bis, "archivage"): each school signs its archives with its
-- own Ed25519 key. The private half is sealed under VOLANT_SECRET_KEY (a copy of the database
-- alone cannot forge an archive); the public half is printed in every manifest and in the
-- settings, so an archive is checked without Volant.
CREATE TABLE archive_keys (
    tenant_id   uuid PRIMARY KEY REFERENCES tenants (id),
    public_key  bytea NOT NULL CONSTRAINT archive_keys_public_key_length CHECK (octet_length(public_key) = 32),
    sealed_key  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The archives themselves are kept (conservation): never edited, never removed by the application.
CREATE TABLE fiscal_archives (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    year        integer NOT NULL CONSTRAINT fiscal_archives_year_plausible CHECK (year BETWEEN 2000 AND 2200),
    -- The records covered: those up to the end of the last day closed in the year.
    covers_from date NOT NULL,
    covers_to   date NOT NULL,
    -- Whether the year was closed (its yearly closure made) when the archive was made.
    complete    boolean NOT NULL,
    sha256      bytea NOT NULL,
    size_bytes  integer NOT NULL,
    content     bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  uuid,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT fiscal_archives_ordered CHECK (covers_from <= covers_to)
);
CREATE INDEX fiscal_archives_by_year ON fiscal_archives (tenant_id, year DESC, created_at DESC);

-- The journal of technical events: start-ups, closures, archives, exports, restores, clock
-- jumps. An event of the whole installation (a start-up) has no school: every school sees it.
CREATE TABLE technical_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid REFERENCES tenants (id),
    kind        text NOT NULL CONSTRAINT technical_events_kind_known
                CHECK (kind IN ('startup', 'shutdown', 'closure', 'archive', 'export', 'restore', 'clock_jump')),
    detail      jsonb NOT NULL DEFAULT '{}',
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX technical_events_by_school ON technical_events (tenant_id, occurred_at DESC);
CREATE INDEX technical_events_installation ON technical_events (occurred_at DESC) WHERE tenant_id IS NULL;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['archive_keys', 'fiscal_archives'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
  END LOOP;
END $$;
ALTER TABLE technical_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE technical_events FORCE ROW LEVEL SECURITY;
CREATE POLICY school_or_installation ON technical_events
    USING (tenant_id IS NULL OR tenant_id = current_tenant())
    WITH CHECK (tenant_id IS NULL OR tenant_id = current_tenant());

GRANT SELECT, INSERT ON archive_keys, fiscal_archives, technical_events TO volant_app;

-- A closure verifies the fiscal chain before totalling it: a record altered or removed in the
-- database since it was written is reported by the next closure.
ALTER TABLE fiscal_closures ADD COLUMN chain_intact boolean NOT NULL DEFAULT true;
ALTER TABLE fiscal_closures ADD COLUMN chain_first_broken bigint;
