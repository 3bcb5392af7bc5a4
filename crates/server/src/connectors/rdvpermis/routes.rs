use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    auth::{Ctx, Permission},
    connectors::{ConnectorName, oauth},
    error::AppResult,
    http::json::ApiQuery,
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(authorize)).routes(routes!(callback))
}

/// Sends the admin's browser to RdvPermis's consent page (OAuth 2 authorization code, the scopes of
/// the regulation). 422 `connector_settings` until the address, client id and secret are saved.
#[utoipa::path(operation_id = "rdvpermis_authorize", get, path = "/connectors/rdvpermis/authorize", tag = "connectors",
    responses((status = 303, description = "To the platform's consent page", headers(("Location" = String))),
        (status = 401), (status = 403), (status = 422)))]
async fn authorize(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageConnectors).await?;
    let url = oauth::authorize_url(&mut work, &state, ctx.user_id.0, ConnectorName::Rdvpermis).await?;
    work.commit().await?;
    Ok(Redirect::to(&url).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub code: Option<String>,
    #[serde(default)]
    pub state: String,
    /// `access_denied` when the admin refused.
    pub error: Option<String>,
}

/// Where RdvPermis sends the admin back: the state is checked (this school, this person, within
/// 15 minutes), the code traded for tokens, the grant kept. Always back to the connectors page,
/// which says how it went (`/connecteurs?rdvpermis=connected|refused|expired|failed`).
#[utoipa::path(operation_id = "rdvpermis_callback", get, path = "/connectors/rdvpermis/callback", tag = "connectors",
    params(CallbackQuery),
    responses((status = 303, description = "Back to the connectors page", headers(("Location" = String))),
        (status = 400), (status = 401), (status = 403)))]
async fn callback(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<CallbackQuery>,
) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageConnectors).await?;
    let code = q.code.as_deref().filter(|_| q.error.is_none());
    let outcome = oauth::complete(&mut work, &state, ctx.user_id.0, ConnectorName::Rdvpermis, code, &q.state).await?;
    work.commit().await?;
    Ok(Redirect::to(&format!("/connecteurs?rdvpermis={}", outcome.as_str())).into_response())
}
