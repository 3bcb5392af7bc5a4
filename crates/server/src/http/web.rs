//! The web app: files built by Vite into `web/dist`, embedded in release builds (read from disk
//! in debug builds), with the SPA fallback to `index.html` for the app's own routes.

use axum::{
    body::Body,
    http::{HeaderValue, Uri, header},
    response::{IntoResponse, Response},
};
use rust_embed::RustEmbed;

use crate::error::AppError;

#[derive(RustEmbed)]
#[folder = "../../web/dist"]
#[allow_missing = true]
struct Assets;

/// Hashed file names never change content: cache them for a year. Everything else is revalidated.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.starts_with("api/") || path == "api" {
        return AppError::NotFound.into_response();
    }
    if let Some(resp) = asset(path) {
        return resp;
    }
    // A missing file under /assets is a real 404; any other path is a route of the SPA.
    if path.starts_with("assets/") {
        return AppError::NotFound.into_response();
    }
    asset("index.html").unwrap_or_else(|| {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "L'application web n'est pas construite : lancez `cargo xtask demo` (ou `npm run build` dans web/).",
        )
            .into_response()
    })
}

fn asset(path: &str) -> Option<Response> {
    if path.is_empty() {
        return None;
    }
    let file = Assets::get(path)?;
    let cache = if path.starts_with("assets/") { IMMUTABLE } else { REVALIDATE };
    let mime = file.metadata.mimetype();
    let mut resp = Response::new(Body::from(file.data.into_owned()));
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(resp)
}
