use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::role::Role;

use super::{ChangeRequest, Decision, NewChangeRequest, RequestKind, RequestStatus, repo};
use crate::{
    audit::{self, Change},
    auth::{Ctx, Permission},
    error::{AppError, AppResult, retrying, violated_constraint},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        path_id,
    },
    mail::{self, OutgoingMail},
    planning::{self, CancelledBy, Lesson, LessonKind, LessonStatus, service::Cancellation},
    state::AppState,
    work::Work,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(approve)).routes(routes!(reject))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `pending`, `approved` or `rejected` (default: all).
    pub status: Option<RequestStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Change requests, newest first: the office sees every request, an instructor or a student
/// their own.
#[utoipa::path(get, path = "/change-requests", operation_id = "change_requests_list", tag = "planning",
    params(ListQuery), responses((status = 200, body = Page<ChangeRequest>), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<ChangeRequest>>> {
    let limit = page::limit(q.limit)?;
    let office = matches!(ctx.role, Role::Admin | Role::Secretary);
    let filter = repo::Filter {
        status: q.status,
        requested_by: (!office).then_some(ctx.user_id.0),
        after: page::decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let mut work = ctx.begin(&state, Permission::ReadPlanning).await?;
    let rows = repo::list(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |r| (r.created_at, r.id))))
}

/// An instructor or a student asks the office to cancel or move one of their lessons.
#[utoipa::path(post, path = "/change-requests", operation_id = "change_requests_create", tag = "planning",
    request_body = NewChangeRequest,
    responses((status = 201, body = ChangeRequest), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::RequestChanges).await?;
    let input: NewChangeRequest = body.parse()?;
    let lesson = match planning::routes::visible(&mut work, input.lesson_id, true).await {
        Err(AppError::NotFound) => return Err(AppError::field("lesson_id", "Cette séance est introuvable.")),
        other => other?,
    };
    let proposed = check_request(&lesson, &input)?;
    let id = Uuid::now_v7();
    let row = repo::NewRow {
        id,
        lesson_id: lesson.id,
        kind: input.kind,
        reason: input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()),
        proposed,
        requested_by: ctx.user_id.0,
        requester_role: ctx.role.as_str(),
    };
    if let Err(e) = repo::insert(&mut work, ctx.tenant_id, &row).await {
        return Err(if violated_constraint(&e) == Some("change_requests_one_pending") {
            AppError::rule("change_request_pending", "Une demande est déjà en attente pour cette séance.")
        } else {
            e.into()
        });
    }
    let saved = repo::get(&mut work, ctx.tenant_id, id, false).await?.ok_or(AppError::NotFound)?;
    work.audit().created("change_request", id, &saved).await?;
    work.commit().await?;
    Ok(created(saved))
}

/// A request makes sense for a planned lesson (not a block) that has not started; a move names
/// new times in the future.
fn check_request(lesson: &Lesson, input: &NewChangeRequest) -> AppResult<Option<(DateTime<Utc>, DateTime<Utc>)>> {
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

/// Approves a request: the lesson is cancelled or moved through the planning's rules (a move
/// onto a busy slot is a 409 and the request stays pending). A student's cancellation is
/// charged by the notice they gave when asking, unless `waive_charge`.
#[utoipa::path(post, path = "/change-requests/{id}/approve", operation_id = "change_requests_approve", tag = "planning",
    params(("id" = Uuid, Path)), request_body = Decision,
    responses((status = 200, body = ChangeRequest), (status = 400), (status = 401), (status = 403), (status = 404),
              (status = 409), (status = 422)))]
async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<ChangeRequest>> {
    let id: Uuid = path_id(&id)?;
    retrying(|| async {
        let mut work = ctx.begin(&state, Permission::DecideChanges).await?;
        let request = pending(&mut work, &ctx, id).await?;
        let decision: Decision = body.parse()?;
        let lesson =
            planning::repo::get(&mut work, ctx.tenant_id, request.lesson_id, true).await?.ok_or(AppError::NotFound)?;
        apply(&mut work, &request, &lesson, decision.waive_charge).await?;
        let after = decide(&mut work, &ctx, &request, RequestStatus::Approved, decision.note.as_deref()).await?;
        work.commit().await?;
        Ok(Json(after))
    })
    .await
}

/// Refuses a request; the lesson stays as it is.
#[utoipa::path(post, path = "/change-requests/{id}/reject", operation_id = "change_requests_reject", tag = "planning",
    params(("id" = Uuid, Path)), request_body = Decision,
    responses((status = 200, body = ChangeRequest), (status = 400), (status = 401), (status = 403), (status = 404),
              (status = 422)))]
async fn reject(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<ChangeRequest>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::DecideChanges).await?;
    let request = pending(&mut work, &ctx, id).await?;
    let decision: Decision = body.parse()?;
    let after = decide(&mut work, &ctx, &request, RequestStatus::Rejected, decision.note.as_deref()).await?;
    work.commit().await?;
    Ok(Json(after))
}

/// The request, locked, still waiting for a decision.
async fn pending(conn: &mut PgConnection, ctx: &Ctx, id: Uuid) -> AppResult<ChangeRequest> {
    let request = repo::get(conn, ctx.tenant_id, id, true).await?.ok_or(AppError::NotFound)?;
    if request.status != RequestStatus::Pending {
        return Err(AppError::rule("change_request_decided", "Cette demande a déjà été traitée."));
    }
    Ok(request)
}

/// Makes the change asked for.
async fn apply(work: &mut Work, request: &ChangeRequest, lesson: &Lesson, waive_charge: bool) -> AppResult<()> {
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

/// Records the decision, audits it and tells the requester by mail (through the outbox, in the
/// same transaction).
async fn decide(
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
    if let Some(to) = repo::email_of(conn, request.requested_by).await? {
        let tz = crate::school::read(conn, ctx.tenant_id).await?.tz;
        mail::enqueue(conn, Some(ctx.tenant_id), &decision_mail(to, &after, tz)).await?;
    }
    Ok(after)
}

fn decision_mail(to: String, r: &ChangeRequest, tz: Tz) -> OutgoingMail {
    let when = r.lesson_starts_at.with_timezone(&tz).format("%d/%m/%Y à %H:%M");
    let what = match r.kind {
        RequestKind::Cancel => "d'annulation",
        RequestKind::Move => "de déplacement",
    };
    let verdict = if r.status == RequestStatus::Approved { "acceptée" } else { "refusée" };
    let note = r.decision_note.as_deref().map(|n| format!("\nMessage du secrétariat : {n}\n")).unwrap_or_default();
    OutgoingMail {
        to,
        subject: format!("Votre demande {what} a été {verdict}"),
        text: format!("Bonjour,\n\nVotre demande {what} pour la séance du {when} a été {verdict}.\n{note}\n— Volant"),
    }
}
