-- Student-confirmed hours (SPEC § P1.2): after a lesson is marked done, its student confirms it
-- (a tap in their app, or the 6-digit code shown on the instructor's phone) or disputes it with a
-- reason, which the office sees and settles. No row: the confirmation is pending. A decision is
-- final for the student; the office's settlement is added to it, never replacing it.
CREATE TABLE lesson_confirmations (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    lesson_id   uuid NOT NULL,
    student_id  uuid NOT NULL,
    status      text NOT NULL CONSTRAINT lesson_confirmations_status_known CHECK (status IN ('confirmed', 'disputed')),
    -- How the student confirmed: `tap` (in their app) or `code` (the instructor's code: both were there).
    method      text CONSTRAINT lesson_confirmations_method_known CHECK (method IN ('tap', 'code')),
    reason      text,
    decided_at  timestamptz NOT NULL DEFAULT now(),
    -- The office's settlement of a dispute.
    resolved_at timestamptz,
    resolved_by uuid,
    resolution  text,
    PRIMARY KEY (tenant_id, lesson_id, student_id),
    FOREIGN KEY (tenant_id, lesson_id) REFERENCES lessons (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    CONSTRAINT lesson_confirmations_dispute_has_reason
        CHECK (status <> 'disputed' OR (reason IS NOT NULL AND btrim(reason) <> '')),
    CONSTRAINT lesson_confirmations_confirmed_has_method CHECK (status <> 'confirmed' OR method IS NOT NULL),
    CONSTRAINT lesson_confirmations_only_disputes_resolved CHECK (resolved_at IS NULL OR status = 'disputed')
);
-- The office's open disputes.
CREATE INDEX lesson_confirmations_open_disputes ON lesson_confirmations (tenant_id, decided_at)
    WHERE status = 'disputed' AND resolved_at IS NULL;

ALTER TABLE lesson_confirmations ENABLE ROW LEVEL SECURITY;
ALTER TABLE lesson_confirmations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lesson_confirmations
    USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON lesson_confirmations TO volant_app;
