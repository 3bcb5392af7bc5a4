use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::role::Role;

use super::{ChangeRequest, Decision, NewChangeRequest, RequestStatus, repo, service};
use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult, retrying, violated_constraint},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        path_id,
    },
    planning,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(approve)).routes(routes!(reject))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `pending`, `approved` or `rejected` (default: all).
    pub status: Option<RequestStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Change requests, newest first: the office sees every request, an instructor or a student
/// their own.
#[utoipa::path(get, path = "/change-requests", operation_id = "change_requests_list", tag = "planning",
    params(ListQuery), responses((status = 200, body = Page<ChangeRequest>), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<ChangeRequest>>> {
    let limit = page::limit(q.limit)?;
    let office = matches!(ctx.role, Role::Admin | Role::Secretary);
    let filter = repo::Filter {
        status: q.status,
        requested_by: (!office).then_some(ctx.user_id.0),
        after: page::decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let mut work = ctx.begin(&state, Permission::ReadPlanning).await?;
    let rows = repo::list(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |r| (r.created_at, r.id))))
}

/// An instructor or a student asks the office to cancel or move one of their lessons.
#[utoipa::path(post, path = "/change-requests", operation_id = "change_requests_create", tag = "planning",
    request_body = NewChangeRequest,
    responses((status = 201, body = ChangeRequest), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::RequestChanges).await?;
    let input: NewChangeRequest = body.parse()?;
    let lesson = match planning::service::visible(&mut work, input.lesson_id, true).await {
        Err(AppError::NotFound) => return Err(AppError::field("lesson_id", "Cette séance est introuvable.")),
        other => other?,
    };
    let proposed = service::check_request(&lesson, &input)?;
    let id = Uuid::now_v7();
    let row = repo::NewRow {
        id,
        lesson_id: lesson.id,
        kind: input.kind,
        reason: input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()),
        proposed,
        requested_by: ctx.user_id.0,
        requester_role: ctx.role.as_str(),
    };
    if let Err(e) = repo::insert(&mut work, ctx.tenant_id, &row).await {
        return Err(if violated_constraint(&e) == Some("change_requests_one_pending") {
            AppError::rule("change_request_pending", "Une demande est déjà en attente pour cette séance.")
        } else {
            e.into()
        });
    }
    let saved = repo::get(&mut work, ctx.tenant_id, id, false).await?.ok_or(AppError::NotFound)?;
    work.audit().created("change_request", id, &saved).await?;
    work.commit().await?;
    Ok(created(saved))
}

/// Approves a request: the lesson is cancelled or moved through the planning's rules (a move
/// onto a busy slot is a 409 and the request stays pending). A student's cancellation is
/// charged by the notice they gave when asking, unless `waive_charge`.
#[utoipa::path(post, path = "/change-requests/{id}/approve", operation_id = "change_requests_approve", tag = "planning",
    params(("id" = Uuid, Path)), request_body = Decision,
    responses((status = 200, body = ChangeRequest), (status = 400), (status = 401), (status = 403), (status = 404),
              (status = 409), (status = 422)))]
async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<ChangeRequest>> {
    let id: Uuid = path_id(&id)?;
    retrying(|| async {
        let mut work = ctx.begin(&state, Permission::DecideChanges).await?;
        let request = service::pending(&mut work, &ctx, id).await?;
        let decision: Decision = body.parse()?;
        let lesson =
            planning::repo::get(&mut work, ctx.tenant_id, request.lesson_id, true).await?.ok_or(AppError::NotFound)?;
        service::apply(&mut work, &request, &lesson, decision.waive_charge).await?;
        let after =
            service::decide(&mut work, &ctx, &request, RequestStatus::Approved, decision.note.as_deref()).await?;
        work.commit().await?;
        Ok(Json(after))
    })
    .await
}

/// Refuses a request; the lesson stays as it is.
#[utoipa::path(post, path = "/change-requests/{id}/reject", operation_id = "change_requests_reject", tag = "planning",
    params(("id" = Uuid, Path)), request_body = Decision,
    responses((status = 200, body = ChangeRequest), (status = 400), (status = 401), (status = 403), (status = 404),
              (status = 422)))]
async fn reject(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<ChangeRequest>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::DecideChanges).await?;
    let request = service::pending(&mut work, &ctx, id).await?;
    let decision: Decision = body.parse()?;
    let after = service::decide(&mut work, &ctx, &request, RequestStatus::Rejected, decision.note.as_deref()).await?;
    work.commit().await?;
    Ok(Json(after))
}
