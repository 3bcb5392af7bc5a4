use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::{TenantId, VehicleId};

use super::{ValidVehicle, Vehicle};

const COLUMNS: &str = "id, kind, plate, make, model, gearbox, category, dual_controls, agency_id, status,
     inspection_due_on, insurance_expires_on, mileage_km, version";

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> Result<Option<Vehicle>, sqlx::Error> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vehicles WHERE tenant_id = $1 AND id = $2{lock}"
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub struct Filter {
    pub agency_id: Option<Uuid>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub after_plate: Option<String>,
    pub limit: i64,
}

pub async fn list(conn: &mut PgConnection, tenant: TenantId, f: &Filter) -> Result<Vec<Vehicle>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM vehicles
          WHERE tenant_id = $1 AND ($2::uuid IS NULL OR agency_id = $2) AND ($3::text IS NULL OR status = $3)
            AND ($4::text IS NULL OR kind = $4) AND ($5::text IS NULL OR plate > $5)
          ORDER BY plate LIMIT $6"
    )))
    .bind(tenant.0)
    .bind(f.agency_id)
    .bind(&f.status)
    .bind(&f.kind)
    .bind(&f.after_plate)
    .bind(f.limit)
    .fetch_all(conn)
    .await
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant: TenantId,
    agency: Uuid,
    v: &ValidVehicle,
) -> Result<Vehicle, sqlx::Error> {
    let i = &v.input;
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO vehicles (tenant_id, id, kind, plate, make, model, gearbox, category, dual_controls, agency_id,
                               status, inspection_due_on, insurance_expires_on, mileage_km)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {COLUMNS}"
    )))
    .bind(tenant.0)
    .bind(VehicleId::new().0)
    .bind(i.kind.as_str())
    .bind(v.plate.as_str())
    .bind(&i.make)
    .bind(&i.model)
    .bind(i.gearbox.as_str())
    .bind(&i.category)
    .bind(i.dual_controls)
    .bind(agency)
    .bind(i.status.as_str())
    .bind(i.inspection_due_on)
    .bind(i.insurance_expires_on)
    .bind(i.mileage_km)
    .fetch_one(conn)
    .await
}

pub async fn update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    agency: Uuid,
    v: &ValidVehicle,
) -> Result<Vehicle, sqlx::Error> {
    let i = &v.input;
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE vehicles SET kind = $3, plate = $4, make = $5, model = $6, gearbox = $7, category = $8,
                dual_controls = $9, agency_id = $10, status = $11, inspection_due_on = $12,
                insurance_expires_on = $13, mileage_km = $14, version = version + 1
          WHERE tenant_id = $1 AND id = $2 RETURNING {COLUMNS}"
    )))
    .bind(tenant.0)
    .bind(id)
    .bind(i.kind.as_str())
    .bind(v.plate.as_str())
    .bind(&i.make)
    .bind(&i.model)
    .bind(i.gearbox.as_str())
    .bind(&i.category)
    .bind(i.dual_controls)
    .bind(agency)
    .bind(i.status.as_str())
    .bind(i.inspection_due_on)
    .bind(i.insurance_expires_on)
    .bind(i.mileage_km)
    .fetch_one(conn)
    .await
}
