use axum::{
    Json,
    extract::{Path, State},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{ConfirmBody, Confirmation, ConfirmationCode, DisputeBody, Keys, Word, repo};
use crate::{
    auth::{Ctx, Permission},
    error::AppResult,
    http::{
        json::{ApiQuery, JsonBody},
        path_id,
    },
    planning,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(code))
        .routes(routes!(confirm))
        .routes(routes!(dispute))
        .routes(routes!(resolve))
        .routes(routes!(disputes))
}

/// The 6-digit code of a done lesson, for its student to confirm the hours (valid 5 to 10
/// minutes; `confirm_path` is what a QR code on the phone carries). The lesson's instructor or
/// the office; 422 while the lesson is not marked done.
#[utoipa::path(get, path = "/lessons/{id}/confirmation-code", operation_id = "lessons_confirmation_code", tag = "planning",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ConfirmationCode), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn code(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<ConfirmationCode>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::MarkLessons).await?;
    let code = super::code(&mut work, &keys(&state), &state.public_url, id).await?;
    work.commit().await?;
    Ok(Json(code))
}

/// The student confirms their lesson done: a tap, or with the instructor's `code`. Once, within
/// 30 days: 422 `confirmation_closed` otherwise, 409 when two words arrive at once.
#[utoipa::path(post, path = "/lessons/{id}/confirm", operation_id = "lessons_confirm", tag = "planning",
    params(("id" = Uuid, Path)), request_body = ConfirmBody,
    responses((status = 200, body = Confirmation), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Confirmation>> {
    decide(&state, &ctx, &id, body, |b: ConfirmBody| Word::Confirm(b.code)).await
}

/// The student disputes their lesson done, with a `reason`: the office is alerted. The same
/// rules as a confirmation (once, within 30 days).
#[utoipa::path(post, path = "/lessons/{id}/dispute", operation_id = "lessons_dispute", tag = "planning",
    params(("id" = Uuid, Path)), request_body = DisputeBody,
    responses((status = 200, body = Confirmation), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn dispute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Confirmation>> {
    decide(&state, &ctx, &id, body, |b: DisputeBody| Word::Dispute(b.reason)).await
}

async fn decide<B: serde::de::DeserializeOwned>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    body: JsonBody,
    word: impl FnOnce(B) -> Word,
) -> AppResult<Json<Confirmation>> {
    let id: Uuid = path_id(id)?;
    // The lesson first: another school's (or a lesson the caller does not see) is the same 404
    // for every role; then only its student may give their word.
    let mut work = ctx.begin(state, Permission::ReadPlanning).await?;
    let lesson = planning::service::visible(&mut work, id, false).await?;
    ctx.require(Permission::ConfirmHours)?;
    let word = word(body.parse()?);
    let saved = super::decide(&mut work, &keys(state), &lesson, word).await?;
    work.commit().await?;
    Ok(Json(saved))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settlement {
    /// The answer given to the student (the hours, if they must change, by a correction).
    pub resolution: String,
}

/// The office settles a student's dispute of a lesson with its answer.
#[utoipa::path(post, path = "/lessons/{id}/dispute/resolve", operation_id = "lessons_dispute_resolve", tag = "planning",
    params(("id" = Uuid, Path)), request_body = Settlement,
    responses((status = 200, body = Confirmation), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Confirmation>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::SettleDisputes).await?;
    let lesson = planning::service::visible(&mut work, id, false).await?;
    let settlement: Settlement = body.parse()?;
    let saved = super::resolve(&mut work, &lesson, &settlement.resolution).await?;
    work.commit().await?;
    Ok(Json(saved))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DisputesQuery {
    /// `true`: the open disputes only (default: also those settled in the last 90 days).
    #[serde(default)]
    pub open: bool,
    /// One student's only.
    pub student_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Disputes {
    pub items: Vec<repo::Dispute>,
}

/// The students' disputes of their hours: open ones first, then those settled in the last 90 days.
#[utoipa::path(get, path = "/lesson-disputes", operation_id = "lesson_disputes_list", tag = "planning", params(DisputesQuery),
    responses((status = 200, body = Disputes), (status = 400), (status = 401), (status = 403)))]
async fn disputes(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<DisputesQuery>,
) -> AppResult<Json<Disputes>> {
    let mut work = ctx.begin(&state, Permission::SettleDisputes).await?;
    let tenant = work.tenant();
    let items = repo::disputes(&mut work, tenant, q.open, q.student_id).await?;
    work.commit().await?;
    Ok(Json(Disputes { items }))
}

fn keys(state: &AppState) -> Keys {
    Keys::new(state.settings.secret_key.expose())
}
