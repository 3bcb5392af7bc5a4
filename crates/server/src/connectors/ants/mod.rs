//! The ANTS adapter (SPEC § P2.1, § 6.6): a student's registration dossier filed from the
//! documents of the file, its statuses synced, the NEPH and `ants_status` written on validation,
//! the office alerted of what is missing or refused, and a corrected dossier filed again.
//!
//! Manual entry keeps working: the office may set `ants_status` and the NEPH on the file without a
//! connector. The two never fight: a status the platform confirms is written on the file when it
//! changes on the platform (and audited), so a manual entry stands until the platform says
//! something new.

pub mod client;
mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    ants::{AntsDossierStatus, AntsReason},
    documents::DocumentKind,
};

use super::{Connector, ConnectorName, ConnectorStatus, Remote, RemoteError};

/// The job that files (or completes) a dossier.
pub const SUBMIT: &str = "ants.submit";
/// The job that reads a dossier's status.
pub const SYNC: &str = "ants.sync";

pub struct Ants;

impl Connector for Ants {
    const NAME: ConnectorName = ConnectorName::Ants;

    async fn check(remote: &Remote) -> Result<(), RemoteError> {
        client::Session::new(remote).organisation().await
    }
}

/// A document sent with the last filing.
#[derive(Clone, Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct SentDocument {
    pub kind: DocumentKind,
    pub file_name: String,
}

/// A step of the dossier's life.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct AntsEvent {
    #[sqlx(try_from = "String")]
    #[schema(value_type = AntsDossierStatus)]
    pub status: StatusText,
    #[sqlx(json)]
    pub reasons: Vec<AntsReason>,
    /// `remote` (the platform said so) or `office` (someone asked).
    pub source: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// The status, stored as text.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(transparent)]
pub struct StatusText(pub AntsDossierStatus);

impl TryFrom<String> for StatusText {
    type Error = sqlx::Error;
    fn try_from(s: String) -> Result<Self, sqlx::Error> {
        crate::db::from_text(&s).map(StatusText)
    }
}

/// A student's dossier on ANTS as the office reads it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AntsDossier {
    pub student_id: Uuid,
    pub status: AntsDossierStatus,
    /// Why the platform stopped it (incomplete or rejected), each naming its document.
    pub reasons: Vec<AntsReason>,
    pub neph: Option<String>,
    /// The platform's number for the dossier.
    pub remote_id: Option<String>,
    /// The documents sent with the last filing.
    pub documents: Vec<SentDocument>,
    /// The file's documents that a filing needs and that are missing or expired: the platform
    /// will ask for them.
    pub missing_documents: Vec<DocumentKind>,
    /// A request on its way: `submit`, `resubmit` or `sync`.
    pub pending: Option<String>,
    /// The last fault, in French.
    pub last_error: Option<String>,
    /// Whether the office may file now (a new, completed or refused dossier, nothing pending).
    pub may_submit: bool,
    pub connector: ConnectorStatus,
    pub synced_at: Option<DateTime<Utc>>,
    /// Oldest first.
    pub history: Vec<AntsEvent>,
}
