//! A local card payment provider, speaking the part of Stripe's API documented in
//! [`crate::payments`]: Checkout Sessions behind a secret key, a hosted payment page, and
//! `checkout.session.completed` events sent to a webhook, signed like Stripe's
//! (`Stripe-Signature: t=…,v1=…`). Nothing leaves the machine and no card is charged.
//!
//! The provider's API (secret key as bearer token):
//! - `POST /v1/checkout/sessions` (form-encoded, the keys of [`crate::payments`] and no
//!   others): `mode=payment`, currency `eur`, `unit_amount` from 1 to 10 000 000 cents, quantity 1,
//!   `success_url` and `cancel_url` in http(s). The same `Idempotency-Key` with the same
//!   parameters answers the first session again; with other parameters, 400 `idempotency_error`.
//!   Errors are Stripe's: `{"error": {"type": "invalid_request_error", "param": "…", "message": "…"}}`.
//! - `GET /v1/checkout/sessions/{id}`: the session as it is now.
//!
//! The hosted payment page, for the payer's browser (in French, no external assets):
//! - `GET /pay/{id}`: the amount, the label and a card form, prefilled with a test card.
//! - `POST /pay/{id}` (form: `card_number`, `exp`, `cvc`): the card `4000 0000 0000 0002` is
//!   declined (the page again, status 402, with the reason in a `role="alert"`); any other
//!   well-formed card pays: the session completes, its event goes to the webhook, and the browser
//!   is sent (303) to `success_url`, `{CHECKOUT_SESSION_ID}` replaced by the session's id. A paid
//!   session says so and sends nothing more.
//!
//! A webhook is tried at most 3 times (after 200 ms, then 1 s) while it fails to connect or
//! answers other than 2xx.
//!
//! Outside the provider's API, for tests and demos (no key asked; bind it to 127.0.0.1):
//! - `POST /_simulator/sessions/{id}/pay`: pays as a good card would; answers
//!   `{"event_id": "evt_…", "delivered_status": 200}` (`null` when no webhook answered; a session
//!   already paid answers its first event, with `"already_paid": true`).
//! - `GET /_simulator/events`: `{"items": [{"id", "type", "payload", "signature",
//!   "delivered_status"}]}`, oldest first: the raw payload and its last signature header, to
//!   replay an event byte for byte.
//! - `POST /_simulator/webhook {"url": "http://…"}` (or `null`): where events go from now on.
//! - `POST /_simulator/reset`: forgets sessions, idempotency keys and events (the keys and the
//!   webhook URL stay).

use std::{
    collections::{BTreeMap, HashMap},
    net::SocketAddr,
    sync::Arc,
    time::Duration,
};

use anyhow::{Context, bail};
use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::Mutex, task::JoinHandle};
use uuid::Uuid;

use crate::payments::signature_header;

/// The largest amount a session may ask for, in cents (100 000 €).
pub const MAX_AMOUNT_CENTS: i64 = 10_000_000;
/// The test card the bank declines.
pub const DECLINED_CARD: &str = "4000000000000002";
/// The test card prefilled on the payment page.
pub const GOOD_CARD: &str = "4242 4242 4242 4242";
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// Waits before the 2nd and 3rd attempts of a webhook.
const RETRY_WAITS: [Duration; 2] = [Duration::from_millis(200), Duration::from_secs(1)];

const CURRENCY: &str = "line_items[0][price_data][currency]";
const UNIT_AMOUNT: &str = "line_items[0][price_data][unit_amount]";
const PRODUCT_NAME: &str = "line_items[0][price_data][product_data][name]";
const QUANTITY: &str = "line_items[0][quantity]";
const KNOWN_PARAMS: [&str; 10] = [
    "mode",
    "payment_method_types[0]",
    CURRENCY,
    UNIT_AMOUNT,
    PRODUCT_NAME,
    QUANTITY,
    "success_url",
    "cancel_url",
    "client_reference_id",
    "customer_email",
];

/// The simulator's state: shared by its handlers, in memory.
#[derive(Clone)]
pub struct SimState {
    /// `http://127.0.0.1:{port}`: the payment pages' base URL.
    base: Arc<str>,
    secret_key: Arc<str>,
    webhook_secret: Arc<str>,
    /// Where events go; set once the receiving app is bound, hence behind a lock of its own.
    webhook_url: Arc<std::sync::Mutex<Option<String>>>,
    http: reqwest::Client,
    inner: Arc<Mutex<Inner>>,
}

impl SimState {
    pub fn new(
        base: impl Into<String>,
        secret_key: impl Into<String>,
        webhook_secret: impl Into<String>,
        webhook_url: Option<String>,
    ) -> anyhow::Result<SimState> {
        let (secret_key, webhook_secret) = (secret_key.into(), webhook_secret.into());
        if secret_key.trim().is_empty() || webhook_secret.trim().is_empty() {
            bail!("the payment simulator needs a secret key and a webhook secret");
        }
        let http =
            reqwest::Client::builder().timeout(WEBHOOK_TIMEOUT).build().context("payment simulator: HTTP client")?;
        Ok(SimState {
            base: Arc::from(base.into().trim_end_matches('/')),
            secret_key: Arc::from(secret_key),
            webhook_secret: Arc::from(webhook_secret),
            webhook_url: Arc::new(std::sync::Mutex::new(webhook_url)),
            http,
            inner: Arc::default(),
        })
    }

    /// Where events go from now on (`None`: they are only kept).
    pub fn set_webhook_url(&self, url: Option<String>) {
        *self.webhook_url.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = url;
    }

    fn webhook_url(&self) -> Option<String> {
        self.webhook_url.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

#[derive(Default)]
struct Inner {
    sessions: HashMap<String, Session>,
    /// Idempotency key → the parameters it was first used with and the answer given.
    keys: HashMap<String, (HashMap<String, String>, Value)>,
    events: Vec<SimulatedEvent>,
}

struct Session {
    id: String,
    amount: i64,
    label: String,
    client_reference_id: Option<String>,
    metadata: BTreeMap<String, String>,
    success_url: String,
    cancel_url: String,
    customer_email: Option<String>,
    created: i64,
    paid: Option<Paid>,
}

struct Paid {
    payment_intent: String,
    event_id: String,
}

impl Session {
    /// The session as the API shows it.
    fn object(&self, base: &str) -> Value {
        let (status, payment_status) = if self.paid.is_some() { ("complete", "paid") } else { ("open", "unpaid") };
        json!({
            "id": self.id,
            "object": "checkout.session",
            "url": format!("{base}/pay/{}", self.id),
            "mode": "payment",
            "livemode": false,
            "created": self.created,
            "amount_total": self.amount,
            "amount_subtotal": self.amount,
            "currency": "eur",
            "status": status,
            "payment_status": payment_status,
            "payment_intent": self.paid.as_ref().map(|p| p.payment_intent.as_str()),
            "client_reference_id": self.client_reference_id,
            "metadata": self.metadata,
            "success_url": self.success_url,
            "cancel_url": self.cancel_url,
            "customer_email": self.customer_email,
        })
    }

    /// Where the payer goes once paid.
    fn success_location(&self) -> String {
        let url = self.success_url.replace("{CHECKOUT_SESSION_ID}", &self.id);
        // Checked as a URL when the session was created; serialising it escapes what a header cannot carry.
        reqwest::Url::parse(&url).map(String::from).unwrap_or(url)
    }
}

/// An event the simulator sent (or tried to).
#[derive(Clone, Debug, Serialize)]
pub struct SimulatedEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The raw JSON body, byte for byte.
    pub payload: String,
    /// The last `Stripe-Signature` header sent with it (or that would have been).
    pub signature: String,
    /// The HTTP status of the last answer, if any answered.
    pub delivered_status: Option<u16>,
}

#[derive(Deserialize)]
struct WebhookRequest {
    url: Option<String>,
}

/// The provider's routes, the payment pages and the controls.
pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .route("/v1/checkout/sessions/{id}", get(retrieve_session))
        .route("/pay/{id}", get(payment_page).post(pay_with_card))
        .route("/_simulator/sessions/{id}/pay", post(pay_control))
        .route("/_simulator/events", get(list_events))
        .route("/_simulator/webhook", post(set_webhook))
        .route("/_simulator/reset", post(reset))
        .with_state(state)
}

/// The base URL of a listener, as a browser on this machine reaches it.
fn base_url(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) if a.ip().is_unspecified() => format!("http://127.0.0.1:{}", a.port()),
        SocketAddr::V6(a) if a.ip().is_unspecified() => format!("http://[::1]:{}", a.port()),
        a => format!("http://{a}"),
    }
}

/// Serves the simulator on `listener` until the task is dropped.
pub async fn serve(
    listener: TcpListener,
    secret_key: String,
    webhook_secret: String,
    webhook_url: Option<String>,
) -> anyhow::Result<()> {
    let base = base_url(listener.local_addr()?);
    let state = SimState::new(base, secret_key, webhook_secret, webhook_url)?;
    axum::serve(listener, router(state)).await.context("payment simulator")
}

/// A simulator running in this process, on 127.0.0.1 and a free port; it stops when dropped.
pub struct PaymentsSimulator {
    /// `http://127.0.0.1:{port}`: the base URL to give the app (`VOLANT_PAYMENTS_URL`).
    pub url: String,
    state: SimState,
    handle: JoinHandle<()>,
}

impl PaymentsSimulator {
    pub async fn start(
        secret_key: impl Into<String>,
        webhook_secret: impl Into<String>,
    ) -> anyhow::Result<PaymentsSimulator> {
        let listener = TcpListener::bind("127.0.0.1:0").await.context("payment simulator: cannot bind")?;
        let url = base_url(listener.local_addr()?);
        let state = SimState::new(url.clone(), secret_key, webhook_secret, None)?;
        let app = router(state.clone());
        let handle = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "payment simulator stopped");
            }
        });
        Ok(PaymentsSimulator { url, state, handle })
    }

    /// Where completed payments are announced (the app's webhook, known once the app is bound).
    pub fn set_webhook_url(&self, url: impl Into<String>) {
        self.state.set_webhook_url(Some(url.into()));
    }
}

impl Drop for PaymentsSimulator {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

// ---- The provider's API ----

fn api_error(status: StatusCode, kind: &str, param: Option<&str>, message: &str) -> Response {
    let mut error = json!({"type": kind, "message": message});
    if let Some(param) = param {
        error["param"] = json!(param);
    }
    (status, Json(json!({"error": error}))).into_response()
}

fn invalid(param: &str, message: &str) -> Response {
    api_error(StatusCode::BAD_REQUEST, "invalid_request_error", Some(param), message)
}

fn authorized(state: &SimState, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|k| k == &*state.secret_key)
}

fn unauthorized() -> Response {
    api_error(StatusCode::UNAUTHORIZED, "invalid_request_error", None, "Invalid API Key provided")
}

fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", Uuid::new_v4().simple())
}

fn is_http_url(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// A parameter refused, and why.
struct Refusal {
    param: String,
    message: String,
}

fn refuse(param: &str, message: &str) -> Refusal {
    Refusal { param: param.to_owned(), message: message.to_owned() }
}

/// A session from the form's parameters, or the one refused and why.
fn session_from(form: &HashMap<String, String>) -> Result<Session, Refusal> {
    let mut metadata = BTreeMap::new();
    for (key, value) in form {
        if let Some(name) = key.strip_prefix("metadata[").and_then(|k| k.strip_suffix(']')) {
            if name.is_empty() || name.chars().count() > 40 || name.contains(['[', ']']) {
                return Err(refuse(key, "Metadata keys are 1 to 40 characters."));
            }
            if value.chars().count() > 500 {
                return Err(refuse(key, "Metadata values are at most 500 characters."));
            }
            metadata.insert(name.to_owned(), value.clone());
        } else if !KNOWN_PARAMS.contains(&key.as_str()) {
            return Err(refuse(key, &format!("Received unknown parameter: {key}")));
        }
    }
    if metadata.len() > 50 {
        return Err(refuse("metadata", "At most 50 metadata keys."));
    }
    let text = |key: &str| form.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let required = |key: &'static str| text(key).ok_or_else(|| refuse(key, &format!("Missing required param: {key}.")));

    if required("mode")? != "payment" {
        return Err(refuse("mode", "This simulator supports only mode=payment."));
    }
    if !required(CURRENCY)?.eq_ignore_ascii_case("eur") {
        return Err(refuse(CURRENCY, "This simulator supports only the currency eur."));
    }
    let amount = required(UNIT_AMOUNT)?;
    let amount = Some(amount)
        .filter(|a| a.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|a| a.parse::<i64>().ok())
        .ok_or_else(|| refuse(UNIT_AMOUNT, &format!("Invalid integer: {amount}")))?;
    if !(1..=MAX_AMOUNT_CENTS).contains(&amount) {
        return Err(refuse(UNIT_AMOUNT, &format!("The amount must be from 1 to {MAX_AMOUNT_CENTS} cents.")));
    }
    let label = required(PRODUCT_NAME)?;
    if required(QUANTITY)? != "1" {
        return Err(refuse(QUANTITY, "This simulator supports only a quantity of 1."));
    }
    let url = |key: &'static str| {
        let url = required(key)?;
        if is_http_url(url) { Ok(url.to_owned()) } else { Err(refuse(key, &format!("Not a valid URL: {url}"))) }
    };
    let (success_url, cancel_url) = (url("success_url")?, url("cancel_url")?);
    let customer_email = text("customer_email");
    if let Some(email) = customer_email {
        let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
        });
        if !well_formed {
            return Err(refuse("customer_email", &format!("Invalid email address: {email}")));
        }
    }
    let client_reference_id = text("client_reference_id");
    if client_reference_id.is_some_and(|c| c.chars().count() > 200) {
        return Err(refuse("client_reference_id", "client_reference_id is at most 200 characters."));
    }
    Ok(Session {
        id: new_id("cs_test"),
        amount,
        label: label.to_owned(),
        client_reference_id: client_reference_id.map(str::to_owned),
        metadata,
        success_url,
        cancel_url,
        customer_email: customer_email.map(str::to_owned),
        created: Utc::now().timestamp(),
        paid: None,
    })
}

async fn create_session(State(state): State<SimState>, headers: HeaderMap, body: Bytes) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            None,
            "Expected an application/x-www-form-urlencoded body.",
        );
    };
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).filter(|k| !k.is_empty());

    let mut inner = state.inner.lock().await;
    if let Some((first, answer)) = key.and_then(|k| inner.keys.get(k)) {
        if *first != form {
            let message = format!(
                "Keys for idempotent requests can only be used with the same parameters they were first used \
                 with. Try using a key other than '{}' if you meant to execute a different request.",
                key.unwrap_or_default()
            );
            return api_error(StatusCode::BAD_REQUEST, "idempotency_error", None, &message);
        }
        return Json(answer.clone()).into_response();
    }
    let session = match session_from(&form) {
        Ok(session) => session,
        Err(Refusal { param, message }) => return invalid(&param, &message),
    };
    let answer = session.object(&state.base);
    if let Some(k) = key {
        inner.keys.insert(k.to_owned(), (form, answer.clone()));
    }
    inner.sessions.insert(session.id.clone(), session);
    Json(answer).into_response()
}

async fn retrieve_session(State(state): State<SimState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    let inner = state.inner.lock().await;
    match inner.sessions.get(&id) {
        Some(session) => Json(session.object(&state.base)).into_response(),
        None => no_such_session(&id),
    }
}

fn no_such_session(id: &str) -> Response {
    api_error(StatusCode::NOT_FOUND, "invalid_request_error", Some("id"), &format!("No such checkout.session: '{id}'"))
}

// ---- Paying ----

enum Payment {
    Done { event_id: String, delivered_status: Option<u16>, already_paid: bool },
    UnknownSession,
}

/// Completes a session and announces it, once: a session already paid sends nothing more.
async fn complete(state: &SimState, id: &str) -> Payment {
    let (event_id, payload) = {
        let mut guard = state.inner.lock().await;
        let inner = &mut *guard;
        let Some(session) = inner.sessions.get_mut(id) else {
            return Payment::UnknownSession;
        };
        if let Some(paid) = &session.paid {
            let delivered_status = inner.events.iter().find(|e| e.id == paid.event_id).and_then(|e| e.delivered_status);
            return Payment::Done { event_id: paid.event_id.clone(), delivered_status, already_paid: true };
        }
        let event_id = new_id("evt");
        session.paid = Some(Paid { payment_intent: new_id("pi_test"), event_id: event_id.clone() });
        let created = Utc::now().timestamp();
        let payload = json!({
            "id": event_id,
            "object": "event",
            "type": "checkout.session.completed",
            "created": created,
            "livemode": false,
            "data": {"object": session.object(&state.base)},
        })
        .to_string();
        inner.events.push(SimulatedEvent {
            id: event_id.clone(),
            kind: "checkout.session.completed".into(),
            signature: signature_header(&state.webhook_secret, created, payload.as_bytes()),
            payload: payload.clone(),
            delivered_status: None,
        });
        (event_id, payload)
    };
    let delivered_status = match deliver(state, &payload).await {
        Some((signature, status)) => {
            let mut inner = state.inner.lock().await;
            if let Some(event) = inner.events.iter_mut().find(|e| e.id == event_id) {
                event.signature = signature;
                event.delivered_status = status;
            }
            status
        }
        None => None,
    };
    Payment::Done { event_id, delivered_status, already_paid: false }
}

/// Posts an event to the webhook, signed afresh at each attempt; `None` when there is no webhook,
/// else the last signature sent and the last status answered.
async fn deliver(state: &SimState, payload: &str) -> Option<(String, Option<u16>)> {
    let url = state.webhook_url()?;
    let (mut signature, mut status) = (String::new(), None);
    for attempt in 0..=RETRY_WAITS.len() {
        if let Some(wait) = attempt.checked_sub(1).and_then(|i| RETRY_WAITS.get(i)) {
            tokio::time::sleep(*wait).await;
        }
        signature = signature_header(&state.webhook_secret, Utc::now().timestamp(), payload.as_bytes());
        let sent = state
            .http
            .post(&url)
            .header("Stripe-Signature", &signature)
            .header(header::CONTENT_TYPE, "application/json")
            .body(payload.to_owned())
            .send()
            .await;
        match sent {
            Ok(answer) if answer.status().is_success() => return Some((signature, Some(answer.status().as_u16()))),
            Ok(answer) => {
                status = Some(answer.status().as_u16());
                tracing::warn!(attempt = attempt + 1, status = %answer.status(), "payment simulator: webhook refused");
            }
            Err(e) => tracing::warn!(attempt = attempt + 1, error = %e, "payment simulator: webhook unreachable"),
        }
    }
    Some((signature, status))
}

async fn pay_control(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    match complete(&state, &id).await {
        Payment::UnknownSession => no_such_session(&id),
        Payment::Done { event_id, delivered_status, already_paid } => {
            let mut answer = json!({"event_id": event_id, "delivered_status": delivered_status});
            if already_paid {
                answer["already_paid"] = json!(true);
            }
            Json(answer).into_response()
        }
    }
}

async fn list_events(State(state): State<SimState>) -> Response {
    let inner = state.inner.lock().await;
    Json(json!({"items": inner.events})).into_response()
}

async fn set_webhook(State(state): State<SimState>, Json(request): Json<WebhookRequest>) -> Response {
    if let Some(url) = request.url.as_deref().filter(|u| !is_http_url(u)) {
        return invalid("url", &format!("Not a valid URL: {url}"));
    }
    state.set_webhook_url(request.url);
    StatusCode::NO_CONTENT.into_response()
}

async fn reset(State(state): State<SimState>) -> StatusCode {
    *state.inner.lock().await = Inner::default();
    StatusCode::NO_CONTENT
}

// ---- The hosted payment page ----

/// What the payer typed, and what was wrong with it.
#[derive(Default)]
struct CardForm {
    card_number: String,
    exp: String,
    cvc: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Card,
    Exp,
    Cvc,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "*{box-sizing:border-box}\
body{margin:0;font:1rem/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:#111827;background:#f3f4f6}\
.top{background:#1e3a8a;color:#fff;padding:.75rem 1rem}\
.top h1{margin:0 auto;max-width:28rem;font-size:1.125rem}\
main{max-width:28rem;margin:0 auto;padding:1.25rem 1rem 2rem}\
.panel{background:#fff;border:1px solid #d1d5db;border-radius:.75rem;padding:1.25rem}\
.label{margin:0;color:#374151}\
.amount{margin:.25rem 0 0;font-size:2rem;font-weight:700;overflow-wrap:anywhere}\
label{display:block;font-weight:600;margin:1rem 0 .25rem}\
input{width:100%;font:inherit;padding:.625rem .75rem;color:#111827;background:#fff;border:1px solid #6b7280;border-radius:.5rem}\
input[aria-invalid=true]{border:2px solid #b91c1c}\
.row{display:flex;gap:1rem}.row>div{flex:1;min-width:0}\
button{width:100%;margin-top:1.5rem;padding:.75rem 1rem;font:inherit;font-weight:700;color:#fff;background:#1d4ed8;border:0;border-radius:.5rem;cursor:pointer}\
button:hover{background:#1e40af}\
a{color:#1d4ed8}\
:focus-visible{outline:3px solid #b45309;outline-offset:2px}\
.alert{margin:1rem 0 0;padding:.75rem 1rem;border-left:4px solid #b91c1c;background:#fef2f2;color:#7f1d1d}\
.hint,.note{margin:.25rem 0 0;font-size:.875rem;color:#4b5563}\
.cancel{margin:1.25rem 0 0;text-align:center}\
@media (max-width:340px){.row{flex-direction:column;gap:0}}";

/// A whole page: our header, then `body` in `<main>`.
fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header class=\"top\"><h1>Paiement sécurisé — simulateur</h1></header>\n\
         <main>\n{body}\n</main>\n</body>\n</html>\n",
        title = escape(title),
    );
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn not_found_page() -> Response {
    html_page(
        StatusCode::NOT_FOUND,
        "Paiement introuvable — simulateur",
        "<div class=\"panel\"><p>Cette page de paiement n'existe pas ou a expiré.</p></div>",
    )
}

fn already_paid_page(session: &Session) -> Response {
    let body = format!(
        "<div class=\"panel\"><p>Ce paiement a déjà été effectué.</p>\
         <p><a href=\"{}\">Revenir au site</a></p></div>",
        escape(&session.success_location())
    );
    html_page(StatusCode::OK, "Paiement déjà effectué — simulateur", &body)
}

/// The card form, with what was typed and the reason of a refusal, if any.
fn card_page(status: StatusCode, session: &Session, form: &CardForm, error: Option<(Field, &str)>) -> Response {
    let amount = volant_domain::billing::euros(session.amount);
    let input = |field: Field, id: &str, value: &str, attrs: &str, hint: Option<&str>| {
        let invalid = error.is_some_and(|(f, _)| f == field);
        let hint_id = format!("{id}-hint");
        let mut described = vec![];
        if invalid {
            described.push("error");
        }
        if hint.is_some() {
            described.push(hint_id.as_str());
        }
        let described =
            if described.is_empty() { String::new() } else { format!(" aria-describedby=\"{}\"", described.join(" ")) };
        let hint = hint.map(|h| format!("<p class=\"hint\" id=\"{hint_id}\">{h}</p>")).unwrap_or_default();
        format!(
            "<input id=\"{id}\" name=\"{id}\" value=\"{value}\" {attrs} required{invalid}{described}>{hint}",
            value = escape(value),
            invalid = if invalid { " aria-invalid=\"true\"" } else { "" },
        )
    };
    let alert = error
        .map(|(_, message)| format!("<p class=\"alert\" id=\"error\" role=\"alert\">{}</p>", escape(message)))
        .unwrap_or_default();
    let body = format!(
        "<div class=\"panel\">\n\
         <p class=\"label\">{label}</p>\n\
         <p class=\"amount\">{amount}</p>\n\
         {alert}\n\
         <form method=\"post\" action=\"/pay/{id}\">\n\
         <label for=\"card_number\">Numéro de carte</label>\n{card}\n\
         <div class=\"row\">\n\
         <div><label for=\"exp\">Expiration</label>\n{exp}</div>\n\
         <div><label for=\"cvc\">Cryptogramme</label>\n{cvc}</div>\n\
         </div>\n\
         <button type=\"submit\">Payer {amount}</button>\n\
         </form>\n\
         <p class=\"cancel\"><a href=\"{cancel}\">Annuler et revenir</a></p>\n\
         </div>\n\
         <p class=\"note\">Simulateur local : aucune carte réelle n'est débitée.</p>",
        label = escape(&session.label),
        amount = escape(&amount),
        id = escape(&session.id),
        card = input(
            Field::Card,
            "card_number",
            &form.card_number,
            "inputmode=\"numeric\" autocomplete=\"cc-number\"",
            Some("Cartes de test : 4242 4242 4242 4242 acceptée, 4000 0000 0000 0002 refusée."),
        ),
        exp = input(Field::Exp, "exp", &form.exp, "autocomplete=\"cc-exp\"", Some("Format MM/AA.")),
        cvc = input(Field::Cvc, "cvc", &form.cvc, "inputmode=\"numeric\" autocomplete=\"cc-csc\"", None),
        cancel = escape(&session.cancel_url),
    );
    let title = match error {
        Some(_) => format!("Erreur : payer {amount} — simulateur"),
        None => format!("Payer {amount} — simulateur"),
    };
    html_page(status, &title, &body)
}

async fn payment_page(State(state): State<SimState>, Path(id): Path<String>) -> Response {
    let inner = state.inner.lock().await;
    match inner.sessions.get(&id) {
        None => not_found_page(),
        Some(session) if session.paid.is_some() => already_paid_page(session),
        Some(session) => {
            let form = CardForm { card_number: GOOD_CARD.into(), exp: "12/30".into(), cvc: "123".into() };
            card_page(StatusCode::OK, session, &form, None)
        }
    }
}

/// What is wrong with a card's details, in French; `None` when they can be sent to the bank.
fn card_problem(form: &CardForm) -> Option<(Field, &'static str)> {
    let digits: String = form.card_number.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some((Field::Card, "Numéro de carte invalide : saisissez les 12 à 19 chiffres de la carte."));
    }
    let exp = form.exp.replace(' ', "");
    let month = exp.split_once('/').and_then(|(m, y)| {
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (all_digits(m) && all_digits(y) && m.len() <= 2 && y.len() == 2).then(|| m.parse::<u8>().ok()).flatten()
    });
    if !month.is_some_and(|m| (1..=12).contains(&m)) {
        return Some((Field::Exp, "Date d'expiration invalide : saisissez le mois et l'année, par exemple 12/30."));
    }
    let cvc = form.cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Some((Field::Cvc, "Cryptogramme invalide : saisissez les 3 ou 4 chiffres au dos de la carte."));
    }
    if digits == DECLINED_CARD {
        return Some((Field::Card, "Paiement refusé par la banque (carte de test refusée)."));
    }
    None
}

async fn pay_with_card(State(state): State<SimState>, Path(id): Path<String>, body: Bytes) -> Response {
    let fields = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body).unwrap_or_default();
    let field = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let form = CardForm { card_number: field("card_number"), exp: field("exp"), cvc: field("cvc") };
    {
        let inner = state.inner.lock().await;
        let Some(session) = inner.sessions.get(&id) else {
            return not_found_page();
        };
        if session.paid.is_some() {
            return already_paid_page(session);
        }
        if let Some((field, message)) = card_problem(&form) {
            let status = if message.starts_with("Paiement refusé") {
                StatusCode::PAYMENT_REQUIRED
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return card_page(status, session, &form, Some((field, message)));
        }
    }
    match complete(&state, &id).await {
        Payment::UnknownSession => not_found_page(),
        Payment::Done { .. } => {
            let inner = state.inner.lock().await;
            let Some(session) = inner.sessions.get(&id) else {
                return not_found_page();
            };
            let location = session.success_location();
            match HeaderValue::from_str(&location) {
                Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
                Err(_) => already_paid_page(session),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        config::Secret,
        payments::{self as provider, CheckoutRequest, PaymentProvider},
    };

    const KEY: &str = "sk_test_simulator";
    const WHSEC: &str = "whsec_simulator";

    /// A webhook endpoint that records what it receives and answers the statuses it is given
    /// (then 200).
    #[derive(Clone, Default)]
    struct Receiver {
        received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
        statuses: Arc<Mutex<Vec<u16>>>,
    }

    impl Receiver {
        async fn start(statuses: Vec<u16>) -> (Receiver, String, JoinHandle<()>) {
            let receiver = Receiver { received: Arc::default(), statuses: Arc::new(Mutex::new(statuses)) };
            let app = Router::new()
                .route(
                    "/api/v1/webhooks/payments/stripe",
                    post(|State(r): State<Receiver>, headers: HeaderMap, body: Bytes| async move {
                        r.received.lock().await.push((headers, body));
                        let mut statuses = r.statuses.lock().await;
                        let status = if statuses.is_empty() { 200 } else { statuses.remove(0) };
                        StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
                    }),
                )
                .with_state(receiver.clone());
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/api/v1/webhooks/payments/stripe", listener.local_addr().unwrap());
            let handle = tokio::spawn(async move {
                axum::serve(listener, app).await.unwrap();
            });
            (receiver, url, handle)
        }

        async fn received(&self) -> Vec<(HeaderMap, Bytes)> {
            self.received.lock().await.clone()
        }
    }

    struct Opened {
        session: provider::CheckoutSession,
        checkout_id: Uuid,
        tenant_id: Uuid,
    }

    async fn open(sim: &PaymentsSimulator, amount_cents: i64) -> Opened {
        let provider =
            PaymentProvider::new(Some(sim.url.as_str()), Some(&Secret::new(KEY)), Some(&Secret::new(WHSEC))).unwrap();
        let (checkout_id, tenant_id) = (Uuid::new_v4(), Uuid::new_v4());
        let session = provider
            .create_checkout(&CheckoutRequest {
                checkout_id,
                tenant_id,
                amount_cents,
                label: "Facture F2026-000001",
                success_url: "https://ecole.example/paiement/fini?session={CHECKOUT_SESSION_ID}",
                cancel_url: "https://ecole.example/paiement/annule",
                customer_email: Some("eleve@example.com"),
            })
            .await
            .unwrap();
        Opened { session, checkout_id, tenant_id }
    }

    fn client() -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    async fn events(sim: &PaymentsSimulator) -> Vec<Value> {
        let answer: Value =
            client().get(format!("{}/_simulator/events", sim.url)).send().await.unwrap().json().await.unwrap();
        answer["items"].as_array().unwrap().clone()
    }

    async fn pay(sim: &PaymentsSimulator, id: &str) -> Value {
        let answer = client().post(format!("{}/_simulator/sessions/{id}/pay", sim.url)).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        answer.json().await.unwrap()
    }

    #[tokio::test]
    async fn a_paid_session_sends_one_signed_event_and_only_one() {
        let sim = PaymentsSimulator::start(KEY, WHSEC).await.unwrap();
        let opened = open(&sim, 123_456).await;
        assert!(opened.session.id.starts_with("cs_test_"));
        assert_eq!(opened.session.url, format!("{}/pay/{}", sim.url, opened.session.id));
        assert_eq!(opened.session.amount_total, 123_456);

        let (receiver, webhook, _server) = Receiver::start(vec![]).await;
        sim.set_webhook_url(&webhook);
        let paid = pay(&sim, &opened.session.id).await;
        assert_eq!(paid["delivered_status"], 200);

        let received = receiver.received().await;
        assert_eq!(received.len(), 1);
        let (headers, body) = &received[0];
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        let signature = headers["stripe-signature"].to_str().unwrap();
        assert_eq!(provider::verify(WHSEC, signature, body, Utc::now().timestamp()), Ok(()));
        assert_eq!(
            provider::verify("whsec_other", signature, body, Utc::now().timestamp()),
            Err(provider::SignatureError::Mismatch)
        );

        // The product's own reading of the event.
        let event: provider::Event = serde_json::from_slice(body).unwrap();
        assert_eq!(event.id, paid["event_id"]);
        assert_eq!(event.kind, "checkout.session.completed");
        assert_eq!(event.data.object.id, opened.session.id);
        assert_eq!(event.data.object.amount_total, Some(123_456));
        assert_eq!(event.data.object.currency.as_deref(), Some("eur"));
        assert_eq!(event.data.object.payment_status.as_deref(), Some("paid"));
        assert_eq!(event.data.object.metadata["tenant_id"], opened.tenant_id.to_string());
        assert_eq!(event.data.object.metadata["checkout_id"], opened.checkout_id.to_string());
        let raw: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(raw["object"], "event");
        assert_eq!(raw["livemode"], false);
        assert_eq!(raw["data"]["object"]["status"], "complete");
        assert_eq!(raw["data"]["object"]["client_reference_id"], opened.checkout_id.to_string());
        assert_eq!(raw["data"]["object"]["customer_email"], "eleve@example.com");

        // Paying again sends nothing and names the first event.
        let again = pay(&sim, &opened.session.id).await;
        assert_eq!(again["event_id"], paid["event_id"]);
        assert_eq!(again["already_paid"], true);
        assert_eq!(receiver.received().await.len(), 1);

        // The event, as kept for a replay, is what was sent, byte for byte.
        let kept = events(&sim).await;
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0]["id"], paid["event_id"]);
        assert_eq!(kept[0]["type"], "checkout.session.completed");
        assert_eq!(kept[0]["payload"].as_str().unwrap().as_bytes(), &body[..]);
        assert_eq!(kept[0]["signature"], signature);
        assert_eq!(kept[0]["delivered_status"], 200);

        // The page now says it is paid, and the API shows the session complete.
        let page = client().get(&opened.session.url).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        assert!(page.contains("Ce paiement a déjà été effectué."));
        assert!(page.contains(&format!("https://ecole.example/paiement/fini?session={}", opened.session.id)));
        let session: Value = client()
            .get(format!("{}/v1/checkout/sessions/{}", sim.url, opened.session.id))
            .bearer_auth(KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(session["payment_status"], "paid");
        assert!(session["payment_intent"].as_str().unwrap().starts_with("pi_test_"));

        // Reset forgets it all.
        let reset = client().post(format!("{}/_simulator/reset", sim.url)).send().await.unwrap();
        assert_eq!(reset.status(), 204);
        assert!(events(&sim).await.is_empty());
        assert_eq!(client().get(&opened.session.url).send().await.unwrap().status(), 404);
    }

    #[tokio::test]
    async fn a_bad_api_key_is_refused() {
        let sim = PaymentsSimulator::start(KEY, WHSEC).await.unwrap();
        let answer = client()
            .post(format!("{}/v1/checkout/sessions", sim.url))
            .bearer_auth("sk_test_wrong")
            .form(&[("mode", "payment")])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body, json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}));
        let no_key = client().post(format!("{}/v1/checkout/sessions", sim.url)).send().await.unwrap();
        assert_eq!(no_key.status(), 401);

        let provider = PaymentProvider::new(
            Some(sim.url.as_str()),
            Some(&Secret::new("sk_test_wrong")),
            Some(&Secret::new(WHSEC)),
        )
        .unwrap();
        let refused = provider
            .create_checkout(&CheckoutRequest {
                checkout_id: Uuid::new_v4(),
                tenant_id: Uuid::new_v4(),
                amount_cents: 100,
                label: "Facture",
                success_url: "https://ecole.example/ok",
                cancel_url: "https://ecole.example/ko",
                customer_email: None,
            })
            .await;
        assert!(refused.is_err());
    }

    #[tokio::test]
    async fn a_declined_card_shows_the_reason_and_sends_nothing_then_a_good_card_pays() {
        let sim = PaymentsSimulator::start(KEY, WHSEC).await.unwrap();
        let opened = open(&sim, 123_456).await;
        let (receiver, webhook, _server) = Receiver::start(vec![]).await;
        sim.set_webhook_url(webhook);

        let page = client().get(&opened.session.url).send().await.unwrap();
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        let page = page.text().await.unwrap();
        for expected in [
            "<html lang=\"fr\">",
            "<title>",
            "Paiement sécurisé — simulateur",
            "Facture F2026-000001",
            "1\u{202f}234,56\u{a0}€",
            "<label for=\"card_number\">Numéro de carte</label>",
            "value=\"4242 4242 4242 4242\"",
            "<label for=\"exp\">Expiration</label>",
            "value=\"12/30\"",
            "<label for=\"cvc\">Cryptogramme</label>",
            "value=\"123\"",
            "Payer 1\u{202f}234,56\u{a0}€</button>",
            "<a href=\"https://ecole.example/paiement/annule\">Annuler et revenir</a>",
        ] {
            assert!(page.contains(expected), "{expected} missing from the page");
        }
        assert!(!page.contains("role=\"alert\""));

        let url = format!("{}/pay/{}", sim.url, opened.session.id);
        let declined = client()
            .post(&url)
            .form(&[("card_number", "4000 0000 0000 0002"), ("exp", "12/30"), ("cvc", "123")])
            .send()
            .await
            .unwrap();
        assert_eq!(declined.status(), 402);
        let declined = declined.text().await.unwrap();
        assert!(declined.contains(
            "<p class=\"alert\" id=\"error\" role=\"alert\">Paiement refusé par la banque (carte de test refusée).</p>"
        ));
        assert!(declined.contains("value=\"4000 0000 0000 0002\""));
        assert!(declined.contains("aria-invalid=\"true\""));
        assert!(receiver.received().await.is_empty());
        assert!(events(&sim).await.is_empty());

        let malformed = client()
            .post(&url)
            .form(&[("card_number", "4242"), ("exp", "12/30"), ("cvc", "123")])
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), 422);
        assert!(malformed.text().await.unwrap().contains("role=\"alert\">Numéro de carte invalide"));

        let paid = client()
            .post(&url)
            .form(&[("card_number", "4242424242424242"), ("exp", "12/30"), ("cvc", "123")])
            .send()
            .await
            .unwrap();
        assert_eq!(paid.status(), 303);
        assert_eq!(
            paid.headers()[header::LOCATION],
            format!("https://ecole.example/paiement/fini?session={}", opened.session.id).as_str()
        );
        assert_eq!(receiver.received().await.len(), 1);

        // A second submission (a double click) sends nothing more.
        let twice = client()
            .post(&url)
            .form(&[("card_number", "4242424242424242"), ("exp", "12/30"), ("cvc", "123")])
            .send()
            .await
            .unwrap();
        assert!(twice.text().await.unwrap().contains("Ce paiement a déjà été effectué."));
        assert_eq!(receiver.received().await.len(), 1);
        assert_eq!(events(&sim).await.len(), 1);
    }

    #[tokio::test]
    async fn a_failing_webhook_is_tried_again_then_given_up() {
        let sim = PaymentsSimulator::start(KEY, WHSEC).await.unwrap();
        let (receiver, webhook, _server) = Receiver::start(vec![500]).await;
        sim.set_webhook_url(webhook);
        let opened = open(&sim, 5_000).await;
        let paid = pay(&sim, &opened.session.id).await;
        assert_eq!(paid["delivered_status"], 200);
        let received = receiver.received().await;
        assert_eq!(received.len(), 2);
        assert_eq!(received[0].1, received[1].1);

        let (receiver, webhook, _server) = Receiver::start(vec![503, 503, 503, 503]).await;
        sim.set_webhook_url(webhook);
        let opened = open(&sim, 5_000).await;
        let paid = pay(&sim, &opened.session.id).await;
        assert_eq!(paid["delivered_status"], 503);
        assert_eq!(receiver.received().await.len(), 3);

        // Nobody listening: the event is kept, signed, for a later replay.
        sim.state.set_webhook_url(None);
        let opened = open(&sim, 5_000).await;
        let paid = pay(&sim, &opened.session.id).await;
        assert_eq!(paid["delivered_status"], Value::Null);
        let kept = events(&sim).await;
        assert_eq!(kept.len(), 3);
        let last = &kept[2];
        let (payload, signature) = (last["payload"].as_str().unwrap(), last["signature"].as_str().unwrap());
        assert_eq!(provider::verify(WHSEC, signature, payload.as_bytes(), Utc::now().timestamp()), Ok(()));
    }

    #[tokio::test]
    async fn sessions_are_checked_and_idempotent() {
        let sim = PaymentsSimulator::start(KEY, WHSEC).await.unwrap();
        let base = [
            ("mode", "payment"),
            (CURRENCY, "eur"),
            (UNIT_AMOUNT, "2500"),
            (PRODUCT_NAME, "Acompte"),
            (QUANTITY, "1"),
            ("success_url", "http://127.0.0.1:1/ok"),
            ("cancel_url", "http://127.0.0.1:1/ko"),
            ("metadata[checkout_id]", "c1"),
        ];
        let create = |form: Vec<(&'static str, &'static str)>, key: Option<&'static str>| {
            let mut request = client().post(format!("{}/v1/checkout/sessions", sim.url)).bearer_auth(KEY).form(&form);
            if let Some(key) = key {
                request = request.header("Idempotency-Key", key);
            }
            async move {
                let answer = request.send().await.unwrap();
                (answer.status().as_u16(), answer.json::<Value>().await.unwrap())
            }
        };
        let with = |key: &'static str, value: &'static str| {
            let mut form: Vec<_> = base.iter().copied().filter(|(k, _)| *k != key).collect();
            form.push((key, value));
            form
        };

        let (status, first) = create(base.to_vec(), Some("k1")).await;
        assert_eq!(status, 200);
        assert_eq!(first["status"], "open");
        assert_eq!(first["payment_status"], "unpaid");
        assert_eq!(first["metadata"], json!({"checkout_id": "c1"}));
        assert_eq!(first["client_reference_id"], Value::Null);
        let (status, again) = create(base.to_vec(), Some("k1")).await;
        assert_eq!((status, &again), (200, &first));
        let (status, other) = create(with(UNIT_AMOUNT, "2600"), Some("k1")).await;
        assert_eq!(status, 400);
        assert_eq!(other["error"]["type"], "idempotency_error");
        let (_, fresh) = create(base.to_vec(), None).await;
        assert_ne!(fresh["id"], first["id"]);

        for (form, param) in [
            (with("mode", "subscription"), "mode"),
            (with(CURRENCY, "usd"), CURRENCY),
            (with(UNIT_AMOUNT, "0"), UNIT_AMOUNT),
            (with(UNIT_AMOUNT, "-5"), UNIT_AMOUNT),
            (with(UNIT_AMOUNT, "12.5"), UNIT_AMOUNT),
            (with(UNIT_AMOUNT, "10000001"), UNIT_AMOUNT),
            (with(QUANTITY, "2"), QUANTITY),
            (with("success_url", ""), "success_url"),
            (with("cancel_url", "javascript:alert(1)"), "cancel_url"),
            (with("customer_email", "pas un email"), "customer_email"),
            (with("line_items[1][quantity]", "1"), "line_items[1][quantity]"),
            (base.iter().copied().filter(|(k, _)| *k != PRODUCT_NAME).collect(), PRODUCT_NAME),
        ] {
            let (status, answer) = create(form, None).await;
            assert_eq!(status, 400, "{param}");
            assert_eq!(answer["error"]["type"], "invalid_request_error", "{param}");
            assert_eq!(answer["error"]["param"], param);
        }
        let (status, _) = create(with(UNIT_AMOUNT, "10000000"), None).await;
        assert_eq!(status, 200);

        let unknown = client().get(format!("{}/pay/cs_test_nope", sim.url)).send().await.unwrap();
        assert_eq!(unknown.status(), 404);
        assert!(unknown.text().await.unwrap().contains("lang=\"fr\""));
        let unknown = client().post(format!("{}/_simulator/sessions/cs_test_nope/pay", sim.url)).send().await.unwrap();
        assert_eq!(unknown.status(), 404);
    }

    #[test]
    fn text_is_escaped_in_the_page() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
