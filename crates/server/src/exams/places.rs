//! The school's practical-test places (obtained on RdvPermis), to fill with eligible students.
//! Assigning a place creates the practical exam.

use axum::{
    Json,
    extract::{Path, State},
    response::Response,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::{
    eligibility::{RuleCode, RuleStatus},
    ids::TenantId,
};

use super::{
    ExamKind, ExamResult, NewExam, facts,
    service::{booker, record},
};
use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult, on_constraint, retrying},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        path_id,
    },
    state::AppState,
    students::{self, StudentCategory, service::visible},
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(assign)).routes(routes!(candidates))
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct ExamPlace {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub centre: String,
    /// `B` or `B78`.
    pub category: String,
    pub instructor_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    /// The exam that fills the place, if any.
    pub exam_id: Option<Uuid>,
    pub student_id: Option<Uuid>,
    pub student_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewExamPlace {
    pub starts_at: DateTime<Utc>,
    pub centre: String,
    #[serde(default)]
    pub category: Option<StudentCategory>,
    /// The accompaniment, when known: assigning the place books them.
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub vehicle_id: Option<Uuid>,
}

const SELECT: &str = "SELECT p.id, p.starts_at, p.centre, p.category, p.instructor_id, p.vehicle_id, e.id AS exam_id,
        e.student_id, s.first_name || ' ' || s.last_name AS student_name
   FROM exam_places p
   LEFT JOIN exams e ON e.tenant_id = p.tenant_id AND e.place_id = p.id AND e.result <> 'cancelled'
   LEFT JOIN students s ON s.tenant_id = e.tenant_id AND s.id = e.student_id";

async fn get(conn: &mut PgConnection, ctx: &Ctx, id: Uuid, lock: bool) -> AppResult<ExamPlace> {
    let lock = if lock { " FOR UPDATE OF p" } else { "" };
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE p.tenant_id = $1 AND p.id = $2{lock}")))
        .bind(ctx.tenant_id.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PlacesQuery {
    /// Places from this instant (default: now).
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only places nobody fills yet.
    #[serde(default)]
    pub available: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Places {
    pub items: Vec<ExamPlace>,
}

/// The school's places in date order (at most 500).
#[utoipa::path(get, path = "/exam-places", operation_id = "exam_places_list", tag = "exams", params(PlacesQuery),
    responses((status = 200, body = Places), (status = 400), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, ctx: Ctx, ApiQuery(q): ApiQuery<PlacesQuery>) -> AppResult<Json<Places>> {
    let mut work = ctx.begin(&state, Permission::ManageExams).await?;
    let items: Vec<ExamPlace> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE p.tenant_id = $1 AND p.starts_at >= $2 AND ($3::timestamptz IS NULL OR p.starts_at < $3)
            AND (NOT $4 OR e.id IS NULL)
          ORDER BY p.starts_at, p.id LIMIT 500"
    )))
    .bind(ctx.tenant_id.0)
    .bind(q.from.unwrap_or_else(Utc::now))
    .bind(q.to)
    .bind(q.available)
    .fetch_all(&mut *work)
    .await?;
    work.commit().await?;
    Ok(Json(Places { items }))
}

/// Adds a place obtained for the school.
#[utoipa::path(post, path = "/exam-places", operation_id = "exam_places_create", tag = "exams", request_body = NewExamPlace,
    responses((status = 201, body = ExamPlace), (status = 400), (status = 401), (status = 403)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageExams).await?;
    let input: NewExamPlace = body.parse()?;
    let centre = input.centre.trim();
    if centre.is_empty() {
        return Err(AppError::field("centre", "Indiquez le centre d'examen."));
    }
    let id = Uuid::now_v7();
    let category = input.category.unwrap_or(StudentCategory::B);
    sqlx::query(
        "INSERT INTO exam_places (tenant_id, id, starts_at, centre, category, instructor_id, vehicle_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(ctx.tenant_id.0)
    .bind(id)
    .bind(input.starts_at)
    .bind(centre)
    .bind(crate::db::to_text(&category))
    .bind(input.instructor_id)
    .bind(input.vehicle_id)
    .execute(&mut *work)
    .await
    .map_err(|e| {
        on_constraint(
            e,
            &[
                ("exam_places_tenant_id_instructor_id_fkey", "instructor_id", "Ce moniteur n'existe pas dans l'école."),
                ("exam_places_tenant_id_vehicle_id_fkey", "vehicle_id", "Ce véhicule n'existe pas dans l'école."),
            ],
        )
    })?;
    let place = get(&mut work, &ctx, id, false).await?;
    work.audit().created("exam_place", id, &place).await?;
    work.commit().await?;
    Ok(created(place))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub student_id: Uuid,
    /// ADMIN only: books a student whom the eligibility rules block (audited).
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// Gives the place to a student: creates the practical exam (and books the accompaniment when
/// the place names it). 422 with the blocking rules unless an ADMIN sends `override_reason`.
#[utoipa::path(post, path = "/exam-places/{id}/assign", operation_id = "exam_places_assign", tag = "exams",
    params(("id" = Uuid, Path)), request_body = Assignment,
    responses((status = 201, body = super::Exam), (status = 400), (status = 401), (status = 403), (status = 404),
              (status = 409), (status = 422)))]
async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let exam = retrying(|| async {
        let mut work = ctx.begin(&state, Permission::ManageExams).await?;
        let place = get(&mut work, &ctx, id, true).await?;
        let input: Assignment = body.parse()?;
        if place.exam_id.is_some() {
            return Err(AppError::rule("place_taken", "Cette place d'examen est déjà attribuée."));
        }
        let student = match visible(&mut work, input.student_id, true).await {
            Err(AppError::NotFound) => {
                return Err(AppError::field("student_id", "Cet élève n'existe pas dans l'école."));
            }
            other => other?,
        };
        let category = crate::db::to_text(&student.category);
        if category != place.category {
            return Err(AppError::rule(
                "place_category",
                format!(
                    "Cette place est pour la catégorie {} ; le dossier {} est en catégorie {category}.",
                    place.category,
                    volant_domain::french::de(&format!("{} {}", student.first_name, student.last_name))
                ),
            ));
        }
        let exam = NewExam {
            student_id: student.id,
            kind: ExamKind::Practical,
            scheduled_at: place.starts_at,
            centre: Some(place.centre.clone()),
            result: ExamResult::Pending,
            score: None,
            eliminatory: false,
            excused: false,
            cancelled_at: None,
            instructor_id: place.instructor_id,
            vehicle_id: place.vehicle_id,
            comment: None,
            override_reason: input.override_reason,
        };
        let exam = record(&mut work, &booker(&ctx), &student, exam, Some(place.id)).await?;
        work.commit().await?;
        Ok(exam)
    })
    .await?;
    Ok(created(exam))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Candidate {
    pub student_id: Uuid,
    pub name: String,
    pub category: StudentCategory,
    pub eligible: bool,
    /// The rules that block, by code.
    pub blocking: Vec<RuleCode>,
    pub warnings: Vec<RuleCode>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Candidates {
    pub items: Vec<Candidate>,
}

/// Students to suggest for a place: active, without a pending practical test, with a theory
/// test passed and most of their driving hours; eligible ones first.
#[utoipa::path(get, path = "/exam-places/{id}/candidates", operation_id = "exam_places_candidates", tag = "exams",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Candidates), (status = 401), (status = 403), (status = 404)))]
async fn candidates(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Candidates>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageExams).await?;
    let place = get(&mut work, &ctx, id, false).await?;
    let school = facts::school(&mut work, ctx.tenant_id).await?;
    let (today, exam_date) = (school.today(), school.date_of(place.starts_at));
    let mut items = vec![];
    for student_id in plausible_candidates(&mut work, ctx.tenant_id, &school, Some(&place.category)).await? {
        let Some(s) = students::repo::get(&mut work, ctx.tenant_id, student_id, false).await? else { continue };
        let verdict = facts::eligibility(&mut work, ctx.tenant_id, &school, &s, (exam_date, today)).await?;
        let with = |status| verdict.rules.iter().filter(|r| r.status == status).map(|r| r.code).collect();
        items.push(Candidate {
            student_id,
            name: format!("{} {}", s.first_name, s.last_name),
            category: s.category,
            eligible: verdict.eligible,
            blocking: with(RuleStatus::Block),
            warnings: with(RuleStatus::Warn),
        });
    }
    work.commit().await?;
    items.sort_by_key(|c| (!c.eligible, c.blocking.len(), c.name.clone()));
    Ok(Json(Candidates { items }))
}

/// Active students (of the place's category, when given: a B78 place is for the automatic
/// training) with a theory test passed, the driving hours of an automatic licence done and no
/// pending practical test: the only ones worth evaluating (at most 100).
pub async fn plausible_candidates(
    conn: &mut PgConnection,
    tenant: TenantId,
    school: &facts::School,
    category: Option<&str>,
) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(
        "SELECT s.id FROM students s
          WHERE s.tenant_id = $1 AND s.status = 'active' AND ($3::text IS NULL OR s.category = $3)
            AND EXISTS (SELECT FROM exams e WHERE e.tenant_id = s.tenant_id AND e.student_id = s.id
                          AND e.kind = 'theory' AND e.result = 'passed')
            AND NOT EXISTS (SELECT FROM exams e WHERE e.tenant_id = s.tenant_id AND e.student_id = s.id
                              AND e.kind = 'practical' AND e.result = 'pending')
            AND (SELECT coalesce(sum(extract(epoch FROM l.ends_at - l.starts_at)), 0) FROM lessons l
                  WHERE l.tenant_id = s.tenant_id AND l.student_id = s.id AND l.kind = 'driving' AND l.status = 'done')
                >= $2 * 60
          ORDER BY s.sort_key LIMIT 100",
    )
    .bind(tenant.0)
    .bind(school.settings.min_driving_minutes_automatic)
    .bind(category)
    .fetch_all(conn)
    .await?)
}
