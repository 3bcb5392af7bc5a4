//! Lesson series (recurrence), the replace-day action, and hours-done statistics.

use std::collections::BTreeMap;

use axum::{
    Json,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, types::Json as SqlJson};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::{
    holidays::holiday_name,
    ids::TenantId,
    recurrence::{self, local_to_utc},
    schedule::parse_hhmm,
};

use super::{
    BlockReason, CancelledBy, Lesson, LessonInput, LessonKind, LessonStatus, repo,
    routes::{ReplaceDayRequest, ReplaceDayResult, Skipped, StudentToCall, skip_report},
    service::{self, visible},
};
use crate::{
    agencies::Closure,
    audit::Change,
    auth::{Ctx, Permission},
    error::{AppError, AppResult, FieldErrors},
    http::{
        json::{JsonBody, parse_query},
        path_id,
    },
    state::AppState,
    work::Work,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create)).routes(routes!(update, cancel))
}

/// What every occurrence of a series is.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesTemplate {
    pub kind: LessonKind,
    #[serde(default)]
    pub student_id: Option<Uuid>,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub vehicle_id: Option<Uuid>,
    #[serde(default)]
    pub attendee_ids: Vec<Uuid>,
    #[serde(default)]
    pub capacity: Option<i32>,
    #[serde(default)]
    pub room_id: Option<Uuid>,
    pub duration_minutes: i64,
    #[serde(default)]
    pub meeting_point: Option<String>,
    #[serde(default)]
    pub agency_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSeries {
    pub template: SeriesTemplate,
    /// The first occurrence; its local wall-clock time is kept for all of them.
    pub starts_at: DateTime<Utc>,
    /// `FREQ=DAILY|WEEKLY`, `INTERVAL`, `BYDAY`, `COUNT` (≤ 200) or `UNTIL` (within 18 months).
    pub rrule: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Series {
    pub id: Uuid,
    pub rrule: String,
    pub template: SeriesTemplate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SkippedOccurrence {
    pub starts_at: DateTime<Utc>,
    pub conflicts: Vec<super::Conflict>,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesResult {
    pub series: Series,
    pub created: Vec<Lesson>,
    pub skipped: Vec<SkippedOccurrence>,
}

fn occurrence(t: &SeriesTemplate, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> LessonInput {
    LessonInput {
        kind: t.kind,
        starts_at,
        ends_at,
        student_id: t.student_id,
        instructor_id: t.instructor_id,
        vehicle_id: t.vehicle_id,
        attendee_ids: t.attendee_ids.clone(),
        capacity: t.capacity,
        room_id: t.room_id,
        meeting_point: t.meeting_point.clone(),
        agency_id: t.agency_id,
        block_reason: None,
        note: None,
        comment: None,
    }
}

/// Days a series skips: public holidays (with Alsace-Moselle when the agency says so) and the
/// agency's closures.
async fn skipped_days(
    conn: &mut PgConnection,
    tenant: TenantId,
    agency: Option<Uuid>,
    instructor: Option<Uuid>,
) -> AppResult<impl Fn(NaiveDate) -> bool> {
    let row: Option<(SqlJson<Vec<Closure>>, bool)> = sqlx::query_as(
        "SELECT a.closures, a.alsace_moselle FROM agencies a
          WHERE a.tenant_id = $1 AND a.id = coalesce($2, (SELECT agency_id FROM instructors WHERE tenant_id = $1 AND id = $3),
                                                   (SELECT id FROM agencies WHERE tenant_id = $1 ORDER BY position, created_at LIMIT 1))",
    )
    .bind(tenant.0)
    .bind(agency)
    .bind(instructor)
    .fetch_optional(conn)
    .await?;
    let (closures, alsace) = row.map(|(c, a)| (c.0, a)).unwrap_or_default();
    Ok(move |d: NaiveDate| {
        holiday_name(d, alsace).is_some() || closures.iter().any(|c| c.date <= d && d <= c.end_date.unwrap_or(c.date))
    })
}

/// Creates a series: occurrences expanded in the school's zone (skipping holidays and closures)
/// become real lessons; the conflicting ones are reported, the others created.
#[utoipa::path(post, path = "/lesson-series", operation_id = "series_create", tag = "planning", request_body = NewSeries,
    responses((status = 201, body = SeriesResult), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
    let req: NewSeries = body.parse()?;
    let rule = recurrence::parse(&req.rrule).map_err(|e| AppError::field("rrule", e.to_string()))?;
    if !(5..=720).contains(&req.template.duration_minutes) {
        return Err(AppError::field(
            "template.duration_minutes",
            "La durée doit être comprise entre 5 minutes et 12 heures.",
        ));
    }
    if req.template.kind == LessonKind::Unavailability {
        return Err(AppError::field("template.kind", "Une série planifie des séances, pas des indisponibilités."));
    }
    let tz = work.tz();
    let local_start = req.starts_at.with_timezone(&tz).naive_local();
    let skip = skipped_days(&mut work, ctx.tenant_id, req.template.agency_id, req.template.instructor_id).await?;
    let (starts, _) =
        recurrence::expand(&rule, local_start, skip).map_err(|e| AppError::field("rrule", e.to_string()))?;
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO lesson_series (tenant_id, id, rrule, local_start, timezone, template) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ctx.tenant_id.0)
    .bind(id)
    .bind(&req.rrule)
    .bind(local_start)
    .bind(tz.name())
    .bind(SqlJson(&req.template))
    .execute(&mut *work)
    .await?;
    let (mut created, mut skipped) = (vec![], vec![]);
    for local in starts {
        let starts_at = local_to_utc(tz, local);
        let ends_at = local_to_utc(tz, local + Duration::minutes(req.template.duration_minutes));
        match service::plan(&mut work, occurrence(&req.template, starts_at, ends_at), None, Some(id), false).await {
            Ok(p) => created.push(p.lesson),
            // A rule refusing the first occurrence refuses the series (it is the same for all).
            Err(e @ AppError::Unprocessable { .. }) if created.is_empty() && skipped.is_empty() => return Err(e),
            Err(e @ (AppError::Conflict { .. } | AppError::Unprocessable { .. })) => {
                let (conflicts, reason) = match e {
                    AppError::Conflict { detail, conflicts } => {
                        (serde_json::from_value(conflicts).unwrap_or_default(), detail)
                    }
                    AppError::Unprocessable { detail, .. } => (vec![], detail),
                    _ => (vec![], String::new()),
                };
                skipped.push(SkippedOccurrence { starts_at, conflicts, reason });
            }
            Err(e) => return Err(e),
        }
    }
    let series = Series { id, rrule: req.rrule.clone(), template: req.template.clone() };
    let change = Change {
        action: "series.create",
        entity: "lesson_series",
        entity_id: Some(id),
        before: None,
        after: Some(
            json!({"rrule": series.rrule, "template": series.template, "created": created.len(), "skipped": skipped.len()}),
        ),
    };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok((StatusCode::CREATED, Json(SeriesResult { series, created, skipped })).into_response())
}

#[derive(Clone, Copy, Debug, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    One,
    Following,
    All,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeQuery {
    /// `one`, `following` (this occurrence and the later ones) or `all`.
    #[param(inline)]
    pub scope: Scope,
    /// The occurrence `one` and `following` start from.
    pub lesson_id: Option<Uuid>,
}

/// 404 for a series of another school (or none), before anything else is read.
async fn ensure_series(work: &mut Work, id: Uuid) -> AppResult<()> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM lesson_series WHERE tenant_id = $1 AND id = $2)")
        .bind(work.tenant().0)
        .bind(id)
        .fetch_one(&mut **work)
        .await?;
    if exists { Ok(()) } else { Err(AppError::NotFound) }
}

/// The planned occurrences a scope designates, locked, by start.
async fn selected(work: &mut Work, series: Uuid, q: &ScopeQuery) -> AppResult<Vec<Lesson>> {
    let w = repo::Window {
        series_id: Some(series),
        status: Some(LessonStatus::Planned),
        limit: 1000,
        ..Default::default()
    };
    let tenant = work.tenant();
    let all = repo::window(work, tenant, &w).await?;
    let pivot = match (q.scope, q.lesson_id) {
        (Scope::All, _) => None,
        (_, Some(id)) => Some(all.iter().find(|l| l.id == id).ok_or(AppError::NotFound)?.starts_at),
        (_, None) => return Err(AppError::field("lesson_id", "Indiquez la séance de la série.")),
    };
    let chosen: Vec<Uuid> = all
        .iter()
        .filter(|l| match (q.scope, pivot) {
            (Scope::One, Some(p)) => l.starts_at == p,
            (Scope::Following, Some(p)) => l.starts_at >= p,
            _ => true,
        })
        .map(|l| l.id)
        .collect();
    let mut locked = vec![];
    for id in chosen {
        locked.push(visible(work, id, true).await?);
    }
    Ok(locked)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesChange {
    /// New local start time `HH:MM` (the dates stay).
    #[serde(default)]
    pub start_time: Option<String>,
    #[serde(default)]
    pub duration_minutes: Option<i64>,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub vehicle_id: Option<Uuid>,
    #[serde(default)]
    pub meeting_point: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesChangeResult {
    pub updated: Vec<Lesson>,
    pub skipped: Vec<Skipped>,
}

/// Changes one occurrence, this one and the following, or all (planned ones only).
#[utoipa::path(patch, path = "/lesson-series/{id}", operation_id = "series_update", tag = "planning",
    params(("id" = Uuid, Path), ScopeQuery), request_body = SeriesChange,
    responses((status = 200, body = SeriesChangeResult), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: JsonBody,
) -> AppResult<Json<SeriesChangeResult>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
    ensure_series(&mut work, id).await?;
    let q: ScopeQuery = parse_query(&q.unwrap_or_default())?;
    let lessons = selected(&mut work, id, &q).await?;
    let change: SeriesChange = body.parse()?;
    let start_time: Option<NaiveTime> = change
        .start_time
        .as_deref()
        .map(|t| parse_hhmm(t).map_err(|e| AppError::field("start_time", e.to_string())))
        .transpose()?;
    let tz = work.tz();
    let (mut updated, mut skipped) = (vec![], vec![]);
    for lesson in lessons {
        let mut input = lesson.input();
        let local = lesson.starts_at.with_timezone(&tz).naive_local();
        let start = start_time.map_or(local, |t| local.date().and_time(t));
        let minutes = change.duration_minutes.unwrap_or_else(|| lesson.minutes());
        input.starts_at = local_to_utc(tz, start);
        input.ends_at = local_to_utc(tz, start + Duration::minutes(minutes));
        if change.instructor_id.is_some() {
            input.instructor_id = change.instructor_id;
        }
        if change.vehicle_id.is_some() {
            input.vehicle_id = change.vehicle_id;
        }
        if change.meeting_point.is_some() {
            input.meeting_point = change.meeting_point.clone();
        }
        match service::plan(&mut work, input, Some(&lesson), None, false).await {
            Ok(p) => updated.push(p.lesson),
            Err(e) => skipped.push(skip_report(lesson, e)?),
        }
    }
    work.commit().await?;
    Ok(Json(SeriesChangeResult { updated, skipped }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesCancelResult {
    pub cancelled: Vec<Lesson>,
}

/// Cancels (by the school) one occurrence, this one and the following, or all.
#[utoipa::path(delete, path = "/lesson-series/{id}", operation_id = "series_cancel", tag = "planning",
    params(("id" = Uuid, Path), ScopeQuery),
    responses((status = 200, body = SeriesCancelResult), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> AppResult<Json<SeriesCancelResult>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManagePlanning).await?;
    ensure_series(&mut work, id).await?;
    let q: ScopeQuery = parse_query(&q.unwrap_or_default())?;
    let lessons = selected(&mut work, id, &q).await?;
    let mut cancelled = vec![];
    for lesson in lessons {
        cancelled.push(service::cancel(&mut work, &lesson, Some("Série annulée"), CancelledBy::School, true).await?);
    }
    work.commit().await?;
    Ok(Json(SeriesCancelResult { cancelled }))
}

/// See `routes::replace_day`.
pub async fn replace_day(work: &mut Work, req: ReplaceDayRequest) -> AppResult<ReplaceDayResult> {
    let tenant = work.tenant();
    let tz = work.tz();
    let day_start = local_to_utc(tz, req.date.and_hms_opt(0, 0, 0).unwrap_or_default());
    let day_end = local_to_utc(tz, (req.date + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default());
    let by_instructor = req.instructor_id.is_some();
    let exists: bool = if let Some(i) = req.instructor_id {
        sqlx::query_scalar("SELECT EXISTS (SELECT FROM instructors WHERE tenant_id = $1 AND id = $2)")
            .bind(tenant.0)
            .bind(i)
            .fetch_one(&mut **work)
            .await?
    } else {
        sqlx::query_scalar("SELECT EXISTS (SELECT FROM vehicles WHERE tenant_id = $1 AND id = $2)")
            .bind(tenant.0)
            .bind(req.vehicle_id)
            .fetch_one(&mut **work)
            .await?
    };
    if !exists {
        return Err(AppError::NotFound);
    }
    let w = repo::Window {
        from: Some(day_start),
        to: Some(day_end),
        instructor_id: req.instructor_id,
        vehicle_id: req.vehicle_id,
        status: Some(LessonStatus::Planned),
        limit: 500,
        ..Default::default()
    };
    let lessons: Vec<Lesson> =
        repo::window(work, tenant, &w).await?.into_iter().filter(|l| l.kind != LessonKind::Unavailability).collect();
    // The others who could take over: active instructors, or active cars, of the school.
    let candidates: Vec<Uuid> = if by_instructor {
        sqlx::query_scalar(
            "SELECT id FROM instructors WHERE tenant_id = $1 AND active AND id <> $2 ORDER BY last_name, first_name",
        )
        .bind(tenant.0)
        .bind(req.instructor_id)
        .fetch_all(&mut **work)
        .await?
    } else {
        sqlx::query_scalar(
            "SELECT id FROM vehicles WHERE tenant_id = $1 AND status = 'active' AND kind = 'car' AND id <> $2 ORDER BY plate",
        )
        .bind(tenant.0)
        .bind(req.vehicle_id)
        .fetch_all(&mut **work)
        .await?
    };
    let (mut reassigned, mut cancelled, mut to_call) = (vec![], vec![], vec![]);
    for lesson in lessons {
        let mut taken = None;
        for candidate in &candidates {
            let mut input = lesson.input();
            if by_instructor {
                input.instructor_id = Some(*candidate);
            } else {
                input.vehicle_id = Some(*candidate);
            }
            match service::plan(work, input, Some(&lesson), None, false).await {
                Ok(p) => {
                    taken = Some(p.lesson);
                    break;
                }
                Err(AppError::Conflict { .. } | AppError::Unprocessable { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        let (outcome, after) = match taken {
            Some(l) => ("reassigned", l),
            None => (
                "cancelled",
                service::cancel(work, &lesson, Some("Remplacement impossible"), CancelledBy::School, true).await?,
            ),
        };
        for student in after.students() {
            let (first, last, phone): (String, String, Option<String>) =
                sqlx::query_as("SELECT first_name, last_name, phone FROM students WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0)
                    .bind(student)
                    .fetch_one(&mut **work)
                    .await?;
            to_call.push(StudentToCall {
                student_id: student,
                name: format!("{first} {last}"),
                phone,
                lesson_id: after.id,
                outcome: outcome.into(),
            });
        }
        if outcome == "reassigned" { reassigned.push(after) } else { cancelled.push(after) }
    }
    let reason = if by_instructor { BlockReason::Sickness } else { BlockReason::Breakdown };
    let note = req.note.or_else(|| Some(if by_instructor { "Absence".into() } else { "Panne".into() }));
    let who = match (req.instructor_id, req.vehicle_id) {
        (Some(i), _) => service::Blocked::Instructor(i),
        (None, v) => service::Blocked::Vehicle(v.unwrap_or_default()),
    };
    match service::block(work, who, (day_start, day_end), reason, note).await {
        Ok(_) | Err(AppError::Conflict { .. }) => {}
        Err(e) => return Err(e),
    }
    Ok(ReplaceDayResult { reassigned, cancelled, students_to_call: to_call })
}

#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct Minutes {
    pub planned: i64,
    pub done: i64,
    pub cancelled: i64,
    pub no_show: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeekMinutes {
    /// The Monday of the week.
    pub week: NaiveDate,
    #[serde(flatten)]
    pub minutes: Minutes,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Stats {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub total: Minutes,
    pub by_kind: BTreeMap<String, Minutes>,
    pub by_week: Vec<WeekMinutes>,
}

fn add(m: &mut Minutes, status: &str, minutes: i64) {
    match status {
        "planned" => m.planned += minutes,
        "done" => m.done += minutes,
        "cancelled" => m.cancelled += minutes,
        _ => m.no_show += minutes,
    }
}

/// Minutes by status, kind and week for one resource over local dates `[from, to]`.
pub async fn stats(
    conn: &mut PgConnection,
    tenant: TenantId,
    column: &str,
    id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Stats> {
    let mut errors = FieldErrors::default();
    if to < from {
        errors.add("to", "La fin de la période doit suivre son début.");
    } else if (to - from).num_days() > 400 {
        errors.add("to", "Une période de statistiques couvre au plus 400 jours.");
    }
    errors.finish()?;
    let tz = crate::school::read(conn, tenant).await?.tz;
    let start = local_to_utc(tz, from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = local_to_utc(tz, (to + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap_or_default());
    let column = if column == "vehicle_id" { "vehicle_id" } else { "instructor_id" };
    let rows: Vec<(String, String, DateTime<Utc>, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT kind, status, starts_at, (extract(epoch FROM ends_at - starts_at) / 60)::bigint FROM lessons
          WHERE tenant_id = $1 AND {column} = $2 AND kind <> 'unavailability' AND starts_at >= $3 AND starts_at < $4"
    )))
    .bind(tenant.0)
    .bind(id)
    .bind(start)
    .bind(end)
    .fetch_all(conn)
    .await?;
    let mut total = Minutes::default();
    let mut by_kind: BTreeMap<String, Minutes> = BTreeMap::new();
    let mut by_week: BTreeMap<NaiveDate, Minutes> = BTreeMap::new();
    for (kind, status, starts_at, minutes) in rows {
        let local = service::local_date(tz, starts_at);
        let monday = local - Duration::days(i64::from(local.weekday().num_days_from_monday()));
        add(&mut total, &status, minutes);
        add(by_kind.entry(kind).or_default(), &status, minutes);
        add(by_week.entry(monday).or_default(), &status, minutes);
    }
    let by_week = by_week.into_iter().map(|(week, minutes)| WeekMinutes { week, minutes }).collect();
    Ok(Stats { from, to, total, by_kind, by_week })
}
