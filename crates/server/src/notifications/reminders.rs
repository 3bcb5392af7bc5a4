//! Lesson reminders, sent by Volant itself (no cron outside): every server instance runs the
//! scheduler; each pass takes each school in turn and raises `lesson_reminder` for the planned
//! lessons of the coming `reminder_hours` that have not had theirs. A reminder's key (the lesson
//! and its start) makes it once, whatever the number of instances and passes: the outbox refuses
//! a second job with the same key, and the pass skips lessons whose key is already there. A
//! second instance also skips a school another is scanning (a transaction-scoped advisory lock).
//! A moved lesson gets a reminder for its new time; a server that was down catches up on its
//! first pass for the lessons still to come. The same pass warns the student and the office, once,
//! of a file's document that expires within a month.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection, PgPool};
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{About, Event, Raised};
use crate::{db, school};

/// A lesson whose reminder is due.
#[derive(Debug, FromRow)]
struct Due {
    id: Uuid,
    kind: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    instructor_id: Option<Uuid>,
    meeting_point: Option<String>,
    students: Vec<Uuid>,
    key: String,
}

/// One pass over every school; the number of reminders raised.
pub async fn scan(pool: &PgPool) -> anyhow::Result<usize> {
    let tenants = school::active_ids(pool).await?;
    let mut raised = 0;
    for tenant in tenants {
        raised += scan_school(pool, tenant).await?;
    }
    Ok(raised)
}

async fn scan_school(pool: &PgPool, tenant: TenantId) -> anyhow::Result<usize> {
    let mut tx = db::begin_tenant(pool, tenant).await?;
    let lead = school::read(&mut tx, tenant).await?.settings.notifications.reminder_hours;
    if lead <= 0 || !super::try_lock_school(&mut tx, tenant, "reminders").await? {
        return Ok(0);
    }
    let due = due_lessons(&mut tx, tenant, lead).await?;
    for lesson in &due {
        let raised = Raised {
            event: Event::LessonReminder,
            key: lesson.key.clone(),
            students: lesson.students.clone(),
            instructor: lesson.instructor_id,
            requester: None,
            actor: None,
            about: About::Lesson {
                lesson_id: lesson.id,
                kind: lesson.kind.clone(),
                starts_at: lesson.starts_at,
                ends_at: lesson.ends_at,
                previous_starts_at: None,
                instructor_id: lesson.instructor_id,
                meeting_point: lesson.meeting_point.clone(),
                reason: None,
            },
        };
        super::raise_in(&mut tx, tenant, &raised).await?;
    }
    let documents = expiring_documents(&mut tx, tenant).await?;
    for doc in &documents {
        let raised = Raised {
            event: Event::DocumentExpiring,
            key: doc.key.clone(),
            students: vec![doc.student_id],
            instructor: None,
            requester: None,
            actor: None,
            about: About::Document {
                kind: doc.kind.clone(),
                expires_on: doc.expires_on,
                student_name: doc.student_name.clone(),
            },
        };
        super::raise_in(&mut tx, tenant, &raised).await?;
    }
    tx.commit().await?;
    Ok(due.len() + documents.len())
}

/// A document of an active student's file that expires within a month.
#[derive(Debug, FromRow)]
struct Expiring {
    student_id: Uuid,
    student_name: String,
    kind: String,
    expires_on: chrono::NaiveDate,
    key: String,
}

/// The current documents (not replaced) of active students expiring in the next 30 days whose
/// warning was not raised (once per document and expiry date).
async fn expiring_documents(conn: &mut PgConnection, tenant: TenantId) -> Result<Vec<Expiring>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.* FROM (
             SELECT doc.student_id, s.first_name || ' ' || s.last_name AS student_name, doc.kind, doc.expires_on,
                    'document_expiring:' || doc.id || ':' || doc.expires_on AS key
               FROM student_documents doc
               JOIN students s ON s.tenant_id = doc.tenant_id AND s.id = doc.student_id AND s.status = 'active'
              WHERE doc.tenant_id = $1 AND doc.replaced_at IS NULL
                AND doc.expires_on BETWEEN current_date AND current_date + 30) d
          WHERE NOT EXISTS (SELECT 1 FROM jobs j
                             WHERE j.kind = $2 AND j.idempotency_key = $1::text || ':' || d.key)",
    )
    .bind(tenant.0)
    .bind(super::DISPATCH)
    .fetch_all(conn)
    .await
}

/// Planned lessons (not blocks) starting within `lead` hours whose reminder was not raised, with
/// their students and their reminder's key.
async fn due_lessons(conn: &mut PgConnection, tenant: TenantId, lead: i64) -> Result<Vec<Due>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.* FROM (
             SELECT l.id, l.kind, l.starts_at, l.ends_at, l.instructor_id, l.meeting_point,
                    ARRAY(SELECT p.student_id FROM lesson_participants p
                           WHERE p.tenant_id = l.tenant_id AND p.lesson_id = l.id) AS students,
                    'lesson_reminder:' || l.id || ':' || floor(extract(epoch FROM l.starts_at))::bigint AS key
               FROM lessons l
              WHERE l.tenant_id = $1 AND l.status = 'planned' AND l.kind <> 'unavailability'
                AND l.starts_at > now() AND l.starts_at <= now() + make_interval(hours => $2)) d
          WHERE NOT EXISTS (SELECT 1 FROM jobs j
                             WHERE j.kind = $3 AND j.idempotency_key = $1::text || ':' || d.key)",
    )
    .bind(tenant.0)
    .bind(i32::try_from(lead).unwrap_or(i32::MAX))
    .bind(super::DISPATCH)
    .fetch_all(conn)
    .await
}
