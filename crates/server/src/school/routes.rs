use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{SchoolSettings, read, write};
use crate::{
    audit::Change,
    auth::{Ctx, Permission},
    error::AppResult,
    http::{json::JsonBody, patch},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings))
}

/// The school's settings and the `version` to send back with a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsView {
    #[serde(flatten)]
    pub settings: SchoolSettings,
    pub version: i32,
}

/// Every setting, whole, with the `version` read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SettingsUpdate {
    #[serde(flatten)]
    pub settings: SchoolSettings,
    pub version: i32,
}

/// The school's settings: notice and charging of late cancellations, the ANTS and booklet rules,
/// the exam delays, the booklet's level names, the alert thresholds.
#[utoipa::path(get, path = "/settings", operation_id = "settings_get", tag = "settings",
    responses((status = 200, body = SettingsView), (status = 401), (status = 403)))]
async fn get_settings(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<SettingsView>> {
    let mut work = ctx.begin(&state, Permission::ManageSettings).await?;
    let school = read(&mut work, ctx.tenant_id).await?;
    work.commit().await?;
    Ok(Json(SettingsView { settings: school.settings, version: school.version }))
}

/// Replaces the settings (all of them, with the `version` read; 412 when someone changed them
/// meanwhile), audited.
#[utoipa::path(put, path = "/settings", operation_id = "settings_put", tag = "settings", request_body = SettingsUpdate,
    responses((status = 200, body = SettingsView), (status = 400), (status = 401), (status = 403), (status = 412)))]
async fn put_settings(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Json<SettingsView>> {
    let mut work = ctx.begin(&state, Permission::ManageSettings).await?;
    let mut update: SettingsUpdate = body.parse()?;
    update.settings = update.settings.validate()?;
    let before = read(&mut work, ctx.tenant_id).await?;
    let before_view = SettingsView { settings: before.settings, version: before.version };
    patch::expect_version(Some(i64::from(update.version)), before_view.version, &before_view)?;
    let version = write(&mut work, ctx.tenant_id, &update.settings).await?;
    let after = SettingsView { settings: update.settings, version };
    let change = Change {
        action: "school.settings",
        entity: "tenant",
        entity_id: Some(ctx.tenant_id.0),
        before: Some(json!(before_view)),
        after: Some(json!(after)),
    };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok(Json(after))
}
