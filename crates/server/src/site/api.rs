//! The office's side of the public site: the registrations it received (the prospects and where
//! they came from), and a preview of the site with settings not saved yet.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{Page, data, pages};
use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::{
        json::{ApiQuery, JsonBody},
        page::{self, Page as ListPage},
    },
    school::{SchoolSettings, SiteSettings},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_registrations)).routes(routes!(preview))
}

/// A registration received on the public site.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct SiteRegistration {
    pub id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    /// The file's status now (`prospect` until the office converts it).
    pub student_status: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub message: Option<String>,
    /// When the visitor gave their consent (the registration's time).
    pub consented_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The registrations received on the school's public site, newest first (the office).
#[utoipa::path(operation_id = "site_registrations_list", get, path = "/site-registrations", tag = "site",
    params(RegistrationQuery),
    responses((status = 200, body = ListPage<SiteRegistration>), (status = 400), (status = 401), (status = 403)))]
async fn list_registrations(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<RegistrationQuery>,
) -> AppResult<Json<ListPage<SiteRegistration>>> {
    let limit = page::limit(q.limit)?;
    let before: Option<DateTime<Utc>> = page::decode_cursor(q.cursor.as_deref())?;
    let mut work = ctx.begin(&state, Permission::ManageStudents).await?;
    let rows: Vec<SiteRegistration> = sqlx::query_as(
        "SELECT r.id, r.student_id, s.first_name || ' ' || s.last_name AS student_name, s.status AS student_status,
                s.email, s.phone, r.message, r.consented_at
           FROM site_registrations r JOIN students s ON s.tenant_id = r.tenant_id AND s.id = r.student_id
          WHERE r.tenant_id = $1 AND ($2::timestamptz IS NULL OR r.consented_at < $2)
          ORDER BY r.consented_at DESC LIMIT $3",
    )
    .bind(ctx.tenant_id.0)
    .bind(before)
    .bind(limit + 1)
    .fetch_all(&mut *work)
    .await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |r| r.consented_at)))
}

/// The home page of the school's site as it would look with these site settings, not saved
/// (ADMIN): the settings page shows it while the texts are typed.
#[utoipa::path(operation_id = "site_preview", post, path = "/site-preview", tag = "site", request_body = SiteSettings,
    responses((status = 200, content_type = "text/html", body = String), (status = 400), (status = 401), (status = 403)))]
async fn preview(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageSettings).await?;
    let site: SiteSettings = body.parse()?;
    let settings = SchoolSettings { site, ..work.settings().clone() }.validate()?;
    let slug: String = sqlx::query_scalar("SELECT slug FROM tenants WHERE id = $1")
        .bind(ctx.tenant_id.0)
        .fetch_one(&mut *work)
        .await?;
    let base = format!("{}/sites/{slug}", state.public_url);
    let site = data(&mut work, ctx.tenant_id, base, &settings).await.map_err(AppError::Internal)?;
    work.commit().await?;
    let mut response = pages::render(&site, Page::Home).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Ok(response)
}
