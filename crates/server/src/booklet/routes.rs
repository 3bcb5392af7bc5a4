use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::{
    booklet::{Reference, remc_b},
    role::Role,
};

use super::{Assessment, Booklet, Evaluation, EvaluationInput, Source, check_lessons, read, record, repo, validate};
use crate::{
    audit::Change,
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::{created, json::JsonBody, path_id, pdf_response},
    instructors,
    planning::{self, Lesson},
    state::AppState,
    students::service::visible,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(competencies))
        .routes(routes!(booklet))
        .routes(routes!(evaluate))
        .routes(routes!(assess))
        .routes(routes!(booklet_pdf))
        .routes(routes!(complete_lesson))
}

// Completing a lesson lives here, above the planning: the booklet composes the planning's
// completion with the evaluations of the items worked, in one transaction.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    #[serde(default)]
    pub comment: Option<String>,
    /// Booklet evaluations of the items worked, saved with the completion (all or nothing).
    #[serde(default)]
    pub evaluations: Vec<EvaluationInput>,
}

/// Marks a lesson done (refused before it has started); a driving lesson consumes its hours.
#[utoipa::path(post, path = "/lessons/{id}/complete", operation_id = "lessons_complete", tag = "planning", params(("id" = Uuid, Path)),
    request_body = CompleteRequest,
    responses((status = 200, body = Lesson), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn complete_lesson(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Lesson>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::MarkLessons).await?;
    let lesson = planning::service::visible(&mut work, id, true).await?;
    let req: CompleteRequest = body.parse()?;
    let comment = req.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
    // Every evaluation is checked before anything is written: one bad item refuses the request.
    validate(&req.evaluations, "evaluations")?;
    let evaluated = match lesson.student_id {
        Some(s) if !req.evaluations.is_empty() => Some(s),
        None if !req.evaluations.is_empty() => {
            return Err(AppError::field(
                "evaluations",
                "Seule une séance avec un élève reçoit des évaluations du livret.",
            ));
        }
        _ => None,
    };
    let after = planning::service::complete(&mut work, &lesson, comment).await?;
    if let Some(student) = evaluated {
        let evaluations: Vec<EvaluationInput> = req
            .evaluations
            .into_iter()
            .map(|mut e| {
                e.lesson_id = Some(lesson.id);
                e.source = Some(Source::Lesson);
                e
            })
            .collect();
        let today = planning::service::local_date(work.tz(), lesson.starts_at);
        record(&mut work, student, lesson.instructor_id, &evaluations, today).await?;
    }
    work.commit().await?;
    Ok(Json(after))
}

/// The REMC reference for licence B: 4 competencies, 32 items.
#[utoipa::path(get, path = "/competencies", operation_id = "booklet_competencies", tag = "booklet",
    responses((status = 200, body = Reference), (status = 401)))]
async fn competencies(ctx: Ctx) -> AppResult<Json<&'static Reference>> {
    ctx.require(Permission::ReadStudents)?;
    Ok(Json(remc_b()))
}

/// A student's booklet: each item's level and history, progress, assessments.
#[utoipa::path(get, path = "/students/{id}/booklet", operation_id = "booklet_get", tag = "booklet", params(("id" = Uuid, Path)),
    responses((status = 200, body = Booklet), (status = 401), (status = 404)))]
async fn booklet(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Booklet>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadStudents).await?;
    visible(&mut work, id, false).await?;
    let b = read(&mut work, ctx.tenant_id, id).await?;
    work.commit().await?;
    Ok(Json(b))
}

/// Records one evaluation: by an instructor who teaches the student, or by the office for
/// levels imported from another school (`source: "transfer_in"`).
#[utoipa::path(post, path = "/students/{id}/booklet/evaluations", operation_id = "booklet_evaluate", tag = "booklet",
    params(("id" = Uuid, Path)), request_body = EvaluationInput,
    responses((status = 201, body = Evaluation), (status = 400), (status = 401), (status = 403), (status = 404),
              (status = 422)))]
async fn evaluate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::EvaluateStudents).await?;
    visible(&mut work, id, true).await?;
    let input: EvaluationInput = body.parse()?;
    let office = ctx.role != Role::Instructor;
    if office && input.source != Some(Source::TransferIn) {
        return Err(AppError::rule(
            "evaluation_by_instructor",
            "Les évaluations sont faites par les moniteurs ; le secrétariat n'importe que les niveaux d'une autre école (source « transfer_in »).",
        ));
    }
    let list = [input];
    validate(&list, "evaluations")?;
    check_lessons(&mut work, ctx.tenant_id, id, &list).await?;
    // An evaluation is signed by the caller's instructor record.
    let instructor =
        if office { None } else { instructors::repo::id_of_user(&mut work, ctx.tenant_id, ctx.user_id).await? };
    let today = work.school.today();
    let mut saved = record(&mut work, id, instructor, &list, today).await?;
    work.commit().await?;
    let one = saved.pop().ok_or_else(|| AppError::Internal(anyhow::anyhow!("no evaluation saved")))?;
    Ok(created(one))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    /// `bilan` or `affi`.
    pub kind: String,
    pub date: NaiveDate,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Records a formal assessment (bilan de compétences) or the end-of-initial-training
/// certificate (AFFI).
#[utoipa::path(post, path = "/students/{id}/booklet/assessments", operation_id = "booklet_assess", tag = "booklet",
    params(("id" = Uuid, Path)), request_body = NewAssessment,
    responses((status = 201, body = Assessment), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn assess(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::EvaluateStudents).await?;
    visible(&mut work, id, true).await?;
    let a: NewAssessment = body.parse()?;
    if a.kind != "bilan" && a.kind != "affi" {
        return Err(AppError::field("kind", "Le type doit être « bilan » ou « affi »."));
    }
    let instructor = match ctx.role {
        Role::Instructor => instructors::repo::id_of_user(&mut work, ctx.tenant_id, ctx.user_id).await?,
        _ => a.instructor_id,
    };
    if let Some(i) = instructor
        && instructors::repo::get(&mut work, ctx.tenant_id, i, false).await?.is_none()
    {
        return Err(AppError::field("instructor_id", "Ce moniteur n'existe pas dans l'école."));
    }
    let trim = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let new = repo::NewAssessmentRow {
        student_id: id,
        kind: &a.kind,
        date: a.date,
        instructor_id: instructor,
        result: trim(a.result),
        comment: trim(a.comment),
        created_by: ctx.user_id.0,
    };
    let saved = repo::insert_assessment(&mut work, ctx.tenant_id, new).await?;
    let change = Change {
        action: "student.booklet.assess",
        entity: "student",
        entity_id: Some(id),
        before: None,
        after: Some(json!(saved)),
    };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok(created(saved))
}

/// The printable booklet (A4 PDF): school, student and NEPH, every item's level and date,
/// lessons with dates, durations and instructors, assessments, page numbers.
#[utoipa::path(get, path = "/students/{id}/booklet.pdf", operation_id = "booklet_pdf", tag = "booklet", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401), (status = 404)))]
async fn booklet_pdf(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadStudents).await?;
    visible(&mut work, id, false).await?;
    let doc = super::pdf_document(&mut work, id).await?;
    work.commit().await?;
    let pdf = super::render(doc).await?;
    Ok(pdf_response(pdf, &format!("livret-{}.pdf", id.simple())))
}
