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

use super::{Assessment, Booklet, Evaluation, EvaluationInput, Source, check_lessons, read, record, validate};
use crate::{
    app::AppState,
    audit::{self, Change},
    auth::{Ctx, Permission},
    db,
    error::{AppError, AppResult},
    http::{created, json::JsonBody, path_id},
    instructors,
    students::routes::{school_today, visible},
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(competencies))
        .routes(routes!(booklet))
        .routes(routes!(evaluate))
        .routes(routes!(assess))
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
    ctx.require(Permission::ReadStudents)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    visible(&mut tx, &ctx, id, false).await?;
    let b = read(&mut tx, ctx.tenant_id, id).await?;
    tx.commit().await?;
    Ok(Json(b))
}

/// The instructor record of the caller (an evaluation is signed by an instructor).
async fn own_instructor(conn: &mut sqlx::PgConnection, ctx: &Ctx) -> AppResult<Option<Uuid>> {
    Ok(instructors::repo::id_of_user(conn, ctx.tenant_id, ctx.user_id).await?)
}

/// Records one evaluation: by an instructor who teaches the student, or by the office for
/// levels imported from another school (`source: "transfer_in"`).
#[utoipa::path(post, path = "/students/{id}/booklet/evaluations", operation_id = "booklet_evaluate", tag = "booklet",
    params(("id" = Uuid, Path)), request_body = EvaluationInput,
    responses((status = 201, body = Evaluation), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn evaluate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    ctx.require(Permission::EvaluateStudents)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    visible(&mut tx, &ctx, id, true).await?;
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
    check_lessons(&mut tx, ctx.tenant_id, id, &list).await?;
    let instructor = if office { None } else { own_instructor(&mut tx, &ctx).await? };
    let today = school_today(&mut tx, ctx.tenant_id).await?;
    let mut saved = record(&mut tx, &ctx.actor(), id, instructor, &list, today).await?;
    tx.commit().await?;
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
    ctx.require(Permission::EvaluateStudents)?;
    let id: Uuid = path_id(&id)?;
    let mut tx = db::begin_tenant(&state.pool, ctx.tenant_id).await?;
    visible(&mut tx, &ctx, id, true).await?;
    let a: NewAssessment = body.parse()?;
    if a.kind != "bilan" && a.kind != "affi" {
        return Err(AppError::field("kind", "Le type doit être « bilan » ou « affi »."));
    }
    let instructor = match ctx.role {
        Role::Instructor => own_instructor(&mut tx, &ctx).await?,
        _ => a.instructor_id,
    };
    if let Some(i) = instructor
        && instructors::repo::get(&mut tx, ctx.tenant_id, i, false).await?.is_none()
    {
        return Err(AppError::field("instructor_id", "Ce moniteur n'existe pas dans l'école."));
    }
    let trim = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let saved: Assessment = sqlx::query_as(
        "INSERT INTO booklet_assessments (tenant_id, id, student_id, kind, date, instructor_id, result, comment, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, kind, date, instructor_id, result, comment",
    )
    .bind(ctx.tenant_id.0)
    .bind(Uuid::now_v7())
    .bind(id)
    .bind(&a.kind)
    .bind(a.date)
    .bind(instructor)
    .bind(trim(a.result))
    .bind(trim(a.comment))
    .bind(ctx.user_id.0)
    .fetch_one(&mut *tx)
    .await?;
    let change = Change {
        action: "student.booklet.assess",
        entity: "student",
        entity_id: Some(id),
        before: None,
        after: Some(json!(saved)),
    };
    audit::record(&mut tx, &ctx.actor(), change).await?;
    tx.commit().await?;
    Ok(created(saved))
}
