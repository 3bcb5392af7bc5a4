//! The statements of calendar feeds and of the lessons they show.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;
use volant_domain::ids::TenantId;

#[derive(Debug, FromRow)]
pub struct Feed {
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// The person's live feed.
pub async fn live(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<Option<Feed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, created_at FROM calendar_feeds
          WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(tenant.0)
    .bind(user)
    .fetch_optional(conn)
    .await
}

/// A feed by id, if not revoked.
pub async fn by_id(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<Option<Feed>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, user_id, created_at FROM calendar_feeds WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A new live feed; when two requests race for the first one, the loser reads the winner's.
pub async fn create(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<Option<Feed>, sqlx::Error> {
    sqlx::query_as(
        "INSERT INTO calendar_feeds (tenant_id, id, user_id) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, user_id) WHERE revoked_at IS NULL DO NOTHING
         RETURNING id, user_id, created_at",
    )
    .bind(tenant.0)
    .bind(Uuid::now_v7())
    .bind(user)
    .fetch_optional(conn)
    .await
}

pub async fn revoke(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE calendar_feeds SET revoked_at = now() WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whose lessons a person's feed shows: their instructor record or their student file.
pub async fn owner(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
) -> Result<(Option<Uuid>, Option<Uuid>), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT id FROM instructors WHERE tenant_id = $1 AND user_id = $2),
                (SELECT id FROM students WHERE tenant_id = $1 AND user_id = $2)",
    )
    .bind(tenant.0)
    .bind(user)
    .fetch_one(conn)
    .await
}

/// A lesson as a calendar shows it.
#[derive(Debug, FromRow)]
pub struct FeedLesson {
    pub id: Uuid,
    pub kind: String,
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub meeting_point: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// The other party: the instructor's name for a student, the student's for an instructor.
    pub with_name: Option<String>,
    pub block_reason: Option<String>,
}

/// The instructor's lessons and blocks, or the student's lessons, in `[from, to)`.
pub async fn lessons(
    conn: &mut PgConnection,
    tenant: TenantId,
    instructor: Option<Uuid>,
    student: Option<Uuid>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<FeedLesson>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.id, l.kind, l.status, l.starts_at, l.ends_at, l.meeting_point, l.version, l.created_at,
                l.cancelled_at, l.block_reason,
                CASE WHEN $2::uuid IS NOT NULL THEN s.first_name || ' ' || s.last_name
                     ELSE i.first_name || ' ' || i.last_name END AS with_name
           FROM lessons l
           LEFT JOIN students s ON s.tenant_id = l.tenant_id AND s.id = l.student_id
           LEFT JOIN instructors i ON i.tenant_id = l.tenant_id AND i.id = l.instructor_id
          WHERE l.tenant_id = $1 AND l.starts_at >= $4 AND l.starts_at < $5
            AND ((l.instructor_id = $2)
                 OR ($3::uuid IS NOT NULL AND l.kind <> 'unavailability' AND EXISTS (
                        SELECT 1 FROM lesson_participants p
                         WHERE p.tenant_id = l.tenant_id AND p.lesson_id = l.id AND p.student_id = $3)))
          ORDER BY l.starts_at",
    )
    .bind(tenant.0)
    .bind(instructor)
    .bind(student)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}
