-- The fifth role, GUARDIAN (SPEC § 6.1): a parent or legal guardian of a minor student reads that
-- student's planning, hours, booklet, exams, invoices and notifications, and signs their contracts.
-- One guardian account may follow several children (siblings) and switches between them.
ALTER TABLE memberships DROP CONSTRAINT memberships_role_known;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_known
    CHECK (role IN ('ADMIN', 'SECRETARY', 'INSTRUCTOR', 'STUDENT', 'GUARDIAN'));
ALTER TABLE invitations DROP CONSTRAINT invitations_role_known;
ALTER TABLE invitations ADD CONSTRAINT invitations_role_known
    CHECK (role IN ('ADMIN', 'SECRETARY', 'INSTRUCTOR', 'STUDENT', 'GUARDIAN'));

-- Which children a guardian account follows. A row is added when the guardian accepts the
-- invitation sent from the child's file, and removed by the office.
CREATE TABLE guardianships (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    user_id    uuid NOT NULL REFERENCES users (id),
    student_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id, student_id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id)
);
-- The guardians of a student (notifications, the student's file).
CREATE INDEX guardianships_by_student ON guardianships (tenant_id, student_id);
ALTER TABLE guardianships ENABLE ROW LEVEL SECURITY;
ALTER TABLE guardianships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON guardianships USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, DELETE ON guardianships TO volant_app;

-- The child a guardian's session is following now (none: their first child, by name).
ALTER TABLE sessions ADD COLUMN child_id uuid;
