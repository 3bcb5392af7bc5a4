//! The audit log as the ADMIN reads it: entries by entity or person, and the chain's verification.

use axum::{Json, extract::State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::audit::Verification;

use crate::{
    audit::{self, AuditEntry},
    auth::{Ctx, Permission},
    error::AppResult,
    http::{
        json::ApiQuery,
        page::{self, Page},
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(verify))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The school's audit log, newest first.
#[utoipa::path(operation_id = "audit_list", get, path = "/audit-log", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> AppResult<Json<Page<AuditEntry>>> {
    let limit = page::limit(q.limit)?;
    let before_seq: Option<i64> = page::decode_cursor(q.cursor.as_deref())?;
    let mut work = ctx.begin(&state, Permission::ReadAudit).await?;
    let rows: Vec<AuditEntry> = sqlx::query_as(
        "SELECT l.id, l.seq, l.occurred_at, l.actor_id, u.email AS actor_email, l.action, l.entity, l.entity_id,
                l.request_id, l.ip, p.before, p.after
           FROM audit_log l
           LEFT JOIN audit_payloads p ON p.tenant_id = l.tenant_id AND p.audit_id = l.id
           LEFT JOIN users u ON u.id = l.actor_id
          WHERE l.tenant_id = $1
            AND ($2::bigint IS NULL OR l.seq < $2)
            AND ($3::text IS NULL OR l.action = $3)
            AND ($4::text IS NULL OR l.entity = $4)
            AND ($5::uuid IS NULL OR l.entity_id = $5)
            AND ($6::uuid IS NULL OR l.actor_id = $6)
            AND ($7::timestamptz IS NULL OR l.occurred_at >= $7)
            AND ($8::timestamptz IS NULL OR l.occurred_at < $8)
          ORDER BY l.seq DESC LIMIT $9",
    )
    .bind(ctx.tenant_id.0)
    .bind(before_seq)
    .bind(&q.action)
    .bind(&q.entity)
    .bind(q.entity_id)
    .bind(q.actor_id)
    .bind(q.from)
    .bind(q.to)
    .bind(limit + 1)
    .fetch_all(&mut *work)
    .await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |e| e.seq)))
}

/// Re-computes the school's hash chain: `{ok, checked, first_broken}`.
#[utoipa::path(operation_id = "audit_verify", get, path = "/audit-log/verify", tag = "audit",
    responses((status = 200, body = VerificationView), (status = 401), (status = 403)))]
async fn verify(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<VerificationView>> {
    let mut work = ctx.begin(&state, Permission::ReadAudit).await?;
    let v = audit::verify(&mut work, ctx.tenant_id).await?;
    work.commit().await?;
    Ok(Json(v.into()))
}

/// The result of a verification of the audit chain.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct VerificationView {
    pub ok: bool,
    pub checked: u64,
    /// Sequence number of the first entry that does not verify.
    pub first_broken: Option<i64>,
}

impl From<Verification> for VerificationView {
    fn from(v: Verification) -> Self {
        VerificationView { ok: v.ok, checked: v.checked, first_broken: v.first_broken }
    }
}
