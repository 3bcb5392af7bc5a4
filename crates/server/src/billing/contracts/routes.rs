use axum::{
    Json,
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{Contract, NewAmendment, NewContract, SignRequest, SignatureCodeRequest, SignatureCodeSent, service};
use crate::{
    auth::{Ctx, Permission},
    error::AppResult,
    http::{created, json::JsonBody, path_id, pdf_response},
    state::AppState,
    students,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_contracts, generate))
        .routes(routes!(amend))
        .routes(routes!(get_contract))
        .merge(OpenApiRouter::with_openapi(PdfPath::openapi()))
        .routes(routes!(send_code))
        .routes(routes!(sign))
}

/// `/contracts/{id}.pdf` shares its segment with `/contracts/{id}`: `get_contract` answers both,
/// and this document describes the PDF's path.
#[derive(utoipa::OpenApi)]
#[openapi(paths(contract_pdf))]
struct PdfPath;

/// A student's training contract and amendments, oldest first.
#[utoipa::path(operation_id = "contracts_list", get, path = "/students/{id}/contracts", tag = "billing",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Contract>), (status = 401), (status = 403), (status = 404)))]
async fn list_contracts(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<Contract>>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let contracts = service::of_student(&mut work, id).await?;
    work.commit().await?;
    Ok(Json(contracts))
}

/// Makes the training contract to sign, from the start evaluation's estimate and the products
/// chosen (an unsigned copy is replaced). 422 `start_evaluation` without an evaluation,
/// `contract_signed` once signed, `guardian_required` for a minor without a guardian.
#[utoipa::path(operation_id = "contracts_create", post, path = "/students/{id}/contracts", tag = "billing",
    params(("id" = Uuid, Path)), request_body = NewContract,
    responses((status = 201, body = Contract), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn generate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageBilling).await?;
    students::service::visible(&mut work, id, false).await?;
    let contract = service::generate(&mut work, id, body.parse()?).await?;
    work.commit().await?;
    Ok(created(contract))
}

/// Makes an amendment to sign for driving time beyond the signed contract. 422 `no_contract`
/// before the contract is signed.
#[utoipa::path(operation_id = "contracts_amend", post, path = "/students/{id}/amendments", tag = "billing",
    params(("id" = Uuid, Path)), request_body = NewAmendment,
    responses((status = 201, body = Contract), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn amend(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>, body: JsonBody) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageBilling).await?;
    students::service::visible(&mut work, id, false).await?;
    let amendment = service::amend(&mut work, id, body.parse()?).await?;
    work.commit().await?;
    Ok(created(amendment))
}

/// One contract or amendment, with its signature's evidence once signed.
#[utoipa::path(operation_id = "contracts_get_one", get, path = "/contracts/{id}", tag = "billing",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Contract), (status = 401), (status = 403), (status = 404)))]
async fn get_contract(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    if let Some(id) = id.strip_suffix(".pdf") {
        return contract_pdf(State(state), ctx, Path(id.to_owned())).await;
    }
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let contract = service::visible(&mut work, id).await?;
    work.commit().await?;
    Ok(Json(contract).into_response())
}

/// The PDF: the copy to sign, or the signed copy with the evidence once signed.
#[utoipa::path(operation_id = "contracts_pdf", get, path = "/contracts/{id}.pdf", tag = "billing",
    params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401), (status = 403), (status = 404)))]
async fn contract_pdf(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let (name, pdf) = service::pdf(&mut work, id).await?;
    work.commit().await?;
    Ok(pdf_response(pdf, &name))
}

/// Sends the signer a one-time code (6 digits, valid 15 minutes) by e-mail or SMS; a new code
/// replaces the previous one, at most one a minute.
#[utoipa::path(operation_id = "contracts_send_code", post, path = "/contracts/{id}/signature-code", tag = "billing",
    params(("id" = Uuid, Path)), request_body = SignatureCodeRequest,
    responses((status = 201, body = SignatureCodeSent), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn send_code(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let keys = service::Keys::new(state.settings.secret_key.expose());
    let sms_enabled = state.settings.sms_url.as_deref().is_some_and(|u| !u.trim().is_empty());
    let mut work = ctx.begin(&state, Permission::SignContracts).await?;
    service::visible(&mut work, id).await?;
    let request: SignatureCodeRequest = body.parse()?;
    let sent = service::send_code(&mut work, &keys, id, request.channel, sms_enabled).await?;
    work.commit().await?;
    Ok(created(sent))
}

/// Signs with the code the signer received: the signed copy carries the evidence (signer, time,
/// IP, channel, the copy's SHA-256) and the server's seal, and joins the student's documents.
/// 422 `code_invalid` (the try is counted), `code_expired`, `code_exhausted`, `already_signed`.
#[utoipa::path(operation_id = "contracts_sign", post, path = "/contracts/{id}/sign", tag = "billing",
    params(("id" = Uuid, Path)), request_body = SignRequest,
    responses((status = 200, body = Contract), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Contract>> {
    let id: Uuid = path_id(&id)?;
    let keys = service::Keys::new(state.settings.secret_key.expose());
    let user_agent = ctx.meta.user_agent.clone();
    let mut work = ctx.begin(&state, Permission::SignContracts).await?;
    service::visible(&mut work, id).await?;
    let request: SignRequest = body.parse()?;
    let outcome = service::sign(&mut work, &keys, id, &request.code, user_agent.as_deref()).await?;
    // A wrong code counts against the code's tries: kept even though the answer is a refusal.
    work.commit().await?;
    outcome.map(Json).map_err(|refused| refused.0)
}
