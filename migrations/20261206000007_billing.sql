-- Billing (SPEC § 6.4): the catalogue, invoices and credit notes, payments, instalments and card
-- payments through a provider. Invoices, their lines and payments are records of the tax code:
-- the application's role may read and add them, never change or remove them (no UPDATE or
-- DELETE grant); a correction is a new record (a credit note, a refund).

CREATE TABLE products (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    id          uuid NOT NULL,
    name        text NOT NULL CONSTRAINT products_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 120),
    kind        text NOT NULL CONSTRAINT products_kind_known CHECK (kind IN
                    ('hours_package', 'lesson', 'registration', 'start_evaluation', 'exam_accompaniment', 'code_pack', 'other')),
    price_cents bigint NOT NULL CONSTRAINT products_price_range CHECK (price_cents BETWEEN 0 AND 10000000),
    vat_rate_bp integer NOT NULL CONSTRAINT products_vat_range CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    -- Driving time credited to the student's hours on sale (per unit).
    minutes     integer CONSTRAINT products_minutes_range CHECK (minutes BETWEEN 1 AND 60000),
    active      boolean NOT NULL DEFAULT true,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT products_name_unique UNIQUE (tenant_id, name)
);

-- The last number given in each series and year. Taken by an UPSERT in the issuing
-- transaction: the row lock serialises concurrent issues, and a rollback gives the number back.
CREATE TABLE document_counters (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    series      text NOT NULL CONSTRAINT document_counters_series_known CHECK (series IN ('invoice', 'credit_note')),
    year        integer NOT NULL,
    last_number bigint NOT NULL CONSTRAINT document_counters_positive CHECK (last_number > 0),
    PRIMARY KEY (tenant_id, series, year)
);

CREATE TABLE invoices (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    series       text NOT NULL CONSTRAINT invoices_series_known CHECK (series IN ('invoice', 'credit_note')),
    number       text NOT NULL,
    student_id   uuid NOT NULL,
    -- The invoice a credit note corrects.
    credit_of    uuid,
    issued_at    timestamptz NOT NULL DEFAULT now(),
    service_date date NOT NULL,
    -- Who is billed and who bills, as they were at issue (a later change of address does not
    -- rewrite an issued invoice).
    customer     jsonb NOT NULL,
    seller       jsonb NOT NULL,
    excl_cents   bigint NOT NULL,
    vat_cents    bigint NOT NULL,
    incl_cents   bigint NOT NULL,
    -- [{rate_bp, base_cents, vat_cents}], by rate.
    vat_by_rate  jsonb NOT NULL,
    payment_terms text NOT NULL,
    reason       text,
    created_by   uuid,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT invoices_number_unique UNIQUE (tenant_id, number),
    CONSTRAINT invoices_credit_note_names_its_invoice CHECK ((series = 'credit_note') = (credit_of IS NOT NULL)),
    CONSTRAINT invoices_totals_add_up CHECK (excl_cents + vat_cents = incl_cents),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, credit_of) REFERENCES invoices (tenant_id, id)
);
CREATE INDEX invoices_by_student ON invoices (tenant_id, student_id, issued_at);
CREATE INDEX invoices_by_issue ON invoices (tenant_id, issued_at DESC, id DESC);
CREATE INDEX invoices_credit_notes ON invoices (tenant_id, credit_of) WHERE credit_of IS NOT NULL;

-- A credit note's lines carry negative quantities and amounts.
CREATE TABLE invoice_lines (
    tenant_id        uuid NOT NULL,
    invoice_id       uuid NOT NULL,
    position         integer NOT NULL,
    product_id       uuid,
    label            text NOT NULL,
    kind             text NOT NULL,
    quantity         integer NOT NULL CONSTRAINT invoice_lines_quantity_nonzero CHECK (quantity <> 0),
    unit_price_cents bigint NOT NULL,
    vat_rate_bp      integer NOT NULL,
    -- Driving time per unit, credited on sale.
    minutes          integer,
    excl_cents       bigint NOT NULL,
    vat_cents        bigint NOT NULL,
    incl_cents       bigint NOT NULL,
    PRIMARY KEY (tenant_id, invoice_id, position),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id)
);

CREATE TABLE payments (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    student_id   uuid NOT NULL,
    invoice_id   uuid,
    method       text NOT NULL CONSTRAINT payments_method_known CHECK (method IN ('card', 'cash', 'cheque', 'transfer', 'cpf', 'other')),
    amount_cents bigint NOT NULL CONSTRAINT payments_amount_positive CHECK (amount_cents > 0),
    received_at  timestamptz NOT NULL DEFAULT now(),
    -- A cheque's number, a transfer's label.
    reference    text CONSTRAINT payments_reference_length CHECK (char_length(reference) <= 120),
    -- The provider's payment (a card payment's checkout session): paid once.
    provider_ref text,
    created_by   uuid,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT payments_provider_ref_unique UNIQUE (tenant_id, provider_ref),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);
CREATE INDEX payments_by_student ON payments (tenant_id, student_id, received_at);
CREATE INDEX payments_by_invoice ON payments (tenant_id, invoice_id) WHERE invoice_id IS NOT NULL;
CREATE INDEX payments_by_receipt ON payments (tenant_id, received_at DESC, id DESC);

-- How an invoice is paid over time: a plan, replaced as a whole when it changes (it is not a
-- record of the tax code; the payments are).
CREATE TABLE invoice_instalments (
    tenant_id    uuid NOT NULL,
    invoice_id   uuid NOT NULL,
    position     integer NOT NULL,
    due_on       date NOT NULL,
    amount_cents bigint NOT NULL CONSTRAINT invoice_instalments_amount_positive CHECK (amount_cents > 0),
    PRIMARY KEY (tenant_id, invoice_id, position),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);

-- A card payment asked of the provider: what we asked for, so that a webhook's amount is
-- checked against it.
CREATE TABLE card_checkouts (
    tenant_id    uuid NOT NULL REFERENCES tenants (id),
    id           uuid NOT NULL,
    invoice_id   uuid NOT NULL,
    provider     text NOT NULL,
    session_id   text NOT NULL,
    amount_cents bigint NOT NULL CONSTRAINT card_checkouts_amount_positive CHECK (amount_cents > 0),
    redirect_url text NOT NULL,
    status       text NOT NULL DEFAULT 'open' CONSTRAINT card_checkouts_status_known CHECK (status IN ('open', 'paid', 'refused')),
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT card_checkouts_session_unique UNIQUE (tenant_id, provider, session_id),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id)
);

-- Every provider event handled once: a replayed event id is recognised and ignored.
CREATE TABLE payment_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    provider    text NOT NULL,
    event_id    text NOT NULL,
    kind        text NOT NULL,
    outcome     text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, provider, event_id)
);

-- A sale's hours name their invoice: a sale posts exactly one purchase.
ALTER TABLE hours_ledger ADD COLUMN invoice_id uuid;
ALTER TABLE hours_ledger ADD CONSTRAINT hours_ledger_invoice_fk FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id);
CREATE UNIQUE INDEX hours_ledger_one_entry_per_invoice ON hours_ledger (tenant_id, invoice_id) WHERE invoice_id IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['products', 'document_counters', 'invoices', 'invoice_lines', 'payments',
                           'invoice_instalments', 'card_checkouts', 'payment_events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
  END LOOP;
END $$;

GRANT SELECT, INSERT, UPDATE ON products, document_counters, card_checkouts TO volant_app;
GRANT SELECT, INSERT ON invoices, invoice_lines, payments, payment_events TO volant_app;
GRANT SELECT, INSERT, DELETE ON invoice_instalments TO volant_app;
