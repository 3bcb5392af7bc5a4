-- The planning window under row-level security. The period's `&&` is not a leakproof operator, so
-- PostgreSQL may not use it as an index condition below the tenant policy: the (tenant_id, period)
-- GiST index was never used by the application role, and a week walked the school's whole history
-- through (tenant_id, starts_at) (25 000 rows filtered for 200 kept on the medium set). Timestamp
-- comparisons are leakproof: a week is now two bounded B-tree ranges, the lessons (which last at
-- most 12 hours) and the unavailability blocks (at most 366 days); the lengths are held here so
-- that the bounds are guarantees (the planning's checks refuse longer ones with a French message).
ALTER TABLE lessons ADD CONSTRAINT lessons_bounded_length
    CHECK (ends_at - starts_at <= CASE WHEN kind = 'unavailability' THEN interval '366 days' ELSE interval '12 hours' END)
    NOT VALID;
ALTER TABLE lessons VALIDATE CONSTRAINT lessons_bounded_length;
CREATE INDEX lessons_blocks_by_start ON lessons (tenant_id, starts_at) WHERE kind = 'unavailability';
