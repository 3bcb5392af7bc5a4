use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{BusyTime, ExternalCalendar, NewExternalCalendar, repo, service};
use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::{
        json::{ApiQuery, JsonBody},
        page::Page,
        path_id,
    },
    instructors,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(remove)).routes(routes!(busy))
}

/// An instructor's external calendars (the office, or the instructor for themself).
#[utoipa::path(get, path = "/instructors/{id}/external-calendars", operation_id = "external_calendars_list",
    tag = "instructors", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = Page<ExternalCalendar>), (status = 401), (status = 403), (status = 404)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Page<ExternalCalendar>>> {
    let id = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::DeclareUnavailability).await?;
    let instructor = instructors::service::visible(&mut work, id, false).await?;
    let items = repo::list(&mut work, ctx.tenant_id, instructor.id).await?;
    work.commit().await?;
    Ok(Json(Page { items, next_cursor: None }))
}

/// Adds an external calendar: an ICS address (refreshed every hour) or the text of a `.ics` file.
#[utoipa::path(post, path = "/instructors/{id}/external-calendars", operation_id = "external_calendars_create",
    tag = "instructors", params(("id" = uuid::Uuid, Path)), request_body = NewExternalCalendar,
    responses((status = 201, body = ExternalCalendar), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::DeclareUnavailability).await?;
    instructors::service::visible(&mut work, id, false).await?;
    let input: NewExternalCalendar = body.parse()?;
    let calendar = service::create(&mut work, id, input).await?;
    work.commit().await?;
    state.jobs_wake.notify_one();
    Ok((StatusCode::CREATED, Json(calendar)).into_response())
}

/// Removes an external calendar and its busy times.
#[utoipa::path(delete, path = "/instructors/{id}/external-calendars/{calendar_id}",
    operation_id = "external_calendars_delete", tag = "instructors",
    params(("id" = uuid::Uuid, Path), ("calendar_id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, calendar)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let (id, calendar) = (path_id(&id)?, path_id(&calendar)?);
    let mut work = ctx.begin(&state, Permission::DeclareUnavailability).await?;
    service::remove(&mut work, id, calendar).await?;
    work.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BusyQuery {
    /// Default: now.
    pub from: Option<DateTime<Utc>>,
    /// Default: two weeks after `from`.
    pub to: Option<DateTime<Utc>>,
}

/// The instructor's busy times from their external calendars in `[from, to)` (at most 62 days),
/// shown as blocks in the planning.
#[utoipa::path(get, path = "/instructors/{id}/busy", operation_id = "instructors_busy", tag = "instructors",
    params(("id" = uuid::Uuid, Path), BusyQuery),
    responses((status = 200, body = Vec<BusyTime>), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn busy(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<BusyQuery>,
) -> AppResult<Json<Vec<BusyTime>>> {
    let id = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::DeclareUnavailability).await?;
    let instructor = instructors::service::visible(&mut work, id, false).await?;
    let from = q.from.unwrap_or_else(Utc::now);
    let to = q.to.unwrap_or(from + chrono::Duration::days(14));
    if to <= from || (to - from).num_days() > 62 {
        return Err(AppError::field("to", "La période va de `from` à `to`, 62 jours au plus."));
    }
    let items = repo::busy(&mut work, ctx.tenant_id, instructor.id, from, to).await?;
    work.commit().await?;
    Ok(Json(items))
}
