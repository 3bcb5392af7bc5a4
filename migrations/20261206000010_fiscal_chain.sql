-- The fiscal chain (CGI art. 286 I 3° bis, inalterability): each invoice, credit note, payment
-- and refund is linked, when written, to its school's previous record by a hash over the
-- record's canonical text (`volant_domain::fiscal`). The head holds the last link; its row lock
-- orders the appends of one school. The application may add links, never change or remove them.
CREATE TABLE fiscal_heads (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
    seq       bigint NOT NULL,
    hash      bytea NOT NULL
);

CREATE TABLE fiscal_chain (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    seq         bigint NOT NULL CONSTRAINT fiscal_chain_seq_positive CHECK (seq > 0),
    kind        text NOT NULL CONSTRAINT fiscal_chain_kind_known CHECK (kind IN ('invoice', 'payment')),
    record_id   uuid NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    hash        bytea NOT NULL,
    PRIMARY KEY (tenant_id, seq),
    CONSTRAINT fiscal_chain_once_per_record UNIQUE (tenant_id, kind, record_id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['fiscal_heads', 'fiscal_chain'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON fiscal_heads TO volant_app;
GRANT SELECT, INSERT ON fiscal_chain TO volant_app;
