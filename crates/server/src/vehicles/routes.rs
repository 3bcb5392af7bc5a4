use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{Vehicle, VehicleInput, VehicleUpdate, repo, service};
use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        patch, path_id,
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub agency_id: Option<Uuid>,
    /// `active`, `maintenance` or `retired`.
    pub status: Option<String>,
    /// `car` or `simulator`.
    pub kind: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The school's vehicles, by plate.
#[utoipa::path(operation_id = "vehicles_list", get, path = "/vehicles", tag = "vehicles", params(ListQuery),
    responses((status = 200, body = Page<Vehicle>), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<Vehicle>>> {
    let limit = page::limit(q.limit)?;
    let filter = repo::Filter {
        agency_id: q.agency_id,
        status: q.status,
        kind: q.kind,
        after_plate: page::decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let mut work = ctx.begin(&state, Permission::ReadVehicles).await?;
    let rows = repo::list(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |v| v.plate.clone())))
}

/// Adds a vehicle or a simulator.
#[utoipa::path(operation_id = "vehicles_create", post, path = "/vehicles", tag = "vehicles", request_body = VehicleInput,
    responses((status = 201, body = Vehicle), (status = 400), (status = 401), (status = 403)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageVehicles).await?;
    let input: VehicleInput = body.parse()?;
    let vehicle = service::create_vehicle(&mut work, input).await?;
    work.commit().await?;
    Ok(created(vehicle))
}

/// One vehicle.
#[utoipa::path(operation_id = "vehicles_get_one", get, path = "/vehicles/{id}", tag = "vehicles", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vehicle), (status = 401), (status = 403), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Vehicle>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadVehicles).await?;
    let vehicle = repo::get(&mut work, ctx.tenant_id, id, false).await?.ok_or(AppError::NotFound)?;
    work.commit().await?;
    Ok(Json(vehicle))
}

/// Changes a vehicle (status, dates, mileage…), with the `version` read.
#[utoipa::path(operation_id = "vehicles_update", patch, path = "/vehicles/{id}", tag = "vehicles", params(("id" = Uuid, Path)), request_body = VehicleUpdate,
    responses((status = 200, body = Vehicle), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Vehicle>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageVehicles).await?;
    let before = repo::get(&mut work, ctx.tenant_id, id, true).await?.ok_or(AppError::NotFound)?;
    let input = patch::apply(&before.input(), before.version, &before, &body)?;
    let after = service::update_vehicle(&mut work, before, input).await?;
    work.commit().await?;
    Ok(Json(after))
}
