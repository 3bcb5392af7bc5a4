//! Documents of a student file: uploaded files (PDF, JPEG, PNG — the type is read from the
//! bytes, not the name), stored with the school's data; a newer document of a kind replaces the
//! older one; and the checklist of what is missing or expired.

use axum::extract::Multipart;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    documents::{CheckStatus, DocumentKind, Held, checklist},
    ids::{DocumentId, TenantId},
};

use crate::db::{from_text, to_text};
use crate::{
    error::{AppError, FieldErrors},
    work::Work,
};

/// 10 MiB: a scanned document, not an archive.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Document {
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    #[schema(value_type = DocumentKind)]
    pub kind: DocumentKindText,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i32,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    /// Set when a newer document of the same kind replaced this one.
    pub replaced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The kind, stored as text.
#[derive(Clone, Copy, Debug, Serialize, ToSchema)]
#[serde(transparent)]
pub struct DocumentKindText(#[schema(inline)] pub DocumentKind);

impl TryFrom<String> for DocumentKindText {
    type Error = sqlx::Error;
    fn try_from(s: String) -> Result<Self, sqlx::Error> {
        from_text(&s).map(DocumentKindText)
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChecklistItem {
    pub kind: DocumentKind,
    pub label: String,
    pub status: CheckStatus,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Documents {
    /// Newest first, replaced ones included.
    pub items: Vec<Document>,
    pub checklist: Vec<ChecklistItem>,
}

const COLUMNS: &str = "id, kind, file_name, content_type, size_bytes, issued_on, expires_on, replaced_at, created_at";

pub async fn list(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    birth: NaiveDate,
    today: NaiveDate,
) -> Result<Documents, sqlx::Error> {
    let items: Vec<Document> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM student_documents WHERE tenant_id = $1 AND student_id = $2 ORDER BY created_at DESC, id DESC"
    )))
    .bind(tenant.0)
    .bind(student)
    .fetch_all(conn)
    .await?;
    let held: Vec<Held> = items
        .iter()
        .filter(|d| d.replaced_at.is_none())
        .map(|d| Held { kind: d.kind.0, issued_on: d.issued_on, expires_on: d.expires_on })
        .collect();
    let checklist = checklist(birth, today, &held)
        .into_iter()
        .map(|c| ChecklistItem { kind: c.kind, label: c.label.to_owned(), status: c.status, message: c.message })
        .collect();
    Ok(Documents { items, checklist })
}

/// The type of a file from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

/// An upload read from `multipart/form-data`: `kind`, `issued_on`, `expires_on`, `file`.
pub struct Upload {
    pub kind: DocumentKind,
    pub issued_on: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

pub async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    let mut errors = FieldErrors::default();
    let (mut kind, mut issued_on, mut expires_on, mut file) = (None, None, None, None);
    let bad_form = |_| AppError::bad_request("Le formulaire d'envoi est illisible ou trop volumineux.");
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or("document").chars().take(200).collect::<String>();
                let bytes = field.bytes().await.map_err(|_| AppError::PayloadTooLarge)?;
                file = Some((file_name, bytes.to_vec()));
            }
            "kind" | "issued_on" | "expires_on" => {
                let text = field.text().await.map_err(bad_form)?;
                let text = text.trim().to_owned();
                match name.as_str() {
                    "kind" => kind = Some(text),
                    "issued_on" if !text.is_empty() => issued_on = Some(text),
                    "expires_on" if !text.is_empty() => expires_on = Some(text),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let kind = match kind.as_deref().map(from_text::<DocumentKind>) {
        Some(Ok(k)) => Some(k),
        Some(Err(_)) => {
            errors.add("kind", "Type de document inconnu.");
            None
        }
        None => {
            errors.add("kind", "Ce champ est obligatoire.");
            None
        }
    };
    let mut date = |field: &str, v: Option<String>| {
        v.and_then(|s| s.parse::<NaiveDate>().map_err(|_| errors.add(field, "Date invalide (AAAA-MM-JJ).")).ok())
    };
    let issued_on = date("issued_on", issued_on);
    let expires_on = date("expires_on", expires_on);
    let (file_name, bytes) = file.unwrap_or_default();
    let content_type = sniff(&bytes);
    if bytes.is_empty() {
        errors.add("file", "Choisissez un fichier à envoyer (il ne peut pas être vide).");
    } else if bytes.len() > MAX_DOCUMENT_BYTES {
        errors.add("file", "Le fichier dépasse 10 Mo.");
    } else if content_type.is_none() {
        errors.add("file", "Seuls les fichiers PDF, JPEG et PNG sont acceptés.");
    }
    errors.finish()?;
    match (kind, content_type) {
        (Some(kind), Some(content_type)) => Ok(Upload { kind, issued_on, expires_on, file_name, content_type, bytes }),
        _ => Err(AppError::field("file", "Seuls les fichiers PDF, JPEG et PNG sont acceptés.")),
    }
}

pub async fn store(work: &mut Work, student: Uuid, up: Upload) -> Result<Document, sqlx::Error> {
    let tenant = work.tenant().0;
    sqlx::query(
        "UPDATE student_documents SET replaced_at = now()
          WHERE tenant_id = $1 AND student_id = $2 AND kind = $3 AND replaced_at IS NULL AND kind <> 'other'",
    )
    .bind(tenant)
    .bind(student)
    .bind(to_text(&up.kind))
    .execute(&mut **work)
    .await?;
    let id = DocumentId::new().0;
    let size = i32::try_from(up.bytes.len()).unwrap_or(i32::MAX);
    let doc: Document = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO student_documents (tenant_id, id, student_id, kind, file_name, content_type, size_bytes, sha256,
                                        issued_on, expires_on, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {COLUMNS}"
    )))
    .bind(tenant)
    .bind(id)
    .bind(student)
    .bind(to_text(&up.kind))
    .bind(&up.file_name)
    .bind(up.content_type)
    .bind(size)
    .bind(Sha256::digest(&up.bytes).to_vec())
    .bind(up.issued_on)
    .bind(up.expires_on)
    .bind(work.actor.user_id)
    .fetch_one(&mut **work)
    .await?;
    sqlx::query("INSERT INTO student_document_files (tenant_id, document_id, content) VALUES ($1, $2, $3)")
        .bind(tenant)
        .bind(id)
        .bind(&up.bytes)
        .execute(&mut **work)
        .await?;
    Ok(doc)
}

/// The file of a document of this student: name, type, bytes.
pub async fn file(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    doc: Uuid,
) -> Result<Option<(String, String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.file_name, d.content_type, f.content FROM student_documents d
           JOIN student_document_files f ON f.tenant_id = d.tenant_id AND f.document_id = d.id
          WHERE d.tenant_id = $1 AND d.student_id = $2 AND d.id = $3",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(doc)
    .fetch_optional(conn)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some("image/png"));
        assert_eq!(sniff(b"MZ\x90\x00 an executable renamed .pdf"), None);
        assert_eq!(sniff(b"\x7fELF"), None);
    }
}
