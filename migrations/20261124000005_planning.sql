-- The planning: lessons of every kind and unavailability blocks, with double booking made
-- impossible by exclusion constraints (instructor, vehicle, and every participating student).

CREATE TABLE lesson_series (
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    id         uuid NOT NULL,
    rrule      text NOT NULL,
    -- The first occurrence's local start and the school's zone: occurrences keep the wall-clock time.
    local_start timestamp NOT NULL,
    timezone   text NOT NULL,
    template   jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE lessons (
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    id            uuid NOT NULL,
    kind          text NOT NULL CONSTRAINT lessons_kind_known
                  CHECK (kind IN ('driving', 'code', 'exam', 'evaluation', 'unavailability')),
    status        text NOT NULL DEFAULT 'planned' CONSTRAINT lessons_status_known
                  CHECK (status IN ('planned', 'done', 'no_show', 'cancelled')),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    period        tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
    instructor_id uuid,
    vehicle_id    uuid,
    -- The student of a driving lesson or an evaluation (code sessions and exams use participants).
    student_id    uuid,
    capacity      integer CONSTRAINT lessons_capacity_positive CHECK (capacity > 0),
    room_id       uuid,
    meeting_point text,
    agency_id     uuid NOT NULL,
    series_id     uuid,
    -- For an unavailability block: leave, sickness, training, meeting, maintenance, breakdown, other.
    block_reason  text CONSTRAINT lessons_block_reason_known
                  CHECK (block_reason IN ('leave', 'sickness', 'training', 'meeting', 'maintenance', 'breakdown', 'other')),
    note          text,
    comment       text,
    cancel_reason text,
    cancelled_by  text CONSTRAINT lessons_cancelled_by_known CHECK (cancelled_by IN ('school', 'student')),
    cancelled_at  timestamptz,
    charged       boolean NOT NULL DEFAULT false,
    warnings      jsonb NOT NULL DEFAULT '[]',
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, instructor_id) REFERENCES instructors (tenant_id, id),
    FOREIGN KEY (tenant_id, vehicle_id) REFERENCES vehicles (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    FOREIGN KEY (tenant_id, room_id) REFERENCES agency_rooms (tenant_id, id),
    FOREIGN KEY (tenant_id, agency_id) REFERENCES agencies (tenant_id, id),
    FOREIGN KEY (tenant_id, series_id) REFERENCES lesson_series (tenant_id, id),
    CONSTRAINT lessons_period_order CHECK (ends_at > starts_at),
    CONSTRAINT lessons_instructor_overlap EXCLUDE USING gist (tenant_id WITH =, instructor_id WITH =, period WITH &&)
        WHERE (status <> 'cancelled' AND instructor_id IS NOT NULL),
    CONSTRAINT lessons_vehicle_overlap EXCLUDE USING gist (tenant_id WITH =, vehicle_id WITH =, period WITH &&)
        WHERE (status <> 'cancelled' AND vehicle_id IS NOT NULL)
);
CREATE INDEX lessons_window ON lessons USING gist (tenant_id, period);
CREATE INDEX lessons_by_start ON lessons (tenant_id, starts_at);
CREATE INDEX lessons_by_series ON lessons (tenant_id, series_id) WHERE series_id IS NOT NULL;
CREATE INDEX lessons_by_student ON lessons (tenant_id, student_id, starts_at) WHERE student_id IS NOT NULL;

-- One row per student per lesson, with a copy of the period and status (kept by the trigger
-- below) so that a student can never be in two overlapping lessons, whatever their kinds.
CREATE TABLE lesson_participants (
    tenant_id  uuid NOT NULL,
    lesson_id  uuid NOT NULL,
    student_id uuid NOT NULL,
    period     tstzrange NOT NULL,
    status     text NOT NULL,
    PRIMARY KEY (tenant_id, lesson_id, student_id),
    FOREIGN KEY (tenant_id, lesson_id) REFERENCES lessons (tenant_id, id),
    FOREIGN KEY (tenant_id, student_id) REFERENCES students (tenant_id, id),
    CONSTRAINT lesson_participants_student_overlap EXCLUDE USING gist (tenant_id WITH =, student_id WITH =, period WITH &&)
        WHERE (status <> 'cancelled')
);
CREATE INDEX lesson_participants_by_student ON lesson_participants (tenant_id, student_id);

CREATE FUNCTION lessons_sync_participants() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE lesson_participants SET period = NEW.period, status = NEW.status
     WHERE tenant_id = NEW.tenant_id AND lesson_id = NEW.id
       AND (period IS DISTINCT FROM NEW.period OR status IS DISTINCT FROM NEW.status);
    RETURN NEW;
END $$;
CREATE TRIGGER lessons_sync_participants AFTER UPDATE OF starts_at, ends_at, status ON lessons
    FOR EACH ROW EXECUTE FUNCTION lessons_sync_participants();

-- The instructors' dated exceptions become unavailability blocks of the planning.
INSERT INTO lessons (tenant_id, id, kind, starts_at, ends_at, instructor_id, agency_id, block_reason, note, created_at)
SELECT e.tenant_id, e.id, 'unavailability', e.starts_at, e.ends_at, e.instructor_id, i.agency_id, e.kind, e.note, e.created_at
  FROM instructor_exceptions e JOIN instructors i ON i.tenant_id = e.tenant_id AND i.id = e.instructor_id;
DROP TABLE instructor_exceptions;

ALTER TABLE hours_ledger ADD FOREIGN KEY (tenant_id, lesson_id) REFERENCES lessons (tenant_id, id);
-- One consumption per lesson and student: completing twice can never charge twice.
CREATE UNIQUE INDEX hours_ledger_one_consumption_per_lesson ON hours_ledger (tenant_id, lesson_id, student_id)
    WHERE kind = 'consumption';

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['lesson_series', 'lessons', 'lesson_participants'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
  END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON lesson_series, lessons TO volant_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON lesson_participants TO volant_app;
