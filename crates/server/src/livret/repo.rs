//! The transmissions' rows: queued from the lessons done, their status, the ETP's minutes.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{LivretTransmission, TransmissionCounts};

/// How far back lessons done are queued (the ETP window and a margin).
const QUEUE_DAYS: f64 = 183.0;

/// Queues every lesson done (per student) not queued yet; returns how many.
pub async fn queue_new(conn: &mut PgConnection, tenant: TenantId) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO livret_transmissions (tenant_id, lesson_id, student_id, kind, starts_at, ends_at, minutes, key)
         SELECT g.tenant_id, g.lesson_id, g.student_id, g.kind, g.starts_at, g.ends_at, g.minutes, gen_random_uuid()
           FROM livret_lessons g
          WHERE g.tenant_id = $1 AND g.ends_at > now() - make_interval(days => $2::int)
            AND NOT EXISTS (SELECT FROM livret_transmissions t
                             WHERE t.tenant_id = $1 AND t.lesson_id = g.lesson_id AND t.student_id = g.student_id)
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant.0)
    .bind(QUEUE_DAYS)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// The next transmissions to make, oldest lesson first: waiting for a grant, retrying, or sent by
/// a job that stopped before the answer.
pub async fn to_send(conn: &mut PgConnection, tenant: TenantId, limit: i64) -> Result<Vec<(Uuid, Uuid)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT lesson_id, student_id FROM livret_transmissions
          WHERE tenant_id = $1 AND status IN ('pending', 'retrying', 'sent') ORDER BY starts_at LIMIT $2",
    )
    .bind(tenant.0)
    .bind(limit)
    .fetch_all(conn)
    .await
}

const VIEW: &str = "SELECT t.lesson_id, t.student_id, s.first_name || ' ' || s.last_name AS student_name, t.kind,
                           t.starts_at, t.ends_at, t.minutes, t.status, t.reason, t.attempts, t.updated_at
                      FROM livret_transmissions t JOIN students s ON s.tenant_id = t.tenant_id AND s.id = t.student_id";

pub async fn list(
    conn: &mut PgConnection,
    tenant: TenantId,
    status: Option<&str>,
) -> Result<Vec<LivretTransmission>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VIEW} WHERE t.tenant_id = $1 AND ($2::text IS NULL OR t.status = $2)
          ORDER BY t.starts_at DESC, t.lesson_id, t.student_id LIMIT 500"
    )))
    .bind(tenant.0)
    .bind(status)
    .fetch_all(conn)
    .await
}

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    lesson: Uuid,
    student: Uuid,
) -> Result<Option<LivretTransmission>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{VIEW} WHERE t.tenant_id = $1 AND t.lesson_id = $2 AND t.student_id = $3"
    )))
    .bind(tenant.0)
    .bind(lesson)
    .bind(student)
    .fetch_optional(conn)
    .await
}

pub async fn counts(conn: &mut PgConnection, tenant: TenantId) -> Result<TransmissionCounts, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, count(*) FROM livret_transmissions WHERE tenant_id = $1 GROUP BY status")
            .bind(tenant.0)
            .fetch_all(conn)
            .await?;
    let mut counts = TransmissionCounts::default();
    for (status, n) in rows {
        match status.as_str() {
            "pending" => counts.pending = n,
            "sent" => counts.sent = n,
            "accepted" => counts.accepted = n,
            "rejected" => counts.rejected = n,
            _ => counts.retrying = n,
        }
    }
    Ok(counts)
}

/// What the livret is sent for one transmission.
#[derive(sqlx::FromRow)]
pub struct Outgoing {
    pub status: String,
    pub key: Uuid,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub minutes: i32,
    pub neph: Option<String>,
    pub category: String,
    pub training_mode: String,
    pub instructor_authorisation: Option<String>,
    pub vehicle_plate: Option<String>,
}

pub async fn outgoing(
    conn: &mut PgConnection,
    tenant: TenantId,
    lesson: Uuid,
    student: Uuid,
) -> Result<Option<Outgoing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.status, t.key, t.kind, t.starts_at, t.ends_at, t.minutes, s.neph, s.category, s.training_mode,
                i.authorisation_number AS instructor_authorisation, v.plate AS vehicle_plate
           FROM livret_transmissions t
           JOIN students s ON s.tenant_id = t.tenant_id AND s.id = t.student_id
           JOIN lessons l ON l.tenant_id = t.tenant_id AND l.id = t.lesson_id
           LEFT JOIN instructors i ON i.tenant_id = l.tenant_id AND i.id = l.instructor_id
           LEFT JOIN vehicles v ON v.tenant_id = l.tenant_id AND v.id = l.vehicle_id
          WHERE t.tenant_id = $1 AND t.lesson_id = $2 AND t.student_id = $3",
    )
    .bind(tenant.0)
    .bind(lesson)
    .bind(student)
    .fetch_optional(conn)
    .await
}

/// Records where a transmission stands; `attempted` counts a call made.
pub async fn set_status(
    conn: &mut PgConnection,
    tenant: TenantId,
    (lesson, student): (Uuid, Uuid),
    status: &str,
    reason: Option<&str>,
    attempted: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE livret_transmissions
            SET status = $4, reason = $5, attempts = attempts + CASE WHEN $6 THEN 1 ELSE 0 END, updated_at = now()
          WHERE tenant_id = $1 AND lesson_id = $2 AND student_id = $3",
    )
    .bind(tenant.0)
    .bind(lesson)
    .bind(student)
    .bind(status)
    .bind(reason)
    .bind(attempted)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Makes a refused transmission new again, with a new key; `false` when it was not refused.
pub async fn renew(
    conn: &mut PgConnection,
    tenant: TenantId,
    lesson: Uuid,
    student: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<_, Uuid>(
        "UPDATE livret_transmissions SET status = 'pending', reason = NULL, key = gen_random_uuid(), updated_at = now()
          WHERE tenant_id = $1 AND lesson_id = $2 AND student_id = $3 AND status = 'rejected'
         RETURNING key",
    )
    .bind(tenant.0)
    .bind(lesson)
    .bind(student)
    .fetch_optional(conn)
    .await
    .map(|key| key.is_some())
}

/// Per kind, in the window: the minutes given (a group lesson once) and those accepted; from the
/// lessons themselves, so that a school not connected yet sees every hour it would lose.
pub async fn etp_minutes(
    conn: &mut PgConnection,
    tenant: TenantId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "WITH per_lesson AS (
            SELECT g.lesson_id, g.kind, max(g.minutes) AS minutes, bool_or(t.status = 'accepted') AS accepted
              FROM livret_lessons g
              LEFT JOIN livret_transmissions t
                     ON t.tenant_id = g.tenant_id AND t.lesson_id = g.lesson_id AND t.student_id = g.student_id
             WHERE g.tenant_id = $1 AND g.starts_at >= $2 AND g.starts_at < $3
             GROUP BY g.lesson_id, g.kind)
         SELECT kind, sum(minutes)::bigint, (coalesce(sum(minutes) FILTER (WHERE accepted), 0))::bigint
           FROM per_lesson GROUP BY kind",
    )
    .bind(tenant.0)
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// Whether some lesson of the window is not accepted yet.
pub async fn any_unaccepted(
    conn: &mut PgConnection,
    tenant: TenantId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT FROM livret_lessons g
                          LEFT JOIN livret_transmissions t
                                 ON t.tenant_id = g.tenant_id AND t.lesson_id = g.lesson_id AND t.student_id = g.student_id
                         WHERE g.tenant_id = $1 AND g.starts_at >= $2 AND g.starts_at < $3
                           AND t.status IS DISTINCT FROM 'accepted')",
    )
    .bind(tenant.0)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await
}
