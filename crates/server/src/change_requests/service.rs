//! A change request's business steps: whether a request makes sense, the pending request to
//! decide, the change made on approval, the decision recorded, audited and told to the requester.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::role::Role;

use super::{ChangeRequest, NewChangeRequest, RequestKind, RequestStatus, repo};
use crate::{
    audit::{self, Change},
    auth::Ctx,
    error::{AppError, AppResult},
    notifications::{self, About, Event, Raised},
    planning::{self, CancelledBy, Lesson, LessonKind, LessonStatus, service::Cancellation},
    work::Work,
};

/// A request makes sense for a planned lesson (not a block) that has not started; a move names
/// new times in the future.
pub fn check_request(lesson: &Lesson, input: &NewChangeRequest) -> AppResult<Option<(DateTime<Utc>, DateTime<Utc>)>> {
    if lesson.kind == LessonKind::Unavailability {
        return Err(AppError::field("lesson_id", "Une indisponibilité se gère dans « Mes disponibilités »."));
    }
    if lesson.status != LessonStatus::Planned {
        return Err(AppError::rule("lesson_not_planned", "Cette séance n'est plus prévue."));
    }
    if lesson.starts_at <= Utc::now() {
        return Err(AppError::rule(
            "lesson_started",
            "La séance a déjà commencé : voyez directement avec le secrétariat.",
        ));
    }
    match input.kind {
        RequestKind::Cancel => Ok(None),
        RequestKind::Move => {
            let (Some(starts), Some(ends)) = (input.starts_at, input.ends_at) else {
                return Err(AppError::field("starts_at", "Indiquez le nouvel horaire souhaité (début et fin)."));
            };
            if ends <= starts {
                return Err(AppError::field("ends_at", "La fin doit être après le début."));
            }
            if starts <= Utc::now() {
                return Err(AppError::field("starts_at", "Le nouvel horaire doit être dans le futur."));
            }
            Ok(Some((starts, ends)))
        }
    }
}

/// The request, locked, still waiting for a decision.
pub async fn pending(conn: &mut PgConnection, ctx: &Ctx, id: Uuid) -> AppResult<ChangeRequest> {
    let request = repo::get(conn, ctx.tenant_id, id, true).await?.ok_or(AppError::NotFound)?;
    if request.status != RequestStatus::Pending {
        return Err(AppError::rule("change_request_decided", "Cette demande a déjà été traitée."));
    }
    Ok(request)
}

/// Makes the change asked for.
pub async fn apply(work: &mut Work, request: &ChangeRequest, lesson: &Lesson, waive_charge: bool) -> AppResult<()> {
    match (request.kind, request.proposed_starts_at, request.proposed_ends_at) {
        (RequestKind::Move, Some(starts_at), Some(ends_at)) => {
            if lesson.status != LessonStatus::Planned {
                return Err(AppError::rule("lesson_not_planned", "Cette séance n'est plus prévue."));
            }
            let mut input = lesson.input();
            input.starts_at = starts_at;
            input.ends_at = ends_at;
            planning::service::plan(work, input, Some(lesson), None, false).await?;
        }
        _ => {
            let by = if request.requester_role == Role::Student.as_str() {
                CancelledBy::Student
            } else {
                CancelledBy::School
            };
            let reason = request.reason.as_deref().unwrap_or("Demande d'annulation acceptée");
            let order = Cancellation { reason: Some(reason), by, waive_charge, asked_at: request.created_at };
            planning::service::cancel_as_asked(work, lesson, &order).await?;
        }
    }
    Ok(())
}

/// Records the decision, audits it and tells the requester (a notification raised in the same
/// transaction).
pub async fn decide(
    conn: &mut PgConnection,
    ctx: &Ctx,
    request: &ChangeRequest,
    status: RequestStatus,
    note: Option<&str>,
) -> AppResult<ChangeRequest> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    repo::decide(conn, ctx.tenant_id, request.id, status, ctx.user_id.0, note).await?;
    let after = repo::get(conn, ctx.tenant_id, request.id, false).await?.ok_or(AppError::NotFound)?;
    let action = if status == RequestStatus::Approved { "change_request.approve" } else { "change_request.reject" };
    let change = Change {
        action,
        entity: "change_request",
        entity_id: Some(request.id),
        before: Some(json!(request)),
        after: Some(json!(after)),
    };
    audit::record(conn, &ctx.actor(), change).await?;
    let raised = Raised {
        event: Event::ChangeRequestDecided,
        key: format!("change_request_decided:{}", after.id),
        students: vec![],
        instructor: None,
        requester: Some(after.requested_by),
        actor: Some(ctx.user_id.0),
        about: About::Request {
            kind: match after.kind {
                RequestKind::Cancel => "cancel".into(),
                RequestKind::Move => "move".into(),
            },
            approved: after.status == RequestStatus::Approved,
            lesson_starts_at: after.lesson_starts_at,
            note: after.decision_note.clone(),
        },
    };
    notifications::raise_in(conn, ctx.tenant_id, &raised).await?;
    Ok(after)
}
