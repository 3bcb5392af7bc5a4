//! Who is calling: the session cookie becomes a `Ctx` (person, school, role), checked for CSRF on
//! every state-changing request, and each handler states the permission it needs.

pub mod account;
pub mod guardians;
pub mod idempotency;
pub mod limiter;
pub mod passkeys;
pub mod password;
pub mod rbac;
pub mod routes;
pub mod service;
pub mod session;
pub mod two_factor;

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{Method, request::Parts},
};
use uuid::Uuid;
use volant_domain::{
    ids::{TenantId, UserId},
    role::Role,
};

use crate::{audit::Actor, error::AppError, http::REQUEST_ID, state::AppState};
pub use rbac::Permission;

pub const CSRF_HEADER: &str = "x-csrf-token";

/// The caller of a request, resolved from the session cookie.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub role: Role,
    pub csrf_token: String,
    pub session_hash: Vec<u8>,
    /// The session was opened with a second factor (see `work::Ctx::begin`).
    pub second_factor: bool,
    /// The child a GUARDIAN chose to follow in this session (checked against their guardianships
    /// at every request; none: their first child).
    pub child: Option<Uuid>,
    pub meta: RequestMeta,
}

impl Ctx {
    /// Refuses the request with 403 unless the caller's role holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if permission.allows(self.role) { Ok(()) } else { Err(AppError::forbidden()) }
    }

    /// The author of an audited change.
    pub fn actor(&self) -> Actor {
        Actor {
            tenant_id: self.tenant_id,
            user_id: Some(self.user_id.0),
            request_id: self.meta.request_id.clone(),
            ip: self.meta.ip.map(|ip| ip.to_string()),
        }
    }
}

/// The one notion of visibility. `Nobody`: an account whose record is missing (an instructor
/// account not linked to an instructor record) sees nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    Office,
    Instructor(Uuid),
    Student(Uuid),
    Nobody,
}

/// Who a person is in their school beyond their role: the instructor record and the student file
/// linked to their account, if any. One statement.
#[derive(Clone, Copy, Debug, Default)]
pub struct Persona {
    pub instructor_id: Option<Uuid>,
    pub student_id: Option<Uuid>,
}

/// The persona of `user` in `tenant` (the transaction must be scoped to that school).
pub async fn persona(conn: &mut sqlx::PgConnection, tenant: TenantId, user: UserId) -> Result<Persona, sqlx::Error> {
    let (instructor_id, student_id) = sqlx::query_as(
        "SELECT (SELECT id FROM instructors WHERE tenant_id = $1 AND user_id = $2),
                (SELECT id FROM students WHERE tenant_id = $1 AND user_id = $2)",
    )
    .bind(tenant.0)
    .bind(user.0)
    .fetch_one(conn)
    .await?;
    Ok(Persona { instructor_id, student_id })
}

/// Request facts that every request has, logged in or not.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    pub session_cookie: Option<String>,
}

impl FromRequestParts<AppState> for RequestMeta {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let ip = peer.map(|p| client_ip(p, header("x-forwarded-for").as_deref(), &state.settings.trusted_proxies));
        let session_cookie = cookie_value(&parts.headers, state.settings.session_cookie_name());
        Ok(RequestMeta {
            request_id: parts.headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned),
            ip,
            user_agent: header("user-agent").map(|ua| ua.chars().take(300).collect()),
            session_cookie,
        })
    }
}

/// The value of the cookie `name` the request carries, if any.
pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The client address: the socket peer, unless the peer is a trusted proxy, in which case the
/// right-most address of `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_for
        .into_iter()
        .flat_map(|h| h.rsplit(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        // Resolved already by a middleware (idempotency) for this very request.
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let meta = RequestMeta::from_request_parts(parts, state).await?;
        let not_logged_in = || AppError::Unauthorized("Vous n'êtes pas connecté, ou votre session a expiré.".into());
        let cookie = meta.session_cookie.clone().ok_or_else(not_logged_in)?;
        let found = session::lookup(state, &cookie).await?.ok_or_else(not_logged_in)?;
        let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if changes_state {
            let sent = parts.headers.get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
            if !constant_time_eq(sent, found.csrf_token.as_bytes()) {
                return Err(AppError::Forbidden(
                    "Jeton de sécurité (CSRF) manquant ou invalide : rechargez la page.".into(),
                ));
            }
        }
        Ok(Ctx {
            user_id: found.user_id,
            tenant_id: found.tenant_id,
            role: found.role,
            csrf_token: found.csrf_token,
            session_hash: found.id_hash,
            second_factor: found.second_factor,
            child: found.child,
            meta,
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ip_ignores_forwarded_for_from_untrusted_peers() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_ip(peer, Some("1.2.3.4"), &[]), peer);
    }

    #[test]
    fn client_ip_reads_forwarded_for_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let got = client_ip(proxy, Some("6.6.6.6, 198.51.100.7, 10.0.0.1"), &[proxy]);
        assert_eq!(got, "198.51.100.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"", b"abc"));
    }
}
