use sqlx::{PgConnection, types::Json};
use uuid::Uuid;
use volant_domain::{
    ids::{InstructorId, TenantId, UserId},
    schedule::WeeklyRange,
};

use super::{Instructor, InstructorInput};

const COLUMNS: &str = "id, first_name, last_name, email, phone, authorisation_number, authorisation_expires_on,
     categories, colour, weekly_contract_minutes, agency_id, user_id, active, version";

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> Result<Option<Instructor>, sqlx::Error> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM instructors WHERE tenant_id = $1 AND id = $2{lock}"
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The instructor record linked to a person's account in this school.
pub async fn id_of_user(conn: &mut PgConnection, tenant: TenantId, user: UserId) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM instructors WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant.0)
        .bind(user.0)
        .fetch_optional(conn)
        .await
}

pub struct Filter {
    pub agency_id: Option<Uuid>,
    pub active: Option<bool>,
    /// Only this record (an instructor listing).
    pub only: Option<Uuid>,
    pub after: Option<(String, String, Uuid)>,
    pub limit: i64,
}

pub async fn list(conn: &mut PgConnection, tenant: TenantId, f: &Filter) -> Result<Vec<Instructor>, sqlx::Error> {
    let (after_last, after_first, after_id) = match &f.after {
        Some((l, fi, id)) => (Some(l.clone()), Some(fi.clone()), Some(*id)),
        None => (None, None, None),
    };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM instructors
          WHERE tenant_id = $1 AND ($2::uuid IS NULL OR agency_id = $2) AND ($3::bool IS NULL OR active = $3)
            AND ($4::uuid IS NULL OR id = $4)
            AND ($5::text IS NULL OR (last_name, first_name, id) > ($5, $6, $7))
          ORDER BY last_name, first_name, id LIMIT $8"
    )))
    .bind(tenant.0)
    .bind(f.agency_id)
    .bind(f.active)
    .bind(f.only)
    .bind(after_last)
    .bind(after_first)
    .bind(after_id)
    .bind(f.limit)
    .fetch_all(conn)
    .await
}

pub async fn insert(
    conn: &mut PgConnection,
    tenant: TenantId,
    agency: Uuid,
    i: &InstructorInput,
) -> Result<Instructor, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO instructors (tenant_id, id, first_name, last_name, email, phone, authorisation_number,
                 authorisation_expires_on, categories, colour, weekly_contract_minutes, agency_id, user_id, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {COLUMNS}"
    )))
    .bind(tenant.0)
    .bind(InstructorId::new().0)
    .bind(&i.first_name)
    .bind(&i.last_name)
    .bind(&i.email)
    .bind(&i.phone)
    .bind(&i.authorisation_number)
    .bind(i.authorisation_expires_on)
    .bind(&i.categories)
    .bind(&i.colour)
    .bind(i.weekly_contract_minutes)
    .bind(agency)
    .bind(i.user_id)
    .bind(i.active)
    .fetch_one(conn)
    .await
}

pub async fn update(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    agency: Uuid,
    i: &InstructorInput,
) -> Result<Instructor, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE instructors SET first_name = $3, last_name = $4, email = $5, phone = $6, authorisation_number = $7,
                authorisation_expires_on = $8, categories = $9, colour = $10, weekly_contract_minutes = $11,
                agency_id = $12, user_id = $13, active = $14, version = version + 1
          WHERE tenant_id = $1 AND id = $2 RETURNING {COLUMNS}"
    )))
    .bind(tenant.0)
    .bind(id)
    .bind(&i.first_name)
    .bind(&i.last_name)
    .bind(&i.email)
    .bind(&i.phone)
    .bind(&i.authorisation_number)
    .bind(i.authorisation_expires_on)
    .bind(&i.categories)
    .bind(&i.colour)
    .bind(i.weekly_contract_minutes)
    .bind(agency)
    .bind(i.user_id)
    .bind(i.active)
    .fetch_one(conn)
    .await
}

/// Is this person a member of the school (any role)?
pub async fn is_member(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT FROM memberships WHERE tenant_id = $1 AND user_id = $2)")
        .bind(tenant.0)
        .bind(user)
        .fetch_one(conn)
        .await
}

pub async fn weekly(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> Result<(Vec<WeeklyRange>, i32), sqlx::Error> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    let (week, version): (Json<Vec<WeeklyRange>>, i32) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT weekly_availability, availability_version FROM instructors WHERE tenant_id = $1 AND id = $2{lock}"
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok((week.0, version))
}

pub async fn set_weekly(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    week: &[WeeklyRange],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE instructors SET weekly_availability = $3, availability_version = availability_version + 1
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(Json(week))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Bumps the availability version (an exception was added or removed on its own).
pub async fn touch_availability(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE instructors SET availability_version = availability_version + 1 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The referent instructor of a student, if any.
pub async fn referent_of_student(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    let referent: Option<Option<Uuid>> =
        sqlx::query_scalar("SELECT referent_instructor_id FROM students WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.0)
            .bind(student)
            .fetch_optional(conn)
            .await?;
    Ok(referent.flatten())
}

/// The ids of an instructor's planned lessons that have not ended yet (unavailabilities
/// aside), soonest first.
pub async fn future_lesson_ids(
    conn: &mut PgConnection,
    tenant: TenantId,
    instructor: Uuid,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM lessons WHERE tenant_id = $1 AND instructor_id = $2 AND status = 'planned'
                AND kind <> 'unavailability' AND ends_at > now() ORDER BY starts_at",
    )
    .bind(tenant.0)
    .bind(instructor)
    .fetch_all(conn)
    .await
}
