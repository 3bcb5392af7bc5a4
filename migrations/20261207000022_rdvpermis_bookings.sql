-- Practical-test places booked on RdvPermis under the student's mandate (SPEC § 6.6): each booking
-- holds the platform's id and the exam it made (with its accompaniment lesson, in the same
-- transaction as the platform's yes). One active booking per place.
CREATE TABLE rdvpermis_bookings (
    tenant_id  uuid NOT NULL,
    id         uuid NOT NULL,
    student_id uuid NOT NULL,
    exam_id    uuid NOT NULL,
    place_id   text NOT NULL,
    remote_id  text NOT NULL,
    centre     text NOT NULL,
    starts_at  timestamptz NOT NULL,
    status     text NOT NULL DEFAULT 'booked' CONSTRAINT rdvpermis_bookings_status_known
               CHECK (status IN ('booked', 'cancelled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, exam_id) REFERENCES exams (tenant_id, id)
);
CREATE UNIQUE INDEX rdvpermis_bookings_one_per_place ON rdvpermis_bookings (tenant_id, place_id) WHERE status = 'booked';
ALTER TABLE rdvpermis_bookings ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdvpermis_bookings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON rdvpermis_bookings USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON rdvpermis_bookings TO volant_app;
