-- A school's own domain for its public site, routed once the operator has verified it (the
-- school points the name at Volant; `volant admin add-site-domain` records it). Looked up by the
-- request's host before any school is known: a global table (ADR 0002).
CREATE TABLE site_domains (
    host        text PRIMARY KEY CONSTRAINT site_domains_host_lowercase CHECK (host = lower(host)),
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    verified_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX site_domains_by_school ON site_domains (tenant_id);
GRANT SELECT, INSERT, UPDATE ON site_domains TO volant_app;
