use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{EtpPreview, LivretTransmission, LivretTransmissions, service};
use crate::{
    auth::{Ctx, Permission},
    error::AppResult,
    http::{json::ApiQuery, path_id},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(resend)).routes(routes!(etp_preview))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransmissionsQuery {
    /// `pending`, `sent`, `accepted`, `rejected` or `retrying`.
    pub status: Option<String>,
}

/// Every lesson given, per student, and where its transmission to the digital livret stands; a
/// refused one says what to fix. Counts per status.
#[utoipa::path(operation_id = "livret_transmissions", get, path = "/livret/transmissions", tag = "connectors",
    params(TransmissionsQuery),
    responses((status = 200, body = LivretTransmissions), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<TransmissionsQuery>,
) -> AppResult<Json<LivretTransmissions>> {
    let mut work = ctx.begin(&state, Permission::FileRegistrations).await?;
    let list = service::list(&mut work, q.status.as_deref()).await?;
    work.commit().await?;
    Ok(Json(list))
}

/// Sends a refused lesson again once its file is fixed (a new key: a new transmission). 422
/// `livret_status` when it was not refused.
#[utoipa::path(operation_id = "livret_resend", post, path = "/livret/transmissions/{lesson_id}/{student_id}/retry",
    tag = "connectors", params(("lesson_id" = Uuid, Path), ("student_id" = Uuid, Path)),
    responses((status = 202, body = LivretTransmission), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn resend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((lesson, student)): Path<(String, String)>,
) -> AppResult<(StatusCode, Json<LivretTransmission>)> {
    let (lesson, student): (Uuid, Uuid) = (path_id(&lesson)?, path_id(&student)?);
    let mut work = ctx.begin(&state, Permission::FileRegistrations).await?;
    let transmission = service::resend(&mut work, &state, lesson, student).await?;
    work.commit().await?;
    Ok((StatusCode::ACCEPTED, Json(transmission)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EtpQuery {
    /// `YYYY-MM`; the current month by default.
    pub month: Option<String>,
}

/// The ETP the ministry will compute at the month's cut-off (the 24th) from the hours transmitted:
/// per kind (AAC practice × 1.2), the total, the hours not transmitted and what they cost.
#[utoipa::path(operation_id = "etp_preview", get, path = "/etp-preview", tag = "connectors", params(EtpQuery),
    responses((status = 200, body = EtpPreview), (status = 400), (status = 401), (status = 403)))]
async fn etp_preview(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<EtpQuery>,
) -> AppResult<Json<EtpPreview>> {
    let mut work = ctx.begin(&state, Permission::FileRegistrations).await?;
    let preview = service::etp_preview(&mut work, q.month.as_deref()).await?;
    work.commit().await?;
    Ok(Json(preview))
}
