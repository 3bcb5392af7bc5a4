//! The analytics' queries: set-based, one statement per figure, bounded by the period's instants
//! (indexed) and, when asked, an agency (a lesson's own, a student's for exams and money).

use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::analytics::{LEGAL_WEEK_MINUTES, rate_bp};

use super::{
    Attendance, Funnel, HoursToExam, InstructorFigures, MonthRevenue, PassRates, Period, Rate, Revenue, WeekHours,
};

/// A lesson's length in minutes, in SQL.
const MINUTES: &str = "(extract(epoch FROM l.ends_at - l.starts_at) / 60)::bigint";

type Counts = (String, i64, i64, i64, i64);

/// Theory and practical pass rates: first attempts and all attempts of the period.
pub async fn pass_rates(conn: &mut PgConnection, p: &Period) -> sqlx::Result<(PassRates, PassRates)> {
    let rows: Vec<Counts> = sqlx::query_as(
        "WITH attempts AS (
            SELECT e.kind, e.result = 'passed' AS passed,
                   NOT EXISTS (SELECT FROM exams b
                                WHERE b.tenant_id = e.tenant_id AND b.student_id = e.student_id AND b.kind = e.kind
                                  AND b.result IN ('passed', 'failed') AND (b.scheduled_at, b.id) < (e.scheduled_at, e.id)) AS first
              FROM exams e JOIN students s ON s.tenant_id = e.tenant_id AND s.id = e.student_id
             WHERE e.tenant_id = $4 AND e.scheduled_at >= $1 AND e.scheduled_at < $2
               AND e.result IN ('passed', 'failed') AND ($3::uuid IS NULL OR s.agency_id = $3))
         SELECT kind, count(*) FILTER (WHERE first), count(*) FILTER (WHERE first AND passed),
                count(*), count(*) FILTER (WHERE passed)
           FROM attempts GROUP BY kind",
    )
    .bind(p.starts)
    .bind(p.ends)
    .bind(p.agency)
    .bind(p.tenant.0)
    .fetch_all(conn)
    .await?;
    let of = |kind: &str| {
        rows.iter()
            .find(|r| r.0 == kind)
            .map(|r| PassRates {
                first_attempt: Rate::new(r.1, r.2),
                overall: Rate::new(r.3, r.4),
                national_rate_bp: None,
            })
            .unwrap_or_default()
    };
    Ok((of("theory"), of("practical")))
}

/// Driving time per week (Monday, school time) by what became of it.
pub async fn weeks(conn: &mut PgConnection, p: &Period, tz: &str) -> sqlx::Result<Vec<WeekHours>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT date_trunc('week', l.starts_at AT TIME ZONE $4)::date AS week_start,
                coalesce(sum({MINUTES}) FILTER (WHERE l.status = 'done'), 0)::bigint AS done_minutes,
                coalesce(sum({MINUTES}) FILTER (WHERE l.status = 'planned'), 0)::bigint AS planned_minutes,
                coalesce(sum({MINUTES}) FILTER (WHERE l.status = 'cancelled'), 0)::bigint AS cancelled_minutes,
                coalesce(sum({MINUTES}) FILTER (WHERE l.status = 'no_show'), 0)::bigint AS no_show_minutes
           FROM lessons l
          WHERE l.tenant_id = $5 AND l.kind = 'driving' AND l.starts_at >= $1 AND l.starts_at < $2
            AND ($3::uuid IS NULL OR l.agency_id = $3)
          GROUP BY 1 ORDER BY 1"
    )))
    .bind(p.starts)
    .bind(p.ends)
    .bind(p.agency)
    .bind(tz)
    .bind(p.tenant.0)
    .fetch_all(conn)
    .await
}

pub async fn attendance(conn: &mut PgConnection, p: &Period) -> sqlx::Result<Attendance> {
    let (lessons, done, by_student, by_school, no_shows): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE status = 'done'),
                count(*) FILTER (WHERE status = 'cancelled' AND cancelled_by = 'student'),
                count(*) FILTER (WHERE status = 'cancelled' AND cancelled_by IS DISTINCT FROM 'student'),
                count(*) FILTER (WHERE status = 'no_show')
           FROM lessons
          WHERE tenant_id = $4 AND kind = 'driving' AND starts_at >= $1 AND starts_at < $2
            AND ($3::uuid IS NULL OR agency_id = $3)",
    )
    .bind(p.starts)
    .bind(p.ends)
    .bind(p.agency)
    .bind(p.tenant.0)
    .fetch_one(conn)
    .await?;
    Ok(Attendance {
        lessons,
        done,
        cancelled_by_student: by_student,
        cancelled_by_school: by_school,
        no_shows,
        cancellation_rate_bp: rate_bp(by_student + by_school, lessons),
        no_show_rate_bp: rate_bp(no_shows, done + no_shows),
    })
}

/// The driving time done before each student's first practical test, for the tests of the period.
pub async fn hours_to_first_practical(conn: &mut PgConnection, p: &Period) -> sqlx::Result<HoursToExam> {
    let (students, average): (i64, Option<i64>) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH firsts AS (
            SELECT DISTINCT ON (e.student_id) e.student_id, e.scheduled_at
              FROM exams e JOIN students s ON s.tenant_id = e.tenant_id AND s.id = e.student_id
             WHERE e.tenant_id = $4 AND e.kind = 'practical' AND e.result IN ('passed', 'failed')
               AND ($3::uuid IS NULL OR s.agency_id = $3)
             ORDER BY e.student_id, e.scheduled_at, e.id),
         driven AS (
            SELECT f.student_id,
                   (SELECT coalesce(sum({MINUTES}), 0) FROM lessons l
                     WHERE l.tenant_id = $4 AND l.student_id = f.student_id AND l.kind = 'driving'
                       AND l.status = 'done' AND l.starts_at < f.scheduled_at) AS minutes
              FROM firsts f WHERE f.scheduled_at >= $1 AND f.scheduled_at < $2)
         SELECT count(*), round(avg(minutes))::bigint FROM driven"
    )))
    .bind(p.starts)
    .bind(p.ends)
    .bind(p.agency)
    .bind(p.tenant.0)
    .fetch_one(conn)
    .await?;
    Ok(HoursToExam { students, average_minutes: average })
}

/// Invoiced (credit notes deducted) and collected (refunds deducted), by month of the school.
pub async fn revenue(conn: &mut PgConnection, p: &Period, tz: &str) -> sqlx::Result<Revenue> {
    let months: Vec<(String, i64, i64)> = sqlx::query_as(
        "WITH money AS (
            SELECT to_char(i.issued_at AT TIME ZONE $4, 'YYYY-MM') AS month, i.incl_cents AS invoiced, 0::bigint AS collected
              FROM invoices i JOIN students s ON s.tenant_id = i.tenant_id AND s.id = i.student_id
             WHERE i.tenant_id = $5 AND i.issued_at >= $1 AND i.issued_at < $2
               AND ($3::uuid IS NULL OR s.agency_id = $3)
            UNION ALL
            SELECT to_char(m.received_at AT TIME ZONE $4, 'YYYY-MM'), 0, m.amount_cents
              FROM payments m JOIN students s ON s.tenant_id = m.tenant_id AND s.id = m.student_id
             WHERE m.tenant_id = $5 AND m.received_at >= $1 AND m.received_at < $2
               AND ($3::uuid IS NULL OR s.agency_id = $3))
         SELECT month, sum(invoiced)::bigint, sum(collected)::bigint FROM money GROUP BY month ORDER BY month",
    )
    .bind(p.starts)
    .bind(p.ends)
    .bind(p.agency)
    .bind(tz)
    .bind(p.tenant.0)
    .fetch_all(conn)
    .await?;
    let months: Vec<MonthRevenue> = months
        .into_iter()
        .map(|(month, invoiced_cents, collected_cents)| MonthRevenue { month, invoiced_cents, collected_cents })
        .collect();
    Ok(Revenue {
        invoiced_cents: months.iter().map(|m| m.invoiced_cents).sum(),
        collected_cents: months.iter().map(|m| m.collected_cents).sum(),
        months,
    })
}

pub async fn funnel(conn: &mut PgConnection, p: &Period) -> sqlx::Result<Funnel> {
    let (registered, became_students, licensed): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE s.status <> 'prospect'),
                count(*) FILTER (WHERE EXISTS (SELECT FROM exams e WHERE e.tenant_id = s.tenant_id
                                                 AND e.student_id = s.id AND e.kind = 'practical' AND e.result = 'passed'))
           FROM students s
          WHERE s.tenant_id = $4 AND s.created_at >= $1 AND s.created_at < $2
            AND ($3::uuid IS NULL OR s.agency_id = $3)",
    )
    .bind(p.starts)
    .bind(p.ends)
    .bind(p.agency)
    .bind(p.tenant.0)
    .fetch_one(conn)
    .await?;
    Ok(Funnel { registered, became_students, licensed })
}

type InstructorRow = (Uuid, String, i64, i64, i64, i64, i64, i64, i64);

/// Each instructor's figures (or one instructor's), by name.
pub async fn instructors(
    conn: &mut PgConnection,
    p: &Period,
    only: Option<Uuid>,
    tz: &str,
) -> sqlx::Result<Vec<InstructorFigures>> {
    let rows: Vec<InstructorRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "WITH driving AS (
            SELECT l.instructor_id, l.status, {MINUTES} AS minutes, date_trunc('week', l.starts_at AT TIME ZONE $4) AS week
              FROM lessons l
             WHERE l.tenant_id = $5 AND l.kind = 'driving' AND l.starts_at >= $1 AND l.starts_at < $2
               AND ($3::uuid IS NULL OR l.instructor_id = $3)),
         weeks AS (
            SELECT instructor_id, max(minutes) AS busiest FROM (
                SELECT instructor_id, week, sum(minutes) AS minutes FROM driving
                 WHERE status IN ('planned', 'done', 'no_show') GROUP BY instructor_id, week) w
             GROUP BY instructor_id),
         tests AS (
            SELECT e.instructor_id, count(*) AS attempts, count(*) FILTER (WHERE e.result = 'passed') AS passed
              FROM exams e
             WHERE e.tenant_id = $5 AND e.kind = 'practical' AND e.result IN ('passed', 'failed')
               AND e.scheduled_at >= $1 AND e.scheduled_at < $2
               AND NOT EXISTS (SELECT FROM exams b WHERE b.tenant_id = e.tenant_id AND b.student_id = e.student_id
                                 AND b.kind = 'practical' AND b.result IN ('passed', 'failed')
                                 AND (b.scheduled_at, b.id) < (e.scheduled_at, e.id))
             GROUP BY e.instructor_id)
         SELECT i.id, i.first_name || ' ' || i.last_name,
                count(d.*) FILTER (WHERE d.status = 'done'),
                coalesce(sum(d.minutes) FILTER (WHERE d.status = 'done'), 0)::bigint,
                count(d.*) FILTER (WHERE d.status = 'no_show'),
                count(d.*) FILTER (WHERE d.status = 'cancelled'),
                coalesce(max(w.busiest), 0)::bigint,
                coalesce(max(t.attempts), 0)::bigint, coalesce(max(t.passed), 0)::bigint
           FROM instructors i
           LEFT JOIN driving d ON d.instructor_id = i.id
           LEFT JOIN weeks w ON w.instructor_id = i.id
           LEFT JOIN tests t ON t.instructor_id = i.id
          WHERE i.tenant_id = $5 AND ($3::uuid IS NULL OR i.id = $3)
          GROUP BY i.id, i.first_name, i.last_name
          ORDER BY i.last_name, i.first_name, i.id"
    )))
    .bind(p.starts)
    .bind(p.ends)
    .bind(only)
    .bind(tz)
    .bind(p.tenant.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(instructor_id, name, lessons_done, minutes_done, no_shows, cancellations, busiest, attempts, passed)| {
            InstructorFigures {
                instructor_id,
                name,
                lessons_done,
                minutes_done,
                no_shows,
                cancellations,
                busiest_week_minutes: busiest,
                overbooked: busiest > LEGAL_WEEK_MINUTES,
                practical_first_attempt: Rate::new(attempts, passed),
            }
        })
        .collect())
}

/// Payroll: the minutes each instructor taught by kind of lesson in the period (done, and
/// no-shows, when the instructor was there and the student was not).
pub async fn payroll(conn: &mut PgConnection, p: &Period) -> sqlx::Result<Vec<(String, String, i64, i64, i64)>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT i.last_name || ' ' || i.first_name, l.kind,
                count(*) FILTER (WHERE l.status = 'done'),
                coalesce(sum({MINUTES}) FILTER (WHERE l.status = 'done'), 0)::bigint,
                coalesce(sum({MINUTES}) FILTER (WHERE l.status = 'no_show'), 0)::bigint
           FROM lessons l JOIN instructors i ON i.tenant_id = l.tenant_id AND i.id = l.instructor_id
          WHERE l.tenant_id = $3 AND l.kind <> 'unavailability' AND l.status IN ('done', 'no_show')
            AND l.starts_at >= $1 AND l.starts_at < $2
          GROUP BY i.id, i.last_name, i.first_name, l.kind
          ORDER BY i.last_name, i.first_name, i.id, l.kind"
    )))
    .bind(p.starts)
    .bind(p.ends)
    .bind(p.tenant.0)
    .fetch_all(conn)
    .await
}
