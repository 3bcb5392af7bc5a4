use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::recurrence::local_to_utc;

use super::{
    CancelledBy, Conflict, Lesson, LessonInput, LessonKind, LessonStatus, LessonUpdate, Planned,
    print::{self, Period},
    repo, series,
    service::{self, visible},
};
use crate::{
    auth::{Ctx, Permission, Viewer},
    error::{AppError, AppResult, retrying},
    http::{
        json::{ApiQuery, JsonBody, parse_query},
        patch, path_id, pdf_response,
    },
    instructors,
    state::AppState,
    work::Work,
};

/// At most this many lessons in one planning window.
pub const MAX_WINDOW_LESSONS: i64 = 5_000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(cancel))
        .routes(routes!(no_show))
        .routes(routes!(duplicate))
        .routes(routes!(copy_week))
        .routes(routes!(replace_day))
        .routes(routes!(instructor_stats))
        .routes(routes!(vehicle_stats))
        .routes(routes!(week_pdf))
        .routes(routes!(day_pdf))
        .merge(series::routes())
        .merge(super::availability::routes())
        .merge(super::travel::routes())
        .merge(super::waitlist::routes::routes())
        .merge(super::suggestions::routes::routes())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WindowQuery {
    /// RFC 3339 instant: lessons ending after it.
    pub from: DateTime<Utc>,
    /// RFC 3339 instant: lessons starting before it.
    pub to: DateTime<Utc>,
    pub instructor_id: Option<Uuid>,
    pub student_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub kind: Option<LessonKind>,
    /// `names`: also the names of the students, instructors and vehicles the lessons name.
    #[param(inline)]
    pub include: Option<Include>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Include {
    Names,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonWindow {
    /// The whole window (never paginated).
    pub items: Vec<Lesson>,
    pub next_cursor: Option<String>,
    /// With `include=names`: what the calendar writes on each lesson.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names: Option<WindowNames>,
}

/// Names by id, of the records the window's lessons name (and only those the caller may see).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct WindowNames {
    pub students: BTreeMap<Uuid, String>,
    pub instructors: BTreeMap<Uuid, String>,
    /// Plates (not for students).
    pub vehicles: BTreeMap<Uuid, String>,
}

/// The planning window `[from, to)`: every lesson and block that overlaps it.
#[utoipa::path(get, path = "/lessons", operation_id = "lessons_list", tag = "planning", params(WindowQuery),
    responses((status = 200, body = LessonWindow), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<WindowQuery>,
) -> AppResult<Json<LessonWindow>> {
    if q.to <= q.from {
        return Err(AppError::field("to", "La fin de la période doit suivre son début."));
    }
    let mut work = ctx.begin(&state, Permission::ReadPlanning).await?;
    let mut w = repo::Window {
        from: Some(q.from),
        to: Some(q.to),
        instructor_id: q.instructor_id,
        student_id: q.student_id,
        vehicle_id: q.vehicle_id,
        agency_id: q.agency_id,
        kind: q.kind,
        limit: MAX_WINDOW_LESSONS + 1,
        ..Default::default()
    };
    let viewer = work.viewer;
    match viewer {
        Viewer::Office => {}
        Viewer::Instructor(i) => w.instructor_id = Some(i),
        Viewer::Student(s) => w.student_id = Some(s),
        Viewer::Nobody => w.instructor_id = Some(Uuid::nil()),
    }
    let items: Vec<Lesson> =
        repo::window(&mut work, ctx.tenant_id, &w).await?.into_iter().map(|l| l.as_seen_by(&viewer)).collect();
    if items.len() as i64 > MAX_WINDOW_LESSONS {
        return Err(AppError::field(
            "to",
            "Plus de 5 000 séances sur cette période : choisissez une période plus courte.",
        ));
    }
    let names = match q.include {
        Some(Include::Names) => Some(window_names(&mut work, &items).await?),
        None => None,
    };
    work.commit().await?;
    Ok(Json(LessonWindow { items, next_cursor: None, names }))
}

/// The names of what `lessons` name, as the viewer may see them.
async fn window_names(work: &mut Work, lessons: &[Lesson]) -> AppResult<WindowNames> {
    let ids = |pick: &dyn Fn(&Lesson) -> Vec<Uuid>| -> Vec<Uuid> {
        let set: BTreeSet<Uuid> = lessons.iter().flat_map(pick).collect();
        set.into_iter().collect()
    };
    let students = ids(&|l| l.students());
    let instructors = ids(&|l| l.instructor_id.into_iter().collect());
    let vehicles = match work.viewer {
        Viewer::Student(_) => vec![],
        _ => ids(&|l| l.vehicle_id.into_iter().collect()),
    };
    let tenant = work.tenant();
    let mut names = WindowNames::default();
    for (kind, id, name) in repo::names(work, tenant, &students, &instructors, &vehicles).await? {
        let map = match kind.as_str() {
            "student" => &mut names.students,
            "instructor" => &mut names.instructors,
            _ => &mut names.vehicles,
        };
        map.insert(id, name);
    }
    Ok(names)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreateQuery {
    /// Checks only: nothing is saved.
    #[serde(default)]
    pub dry_run: bool,
}

/// Plans a lesson or a block: 201 `{lesson, warnings}`; 409 with the conflicting lessons;
/// 422 naming the rules that refuse it. `?dry_run=true` checks without saving (200).
#[utoipa::path(post, path = "/lessons", operation_id = "lessons_create", tag = "planning", params(CreateQuery),
    request_body = LessonInput,
    responses((status = 201, body = Planned), (status = 200, body = Planned), (status = 400), (status = 401), (status = 403),
              (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<CreateQuery>,
    body: JsonBody,
) -> AppResult<Response> {
    let planned = retrying(|| async {
        let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
        let input: LessonInput = body.parse()?;
        let planned = service::plan(&mut work, input, None, None, q.dry_run).await?;
        work.commit().await?;
        Ok(planned)
    })
    .await?;
    let status = if q.dry_run { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(planned)).into_response())
}

/// One lesson.
#[utoipa::path(get, path = "/lessons/{id}", operation_id = "lessons_get", tag = "planning", params(("id" = Uuid, Path)),
    responses((status = 200, body = Lesson), (status = 401), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Lesson>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadPlanning).await?;
    let viewer = work.viewer;
    let lesson = visible(&mut work, id, false).await?;
    work.commit().await?;
    Ok(Json(lesson.as_seen_by(&viewer)))
}

/// Moves, resizes or reassigns a planned lesson, with the `version` read.
#[utoipa::path(patch, path = "/lessons/{id}", operation_id = "lessons_update", tag = "planning", params(("id" = Uuid, Path)),
    request_body = LessonUpdate,
    responses((status = 200, body = Planned), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409),
              (status = 412), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Planned>> {
    let id: Uuid = path_id(&id)?;
    retrying(|| async {
        let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
        let before = visible(&mut work, id, true).await?;
        let mut input: LessonInput = patch::apply(&before.input(), before.version, &before, &body)?;
        if input.kind != before.kind {
            return Err(AppError::field(
                "kind",
                "Le type d'une séance ne change pas : annulez-la et créez-en une autre.",
            ));
        }
        if before.status != LessonStatus::Planned {
            return Err(AppError::rule("lesson_not_planned", "Seule une séance prévue peut être déplacée."));
        }
        input.kind = before.kind;
        let planned = service::plan(&mut work, input, Some(&before), None, false).await?;
        work.commit().await?;
        Ok(Json(planned))
    })
    .await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    #[serde(default)]
    pub reason: Option<String>,
    /// `school` (default; never charged) or `student` (charged when late, unless waived).
    #[serde(default)]
    pub by: Option<CancelledBy>,
    #[serde(default)]
    pub waive_charge: bool,
}

/// Cancels a lesson (or a block).
#[utoipa::path(post, path = "/lessons/{id}/cancel", operation_id = "lessons_cancel", tag = "planning", params(("id" = Uuid, Path)),
    request_body = CancelRequest,
    responses((status = 200, body = Lesson), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Lesson>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
    let lesson = visible(&mut work, id, true).await?;
    let req: CancelRequest = body.parse()?;
    let by = req.by.unwrap_or(CancelledBy::School);
    let reason = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let after = service::cancel(&mut work, &lesson, reason, by, req.waive_charge).await?;
    work.commit().await?;
    Ok(Json(after))
}

/// Marks a no-show (refused before the start): the lesson is charged.
#[utoipa::path(post, path = "/lessons/{id}/no-show", operation_id = "lessons_no_show", tag = "planning", params(("id" = Uuid, Path)),
    responses((status = 200, body = Lesson), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn no_show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Lesson>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::MarkLessons).await?;
    let lesson = visible(&mut work, id, true).await?;
    let after = service::no_show(&mut work, &lesson).await?;
    work.commit().await?;
    Ok(Json(after))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateRequest {
    pub starts_at: DateTime<Utc>,
}

/// Copies a lesson to another start (same duration, people and vehicle).
#[utoipa::path(post, path = "/lessons/{id}/duplicate", operation_id = "lessons_duplicate", tag = "planning", params(("id" = Uuid, Path)),
    request_body = DuplicateRequest,
    responses((status = 201, body = Planned), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn duplicate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
    let source = visible(&mut work, id, false).await?;
    let req: DuplicateRequest = body.parse()?;
    let mut input = source.input();
    input.ends_at = req.starts_at + (source.ends_at - source.starts_at);
    input.starts_at = req.starts_at;
    let planned = service::plan(&mut work, input, None, None, false).await?;
    work.commit().await?;
    Ok((StatusCode::CREATED, Json(planned)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyWeekRequest {
    /// The Monday of the week to copy.
    pub from_week: NaiveDate,
    /// The Monday of the week to fill.
    pub to_week: NaiveDate,
    /// Only these instructors' lessons (all when empty).
    #[serde(default)]
    pub instructor_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Skipped {
    pub lesson: Lesson,
    pub conflicts: Vec<Conflict>,
    /// Why, in French (a conflict or a refusing rule).
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CopyWeekResult {
    pub created: Vec<Lesson>,
    pub skipped: Vec<Skipped>,
}

/// Copies a week's lessons to another week at the same local times (across a daylight-saving
/// change too); conflicts are skipped and reported.
#[utoipa::path(post, path = "/planning/copy-week", operation_id = "planning_copy_week", tag = "planning", request_body = CopyWeekRequest,
    responses((status = 200, body = CopyWeekResult), (status = 400), (status = 401), (status = 403)))]
async fn copy_week(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Json<CopyWeekResult>> {
    let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
    let req: CopyWeekRequest = body.parse()?;
    for (field, d) in [("from_week", req.from_week), ("to_week", req.to_week)] {
        if d.weekday() != chrono::Weekday::Mon {
            return Err(AppError::field(field, "Indiquez le lundi de la semaine."));
        }
    }
    let tz = work.tz();
    let from = local_to_utc(tz, req.from_week.and_hms_opt(0, 0, 0).unwrap_or_default());
    let to = local_to_utc(tz, (req.from_week + Duration::days(7)).and_hms_opt(0, 0, 0).unwrap_or_default());
    let w = repo::Window { from: Some(from), to: Some(to), limit: MAX_WINDOW_LESSONS, ..Default::default() };
    let source: Vec<Lesson> = repo::window(&mut work, ctx.tenant_id, &w)
        .await?
        .into_iter()
        .filter(|l| l.status != LessonStatus::Cancelled && l.kind != LessonKind::Unavailability && l.starts_at >= from)
        .filter(|l| req.instructor_ids.is_empty() || l.instructor_id.is_some_and(|i| req.instructor_ids.contains(&i)))
        .collect();
    let shift = req.to_week - req.from_week;
    let (mut created, mut skipped) = (vec![], vec![]);
    for lesson in source {
        let start_local = lesson.starts_at.with_timezone(&tz).naive_local() + shift;
        let end_local = lesson.ends_at.with_timezone(&tz).naive_local() + shift;
        let mut input = lesson.input();
        input.starts_at = local_to_utc(tz, start_local);
        input.ends_at = local_to_utc(tz, end_local);
        match service::plan(&mut work, input, None, None, false).await {
            Ok(p) => created.push(p.lesson),
            Err(e) => skipped.push(skip_report(lesson, e)?),
        }
    }
    work.commit().await?;
    Ok(Json(CopyWeekResult { created, skipped }))
}

/// Turns a refusal of one occurrence into a report line; other errors stop the whole action.
pub fn skip_report(lesson: Lesson, e: AppError) -> AppResult<Skipped> {
    match e {
        AppError::Conflict { detail, conflicts } => {
            let conflicts: Vec<Conflict> = serde_json::from_value(conflicts).unwrap_or_default();
            Ok(Skipped { lesson, conflicts, reason: detail })
        }
        AppError::Unprocessable { detail, .. } => Ok(Skipped { lesson, conflicts: vec![], reason: detail }),
        other => Err(other),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplaceDayRequest {
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub vehicle_id: Option<Uuid>,
    /// The local date of the absence or breakdown.
    pub date: NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StudentToCall {
    pub student_id: Uuid,
    pub name: String,
    pub phone: Option<String>,
    pub lesson_id: Uuid,
    /// `reassigned` or `cancelled`.
    pub outcome: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReplaceDayResult {
    pub reassigned: Vec<Lesson>,
    pub cancelled: Vec<Lesson>,
    pub students_to_call: Vec<StudentToCall>,
}

/// A sick instructor or a broken-down car: each planned lesson of the day goes to another
/// instructor (or vehicle) free at that time, or is cancelled by the school (never charged);
/// the day is then blocked, and the students to call are listed.
#[utoipa::path(post, path = "/planning/replace-day", operation_id = "planning_replace_day", tag = "planning", request_body = ReplaceDayRequest,
    responses((status = 200, body = ReplaceDayResult), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn replace_day(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Json<ReplaceDayResult>> {
    let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
    let req: ReplaceDayRequest = body.parse()?;
    if req.instructor_id.is_some() == req.vehicle_id.is_some() {
        return Err(AppError::field("instructor_id", "Indiquez soit un moniteur, soit un véhicule."));
    }
    let result = series::replace_day(&mut work, req).await?;
    work.commit().await?;
    Ok(Json(result))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First local date, inclusive.
    pub from: NaiveDate,
    /// Last local date, inclusive.
    pub to: NaiveDate,
}

/// Instructor's minutes planned, done, cancelled and no-show, by kind and by week.
#[utoipa::path(get, path = "/instructors/{id}/stats", operation_id = "instructors_stats", tag = "planning",
    params(("id" = Uuid, Path), StatsQuery),
    responses((status = 200, body = series::Stats), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn instructor_stats(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Json<series::Stats>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadInstructors).await?;
    instructors::service::visible(&mut work, id, false).await?;
    let q: StatsQuery = parse_query(&q.unwrap_or_default())?;
    let stats = series::stats(&mut work, ctx.tenant_id, "instructor_id", id, q.from, q.to).await?;
    work.commit().await?;
    Ok(Json(stats))
}

/// Vehicle's minutes planned, done, cancelled and no-show, by kind and by week.
#[utoipa::path(get, path = "/vehicles/{id}/stats", operation_id = "vehicles_stats", tag = "planning",
    params(("id" = Uuid, Path), StatsQuery),
    responses((status = 200, body = series::Stats), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn vehicle_stats(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Json<series::Stats>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadVehicles).await?;
    crate::vehicles::repo::get(&mut work, ctx.tenant_id, id, false).await?.ok_or(AppError::NotFound)?;
    let q: StatsQuery = parse_query(&q.unwrap_or_default())?;
    let stats = series::stats(&mut work, ctx.tenant_id, "vehicle_id", id, q.from, q.to).await?;
    work.commit().await?;
    Ok(Json(stats))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WeekQuery {
    /// A day of the week (`AAAA-MM-JJ`, the school's calendar; its Monday or any other); this week
    /// by default.
    pub week: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    /// The day (`AAAA-MM-JJ`, the school's calendar); today by default.
    pub date: Option<NaiveDate>,
    /// One instructor only (an instructor always gets their own).
    pub instructor_id: Option<Uuid>,
}

/// An instructor's week (Monday to Sunday, the one holding `date`) as an A4 PDF to keep in the
/// car: each day's lessons with the student, their phone, the meeting point and the car.
/// Cancelled lessons are left out. An instructor prints their own week only (404 otherwise).
#[utoipa::path(get, path = "/instructors/{id}/planning.pdf", operation_id = "planning_week_pdf", tag = "planning",
    params(("id" = Uuid, Path), WeekQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn week_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<WeekQuery>,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::PrintPlanning).await?;
    let day = q.week.unwrap_or_else(|| work.school.today());
    let doc = print::document(&mut work, Some(id), Period::Week(day)).await?;
    work.commit().await?;
    Ok(pdf_response(print::render(doc).await?, &format!("planning-semaine-{day}.pdf")))
}

/// The day sheet (« feuille de route ») of `date`: a page per instructor who works that day (or
/// the one of `instructor_id`), each lesson with a box for the student's signature.
#[utoipa::path(get, path = "/planning/day.pdf", operation_id = "planning_day_pdf", tag = "planning", params(PrintQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn day_pdf(State(state): State<AppState>, ctx: Ctx, ApiQuery(q): ApiQuery<PrintQuery>) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::PrintPlanning).await?;
    let day = q.date.unwrap_or_else(|| work.school.today());
    let doc = print::document(&mut work, q.instructor_id, Period::Day(day)).await?;
    work.commit().await?;
    Ok(pdf_response(print::render(doc).await?, &format!("feuille-de-route-{day}.pdf")))
}
