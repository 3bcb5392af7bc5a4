use axum::{
    Json,
    extract::{Path, State},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{CpfDossier, CpfInput};
use crate::{
    auth::{Ctx, Permission},
    error::AppResult,
    http::{json::JsonBody, path_id},
    state::AppState,
    students,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dossier, patch_dossier))
}

/// A student's CPF dossier: its EDOF number, status (with the day it was entered and whether it
/// stayed there too long), amounts and warnings. 404 when the student has none.
#[utoipa::path(operation_id = "cpf_get", get, path = "/students/{id}/cpf", tag = "billing",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CpfDossier), (status = 401), (status = 403), (status = 404)))]
async fn get_dossier(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<CpfDossier>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    students::service::visible(&mut work, id, false).await?;
    let dossier = super::get(&mut work, id).await?;
    work.commit().await?;
    Ok(Json(dossier))
}

/// Opens the student's CPF dossier (a whole dossier, `submitted` by default) or changes it (a
/// merge patch with `version`, 412 when stale). The status moves one step forward as on EDOF,
/// or to `cancelled` before the service is done: 422 `cpf_status` otherwise.
#[utoipa::path(operation_id = "cpf_patch", patch, path = "/students/{id}/cpf", tag = "billing",
    params(("id" = Uuid, Path)), request_body = CpfInput,
    responses((status = 200, body = CpfDossier), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412), (status = 422)))]
async fn patch_dossier(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<CpfDossier>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageBilling).await?;
    students::service::visible(&mut work, id, true).await?;
    let dossier = super::patch(&mut work, id, &body).await?;
    work.commit().await?;
    Ok(Json(dossier))
}
