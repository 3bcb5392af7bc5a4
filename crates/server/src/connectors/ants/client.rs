//! The ANTS platform's API as the adapter speaks it. No public ANTS API exists for schools
//! (`domain/regulation-fr.md` § ANTS): this is the interface Volant is written against, played
//! today by `volant simulate ants` (the `simulate::ants` module); a real one plugs in here.
//!
//! ```text
//! POST {base}/oauth/token   (form) grant_type=client_credentials&client_id=…&client_secret=…
//!   200 {"access_token", "token_type": "Bearer", "expires_in"}    401 {"error": "invalid_client"}
//! GET  {base}/v1/organisation                          the connection test
//! POST {base}/v1/dossiers            Idempotency-Key   files a dossier
//!   {"reference", "category", "applicant": {"first_name", "last_name", "birth_date"},
//!    "documents": [{"kind", "file_name", "content_type", "issued_on", "expires_on", "content_base64"}]}
//!   201 Dossier (200 with the same Dossier for a key already seen)
//! GET  {base}/v1/dossiers/{id}                         200 Dossier
//! POST {base}/v1/dossiers/{id}/documents  Idempotency-Key   completes an incomplete dossier
//!   {"documents": [...]}  200 Dossier (`submitted` again)    409 {"error": "not_incomplete"}
//! Dossier: {"id", "reference", "status": draft|submitted|in_review|incomplete|rejected|validated,
//!           "reasons": [{"document", "message"}], "neph", "updated_at"}
//! Errors: {"error": code, "error_description"}; 401 token_expired | invalid_token (a new token
//! is taken once); 429 with
//! Retry-After; 5xx.
//! ```

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, NaiveDate, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use volant_domain::{
    ants::{AntsDossierStatus, AntsReason},
    documents::DocumentKind,
};

use crate::connectors::{Remote, RemoteError, remote::send_json};

/// A dossier as the platform answers it.
#[derive(Clone, Debug, Deserialize)]
pub struct RemoteDossier {
    pub id: String,
    pub status: AntsDossierStatus,
    #[serde(default)]
    pub reasons: Vec<AntsReason>,
    pub neph: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
pub struct Applicant {
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
}

/// A document as it is filed.
#[derive(Serialize)]
pub struct FiledDocument {
    pub kind: DocumentKind,
    pub file_name: String,
    pub content_type: String,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub content_base64: String,
}

impl FiledDocument {
    pub fn new(
        kind: DocumentKind,
        file_name: String,
        content_type: String,
        dates: (Option<NaiveDate>, Option<NaiveDate>),
        bytes: &[u8],
    ) -> Self {
        let content_base64 = STANDARD.encode(bytes);
        FiledDocument { kind, file_name, content_type, issued_on: dates.0, expires_on: dates.1, content_base64 }
    }
}

#[derive(Serialize)]
struct Filing<'a> {
    reference: String,
    category: &'a str,
    applicant: &'a Applicant,
    documents: &'a [FiledDocument],
}

#[derive(Deserialize)]
struct Token {
    access_token: String,
    #[serde(default = "an_hour")]
    expires_in: i64,
}

fn an_hour() -> i64 {
    3600
}

/// A session with the platform: a bearer token (the one kept for the connector while it is good,
/// else a new one), taken again once when the platform says it expired.
pub struct Session<'r> {
    remote: &'r Remote,
    token: Option<String>,
}

impl<'r> Session<'r> {
    pub fn new(remote: &'r Remote) -> Self {
        Session { remote, token: None }
    }

    async fn token(&mut self) -> Result<String, RemoteError> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        let remote = self.remote;
        if let Some(token) = remote.cached_token().await {
            self.token = Some(token.clone());
            return Ok(token);
        }
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", remote.client_id.as_deref().unwrap_or_default()),
            ("client_secret", remote.client_secret().unwrap_or_default()),
        ];
        let call = send_json::<Token>(remote.request(Method::POST, "/oauth/token").form(&form));
        let answer = remote.exchange("token", "POST /oauth/token", None, call).await?;
        remote.keep_token(Some((&answer.access_token, answer.expires_in))).await;
        self.token = Some(answer.access_token.clone());
        Ok(answer.access_token)
    }

    /// Makes an authorised call; when the platform no longer takes the token (`token_expired`,
    /// `invalid_token`), takes a new one and makes the call once more.
    async fn call<T: serde::de::DeserializeOwned>(
        &mut self,
        operation: &str,
        summary: &str,
        student: Option<Uuid>,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<T, RemoteError> {
        let token = self.token().await?;
        let first = self.remote.exchange(operation, summary, student, send_json::<T>(build(&token))).await;
        match first {
            Err(e) if e.is_token_refused() => {
                self.token = None;
                self.remote.keep_token(None).await;
                let token = self.token().await?;
                self.remote.exchange(operation, summary, student, send_json::<T>(build(&token))).await
            }
            other => other,
        }
    }

    pub async fn organisation(&mut self) -> Result<(), RemoteError> {
        let remote = self.remote;
        let _: serde_json::Value = self
            .call("check", "GET /v1/organisation", None, |t| {
                remote.request(Method::GET, "/v1/organisation").bearer_auth(t)
            })
            .await?;
        Ok(())
    }

    /// Files a new dossier; `key` makes a retried filing the same filing.
    pub async fn file(
        &mut self,
        student: Uuid,
        key: Uuid,
        applicant: &Applicant,
        documents: &[FiledDocument],
    ) -> Result<RemoteDossier, RemoteError> {
        let remote = self.remote;
        let filing = Filing { reference: student.to_string(), category: "B", applicant, documents };
        let summary = format!("POST /v1/dossiers ({} pièces)", documents.len());
        self.call("submit", &summary, Some(student), |t| {
            remote
                .request(Method::POST, "/v1/dossiers")
                .bearer_auth(t)
                .header("Idempotency-Key", key.to_string())
                .json(&filing)
        })
        .await
    }

    /// Sends the completed documents of an incomplete dossier.
    pub async fn complete(
        &mut self,
        student: Uuid,
        remote_id: &str,
        key: Uuid,
        documents: &[FiledDocument],
    ) -> Result<RemoteDossier, RemoteError> {
        let remote = self.remote;
        let path = format!("/v1/dossiers/{remote_id}/documents");
        let summary = format!("POST {path} ({} pièces)", documents.len());
        let body = serde_json::json!({ "documents": documents });
        self.call("resubmit", &summary, Some(student), |t| {
            remote.request(Method::POST, &path).bearer_auth(t).header("Idempotency-Key", key.to_string()).json(&body)
        })
        .await
    }

    pub async fn read(&mut self, student: Uuid, remote_id: &str) -> Result<RemoteDossier, RemoteError> {
        let remote = self.remote;
        let path = format!("/v1/dossiers/{remote_id}");
        let summary = format!("GET {path}");
        self.call("sync", &summary, Some(student), |t| remote.request(Method::GET, &path).bearer_auth(t)).await
    }
}
