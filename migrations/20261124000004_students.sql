-- Student files, their documents, and the hours ledger.

CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE students (
    tenant_id              uuid NOT NULL REFERENCES tenants (id),
    id                     uuid NOT NULL,
    status                 text NOT NULL DEFAULT 'active' CONSTRAINT students_status_known
                           CHECK (status IN ('prospect', 'active', 'finished', 'archived')),
    -- The status to give back on restore.
    status_before_archive  text,
    end_reason             text CONSTRAINT students_end_reason_known
                           CHECK (end_reason IN ('licence_obtained', 'abandoned', 'transferred_out')),
    civility               text CONSTRAINT students_civility_known CHECK (civility IN ('mme', 'm', 'autre')),
    first_name             text NOT NULL,
    last_name              text NOT NULL,
    birth_name             text,
    birth_date             date NOT NULL,
    birth_place            text,
    email                  text,
    phone                  text,
    address                text,
    guardian               jsonb,
    neph                   text CONSTRAINT students_neph_format CHECK (neph ~ '^[0-9]{12}$'),
    ants_status            text NOT NULL DEFAULT 'not_started' CONSTRAINT students_ants_status_known
                           CHECK (ants_status IN ('not_started', 'submitted', 'validated', 'rejected')),
    category               text NOT NULL DEFAULT 'B' CONSTRAINT students_category_known CHECK (category IN ('B', 'B78')),
    training_mode          text NOT NULL DEFAULT 'traditional' CONSTRAINT students_training_mode_known
                           CHECK (training_mode IN ('traditional', 'aac', 'supervised')),
    funding                text NOT NULL DEFAULT 'personal' CONSTRAINT students_funding_known
                           CHECK (funding IN ('personal', 'cpf', 'permis_1_euro', 'employer', 'france_travail', 'other')),
    agency_id              uuid NOT NULL,
    referent_instructor_id uuid,
    user_id                uuid REFERENCES users (id),
    start_evaluation       jsonb,
    contract_signed_on     date,
    aac                    jsonb,
    notes                  text,
    -- Words of the names, e-mail, phone and NEPH, folded (lower case, no accents): see search.rs.
    search_text            text NOT NULL DEFAULT '',
    search_vector          tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    -- Folded "last|first" (see search.rs): French order whatever the collation.
    sort_key               text NOT NULL DEFAULT '',
    erased_at              timestamptz,
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agency_id) REFERENCES agencies (tenant_id, id),
    FOREIGN KEY (tenant_id, referent_instructor_id) REFERENCES instructors (tenant_id, id),
    CONSTRAINT students_user_unique UNIQUE (tenant_id, user_id),
    CONSTRAINT students_end_reason_when_finished CHECK ((status = 'finished') = (end_reason IS NOT NULL) OR status = 'archived')
);
CREATE INDEX students_search ON students USING gin (tenant_id, search_vector);
CREATE INDEX students_by_name ON students (tenant_id, sort_key, id);
CREATE INDEX students_by_referent ON students (tenant_id, referent_instructor_id);

CREATE TABLE student_documents (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    student_id   uuid NOT NULL,
    kind         text NOT NULL CONSTRAINT student_documents_kind_known CHECK (kind IN
                 ('id_card', 'photo_signature', 'proof_of_address', 'assr2', 'jdc', 'guardian_id', 'contract', 'other')),
    file_name    text NOT NULL,
    content_type text NOT NULL CONSTRAINT student_documents_type_known
                 CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes   integer NOT NULL,
    sha256       bytea NOT NULL,
    issued_on    date,
    expires_on   date,
    -- A newer document of the same kind replaces this one (kept for history).
    replaced_at  timestamptz,
    uploaded_by  uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id)
);
CREATE INDEX student_documents_by_student ON student_documents (tenant_id, student_id, kind, created_at DESC);

-- File contents apart, so that lists never read them.
CREATE TABLE student_document_files (
    tenant_id   uuid NOT NULL,
    document_id uuid NOT NULL,
    content     bytea NOT NULL,
    PRIMARY KEY (tenant_id, document_id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES student_documents (tenant_id, id)
);

-- The hours ledger: append-only (no UPDATE or DELETE for the application).
CREATE TABLE hours_ledger (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL,
    student_id uuid NOT NULL,
    kind       text NOT NULL CONSTRAINT hours_ledger_kind_known
               CHECK (kind IN ('purchase', 'consumption', 'correction', 'transfer_in')),
    minutes    integer NOT NULL,
    reason     text,
    lesson_id  uuid,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    CONSTRAINT hours_ledger_sign CHECK (
        (kind IN ('purchase', 'transfer_in') AND minutes > 0) OR (kind = 'consumption' AND minutes < 0)
        OR (kind = 'correction' AND minutes <> 0))
);
CREATE INDEX hours_ledger_by_student ON hours_ledger (tenant_id, student_id, created_at);

ALTER TABLE invitations ADD COLUMN student_id uuid;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['students', 'student_documents', 'student_document_files', 'hours_ledger'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON students, student_documents TO volant_app;
GRANT SELECT, INSERT, DELETE ON student_document_files TO volant_app;
GRANT SELECT, INSERT ON hours_ledger TO volant_app;
