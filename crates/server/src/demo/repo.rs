use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::ids::TenantId;

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct CaughtMail {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub body_text: String,
    /// The HTML part of a notification's mail.
    pub body_html: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An SMS the demo sent (to its SMS simulator).
#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct CaughtSms {
    pub id: Uuid,
    pub to: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// The last 200 SMS of the school, newest first.
pub async fn caught_sms(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<CaughtSms>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, to_number AS to, body AS text, created_at FROM demo_sms
          WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 200",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await
}

/// The last 200 mails caught for the school or for its members' addresses, newest first.
pub async fn caught_mails(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<CaughtMail>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.to_address AS to, d.subject, d.body_text, d.body_html, d.created_at FROM demo_mails d
          WHERE d.tenant_id = $1
             OR (d.tenant_id IS NULL AND d.to_address IN (
                   SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1))
          ORDER BY d.created_at DESC LIMIT 200",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await
}
