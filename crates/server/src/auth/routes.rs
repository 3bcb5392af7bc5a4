use axum::{
    Json,
    extract::State,
    http::{StatusCode, header::SET_COOKIE},
    response::{AppendHeaders, IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    Ctx, RequestMeta,
    service::{self, Opened, SessionView},
    session,
};
use crate::{error::AppResult, http::json::ApiJson, state::AppState};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(switch_tenant))
        .routes(routes!(change_password))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
}

/// The session view with its cookie.
pub fn opened_response(state: &AppState, opened: Opened) -> Response {
    let cookie = session::set_cookie(&state.settings, &opened.cookie);
    (AppendHeaders([(SET_COOKIE, cookie)]), Json(opened.view)).into_response()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Opens a session. Unknown e-mail and wrong password get the same 401.
#[utoipa::path(operation_id = "auth_login", post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionView), (status = 400), (status = 401), (status = 429)))]
async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<LoginRequest>,
) -> AppResult<Response> {
    let opened = service::login(&state, &meta, &body.email, body.password).await?;
    Ok(opened_response(&state, opened))
}

/// Closes the current session.
#[utoipa::path(operation_id = "auth_logout", post, path = "/auth/logout", tag = "auth", responses((status = 204), (status = 401), (status = 403)))]
async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    service::logout(&state, &ctx).await?;
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(SET_COOKIE, session::clear_cookie(&state.settings))])).into_response())
}

/// The current person, school, role and CSRF token.
#[utoipa::path(operation_id = "auth_me", get, path = "/me", tag = "auth", responses((status = 200, body = SessionView), (status = 401)))]
async fn me(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<SessionView>> {
    Ok(Json(service::session_view(&state, ctx.user_id, ctx.tenant_id, ctx.role, ctx.csrf_token).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SwitchTenantRequest {
    pub tenant_id: Uuid,
}

/// Moves the session to another school of the same person (a new session id).
#[utoipa::path(operation_id = "auth_switch_tenant", post, path = "/auth/switch-tenant", tag = "auth", request_body = SwitchTenantRequest,
    responses((status = 200, body = SessionView), (status = 401), (status = 403), (status = 404)))]
async fn switch_tenant(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<SwitchTenantRequest>,
) -> AppResult<Response> {
    let opened = service::switch_tenant(&state, &ctx, body.tenant_id).await?;
    Ok(opened_response(&state, opened))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the password; the person's other sessions are closed.
#[utoipa::path(operation_id = "auth_change_password", post, path = "/auth/password/change", tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 400), (status = 401), (status = 403)))]
async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> AppResult<StatusCode> {
    service::change_password(&state, &ctx, body.current_password, body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPasswordRequest {
    pub email: String,
}

/// Mails a reset link if the address is known. Always 202: the answer reveals nothing.
#[utoipa::path(operation_id = "auth_forgot_password", post, path = "/auth/password/forgot", tag = "auth", request_body = ForgotPasswordRequest,
    responses((status = 202)))]
async fn forgot_password(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ForgotPasswordRequest>,
) -> AppResult<StatusCode> {
    service::forgot_password(&state, &body.email).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    pub token: String,
    pub password: String,
}

/// Sets a new password with the mailed single-use token (valid one hour).
#[utoipa::path(operation_id = "auth_reset_password", post, path = "/auth/password/reset", tag = "auth", request_body = ResetPasswordRequest,
    responses((status = 204), (status = 400)))]
async fn reset_password(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResetPasswordRequest>,
) -> AppResult<StatusCode> {
    service::reset_password(&state, &body.token, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
