use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::Assessment;

/// A formal assessment or an AFFI to record (texts already trimmed).
pub struct NewAssessmentRow<'a> {
    pub student_id: Uuid,
    pub kind: &'a str,
    pub date: NaiveDate,
    pub instructor_id: Option<Uuid>,
    pub result: Option<String>,
    pub comment: Option<String>,
    pub created_by: Uuid,
}

/// Inserts an assessment and returns it as saved.
pub async fn insert_assessment(
    conn: &mut PgConnection,
    tenant: TenantId,
    a: NewAssessmentRow<'_>,
) -> Result<Assessment, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO booklet_assessments (tenant_id, id, student_id, kind, date, instructor_id, result, comment, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, kind, date, instructor_id, result, comment",
    )
    .bind(tenant.0)
    .bind(Uuid::now_v7())
    .bind(a.student_id)
    .bind(a.kind)
    .bind(a.date)
    .bind(a.instructor_id)
    .bind(a.result)
    .bind(a.comment)
    .bind(a.created_by)
    .fetch_one(conn)
    .await
}

/// The school as the printed booklet names it.
pub struct Letterhead {
    /// The legal name, else the name.
    pub name: String,
    pub address: Option<String>,
    pub agrement: Option<String>,
}

/// The school's legal name (else its name), address and agrément number.
pub async fn letterhead(conn: &mut PgConnection, tenant: TenantId) -> Result<Letterhead, sqlx::Error> {
    let (name, address, agrement): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT coalesce(legal_name, name), address, agrement FROM tenants WHERE id = $1")
            .bind(tenant.0)
            .fetch_one(conn)
            .await?;
    Ok(Letterhead { name, address, agrement })
}

/// A lesson the student attended, as the printed booklet lists it.
pub struct DoneLesson {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The lesson kind as stored (`driving`, `code`, …).
    pub kind: String,
    pub instructor_name: Option<String>,
}

/// Start, end, kind and instructor name, as the query reads them (the name has no column alias).
type DoneLessonRow = (DateTime<Utc>, DateTime<Utc>, String, Option<String>);

/// The done lessons the student took part in, oldest first, with their instructor's name.
pub async fn done_lessons(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
) -> Result<Vec<DoneLesson>, sqlx::Error> {
    let rows: Vec<DoneLessonRow> = sqlx::query_as(
        "SELECT l.starts_at, l.ends_at, l.kind, i.first_name || ' ' || i.last_name
           FROM lessons l JOIN lesson_participants p ON p.tenant_id = l.tenant_id AND p.lesson_id = l.id
           LEFT JOIN instructors i ON i.tenant_id = l.tenant_id AND i.id = l.instructor_id
          WHERE l.tenant_id = $1 AND p.student_id = $2 AND l.status = 'done' ORDER BY l.starts_at",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(starts_at, ends_at, kind, instructor_name)| DoneLesson { starts_at, ends_at, kind, instructor_name })
        .collect())
}

/// Every instructor's full name (first then last), by id.
pub async fn instructor_names(conn: &mut PgConnection, tenant: TenantId) -> Result<HashMap<Uuid, String>, sqlx::Error> {
    let rows: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, first_name || ' ' || last_name FROM instructors WHERE tenant_id = $1")
            .bind(tenant.0)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}
