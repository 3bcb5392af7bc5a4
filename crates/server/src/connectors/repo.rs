//! The connectors' rows: settings, sealed secrets, health and the exchange log.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{ConnectorEvent, ConnectorName};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Row {
    pub base_url: String,
    pub client_id: Option<String>,
    pub secrets: Option<Vec<u8>>,
    pub authorized_at: Option<DateTime<Utc>>,
    pub status: String,
    pub last_error: Option<String>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub circuit_open_until: Option<DateTime<Utc>>,
    pub version: i32,
}

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
    lock: bool,
) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT base_url, client_id, secrets, authorized_at, status, last_error, last_success_at, circuit_open_until,
                version
           FROM connectors WHERE tenant_id = $1 AND name = $2{}",
        if lock { " FOR UPDATE" } else { "" }
    )))
    .bind(tenant.0)
    .bind(name.as_str())
    .fetch_optional(conn)
    .await
}

/// Writes the settings (a new connector, or a new version of one); a change of settings gives
/// the connection a fresh start (closed circuit, no fault).
pub async fn put(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
    base_url: &str,
    client_id: Option<&str>,
    secrets: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO connectors (tenant_id, name, base_url, client_id, secrets) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, name) DO UPDATE
            SET base_url = EXCLUDED.base_url, client_id = EXCLUDED.client_id, secrets = EXCLUDED.secrets,
                access_token = NULL, access_token_expires_at = NULL,
                authorized_at = CASE WHEN (connectors.base_url, connectors.client_id)
                                          IS NOT DISTINCT FROM (EXCLUDED.base_url, EXCLUDED.client_id)
                                     THEN connectors.authorized_at END,
                status = 'connected', last_error = NULL, consecutive_failures = 0, circuit_open_until = NULL,
                version = connectors.version + 1, updated_at = now()",
    )
    .bind(tenant.0)
    .bind(name.as_str())
    .bind(base_url)
    .bind(client_id)
    .bind(secrets)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every school, suspended ones included (their secrets are sealed again too).
pub async fn every_school(pool: &sqlx::PgPool) -> Result<Vec<TenantId>, sqlx::Error> {
    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM tenants ORDER BY id").fetch_all(pool).await?;
    Ok(ids.into_iter().map(TenantId).collect())
}

/// Every sealed secret of the school (for a key rotation).
pub async fn all_secrets(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as("SELECT name, secrets FROM connectors WHERE tenant_id = $1 AND secrets IS NOT NULL")
        .bind(tenant.0)
        .fetch_all(conn)
        .await
}

/// Records a grant (new sealed secrets holding the refresh token), or its end (`None`).
pub async fn set_grant(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
    secrets: Option<&[u8]>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connectors SET secrets = COALESCE($3, secrets),
                authorized_at = CASE WHEN $3::bytea IS NULL THEN NULL ELSE COALESCE(authorized_at, now()) END
          WHERE tenant_id = $1 AND name = $2",
    )
    .bind(tenant.0)
    .bind(name.as_str())
    .bind(secrets)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn replace_secrets(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: &str,
    secrets: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE connectors SET secrets = $3 WHERE tenant_id = $1 AND name = $2")
        .bind(tenant.0)
        .bind(name)
        .bind(secrets)
        .execute(conn)
        .await?;
    Ok(())
}

/// The sealed access token, while it is valid for `margin_secs` more.
pub async fn cached_token(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
    margin_secs: f64,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let token: Option<Option<Vec<u8>>> = sqlx::query_scalar(
        "SELECT access_token FROM connectors
          WHERE tenant_id = $1 AND name = $2 AND access_token_expires_at > now() + make_interval(secs => $3)",
    )
    .bind(tenant.0)
    .bind(name.as_str())
    .bind(margin_secs)
    .fetch_optional(conn)
    .await?;
    Ok(token.flatten())
}

/// Keeps (or, with `None`, forgets) the sealed access token.
pub async fn store_token(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
    token: Option<(&[u8], DateTime<Utc>)>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connectors SET access_token = $3, access_token_expires_at = $4 WHERE tenant_id = $1 AND name = $2",
    )
    .bind(tenant.0)
    .bind(name.as_str())
    .bind(token.map(|t| t.0))
    .bind(token.map(|t| t.1))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn circuit_open_until(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let until: Option<Option<DateTime<Utc>>> =
        sqlx::query_scalar("SELECT circuit_open_until FROM connectors WHERE tenant_id = $1 AND name = $2")
            .bind(tenant.0)
            .bind(name.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(until.flatten())
}

/// One more fault in a row; returns how many now.
pub async fn count_failure(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
    error: Option<&str>,
) -> Result<i32, sqlx::Error> {
    let n: Option<i32> = sqlx::query_scalar(
        "UPDATE connectors SET status = 'failing', last_error = $3, consecutive_failures = consecutive_failures + 1
          WHERE tenant_id = $1 AND name = $2 RETURNING consecutive_failures",
    )
    .bind(tenant.0)
    .bind(name.as_str())
    .bind(error)
    .fetch_optional(conn)
    .await?;
    Ok(n.unwrap_or(0))
}

pub async fn open_circuit(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
    until: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE connectors SET circuit_open_until = $3 WHERE tenant_id = $1 AND name = $2")
        .bind(tenant.0)
        .bind(name.as_str())
        .bind(until)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn count_success(conn: &mut PgConnection, tenant: TenantId, name: ConnectorName) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE connectors SET status = 'connected', last_error = NULL, last_success_at = now(),
                consecutive_failures = 0, circuit_open_until = NULL
          WHERE tenant_id = $1 AND name = $2",
    )
    .bind(tenant.0)
    .bind(name.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

pub struct NewEvent<'a> {
    pub connector: ConnectorName,
    pub operation: &'a str,
    pub request: &'a str,
    pub status_code: Option<i32>,
    pub duration_ms: i32,
    pub error: Option<String>,
    pub student_id: Option<Uuid>,
}

pub async fn insert_event(conn: &mut PgConnection, tenant: TenantId, e: &NewEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO connector_events (tenant_id, id, connector, operation, request, status_code, duration_ms, ok,
                                       error, student_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tenant.0)
    .bind(Uuid::now_v7())
    .bind(e.connector.as_str())
    .bind(e.operation)
    .bind(e.request)
    .bind(e.status_code)
    .bind(e.duration_ms)
    .bind(e.error.is_none())
    .bind(&e.error)
    .bind(e.student_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The newest exchanges first, `limit + 1` of them, before the cursor's (time, id).
pub async fn events(
    conn: &mut PgConnection,
    tenant: TenantId,
    name: ConnectorName,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<ConnectorEvent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, operation, request, status_code, duration_ms, ok, error, student_id, created_at
           FROM connector_events
          WHERE tenant_id = $1 AND connector = $2
            AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4))
          ORDER BY created_at DESC, id DESC LIMIT $5",
    )
    .bind(tenant.0)
    .bind(name.as_str())
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(limit + 1)
    .fetch_all(conn)
    .await
}
