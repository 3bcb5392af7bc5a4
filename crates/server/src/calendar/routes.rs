use axum::{
    Json, Router,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{CalendarFeed, service};
use crate::{
    auth::{Ctx, Permission},
    error::AppResult,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(feed)).routes(routes!(rotate))
}

/// The feeds themselves, outside the API: calendar applications fetch them without a session.
pub fn feeds() -> Router<AppState> {
    Router::new().route("/ics/{token}", get(ics))
}

/// The caller's calendar feed address (made on first use): instructors and students.
#[utoipa::path(get, path = "/me/calendar-feed", operation_id = "calendar_feed_get", tag = "notifications",
    responses((status = 200, body = CalendarFeed), (status = 401), (status = 403)))]
async fn feed(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<CalendarFeed>> {
    let mut work = ctx.begin(&state, Permission::SubscribeCalendar).await?;
    let signer = service::signer(state.settings.secret_key.expose());
    let feed = service::current(&mut work, &signer, &state.public_url, ctx.user_id.0).await?;
    work.commit().await?;
    Ok(Json(feed))
}

/// A new address for the caller's feed; the old one answers 404 from now on.
#[utoipa::path(post, path = "/me/calendar-feed/rotate", operation_id = "calendar_feed_rotate", tag = "notifications",
    responses((status = 200, body = CalendarFeed), (status = 401), (status = 403)))]
async fn rotate(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<CalendarFeed>> {
    let mut work = ctx.begin(&state, Permission::SubscribeCalendar).await?;
    let signer = service::signer(state.settings.secret_key.expose());
    let feed = service::rotate(&mut work, &signer, &state.public_url, ctx.user_id.0).await?;
    work.commit().await?;
    Ok(Json(feed))
}

/// `GET /ics/{token}`: the feed as `text/calendar` (RFC 5545).
async fn ics(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let signer = service::signer(state.settings.secret_key.expose());
    let text = service::feed_text(&state.pool, &signer, &token).await?;
    let headers = [
        (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
        (header::CACHE_CONTROL, "private, max-age=300"),
        (header::CONTENT_DISPOSITION, "inline; filename=\"volant.ics\""),
    ];
    Ok((headers, text).into_response())
}
