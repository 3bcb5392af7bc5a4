-- Training contracts (contrat-type, art. R.213-3 of the code de la route) and their amendments
-- (avenants), signed by a simple electronic signature: a one-time code sent to the signer.
-- The document is kept as generated (its SHA-256 is what the signer agreed to) and, once signed,
-- as signed with the evidence printed in it. A signed contract is final: a trigger refuses any
-- change to it, whoever asks.

CREATE TABLE contracts (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    student_id       uuid NOT NULL,
    kind             text NOT NULL CONSTRAINT contracts_kind_known CHECK (kind IN ('contract', 'amendment')),
    -- The contract an amendment adds to, and its rank (1 for the first amendment).
    amends           uuid,
    rank             integer NOT NULL DEFAULT 0,
    -- The contract: the start evaluation's estimate; an amendment: the driving time it adds.
    minutes          integer NOT NULL CONSTRAINT contracts_minutes_range CHECK (minutes BETWEEN 1 AND 60000),
    -- The products and prices agreed: [{product_id, label, kind, quantity, unit_price_cents, vat_rate_bp, minutes}].
    lines            jsonb NOT NULL,
    total_cents      bigint NOT NULL CONSTRAINT contracts_total_range CHECK (total_cents BETWEEN 0 AND 10000000),
    reason           text,
    -- Who signs: {role: student|guardian, name, email?, phone?}.
    signer           jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'awaiting_signature'
                         CONSTRAINT contracts_status_known CHECK (status IN ('awaiting_signature', 'signed', 'withdrawn')),
    -- What the document says, as printed (the signed copy is printed again from it, with the evidence).
    content          jsonb NOT NULL,
    document         bytea NOT NULL,
    document_sha256  text NOT NULL,
    signed_at        timestamptz,
    -- {signer, role, channel, sent_to, ip, user_agent, signed_by, document_sha256, seal}.
    evidence         jsonb,
    signed_document  bytea,
    signed_sha256    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       uuid,
    version          integer NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, amends) REFERENCES contracts (tenant_id, id),
    CONSTRAINT contracts_amendment_names_its_contract CHECK ((kind = 'amendment') = (amends IS NOT NULL)),
    CONSTRAINT contracts_signed_carries_evidence CHECK (
        (status = 'signed') = (signed_at IS NOT NULL AND evidence IS NOT NULL AND signed_document IS NOT NULL))
);
CREATE INDEX contracts_by_student ON contracts (tenant_id, student_id, created_at);
-- One signed contract per student; further hours go through amendments.
CREATE UNIQUE INDEX contracts_one_signed_per_student ON contracts (tenant_id, student_id)
    WHERE kind = 'contract' AND status = 'signed';
-- Amendments numbered 1, 2, … per contract.
CREATE UNIQUE INDEX contracts_amendment_rank_unique ON contracts (tenant_id, amends, rank)
    WHERE kind = 'amendment' AND status <> 'withdrawn';

CREATE FUNCTION contracts_signed_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'a signed contract cannot be changed' USING ERRCODE = 'check_violation',
      CONSTRAINT = 'contracts_signed_are_final';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER contracts_signed_are_final BEFORE UPDATE OR DELETE ON contracts
    FOR EACH ROW EXECUTE FUNCTION contracts_signed_are_final();

-- The one-time code of a signature: one live code per contract, kept as a keyed hash, with its
-- expiry and the attempts made against it.
CREATE TABLE contract_codes (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    contract_id uuid NOT NULL,
    code_hash   text NOT NULL,
    channel     text NOT NULL CONSTRAINT contract_codes_channel_known CHECK (channel IN ('email', 'sms')),
    sent_to     text NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, contract_id),
    FOREIGN KEY (tenant_id, contract_id) REFERENCES contracts (tenant_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['contracts', 'contract_codes'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON contracts TO volant_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON contract_codes TO volant_app;
