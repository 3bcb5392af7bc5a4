//! The bookings' rows.

use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::RdvBooking;

const COLUMNS: &str = "id, student_id, exam_id, place_id, remote_id, centre, starts_at, status, created_at";

pub async fn insert(conn: &mut PgConnection, tenant: TenantId, b: &RdvBooking) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rdvpermis_bookings (tenant_id, id, student_id, exam_id, place_id, remote_id, centre, starts_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant.0)
    .bind(b.id)
    .bind(b.student_id)
    .bind(b.exam_id)
    .bind(&b.place_id)
    .bind(&b.remote_id)
    .bind(&b.centre)
    .bind(b.starts_at)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> Result<Option<RdvBooking>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM rdvpermis_bookings WHERE tenant_id = $1 AND id = $2{}",
        if lock { " FOR UPDATE" } else { "" }
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn list(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<RdvBooking>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM rdvpermis_bookings WHERE tenant_id = $1 ORDER BY starts_at, id LIMIT 500"
    )))
    .bind(tenant.0)
    .fetch_all(conn)
    .await
}

pub async fn cancel(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rdvpermis_bookings SET status = 'cancelled' WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The vehicle of the student's last driving lesson.
pub async fn last_vehicle(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let v: Option<Option<Uuid>> = sqlx::query_scalar(
        "SELECT vehicle_id FROM lessons
          WHERE tenant_id = $1 AND student_id = $2 AND kind = 'driving' AND vehicle_id IS NOT NULL
            AND status <> 'cancelled'
          ORDER BY starts_at DESC LIMIT 1",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_optional(conn)
    .await?;
    Ok(v.flatten())
}

/// Bookings whose test took place and whose exam still waits for its result.
pub async fn awaiting_result(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<RdvBooking>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.id, b.student_id, b.exam_id, b.place_id, b.remote_id, b.centre, b.starts_at, b.status, b.created_at
           FROM rdvpermis_bookings b JOIN exams e ON e.tenant_id = b.tenant_id AND e.id = b.exam_id
          WHERE b.tenant_id = $1 AND b.status = 'booked' AND b.starts_at < now() AND e.result = 'pending'",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await
}
