use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::{ids::TenantId, role::Role};

use super::{Instructor, InstructorInput, InstructorUpdate, repo, validate};
use crate::{
    agencies,
    audit::Change,
    auth::{Ctx, Permission, Viewer},
    error::{AppError, AppResult},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        patch, path_id,
    },
    state::AppState,
    work::Work,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

/// The record, if the caller may see it: the office sees every instructor, an instructor only
/// their own record (others are the same 404 as unknown ids).
pub async fn visible(work: &mut Work, id: Uuid, lock: bool) -> AppResult<Instructor> {
    let tenant = work.tenant();
    let found = repo::get(work, tenant, id, lock).await?.ok_or(AppError::NotFound)?;
    match work.viewer {
        Viewer::Office => Ok(found),
        Viewer::Instructor(me) if found.id == me => Ok(found),
        Viewer::Instructor(_) | Viewer::Nobody => Err(AppError::NotFound),
        Viewer::Student(_) => Err(AppError::forbidden()),
    }
}

async fn referent_of_student(conn: &mut PgConnection, ctx: &Ctx) -> AppResult<Option<Uuid>> {
    let referent: Option<Option<Uuid>> =
        sqlx::query_scalar("SELECT referent_instructor_id FROM students WHERE tenant_id = $1 AND user_id = $2")
            .bind(ctx.tenant_id.0)
            .bind(ctx.user_id.0)
            .fetch_optional(conn)
            .await?;
    Ok(referent.flatten())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub agency_id: Option<Uuid>,
    pub active: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Instructors by name: all of them for the office, their own record for an instructor, and for
/// a student the names of the instructors who teach them.
#[utoipa::path(operation_id = "instructors_list", get, path = "/instructors", tag = "instructors", params(ListQuery),
    responses((status = 200, body = Page<Instructor>), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<Instructor>>> {
    let limit = page::limit(q.limit)?;
    let mut work = ctx.begin(&state, Permission::ReadInstructors).await?;
    let only = match ctx.role {
        Role::Admin | Role::Secretary => None,
        Role::Instructor => Some(repo::id_of_user(&mut work, ctx.tenant_id, ctx.user_id).await?.unwrap_or_default()),
        // A student sees the instructors who teach them: their referent.
        Role::Student => Some(referent_of_student(&mut work, &ctx).await?.unwrap_or_default()),
    };
    let filter = repo::Filter {
        agency_id: q.agency_id,
        active: q.active,
        only,
        after: page::decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let rows = repo::list(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    let rows = if ctx.role == Role::Student { rows.into_iter().map(Instructor::names_only).collect() } else { rows };
    Ok(Json(page::paginate(rows, limit, |i| (i.last_name.clone(), i.first_name.clone(), i.id))))
}

async fn check_links(conn: &mut PgConnection, tenant: TenantId, input: &InstructorInput) -> AppResult<Uuid> {
    let agency = agencies::repo::resolve(conn, tenant, input.agency_id).await?;
    if let Some(user) = input.user_id
        && !repo::is_member(conn, tenant, user).await?
    {
        return Err(AppError::field("user_id", "Ce compte ne fait pas partie de l'école."));
    }
    Ok(agency)
}

const CONSTRAINTS: &[(&str, &str, &str)] =
    &[("instructors_user_unique", "user_id", "Ce compte est déjà lié à un autre moniteur.")];

/// Adds an instructor.
#[utoipa::path(operation_id = "instructors_create", post, path = "/instructors", tag = "instructors", request_body = InstructorInput,
    responses((status = 201, body = Instructor), (status = 400), (status = 401), (status = 403)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageInstructors).await?;
    let input: InstructorInput = body.parse()?;
    let saved = create_instructor(&mut work, input).await?;
    work.commit().await?;
    Ok(created(saved))
}

/// Validates, stores and audits a new instructor.
pub async fn create_instructor(work: &mut Work, input: InstructorInput) -> AppResult<Instructor> {
    let tenant = work.tenant();
    let input = validate(input)?;
    let agency = check_links(work, tenant, &input).await?;
    let saved =
        repo::insert(work, tenant, agency, &input).await.map_err(|e| crate::error::on_constraint(e, CONSTRAINTS))?;
    work.audit().created("instructor", saved.id, &saved).await?;
    Ok(saved)
}

/// One instructor (the office, or the instructor themself).
#[utoipa::path(operation_id = "instructors_get_one", get, path = "/instructors/{id}", tag = "instructors", params(("id" = Uuid, Path)),
    responses((status = 200, body = Instructor), (status = 401), (status = 403), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Instructor>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadInstructors).await?;
    let found = visible(&mut work, id, false).await?;
    work.commit().await?;
    Ok(Json(found))
}

/// Changes an instructor; `active: false` deactivates one who leaves.
#[utoipa::path(operation_id = "instructors_update", patch, path = "/instructors/{id}", tag = "instructors", params(("id" = Uuid, Path)), request_body = InstructorUpdate,
    responses((status = 200, body = Instructor), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Instructor>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageInstructors).await?;
    let before = visible(&mut work, id, true).await?;
    let input = validate(patch::apply(&before.input(), before.version, &before, &body)?)?;
    let agency = check_links(&mut work, ctx.tenant_id, &input).await?;
    let mut after = repo::update(&mut work, ctx.tenant_id, id, agency, &input)
        .await
        .map_err(|e| crate::error::on_constraint(e, CONSTRAINTS))?;
    let deactivated = before.active && !after.active;
    if deactivated {
        // A leaving instructor's future lessons are listed for reassignment.
        let future: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM lessons WHERE tenant_id = $1 AND instructor_id = $2 AND status = 'planned'
                AND kind <> 'unavailability' AND ends_at > now() ORDER BY starts_at",
        )
        .bind(ctx.tenant_id.0)
        .bind(id)
        .fetch_all(&mut *work)
        .await?;
        after.future_lesson_ids = Some(future);
    }
    let action = if deactivated { "instructor.deactivate" } else { "instructor.update" };
    let change = Change {
        action,
        entity: "instructor",
        entity_id: Some(id),
        before: Some(json!(before)),
        after: Some(json!(after)),
    };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok(Json(after))
}
