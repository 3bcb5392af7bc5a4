//! `Idempotency-Key` on every POST (Stripe's convention): the same key and body within 24 hours
//! replays the first answer without doing the work twice; the same key with another request is a
//! 422. Keys belong to one person in one school. An offline phone that sends its queue again, a
//! double tap, a proxy retry: each gets the first answer.
//!
//! A key is claimed in its own short transaction before the handler runs, so a concurrent twin
//! waits on the claim's unique index instead of doing the work. The answer is stored after the
//! handler's own transaction committed; a 5xx or 429 releases the key, since nothing was done
//! and a retry should run again. A claim left by a crashed server is taken over after two minutes.

use std::time::Duration;

use axum::{
    body::{Body, Bytes},
    extract::{FromRequestParts, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use crate::{
    auth::Ctx,
    db,
    error::{AppError, AppResult},
    state::AppState,
};

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on an answer that is the replay of the first one.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a twin waits for the first request's answer before a 409.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// The middleware: POSTs with the header, by a signed-in person, outside the session routes
/// (whose answers set cookies, which must never be replayed).
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let keyed = req.method() == Method::POST
        && req.headers().contains_key(IDEMPOTENCY_KEY)
        && !req.uri().path().starts_with("/api/v1/auth/");
    if !keyed {
        return next.run(req).await;
    }
    once(&state, req, next).await.unwrap_or_else(IntoResponse::into_response)
}

async fn once(state: &AppState, req: Request, next: Next) -> AppResult<Response> {
    let key = parse_key(req.headers())?;
    let (mut parts, body) = req.into_parts();
    let ctx = match Ctx::from_request_parts(&mut parts, state).await {
        Ok(ctx) => ctx,
        // Not signed in, or no CSRF token: the handler gives its own answer; nothing to remember.
        Err(_) => return Ok(next.run(Request::from_parts(parts, body)).await),
    };
    let bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(|_| AppError::PayloadTooLarge)?;
    let fingerprint = fingerprint(&parts, &bytes);
    let deadline = tokio::time::Instant::now() + WAIT_FOR_FIRST;
    loop {
        match claim(state, &ctx, &key, &fingerprint).await? {
            Claim::Mine => {
                // The handler reuses the caller resolved here (one session lookup).
                parts.extensions.insert(ctx.clone());
                let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
                return remember(state, &ctx, &key, response).await;
            }
            Claim::Answered(stored) => return Ok(stored.replay()),
            Claim::OtherRequest => {
                return Err(AppError::rule(
                    "idempotency_key_reused",
                    "Cette clé d'idempotence a déjà servi pour une autre requête : utilisez-en une nouvelle.",
                ));
            }
            Claim::InFlight if tokio::time::Instant::now() < deadline => tokio::time::sleep(POLL).await,
            Claim::InFlight => {
                return Err(AppError::Conflict {
                    detail: "Une requête identique est encore en cours : réessayez dans un instant.".into(),
                    conflicts: serde_json::Value::Array(vec![]),
                });
            }
        }
    }
}

/// 1 to 255 visible ASCII characters (a UUID, typically).
fn parse_key(headers: &HeaderMap) -> AppResult<String> {
    let raw = headers.get(IDEMPOTENCY_KEY).map(HeaderValue::as_bytes).unwrap_or_default();
    let ok = (1..=255).contains(&raw.len()) && raw.iter().all(|b| b.is_ascii_graphic());
    if !ok {
        return Err(AppError::field(
            "Idempotency-Key",
            "La clé d'idempotence doit comporter de 1 à 255 caractères visibles (un UUID, par exemple).",
        ));
    }
    Ok(String::from_utf8_lossy(raw).into_owned())
}

/// What makes two requests "the same": the address (query included) and the body.
fn fingerprint(parts: &axum::http::request::Parts, body: &Bytes) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or_default());
    h.update([0]);
    h.update(body);
    h.finalize().to_vec()
}

enum Claim {
    Mine,
    Answered(Stored),
    OtherRequest,
    InFlight,
}

#[derive(sqlx::FromRow)]
struct Stored {
    request_hash: Vec<u8>,
    status: Option<i16>,
    content_type: Option<String>,
    location: Option<String>,
    body: Option<Vec<u8>>,
}

impl Stored {
    fn replay(self) -> Response {
        let status = self.status.and_then(|s| StatusCode::from_u16(s as u16).ok()).unwrap_or(StatusCode::OK);
        let mut response = (status, self.body.unwrap_or_default()).into_response();
        let headers = response.headers_mut();
        let values = [(header::CONTENT_TYPE, self.content_type), (header::LOCATION, self.location)];
        for (name, value) in values {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(name, v);
            }
        }
        headers.insert(REPLAYED, HeaderValue::from_static("true"));
        response
    }
}

/// Takes the key for this request, or tells what holds it. Keys older than 24 hours are
/// forgotten; an unanswered claim older than two minutes is taken over (its server died).
async fn claim(state: &AppState, ctx: &Ctx, key: &str, fingerprint: &[u8]) -> AppResult<Claim> {
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    sqlx::query(
        "DELETE FROM idempotency_keys
          WHERE tenant_id = $1 AND user_id = $2 AND claimed_at < now() - interval '24 hours'",
    )
    .bind(ctx.tenant_id.0)
    .bind(ctx.user_id.0)
    .execute(&mut *tx)
    .await?;
    let mine: Option<bool> = sqlx::query_scalar(
        "INSERT INTO idempotency_keys (tenant_id, user_id, key, request_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, user_id, key) DO UPDATE SET claimed_at = now()
          WHERE idempotency_keys.completed_at IS NULL AND idempotency_keys.request_hash = EXCLUDED.request_hash
            AND idempotency_keys.claimed_at < now() - interval '2 minutes'
         RETURNING true",
    )
    .bind(ctx.tenant_id.0)
    .bind(ctx.user_id.0)
    .bind(key)
    .bind(fingerprint)
    .fetch_optional(&mut *tx)
    .await?;
    let claim = if mine.is_some() {
        Claim::Mine
    } else {
        let stored: Stored = sqlx::query_as(
            "SELECT request_hash, status, content_type, location, body FROM idempotency_keys
              WHERE tenant_id = $1 AND user_id = $2 AND key = $3",
        )
        .bind(ctx.tenant_id.0)
        .bind(ctx.user_id.0)
        .bind(key)
        .fetch_one(&mut *tx)
        .await?;
        if stored.request_hash != fingerprint {
            Claim::OtherRequest
        } else if stored.status.is_some() {
            Claim::Answered(stored)
        } else {
            Claim::InFlight
        }
    };
    tx.commit().await?;
    Ok(claim)
}

/// Stores the handler's answer under the key (or releases the key after a 5xx or a 429), and
/// gives the answer back.
async fn remember(state: &AppState, ctx: &Ctx, key: &str, response: Response) -> AppResult<Response> {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(|e| AppError::Internal(e.into()))?;
    let status = parts.status;
    let header = |name| parts.headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_owned);
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        sqlx::query("DELETE FROM idempotency_keys WHERE tenant_id = $1 AND user_id = $2 AND key = $3")
            .bind(ctx.tenant_id.0)
            .bind(ctx.user_id.0)
            .bind(key)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $4, content_type = $5, location = $6, body = $7, completed_at = now()
              WHERE tenant_id = $1 AND user_id = $2 AND key = $3",
        )
        .bind(ctx.tenant_id.0)
        .bind(ctx.user_id.0)
        .bind(key)
        .bind(status.as_u16() as i16)
        .bind(header(header::CONTENT_TYPE))
        .bind(header(header::LOCATION))
        .bind(bytes.as_ref())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &[u8]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(IDEMPOTENCY_KEY, HeaderValue::from_bytes(value).unwrap());
        h
    }

    #[test]
    fn a_key_is_1_to_255_visible_characters() {
        assert_eq!(parse_key(&headers(b"0b6f3c1e-8d2a-4c55-9a53-3f4c1f1d2e10")).unwrap().len(), 36);
        assert!(parse_key(&headers(b"a b")).is_err());
        assert!(parse_key(&headers(&[b'x'; 256])).is_err());
        assert!(parse_key(&HeaderMap::new()).is_err());
    }
}
