//! The connectors to the State platforms (SPEC § 6.6): one framework for every remote platform.
//!
//! - A school's settings for a platform (its address, a client id) and its secrets, sealed at rest
//!   (AES-256-GCM under a key derived from `VOLANT_SECRET_KEY`, bound to the school and the
//!   platform; `VOLANT_PREVIOUS_SECRET_KEYS` keeps values sealed before a rotation readable until
//!   `volant admin rotate-secrets` seals them again). Secrets are write-only: no answer, log or
//!   audit entry holds one.
//! - Every remote call goes through [`remote::Remote::exchange`]: a timeout, the circuit breaker
//!   shared by every server instance, the exchange log (a summary, never a secret nor a document),
//!   and the connection's health (`connected` / `failing` with the fault in French).
//! - Calls that change something run in jobs (the outbox's retries with exponential backoff and
//!   jitter) and carry an idempotency key: a retried call never files twice.
//!
//! A platform plugs in by implementing [`Connector`]; ANTS is [`ants`].

pub mod ants;
pub mod oauth;
pub mod rdvpermis;
pub mod remote;
mod repo;
pub mod routes;
pub mod service;

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use remote::{Remote, RemoteError};

/// The platforms Volant connects to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectorName {
    Ants,
    /// RdvPermis and the digital livret: one editor API, one OAuth grant.
    Rdvpermis,
}

impl ConnectorName {
    pub const ALL: [ConnectorName; 2] = [ConnectorName::Ants, ConnectorName::Rdvpermis];

    pub fn as_str(self) -> &'static str {
        match self {
            ConnectorName::Ants => "ants",
            ConnectorName::Rdvpermis => "rdvpermis",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConnectorName::Ants => "ANTS",
            ConnectorName::Rdvpermis => "RdvPermis",
        }
    }

    /// Whether the school grants access through OAuth 2 (authorization code, then refresh tokens).
    pub fn uses_oauth(self) -> bool {
        self == ConnectorName::Rdvpermis
    }

    pub fn parse(s: &str) -> Option<ConnectorName> {
        ConnectorName::ALL.into_iter().find(|n| n.as_str() == s)
    }
}

/// A remote platform: its name and a harmless call that proves the settings work (the
/// "Tester la connexion" button).
pub trait Connector {
    const NAME: ConnectorName;
    fn check(remote: &Remote) -> impl Future<Output = Result<(), RemoteError>> + Send;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectorStatus {
    NotConfigured,
    Connected,
    Failing,
}

/// A platform's connection as the office reads it. Secrets never leave the server: only whether
/// one is set.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConnectorView {
    pub name: ConnectorName,
    pub label: &'static str,
    pub status: ConnectorStatus,
    pub base_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret_set: bool,
    /// For a platform reached through OAuth 2: whether the school granted access (`null` for the
    /// others). Granted with `GET /connectors/{name}/authorize`.
    pub authorized: Option<bool>,
    /// The last fault, in French.
    pub last_error: Option<String>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// Set while calls are suspended after repeated faults (the circuit breaker).
    pub circuit_open_until: Option<DateTime<Utc>>,
    /// `null` until configured.
    pub version: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Connectors {
    pub items: Vec<ConnectorView>,
}

/// A platform's settings. `client_secret` is write-only: omitted (or `null`), the stored one is
/// kept. `version` is required once the connector exists (412 when stale).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConnectorInput {
    /// The platform's address (or a simulator's), `https://…` (`http://` only on this machine).
    pub base_url: String,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub version: Option<i32>,
}

/// The answer of "Tester la connexion".
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectorTest {
    pub ok: bool,
    /// What happened, in French.
    pub message: String,
    pub connector: ConnectorView,
}

/// One exchange with a platform.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct ConnectorEvent {
    pub id: Uuid,
    /// `token`, `check`, `submit`, `resubmit`, `sync`.
    pub operation: String,
    /// The request, summarised (`POST /v1/dossiers (3 documents)`): never a secret nor a document.
    pub request: String,
    pub status_code: Option<i32>,
    pub duration_ms: i32,
    pub ok: bool,
    /// The fault, in French.
    pub error: Option<String>,
    pub student_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}
