use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{Asked, Suggestion, SuggestionBooking};

use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult, retrying},
    http::{
        json::{ApiQuery, JsonBody},
        path_id,
    },
    planning::Planned,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(book))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SuggestionQuery {
    /// Default: now.
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Default: 14 days after `from`; at most 31 days after it.
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    /// 1 to 20, default 5.
    #[serde(default)]
    pub count: Option<usize>,
}

/// Free driving-lesson slots for a student, ranked (referent instructor first, then the
/// soonest), each one accepted by the planning's rules in a dry run: availability, the student's
/// waitlist windows, a free car of the right gearbox, travel time, closures, holidays.
#[utoipa::path(operation_id = "students_suggestions", get, path = "/students/{id}/suggestions", tag = "planning",
    params(("id" = Uuid, Path), SuggestionQuery),
    responses((status = 200, body = Vec<Suggestion>), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SuggestionQuery>,
) -> AppResult<Json<Vec<Suggestion>>> {
    let id: Uuid = path_id(&id)?;
    let from = q.from.unwrap_or_else(Utc::now);
    let to = q.to.unwrap_or(from + Duration::days(14));
    if to <= from || to - from > Duration::days(31) {
        return Err(AppError::field("to", "La période va de « from » à « to », 31 jours au plus."));
    }
    let count = q.count.unwrap_or(5);
    if !(1..=20).contains(&count) {
        return Err(AppError::field("count", "Demandez de 1 à 20 créneaux."));
    }
    let mut work = ctx.begin(&state, Permission::FindSlots).await?;
    let found = super::suggest(&mut work, id, &Asked { from, to, count }).await?;
    // Every dry run was rolled back; nothing to keep.
    work.commit().await?;
    Ok(Json(found))
}

/// Books a suggested slot for the student: 201 `{lesson, warnings}`. A student books for
/// themself when the school allows it (403 otherwise), within their bookable hours and without
/// any warning about the slot (422 naming it); the planning's 409 when someone was faster.
#[utoipa::path(operation_id = "students_suggestions_book", post, path = "/students/{id}/suggestions/book", tag = "planning",
    params(("id" = Uuid, Path)), request_body = SuggestionBooking,
    responses((status = 201, body = Planned), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn book(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>, body: JsonBody) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let planned = retrying(|| async {
        let mut work = ctx.begin(&state, Permission::FindSlots).await?;
        let planned = super::book(&mut work, id, &body).await?;
        work.commit().await?;
        Ok(planned)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(planned)).into_response())
}
