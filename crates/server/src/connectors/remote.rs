//! A school's connection to a platform, and the one way to call it: [`Remote::exchange`] (a
//! timeout, the circuit breaker, the exchange log and the connection's health, for every call).

use std::{future::Future, time::Instant};

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;
use volant_domain::{
    ants::{Circuit, CircuitBreaker},
    ids::TenantId,
};

use super::{ConnectorName, repo};
use crate::{config::Secret, db, sealed::Sealer};

/// Why a call did not give its answer. Each says, in French, what the office can do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemoteError {
    NotConfigured,
    /// Calls are suspended after repeated faults, until then.
    CircuitOpen {
        until: DateTime<Utc>,
    },
    Timeout,
    Unreachable,
    /// 401 / 403: the credentials are wrong or expired (`code` is the platform's, e.g. `token_expired`).
    Credentials {
        status: u16,
        code: Option<String>,
    },
    /// 429: the platform asks to slow down.
    Throttled,
    /// 5xx.
    Server {
        status: u16,
    },
    /// Another 4xx: the platform refuses this request (its words); retrying would not help.
    Refused {
        status: u16,
        message: String,
    },
    /// An answer that is not what the platform documents.
    Unexpected(String),
    /// The school's OAuth grant is missing, withdrawn or expired: an admin connects again.
    NotAuthorized,
}

impl RemoteError {
    /// Whether trying again later may succeed (the job retries it); a refusal is final.
    pub fn is_transient(&self) -> bool {
        !matches!(self, RemoteError::Refused { .. } | RemoteError::NotConfigured | RemoteError::NotAuthorized)
    }

    /// Whether the platform (or our access to it) is in trouble: counted by the breaker and shown
    /// as `failing`. A refusal of one request says nothing of the connection.
    fn is_connection_fault(&self) -> bool {
        !matches!(self, RemoteError::Refused { .. } | RemoteError::CircuitOpen { .. } | RemoteError::NotConfigured)
    }

    /// The platform no longer takes the access token (expired or unknown): a new one may pass.
    pub fn is_token_refused(&self) -> bool {
        matches!(self, RemoteError::Credentials { code: Some(code), .. } if code == "token_expired" || code == "invalid_token")
    }

    pub fn status_code(&self) -> Option<u16> {
        match self {
            RemoteError::Credentials { status, .. }
            | RemoteError::Server { status }
            | RemoteError::Refused { status, .. } => Some(*status),
            RemoteError::Throttled => Some(429),
            _ => None,
        }
    }

    /// The fault, for a secretary.
    pub fn message(&self, platform: ConnectorName) -> String {
        let p = platform.label();
        match self {
            RemoteError::NotConfigured => {
                format!("Le connecteur {p} n'est pas configuré : un administrateur le règle dans « Connecteurs ».")
            }
            RemoteError::CircuitOpen { until } => format!(
                "{p} a échoué plusieurs fois de suite : les appels reprennent après {} (UTC).",
                until.format("%H:%M:%S")
            ),
            RemoteError::Timeout => format!("{p} n'a pas répondu à temps ; une nouvelle tentative suivra."),
            RemoteError::Unreachable => format!("{p} est injoignable ; une nouvelle tentative suivra."),
            RemoteError::Credentials { .. } => format!(
                "{p} refuse les identifiants (expirés ou erronés) : un administrateur les renouvelle dans « Connecteurs »."
            ),
            RemoteError::Throttled => format!("{p} limite le nombre d'appels ; une nouvelle tentative suivra."),
            RemoteError::Server { status } => {
                format!("{p} est en panne (erreur {status}) ; une nouvelle tentative suivra.")
            }
            RemoteError::Refused { message, .. } => format!("{p} refuse la demande : {message}"),
            RemoteError::Unexpected(what) => format!("{p} a donné une réponse inattendue ({what})."),
            RemoteError::NotAuthorized => format!(
                "L'accès à {p} n'est pas (ou plus) autorisé : un administrateur connecte {p} dans « Connecteurs »."
            ),
        }
    }
}

/// What an exchange answers: the HTTP status and the value read from the body.
pub type Answer<T> = Result<(u16, T), RemoteError>;

/// A school's configured connection to a platform.
pub struct Remote {
    pub tenant: TenantId,
    pub name: ConnectorName,
    pub base_url: String,
    pub client_id: Option<String>,
    pub(super) client_secret: Option<Secret>,
    pub(super) http: reqwest::Client,
    pub(super) pool: PgPool,
    pub(super) breaker: CircuitBreaker,
    /// Seals the cached access token (the connector secrets' key).
    pub(super) sealer: Sealer,
}

/// A cached token is not used in its last minute: a call made with it must not outlive it.
const TOKEN_MARGIN_SECS: f64 = 60.0;

impl Remote {
    pub fn client_secret(&self) -> Option<&str> {
        self.client_secret.as_ref().map(Secret::expose)
    }

    /// A request to `path` on the platform.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base_url.trim_end_matches('/')))
    }

    /// Makes one call: refused at once while the circuit is open; otherwise bounded by the
    /// client's timeout, logged (`operation`, the `summary`, status, duration, fault) and counted
    /// in the connection's health, whatever happens to the caller's transaction.
    pub async fn exchange<T>(
        &self,
        operation: &str,
        summary: &str,
        student: Option<Uuid>,
        call: impl Future<Output = Answer<T>>,
    ) -> Result<T, RemoteError> {
        let now = Utc::now();
        let open_until = self.circuit_open_until().await?;
        if let Circuit::Open { until } = self.breaker.state(open_until, now) {
            return Err(RemoteError::CircuitOpen { until });
        }
        let started = Instant::now();
        let outcome = call.await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status, error) = match &outcome {
            Ok((status, _)) => (Some(*status), None),
            Err(e) => (e.status_code(), Some(e)),
        };
        let event = repo::NewEvent {
            connector: self.name,
            operation,
            request: summary,
            status_code: status.map(i32::from),
            duration_ms,
            error: error.map(|e| e.message(self.name)),
            student_id: student,
        };
        let connection_fault = error.is_some_and(RemoteError::is_connection_fault);
        if let Err(e) = self.record(&event, connection_fault).await {
            tracing::warn!(connector = self.name.as_str(), error = %e, "connectors: the exchange is not logged");
        }
        outcome.map(|(_, value)| value)
    }

    pub(super) fn token_bound_to(&self) -> Vec<u8> {
        [self.tenant.0.as_bytes().as_slice(), self.name.as_str().as_bytes(), b"/access-token"].concat()
    }

    /// The access token kept from an earlier call, if it is still good for a while.
    pub async fn cached_token(&self) -> Option<String> {
        let read = async {
            let mut tx = db::begin_tenant(&self.pool, self.tenant).await?;
            let sealed = repo::cached_token(&mut tx, self.tenant, self.name, TOKEN_MARGIN_SECS).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(sealed)
        };
        let sealed = read.await.ok().flatten()?;
        let raw = self.sealer.open(&sealed, &self.token_bound_to()).ok()?;
        String::from_utf8(raw).ok()
    }

    /// Keeps a new access token for the other calls (every job, every instance), or forgets the
    /// kept one (`None`: the platform said it expired). A failure only costs a new token later.
    pub async fn keep_token(&self, token: Option<(&str, i64)>) {
        let write = async {
            let sealed = match token {
                Some((t, _)) => Some(
                    self.sealer
                        .seal(t.as_bytes(), &self.token_bound_to())
                        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?,
                ),
                None => None,
            };
            let expires_at = token.map(|(_, secs)| Utc::now() + chrono::Duration::seconds(secs));
            let mut tx = db::begin_tenant(&self.pool, self.tenant).await?;
            let kept = sealed.as_deref().zip(expires_at);
            repo::store_token(&mut tx, self.tenant, self.name, kept).await?;
            tx.commit().await
        };
        if let Err(e) = write.await {
            tracing::warn!(connector = self.name.as_str(), error = %e, "connectors: the access token is not kept");
        }
    }

    async fn circuit_open_until(&self) -> Result<Option<DateTime<Utc>>, RemoteError> {
        let read = async {
            let mut tx = db::begin_tenant(&self.pool, self.tenant).await?;
            let until = repo::circuit_open_until(&mut tx, self.tenant, self.name).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(until)
        };
        read.await.map_err(|e| {
            tracing::warn!(error = %e, "connectors: cannot read the circuit");
            RemoteError::Unexpected("état du connecteur illisible".into())
        })
    }

    /// The log line and the health, in their own transaction: a failed job keeps them.
    async fn record(&self, event: &repo::NewEvent<'_>, connection_fault: bool) -> Result<(), sqlx::Error> {
        let mut tx = db::begin_tenant(&self.pool, self.tenant).await?;
        repo::insert_event(&mut tx, self.tenant, event).await?;
        if connection_fault {
            let failures = repo::count_failure(&mut tx, self.tenant, self.name, event.error.as_deref()).await?;
            let failures = u32::try_from(failures).unwrap_or(u32::MAX);
            if let Some(until) = self.breaker.opens_after(failures, Utc::now()) {
                repo::open_circuit(&mut tx, self.tenant, self.name, until).await?;
            }
        } else if event.error.is_none() || event.status_code.is_some() {
            // The platform answered (a success, or a refusal of this one request): it is reachable.
            repo::count_success(&mut tx, self.tenant, self.name).await?;
        }
        tx.commit().await
    }
}

/// Sends a request and reads the platform's answer: a 2xx body as `T`, anything else as the
/// [`RemoteError`] it means. The platforms answer errors as `{"error": code, "error_description"}`.
pub async fn send_json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> Answer<T> {
    let response = request
        .send()
        .await
        .map_err(|e| if e.is_timeout() { RemoteError::Timeout } else { RemoteError::Unreachable })?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| if e.is_timeout() { RemoteError::Timeout } else { RemoteError::Unreachable })?;
    if (200..300).contains(&status) {
        // A 204 (or any empty answer) reads as JSON `null`.
        let body: &[u8] = if body.is_empty() { b"null" } else { &body };
        return serde_json::from_slice(body)
            .map(|value| (status, value))
            .map_err(|_| RemoteError::Unexpected(format!("réponse {status} illisible")));
    }
    let error: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let code = error.get("error").and_then(Value::as_str).map(str::to_owned);
    Err(match status {
        401 | 403 => RemoteError::Credentials { status, code },
        429 => RemoteError::Throttled,
        500..=599 => RemoteError::Server { status },
        _ => RemoteError::Refused {
            status,
            message: error
                .get("error_description")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or(code)
                .unwrap_or_else(|| format!("erreur {status}")),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_final_and_do_not_count_against_the_connection() {
        let refused = RemoteError::Refused { status: 409, message: "x".into() };
        assert!(!refused.is_transient() && !refused.is_connection_fault());
        for fault in [RemoteError::Timeout, RemoteError::Throttled, RemoteError::Server { status: 502 }] {
            assert!(fault.is_transient() && fault.is_connection_fault());
        }
        let expired = RemoteError::Credentials { status: 401, code: Some("invalid_client".into()) };
        assert!(expired.message(ConnectorName::Ants).contains("identifiants"));
    }
}
