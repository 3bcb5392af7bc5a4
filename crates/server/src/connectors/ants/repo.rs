//! The dossiers' rows, their history, and the documents a filing sends.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::{
    ants::{AntsDossierStatus, AntsReason},
    ids::TenantId,
};

use super::{AntsEvent, SentDocument};
use crate::db::{from_text, to_text};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Row {
    pub status: String,
    pub remote_id: Option<String>,
    pub reasons: Value,
    pub neph: Option<String>,
    pub documents: Value,
    pub pending: Option<String>,
    pub submission_key: Option<Uuid>,
    pub last_error: Option<String>,
    pub synced_at: Option<DateTime<Utc>>,
}

impl Row {
    pub fn status(&self) -> Result<AntsDossierStatus, sqlx::Error> {
        from_text(&self.status)
    }

    pub fn reasons(&self) -> Vec<AntsReason> {
        serde_json::from_value(self.reasons.clone()).unwrap_or_default()
    }

    pub fn documents(&self) -> Vec<SentDocument> {
        serde_json::from_value(self.documents.clone()).unwrap_or_default()
    }
}

const COLUMNS: &str = "status, remote_id, reasons, neph, documents, pending, submission_key, last_error, synced_at";

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    lock: bool,
) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM ants_dossiers WHERE tenant_id = $1 AND student_id = $2{}",
        if lock { " FOR UPDATE" } else { "" }
    )))
    .bind(tenant.0)
    .bind(student)
    .fetch_optional(conn)
    .await
}

/// The dossier, made `draft` on first use, locked for the caller's change.
pub async fn get_or_open(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> Result<Row, sqlx::Error> {
    sqlx::query("INSERT INTO ants_dossiers (tenant_id, student_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(tenant.0)
        .bind(student)
        .execute(&mut *conn)
        .await?;
    get(conn, tenant, student, true).await?.ok_or(sqlx::Error::RowNotFound)
}

/// Marks a request on its way (`submit`, `resubmit`, `sync`) with the key its call will carry.
pub async fn set_pending(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    pending: &str,
    key: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE ants_dossiers SET pending = $3, submission_key = COALESCE($4, submission_key), last_error = NULL,
                version = version + 1, updated_at = now()
          WHERE tenant_id = $1 AND student_id = $2",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(pending)
    .bind(key)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Records a fault; `give_up` ends the pending request (a refusal, or the last attempt).
pub async fn set_error(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    error: &str,
    give_up: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE ants_dossiers SET last_error = $3, pending = CASE WHEN $4 THEN NULL ELSE pending END,
                updated_at = now()
          WHERE tenant_id = $1 AND student_id = $2",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(error)
    .bind(give_up)
    .execute(conn)
    .await
    .map(|_| ())
}

/// What the platform answered: the dossier as it is there, the request done.
pub struct Confirmed<'a> {
    pub status: AntsDossierStatus,
    pub remote_id: &'a str,
    pub reasons: &'a [AntsReason],
    pub neph: Option<&'a str>,
    pub remote_updated_at: DateTime<Utc>,
    /// The documents sent, when this answer was to a filing.
    pub sent: Option<&'a [SentDocument]>,
    /// A note for the office (a NEPH that could not be written), else none.
    pub note: Option<&'a str>,
}

pub async fn confirm(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    c: &Confirmed<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE ants_dossiers
            SET status = $3, remote_id = $4, reasons = $5, neph = COALESCE($6, neph), remote_updated_at = $7,
                documents = COALESCE($8, documents), pending = NULL, last_error = $9, synced_at = now(),
                version = version + 1, updated_at = now()
          WHERE tenant_id = $1 AND student_id = $2",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(to_text(&c.status))
    .bind(c.remote_id)
    .bind(serde_json::to_value(c.reasons).unwrap_or_default())
    .bind(c.neph)
    .bind(c.remote_updated_at)
    .bind(c.sent.map(|s| serde_json::to_value(s).unwrap_or_default()))
    .bind(c.note)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn add_history(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    status: AntsDossierStatus,
    reasons: &[AntsReason],
    source: &str,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ants_history (tenant_id, id, student_id, status, reasons, source, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.0)
    .bind(Uuid::now_v7())
    .bind(student)
    .bind(to_text(&status))
    .bind(serde_json::to_value(reasons).unwrap_or_default())
    .bind(source)
    .bind(note)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn history(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> Result<Vec<AntsEvent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT status, reasons, source, note, at FROM ants_history
          WHERE tenant_id = $1 AND student_id = $2 ORDER BY at, id",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_all(conn)
    .await
}

/// A document of the file as a filing sends it.
#[derive(sqlx::FromRow)]
pub struct FileDocument {
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub content: Vec<u8>,
}

/// The current (not replaced) documents of the file, with their bytes.
pub async fn current_documents(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
) -> Result<Vec<FileDocument>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.kind, d.file_name, d.content_type, d.issued_on, d.expires_on, f.content
           FROM student_documents d
           JOIN student_document_files f ON f.tenant_id = d.tenant_id AND f.document_id = d.id
          WHERE d.tenant_id = $1 AND d.student_id = $2 AND d.replaced_at IS NULL
          ORDER BY d.created_at",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_all(conn)
    .await
}

/// The dossiers the platform is deciding on and that were not read for `stale_secs`.
pub async fn due_for_sync(
    conn: &mut PgConnection,
    tenant: TenantId,
    stale_secs: f64,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT student_id FROM ants_dossiers
          WHERE tenant_id = $1 AND status IN ('submitted', 'in_review') AND pending IS NULL
            AND (synced_at IS NULL OR synced_at < now() - make_interval(secs => $2))",
    )
    .bind(tenant.0)
    .bind(stale_secs)
    .fetch_all(conn)
    .await
}

/// Dossiers stopped by the platform (incomplete or rejected), for the office's alerts.
#[derive(sqlx::FromRow)]
pub struct Stopped {
    pub student_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub status: String,
    pub reasons: Value,
}

pub async fn stopped(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<Stopped>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.student_id, s.first_name, s.last_name, d.status, d.reasons
           FROM ants_dossiers d JOIN students s ON s.tenant_id = d.tenant_id AND s.id = d.student_id
          WHERE d.tenant_id = $1 AND d.status IN ('incomplete', 'rejected') AND d.pending IS NULL
          ORDER BY s.last_name, s.first_name",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await
}
