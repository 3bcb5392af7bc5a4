//! An instructor's availability: the weekly template, and the dated exceptions (leave, sickness,
//! training…), which are planning blocks. It lives in the planning, which owns those blocks and
//! their conflict checks; the instructors feature keeps the template's storage.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde_json::json;
use sqlx::PgConnection;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{BlockReason, CancelledBy, LessonKind, LessonStatus, repo as planning_repo, service};
use crate::{
    audit::Change,
    auth::{Ctx, Permission},
    error::{AppError, AppResult, FieldErrors},
    http::{created, json::JsonBody, patch, path_id},
    instructors::{
        self, Availability, AvailabilityException, ExceptionKind, repo, validate_availability, validate_exception,
    },
    state::AppState,
    work::Work,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_availability, put_availability))
        .routes(routes!(add_exception))
        .routes(routes!(delete_exception))
}

/// Replaces the availability of an instructor (checked by the caller), audited.
pub async fn replace_availability(
    work: &mut Work,
    id: Uuid,
    before: Availability,
    wanted: Availability,
) -> AppResult<Availability> {
    let tenant = work.tenant();
    let wanted = validate_availability(wanted)?;
    repo::set_weekly(work, tenant, id, &wanted.weekly).await?;
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
            cancel_exception(work, id, old.id.unwrap_or_default()).await?;
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
            add_block(work, id, e).await?;
        }
    }
    let after = availability_of(work, tenant, id).await?;
    let change = Change {
        action: "instructor.availability",
        entity: "instructor",
        entity_id: Some(id),
        before: Some(json!(before)),
        after: Some(json!(after)),
    };
    work.audit().record(change).await?;
    Ok(after)
}

fn block_reason(kind: ExceptionKind) -> BlockReason {
    use ExceptionKind as K;
    match kind {
        K::Leave => BlockReason::Leave,
        K::Sickness => BlockReason::Sickness,
        K::Training => BlockReason::Training,
        K::Meeting => BlockReason::Meeting,
        K::Other => BlockReason::Other,
    }
}

async fn add_block(work: &mut Work, instructor: Uuid, e: &AvailabilityException) -> AppResult<AvailabilityException> {
    let lesson = service::block(
        work,
        service::Blocked::Instructor(instructor),
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

async fn cancel_exception(work: &mut Work, instructor: Uuid, id: Uuid) -> AppResult<AvailabilityException> {
    let tenant = work.tenant();
    let block = planning_repo::get(work, tenant, id, true)
        .await?
        .filter(|l| {
            l.instructor_id == Some(instructor)
                && l.kind == LessonKind::Unavailability
                && l.status != LessonStatus::Cancelled
        })
        .ok_or(AppError::NotFound)?;
    service::cancel(work, &block, Some("Indisponibilité retirée"), CancelledBy::School, true).await?;
    let kind = ExceptionKind::try_from(block.block_reason.map(|r| r.as_str()).unwrap_or_else(|| "other".into()))
        .unwrap_or(ExceptionKind::Other);
    Ok(AvailabilityException {
        id: Some(block.id),
        starts_at: block.starts_at,
        ends_at: block.ends_at,
        kind,
        note: block.note,
    })
}

async fn availability_of(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> AppResult<Availability> {
    let (weekly, version) = repo::weekly(conn, tenant, id, false).await?;
    let exceptions = exceptions(conn, tenant, id).await?;
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
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadInstructors).await?;
    instructors::service::visible(&mut work, id, false).await?;
    let a = availability_of(&mut work, ctx.tenant_id, id).await?;
    work.commit().await?;
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
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageAvailability).await?;
    instructors::service::visible(&mut work, id, true).await?;
    let before = availability_of(&mut work, ctx.tenant_id, id).await?;
    let wanted: Availability = body.parse()?;
    patch::expect_version(Some(i64::from(wanted.version)), before.version, &before)?;
    let after = replace_availability(&mut work, id, before, wanted).await?;
    work.commit().await?;
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
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::DeclareUnavailability).await?;
    instructors::service::visible(&mut work, id, true).await?;
    let mut e: AvailabilityException = body.parse()?;
    e.id = None;
    let mut errors = FieldErrors::default();
    validate_exception(&mut e, "", &mut errors);
    errors.finish()?;
    let saved = add_block(&mut work, id, &e).await?;
    repo::touch_availability(&mut work, ctx.tenant_id, id).await?;
    let change = Change {
        action: "instructor.exception.create",
        entity: "instructor",
        entity_id: Some(id),
        before: None,
        after: Some(json!(saved)),
    };
    work.audit().record(change).await?;
    work.commit().await?;
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
    let id: Uuid = path_id(&id)?;
    let exception_id: Uuid = path_id(&exception_id)?;
    let mut work = ctx.begin(&state, Permission::DeclareUnavailability).await?;
    instructors::service::visible(&mut work, id, true).await?;
    let removed = cancel_exception(&mut work, id, exception_id).await?;
    repo::touch_availability(&mut work, ctx.tenant_id, id).await?;
    let change = Change {
        action: "instructor.exception.delete",
        entity: "instructor",
        entity_id: Some(id),
        before: Some(json!(removed)),
        after: None,
    };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The instructor's unavailability blocks (not cancelled), from the planning.
async fn exceptions(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
) -> Result<Vec<AvailabilityException>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, starts_at, ends_at, coalesce(block_reason, 'other') AS kind, note FROM lessons
          WHERE tenant_id = $1 AND instructor_id = $2 AND kind = 'unavailability' AND status <> 'cancelled'
          ORDER BY starts_at",
    )
    .bind(tenant.0)
    .bind(id)
    .fetch_all(conn)
    .await
}
