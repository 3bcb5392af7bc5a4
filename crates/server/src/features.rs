//! Every feature's routes, nested under `/api/v1`.

use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(crate::auth::routes::routes())
        .merge(crate::users::routes())
        .merge(crate::invitations::routes())
        .merge(crate::audit::routes::routes())
        .merge(crate::demo::routes::routes())
        .merge(crate::agencies::routes::routes())
        .merge(crate::instructors::routes::routes())
        .merge(crate::vehicles::routes::routes())
        .merge(crate::students::routes::routes())
        .merge(crate::planning::routes::routes())
        .merge(crate::booklet::routes::routes())
        .merge(crate::change_requests::routes::routes())
        .merge(crate::exams::routes::routes())
}
