use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use serde_json::json;
use sqlx::PgConnection;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{Agency, AgencyInput, AgencyUpdate, repo, validate};
use crate::{
    audit::{self, Actor, Change},
    auth::{Ctx, Permission},
    db,
    error::{AppError, AppResult, on_constraint},
    http::{created, json::JsonBody, page::Page, patch, path_id},
    state::AppState,
};

const CONSTRAINTS: &[(&str, &str, &str)] = &[("agencies_name_unique", "name", "Une agence porte déjà ce nom.")];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

/// The school's agencies (a handful: not paginated, `next_cursor` is always null).
#[utoipa::path(operation_id = "agencies_list", get, path = "/agencies", tag = "agencies",
    responses((status = 200, body = Page<Agency>), (status = 401)))]
async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Page<Agency>>> {
    ctx.require(Permission::ReadAgencies)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let items = repo::list(&mut tx, ctx.tenant_id).await?;
    tx.commit().await?;
    Ok(Json(Page { items, next_cursor: None }))
}

pub async fn load(conn: &mut PgConnection, tenant: TenantId, id: Uuid, lock: bool) -> AppResult<Agency> {
    repo::get(conn, tenant, id, lock).await?.ok_or(AppError::NotFound)
}

/// Opens an agency.
#[utoipa::path(operation_id = "agencies_create", post, path = "/agencies", tag = "agencies", request_body = AgencyInput,
    responses((status = 201, body = Agency), (status = 400), (status = 401), (status = 403)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    ctx.require(Permission::ManageAgencies)?;
    let input: AgencyInput = body.parse()?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let agency = create_agency(&mut tx, &ctx.actor(), input).await?;
    tx.commit().await?;
    Ok(created(agency))
}

/// Validates, stores and audits a new agency.
pub async fn create_agency(conn: &mut PgConnection, actor: &Actor, mut input: AgencyInput) -> AppResult<Agency> {
    if input.opening_hours.is_empty() {
        input.opening_hours = crate::school::read(conn, actor.tenant_id).await?.settings.opening_hours;
    }
    let input = validate(input)?;
    let id = repo::insert(conn, actor.tenant_id, &input).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    repo::replace_rooms(conn, actor.tenant_id, id, &input.rooms).await?;
    let agency = load(conn, actor.tenant_id, id, false).await?;
    let change = Change {
        action: "agency.create",
        entity: "agency",
        entity_id: Some(id),
        before: None,
        after: Some(json!(agency)),
    };
    audit::record(conn, actor, change).await?;
    Ok(agency)
}

/// Validates, stores and audits a change of an agency read (and locked) as `before`.
pub async fn update_agency(
    conn: &mut PgConnection,
    actor: &Actor,
    before: Agency,
    input: AgencyInput,
) -> AppResult<Agency> {
    let input = validate(input)?;
    let id = before.id;
    repo::update(conn, actor.tenant_id, id, &input).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    repo::replace_rooms(conn, actor.tenant_id, id, &input.rooms).await?;
    let after = load(conn, actor.tenant_id, id, false).await?;
    let change = Change {
        action: "agency.update",
        entity: "agency",
        entity_id: Some(id),
        before: Some(json!(before)),
        after: Some(json!(after)),
    };
    audit::record(conn, actor, change).await?;
    Ok(after)
}

/// One agency.
#[utoipa::path(operation_id = "agencies_get_one", get, path = "/agencies/{id}", tag = "agencies", params(("id" = Uuid, Path)),
    responses((status = 200, body = Agency), (status = 401), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Agency>> {
    ctx.require(Permission::ReadAgencies)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let agency = load(&mut tx, ctx.tenant_id, id, false).await?;
    tx.commit().await?;
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
    ctx.require(Permission::ManageAgencies)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    let before = load(&mut tx, ctx.tenant_id, id, true).await?;
    let input = patch::apply(&before.input(), before.version, &before, &body)?;
    let after = update_agency(&mut tx, &ctx.actor(), before, input).await?;
    tx.commit().await?;
    Ok(Json(after))
}
