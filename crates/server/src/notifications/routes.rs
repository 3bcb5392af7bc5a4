use axum::{
    Json,
    extract::{Path, State},
    response::{Html, IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    Notification, NotificationDelivery, repo,
    service::{self, NotificationPreferences, PreferencesUpdate},
};
use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::{
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        path_id,
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(unread_count))
        .routes(routes!(mark))
        .routes(routes!(read_all))
        .routes(routes!(preferences, update_preferences))
        .routes(routes!(deliveries))
        .routes(routes!(unsubscribe_page, unsubscribe))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only the unread ones.
    pub unread: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The caller's notifications in this school, newest first.
#[utoipa::path(get, path = "/notifications", operation_id = "notifications_list", tag = "notifications",
    params(ListQuery), responses((status = 200, body = Page<Notification>), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<Notification>>> {
    let limit = page::limit(q.limit)?;
    let after = page::decode_cursor(q.cursor.as_deref())?;
    let mut work = ctx.begin(&state, Permission::ReadNotifications).await?;
    let rows = repo::list(&mut work, ctx.tenant_id, ctx.user_id.0, q.unread.unwrap_or(false), after, limit).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |n| (n.created_at, n.id))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub count: i64,
}

/// How many of the caller's notifications are unread (the bell's badge).
#[utoipa::path(get, path = "/notifications/unread-count", operation_id = "notifications_unread_count",
    tag = "notifications", responses((status = 200, body = UnreadCount), (status = 401)))]
async fn unread_count(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<UnreadCount>> {
    let mut work = ctx.begin(&state, Permission::ReadNotifications).await?;
    let count = repo::unread_count(&mut work, ctx.tenant_id, ctx.user_id.0).await?;
    work.commit().await?;
    Ok(Json(UnreadCount { count }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    pub read: bool,
}

/// Marks one of the caller's notifications read or unread.
#[utoipa::path(patch, path = "/notifications/{id}", operation_id = "notifications_mark", tag = "notifications",
    params(("id" = uuid::Uuid, Path)), request_body = MarkRead,
    responses((status = 200, body = Notification), (status = 400), (status = 401), (status = 404)))]
async fn mark(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Notification>> {
    let id = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadNotifications).await?;
    // Someone else's notification is not found, whatever the body says.
    repo::own(&mut work, ctx.tenant_id, ctx.user_id.0, id).await?.ok_or(AppError::NotFound)?;
    let input: MarkRead = body.parse()?;
    let marked =
        repo::mark(&mut work, ctx.tenant_id, ctx.user_id.0, id, input.read).await?.ok_or(AppError::NotFound)?;
    work.commit().await?;
    Ok(Json(marked))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadAll {
    /// How many were unread.
    pub updated: u64,
}

/// Marks every notification of the caller read.
#[utoipa::path(post, path = "/notifications/read-all", operation_id = "notifications_read_all",
    tag = "notifications", responses((status = 200, body = ReadAll), (status = 401)))]
async fn read_all(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<ReadAll>> {
    let mut work = ctx.begin(&state, Permission::ReadNotifications).await?;
    let updated = repo::mark_all_read(&mut work, ctx.tenant_id, ctx.user_id.0).await?;
    work.commit().await?;
    Ok(Json(ReadAll { updated }))
}

/// The caller's choices: channels per event, quiet hours.
#[utoipa::path(get, path = "/me/notification-preferences", operation_id = "notification_preferences_get",
    tag = "notifications", responses((status = 200, body = NotificationPreferences), (status = 401)))]
async fn preferences(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<NotificationPreferences>> {
    let mut work = ctx.begin(&state, Permission::ReadNotifications).await?;
    let prefs = service::read(&mut work, ctx.tenant_id, ctx.user_id.0, ctx.role).await?;
    work.commit().await?;
    Ok(Json(prefs))
}

/// Keeps the caller's choices (with the `version` read; 412 when they changed meanwhile).
#[utoipa::path(put, path = "/me/notification-preferences", operation_id = "notification_preferences_put",
    tag = "notifications", request_body = PreferencesUpdate,
    responses((status = 200, body = NotificationPreferences), (status = 400), (status = 401), (status = 412)))]
async fn update_preferences(
    State(state): State<AppState>,
    ctx: Ctx,
    body: JsonBody,
) -> AppResult<Json<NotificationPreferences>> {
    let input: PreferencesUpdate = body.parse()?;
    let mut work = ctx.begin(&state, Permission::ReadNotifications).await?;
    let before = service::read(&mut work, ctx.tenant_id, ctx.user_id.0, ctx.role).await?;
    let after = service::update(&mut work, ctx.tenant_id, ctx.user_id.0, ctx.role, input).await?;
    work.audit().updated("notification_preferences", ctx.user_id.0, &before, &after).await?;
    work.commit().await?;
    Ok(Json(after))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// `queued`, `sent`, `failed` or `skipped`.
    #[param(inline)]
    pub status: Option<DeliveryStatus>,
    /// `email` or `sms`.
    #[param(inline)]
    pub channel: Option<DeliveryChannel>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Queued,
    Sent,
    Failed,
    Skipped,
}

#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryChannel {
    Email,
    Sms,
}

/// What was sent to whom, on which channel, and what became of it (ADMIN), newest first.
#[utoipa::path(get, path = "/notification-deliveries", operation_id = "notification_deliveries_list",
    tag = "notifications", params(DeliveryQuery),
    responses((status = 200, body = Page<NotificationDelivery>), (status = 400), (status = 401), (status = 403)))]
async fn deliveries(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<DeliveryQuery>,
) -> AppResult<Json<Page<NotificationDelivery>>> {
    let limit = page::limit(q.limit)?;
    let filter = repo::DeliveryFilter {
        status: q.status.map(|s| match s {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Skipped => "skipped",
        }),
        channel: q.channel.map(|c| match c {
            DeliveryChannel::Email => "email",
            DeliveryChannel::Sms => "sms",
        }),
        after: page::decode_cursor(q.cursor.as_deref())?,
        limit,
    };
    let mut work = ctx.begin(&state, Permission::ReadDeliveries).await?;
    let rows = repo::deliveries(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |d| (d.created_at, d.id))))
}

/// The page a mail's "unsubscribe" link opens: one button (a link alone must not unsubscribe,
/// mail scanners follow links).
#[utoipa::path(get, path = "/unsubscribe/{token}", operation_id = "unsubscribe_page", tag = "notifications",
    params(("token" = String, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 404)))]
async fn unsubscribe_page(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let signer = service::unsubscribe_signer(state.settings.secret_key.expose());
    service::read_unsubscribe_token(&signer, &token).ok_or(AppError::NotFound)?;
    Ok(Html(service::unsubscribe_form()).into_response())
}

/// One-click unsubscribe (RFC 8058): stops this kind of e-mail for the person; in-app stays.
#[utoipa::path(post, path = "/unsubscribe/{token}", operation_id = "unsubscribe", tag = "notifications",
    params(("token" = String, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 404)))]
async fn unsubscribe(State(state): State<AppState>, Path(token): Path<String>) -> AppResult<Response> {
    let signer = service::unsubscribe_signer(state.settings.secret_key.expose());
    let (tenant, user, event) = service::read_unsubscribe_token(&signer, &token).ok_or(AppError::NotFound)?;
    service::unsubscribe_by_token(&state.pool, tenant, user, event).await?;
    Ok(Html(service::unsubscribed_page()).into_response())
}
