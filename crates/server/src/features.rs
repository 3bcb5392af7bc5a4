//! Every feature's routes, nested under `/api/v1`, and the application assembled from them: the
//! top of the layers (no feature imports this module).

use axum::{Router, middleware};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{auth, http, state::AppState};

/// The whole application: every feature's routes inside the HTTP edge.
pub fn router(state: AppState) -> Router {
    let api = api_router().layer(middleware::from_fn_with_state(state.clone(), auth::idempotency::layer));
    let outside = crate::calendar::routes::feeds().merge(crate::site::routes::routes());
    http::router(state, api, outside, crate::site::routes::front)
}

/// The API routes with their OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(http::ApiDoc::openapi()).nest("/api/v1", routes())
}

/// The complete OpenAPI document (also written by `volant openapi`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    http::apidoc::complete(openapi_raw())
}

/// The document as the annotations alone describe it.
pub fn openapi_raw() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(crate::auth::routes::routes())
        .merge(crate::users::routes())
        .merge(crate::school::routes::routes())
        .merge(crate::invitations::routes())
        .merge(crate::audit_log::routes())
        .merge(crate::journal::routes())
        .merge(crate::demo::routes::routes())
        .merge(crate::agencies::routes::routes())
        .merge(crate::instructors::routes::routes())
        .merge(crate::vehicles::routes::routes())
        .merge(crate::students::routes::routes())
        .merge(crate::planning::routes::routes())
        .merge(crate::booklet::routes::routes())
        .merge(crate::change_requests::routes::routes())
        .merge(crate::confirmations::routes::routes())
        .merge(crate::exams::routes::routes())
        .merge(crate::notifications::routes::routes())
        .merge(crate::external_calendars::routes::routes())
        .merge(crate::calendar::routes::routes())
        .merge(crate::billing::routes::routes())
        .merge(crate::analytics::routes::routes())
        .merge(crate::site::api::routes())
        .merge(crate::school_jobs::routes())
        .merge(crate::imports::routes::routes())
        .merge(crate::exports::routes::routes())
        .merge(crate::connectors::routes::routes())
        .merge(crate::livret::routes::routes())
        .merge(crate::rdvpermis::routes::routes())
}
