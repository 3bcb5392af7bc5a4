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

-- A registration made on a school's public site: the prospect it created, the consent given
-- (the very words shown, when, from where) and the visitor's message.
CREATE TABLE site_registrations (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    student_id   uuid NOT NULL,
    consent_text text NOT NULL,
    consented_at timestamptz NOT NULL DEFAULT now(),
    ip           text,
    user_agent   text CONSTRAINT site_registrations_user_agent_length CHECK (char_length(user_agent) <= 400),
    message      text CONSTRAINT site_registrations_message_length CHECK (char_length(message) <= 1000),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id)
);
ALTER TABLE site_registrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_registrations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON site_registrations USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON site_registrations TO volant_app;
