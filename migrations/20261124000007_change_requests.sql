-- Change requests: an instructor or a student asks the office to cancel or move a lesson; the
-- office approves (the change is then made, with the notice counted from the request) or refuses.

CREATE TABLE change_requests (
    tenant_id          uuid NOT NULL,
    id                 uuid NOT NULL,
    lesson_id          uuid NOT NULL,
    kind               text NOT NULL CONSTRAINT change_requests_kind_known CHECK (kind IN ('cancel', 'move')),
    status             text NOT NULL DEFAULT 'pending' CONSTRAINT change_requests_status_known
                       CHECK (status IN ('pending', 'approved', 'rejected')),
    reason             text,
    proposed_starts_at timestamptz,
    proposed_ends_at   timestamptz,
    requested_by       uuid NOT NULL REFERENCES users (id),
    requester_role     text NOT NULL CONSTRAINT change_requests_requester_role_known
                       CHECK (requester_role IN ('INSTRUCTOR', 'STUDENT')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    decided_by         uuid REFERENCES users (id),
    decided_at         timestamptz,
    decision_note      text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lesson_id) REFERENCES lessons (tenant_id, id),
    CONSTRAINT change_requests_move_has_times CHECK (
        (kind = 'move') = (proposed_starts_at IS NOT NULL AND proposed_ends_at IS NOT NULL)),
    CONSTRAINT change_requests_move_positive CHECK (proposed_ends_at > proposed_starts_at),
    CONSTRAINT change_requests_decision_complete CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- One open request per lesson: the office decides once.
CREATE UNIQUE INDEX change_requests_one_pending ON change_requests (tenant_id, lesson_id) WHERE status = 'pending';
CREATE INDEX change_requests_by_status ON change_requests (tenant_id, status, created_at DESC);

ALTER TABLE change_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE change_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON change_requests USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON change_requests TO volant_app;
