//! The HTTP edge: routing, request ids and tracing, security headers, limits, problem+json for
//! every failure, health and metrics, the API description and the web app.

pub mod apidoc;
pub mod constants;
pub mod json;
pub mod page;
pub mod patch;
pub mod web;

use std::time::Duration;

use axum::{
    Json, Router,
    body::Body,
    extract::{Request, State},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::{error::AppError, state::AppState};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const CSP_APP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
/// Swagger UI needs inline styles and scripts; it serves no user data.
const CSP_DOCS: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; frame-ancestors 'none'";

#[derive(OpenApi)]
#[openapi(
    info(title = "Volant API", version = "1", description = "API de Volant, la gestion d'auto-école."),
    components(schemas(crate::error::Problem, crate::error::FieldError, crate::error::RuleViolation))
)]
pub struct ApiDoc;

/// The edge around the API's routes: the API description and its docs, health, metrics, the
/// web app, and the layers every request crosses. The routes come from `features`.
/// `outside` holds the routes served beside the API (calendar feeds), inside the same edge.
/// `front` answers what no route claims (the web app, or a school's public site).
pub fn router<H, T>(state: AppState, api: OpenApiRouter<AppState>, outside: Router<AppState>, front: H) -> Router
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    let (api, doc) = api.split_for_parts();
    let doc = apidoc::complete(doc);
    let settings = &state.settings;
    let hsts = (!settings.profile.is_local()).then(|| HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    let edge = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(middleware::from_fn(problem_for_bare_errors))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::STRICT_TRANSPORT_SECURITY, hsts))
        .layer(middleware::from_fn(content_security_policy))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, settings.request_timeout))
        .layer(RequestBodyLimitLayer::new(settings.body_limit_bytes));

    Router::new()
        .merge(api)
        .merge(outside)
        .merge(SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", doc))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .fallback(front)
        // One body limit for the whole API (uploads included), set by RequestBodyLimitLayer.
        .layer(axum::extract::DefaultBodyLimit::disable())
        // A panic in a handler answers a 500 problem (logged) instead of dropping the connection.
        .layer(CatchPanicLayer::custom(panic_problem))
        .layer(middleware::from_fn_with_state(state.metrics.clone(), crate::metrics::record))
        .layer(edge)
        .with_state(state)
}

fn panic_problem(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    AppError::Internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Ready when the database answers and carries this binary's migrations.
async fn readyz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, AppError> {
    let applied: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(&state.pool)
        .await
        .map_err(|_| AppError::Unavailable)?;
    let expected = crate::db::latest_migration();
    if applied != Some(expected) {
        return Err(AppError::Unavailable);
    }
    Ok(Json(serde_json::json!({ "status": "ready", "migration": expected })))
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))],
        state.metrics.render(&state.pool),
    )
}

async fn content_security_policy(req: Request, next: Next) -> Response {
    let csp = if req.uri().path().starts_with("/api/docs") { CSP_DOCS } else { CSP_APP };
    let mut resp = next.run(req).await;
    resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    resp
}

/// Failures produced below our handlers (unknown method, body limit, timeout) come without a
/// body; give them the same problem+json shape as everything else. Bodies that handlers wrote
/// (problems, the web app's own pages) are left alone.
async fn problem_for_bare_errors(req: Request, next: Next) -> Response {
    use axum::body::HttpBody;
    let resp = next.run(req).await;
    let status = resp.status();
    let is_error = status.is_client_error() || status.is_server_error();
    // The body-limit layer answers 413 with a plain-text body of its own.
    let bare = resp.body().size_hint().exact() == Some(0) || status == StatusCode::PAYLOAD_TOO_LARGE;
    if !is_error || !bare {
        return resp;
    }
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => AppError::Unavailable,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            AppError::UnsupportedMediaType("Ce format de contenu n'est pas pris en charge.".into())
        }
        s if s.is_client_error() => AppError::bad_request("La requête est invalide."),
        _ => AppError::Internal(anyhow::anyhow!("bare {status} response")),
    };
    let mut problem = error.into_response();
    for (name, value) in resp.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

/// How long the server waits for in-flight requests at shutdown.
pub const GRACEFUL_SHUTDOWN: Duration = Duration::from_secs(10);

/// An id from the path. A malformed one is the same 404 as an unknown one: ids leak nothing.
pub fn path_id<T: From<uuid::Uuid>>(raw: &str) -> Result<T, AppError> {
    raw.parse::<uuid::Uuid>().map(T::from).map_err(|_| AppError::NotFound)
}

/// A QR code of `text` as an SVG image (at least 200 px, with its quiet zone), for a phone to scan.
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))?;
    Ok(code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build())
}

/// A PDF shown in the browser (`inline`), never cached outside the reader's own browser.
pub fn pdf_response(pdf: Vec<u8>, filename: &str) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let disposition = format!("inline; filename=\"{filename}\"");
    let mut resp = pdf.into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("inline")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    resp
}

/// A CSV file to download (an export for a spreadsheet).
pub fn csv_response(text: String, filename: &str) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut resp = text.into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    resp
}

/// 201 with the created resource.
pub fn created<T: serde::Serialize>(body: T) -> axum::response::Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

/// Enums stored as text columns: `TryFrom<String>` and `as_str` through `db::from_text` and
/// `db::to_text`, so that `#[sqlx(try_from = "String")]` reads them with the JSON's spelling.
#[macro_export]
macro_rules! text_enum {
    ($($enum:ident),* $(,)?) => {$(
        impl TryFrom<String> for $enum {
            type Error = sqlx::Error;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $crate::db::from_text(&s)
            }
        }

        impl $enum {
            /// The stored (and JSON) spelling.
            pub fn as_str(self) -> String {
                $crate::db::to_text(&self)
            }
        }
    )*};
}
