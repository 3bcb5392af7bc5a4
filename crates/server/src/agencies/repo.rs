use sqlx::{PgConnection, types::Json};
use uuid::Uuid;
use volant_domain::{
    ids::{AgencyId, RoomId, TenantId},
    schedule::WeeklyRange,
};

use super::{Agency, AgencyInput, Closure, MeetingPoint, Room};
use crate::error::{AppError, FieldErrors};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    opening_hours: Json<Vec<WeeklyRange>>,
    closures: Json<Vec<Closure>>,
    meeting_points: Json<Vec<MeetingPoint>>,
    alsace_moselle: bool,
    version: i32,
}

const COLUMNS: &str =
    "id, name, address, phone, email, opening_hours, closures, meeting_points, alsace_moselle, version";

async fn rooms_of(conn: &mut PgConnection, tenant: TenantId, agency: Uuid) -> Result<Vec<Room>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, capacity FROM agency_rooms WHERE tenant_id = $1 AND agency_id = $2 ORDER BY name")
        .bind(tenant.0)
        .bind(agency)
        .fetch_all(conn)
        .await
}

async fn with_rooms(conn: &mut PgConnection, tenant: TenantId, r: Row) -> Result<Agency, sqlx::Error> {
    let rooms = rooms_of(conn, tenant, r.id).await?;
    Ok(Agency {
        id: r.id,
        name: r.name,
        address: r.address,
        phone: r.phone,
        email: r.email,
        opening_hours: r.opening_hours.0,
        closures: r.closures.0,
        meeting_points: r.meeting_points.0,
        rooms,
        alsace_moselle: r.alsace_moselle,
        version: r.version,
    })
}

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> Result<Option<Agency>, sqlx::Error> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM agencies WHERE tenant_id = $1 AND id = $2{lock}"
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => Ok(Some(with_rooms(conn, tenant, r).await?)),
        None => Ok(None),
    }
}

pub async fn list(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<Agency>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM agencies WHERE tenant_id = $1 ORDER BY position, created_at"
    )))
    .bind(tenant.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(with_rooms(conn, tenant, r).await?);
    }
    Ok(out)
}

/// The agency a record belongs to: the one named (it must exist in this school), else the first.
pub async fn resolve(conn: &mut PgConnection, tenant: TenantId, asked: Option<Uuid>) -> Result<Uuid, AppError> {
    let found: Option<Uuid> = sqlx::query_scalar(
        "SELECT id FROM agencies WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id = $2) ORDER BY position, created_at LIMIT 1",
    )
    .bind(tenant.0)
    .bind(asked)
    .fetch_optional(conn)
    .await?;
    found.ok_or_else(|| AppError::field("agency_id", "Cette agence n'existe pas dans l'école."))
}

pub async fn insert(conn: &mut PgConnection, tenant: TenantId, a: &AgencyInput) -> Result<Uuid, sqlx::Error> {
    let id = AgencyId::new().0;
    sqlx::query(
        "INSERT INTO agencies (tenant_id, id, name, address, phone, email, opening_hours, closures, meeting_points,
                               alsace_moselle, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                 (SELECT coalesce(max(position) + 1, 0) FROM agencies WHERE tenant_id = $1))",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(&a.name)
    .bind(&a.address)
    .bind(&a.phone)
    .bind(&a.email)
    .bind(Json(&a.opening_hours))
    .bind(Json(&a.closures))
    .bind(Json(&a.meeting_points))
    .bind(a.alsace_moselle)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn update(conn: &mut PgConnection, tenant: TenantId, id: Uuid, a: &AgencyInput) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE agencies SET name = $3, address = $4, phone = $5, email = $6, opening_hours = $7, closures = $8,
                meeting_points = $9, alsace_moselle = $10, version = version + 1
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(&a.name)
    .bind(&a.address)
    .bind(&a.phone)
    .bind(&a.email)
    .bind(Json(&a.opening_hours))
    .bind(Json(&a.closures))
    .bind(Json(&a.meeting_points))
    .bind(a.alsace_moselle)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes the agency's rooms those given: known ids are updated, new ones added, missing ones
/// removed (a room still used by a lesson will refuse, once lessons reference rooms).
pub async fn replace_rooms(
    conn: &mut PgConnection,
    tenant: TenantId,
    agency: Uuid,
    rooms: &[Room],
) -> Result<(), AppError> {
    let existing: Vec<Uuid> = rooms_of(conn, tenant, agency).await?.into_iter().filter_map(|r| r.id).collect();
    let mut errors = FieldErrors::default();
    for (i, r) in rooms.iter().enumerate() {
        if r.id.is_some_and(|id| !existing.contains(&id)) {
            errors.add(&format!("rooms[{i}].id"), "Cette salle n'appartient pas à l'agence.");
        }
    }
    errors.finish()?;
    let kept: Vec<Uuid> = rooms.iter().filter_map(|r| r.id).collect();
    sqlx::query("DELETE FROM agency_rooms WHERE tenant_id = $1 AND agency_id = $2 AND NOT (id = ANY($3))")
        .bind(tenant.0)
        .bind(agency)
        .bind(&kept)
        .execute(&mut *conn)
        .await?;
    for r in rooms {
        sqlx::query(
            "INSERT INTO agency_rooms (tenant_id, id, agency_id, name, capacity) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, capacity = EXCLUDED.capacity",
        )
        .bind(tenant.0)
        .bind(r.id.unwrap_or_else(|| RoomId::new().0))
        .bind(agency)
        .bind(&r.name)
        .bind(r.capacity)
        .execute(&mut *conn)
        .await
        .map_err(|e| {
            crate::error::on_constraint(e, &[("agency_rooms_name_unique", "rooms", "Deux salles portent le même nom.")])
        })?;
    }
    Ok(())
}
