//! The guardian accounts of a student file: who follows a minor's training from their own space
//! (accepted invitations), who is invited and has not answered yet, and the office's removal.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{ids::TenantId, student};

use super::Student;
use crate::{
    audit::{Actor, Change},
    error::{AppError, AppResult},
    work::Work,
};

/// A guardian of the file: an account that follows the student, or an invitation not yet accepted.
#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct GuardianLink {
    /// The account (absent while the invitation is pending).
    pub user_id: Option<Uuid>,
    pub email: String,
    pub display_name: Option<String>,
    /// `active` (follows the student) or `invited` (the invitation waits for an answer).
    pub status: String,
    /// Since when: the acceptance, or the invitation.
    pub since: DateTime<Utc>,
    /// A pending invitation's last day.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GuardianLinks {
    pub items: Vec<GuardianLink>,
}

/// The file's guardians, accounts first, then pending invitations (newest first).
pub async fn list(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> Result<Vec<GuardianLink>, sqlx::Error> {
    sqlx::query_as(
        "SELECT g.user_id, u.email, u.display_name, 'active' AS status, g.created_at AS since,
                NULL::timestamptz AS expires_at
           FROM guardianships g JOIN users u ON u.id = g.user_id
          WHERE g.tenant_id = $1 AND g.student_id = $2
         UNION ALL
         SELECT NULL, i.email, NULL, 'invited', i.created_at, i.expires_at
           FROM invitations i
          WHERE i.tenant_id = $1 AND i.student_id = $2 AND i.role = 'GUARDIAN'
            AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
          ORDER BY status, since DESC",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_all(conn)
    .await
}

/// A guardian is invited only for a minor: an adult's file is theirs alone.
pub fn check_may_have_guardian(s: &Student, today: chrono::NaiveDate) -> AppResult<()> {
    if !student::is_minor(s.birth_date, today) {
        return Err(AppError::rule(
            "not_a_minor",
            format!(
                "{} {} a 18 ans ou plus : seul l'élève accède à son dossier, pas un représentant légal.",
                s.first_name, s.last_name
            ),
        ));
    }
    Ok(())
}

/// Links an account to a student it now follows (an accepted invitation), audited. Following the
/// same child twice changes nothing.
pub async fn add(conn: &mut PgConnection, actor: &Actor, student: Uuid, user: Uuid) -> AppResult<()> {
    let added = sqlx::query(
        "INSERT INTO guardianships (tenant_id, user_id, student_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(actor.tenant_id.0)
    .bind(user)
    .bind(student)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if added == 1 {
        let change = Change {
            action: "student.guardian.add",
            entity: "student",
            entity_id: Some(student),
            before: None,
            after: Some(json!({"guardian_user_id": user})),
        };
        crate::audit::record(conn, actor, change).await?;
    }
    Ok(())
}

/// The office removes a guardian's access to this student (their account stays, with their other
/// children); 404 when that account does not follow the student.
pub async fn remove(work: &mut Work, student: Uuid, user: Uuid) -> AppResult<()> {
    let tenant = work.tenant();
    let removed = sqlx::query("DELETE FROM guardianships WHERE tenant_id = $1 AND student_id = $2 AND user_id = $3")
        .bind(tenant.0)
        .bind(student)
        .bind(user)
        .execute(&mut **work)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    let change = Change {
        action: "student.guardian.remove",
        entity: "student",
        entity_id: Some(student),
        before: Some(json!({"guardian_user_id": user})),
        after: None,
    };
    work.audit().record(change).await
}

/// An erased student is nobody's child any more: their guardians lose the link.
pub async fn forget_student(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM guardianships WHERE tenant_id = $1 AND student_id = $2")
        .bind(tenant.0)
        .bind(student)
        .execute(conn)
        .await?;
    Ok(())
}
