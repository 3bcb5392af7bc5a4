use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{Agency, AgencyInput, AgencyUpdate, repo, service};
use crate::{
    auth::{Ctx, Permission},
    error::AppResult,
    http::{created, json::JsonBody, page::Page, patch, path_id},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

/// The school's agencies (a handful: not paginated, `next_cursor` is always null).
#[utoipa::path(operation_id = "agencies_list", get, path = "/agencies", tag = "agencies",
    responses((status = 200, body = Page<Agency>), (status = 401)))]
async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Page<Agency>>> {
    let mut work = ctx.begin(&state, Permission::ReadAgencies).await?;
    let items = repo::list(&mut work, ctx.tenant_id).await?;
    work.commit().await?;
    Ok(Json(Page { items, next_cursor: None }))
}

/// Opens an agency.
#[utoipa::path(operation_id = "agencies_create", post, path = "/agencies", tag = "agencies", request_body = AgencyInput,
    responses((status = 201, body = Agency), (status = 400), (status = 401), (status = 403)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageAgencies).await?;
    let input: AgencyInput = body.parse()?;
    let agency = service::create_agency(&mut work, input).await?;
    work.commit().await?;
    Ok(created(agency))
}

/// One agency.
#[utoipa::path(operation_id = "agencies_get_one", get, path = "/agencies/{id}", tag = "agencies", params(("id" = Uuid, Path)),
    responses((status = 200, body = Agency), (status = 401), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Agency>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadAgencies).await?;
    let agency = service::load(&mut work, ctx.tenant_id, id, false).await?;
    work.commit().await?;
    Ok(Json(agency))
}

/// Changes an agency: hours, closures, rooms, meeting points (arrays are replaced whole).
#[utoipa::path(operation_id = "agencies_update", patch, path = "/agencies/{id}", tag = "agencies", params(("id" = Uuid, Path)), request_body = AgencyUpdate,
    responses((status = 200, body = Agency), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Agency>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageAgencies).await?;
    let before = service::load(&mut work, ctx.tenant_id, id, true).await?;
    let input = patch::apply(&before.input(), before.version, &before, &body)?;
    let after = service::update_agency(&mut work, before, input).await?;
    work.commit().await?;
    Ok(Json(after))
}
