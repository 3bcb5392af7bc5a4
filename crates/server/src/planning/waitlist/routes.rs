use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{WaitlistEntry, WaitlistInput, WaitlistOffer};
use crate::{
    auth::{Ctx, Permission},
    error::{AppResult, retrying},
    http::{json::JsonBody, path_id},
    planning::Planned,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, join))
        .routes(routes!(leave))
        .routes(routes!(offers))
        .routes(routes!(accept))
        .routes(routes!(decline))
}

/// The waiting students, with their windows and next practical test: the office all of them, a
/// student their own entry.
#[utoipa::path(operation_id = "waitlist_list", get, path = "/waitlist", tag = "planning",
    responses((status = 200, body = Vec<WaitlistEntry>), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<WaitlistEntry>>> {
    let mut work = ctx.begin(&state, Permission::UseWaitlist).await?;
    let list = super::entries(&mut work).await?;
    work.commit().await?;
    Ok(Json(list))
}

/// Puts a student on the waitlist (201) or replaces their windows and instructors (200). A
/// student puts only themself.
#[utoipa::path(operation_id = "waitlist_join", post, path = "/waitlist", tag = "planning", request_body = WaitlistInput,
    responses((status = 201, body = WaitlistEntry), (status = 200, body = WaitlistEntry), (status = 400), (status = 401),
              (status = 403), (status = 404)))]
async fn join(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::UseWaitlist).await?;
    let (entry, created) = super::join(&mut work, body.parse()?).await?;
    work.commit().await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(entry)).into_response())
}

/// Takes a student off the waitlist; their open offers are withdrawn.
#[utoipa::path(operation_id = "waitlist_leave", delete, path = "/waitlist/{id}", tag = "planning",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn leave(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<StatusCode> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::UseWaitlist).await?;
    super::leave(&mut work, id).await?;
    work.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The freed slots offered over the last 30 days, with their state (`expired` once the answer
/// time has passed): the office all of them, a student theirs.
#[utoipa::path(operation_id = "waitlist_offers", get, path = "/waitlist/offers", tag = "planning",
    responses((status = 200, body = Vec<WaitlistOffer>), (status = 401), (status = 403)))]
async fn offers(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<WaitlistOffer>>> {
    let mut work = ctx.begin(&state, Permission::UseWaitlist).await?;
    let list = super::offers(&mut work).await?;
    work.commit().await?;
    Ok(Json(list))
}

/// Takes the freed slot: 201 with the new lesson. 409 "déjà pris" when another student was
/// faster; 422 `waitlist_offer_expired` or `waitlist_offer_closed`; the planning's own 409/422
/// when the slot no longer fits the student.
#[utoipa::path(operation_id = "waitlist_accept", post, path = "/waitlist/offers/{id}/accept", tag = "planning",
    params(("id" = Uuid, Path)),
    responses((status = 201, body = Planned), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn accept(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let planned = retrying(|| async {
        let mut work = ctx.begin(&state, Permission::UseWaitlist).await?;
        let planned = super::accept(&mut work, id).await?;
        work.commit().await?;
        Ok(planned)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(planned)).into_response())
}

/// Lets the slot go to the other waiting students.
#[utoipa::path(operation_id = "waitlist_decline", post, path = "/waitlist/offers/{id}/decline", tag = "planning",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = WaitlistOffer), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn decline(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<WaitlistOffer>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::UseWaitlist).await?;
    let offer = super::decline(&mut work, id).await?;
    work.commit().await?;
    Ok(Json(offer))
}
