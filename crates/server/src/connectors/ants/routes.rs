use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{AntsDossier, service};
use crate::{
    auth::{Ctx, Permission},
    error::AppResult,
    http::path_id,
    state::AppState,
    students,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dossier)).routes(routes!(submit)).routes(routes!(sync))
}

/// The student's registration dossier on ANTS: status, the platform's reasons (each naming its
/// document), the NEPH, the documents sent, what a filing still lacks, what is on its way and the
/// history. A `draft` when nothing was filed.
#[utoipa::path(operation_id = "ants_get", get, path = "/students/{id}/ants", tag = "connectors",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AntsDossier), (status = 401), (status = 403), (status = 404)))]
async fn get_dossier(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<AntsDossier>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::FileRegistrations).await?;
    let student = students::service::visible(&mut work, id, false).await?;
    let dossier = service::get(&mut work, &student).await?;
    work.commit().await?;
    Ok(Json(dossier))
}

/// Files the dossier with the file's current documents, or sends the completed documents of an
/// incomplete one. Answers 202 at once: a job makes the call (retried with the same key, so never
/// filed twice) and `pending` says it is on its way. 422 `ants_connector` without a configured
/// connector, `ants_status` while the platform decides, `ants_pending` while a request is on its way.
#[utoipa::path(operation_id = "ants_submit", post, path = "/students/{id}/ants/submit", tag = "connectors",
    params(("id" = Uuid, Path)),
    responses((status = 202, body = AntsDossier), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<AntsDossier>)> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::FileRegistrations).await?;
    let student = students::service::visible(&mut work, id, true).await?;
    let dossier = service::submit(&mut work, &state, &student).await?;
    work.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(dossier)))
}

/// Asks the platform for the dossier's status now (a job; `pending` is `sync` meanwhile). The
/// dossiers the platform is deciding on are also synced on a schedule. 422 `ants_status` before
/// the first filing.
#[utoipa::path(operation_id = "ants_sync", post, path = "/students/{id}/ants/sync", tag = "connectors",
    params(("id" = Uuid, Path)),
    responses((status = 202, body = AntsDossier), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn sync(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<AntsDossier>)> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::FileRegistrations).await?;
    let student = students::service::visible(&mut work, id, true).await?;
    let dossier = service::sync(&mut work, &state, &student).await?;
    work.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(dossier)))
}
