use axum::{
    Json,
    extract::{Path, State},
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ConnectorEvent, ConnectorInput, ConnectorName, ConnectorTest, ConnectorView, Connectors, service};
use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::{
        json::{ApiQuery, JsonBody},
        page::Page,
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(put))
        .routes(routes!(test))
        .routes(routes!(events))
        .merge(super::ants::routes::routes())
        .merge(super::rdvpermis::routes::routes())
}

fn name(raw: &str) -> AppResult<ConnectorName> {
    ConnectorName::parse(raw).ok_or(AppError::NotFound)
}

/// Every platform with its status (`not_configured`, `connected`, `failing` with the last fault in
/// French), its settings and whether a secret is set (secrets are never returned).
#[utoipa::path(operation_id = "connectors_list", get, path = "/connectors", tag = "connectors",
    responses((status = 200, body = Connectors), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Connectors>> {
    let mut work = ctx.begin(&state, Permission::FileRegistrations).await?;
    let connectors = service::list(&mut work).await?;
    work.commit().await?;
    Ok(Json(connectors))
}

/// Configures a platform: its address (or a simulator's), a client id and a write-only secret
/// (omitted: the stored one is kept; `""`: removed). `version` is required once configured (412
/// when stale). A new configuration closes the circuit and clears the last fault.
#[utoipa::path(operation_id = "connectors_put", put, path = "/connectors/{name}", tag = "connectors",
    params(("name" = ConnectorName, Path)), request_body = ConnectorInput,
    responses((status = 200, body = ConnectorView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412), (status = 422)))]
async fn put(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw): Path<String>,
    body: JsonBody,
) -> AppResult<Json<ConnectorView>> {
    let name = name(&raw)?;
    let mut work = ctx.begin(&state, Permission::ManageConnectors).await?;
    let input: ConnectorInput = body.parse()?;
    let view = service::put(&mut work, &state.settings, name, input).await?;
    work.commit().await?;
    Ok(Json(view))
}

/// Tries the connection now with a harmless call; says in French what happened. The call is
/// logged and counts in the status like any other.
#[utoipa::path(operation_id = "connectors_test", post, path = "/connectors/{name}/test", tag = "connectors",
    params(("name" = ConnectorName, Path)),
    responses((status = 200, body = ConnectorTest), (status = 401), (status = 403), (status = 404)))]
async fn test(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> AppResult<Json<ConnectorTest>> {
    let name = name(&raw)?;
    let mut work = ctx.begin(&state, Permission::ManageConnectors).await?;
    let tenant = work.tenant();
    let outcome = service::test(&state, tenant, name, &mut work).await?;
    work.commit().await?;
    Ok(Json(outcome))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The exchanges with the platform, newest first: operation, request summary (never a secret nor
/// a document), status, duration and the fault in French.
#[utoipa::path(operation_id = "connectors_events", get, path = "/connectors/{name}/events", tag = "connectors",
    params(("name" = ConnectorName, Path), EventsQuery),
    responses((status = 200, body = Page<ConnectorEvent>), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn events(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> AppResult<Json<Page<ConnectorEvent>>> {
    let name = name(&raw)?;
    let mut work = ctx.begin(&state, Permission::ManageConnectors).await?;
    let page = service::events(&mut work, name, q.cursor.as_deref(), q.limit).await?;
    work.commit().await?;
    Ok(Json(page))
}
