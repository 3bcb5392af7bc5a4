use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{ExamCentres, NewRdvBooking, PlacesQuery, RdvBooking, RdvBookings, RdvPlaces, service};
use crate::{
    auth::{Ctx, Permission},
    error::AppResult,
    http::{
        json::{ApiQuery, JsonBody},
        path_id,
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(centres))
        .routes(routes!(places))
        .routes(routes!(list, book))
        .routes(routes!(cancel))
}

/// The exam centres RdvPermis lists. 422 `rdvpermis_connector` until the school connected RdvPermis.
#[utoipa::path(operation_id = "rdvpermis_centres", get, path = "/rdvpermis/centres", tag = "exams",
    responses((status = 200, body = ExamCentres), (status = 401), (status = 403), (status = 422), (status = 503)))]
async fn centres(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<ExamCentres>> {
    let mut work = ctx.begin(&state, Permission::ManageExams).await?;
    let centres = service::centres(&mut work, &state).await?;
    work.commit().await?;
    Ok(Json(centres))
}

/// The free practical-test places, by centre and dates, soonest first.
#[utoipa::path(operation_id = "rdvpermis_places", get, path = "/rdvpermis/places", tag = "exams", params(PlacesQuery),
    responses((status = 200, body = RdvPlaces), (status = 400), (status = 401), (status = 403), (status = 422), (status = 503)))]
async fn places(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PlacesQuery>,
) -> AppResult<Json<RdvPlaces>> {
    let mut work = ctx.begin(&state, Permission::ManageExams).await?;
    let places = service::places(&mut work, &state, &q).await?;
    work.commit().await?;
    Ok(Json(places))
}

/// The school's bookings on RdvPermis, soonest first.
#[utoipa::path(operation_id = "rdvpermis_bookings", get, path = "/rdvpermis/bookings", tag = "exams",
    responses((status = 200, body = RdvBookings), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<RdvBookings>> {
    let mut work = ctx.begin(&state, Permission::ManageExams).await?;
    let bookings = service::list(&mut work).await?;
    work.commit().await?;
    Ok(Json(bookings))
}

/// Books a place for a student under their mandate: the eligibility rules first (422 naming them;
/// an ADMIN may pass with `override_reason`, audited), then the practical exam and its
/// accompaniment lesson, then the platform's yes — all or nothing. 409 when the place was just
/// taken; 422 `rdvpermis_connector` until RdvPermis is connected.
#[utoipa::path(operation_id = "rdvpermis_book", post, path = "/rdvpermis/bookings", tag = "exams",
    request_body = NewRdvBooking,
    responses((status = 201, body = RdvBooking), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422), (status = 503)))]
async fn book(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<(StatusCode, Json<RdvBooking>)> {
    let mut work = ctx.begin(&state, Permission::ManageExams).await?;
    let input: NewRdvBooking = body.parse()?;
    let booking = service::book(&mut work, &state, &ctx, input).await?;
    work.commit().await?;
    Ok((StatusCode::CREATED, Json(booking)))
}

/// Cancels a booking: the place goes back to RdvPermis, the exam is cancelled.
#[utoipa::path(operation_id = "rdvpermis_cancel", delete, path = "/rdvpermis/bookings/{id}", tag = "exams",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RdvBooking), (status = 401), (status = 403), (status = 404), (status = 422), (status = 503)))]
async fn cancel(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<RdvBooking>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageExams).await?;
    let booking = service::cancel(&mut work, &state, &ctx, id).await?;
    work.commit().await?;
    Ok(Json(booking))
}
