use axum::{Json, extract::State};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::repo::{self, CaughtMail, CaughtSms};
use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::page::Page,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(mails)).routes(routes!(sms))
}

/// Mails caught by the demo (and dev) profile for this school's people, newest first.
/// 404 in staging and prod, where mail really leaves.
#[utoipa::path(operation_id = "demo_mails", get, path = "/demo/mails", tag = "demo",
    responses((status = 200, body = Page<CaughtMail>), (status = 401), (status = 403), (status = 404)))]
async fn mails(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Page<CaughtMail>>> {
    if !state.settings.profile.is_local() {
        return Err(AppError::NotFound);
    }
    let mut work = ctx.begin(&state, Permission::ReadDemoMails).await?;
    let items = repo::caught_mails(&mut work, ctx.tenant_id).await?;
    work.commit().await?;
    Ok(Json(Page { items, next_cursor: None }))
}

/// SMS the demo (and dev) profile sent for this school (to its SMS simulator), newest first.
/// 404 in staging and prod.
#[utoipa::path(operation_id = "demo_sms", get, path = "/demo/sms", tag = "demo",
    responses((status = 200, body = Page<CaughtSms>), (status = 401), (status = 403), (status = 404)))]
async fn sms(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Page<CaughtSms>>> {
    if !state.settings.profile.is_local() {
        return Err(AppError::NotFound);
    }
    let mut work = ctx.begin(&state, Permission::ReadDemoMails).await?;
    let items = repo::caught_sms(&mut work, ctx.tenant_id).await?;
    work.commit().await?;
    Ok(Json(Page { items, next_cursor: None }))
}
