//! The journal of technical events (CGI art. 286 I 3° bis, "sécurisation"): what happened to the
//! software around the fiscal records, apart from the records themselves: start-ups and stops of
//! an instance, closures, archives, exports, restores, jumps of the clock. Written by the
//! application, never edited (the role may only add rows); an event of the whole installation
//! (a start-up) names no school and every school's ADMIN sees it.

use axum::{Json, extract::State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool, types::Json as Jsonb};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use volant_domain::ids::TenantId;

use crate::{
    auth::{Ctx, Permission},
    db,
    error::AppResult,
    http::{
        json::ApiQuery,
        page::{self, Page},
    },
    state::AppState,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Startup,
    Shutdown,
    Closure,
    Archive,
    Export,
    Restore,
    ClockJump,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TechnicalEvent {
    pub id: i64,
    pub kind: EventKind,
    /// The event concerns the whole installation (a start-up), not this school alone.
    pub installation: bool,
    /// What the event is about (a closure's period, an archive's year, the clock's drift…).
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub occurred_at: DateTime<Utc>,
}

/// Records an event of one school, in the caller's transaction (it lands with what it reports).
pub async fn record(
    conn: &mut PgConnection,
    tenant: TenantId,
    kind: EventKind,
    detail: serde_json::Value,
) -> sqlx::Result<()> {
    insert(conn, Some(tenant), kind, detail).await
}

/// Records an event of the whole installation.
pub async fn record_installation(pool: &PgPool, kind: EventKind, detail: serde_json::Value) -> sqlx::Result<()> {
    let mut conn = pool.acquire().await?;
    insert(&mut conn, None, kind, detail).await
}

async fn insert(
    conn: &mut PgConnection,
    tenant: Option<TenantId>,
    kind: EventKind,
    detail: serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO technical_events (tenant_id, kind, detail) VALUES ($1, $2, $3)")
        .bind(tenant.map(|t| t.0))
        .bind(db::to_text(&kind))
        .bind(Jsonb(detail))
        .execute(conn)
        .await?;
    Ok(())
}

type EventRow = (i64, String, bool, Jsonb<serde_json::Value>, DateTime<Utc>);

/// The school's events and the installation's, newest first, `before` an id for the next page.
pub async fn list(
    conn: &mut PgConnection,
    tenant: TenantId,
    before: Option<i64>,
    limit: i64,
) -> sqlx::Result<Vec<TechnicalEvent>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT id, kind, tenant_id IS NULL, detail, occurred_at FROM technical_events
          WHERE (tenant_id = $1 OR tenant_id IS NULL) AND ($2::bigint IS NULL OR id < $2)
          ORDER BY id DESC LIMIT $3",
    )
    .bind(tenant.0)
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, kind, installation, Jsonb(detail), occurred_at)| {
            Ok(TechnicalEvent { id, kind: db::from_text(&kind)?, installation, detail, occurred_at })
        })
        .collect()
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The journal of technical events (ADMIN), newest first: start-ups and stops of the software,
/// closures, archives, exports, restores and clock jumps.
#[utoipa::path(operation_id = "technical_events_list", get, path = "/technical-events", tag = "audit",
    params(EventQuery), responses((status = 200, body = Page<TechnicalEvent>), (status = 400), (status = 401), (status = 403)))]
async fn list_events(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> AppResult<Json<Page<TechnicalEvent>>> {
    let limit = page::limit(q.limit)?;
    let before: Option<i64> = page::decode_cursor(q.cursor.as_deref())?;
    let mut work = ctx.begin(&state, Permission::ReadAudit).await?;
    let rows = list(&mut work, ctx.tenant_id, before, limit + 1).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |e| e.id)))
}
