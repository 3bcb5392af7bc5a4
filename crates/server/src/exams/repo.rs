use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{Exam, ExamKind, ExamResult, ExamUpdate};
use crate::db::{from_text, to_text};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    student_id: Uuid,
    student_name: String,
    kind: String,
    scheduled_at: DateTime<Utc>,
    centre: Option<String>,
    result: String,
    score: Option<i16>,
    eliminatory: bool,
    excused: bool,
    cancelled_at: Option<DateTime<Utc>>,
    instructor_id: Option<Uuid>,
    vehicle_id: Option<Uuid>,
    lesson_id: Option<Uuid>,
    place_id: Option<Uuid>,
    override_reason: Option<String>,
    comment: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for Exam {
    type Error = sqlx::Error;

    fn try_from(r: Row) -> Result<Self, sqlx::Error> {
        Ok(Exam {
            id: r.id,
            student_id: r.student_id,
            student_name: r.student_name,
            kind: from_text(&r.kind)?,
            scheduled_at: r.scheduled_at,
            centre: r.centre,
            result: from_text(&r.result)?,
            score: r.score,
            eliminatory: r.eliminatory,
            excused: r.excused,
            cancelled_at: r.cancelled_at,
            instructor_id: r.instructor_id,
            vehicle_id: r.vehicle_id,
            lesson_id: r.lesson_id,
            place_id: r.place_id,
            override_reason: r.override_reason,
            comment: r.comment,
            version: r.version,
            created_at: r.created_at,
        })
    }
}

const SELECT: &str = "SELECT e.id, e.student_id, s.first_name || ' ' || s.last_name AS student_name, e.kind,
        e.scheduled_at, e.centre, e.result, e.score, e.eliminatory, e.excused, e.cancelled_at, e.instructor_id,
        e.vehicle_id, e.lesson_id, e.place_id, e.override_reason, e.comment, e.version, e.created_at
   FROM exams e JOIN students s ON s.tenant_id = e.tenant_id AND s.id = e.student_id";

pub async fn get(conn: &mut PgConnection, tenant: TenantId, id: Uuid, lock: bool) -> Result<Option<Exam>, sqlx::Error> {
    let lock = if lock { " FOR UPDATE OF e" } else { "" };
    let row: Option<Row> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE e.tenant_id = $1 AND e.id = $2{lock}")))
            .bind(tenant.0)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    row.map(Exam::try_from).transpose()
}

/// Filters of the exams list; `taught_by` narrows to an instructor's students, `student_id`
/// to one file.
#[derive(Default)]
pub struct Filter {
    pub student_id: Option<Uuid>,
    pub taught_by: Option<Uuid>,
    pub kind: Option<ExamKind>,
    pub result: Option<ExamResult>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Rows strictly after this (scheduled_at, id).
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

/// Exams in date order.
pub async fn list(conn: &mut PgConnection, tenant: TenantId, f: &Filter) -> Result<Vec<Exam>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE e.tenant_id = $1
            AND ($2::uuid IS NULL OR e.student_id = $2)
            AND ($3::uuid IS NULL OR s.referent_instructor_id = $3 OR e.instructor_id = $3
                 OR EXISTS (SELECT FROM lesson_participants p JOIN lessons l ON l.tenant_id = p.tenant_id AND l.id = p.lesson_id
                             WHERE p.tenant_id = e.tenant_id AND p.student_id = e.student_id AND l.instructor_id = $3))
            AND ($4::text IS NULL OR e.kind = $4)
            AND ($5::text IS NULL OR e.result = $5)
            AND ($6::timestamptz IS NULL OR e.scheduled_at >= $6)
            AND ($7::timestamptz IS NULL OR e.scheduled_at < $7)
            AND ($8::timestamptz IS NULL OR (e.scheduled_at, e.id) > ($8, $9))
          ORDER BY e.scheduled_at, e.id LIMIT $10"
    )))
    .bind(tenant.0)
    .bind(f.student_id)
    .bind(f.taught_by)
    .bind(f.kind.map(|k| to_text(&k)))
    .bind(f.result.map(|r| to_text(&r)))
    .bind(f.from)
    .bind(f.to)
    .bind(f.after.map(|a| a.0))
    .bind(f.after.map(|a| a.1))
    .bind(f.limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(Exam::try_from).collect()
}

/// Every exam of one student, oldest first (the history the eligibility rules read).
pub async fn of_student(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> Result<Vec<Exam>, sqlx::Error> {
    let filter = Filter { student_id: Some(student), limit: 10_000, ..Filter::default() };
    list(conn, tenant, &filter).await
}

pub struct Insert<'a> {
    pub id: Uuid,
    pub student_id: Uuid,
    pub kind: ExamKind,
    pub fields: &'a ExamUpdate,
    pub instructor_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub lesson_id: Option<Uuid>,
    pub place_id: Option<Uuid>,
    pub override_reason: Option<&'a str>,
}

pub async fn insert(conn: &mut PgConnection, tenant: TenantId, e: &Insert<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO exams (tenant_id, id, student_id, kind, scheduled_at, centre, result, score, eliminatory, excused,
                cancelled_at, instructor_id, vehicle_id, lesson_id, place_id, override_reason, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(tenant.0)
    .bind(e.id)
    .bind(e.student_id)
    .bind(to_text(&e.kind))
    .bind(e.fields.scheduled_at)
    .bind(&e.fields.centre)
    .bind(to_text(&e.fields.result))
    .bind(e.fields.score)
    .bind(e.fields.eliminatory)
    .bind(e.fields.excused)
    .bind(e.fields.cancelled_at)
    .bind(e.instructor_id)
    .bind(e.vehicle_id)
    .bind(e.lesson_id)
    .bind(e.place_id)
    .bind(e.override_reason)
    .bind(&e.fields.comment)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn update(conn: &mut PgConnection, tenant: TenantId, id: Uuid, u: &ExamUpdate) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE exams SET scheduled_at = $3, centre = $4, result = $5, score = $6, eliminatory = $7, excused = $8,
                cancelled_at = $9, comment = $10, version = version + 1
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(u.scheduled_at)
    .bind(&u.centre)
    .bind(to_text(&u.result))
    .bind(u.score)
    .bind(u.eliminatory)
    .bind(u.excused)
    .bind(u.cancelled_at)
    .bind(&u.comment)
    .execute(conn)
    .await
    .map(|_| ())
}

/// When the student's pending practical test is booked (the earliest, if any).
pub async fn booked_practical(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT scheduled_at FROM exams WHERE tenant_id = $1 AND student_id = $2 AND kind = 'practical' AND result = 'pending'
          ORDER BY scheduled_at LIMIT 1",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_optional(conn)
    .await
}

/// The planned exam lesson that starts at `starts_at` with this instructor and vehicle, if any.
pub async fn planned_exam_lesson(
    conn: &mut PgConnection,
    tenant: TenantId,
    starts_at: DateTime<Utc>,
    instructor: Uuid,
    vehicle: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM lessons WHERE tenant_id = $1 AND kind = 'exam' AND status = 'planned' AND starts_at = $2
            AND instructor_id = $3 AND vehicle_id = $4 LIMIT 1",
    )
    .bind(tenant.0)
    .bind(starts_at)
    .bind(instructor)
    .bind(vehicle)
    .fetch_optional(conn)
    .await
}
