-- The learning booklet: evaluations of REMC items (history kept: the current level is the
-- latest) and formal assessments (bilan de compétences, AFFI certificate).

CREATE TABLE booklet_evaluations (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    student_id    uuid NOT NULL,
    item_code     text NOT NULL CONSTRAINT booklet_evaluations_item_format CHECK (item_code ~ '^C[1-4]\.[0-9]$'),
    level         text NOT NULL CONSTRAINT booklet_evaluations_level_known
                  CHECK (level IN ('non_aborde', 'aborde', 'traite', 'assimile')),
    instructor_id uuid,
    evaluated_on  date NOT NULL,
    lesson_id     uuid,
    comment       text,
    source        text NOT NULL DEFAULT 'lesson' CONSTRAINT booklet_evaluations_source_known
                  CHECK (source IN ('lesson', 'transfer_in')),
    created_by    uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, instructor_id) REFERENCES instructors (tenant_id, id),
    FOREIGN KEY (tenant_id, lesson_id) REFERENCES lessons (tenant_id, id)
);
CREATE INDEX booklet_evaluations_by_student ON booklet_evaluations (tenant_id, student_id, item_code, created_at DESC);

CREATE TABLE booklet_assessments (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    student_id    uuid NOT NULL,
    kind          text NOT NULL CONSTRAINT booklet_assessments_kind_known CHECK (kind IN ('bilan', 'affi')),
    date          date NOT NULL,
    instructor_id uuid,
    result        text,
    comment       text,
    created_by    uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, instructor_id) REFERENCES instructors (tenant_id, id)
);
CREATE INDEX booklet_assessments_by_student ON booklet_assessments (tenant_id, student_id, date);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['booklet_evaluations', 'booklet_assessments'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO volant_app', t);
  END LOOP;
END $$;
