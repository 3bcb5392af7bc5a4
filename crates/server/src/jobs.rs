//! The jobs outbox. A job is inserted in the same transaction as the change that causes it, so
//! a rolled-back change sends nothing and a committed one loses nothing. Workers (one per server
//! instance) claim jobs with `FOR UPDATE SKIP LOCKED`, retry failures with exponential backoff and
//! leave a job `dead` after its last attempt, visible with `volant admin jobs`.

use std::{collections::HashMap, future::Future, pin::Pin, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{FromRow, PgConnection, PgPool};
use tokio::sync::watch;
use uuid::Uuid;
use volant_domain::ids::{JobId, TenantId};

use crate::state::AppState;

/// A job stuck `running` this long belongs to a dead worker: it is claimed again.
const STALE_AFTER_SECS: i64 = 300;
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

#[derive(Clone, Debug, FromRow)]
pub struct Job {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
    pub max_attempts: i32,
}

type BoxFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;
type Handler = Arc<dyn Fn(AppState, Job) -> BoxFuture + Send + Sync>;

/// Which code runs each kind of job.
#[derive(Clone, Default)]
pub struct JobRegistry {
    handlers: HashMap<String, Handler>,
}

impl JobRegistry {
    pub fn register<F, Fut>(mut self, kind: &str, handler: F) -> Self
    where
        F: Fn(AppState, Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        self.handlers.insert(kind.to_owned(), Arc::new(move |s, j| Box::pin(handler(s, j))));
        self
    }
}

/// Adds a job to the outbox inside the caller's transaction.
pub async fn enqueue(
    conn: &mut PgConnection,
    tenant: Option<TenantId>,
    kind: &str,
    payload: &impl Serialize,
) -> Result<JobId, sqlx::Error> {
    let id = JobId::new();
    let payload = serde_json::to_value(payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("INSERT INTO jobs (id, tenant_id, kind, payload) VALUES ($1, $2, $3, $4)")
        .bind(id.0)
        .bind(tenant.map(|t| t.0))
        .bind(kind)
        .bind(payload)
        .execute(conn)
        .await?;
    Ok(id)
}

/// Adds a job that exists once per `key` and kind, inside the caller's transaction: a second call
/// with the same key (a retried step, another server instance) adds nothing. `run_at` holds it
/// back until then. Returns whether this call added it.
pub async fn enqueue_once(
    conn: &mut PgConnection,
    tenant: Option<TenantId>,
    kind: &str,
    key: &str,
    payload: &impl Serialize,
    run_at: Option<DateTime<Utc>>,
) -> Result<bool, sqlx::Error> {
    let payload = serde_json::to_value(payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let added = sqlx::query(
        "INSERT INTO jobs (id, tenant_id, kind, payload, idempotency_key, run_at)
         VALUES ($1, $2, $3, $4, $5, COALESCE($6, now()))
         ON CONFLICT ON CONSTRAINT jobs_idempotency_key_unique DO NOTHING",
    )
    .bind(JobId::new().0)
    .bind(tenant.map(|t| t.0))
    .bind(kind)
    .bind(payload)
    .bind(key)
    .bind(run_at)
    .execute(conn)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Adds a school's job of `kind` unless one is already waiting or running: work done in batches
/// (one job takes what is there when it runs) needs no second job behind the first. Returns
/// whether this call added it.
pub async fn enqueue_unless_waiting(
    conn: &mut PgConnection,
    tenant: TenantId,
    kind: &str,
) -> Result<bool, sqlx::Error> {
    let added = sqlx::query(
        "INSERT INTO jobs (id, tenant_id, kind, payload)
         SELECT $1, $2, $3, '{}'::jsonb
          WHERE NOT EXISTS (SELECT FROM jobs WHERE tenant_id = $2 AND kind = $3 AND status IN ('queued', 'running'))",
    )
    .bind(JobId::new().0)
    .bind(tenant.0)
    .bind(kind)
    .execute(conn)
    .await?;
    Ok(added.rows_affected() == 1)
}

/// Runs jobs until shutdown. Polls, and wakes early when this instance enqueued something.
pub async fn run_worker(state: AppState, registry: JobRegistry, mut shutdown: watch::Receiver<bool>) {
    let poll = state.settings.job_poll_interval;
    loop {
        if *shutdown.borrow() {
            return;
        }
        match claim(&state.pool).await {
            Ok(Some(job)) => {
                run_one(&state, &registry, job).await;
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "jobs: cannot claim"),
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {},
            _ = state.jobs_wake.notified() => {},
            _ = shutdown.changed() => {},
        }
    }
}

async fn claim(pool: &PgPool) -> Result<Option<Job>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE jobs SET status = 'running', locked_at = now(), attempts = attempts + 1
          WHERE id = (SELECT id FROM jobs
                       WHERE (status = 'queued' AND run_at <= now())
                          OR (status = 'running' AND locked_at < now() - make_interval(secs => $1))
                       ORDER BY run_at
                       FOR UPDATE SKIP LOCKED
                       LIMIT 1)
         RETURNING id, tenant_id, kind, payload, attempts, max_attempts",
    )
    .bind(STALE_AFTER_SECS as f64)
    .fetch_optional(pool)
    .await
}

async fn run_one(state: &AppState, registry: &JobRegistry, job: Job) {
    let outcome = match registry.handlers.get(&job.kind) {
        Some(handler) => handler(state.clone(), job.clone()).await,
        None => Err(anyhow::anyhow!("no handler for job kind {}", job.kind)),
    };
    let result = match outcome {
        Ok(()) => {
            tracing::info!(job = %job.id, kind = %job.kind, attempts = job.attempts, "job done");
            sqlx::query("UPDATE jobs SET status = 'done', finished_at = now(), last_error = NULL WHERE id = $1")
                .bind(job.id)
                .execute(&state.pool)
                .await
        }
        Err(e) if job.attempts >= job.max_attempts => {
            tracing::error!(job = %job.id, kind = %job.kind, error = %e, "job dead after its last attempt");
            sqlx::query("UPDATE jobs SET status = 'dead', finished_at = now(), last_error = $2 WHERE id = $1")
                .bind(job.id)
                .bind(format!("{e:#}"))
                .execute(&state.pool)
                .await
        }
        Err(e) => {
            let delay = with_jitter(backoff(state.settings.job_backoff_base, job.attempts), rand::random::<f64>());
            tracing::warn!(job = %job.id, kind = %job.kind, error = %e, retry_in = ?delay, "job failed, will retry");
            sqlx::query(
                "UPDATE jobs SET status = 'queued', locked_at = NULL, last_error = $2,
                        run_at = now() + make_interval(secs => $3) WHERE id = $1",
            )
            .bind(job.id)
            .bind(format!("{e:#}"))
            .bind(delay.as_secs_f64())
            .execute(&state.pool)
            .await
        }
    };
    if let Err(e) = result {
        // The job stays `running` and is claimed again once stale: nothing is lost.
        tracing::error!(job = %job.id, error = %e, "jobs: cannot record the outcome");
    }
}

/// `base × 2^(attempt-1)`, capped at an hour.
pub fn backoff(base: Duration, attempt: i32) -> Duration {
    let exp = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(20);
    base.saturating_mul(2u32.saturating_pow(exp)).min(MAX_BACKOFF)
}

/// "Equal jitter": between half the delay and the whole of it, so that jobs that failed together
/// (a platform down for everyone) do not all come back at the same instant. `random` is in [0, 1).
pub fn with_jitter(delay: Duration, random: f64) -> Duration {
    delay.mul_f64(0.5 + 0.5 * random.clamp(0.0, 1.0))
}

/// A summary line per job for operators (`volant admin jobs`).
#[derive(Debug, FromRow, Serialize)]
pub struct JobSummary {
    pub id: Uuid,
    pub kind: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub async fn list(pool: &PgPool, status: Option<&str>) -> Result<Vec<JobSummary>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, status, attempts, last_error, created_at FROM jobs
          WHERE $1::text IS NULL OR status = $1 ORDER BY created_at DESC LIMIT 200",
    )
    .bind(status)
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let base = Duration::from_secs(2);
        assert_eq!(backoff(base, 1), Duration::from_secs(2));
        assert_eq!(backoff(base, 2), Duration::from_secs(4));
        assert_eq!(backoff(base, 4), Duration::from_secs(16));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
    }

    #[test]
    fn jitter_keeps_between_half_and_the_whole_delay() {
        let delay = Duration::from_secs(8);
        assert_eq!(with_jitter(delay, 0.0), Duration::from_secs(4));
        assert_eq!(with_jitter(delay, 0.5), Duration::from_secs(6));
        assert!(with_jitter(delay, 0.999) <= delay);
    }
}
