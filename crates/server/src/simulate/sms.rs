//! A local SMS provider, speaking the API documented in [`crate::sms`]: `POST /v1/messages` and
//! `GET /v1/messages` behind a bearer token, E.164 and length checks, idempotency by key. Nothing
//! leaves the machine: messages are kept in memory and listed by `GET /v1/messages`.
//!
//! Outside the provider's API, for tests and demos (no token asked; bind it to 127.0.0.1):
//! - `POST /_faults {"fail_next": n, "status": 500, "delay_ms": 200, "block": ["+33612345678"]}`:
//!   the next `n` sends wait `delay_ms` (default 0) then answer `status` (default 500; 429 comes
//!   with `Retry-After: 1`; a 2xx status only delays a normal send); numbers in `block` are
//!   refused with `blocked_recipient` from then on. Every field is optional.
//! - `POST /_reset`: forgets messages, keys, faults and blocked numbers.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use anyhow::{Context, bail};
use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::{net::TcpListener, sync::Mutex, task::JoinHandle};
use uuid::Uuid;

/// The longest text accepted, in characters (about ten concatenated SMS).
pub const MAX_TEXT_CHARS: usize = 1600;

/// The simulator's state: shared by its handlers, in memory.
#[derive(Clone)]
pub struct SimState {
    token: Arc<str>,
    inner: Arc<Mutex<Inner>>,
}

impl SimState {
    pub fn new(token: impl Into<String>) -> SimState {
        SimState { token: Arc::from(token.into()), inner: Arc::default() }
    }
}

#[derive(Default)]
struct Inner {
    messages: Vec<SimulatedSms>,
    /// Idempotency key → the request it answered and the id of the message it created.
    keys: HashMap<String, (SendRequest, String)>,
    blocked: HashSet<String>,
    fail_next: u32,
    fail_status: Option<StatusCode>,
    fail_delay: Duration,
}

/// A message the simulator accepted.
#[derive(Clone, Debug, Serialize)]
pub struct SimulatedSms {
    pub id: String,
    pub to: String,
    pub from: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, PartialEq, Eq, Deserialize)]
struct SendRequest {
    to: String,
    from: String,
    text: String,
}

#[derive(Deserialize)]
struct FaultsRequest {
    #[serde(default)]
    fail_next: u32,
    status: Option<u16>,
    delay_ms: Option<u64>,
    #[serde(default)]
    block: Vec<String>,
}

/// The provider's routes and the fault-injection ones.
pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/v1/messages", post(send).get(list))
        .route("/_faults", post(faults))
        .route("/_reset", post(reset))
        .with_state(state)
}

/// Serves the simulator on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, token: String) -> anyhow::Result<()> {
    if token.trim().is_empty() {
        bail!("the SMS simulator needs a token");
    }
    axum::serve(listener, router(SimState::new(token))).await.context("SMS simulator")
}

/// A simulator running in this process, on 127.0.0.1 and a free port; it stops when dropped.
pub struct SmsSimulator {
    /// `http://127.0.0.1:{port}`: the base URL to give the gateway (`VOLANT_SMS_URL`).
    pub url: String,
    handle: JoinHandle<()>,
}

impl SmsSimulator {
    pub async fn start(token: impl Into<String>) -> anyhow::Result<SmsSimulator> {
        let token = token.into();
        if token.trim().is_empty() {
            bail!("the SMS simulator needs a token");
        }
        let listener = TcpListener::bind("127.0.0.1:0").await.context("SMS simulator: cannot bind")?;
        let url = format!("http://{}", listener.local_addr()?);
        let handle = tokio::spawn(async move {
            if let Err(e) = serve(listener, token).await {
                tracing::error!(error = %e, "SMS simulator stopped");
            }
        });
        Ok(SmsSimulator { url, handle })
    }
}

impl Drop for SmsSimulator {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": {"code": code, "message": message}}))).into_response()
}

fn authorized(state: &SimState, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == &*state.token)
}

fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, "unauthorized", "Missing or invalid bearer token.")
}

/// `+` then 8 to 15 digits, the first not zero.
fn is_e164(to: &str) -> bool {
    to.strip_prefix('+')
        .is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0'))
}

/// An alphanumeric sender id (1 to 11 letters, digits or spaces, one letter at least), or a number.
fn is_sender(from: &str) -> bool {
    let alphanumeric = (1..=11).contains(&from.len())
        && from.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && from.bytes().any(|b| b.is_ascii_alphabetic());
    alphanumeric || is_e164(from)
}

async fn send(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    let fault = {
        let mut inner = state.inner.lock().await;
        if inner.fail_next > 0 {
            inner.fail_next -= 1;
            Some((inner.fail_status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), inner.fail_delay))
        } else {
            None
        }
    };
    if let Some((status, delay)) = fault {
        tokio::time::sleep(delay).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            let body = json!({"error": {"code": "rate_limited", "message": "Too many requests."}});
            return (status, [(header::RETRY_AFTER, "1")], Json(body)).into_response();
        }
        if !status.is_success() {
            return error(status, "injected_fault", "Fault injected by /_faults.");
        }
    }
    let Ok(request) = serde_json::from_slice::<SendRequest>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "Expected a JSON body {to, from, text}.");
    };
    if !is_e164(&request.to) {
        return error(StatusCode::BAD_REQUEST, "invalid_number", "`to` must be an E.164 number.");
    }
    if !is_sender(&request.from) {
        return error(StatusCode::BAD_REQUEST, "invalid_sender", "`from` must be 1 to 11 letters or digits.");
    }
    let chars = request.text.chars().count();
    if chars == 0 {
        return error(StatusCode::BAD_REQUEST, "invalid_request", "`text` is empty.");
    }
    if chars > MAX_TEXT_CHARS {
        return error(StatusCode::BAD_REQUEST, "text_too_long", "`text` is longer than 1600 characters.");
    }
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).filter(|k| !k.is_empty());

    let mut inner = state.inner.lock().await;
    if let Some((first, id)) = key.and_then(|k| inner.keys.get(k)) {
        if *first != request {
            return error(
                StatusCode::BAD_REQUEST,
                "idempotency_key_reused",
                "This Idempotency-Key was used for another message.",
            );
        }
        return (StatusCode::OK, Json(json!({"id": id, "status": "accepted"}))).into_response();
    }
    if inner.blocked.contains(&request.to) {
        return error(StatusCode::BAD_REQUEST, "blocked_recipient", "The recipient has blocked messages.");
    }
    let id = format!("sim_{}", Uuid::now_v7().simple());
    if let Some(k) = key {
        inner.keys.insert(k.to_owned(), (request.clone(), id.clone()));
    }
    inner.messages.push(SimulatedSms {
        id: id.clone(),
        to: request.to,
        from: request.from,
        text: request.text,
        created_at: Utc::now(),
    });
    (StatusCode::CREATED, Json(json!({"id": id, "status": "accepted"}))).into_response()
}

async fn list(State(state): State<SimState>, headers: HeaderMap) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    let inner = state.inner.lock().await;
    Json(json!({"items": inner.messages})).into_response()
}

async fn faults(State(state): State<SimState>, Json(request): Json<FaultsRequest>) -> Response {
    let status = match request.status.map(StatusCode::from_u16) {
        None => None,
        Some(Ok(s)) if s.is_success() || s.is_client_error() || s.is_server_error() => Some(s),
        Some(_) => return error(StatusCode::BAD_REQUEST, "invalid_request", "`status` must be 2xx, 4xx or 5xx."),
    };
    let mut inner = state.inner.lock().await;
    inner.fail_next = request.fail_next;
    inner.fail_status = status;
    inner.fail_delay = Duration::from_millis(request.delay_ms.unwrap_or(0));
    inner.blocked.extend(request.block);
    StatusCode::NO_CONTENT.into_response()
}

async fn reset(State(state): State<SimState>) -> StatusCode {
    *state.inner.lock().await = Inner::default();
    StatusCode::NO_CONTENT
}
