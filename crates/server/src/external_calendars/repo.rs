//! The statements of external calendars and their busy times.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;
use volant_domain::{ics::Busy, ids::TenantId};

use super::{BusyTime, ExternalCalendar};

/// The calendars of an instructor, or one calendar, with their count of busy times to come.
async fn select(
    conn: &mut PgConnection,
    tenant: TenantId,
    instructor: Option<Uuid>,
    id: Option<Uuid>,
) -> Result<Vec<ExternalCalendar>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.instructor_id, c.name, c.url, c.last_fetched_at, c.last_error, c.created_at,
                (SELECT count(*) FROM external_busy b
                  WHERE b.tenant_id = c.tenant_id AND b.calendar_id = c.id AND b.ends_at > now()) AS busy_count
           FROM external_calendars c
          WHERE c.tenant_id = $1 AND ($2::uuid IS NULL OR c.instructor_id = $2) AND ($3::uuid IS NULL OR c.id = $3)
          ORDER BY c.created_at",
    )
    .bind(tenant.0)
    .bind(instructor)
    .bind(id)
    .fetch_all(conn)
    .await
}

pub async fn list(
    conn: &mut PgConnection,
    tenant: TenantId,
    instructor: Uuid,
) -> Result<Vec<ExternalCalendar>, sqlx::Error> {
    select(conn, tenant, Some(instructor), None).await
}

pub async fn get(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<Option<ExternalCalendar>, sqlx::Error> {
    Ok(select(conn, tenant, None, Some(id)).await?.into_iter().next())
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant: TenantId,
    instructor: Uuid,
    name: &str,
    url: Option<&str>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO external_calendars (tenant_id, id, instructor_id, name, url) VALUES ($1, $2, $3, $4, $5)")
        .bind(tenant.0)
        .bind(id)
        .bind(instructor)
        .bind(name)
        .bind(url)
        .execute(conn)
        .await?;
    Ok(id)
}

pub async fn delete(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM external_calendars WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the calendar's busy times with these, and records the refresh.
pub async fn replace_busy(
    conn: &mut PgConnection,
    tenant: TenantId,
    calendar: Uuid,
    instructor: Uuid,
    busy: &[Busy],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM external_busy WHERE tenant_id = $1 AND calendar_id = $2")
        .bind(tenant.0)
        .bind(calendar)
        .execute(&mut *conn)
        .await?;
    let starts: Vec<DateTime<Utc>> = busy.iter().map(|b| b.starts_at).collect();
    let ends: Vec<DateTime<Utc>> = busy.iter().map(|b| b.ends_at).collect();
    let summaries: Vec<Option<String>> = busy.iter().map(|b| b.summary.clone()).collect();
    sqlx::query(
        "INSERT INTO external_busy (tenant_id, calendar_id, instructor_id, starts_at, ends_at, summary)
         SELECT $1, $2, $3, s, e, t FROM unnest($4::timestamptz[], $5::timestamptz[], $6::text[]) AS u(s, e, t)
          WHERE e > s",
    )
    .bind(tenant.0)
    .bind(calendar)
    .bind(instructor)
    .bind(&starts)
    .bind(&ends)
    .bind(&summaries)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE external_calendars SET last_fetched_at = now(), last_error = NULL WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(calendar)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn record_error(
    conn: &mut PgConnection,
    tenant: TenantId,
    calendar: Uuid,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE external_calendars SET last_error = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(calendar)
        .bind(error)
        .execute(conn)
        .await?;
    Ok(())
}

/// The instructor's busy times overlapping `[from, to)`.
pub async fn busy(
    conn: &mut PgConnection,
    tenant: TenantId,
    instructor: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<BusyTime>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.starts_at, b.ends_at, b.summary, c.name AS calendar_name
           FROM external_busy b JOIN external_calendars c ON c.tenant_id = b.tenant_id AND c.id = b.calendar_id
          WHERE b.tenant_id = $1 AND b.instructor_id = $2 AND tstzrange(b.starts_at, b.ends_at) && tstzrange($3, $4)
          ORDER BY b.starts_at",
    )
    .bind(tenant.0)
    .bind(instructor)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// An address calendar due for a refresh (not fetched for an hour).
#[derive(Debug, FromRow)]
pub struct Due {
    pub tenant_id: Uuid,
    pub id: Uuid,
}

/// The address calendars of a school not refreshed for an hour.
pub async fn due(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<Due>, sqlx::Error> {
    sqlx::query_as(
        "SELECT tenant_id, id FROM external_calendars
          WHERE tenant_id = $1 AND url IS NOT NULL
            AND (last_fetched_at IS NULL OR last_fetched_at < now() - interval '1 hour')",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await
}

/// A calendar's address and instructor, for the refresh job.
pub async fn source(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<(Uuid, Option<String>)>, sqlx::Error> {
    sqlx::query_as("SELECT instructor_id, url FROM external_calendars WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await
}
