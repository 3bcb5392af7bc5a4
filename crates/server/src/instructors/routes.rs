use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::{ids::TenantId, role::Role};

use super::{
    Availability, AvailabilityException, Instructor, InstructorInput, InstructorUpdate, repo, validate,
    validate_availability, validate_exception,
};
use crate::{
    agencies,
    app::AppState,
    audit::{self, Change},
    auth::{Actor, Ctx, Permission},
    db,
    error::{AppError, AppResult, FieldErrors},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        patch, path_id,
    },
    planning::{self, BlockReason},
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(get_availability, put_availability))
        .routes(routes!(add_exception))
        .routes(routes!(delete_exception))
}

/// The record, if the caller may see it: the office sees every instructor, an instructor only
/// their own record (others are the same 404 as unknown ids).
pub async fn visible(conn: &mut PgConnection, ctx: &Ctx, id: Uuid, lock: bool) -> AppResult<Instructor> {
    let found = repo::get(conn, ctx.tenant_id, id, lock).await?.ok_or(AppError::NotFound)?;
    match ctx.role {
        Role::Admin | Role::Secretary => Ok(found),
        Role::Instructor if found.user_id == Some(ctx.user_id.0) => Ok(found),
        Role::Instructor => Err(AppError::NotFound),
        Role::Student => Err(AppError::forbidden()),
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
    ctx.require(Permission::ReadInstructors)?;
    let limit = page::limit(q.limit)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let only = match ctx.role {
        Role::Admin | Role::Secretary => None,
        Role::Instructor => Some(repo::id_of_user(&mut tx, ctx.tenant_id, ctx.user_id).await?.unwrap_or_default()),
        // A student sees the instructors who teach them: their referent.
        Role::Student => Some(referent_of_student(&mut tx, &ctx).await?.unwrap_or_default()),
    };
    let filter = repo::Filter {
        agency_id: q.agency_id,
        active: q.active,
        only,
        after: page::decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let rows = repo::list(&mut tx, ctx.tenant_id, &filter).await?;
    tx.commit().await?;
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
    ctx.require(Permission::ManageInstructors)?;
    let input: InstructorInput = body.parse()?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let saved = create_instructor(&mut tx, &ctx.actor(), input).await?;
    tx.commit().await?;
    Ok(created(saved))
}

/// Validates, stores and audits a new instructor.
pub async fn create_instructor(
    conn: &mut PgConnection,
    actor: &Actor,
    input: InstructorInput,
) -> AppResult<Instructor> {
    let input = validate(input)?;
    let agency = check_links(conn, actor.tenant_id, &input).await?;
    let saved = repo::insert(conn, actor.tenant_id, agency, &input)
        .await
        .map_err(|e| crate::error::on_constraint(e, CONSTRAINTS))?;
    let change = Change {
        action: "instructor.create",
        entity: "instructor",
        entity_id: Some(saved.id),
        before: None,
        after: Some(json!(saved)),
    };
    audit::record(conn, actor, change).await?;
    Ok(saved)
}

/// Replaces the availability of an instructor (checked by the caller), audited.
pub async fn replace_availability(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    before: Availability,
    wanted: Availability,
) -> AppResult<Availability> {
    let wanted = validate_availability(wanted)?;
    repo::set_weekly(conn, actor.tenant_id, id, &wanted.weekly).await?;
    // Exceptions are planning blocks: unchanged ones stay, removed ones are cancelled, changed
    // or new ones go through the planning's conflict checks.
    for old in &before.exceptions {
        let same = wanted.exceptions.iter().any(|e| {
            e.id == old.id
                && e.starts_at == old.starts_at
                && e.ends_at == old.ends_at
                && e.kind == old.kind
                && e.note == old.note
        });
        if !same {
            cancel_exception(conn, actor, id, old.id.unwrap_or_default()).await?;
        }
    }
    for e in &wanted.exceptions {
        let kept = before.exceptions.iter().any(|old| {
            old.id.is_some()
                && old.id == e.id
                && e.starts_at == old.starts_at
                && e.ends_at == old.ends_at
                && e.kind == old.kind
                && e.note == old.note
        });
        if !kept {
            add_block(conn, actor, id, e).await?;
        }
    }
    let after = availability_of(conn, actor.tenant_id, id).await?;
    let change = Change {
        action: "instructor.availability",
        entity: "instructor",
        entity_id: Some(id),
        before: Some(json!(before)),
        after: Some(json!(after)),
    };
    audit::record(conn, actor, change).await?;
    Ok(after)
}

fn block_reason(kind: super::ExceptionKind) -> BlockReason {
    use super::ExceptionKind as K;
    match kind {
        K::Leave => BlockReason::Leave,
        K::Sickness => BlockReason::Sickness,
        K::Training => BlockReason::Training,
        K::Meeting => BlockReason::Meeting,
        K::Other => BlockReason::Other,
    }
}

async fn add_block(
    conn: &mut PgConnection,
    actor: &Actor,
    instructor: Uuid,
    e: &AvailabilityException,
) -> AppResult<AvailabilityException> {
    let lesson = planning::service::block(
        conn,
        actor,
        planning::service::Blocked::Instructor(instructor),
        (e.starts_at, e.ends_at),
        block_reason(e.kind),
        e.note.clone(),
    )
    .await?;
    Ok(AvailabilityException {
        id: Some(lesson.id),
        starts_at: lesson.starts_at,
        ends_at: lesson.ends_at,
        kind: e.kind,
        note: lesson.note,
    })
}

async fn cancel_exception(
    conn: &mut PgConnection,
    actor: &Actor,
    instructor: Uuid,
    id: Uuid,
) -> AppResult<AvailabilityException> {
    let block = planning::repo::get(conn, actor.tenant_id, id, true)
        .await?
        .filter(|l| {
            l.instructor_id == Some(instructor)
                && l.kind == planning::LessonKind::Unavailability
                && l.status != planning::LessonStatus::Cancelled
        })
        .ok_or(AppError::NotFound)?;
    planning::service::cancel(
        conn,
        actor,
        &block,
        Some("Indisponibilité retirée"),
        planning::CancelledBy::School,
        true,
    )
    .await?;
    let kind = super::ExceptionKind::try_from(block.block_reason.map(|r| r.as_str()).unwrap_or_else(|| "other".into()))
        .unwrap_or(super::ExceptionKind::Other);
    Ok(AvailabilityException {
        id: Some(block.id),
        starts_at: block.starts_at,
        ends_at: block.ends_at,
        kind,
        note: block.note,
    })
}

/// One instructor (the office, or the instructor themself).
#[utoipa::path(operation_id = "instructors_get_one", get, path = "/instructors/{id}", tag = "instructors", params(("id" = Uuid, Path)),
    responses((status = 200, body = Instructor), (status = 401), (status = 403), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Instructor>> {
    ctx.require(Permission::ReadInstructors)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let found = visible(&mut tx, &ctx, id, false).await?;
    tx.commit().await?;
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
    ctx.require(Permission::ManageInstructors)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let before = visible(&mut tx, &ctx, id, true).await?;
    let input = validate(patch::apply(&before.input(), before.version, &before, &body)?)?;
    let agency = check_links(&mut tx, ctx.tenant_id, &input).await?;
    let mut after = repo::update(&mut tx, ctx.tenant_id, id, agency, &input)
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
        .fetch_all(&mut *tx)
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
    audit::record(&mut tx, &ctx.actor(), change).await?;
    tx.commit().await?;
    Ok(Json(after))
}

async fn availability_of(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> AppResult<Availability> {
    let (weekly, version) = repo::weekly(conn, tenant, id, false).await?;
    let exceptions = repo::exceptions(conn, tenant, id).await?;
    Ok(Availability { weekly, exceptions, version })
}

/// The weekly template (local times) and the dated exceptions.
#[utoipa::path(operation_id = "instructors_get_availability", get, path = "/instructors/{id}/availability", tag = "instructors", params(("id" = Uuid, Path)),
    responses((status = 200, body = Availability), (status = 401), (status = 403), (status = 404)))]
async fn get_availability(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Availability>> {
    ctx.require(Permission::ReadInstructors)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    visible(&mut tx, &ctx, id, false).await?;
    let a = availability_of(&mut tx, ctx.tenant_id, id).await?;
    tx.commit().await?;
    Ok(Json(a))
}

/// Replaces the weekly template and the exceptions (the shape GET returns, with its `version`).
#[utoipa::path(operation_id = "instructors_put_availability", put, path = "/instructors/{id}/availability", tag = "instructors", params(("id" = Uuid, Path)), request_body = Availability,
    responses((status = 200, body = Availability), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412)))]
async fn put_availability(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Availability>> {
    ctx.require(Permission::ManageAvailability)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    visible(&mut tx, &ctx, id, true).await?;
    let before = availability_of(&mut tx, ctx.tenant_id, id).await?;
    let wanted: Availability = body.parse()?;
    if wanted.version != before.version {
        return Err(AppError::StaleVersion { current: json!(before) });
    }
    let after = replace_availability(&mut tx, &ctx.actor(), id, before, wanted).await?;
    tx.commit().await?;
    Ok(Json(after))
}

/// Declares leave, sickness, training… (the office, or the instructor for themself).
#[utoipa::path(operation_id = "instructors_add_exception", post, path = "/instructors/{id}/exceptions", tag = "instructors", params(("id" = Uuid, Path)), request_body = AvailabilityException,
    responses((status = 201, body = AvailabilityException), (status = 400), (status = 401), (status = 403), (status = 404),
              (status = 409)))]
async fn add_exception(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    ctx.require(Permission::DeclareUnavailability)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    visible(&mut tx, &ctx, id, true).await?;
    let mut e: AvailabilityException = body.parse()?;
    e.id = None;
    let mut errors = FieldErrors::default();
    validate_exception(&mut e, "", &mut errors);
    errors.finish()?;
    let saved = add_block(&mut tx, &ctx.actor(), id, &e).await?;
    repo::touch_availability(&mut tx, ctx.tenant_id, id).await?;
    let change = Change {
        action: "instructor.exception.create",
        entity: "instructor",
        entity_id: Some(id),
        before: None,
        after: Some(json!(saved)),
    };
    audit::record(&mut tx, &ctx.actor(), change).await?;
    tx.commit().await?;
    Ok(created(saved))
}

/// Removes an exception.
#[utoipa::path(operation_id = "instructors_delete_exception", delete, path = "/instructors/{id}/exceptions/{exception_id}", tag = "instructors",
    params(("id" = Uuid, Path), ("exception_id" = Uuid, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete_exception(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, exception_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    ctx.require(Permission::DeclareUnavailability)?;
    let id: Uuid = path_id(&id)?;
    let exception_id: Uuid = path_id(&exception_id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    visible(&mut tx, &ctx, id, true).await?;
    let removed = cancel_exception(&mut tx, &ctx.actor(), id, exception_id).await?;
    repo::touch_availability(&mut tx, ctx.tenant_id, id).await?;
    let change = Change {
        action: "instructor.exception.delete",
        entity: "instructor",
        entity_id: Some(id),
        before: Some(json!(removed)),
        after: None,
    };
    audit::record(&mut tx, &ctx.actor(), change).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
