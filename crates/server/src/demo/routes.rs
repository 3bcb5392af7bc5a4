use axum::{Json, extract::State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::page::Page,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(mails))
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct CaughtMail {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: DateTime<Utc>,
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
    let items: Vec<CaughtMail> = sqlx::query_as(
        "SELECT d.id, d.to_address AS to, d.subject, d.body_text, d.created_at FROM demo_mails d
          WHERE d.tenant_id = $1
             OR (d.tenant_id IS NULL AND d.to_address IN (
                   SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1))
          ORDER BY d.created_at DESC LIMIT 200",
    )
    .bind(ctx.tenant_id.0)
    .fetch_all(&mut *work)
    .await?;
    work.commit().await?;
    Ok(Json(Page { items, next_cursor: None }))
}
