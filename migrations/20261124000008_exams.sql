-- Exams: theory tests (ETG) and practical tests, the school's exam places, and each attempt's
-- result. Eligibility is computed (volant_domain::eligibility), never stored.

CREATE TABLE exam_places (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    starts_at     timestamptz NOT NULL,
    centre        text NOT NULL CONSTRAINT exam_places_centre_present CHECK (centre <> ''),
    category      text NOT NULL DEFAULT 'B' CONSTRAINT exam_places_category_known CHECK (category IN ('B', 'B78')),
    -- The accompaniment, when known: assigning the place books them in an `exam` lesson.
    instructor_id uuid,
    vehicle_id    uuid,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, instructor_id) REFERENCES instructors (tenant_id, id),
    FOREIGN KEY (tenant_id, vehicle_id) REFERENCES vehicles (tenant_id, id)
);
CREATE INDEX exam_places_by_time ON exam_places (tenant_id, starts_at);

CREATE TABLE exams (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    student_id     uuid NOT NULL,
    kind           text NOT NULL CONSTRAINT exams_kind_known CHECK (kind IN ('theory', 'practical')),
    scheduled_at   timestamptz NOT NULL,
    centre         text,
    result         text NOT NULL DEFAULT 'pending' CONSTRAINT exams_result_known
                   CHECK (result IN ('pending', 'passed', 'failed', 'absent', 'cancelled')),
    score          smallint,
    eliminatory    boolean NOT NULL DEFAULT false,
    excused        boolean NOT NULL DEFAULT false,
    cancelled_at   timestamptz,
    instructor_id  uuid,
    vehicle_id     uuid,
    lesson_id      uuid,
    place_id       uuid,
    -- An ADMIN's reason for booking a student the eligibility rules block (audited).
    override_reason text,
    comment        text,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, instructor_id) REFERENCES instructors (tenant_id, id),
    FOREIGN KEY (tenant_id, vehicle_id) REFERENCES vehicles (tenant_id, id),
    FOREIGN KEY (tenant_id, lesson_id) REFERENCES lessons (tenant_id, id),
    FOREIGN KEY (tenant_id, place_id) REFERENCES exam_places (tenant_id, id),
    CONSTRAINT exams_score_range CHECK (
        score IS NULL OR (score >= 0 AND score <= CASE kind WHEN 'theory' THEN 40 ELSE 31 END)),
    CONSTRAINT exams_theory_no_eliminatory CHECK (kind = 'practical' OR NOT eliminatory),
    CONSTRAINT exams_cancelled_has_date CHECK ((result = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX exams_by_student ON exams (tenant_id, student_id, scheduled_at);
CREATE INDEX exams_by_time ON exams (tenant_id, scheduled_at);
-- A place goes to one candidate.
CREATE UNIQUE INDEX exams_one_per_place ON exams (tenant_id, place_id) WHERE place_id IS NOT NULL AND result <> 'cancelled';

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['exam_places', 'exams'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I TO volant_app', t);
  END LOOP;
END $$;
