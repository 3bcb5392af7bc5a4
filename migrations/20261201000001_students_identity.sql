-- A NEPH identifies one person at the prefecture: within a school, one file holds it.
-- (The service names the other file first; this index is the guarantee under concurrency.)
CREATE UNIQUE INDEX students_neph_unique ON students (tenant_id, neph) WHERE neph IS NOT NULL;
