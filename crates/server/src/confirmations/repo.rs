use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{Confirmation, Decided};

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    lesson: Uuid,
    student: Uuid,
) -> Result<Option<Confirmation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT lesson_id, student_id, status, method, reason, decided_at, resolved_at, resolution
           FROM lesson_confirmations WHERE tenant_id = $1 AND lesson_id = $2 AND student_id = $3",
    )
    .bind(tenant.0)
    .bind(lesson)
    .bind(student)
    .fetch_optional(conn)
    .await
}

pub struct NewRow<'a> {
    pub lesson_id: Uuid,
    pub student_id: Uuid,
    pub status: Decided,
    pub method: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// Inserts the word; `false` when one was already there (the first one stays).
pub async fn insert(conn: &mut PgConnection, tenant: TenantId, r: &NewRow<'_>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO lesson_confirmations (tenant_id, lesson_id, student_id, status, method, reason)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(tenant.0)
    .bind(r.lesson_id)
    .bind(r.student_id)
    .bind(r.status.as_str())
    .bind(r.method)
    .bind(r.reason)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn resolve(
    conn: &mut PgConnection,
    tenant: TenantId,
    lesson: Uuid,
    student: Uuid,
    resolution: &str,
    by: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE lesson_confirmations SET resolved_at = now(), resolved_by = $5, resolution = $4
          WHERE tenant_id = $1 AND lesson_id = $2 AND student_id = $3 AND status = 'disputed' AND resolved_at IS NULL",
    )
    .bind(tenant.0)
    .bind(lesson)
    .bind(student)
    .bind(resolution)
    .bind(by)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A dispute as the office reads it: the lesson, who, why.
#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Dispute {
    pub lesson_id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    pub instructor_id: Option<Uuid>,
    pub instructor_name: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: String,
    pub decided_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
}

/// The disputes, open ones first then the settled ones of the last 90 days, newest first.
pub async fn disputes(
    conn: &mut PgConnection,
    tenant: TenantId,
    open_only: bool,
    student: Option<Uuid>,
) -> Result<Vec<Dispute>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.lesson_id, c.student_id, s.first_name || ' ' || s.last_name AS student_name, l.instructor_id,
                i.first_name || ' ' || i.last_name AS instructor_name, l.starts_at, l.ends_at,
                coalesce(c.reason, '') AS reason, c.decided_at, c.resolved_at, c.resolution
           FROM lesson_confirmations c
           JOIN lessons l ON l.tenant_id = c.tenant_id AND l.id = c.lesson_id
           JOIN students s ON s.tenant_id = c.tenant_id AND s.id = c.student_id
           LEFT JOIN instructors i ON i.tenant_id = l.tenant_id AND i.id = l.instructor_id
          WHERE c.tenant_id = $1 AND c.status = 'disputed' AND ($3::uuid IS NULL OR c.student_id = $3)
            AND (c.resolved_at IS NULL OR (NOT $2 AND c.resolved_at > now() - interval '90 days'))
          ORDER BY c.resolved_at IS NOT NULL, c.decided_at DESC
          LIMIT 500",
    )
    .bind(tenant.0)
    .bind(open_only)
    .bind(student)
    .fetch_all(conn)
    .await
}
