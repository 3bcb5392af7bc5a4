-- Closures (CGI art. 286 I 3° bis): after each day, month and year of the school's time zone,
-- the totals invoiced by VAT rate and collected by method, the period's total and the perpetual
-- grand total, chained to the previous closure by hash. Made once per period (the unique key),
-- never edited: the application may add closures, never change or remove them.
CREATE TABLE fiscal_closures (
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    seq               bigint NOT NULL CONSTRAINT fiscal_closures_seq_positive CHECK (seq > 0),
    period            text NOT NULL CONSTRAINT fiscal_closures_period_known CHECK (period IN ('day', 'month', 'year')),
    starts_on         date NOT NULL,
    ends_on           date NOT NULL,
    -- [{rate_bp, excl_cents, vat_cents, incl_cents}] and [{method, amount_cents}].
    by_vat            jsonb NOT NULL,
    by_method         jsonb NOT NULL,
    invoiced_cents    bigint NOT NULL,
    collected_cents   bigint NOT NULL,
    grand_total_cents bigint NOT NULL,
    -- The last link of the fiscal chain the closure covers (0: none yet).
    last_seq          bigint NOT NULL,
    hash              bytea NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seq),
    CONSTRAINT fiscal_closures_once_per_period UNIQUE (tenant_id, period, starts_on),
    CONSTRAINT fiscal_closures_ordered CHECK (starts_on <= ends_on)
);

ALTER TABLE fiscal_closures ENABLE ROW LEVEL SECURITY;
ALTER TABLE fiscal_closures FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fiscal_closures USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT ON fiscal_closures TO volant_app;
