use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header::SET_COOKIE},
    response::{AppendHeaders, IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    Ctx, Permission, RequestMeta, account, cookie_value,
    passkeys::PasskeyItem,
    service::{self, LoginOutcome, Opened, SessionView},
    session::{self, SessionItem},
    two_factor::{self, RecoveryCodes, TotpSetup},
};
use crate::{
    error::AppResult,
    http::{
        json::{ApiJson, JsonBody},
        path_id,
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(switch_tenant))
        .routes(routes!(switch_child))
        .routes(routes!(change_password))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .routes(routes!(login_second_factor))
        .routes(routes!(begin_totp_setup))
        .routes(routes!(confirm_totp))
        .routes(routes!(disable_two_factor))
        .routes(routes!(my_sessions, revoke_other_sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(passkey_options))
        .routes(routes!(my_passkeys, add_passkey))
        .routes(routes!(remove_passkey))
        .routes(routes!(passkey_login_options))
        .routes(routes!(login_with_passkey))
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

/// A right password with 2FA on: no session yet, a pending login in an HttpOnly cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorRequired {
    /// Always true: send a code to `POST /auth/login/2fa` within five minutes.
    pub two_factor_required: bool,
}

/// The answer of a login: the session, or the second step to take.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum LoginAnswer {
    Session(Box<SessionView>),
    SecondFactor(SecondFactorRequired),
}

/// Opens a session, or with 2FA on answers `{two_factor_required: true}` and no session until
/// `POST /auth/login/2fa`. Unknown e-mail and wrong password get the same 401.
#[utoipa::path(operation_id = "auth_login", post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginAnswer), (status = 400), (status = 401), (status = 429)))]
async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<LoginRequest>,
) -> AppResult<Response> {
    match service::login(&state, &meta, &body.email, body.password).await? {
        LoginOutcome::Opened(opened) => Ok(opened_response(&state, *opened)),
        LoginOutcome::SecondFactorRequired { challenge } => Ok(second_factor_response(&state, &challenge)),
    }
}

/// `{two_factor_required: true}` with the pending login's cookie.
pub fn second_factor_response(state: &AppState, challenge: &str) -> Response {
    let cookie = two_factor::challenge_cookie(&state.settings, Some(challenge));
    let body = SecondFactorRequired { two_factor_required: true };
    (AppendHeaders([(SET_COOKIE, cookie)]), Json(body)).into_response()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodeRequest {
    /// The 6 digits of the authenticator app, or a recovery code.
    pub code: String,
}

/// The second step of a login with 2FA on: a code of the authenticator app or a recovery code
/// (each usable once). Wrong codes count in the login limits.
#[utoipa::path(operation_id = "auth_login_second_factor", post, path = "/auth/login/2fa", tag = "auth", request_body = CodeRequest,
    responses((status = 200, body = SessionView), (status = 400), (status = 401), (status = 429)))]
async fn login_second_factor(
    State(state): State<AppState>,
    meta: RequestMeta,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CodeRequest>,
) -> AppResult<Response> {
    let challenge = cookie_value(&headers, two_factor::CHALLENGE_COOKIE);
    let opened = service::login_second_factor(&state, &meta, challenge.as_deref(), &body.code).await?;
    let mut response = opened_response(&state, opened);
    response.headers_mut().append(SET_COOKIE, two_factor::challenge_cookie(&state.settings, None));
    Ok(response)
}

/// Starts turning 2FA on: a new secret and its QR code, to confirm with a first code.
#[utoipa::path(operation_id = "me_totp_setup", post, path = "/me/2fa/totp", tag = "auth",
    responses((status = 200, body = TotpSetup), (status = 401), (status = 403), (status = 409)))]
async fn begin_totp_setup(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<TotpSetup>> {
    Ok(Json(account::begin_totp_setup(&state, &ctx).await?))
}

/// Turns 2FA on with a first code of the app; answers 10 recovery codes, shown this once.
#[utoipa::path(operation_id = "me_totp_confirm", post, path = "/me/2fa/totp/confirm", tag = "auth", request_body = CodeRequest,
    responses((status = 200, body = RecoveryCodes), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn confirm_totp(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<CodeRequest>,
) -> AppResult<Json<RecoveryCodes>> {
    Ok(Json(account::confirm_totp(&state, &ctx, &body.code).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DisableTwoFactorRequest {
    pub password: String,
    /// A code of the app, or a recovery code.
    pub code: String,
}

/// Turns 2FA off, with the password and a code.
#[utoipa::path(operation_id = "me_two_factor_disable", delete, path = "/me/2fa", tag = "auth", request_body = DisableTwoFactorRequest,
    responses((status = 204), (status = 400), (status = 401), (status = 403), (status = 422), (status = 429)))]
async fn disable_two_factor(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<DisableTwoFactorRequest>,
) -> AppResult<StatusCode> {
    account::disable_two_factor(&state, &ctx, body.password, &body.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<SessionItem>,
}

/// The person's live sessions in every school (device, address, last use), this one first.
#[utoipa::path(operation_id = "me_sessions_list", get, path = "/me/sessions", tag = "auth",
    responses((status = 200, body = SessionList), (status = 401)))]
async fn my_sessions(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<SessionList>> {
    Ok(Json(SessionList { items: account::sessions(&state, &ctx).await? }))
}

/// Closes every session of the person but this one.
#[utoipa::path(operation_id = "me_sessions_revoke_others", delete, path = "/me/sessions", tag = "auth",
    responses((status = 204), (status = 401), (status = 403)))]
async fn revoke_other_sessions(State(state): State<AppState>, ctx: Ctx) -> AppResult<StatusCode> {
    account::revoke_other_sessions(&state, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes one of the person's sessions; it stops working at its next request.
#[utoipa::path(operation_id = "me_sessions_revoke", delete, path = "/me/sessions/{id}", tag = "auth",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn revoke_session(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<StatusCode> {
    account::revoke_session(&state, &ctx, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
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
    Ok(Json(service::session_view(&state, ctx.user_id, ctx.tenant_id, ctx.role, ctx.csrf_token, ctx.child).await?))
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
#[serde(deny_unknown_fields)]
pub struct SwitchChildRequest {
    pub student_id: Uuid,
}

/// A guardian follows another of their children (siblings): the pages then show that child's
/// planning, hours, booklet, exams and invoices. GUARDIAN only; 404 for a student they do not
/// follow.
#[utoipa::path(operation_id = "auth_switch_child", post, path = "/auth/switch-child", tag = "auth", request_body = SwitchChildRequest,
    responses((status = 200, body = SessionView), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn switch_child(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Json<SessionView>> {
    ctx.require(Permission::FollowChildren)?;
    let body: SwitchChildRequest = body.parse()?;
    Ok(Json(service::switch_child(&state, &ctx, body.student_id).await?))
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

/// The start of a WebAuthn ceremony: what to pass to the browser, and its name to send back.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasskeyCeremony {
    /// Single-use, valid five minutes.
    pub ceremony: String,
    /// `{publicKey: …}` for `navigator.credentials.create` or `.get` (WebAuthn's JSON form).
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
}

/// Starts adding a passkey to the account.
#[utoipa::path(operation_id = "me_passkeys_options", post, path = "/me/passkeys/options", tag = "auth",
    responses((status = 200, body = PasskeyCeremony), (status = 401), (status = 403)))]
async fn passkey_options(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<PasskeyCeremony>> {
    let (options, ceremony) = account::start_passkey_registration(&state, &ctx).await?;
    Ok(Json(PasskeyCeremony { ceremony, options }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPasskey {
    pub ceremony: String,
    /// The name the person gives it ("Téléphone").
    pub name: String,
    /// `PublicKeyCredential.toJSON()` of the created credential.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// Adds the passkey the browser created.
#[utoipa::path(operation_id = "me_passkeys_add", post, path = "/me/passkeys", tag = "auth", request_body = NewPasskey,
    responses((status = 201, body = PasskeyItem), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn add_passkey(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewPasskey>,
) -> AppResult<Response> {
    let item = account::add_passkey(&state, &ctx, &body.ceremony, &body.name, body.credential).await?;
    Ok((StatusCode::CREATED, Json(item)).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasskeyList {
    pub items: Vec<PasskeyItem>,
}

/// The person's passkeys.
#[utoipa::path(operation_id = "me_passkeys_list", get, path = "/me/passkeys", tag = "auth",
    responses((status = 200, body = PasskeyList), (status = 401)))]
async fn my_passkeys(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<PasskeyList>> {
    Ok(Json(PasskeyList { items: account::passkey_list(&state, &ctx).await? }))
}

/// Removes a passkey from the account.
#[utoipa::path(operation_id = "me_passkeys_remove", delete, path = "/me/passkeys/{id}", tag = "auth",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn remove_passkey(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<StatusCode> {
    account::remove_passkey(&state, &ctx, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts a password-less login with a passkey (the browser offers the person's keys).
#[utoipa::path(operation_id = "auth_passkey_options", post, path = "/auth/passkey/options", tag = "auth",
    responses((status = 200, body = PasskeyCeremony)))]
async fn passkey_login_options(State(state): State<AppState>) -> AppResult<Json<PasskeyCeremony>> {
    let (options, ceremony) = service::start_passkey_login(&state).await?;
    Ok(Json(PasskeyCeremony { ceremony, options }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasskeyLogin {
    pub ceremony: String,
    /// `PublicKeyCredential.toJSON()` of the assertion.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// Opens a session with a passkey: a session with a second factor.
#[utoipa::path(operation_id = "auth_login_with_passkey", post, path = "/auth/passkey", tag = "auth", request_body = PasskeyLogin,
    responses((status = 200, body = SessionView), (status = 400), (status = 401), (status = 422), (status = 429)))]
async fn login_with_passkey(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<PasskeyLogin>,
) -> AppResult<Response> {
    let opened = service::login_with_passkey(&state, &meta, &body.ceremony, body.credential).await?;
    Ok(opened_response(&state, opened))
}
