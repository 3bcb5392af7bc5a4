//! The transmissions' rows: queued from the lessons done, their status, the ETP's minutes.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{LivretTransmission, TransmissionCounts};

/// How far back lessons done are queued (the ETP window and a margin).
const QUEUE_DAYS: f64 = 183.0;

/// Queues every lesson done (per student) not queued yet; returns the new rows' keys.
pub async fn queue_new(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<(Uuid, Uuid, Uuid)>, sqlx::Error> {
    sqlx::query_as(
        "WITH given AS (
            SELECT l.id AS lesson_id, l.student_id, l.kind, l.starts_at, l.ends_at
              FROM lessons l
             WHERE l.tenant_id = $1 AND l.status = 'done' AND l.kind IN ('driving', 'evaluation')
               AND l.student_id IS NOT NULL AND l.ends_at > now() - make_interval(days => $2::int)
            UNION ALL
            SELECT l.id, p.student_id, l.kind, l.starts_at, l.ends_at
              FROM lessons l JOIN lesson_participants p ON p.tenant_id = l.tenant_id AND p.lesson_id = l.id
             WHERE l.tenant_id = $1 AND l.status = 'done' AND l.kind IN ('code', 'exam')
               AND p.status NOT IN ('cancelled', 'no_show') AND l.ends_at > now() - make_interval(days => $2::int))
         INSERT INTO livret_transmissions (tenant_id, lesson_id, student_id, kind, starts_at, ends_at, minutes, key)
         SELECT $1, g.lesson_id, g.student_id,
                CASE g.kind WHEN 'driving' THEN CASE WHEN s.training_mode = 'aac' THEN 'aac_practice' ELSE 'practical' END
                            WHEN 'evaluation' THEN 'start_evaluation'
                            WHEN 'code' THEN 'theory'
                            ELSE 'exam_accompaniment' END,
                g.starts_at, g.ends_at, (extract(epoch FROM g.ends_at - g.starts_at) / 60)::int, gen_random_uuid()
           FROM given g JOIN students s ON s.tenant_id = $1 AND s.id = g.student_id
          WHERE NOT EXISTS (SELECT FROM livret_transmissions t
                             WHERE t.tenant_id = $1 AND t.lesson_id = g.lesson_id AND t.student_id = g.student_id)
         ON CONFLICT DO NOTHING
         RETURNING lesson_id, student_id, key",
    )
    .bind(tenant.0)
    .bind(QUEUE_DAYS)
    .fetch_all(conn)
    .await
}

/// The transmissions still to make (waiting for a grant, or after their job's last attempt).
pub async fn waiting(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<(Uuid, Uuid, Uuid)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT lesson_id, student_id, key FROM livret_transmissions
          WHERE tenant_id = $1 AND status IN ('pending', 'retrying', 'sent') LIMIT 5000",
    )
    .bind(tenant.0)
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

/// Makes a refused transmission new again, with a new key; `None` when it was not refused.
pub async fn renew(
    conn: &mut PgConnection,
    tenant: TenantId,
    lesson: Uuid,
    student: Uuid,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE livret_transmissions SET status = 'pending', reason = NULL, key = gen_random_uuid(), updated_at = now()
          WHERE tenant_id = $1 AND lesson_id = $2 AND student_id = $3 AND status = 'rejected'
         RETURNING key",
    )
    .bind(tenant.0)
    .bind(lesson)
    .bind(student)
    .fetch_optional(conn)
    .await
}

/// Per kind, in the window: the minutes given (a group lesson once) and those accepted.
pub async fn etp_minutes(
    conn: &mut PgConnection,
    tenant: TenantId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "WITH per_lesson AS (
            SELECT lesson_id, kind, max(minutes) AS minutes, bool_or(status = 'accepted') AS accepted
              FROM livret_transmissions
             WHERE tenant_id = $1 AND starts_at >= $2 AND starts_at < $3
             GROUP BY lesson_id, kind)
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
        "SELECT EXISTS (SELECT FROM livret_transmissions
                         WHERE tenant_id = $1 AND starts_at >= $2 AND starts_at < $3 AND status <> 'accepted')",
    )
    .bind(tenant.0)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await
}
