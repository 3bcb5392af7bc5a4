//! The site's HTTP side: `/sites/{slug}/…` (the local demo), and the fallback that answers a
//! school's host name with its site and anything else with the web app.

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use volant_domain::ids::TenantId;

use super::{
    Page, load, pages,
    registration::{self, Form, Outcome},
    school_of_host, school_of_slug,
};
use crate::{auth::RequestMeta, error::AppError, http::web, state::AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sites/{slug}", get(home_by_path))
        .route("/sites/{slug}/", get(home_by_path))
        .route("/sites/{slug}/{page}", get(page_by_path).post(register_by_path))
        .route("/robots.txt", get(robots))
}

/// The app's own robots.txt keeps crawlers to the schools' sites; a school's host gets its site's.
async fn robots(state: State<AppState>, method: Method, headers: HeaderMap, meta: RequestMeta) -> Response {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if !host.is_empty() && !is_app_host(&state.public_url, host) {
        let uri = Uri::from_static("/robots.txt");
        return front(state, method, headers, uri, meta, Bytes::new()).await;
    }
    let mut response = "User-agent: *\nAllow: /sites/\nDisallow: /\n".into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

async fn register_by_path(
    State(state): State<AppState>,
    Path((slug, page)): Path<(String, String)>,
    meta: RequestMeta,
    body: Bytes,
) -> Response {
    match school_of_slug(&state.pool, &slug).await {
        Ok(Some(tenant)) if Page::of_path(&page) == Some(Page::Registration) => {
            let base = format!("{}/sites/{slug}", state.public_url);
            register(&state, tenant, base, &meta, &body).await
        }
        Ok(_) => AppError::NotFound.into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

async fn home_by_path(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    page_by_path(State(state), Path((slug, String::new()))).await
}

async fn page_by_path(State(state): State<AppState>, Path((slug, page)): Path<(String, String)>) -> Response {
    match school_of_slug(&state.pool, &slug).await {
        Ok(Some(tenant)) => {
            let base = format!("{}/sites/{slug}", state.public_url);
            serve(&state, tenant, base, &page).await
        }
        Ok(None) => AppError::NotFound.into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

/// What answers a path no route claims: a school's site when the host names one, else the web
/// app. The app's own host never costs a lookup.
pub async fn front(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    meta: RequestMeta,
    body: Bytes,
) -> Response {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
    if host.is_empty() || is_app_host(&state.public_url, &host) {
        return web::serve(uri).await;
    }
    match school_of_host(&state.pool, &host, state.settings.site_domain.as_deref()).await {
        Ok(Some(tenant)) => {
            let scheme = if state.public_url.starts_with("https://") { "https" } else { "http" };
            let base = format!("{scheme}://{host}");
            if method == Method::POST && Page::of_path(uri.path()) == Some(Page::Registration) {
                return register(&state, tenant, base, &meta, &body).await;
            }
            serve(&state, tenant, base, uri.path()).await
        }
        Ok(None) if state.settings.site_domain.as_deref().is_some_and(|d| host.ends_with(d)) => {
            AppError::NotFound.into_response()
        }
        Ok(None) if uri.path() == "/robots.txt" => robots_for_unknown_host(),
        Ok(None) => web::serve(uri).await,
        Err(e) => AppError::from(e).into_response(),
    }
}

fn is_app_host(public_url: &str, host: &str) -> bool {
    public_url.split("://").nth(1).is_some_and(|rest| rest.split('/').next() == Some(host))
}

async fn serve(state: &AppState, tenant: TenantId, base: String, path: &str) -> Response {
    let site = match load(&state.pool, tenant, base).await {
        Ok(Some(site)) => site,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(e) => return AppError::Internal(e).into_response(),
    };
    let path = path.trim_matches('/');
    let (body, content_type) = match path {
        "sitemap.xml" => (pages::sitemap(&site), "application/xml; charset=utf-8"),
        "robots.txt" => (pages::robots(&site), "text/plain; charset=utf-8"),
        _ => match Page::of_path(path) {
            Some(page) => (pages::render(&site, page), "text/html; charset=utf-8"),
            None => return AppError::NotFound.into_response(),
        },
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    response
}

/// A registration sent: to the thanks page (303, so that a reload does not send it again), or the
/// form again with what to correct.
async fn register(state: &AppState, tenant: TenantId, base: String, meta: &RequestMeta, body: &[u8]) -> Response {
    let site = match load(&state.pool, tenant, base).await {
        Ok(Some(site)) => site,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(e) => return AppError::Internal(e).into_response(),
    };
    let form: Form = serde_urlencoded::from_bytes(body).unwrap_or_default();
    match registration::submit(state, tenant, meta, &form).await {
        Ok(Outcome::Thanks) => Redirect::to(&site.url(Page::Thanks)).into_response(),
        Ok(Outcome::Invalid(errors)) => {
            html(StatusCode::UNPROCESSABLE_ENTITY, pages::registration(&site, &form, &errors))
        }
        Ok(Outcome::TooMany) => {
            let errors = [(
                "formulaire",
                "Trop de demandes depuis cette connexion : réessayez dans quelques minutes.".to_owned(),
            )];
            html(StatusCode::TOO_MANY_REQUESTS, pages::registration(&site, &form, &errors))
        }
        Err(e) => e.into_response(),
    }
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

fn robots_for_unknown_host() -> Response {
    let mut response = "User-agent: *\nDisallow: /\n".into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
