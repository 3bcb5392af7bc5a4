//! A local ANTS, speaking the API documented in [`crate::connectors::ants`] (no public ANTS API
//! exists for schools: this is the shape Volant's adapter is written against). Client credentials
//! give a bearer token; a school files a dossier with its documents, reads it back, and completes
//! an incomplete one.
//!
//! The instruction is deterministic: each time the school reads a dossier, it moves one step —
//! `submitted` → `in_review` → a decision: `incomplete` naming every required document that is
//! missing, expired or unreadable (the regulation's list: ID, e-photo, proof of address under 6
//! months, ASSR2 under 21, JDC under 25, the guardian's ID for a minor), else `validated` with a
//! NEPH. A completed dossier goes back to `submitted`.
//!
//! Outside the platform's API, for tests and demos (bind it to 127.0.0.1):
//! - `POST /_simulator/faults {"fail_next": n, "kind": …, "delay_ms": …}`: the next `n` calls
//!   meet the fault: `server_error` (500) and `rate_limit` (429 with `Retry-After: 1`) on any call;
//!   `invalid_credentials` on the token endpoint (401 `invalid_client`; the tokens given so far die:
//!   401 `invalid_token`); on the dossier API, `slow`
//!   (the call is carried out, then answered after `delay_ms`) and `expired_token` (401
//!   `token_expired`: the token is dead, a new one works). `fail_next: 0` disarms.
//! - `POST /_simulator/dossiers/{id}/decide {"status", "reasons": [{"document", "message"}], "neph"}`.
//! - `GET /_simulator/dossiers`: every dossier with the number of filings received.
//! - `POST /_simulator/reset`.

use std::{collections::HashMap, sync::Arc, time::Duration};

use anyhow::{Context, bail};
use axum::{
    Form, Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::{net::TcpListener, sync::Mutex, task::JoinHandle};
use uuid::Uuid;
use volant_domain::{
    ants::{AntsDossierStatus, AntsReason},
    documents::{CheckStatus, DocumentKind, Held, checklist},
};

use crate::students::documents::sniff;

#[derive(Clone)]
pub struct SimState {
    client_id: Arc<str>,
    client_secret: Arc<str>,
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    tokens: HashMap<String, bool>,
    dossiers: Vec<SimDossier>,
    /// Idempotency key → the dossier it filed or completed.
    keys: HashMap<String, String>,
    fault: Option<(FaultKind, u32, Duration)>,
    issued_nephs: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum FaultKind {
    ServerError,
    RateLimit,
    Slow,
    ExpiredToken,
    InvalidCredentials,
}

/// A dossier as the platform holds it.
#[derive(Clone, Debug, Serialize)]
pub struct SimDossier {
    pub id: String,
    pub reference: String,
    pub status: AntsDossierStatus,
    pub reasons: Vec<AntsReason>,
    pub neph: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// How many filings (first or completion) it received: a retried call adds none.
    pub filings: u32,
    #[serde(skip)]
    birth_date: NaiveDate,
    #[serde(skip)]
    documents: Vec<FiledDocument>,
}

#[derive(Clone, Debug, Deserialize)]
struct Applicant {
    birth_date: NaiveDate,
}

#[derive(Clone, Debug, Deserialize)]
struct FiledDocument {
    kind: DocumentKind,
    issued_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
    content_base64: String,
}

#[derive(Deserialize)]
struct Filing {
    reference: String,
    applicant: Applicant,
    documents: Vec<FiledDocument>,
}

#[derive(Deserialize)]
struct Completion {
    documents: Vec<FiledDocument>,
}

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: String,
    client_id: String,
    client_secret: String,
}

#[derive(Deserialize)]
struct FaultsRequest {
    fail_next: u32,
    kind: FaultKind,
    #[serde(default)]
    delay_ms: u64,
}

#[derive(Deserialize)]
struct Decision {
    status: AntsDossierStatus,
    #[serde(default)]
    reasons: Vec<AntsReason>,
    neph: Option<String>,
}

pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/v1/organisation", get(organisation))
        .route("/v1/dossiers", post(file))
        .route("/v1/dossiers/{id}", get(read))
        .route("/v1/dossiers/{id}/documents", post(complete))
        .route("/_simulator/faults", post(faults))
        .route("/_simulator/dossiers", get(list))
        .route("/_simulator/dossiers/{id}/decide", post(decide))
        .route("/_simulator/reset", post(reset))
        .with_state(state)
}

pub async fn serve(listener: TcpListener, client_id: String, client_secret: String) -> anyhow::Result<()> {
    if client_id.trim().is_empty() || client_secret.trim().is_empty() {
        bail!("the ANTS simulator needs a client id and a client secret");
    }
    let state =
        SimState { client_id: Arc::from(client_id), client_secret: Arc::from(client_secret), inner: Arc::default() };
    axum::serve(listener, router(state)).await.context("ANTS simulator")
}

/// A simulator running in this process, on 127.0.0.1 and a free port; it stops when dropped.
pub struct AntsSimulator {
    pub url: String,
    handle: JoinHandle<()>,
}

impl AntsSimulator {
    pub async fn start(client_id: String, client_secret: String) -> anyhow::Result<AntsSimulator> {
        let listener = TcpListener::bind("127.0.0.1:0").await.context("ANTS simulator: cannot bind")?;
        let url = format!("http://{}", listener.local_addr()?);
        let handle = tokio::spawn(async move {
            if let Err(e) = serve(listener, client_id, client_secret).await {
                tracing::error!(error = %e, "ANTS simulator stopped");
            }
        });
        Ok(AntsSimulator { url, handle })
    }
}

impl Drop for AntsSimulator {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": code, "error_description": message}))).into_response()
}

impl FaultKind {
    /// A platform in trouble fails every call; credentials fail at the token endpoint; a slow
    /// answer and an expired token concern the dossier API.
    fn strikes(self, token_endpoint: bool) -> bool {
        match self {
            FaultKind::ServerError | FaultKind::RateLimit => true,
            FaultKind::InvalidCredentials => token_endpoint,
            FaultKind::Slow | FaultKind::ExpiredToken => !token_endpoint,
        }
    }
}

/// The fault the next call meets, if one is armed for it (and counts it).
async fn next_fault(state: &SimState, token_endpoint: bool) -> Option<(FaultKind, Duration)> {
    let mut inner = state.inner.lock().await;
    let (kind, left, delay) = inner.fault?;
    if !kind.strikes(token_endpoint) {
        return None;
    }
    inner.fault = (left > 1).then_some((kind, left - 1, delay));
    Some((kind, delay))
}

/// The answer of a fault that stops the call (a slow call is carried out, then delayed).
fn stopping(kind: FaultKind) -> Option<Response> {
    match kind {
        FaultKind::ServerError => {
            Some(error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "Erreur interne (simulée)."))
        }
        FaultKind::RateLimit => {
            let body =
                json!({"error": "rate_limited", "error_description": "Trop de requêtes : réessayez dans une seconde."});
            Some((StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")], Json(body)).into_response())
        }
        _ => None,
    }
}

async fn token(State(state): State<SimState>, Form(form): Form<TokenRequest>) -> Response {
    let fault = next_fault(&state, true).await;
    if let Some(stop) = fault.and_then(|(kind, _)| stopping(kind)) {
        return stop;
    }
    if fault.is_some()
        || form.grant_type != "client_credentials"
        || form.client_id != *state.client_id
        || form.client_secret != *state.client_secret
    {
        return error(StatusCode::UNAUTHORIZED, "invalid_client", "Client inconnu ou secret erroné.");
    }
    let access_token = Uuid::new_v4().simple().to_string();
    state.inner.lock().await.tokens.insert(access_token.clone(), true);
    Json(json!({"access_token": access_token, "token_type": "Bearer", "expires_in": 3600})).into_response()
}

/// Checks the bearer token and the armed fault; `Ok(delay)` lets the call through.
async fn gate(state: &SimState, headers: &HeaderMap) -> Result<Duration, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let fault = next_fault(state, false).await;
    if let Some(stop) = fault.and_then(|(kind, _)| stopping(kind)) {
        return Err(stop);
    }
    let mut inner = state.inner.lock().await;
    if fault.is_some_and(|(kind, _)| kind == FaultKind::ExpiredToken) {
        inner.tokens.insert(token.clone(), false);
    }
    match inner.tokens.get(&token) {
        Some(true) => Ok(fault.filter(|(kind, _)| *kind == FaultKind::Slow).map(|(_, d)| d).unwrap_or_default()),
        Some(false) => Err(error(StatusCode::UNAUTHORIZED, "token_expired", "Le jeton d'accès a expiré.")),
        None => Err(error(StatusCode::UNAUTHORIZED, "invalid_token", "Jeton d'accès absent ou inconnu.")),
    }
}

/// Answers after `delay` (the work is already done: a client that gave up finds it on retry).
async fn later(delay: Duration, response: Response) -> Response {
    tokio::time::sleep(delay).await;
    response
}

async fn organisation(State(state): State<SimState>, headers: HeaderMap) -> Response {
    match gate(&state, &headers).await {
        Ok(delay) => later(delay, Json(json!({"id": *state.client_id, "name": "Auto-école"})).into_response()).await,
        Err(refused) => refused,
    }
}

fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

async fn file(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    let delay = match gate(&state, &headers).await {
        Ok(delay) => delay,
        Err(refused) => return refused,
    };
    let Some(key) = idempotency_key(&headers) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "L'en-tête Idempotency-Key est obligatoire.");
    };
    let Ok(filing) = serde_json::from_slice::<Filing>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "Corps attendu : {reference, applicant, documents}.");
    };
    let mut inner = state.inner.lock().await;
    if let Some(id) = inner.keys.get(&key).cloned()
        && let Some(seen) = inner.dossiers.iter().find(|d| d.id == id)
    {
        let answer = (StatusCode::OK, Json(seen.clone())).into_response();
        drop(inner);
        return later(delay, answer).await;
    }
    let dossier = SimDossier {
        id: format!("ANTS-{}", Uuid::new_v4().simple().to_string()[..10].to_uppercase()),
        reference: filing.reference,
        status: AntsDossierStatus::Submitted,
        reasons: vec![],
        neph: None,
        updated_at: Utc::now(),
        filings: 1,
        birth_date: filing.applicant.birth_date,
        documents: filing.documents,
    };
    inner.keys.insert(key, dossier.id.clone());
    inner.dossiers.push(dossier.clone());
    drop(inner);
    later(delay, (StatusCode::CREATED, Json(dossier)).into_response()).await
}

async fn read(State(state): State<SimState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let delay = match gate(&state, &headers).await {
        Ok(delay) => delay,
        Err(refused) => return refused,
    };
    let mut inner = state.inner.lock().await;
    let neph = format!("{:012}", 260_000_000_000u64 + inner.issued_nephs + 1);
    let Some(dossier) = inner.dossiers.iter_mut().find(|d| d.id == id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "Dossier inconnu.");
    };
    let issued = instruct_one_step(dossier, neph);
    let answer = Json(dossier.clone()).into_response();
    if issued {
        inner.issued_nephs += 1;
    }
    drop(inner);
    later(delay, answer).await
}

/// Moves a dossier one step; returns whether it gave the NEPH.
fn instruct_one_step(dossier: &mut SimDossier, neph: String) -> bool {
    let next = match dossier.status {
        AntsDossierStatus::Submitted => AntsDossierStatus::InReview,
        AntsDossierStatus::InReview => {
            dossier.reasons = what_is_wrong(dossier.birth_date, &dossier.documents);
            if dossier.reasons.is_empty() { AntsDossierStatus::Validated } else { AntsDossierStatus::Incomplete }
        }
        _ => return false,
    };
    dossier.status = next;
    dossier.updated_at = Utc::now();
    if next == AntsDossierStatus::Validated {
        dossier.neph = Some(neph);
        return true;
    }
    false
}

/// What an instructor at the platform finds wrong: every required document missing, expired or
/// unreadable (not a PDF, JPEG or PNG).
fn what_is_wrong(birth: NaiveDate, documents: &[FiledDocument]) -> Vec<AntsReason> {
    let today = Utc::now().date_naive();
    let held: Vec<Held> =
        documents.iter().map(|d| Held { kind: d.kind, issued_on: d.issued_on, expires_on: d.expires_on }).collect();
    let mut reasons: Vec<AntsReason> = checklist(birth, today, &held)
        .into_iter()
        .filter(|item| item.kind != DocumentKind::Contract)
        .filter_map(|item| {
            let message = match item.status {
                CheckStatus::Missing => "pièce manquante",
                CheckStatus::Expired => "pièce périmée",
                _ => return None,
            };
            Some(AntsReason { document: Some(item.kind), message: message.into() })
        })
        .collect();
    for d in documents {
        let readable = STANDARD.decode(&d.content_base64).ok().is_some_and(|bytes| sniff(&bytes).is_some());
        if !readable {
            reasons.push(AntsReason { document: Some(d.kind), message: "pièce illisible".into() });
        }
    }
    reasons
}

async fn complete(State(state): State<SimState>, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let delay = match gate(&state, &headers).await {
        Ok(delay) => delay,
        Err(refused) => return refused,
    };
    let Some(key) = idempotency_key(&headers) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "L'en-tête Idempotency-Key est obligatoire.");
    };
    let Ok(completion) = serde_json::from_slice::<Completion>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "Corps attendu : {documents}.");
    };
    let mut inner = state.inner.lock().await;
    let seen = inner.keys.get(&key).is_some_and(|d| *d == id);
    let Some(dossier) = inner.dossiers.iter_mut().find(|d| d.id == id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "Dossier inconnu.");
    };
    if !seen {
        if dossier.status != AntsDossierStatus::Incomplete {
            return error(StatusCode::CONFLICT, "not_incomplete", "seul un dossier incomplet peut être complété.");
        }
        for doc in completion.documents {
            dossier.documents.retain(|d| d.kind != doc.kind);
            dossier.documents.push(doc);
        }
        dossier.status = AntsDossierStatus::Submitted;
        dossier.reasons.clear();
        dossier.filings += 1;
        dossier.updated_at = Utc::now();
    }
    let answer = Json(dossier.clone()).into_response();
    inner.keys.insert(key, id);
    drop(inner);
    later(delay, answer).await
}

async fn faults(State(state): State<SimState>, Json(request): Json<FaultsRequest>) -> StatusCode {
    let delay = Duration::from_millis(request.delay_ms);
    let mut inner = state.inner.lock().await;
    if request.kind == FaultKind::InvalidCredentials && request.fail_next > 0 {
        // Credentials withdrawn: the tokens they gave die with them.
        inner.tokens.clear();
    }
    inner.fault = (request.fail_next > 0).then_some((request.kind, request.fail_next, delay));
    StatusCode::NO_CONTENT
}

async fn list(State(state): State<SimState>) -> Response {
    Json(json!({"items": state.inner.lock().await.dossiers})).into_response()
}

async fn decide(State(state): State<SimState>, Path(id): Path<String>, Json(decision): Json<Decision>) -> Response {
    let mut inner = state.inner.lock().await;
    let Some(dossier) = inner.dossiers.iter_mut().find(|d| d.id == id) else {
        return error(StatusCode::NOT_FOUND, "not_found", "Dossier inconnu.");
    };
    dossier.status = decision.status;
    dossier.reasons = decision.reasons;
    dossier.neph = decision.neph.or(dossier.neph.take());
    dossier.updated_at = Utc::now();
    Json(dossier.clone()).into_response()
}

async fn reset(State(state): State<SimState>) -> StatusCode {
    *state.inner.lock().await = Inner::default();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: DocumentKind, content: &[u8]) -> FiledDocument {
        FiledDocument { kind, issued_on: None, expires_on: None, content_base64: STANDARD.encode(content) }
    }

    #[test]
    fn an_adult_without_proof_of_address_is_incomplete_and_an_unreadable_scan_is_named() {
        let birth = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let docs = [doc(DocumentKind::IdCard, b"%PDF-1.7"), doc(DocumentKind::PhotoSignature, b"not an image")];
        let reasons = what_is_wrong(birth, &docs);
        let named: Vec<_> = reasons.iter().map(|r| (r.document, r.message.as_str())).collect();
        assert_eq!(
            named,
            [
                (Some(DocumentKind::ProofOfAddress), "pièce manquante"),
                (Some(DocumentKind::PhotoSignature), "pièce illisible"),
            ]
        );
    }
}
