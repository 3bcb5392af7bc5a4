//! A local RdvPermis / digital-livret editor API (the ministry's API for software editors,
//! `domain/regulation-fr.md` § ANTS and RdvPermis), as documented in
//! [`crate::connectors::rdvpermis`]: OAuth 2 authorization code with refresh tokens, then the
//! school's organisation, and the livret: `POST /v1/livret/lessons` (a lesson given, keyed by
//! `Idempotency-Key`), accepted, or refused with the reasons (a NEPH missing or malformed, no
//! teaching authorisation number). And the practical-test places: `GET /v1/centres`,
//! `GET /v1/places?centre=&from=&to=` (free places), `GET /v1/places/{id}`, `POST /v1/bookings
//! {place_id, neph}` (keyed; 409 `place_taken` when another booking holds it), `DELETE
//! /v1/bookings/{id}`, `GET /v1/results` (the results of the tests booked).
//!
//! The consent page (`GET /oauth/authorize`) is a small HTML form: "Autoriser" sends the browser
//! back to the school's `redirect_uri` with a one-time code; "Refuser" with `error=access_denied`.
//! Access tokens live `token_ttl_secs` (default 3600); each refresh gives a new refresh token and
//! retires the old one.
//!
//! Outside the platform's API, for tests and demos (bind it to 127.0.0.1):
//! - `POST /_simulator/faults {"fail_next": n, "kind": "server_error" | "expired_token" | "slow", "delay_ms"}`:
//!   the next `n` API calls answer 500, find their access token expired (401 `token_expired`), or
//!   are carried out and answered after `delay_ms`.
//! - `POST /_simulator/revoke`: every grant is withdrawn (refresh answers 400 `invalid_grant`).
//! - `POST /_simulator/token-ttl {"seconds": n}`: the lifetime of the next access tokens.
//! - `POST /_simulator/places {"centre_id", "starts_at"}`: releases a new place.
//! - `POST /_simulator/bookings/{id}/result {"result": "passed" | "failed" | "absent"}`.
//! - `GET /_simulator/stats`: how many codes, refreshes and API calls the platform saw, and the
//!   lessons the livret holds (`livret`: one per key received).

use std::{collections::HashMap, sync::Arc};

use anyhow::{Context, bail};
use axum::{
    Form, Json, Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use tokio::{net::TcpListener, sync::Mutex, task::JoinHandle};
use uuid::Uuid;

/// The scopes an editor asks for (`domain/regulation-fr.md`).
pub const SCOPES: &str = "rdvpermis livret_numerique:read livret_numerique:write offline_access";

#[derive(Clone)]
pub struct SimState {
    client_id: Arc<str>,
    client_secret: Arc<str>,
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    /// One-time codes → the redirect URI they were given for.
    codes: HashMap<String, String>,
    refresh_tokens: HashMap<String, bool>,
    access_tokens: HashMap<String, DateTime<Utc>>,
    token_ttl: Duration,
    fault: Option<(String, u32, u64)>,
    stats: Stats,
    /// Idempotency key → the livret's id for the lesson it recorded.
    livret: HashMap<String, String>,
    places: Vec<Place>,
    /// Booking id → (place id, idempotency key, result).
    bookings: HashMap<String, (String, String, Option<String>)>,
}

/// A practical-test place at a centre.
#[derive(Clone, Debug, serde::Serialize)]
struct Place {
    id: String,
    centre_id: String,
    starts_at: DateTime<Utc>,
    category: &'static str,
}

/// The centres of the simulated département.
const CENTRES: [(&str, &str, &str); 3] = [
    ("C37-TOURS-NORD", "Centre d'examen de Tours Nord", "Tours"),
    ("C37-JOUE", "Centre d'examen de Joué-lès-Tours", "Joué-lès-Tours"),
    ("C37-AMBOISE", "Centre d'examen d'Amboise", "Amboise"),
];

/// Places over the next four weeks: each weekday at 9:00, 10:00 and 14:00 UTC at each centre,
/// from the fourth day on (the test kit's fixture lesson is three days from now at the time of the
/// run: a place that day met it when a test ran in the morning).
fn initial_places() -> Vec<Place> {
    let today = Utc::now().date_naive();
    let mut places = Vec::new();
    for day in 4..32 {
        let date = today + Duration::days(day);
        if chrono::Datelike::weekday(&date).number_from_monday() > 5 {
            continue;
        }
        for (centre, _, _) in CENTRES {
            for hour in [9, 10, 14] {
                let starts_at = date.and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc();
                let id = format!("P-{centre}-{}", starts_at.format("%Y%m%d%H%M"));
                places.push(Place { id, centre_id: centre.into(), starts_at, category: "B" });
            }
        }
    }
    places
}

#[derive(Default, Clone, Copy, serde::Serialize)]
struct Stats {
    codes: u32,
    refreshes: u32,
    calls: u32,
}

impl Default for Inner {
    fn default() -> Self {
        Inner {
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            access_tokens: HashMap::new(),
            token_ttl: Duration::hours(1),
            fault: None,
            stats: Stats::default(),
            livret: HashMap::new(),
            places: initial_places(),
            bookings: HashMap::new(),
        }
    }
}

pub fn router(state: SimState) -> Router {
    Router::new()
        .route("/oauth/authorize", get(consent_page).post(consent_decision))
        .route("/oauth/token", post(token))
        .route("/v1/me", get(me))
        .route("/v1/livret/lessons", post(livret_lesson))
        .route("/v1/centres", get(centres))
        .route("/v1/places", get(places))
        .route("/v1/places/{id}", get(place))
        .route("/v1/bookings", post(book))
        .route("/v1/bookings/{id}", axum::routing::delete(unbook))
        .route("/v1/results", get(results))
        .route("/_simulator/places", post(release_place))
        .route("/_simulator/bookings/{id}/result", post(set_result))
        .route("/_simulator/faults", post(faults))
        .route("/_simulator/revoke", post(revoke))
        .route("/_simulator/token-ttl", post(token_ttl))
        .route("/_simulator/stats", get(stats))
        .with_state(state)
}

pub async fn serve(listener: TcpListener, client_id: String, client_secret: String) -> anyhow::Result<()> {
    if client_id.trim().is_empty() || client_secret.trim().is_empty() {
        bail!("the RdvPermis simulator needs a client id and a client secret");
    }
    let state =
        SimState { client_id: Arc::from(client_id), client_secret: Arc::from(client_secret), inner: Arc::default() };
    axum::serve(listener, router(state)).await.context("RdvPermis simulator")
}

/// A simulator running in this process, on 127.0.0.1 and a free port; it stops when dropped.
pub struct RdvPermisSimulator {
    pub url: String,
    handle: JoinHandle<()>,
}

impl RdvPermisSimulator {
    pub async fn start(client_id: String, client_secret: String) -> anyhow::Result<RdvPermisSimulator> {
        let listener = TcpListener::bind("127.0.0.1:0").await.context("RdvPermis simulator: cannot bind")?;
        let url = format!("http://{}", listener.local_addr()?);
        let handle = tokio::spawn(async move {
            if let Err(e) = serve(listener, client_id, client_secret).await {
                tracing::error!(error = %e, "RdvPermis simulator stopped");
            }
        });
        Ok(RdvPermisSimulator { url, handle })
    }
}

impl Drop for RdvPermisSimulator {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    (status, Json(json!({"error": code, "error_description": description}))).into_response()
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
}

/// Escapes text for an HTML attribute or element.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn consent_page(State(state): State<SimState>, Query(q): Query<AuthorizeQuery>) -> Response {
    if q.response_type != "code" || q.client_id != *state.client_id {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Client ou type de réponse inconnu.");
    }
    if !q.scope.split(' ').any(|s| s == "offline_access") {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", "La portée offline_access est requise.");
    }
    let hidden = |name: &str, value: &str| format!(r#"<input type="hidden" name="{name}" value="{}">"#, escape(value));
    Html(format!(
        r#"<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>RdvPermis — autorisation</title></head>
<body><main><h1>Autoriser l'accès à RdvPermis</h1>
<p>Le logiciel de l'auto-école demande l'accès à : {scopes}.</p>
<form method="post" action="/oauth/authorize">{a}{b}{c}
<button type="submit" name="decision" value="allow">Autoriser</button>
<button type="submit" name="decision" value="deny">Refuser</button></form></main></body></html>"#,
        scopes = escape(&q.scope),
        a = hidden("redirect_uri", &q.redirect_uri),
        b = hidden("state", &q.state),
        c = hidden("client_id", &q.client_id),
    ))
    .into_response()
}

#[derive(Deserialize)]
struct Decision {
    redirect_uri: String,
    state: String,
    decision: String,
}

async fn consent_decision(State(state): State<SimState>, Form(d): Form<Decision>) -> Response {
    let Ok(mut back) = reqwest::Url::parse(&d.redirect_uri) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "redirect_uri invalide.");
    };
    if d.decision == "allow" {
        let code = Uuid::new_v4().simple().to_string();
        let mut inner = state.inner.lock().await;
        inner.codes.insert(code.clone(), d.redirect_uri.clone());
        inner.stats.codes += 1;
        back.query_pairs_mut().append_pair("code", &code).append_pair("state", &d.state);
    } else {
        back.query_pairs_mut().append_pair("error", "access_denied").append_pair("state", &d.state);
    }
    Redirect::to(back.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenRequest {
    grant_type: String,
    client_id: String,
    client_secret: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    refresh_token: Option<String>,
}

async fn token(State(state): State<SimState>, Form(form): Form<TokenRequest>) -> Response {
    if form.client_id != *state.client_id || form.client_secret != *state.client_secret {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client inconnu ou secret erroné.");
    }
    let mut inner = state.inner.lock().await;
    match form.grant_type.as_str() {
        "authorization_code" => {
            let given_for = form.code.as_deref().and_then(|c| inner.codes.remove(c));
            if given_for.is_none() || given_for != form.redirect_uri {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Code inconnu, déjà utilisé ou autre adresse.",
                );
            }
        }
        "refresh_token" => {
            let known = form.refresh_token.as_deref().and_then(|t| inner.refresh_tokens.get_mut(t));
            match known {
                Some(valid) if *valid => *valid = false,
                _ => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Autorisation retirée ou expirée."),
            }
            inner.stats.refreshes += 1;
        }
        _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "Type d'autorisation inconnu."),
    }
    let access = Uuid::new_v4().simple().to_string();
    let refresh = Uuid::new_v4().simple().to_string();
    let ttl = inner.token_ttl;
    inner.access_tokens.insert(access.clone(), Utc::now() + ttl);
    inner.refresh_tokens.insert(refresh.clone(), true);
    Json(json!({"access_token": access, "token_type": "Bearer", "expires_in": ttl.num_seconds(),
                "refresh_token": refresh, "scope": SCOPES}))
    .into_response()
}

/// Checks the bearer token and the armed fault; `Ok(delay)` lets the call through (answered after
/// the delay of a `slow` fault).
async fn gate(state: &SimState, headers: &HeaderMap) -> Result<std::time::Duration, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let mut inner = state.inner.lock().await;
    inner.stats.calls += 1;
    let mut delay = std::time::Duration::ZERO;
    if let Some((kind, left, delay_ms)) = inner.fault.take() {
        inner.fault = (left > 1).then(|| (kind.clone(), left - 1, delay_ms));
        match kind.as_str() {
            "server_error" => {
                return Err(oauth_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "Erreur interne (simulée).",
                ));
            }
            "slow" => delay = std::time::Duration::from_millis(delay_ms),
            _ => {
                inner.access_tokens.remove(token);
                return Err(oauth_error(StatusCode::UNAUTHORIZED, "token_expired", "Le jeton d'accès a expiré."));
            }
        }
    }
    match inner.access_tokens.get(token) {
        Some(until) if *until > Utc::now() => Ok(delay),
        Some(_) => Err(oauth_error(StatusCode::UNAUTHORIZED, "token_expired", "Le jeton d'accès a expiré.")),
        None => Err(oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", "Jeton d'accès absent ou inconnu.")),
    }
}

async fn me(State(state): State<SimState>, headers: HeaderMap) -> Response {
    match gate(&state, &headers).await {
        Ok(delay) => {
            tokio::time::sleep(delay).await;
            Json(json!({"organisation": *state.client_id, "scope": SCOPES})).into_response()
        }
        Err(refused) => refused,
    }
}

/// A lesson as the livret receives it.
#[derive(Deserialize)]
struct LivretLesson {
    neph: Option<String>,
    instructor_authorisation: Option<String>,
    minutes: i64,
}

/// Records a lesson once per key: accepted (201, or 200 for a key seen), or refused (422) with
/// the reasons, in French.
async fn livret_lesson(State(state): State<SimState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let delay = match gate(&state, &headers).await {
        Ok(delay) => delay,
        Err(refused) => return refused,
    };
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "L'en-tête Idempotency-Key est obligatoire.");
    };
    let Ok(lesson) = serde_json::from_slice::<LivretLesson>(&body) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Leçon illisible.");
    };
    let mut reasons = Vec::new();
    if !lesson.neph.as_deref().is_some_and(|n| n.len() == 12 && n.bytes().all(|b| b.is_ascii_digit())) {
        reasons.push("NEPH de l'élève absent ou invalide");
    }
    if lesson.instructor_authorisation.as_deref().is_none_or(|a| a.trim().is_empty()) {
        reasons.push("numéro d'autorisation d'enseigner du moniteur absent");
    }
    if lesson.minutes <= 0 {
        reasons.push("durée nulle");
    }
    if !reasons.is_empty() {
        return oauth_error(StatusCode::UNPROCESSABLE_ENTITY, "rejected", &reasons.join(" ; "));
    }
    let mut inner = state.inner.lock().await;
    let (status, id) = match inner.livret.get(&key) {
        Some(id) => (StatusCode::OK, id.clone()),
        None => {
            let id = format!("LIV-{}", Uuid::new_v4().simple());
            inner.livret.insert(key, id.clone());
            (StatusCode::CREATED, id)
        }
    };
    drop(inner);
    tokio::time::sleep(delay).await;
    (status, Json(json!({"id": id, "status": "accepted"}))).into_response()
}

#[derive(Deserialize)]
struct FaultsRequest {
    fail_next: u32,
    kind: String,
    #[serde(default)]
    delay_ms: u64,
}

async fn faults(State(state): State<SimState>, Json(f): Json<FaultsRequest>) -> Response {
    if !matches!(f.kind.as_str(), "server_error" | "expired_token" | "slow") {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "kind: server_error, expired_token ou slow.");
    }
    state.inner.lock().await.fault = (f.fail_next > 0).then_some((f.kind, f.fail_next, f.delay_ms));
    StatusCode::NO_CONTENT.into_response()
}

async fn revoke(State(state): State<SimState>) -> StatusCode {
    let mut inner = state.inner.lock().await;
    inner.refresh_tokens.values_mut().for_each(|valid| *valid = false);
    inner.access_tokens.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Ttl {
    seconds: i64,
}

async fn token_ttl(State(state): State<SimState>, Json(ttl): Json<Ttl>) -> StatusCode {
    state.inner.lock().await.token_ttl = Duration::seconds(ttl.seconds.max(1));
    StatusCode::NO_CONTENT
}

async fn stats(State(state): State<SimState>) -> Response {
    let inner = state.inner.lock().await;
    let mut stats = serde_json::to_value(inner.stats).unwrap_or_default();
    stats["livret"] = json!(inner.livret.len());
    Json(stats).into_response()
}

fn taken(inner: &Inner, place: &str) -> bool {
    inner.bookings.values().any(|(p, _, _)| p == place)
}

async fn centres(State(state): State<SimState>, headers: HeaderMap) -> Response {
    if let Err(refused) = gate(&state, &headers).await {
        return refused;
    }
    let items: Vec<_> = CENTRES.iter().map(|(id, name, city)| json!({"id": id, "name": name, "city": city})).collect();
    Json(json!({"items": items})).into_response()
}

#[derive(Deserialize)]
struct PlacesQuery {
    centre: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

async fn places(State(state): State<SimState>, headers: HeaderMap, Query(q): Query<PlacesQuery>) -> Response {
    if let Err(refused) = gate(&state, &headers).await {
        return refused;
    }
    let inner = state.inner.lock().await;
    let items: Vec<&Place> = inner
        .places
        .iter()
        .filter(|p| q.centre.as_deref().is_none_or(|c| c.is_empty() || p.centre_id == c))
        .filter(|p| q.from.is_none_or(|f| p.starts_at >= f) && q.to.is_none_or(|t| p.starts_at < t))
        .filter(|p| !taken(&inner, &p.id))
        .collect();
    Json(json!({"items": items})).into_response()
}

async fn place(State(state): State<SimState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(refused) = gate(&state, &headers).await {
        return refused;
    }
    let inner = state.inner.lock().await;
    match inner.places.iter().find(|p| p.id == id) {
        Some(p) => Json(json!({"id": p.id, "centre_id": p.centre_id, "starts_at": p.starts_at, "category": p.category,
                               "free": !taken(&inner, &p.id)}))
        .into_response(),
        None => oauth_error(StatusCode::NOT_FOUND, "not_found", "Place inconnue."),
    }
}

#[derive(Deserialize)]
struct Booking {
    place_id: String,
    neph: Option<String>,
}

/// Books a place under the student's mandate, once per key; 409 when another booking holds it.
async fn book(State(state): State<SimState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let delay = match gate(&state, &headers).await {
        Ok(delay) => delay,
        Err(refused) => return refused,
    };
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "L'en-tête Idempotency-Key est obligatoire.");
    };
    let Ok(booking) = serde_json::from_slice::<Booking>(&body) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "Réservation illisible.");
    };
    if !booking.neph.as_deref().is_some_and(|n| n.len() == 12 && n.bytes().all(|b| b.is_ascii_digit())) {
        return oauth_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_neph", "NEPH du candidat absent ou invalide");
    }
    let mut inner = state.inner.lock().await;
    let seen = inner.bookings.iter().find(|(_, (_, k, _))| *k == key).map(|(id, _)| id.clone());
    if let Some(id) = seen {
        drop(inner);
        return (StatusCode::OK, Json(json!({"id": id, "place_id": booking.place_id}))).into_response();
    }
    let Some(place) = inner.places.iter().find(|p| p.id == booking.place_id).cloned() else {
        return oauth_error(StatusCode::NOT_FOUND, "not_found", "Place inconnue.");
    };
    if taken(&inner, &place.id) {
        return oauth_error(
            StatusCode::CONFLICT,
            "place_taken",
            "cette place vient d'être réservée par une autre école",
        );
    }
    let id = format!("B-{}", Uuid::new_v4().simple());
    inner.bookings.insert(id.clone(), (place.id.clone(), key, None));
    drop(inner);
    tokio::time::sleep(delay).await;
    (StatusCode::CREATED, Json(json!({"id": id, "place_id": place.id, "starts_at": place.starts_at}))).into_response()
}

async fn unbook(State(state): State<SimState>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(refused) = gate(&state, &headers).await {
        return refused;
    }
    match state.inner.lock().await.bookings.remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => oauth_error(StatusCode::NOT_FOUND, "not_found", "Réservation inconnue."),
    }
}

async fn results(State(state): State<SimState>, headers: HeaderMap) -> Response {
    if let Err(refused) = gate(&state, &headers).await {
        return refused;
    }
    let inner = state.inner.lock().await;
    let items: Vec<_> = inner
        .bookings
        .iter()
        .filter_map(|(id, (_, _, result))| result.as_ref().map(|r| json!({"booking_id": id, "result": r})))
        .collect();
    Json(json!({"items": items})).into_response()
}

#[derive(Deserialize)]
struct NewPlace {
    centre_id: String,
    starts_at: DateTime<Utc>,
}

async fn release_place(State(state): State<SimState>, Json(p): Json<NewPlace>) -> Response {
    let id = format!("P-{}-{}", p.centre_id, Uuid::new_v4().simple());
    let place = Place { id: id.clone(), centre_id: p.centre_id, starts_at: p.starts_at, category: "B" };
    state.inner.lock().await.places.push(place);
    (StatusCode::CREATED, Json(json!({"id": id}))).into_response()
}

#[derive(Deserialize)]
struct SetResult {
    result: String,
}

async fn set_result(State(state): State<SimState>, Path(id): Path<String>, Json(r): Json<SetResult>) -> StatusCode {
    match state.inner.lock().await.bookings.get_mut(&id) {
        Some(booking) => {
            booking.2 = Some(r.result);
            StatusCode::NO_CONTENT
        }
        None => StatusCode::NOT_FOUND,
    }
}
