-- The digital livret (SPEC § 6.6): every lesson given (driving, AAC driving, code, start evaluation,
-- exam accompaniment) is transmitted once per student to the ministry's livret API, which counts the
-- hours of the school's ETP and so its quota of practical-test places. One row per lesson and student,
-- with its status and, when refused, what to fix.
CREATE TABLE livret_transmissions (
    tenant_id  uuid NOT NULL,
    lesson_id  uuid NOT NULL,
    student_id uuid NOT NULL,
    kind       text NOT NULL CONSTRAINT livret_transmissions_kind_known
               CHECK (kind IN ('practical', 'aac_practice', 'theory', 'start_evaluation', 'exam_accompaniment')),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    minutes    integer NOT NULL,
    status     text NOT NULL DEFAULT 'pending' CONSTRAINT livret_transmissions_status_known
               CHECK (status IN ('pending', 'sent', 'accepted', 'rejected', 'retrying')),
    -- Why it was refused (what to fix), or the last fault while retrying; in French.
    reason     text,
    attempts   integer NOT NULL DEFAULT 0,
    -- Sent as Idempotency-Key: a retried call never counts twice; a resend after a correction takes a new one.
    key        uuid NOT NULL,
    remote_id  text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, lesson_id, student_id),
    FOREIGN KEY (tenant_id, lesson_id) REFERENCES lessons (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id)
);
CREATE INDEX livret_transmissions_by_status ON livret_transmissions (tenant_id, status);
CREATE INDEX livret_transmissions_by_time ON livret_transmissions (tenant_id, starts_at);
ALTER TABLE livret_transmissions ENABLE ROW LEVEL SECURITY;
ALTER TABLE livret_transmissions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON livret_transmissions USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON livret_transmissions TO volant_app;
