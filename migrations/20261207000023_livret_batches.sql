-- The lessons the digital livret records, per student, with the livret's kind: the one
-- definition that queues a connected school's transmissions and counts every school's ETP hours.
-- A school that has not connected RdvPermis keeps no transmission rows (at market scale they
-- would copy every lesson of every school); its ETP preview reads this view directly.
-- security_invoker: the caller's row-level policies apply to the tables below.
CREATE VIEW livret_lessons WITH (security_invoker = true) AS
    SELECT l.tenant_id, l.id AS lesson_id, l.student_id,
           CASE l.kind WHEN 'evaluation' THEN 'start_evaluation'
                       ELSE CASE WHEN s.training_mode = 'aac' THEN 'aac_practice' ELSE 'practical' END END AS kind,
           l.starts_at, l.ends_at, (extract(epoch FROM l.ends_at - l.starts_at) / 60)::int AS minutes
      FROM lessons l JOIN students s ON s.tenant_id = l.tenant_id AND s.id = l.student_id
     WHERE l.status = 'done' AND l.kind IN ('driving', 'evaluation')
    UNION ALL
    SELECT l.tenant_id, l.id, p.student_id,
           CASE l.kind WHEN 'code' THEN 'theory' ELSE 'exam_accompaniment' END,
           l.starts_at, l.ends_at, (extract(epoch FROM l.ends_at - l.starts_at) / 60)::int
      FROM lessons l JOIN lesson_participants p ON p.tenant_id = l.tenant_id AND p.lesson_id = l.id
     WHERE l.status = 'done' AND l.kind IN ('code', 'exam') AND p.status NOT IN ('cancelled', 'no_show');
GRANT SELECT ON livret_lessons TO volant_app;


-- A school's batch job is added unless one already waits or runs (jobs::enqueue_unless_waiting).
CREATE INDEX jobs_waiting_by_school ON jobs (tenant_id, kind) WHERE status IN ('queued', 'running');
