-- The school's resources: agencies (with rooms), instructors (with availability), vehicles.

CREATE TABLE agencies (
    tenant_id      uuid NOT NULL REFERENCES tenants (id),
    id             uuid NOT NULL,
    name           text NOT NULL CONSTRAINT agencies_name_not_blank CHECK (btrim(name) <> ''),
    address        text,
    phone          text,
    email          text,
    -- [{weekday, start, end}] in the school's local time.
    opening_hours  jsonb NOT NULL DEFAULT '[]',
    -- [{date, end_date?, label}]: days the agency is closed (planning warnings, series skip them).
    closures       jsonb NOT NULL DEFAULT '[]',
    -- [{id, label, address}]: where driving lessons start.
    meeting_points jsonb NOT NULL DEFAULT '[]',
    -- The two extra public holidays of Alsace-Moselle (26 December, Good Friday).
    alsace_moselle boolean NOT NULL DEFAULT false,
    position       integer NOT NULL DEFAULT 0,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT agencies_name_unique UNIQUE (tenant_id, name)
);

CREATE TABLE agency_rooms (
    tenant_id uuid NOT NULL,
    id        uuid NOT NULL,
    agency_id uuid NOT NULL,
    name      text NOT NULL,
    capacity  integer NOT NULL CONSTRAINT agency_rooms_capacity_positive CHECK (capacity > 0),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agency_id) REFERENCES agencies (tenant_id, id),
    CONSTRAINT agency_rooms_name_unique UNIQUE (tenant_id, agency_id, name)
);

CREATE TABLE instructors (
    tenant_id                uuid NOT NULL REFERENCES tenants (id),
    id                       uuid NOT NULL,
    user_id                  uuid REFERENCES users (id),
    first_name               text NOT NULL CONSTRAINT instructors_first_name_not_blank CHECK (btrim(first_name) <> ''),
    last_name                text NOT NULL CONSTRAINT instructors_last_name_not_blank CHECK (btrim(last_name) <> ''),
    email                    text,
    phone                    text,
    authorisation_number     text,
    authorisation_expires_on date,
    categories               text[] NOT NULL DEFAULT '{B}',
    colour                   text NOT NULL DEFAULT '#1971c2' CONSTRAINT instructors_colour_hex CHECK (colour ~ '^#[0-9a-fA-F]{6}$'),
    weekly_contract_minutes  integer CONSTRAINT instructors_contract_minutes_range CHECK (weekly_contract_minutes BETWEEN 0 AND 4800),
    agency_id                uuid NOT NULL,
    active                   boolean NOT NULL DEFAULT true,
    -- [{weekday, start, end}] in the school's local time.
    weekly_availability      jsonb NOT NULL DEFAULT '[]',
    availability_version     integer NOT NULL DEFAULT 1,
    version                  integer NOT NULL DEFAULT 1,
    created_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agency_id) REFERENCES agencies (tenant_id, id),
    CONSTRAINT instructors_user_unique UNIQUE (tenant_id, user_id)
);
CREATE INDEX instructors_by_name ON instructors (tenant_id, last_name, first_name);

-- Dated unavailability (leave, sickness, training…). The planning turns these into blocks.
CREATE TABLE instructor_exceptions (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    instructor_id uuid NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    kind          text NOT NULL CONSTRAINT instructor_exceptions_kind_known
                  CHECK (kind IN ('leave', 'sickness', 'training', 'meeting', 'other')),
    note          text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, instructor_id) REFERENCES instructors (tenant_id, id),
    CONSTRAINT instructor_exceptions_period CHECK (ends_at > starts_at)
);
CREATE INDEX instructor_exceptions_by_instructor ON instructor_exceptions (tenant_id, instructor_id, starts_at);

CREATE TABLE vehicles (
    tenant_id            uuid NOT NULL REFERENCES tenants (id),
    id                   uuid NOT NULL,
    kind                 text NOT NULL DEFAULT 'car' CONSTRAINT vehicles_kind_known CHECK (kind IN ('car', 'simulator')),
    plate                text NOT NULL,
    make                 text,
    model                text,
    gearbox              text NOT NULL CONSTRAINT vehicles_gearbox_known CHECK (gearbox IN ('manual', 'automatic')),
    category             text NOT NULL DEFAULT 'B',
    dual_controls        boolean NOT NULL DEFAULT true,
    agency_id            uuid NOT NULL,
    status               text NOT NULL DEFAULT 'active' CONSTRAINT vehicles_status_known
                         CHECK (status IN ('active', 'maintenance', 'retired')),
    inspection_due_on    date,
    insurance_expires_on date,
    mileage_km           integer CONSTRAINT vehicles_mileage_positive CHECK (mileage_km >= 0),
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agency_id) REFERENCES agencies (tenant_id, id),
    CONSTRAINT vehicles_plate_unique UNIQUE (tenant_id, plate)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['agencies', 'agency_rooms', 'instructors', 'instructor_exceptions', 'vehicles'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO volant_app', t);
  END LOOP;
END $$;
