-- Each rule constant has one source, the domain crate (issue #27): the exam scales
-- (`volant_domain::exam`) and the dual-controls default (`volant_domain::planning`). The database
-- keeps what no rule can change: a score is never negative. Every insert names dual_controls.
ALTER TABLE exams DROP CONSTRAINT exams_score_range;
ALTER TABLE exams ADD CONSTRAINT exams_score_not_negative CHECK (score IS NULL OR score >= 0);
ALTER TABLE vehicles ALTER COLUMN dual_controls DROP DEFAULT;
