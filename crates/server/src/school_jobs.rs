//! A school's long-running work with its progress (SPEC § 6.1): an import, an export. The request
//! records the job and its input, and enqueues an outbox job in the same transaction; the worker
//! does the work, telling its progress in short transactions of its own (the office's progress bar
//! reads them while the work's own transaction is still open), then leaves the result here.
//! `GET /jobs/{id}` reads it.

use axum::{
    Json,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::ids::TenantId;

use crate::{
    auth::{Ctx, Permission},
    db,
    error::{AppError, AppResult},
    http::path_id,
    jobs,
    state::AppState,
    work::Work,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

/// How far a job is.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Progress {
    pub done: i32,
    pub total: i32,
}

/// A job as the office follows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SchoolJob {
    pub id: Uuid,
    /// `import` or `export`.
    pub kind: String,
    pub status: JobStatus,
    pub progress: Progress,
    /// The input file's name.
    pub input_name: Option<String>,
    /// What the job made (an import's report).
    #[schema(value_type = Object)]
    pub result: Option<Value>,
    /// Where to download what it made, if it made a file.
    pub result_url: Option<String>,
    /// Why it failed, in French.
    pub errors: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    kind: String,
    status: String,
    done: i32,
    total: i32,
    input_name: Option<String>,
    result: Option<Value>,
    has_file: bool,
    errors: Value,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

impl Row {
    fn view(self) -> SchoolJob {
        let status = match self.status.as_str() {
            "running" => JobStatus::Running,
            "done" => JobStatus::Done,
            "failed" => JobStatus::Failed,
            _ => JobStatus::Queued,
        };
        let errors = serde_json::from_value(self.errors).unwrap_or_default();
        SchoolJob {
            id: self.id,
            kind: self.kind,
            status,
            progress: Progress { done: self.done, total: self.total },
            input_name: self.input_name,
            result: self.result,
            result_url: self.has_file.then(|| format!("/api/v1/jobs/{}/file", self.id)),
            errors,
            created_at: self.created_at,
            finished_at: self.finished_at,
        }
    }
}

/// What a job is given.
pub struct NewJob<'a> {
    /// `import` or `export`.
    pub kind: &'a str,
    /// The outbox job that does the work (its handler is registered by the feature).
    pub runner: &'a str,
    pub options: Value,
    pub input_name: Option<&'a str>,
    pub input: Option<&'a [u8]>,
}

/// Records a job and enqueues its work, in the caller's transaction.
pub async fn create(work: &mut Work, new: NewJob<'_>) -> AppResult<SchoolJob> {
    let id = Uuid::now_v7();
    let tenant = work.tenant();
    sqlx::query(
        "INSERT INTO school_jobs (tenant_id, id, kind, options, input_name, input, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(new.kind)
    .bind(&new.options)
    .bind(new.input_name)
    .bind(new.input)
    .bind(work.actor.user_id)
    .execute(&mut **work)
    .await?;
    jobs::enqueue(work, Some(tenant), new.runner, &serde_json::json!({"job_id": id})).await?;
    get(work, tenant, id).await
}

pub async fn get(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> AppResult<SchoolJob> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, kind, status, done, total, input_name, result, result_file IS NOT NULL AS has_file, errors,
                created_at, finished_at
           FROM school_jobs WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.ok_or(AppError::NotFound)?.view())
}

/// What the worker needs to start: the options, the input, and who asked.
pub struct Started {
    pub options: Value,
    pub input: Vec<u8>,
    pub created_by: Option<Uuid>,
}

/// Marks the job running and hands over its input; `None` when it already ran (the outbox
/// may deliver a job twice).
pub async fn start(pool: &PgPool, tenant: TenantId, id: Uuid) -> anyhow::Result<Option<Started>> {
    let mut tx = db::begin_tenant(pool, tenant).await?;
    let row: Option<(Value, Option<Vec<u8>>, Option<Uuid>)> = sqlx::query_as(
        "UPDATE school_jobs SET status = 'running', started_at = now()
          WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running')
          RETURNING options, input, created_by",
    )
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(|(options, input, created_by)| Started { options, input: input.unwrap_or_default(), created_by }))
}

/// Tells how far the job is, in a transaction of its own.
pub async fn progress(pool: &PgPool, tenant: TenantId, id: Uuid, done: usize, total: usize) -> anyhow::Result<()> {
    let mut tx = db::begin_tenant(pool, tenant).await?;
    sqlx::query("UPDATE school_jobs SET done = $3, total = $4 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .bind(i32::try_from(done).unwrap_or(i32::MAX))
        .bind(i32::try_from(total).unwrap_or(i32::MAX))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Leaves the result (or the French reasons of a failure); the input is dropped.
pub async fn finish(
    pool: &PgPool,
    tenant: TenantId,
    id: Uuid,
    outcome: Result<Value, Vec<String>>,
) -> anyhow::Result<()> {
    let mut tx = db::begin_tenant(pool, tenant).await?;
    let (status, result, errors) = match outcome {
        Ok(result) => ("done", Some(result), Value::Array(vec![])),
        Err(errors) => ("failed", None, serde_json::json!(errors)),
    };
    sqlx::query(
        "UPDATE school_jobs SET status = $3, result = $4, errors = $5, input = NULL, finished_at = now(),
                done = CASE WHEN $3 = 'done' THEN total ELSE done END
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(status)
    .bind(result)
    .bind(errors)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps the file a job made.
pub async fn attach_file(pool: &PgPool, tenant: TenantId, id: Uuid, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let mut tx = db::begin_tenant(pool, tenant).await?;
    sqlx::query("UPDATE school_jobs SET result_file = $3, result_name = $4 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .bind(bytes)
        .bind(name)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_job)).routes(routes!(job_file))
}

/// The file a job made (a school export's zip); 404 while there is none.
#[utoipa::path(operation_id = "jobs_file", get, path = "/jobs/{id}/file", tag = "imports", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 401), (status = 403), (status = 404)))]
async fn job_file(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::TransferData).await?;
    let file: Option<(Option<Vec<u8>>, Option<String>)> =
        sqlx::query_as("SELECT result_file, result_name FROM school_jobs WHERE tenant_id = $1 AND id = $2")
            .bind(work.tenant().0)
            .bind(id)
            .fetch_optional(&mut *work)
            .await?;
    work.commit().await?;
    let Some((Some(bytes), name)) = file else { return Err(AppError::NotFound) };
    Ok(zip_response(bytes, &name.unwrap_or_else(|| "export.zip".into())))
}

/// A zip to download.
pub fn zip_response(bytes: Vec<u8>, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, "application/zip".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

/// A long job of the school (an import, an export): its status, progress and result.
#[utoipa::path(operation_id = "jobs_get", get, path = "/jobs/{id}", tag = "imports", params(("id" = Uuid, Path)),
    responses((status = 200, body = SchoolJob), (status = 401), (status = 403), (status = 404)))]
async fn get_job(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<SchoolJob>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::TransferData).await?;
    let tenant = work.tenant();
    let job = get(&mut work, tenant, id).await?;
    work.commit().await?;
    Ok(Json(job))
}
