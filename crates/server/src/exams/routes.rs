use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::eligibility::Eligibility;

use super::{Exam, ExamKind, ExamResult, ExamUpdate, NewExam, facts, repo, service};
use crate::{
    auth::{Ctx, Permission, Viewer},
    error::{AppError, AppResult, retrying},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        patch, path_id,
    },
    state::AppState,
    students::service::visible,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(eligibility))
        .merge(super::places::routes())
        .routes(routes!(super::alerts::alerts))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub student_id: Option<Uuid>,
    /// `theory` or `practical`.
    pub kind: Option<ExamKind>,
    /// `pending`, `passed`, `failed`, `absent` or `cancelled`.
    pub result: Option<ExamResult>,
    /// Exams from this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Exams before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Exams in date order: the office sees every exam, an instructor those of the students they
/// teach, a student their own.
#[utoipa::path(get, path = "/exams", operation_id = "exams_list", tag = "exams", params(ListQuery),
    responses((status = 200, body = Page<Exam>), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<Exam>>> {
    let limit = page::limit(q.limit)?;
    let mut work = ctx.begin(&state, Permission::ReadExams).await?;
    let (student_id, taught_by) = match work.viewer {
        Viewer::Office => (q.student_id, None),
        Viewer::Instructor(i) => (q.student_id, Some(i)),
        Viewer::Student(own) => (Some(own), None),
        Viewer::Nobody => (Some(Uuid::nil()), None),
    };
    let filter = repo::Filter {
        student_id,
        taught_by,
        kind: q.kind,
        result: q.result,
        from: q.from,
        to: q.to,
        after: page::decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let rows = repo::list(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |e| (e.scheduled_at, e.id))))
}

#[utoipa::path(get, path = "/exams/{id}", operation_id = "exams_get", tag = "exams", params(("id" = Uuid, Path)),
    responses((status = 200, body = Exam), (status = 401), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Exam>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadExams).await?;
    let exam = service::visible_exam(&mut work, id, false).await?;
    work.commit().await?;
    Ok(Json(exam))
}

/// Records an exam: a booking, or a past one with its result. A future practical test is
/// refused with 422 and the blocking rules unless an ADMIN gives `override_reason`.
#[utoipa::path(post, path = "/exams", operation_id = "exams_create", tag = "exams", request_body = NewExam,
    responses((status = 201, body = Exam), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let exam = retrying(|| async {
        let mut work = ctx.begin(&state, Permission::ManageExams).await?;
        let input: NewExam = body.parse()?;
        let student = match visible(&mut work, input.student_id, true).await {
            Err(AppError::NotFound) => {
                return Err(AppError::field("student_id", "Cet élève n'existe pas dans l'école."));
            }
            other => other?,
        };
        let exam = service::record(&mut work, &service::booker(&ctx), &student, input, None).await?;
        work.commit().await?;
        Ok(exam)
    })
    .await?;
    Ok(created(exam))
}

/// Records a result, a new date or a cancellation (with the `version` read). Cancelling a
/// booked practical test takes the candidate out of the accompaniment lesson.
#[utoipa::path(patch, path = "/exams/{id}", operation_id = "exams_update", tag = "exams", params(("id" = Uuid, Path)),
    request_body = super::ExamPatch,
    responses((status = 200, body = Exam), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Exam>> {
    let id: Uuid = path_id(&id)?;
    retrying(|| async {
        let mut work = ctx.begin(&state, Permission::ManageExams).await?;
        let before = service::visible_exam(&mut work, id, true).await?;
        let fields: ExamUpdate = patch::apply(&before.update(), before.version, &before, &body)?;
        let after = service::update_exam(&mut work, &service::booker(&ctx), before, fields).await?;
        work.commit().await?;
        Ok(Json(after))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EligibilityQuery {
    /// The practical test's date (default: today).
    pub date: Option<NaiveDate>,
}

/// Whether the student may be booked for a practical test on `date`: each rule `ok`, `warn` or
/// `block`, with a French message.
#[utoipa::path(get, path = "/students/{id}/eligibility", operation_id = "exams_eligibility", tag = "exams",
    params(("id" = Uuid, Path), EligibilityQuery),
    responses((status = 200, body = Eligibility), (status = 400), (status = 401), (status = 404)))]
async fn eligibility(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<EligibilityQuery>,
) -> AppResult<Json<Eligibility>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadExams).await?;
    let student = visible(&mut work, id, false).await?;
    let school = facts::school(&mut work, ctx.tenant_id).await?;
    let today = school.today();
    let verdict =
        facts::eligibility(&mut work, ctx.tenant_id, &school, &student, (q.date.unwrap_or(today), today)).await?;
    work.commit().await?;
    Ok(Json(verdict))
}
