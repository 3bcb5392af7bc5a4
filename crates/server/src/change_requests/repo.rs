use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{ChangeRequest, RequestKind, RequestStatus};

const SELECT: &str = "SELECT c.id, c.lesson_id, c.kind, c.status, c.reason, c.proposed_starts_at, c.proposed_ends_at,
        c.requested_by, u.display_name AS requester_name, c.requester_role, c.created_at, c.decided_by, c.decided_at,
        c.decision_note, l.kind AS lesson_kind, l.starts_at AS lesson_starts_at, l.ends_at AS lesson_ends_at,
        l.student_id, s.first_name || ' ' || s.last_name AS student_name,
        l.instructor_id, i.first_name || ' ' || i.last_name AS instructor_name
   FROM change_requests c
   JOIN lessons l ON l.tenant_id = c.tenant_id AND l.id = c.lesson_id
   JOIN users u ON u.id = c.requested_by
   LEFT JOIN students s ON s.tenant_id = l.tenant_id AND s.id = l.student_id
   LEFT JOIN instructors i ON i.tenant_id = l.tenant_id AND i.id = l.instructor_id";

pub struct NewRow<'a> {
    pub id: Uuid,
    pub lesson_id: Uuid,
    pub kind: RequestKind,
    pub reason: Option<&'a str>,
    pub proposed: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub requested_by: Uuid,
    pub requester_role: &'a str,
}

pub async fn insert(conn: &mut PgConnection, tenant: TenantId, r: &NewRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO change_requests (tenant_id, id, lesson_id, kind, reason, proposed_starts_at, proposed_ends_at,
                requested_by, requester_role)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant.0)
    .bind(r.id)
    .bind(r.lesson_id)
    .bind(r.kind.as_str())
    .bind(r.reason)
    .bind(r.proposed.map(|p| p.0))
    .bind(r.proposed.map(|p| p.1))
    .bind(r.requested_by)
    .bind(r.requester_role)
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn get(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> Result<Option<ChangeRequest>, sqlx::Error> {
    let lock = if lock { " FOR UPDATE OF c" } else { "" };
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.tenant_id = $1 AND c.id = $2{lock}")))
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await
}

pub struct Filter {
    pub status: Option<RequestStatus>,
    /// Narrows to one person's own requests.
    pub requested_by: Option<Uuid>,
    /// Rows strictly after this (created_at, id), newest first.
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

/// The newest requests first.
pub async fn list(conn: &mut PgConnection, tenant: TenantId, f: &Filter) -> Result<Vec<ChangeRequest>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.tenant_id = $1 AND ($2::text IS NULL OR c.status = $2)
            AND ($3::uuid IS NULL OR c.requested_by = $3)
            AND ($4::timestamptz IS NULL OR (c.created_at, c.id) < ($4, $5))
          ORDER BY c.created_at DESC, c.id DESC LIMIT $6"
    )))
    .bind(tenant.0)
    .bind(f.status.map(RequestStatus::as_str))
    .bind(f.requested_by)
    .bind(f.after.map(|a| a.0))
    .bind(f.after.map(|a| a.1))
    .bind(f.limit)
    .fetch_all(conn)
    .await
}

pub async fn decide(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    status: RequestStatus,
    decided_by: Uuid,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE change_requests SET status = $3, decided_by = $4, decided_at = now(), decision_note = $5
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(status.as_str())
    .bind(decided_by)
    .bind(note)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Where to tell the requester about the decision.
pub async fn email_of(conn: &mut PgConnection, user: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT email FROM users WHERE id = $1 AND erased_at IS NULL")
        .bind(user)
        .fetch_optional(conn)
        .await
}
