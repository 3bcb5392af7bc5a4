-- The waitlist (SPEC § 6.10): students waiting for a freed slot in their weekly windows, and the
-- offers a cancellation sends them. The first to accept gets the lesson: the partial unique
-- index lets one offer per freed slot be accepted, whatever the concurrency.
CREATE TABLE waitlist_entries (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    student_id     uuid NOT NULL,
    -- [{weekday 1..7, start "HH:MM", end "HH:MM"}], checked by the application.
    windows        jsonb NOT NULL CONSTRAINT waitlist_entries_windows_array CHECK (jsonb_typeof(windows) = 'array'),
    instructor_ids uuid[] NOT NULL DEFAULT '{}',
    note           text CONSTRAINT waitlist_entries_note_length CHECK (char_length(note) <= 300),
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT waitlist_entries_one_per_student UNIQUE (tenant_id, student_id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id)
);

CREATE TABLE waitlist_offers (
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    id               uuid NOT NULL,
    -- The cancelled lesson whose slot is offered.
    freed_lesson_id  uuid NOT NULL,
    student_id       uuid NOT NULL,
    -- 1 = offered first (the offer order).
    rank             integer NOT NULL CONSTRAINT waitlist_offers_rank_positive CHECK (rank >= 1),
    starts_at        timestamptz NOT NULL,
    ends_at          timestamptz NOT NULL,
    instructor_id    uuid NOT NULL,
    vehicle_id       uuid,
    meeting_point    text,
    agency_id        uuid NOT NULL,
    status           text NOT NULL DEFAULT 'offered' CONSTRAINT waitlist_offers_status_known
                     CHECK (status IN ('offered', 'accepted', 'declined', 'taken', 'withdrawn')),
    expires_at       timestamptz NOT NULL,
    booked_lesson_id uuid,
    created_at       timestamptz NOT NULL DEFAULT now(),
    decided_at       timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT waitlist_offers_once_per_student UNIQUE (tenant_id, freed_lesson_id, student_id),
    CONSTRAINT waitlist_offers_period_order CHECK (ends_at > starts_at),
    CONSTRAINT waitlist_offers_booked_when_accepted CHECK ((status = 'accepted') = (booked_lesson_id IS NOT NULL)),
    FOREIGN KEY (tenant_id, freed_lesson_id) REFERENCES lessons (tenant_id, id),
    FOREIGN KEY (tenant_id, booked_lesson_id) REFERENCES lessons (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, instructor_id) REFERENCES instructors (tenant_id, id)
);
CREATE UNIQUE INDEX waitlist_offers_one_taker ON waitlist_offers (tenant_id, freed_lesson_id) WHERE status = 'accepted';
CREATE INDEX waitlist_offers_by_student ON waitlist_offers (tenant_id, student_id, created_at);

ALTER TABLE waitlist_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE waitlist_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON waitlist_entries USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON waitlist_entries TO volant_app;

ALTER TABLE waitlist_offers ENABLE ROW LEVEL SECURITY;
ALTER TABLE waitlist_offers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON waitlist_offers USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
GRANT SELECT, INSERT, UPDATE ON waitlist_offers TO volant_app;
