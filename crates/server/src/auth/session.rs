//! Server-side sessions. The cookie carries 32 random bytes; the table keeps only their SHA-256,
//! so a copy of the database opens no session. Idle and absolute expiry; a new id at every login.

use axum::http::HeaderValue;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use volant_domain::{
    ids::{TenantId, UserId},
    role::Role,
};

use super::RequestMeta;
use crate::{config::Settings, error::AppError, state::AppState};

/// Seconds between two updates of `last_seen_at` (a write per request would be waste).
const TOUCH_EVERY_SECS: f64 = 60.0;

/// 32 random bytes, URL-safe: session ids, CSRF, reset and invitation tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub struct Found {
    pub id_hash: Vec<u8>,
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub role: Role,
    pub csrf_token: String,
    pub second_factor: bool,
    /// The child a guardian follows now (see `auth::guardians`).
    pub child: Option<uuid::Uuid>,
}

/// A live session's row: user, school, role, CSRF token, whether `last_seen_at` is due for a
/// touch, whether the session was opened with a second factor, and a guardian's chosen child.
pub type SessionRow = (uuid::Uuid, uuid::Uuid, String, String, bool, bool, Option<uuid::Uuid>);

/// The session lookup statement (also timed directly by the benchmark, to compare with HTTP).
pub async fn find(pool: &sqlx::PgPool, id_hash: &[u8], idle_secs: f64) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.user_id, s.tenant_id, s.role, s.csrf_token,
                s.last_seen_at < now() - make_interval(secs => $3), s.second_factor, s.child_id
           FROM sessions s JOIN tenants t ON t.id = s.tenant_id
          WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
            AND s.last_seen_at > now() - make_interval(secs => $2) AND t.suspended_at IS NULL",
    )
    .bind(id_hash)
    .bind(idle_secs)
    .bind(TOUCH_EVERY_SECS)
    .fetch_optional(pool)
    .await
}

/// The live session behind a cookie value, if any.
pub async fn lookup(state: &AppState, cookie: &str) -> Result<Option<Found>, AppError> {
    let id_hash = token_hash(cookie);
    let row = find(&state.pool, &id_hash, state.settings.session_idle.as_secs_f64()).await?;
    let Some((user_id, tenant_id, role, csrf_token, needs_touch, second_factor, child)) = row else {
        return Ok(None);
    };
    if needs_touch {
        sqlx::query("UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1")
            .bind(&id_hash)
            .execute(&state.pool)
            .await?;
    }
    let role = role.parse().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(Some(Found {
        id_hash,
        user_id: user_id.into(),
        tenant_id: tenant_id.into(),
        role,
        csrf_token,
        second_factor,
        child,
    }))
}

/// Who a new session is for, and how they proved it.
pub struct NewSession<'a> {
    pub user: UserId,
    pub tenant: TenantId,
    pub role: Role,
    /// Opened with a second factor (or moved from a session that was).
    pub second_factor: bool,
    pub meta: &'a RequestMeta,
}

/// A new session; returns the cookie value and the CSRF token.
pub async fn create(
    conn: &mut PgConnection,
    settings: &Settings,
    new: &NewSession<'_>,
) -> Result<(String, String), AppError> {
    let NewSession { user, tenant, role, second_factor, meta } = *new;
    let cookie = random_token();
    let csrf = random_token();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, tenant_id, role, csrf_token, expires_at, ip, user_agent, second_factor)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6), $7, $8, $9)",
    )
    .bind(token_hash(&cookie))
    .bind(user.0)
    .bind(tenant.0)
    .bind(role.as_str())
    .bind(&csrf)
    .bind(settings.session_absolute.as_secs_f64())
    .bind(meta.ip.map(|ip| ip.to_string()))
    .bind(&meta.user_agent)
    .bind(second_factor)
    .execute(conn)
    .await?;
    Ok((cookie, csrf))
}

pub async fn revoke(conn: &mut PgConnection, id_hash: &[u8]) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL")
        .bind(id_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes a person's sessions (all schools), except the one named.
pub async fn revoke_all_for_user(conn: &mut PgConnection, user: UserId, except: Option<&[u8]>) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = now()
          WHERE user_id = $1 AND revoked_at IS NULL AND ($2::bytea IS NULL OR id_hash <> $2)",
    )
    .bind(user.0)
    .bind(except)
    .execute(conn)
    .await?;
    Ok(())
}

pub fn set_cookie(settings: &Settings, value: &str) -> HeaderValue {
    let secure = if settings.cookie_secure { "; Secure" } else { "" };
    let max_age = settings.session_absolute.as_secs();
    let text = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        settings.session_cookie_name()
    );
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}

pub fn clear_cookie(settings: &Settings) -> HeaderValue {
    let secure = if settings.cookie_secure { "; Secure" } else { "" };
    let text = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", settings.session_cookie_name());
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}

/// A live session of a person, as "Mes sessions" lists it.
#[derive(Debug, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SessionItem {
    pub id: uuid::Uuid,
    /// The school the session is open in.
    pub tenant_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// To the minute (the server notes activity at most once a minute).
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The browser and system, in words ("Firefox sur Windows").
    #[sqlx(skip)]
    pub device: String,
    /// The session this request came with.
    pub current: bool,
}

/// The person's live sessions in every school, the latest used first.
pub async fn list_for_user(
    conn: &mut PgConnection,
    user: UserId,
    current: &[u8],
    idle_secs: f64,
) -> Result<Vec<SessionItem>, AppError> {
    let mut items: Vec<SessionItem> = sqlx::query_as(
        "SELECT s.public_id AS id, t.name AS tenant_name, s.created_at, s.last_seen_at, s.ip, s.user_agent,
                s.id_hash = $2 AS current
           FROM sessions s JOIN tenants t ON t.id = s.tenant_id
          WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
            AND s.last_seen_at > now() - make_interval(secs => $3)
          ORDER BY s.id_hash = $2 DESC, s.last_seen_at DESC",
    )
    .bind(user.0)
    .bind(current)
    .bind(idle_secs)
    .fetch_all(conn)
    .await?;
    for item in &mut items {
        item.device = volant_domain::device::label(item.user_agent.as_deref());
    }
    Ok(items)
}

/// Revokes one of the person's live sessions by its public id; false when there is none.
pub async fn revoke_by_public_id(conn: &mut PgConnection, user: UserId, id: uuid::Uuid) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND public_id = $2 AND revoked_at IS NULL",
    )
    .bind(user.0)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks whether sessions carry a second factor: the current one after 2FA is turned on in it,
/// every session of the person after it is turned off.
pub async fn set_second_factor(
    conn: &mut PgConnection,
    user: UserId,
    only: Option<&[u8]>,
    on: bool,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE sessions SET second_factor = $3
          WHERE user_id = $1 AND revoked_at IS NULL AND ($2::bytea IS NULL OR id_hash = $2)",
    )
    .bind(user.0)
    .bind(only)
    .bind(on)
    .execute(conn)
    .await?;
    Ok(())
}

/// The devices (see `volant_domain::device::label`) of the person's sessions of the last year,
/// revoked and expired ones included.
pub async fn devices_of(conn: &mut PgConnection, user: UserId) -> Result<Vec<String>, AppError> {
    let agents: Vec<Option<String>> = sqlx::query_scalar(
        "SELECT DISTINCT user_agent FROM sessions WHERE user_id = $1 AND created_at > now() - interval '1 year' LIMIT 200",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await?;
    Ok(agents.iter().map(|ua| volant_domain::device::label(ua.as_deref())).collect())
}
