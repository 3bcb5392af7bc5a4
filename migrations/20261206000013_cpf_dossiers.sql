-- A student's CPF dossier (SPEC § 6.5): the status the office reads on EDOF (no public API) and
-- the day it was entered, from which the alerts of a dossier stuck in a status are computed.
CREATE TABLE cpf_dossiers (
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    student_id         uuid NOT NULL,
    edof_number        text NOT NULL CONSTRAINT cpf_dossiers_edof_number_length CHECK (char_length(edof_number) BETWEEN 5 AND 30),
    status             text NOT NULL CONSTRAINT cpf_dossiers_status_known
                       CHECK (status IN ('submitted', 'accepted', 'in_training', 'service_done', 'invoiced', 'paid', 'cancelled')),
    status_since       date NOT NULL,
    amount_cents       bigint NOT NULL CONSTRAINT cpf_dossiers_amount_positive CHECK (amount_cents >= 0),
    co_financing_cents bigint NOT NULL DEFAULT 0 CONSTRAINT cpf_dossiers_co_financing_positive CHECK (co_financing_cents >= 0),
    job_seeker         boolean NOT NULL DEFAULT false,
    note               text CONSTRAINT cpf_dossiers_note_length CHECK (char_length(note) <= 500),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, student_id),
    CONSTRAINT cpf_dossiers_edof_unique UNIQUE (tenant_id, edof_number),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id)
);
CREATE INDEX cpf_dossiers_open ON cpf_dossiers (tenant_id) WHERE status NOT IN ('paid', 'cancelled');

ALTER TABLE cpf_dossiers ENABLE ROW LEVEL SECURITY;
ALTER TABLE cpf_dossiers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cpf_dossiers USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON cpf_dossiers TO volant_app;
