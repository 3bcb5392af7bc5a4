//! The learning booklet of a student: evaluations of the REMC items (the current level is the
//! latest; the history is kept), progress per competency and overall, formal assessments.

pub mod repo;
pub mod routes;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    booklet::{Level, progress, remc_b},
    ids::TenantId,
};

use crate::{
    audit::Change,
    db::{from_text, to_text},
    error::{AppError, AppResult, FieldErrors},
    work::Work,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Lesson,
    TransferIn,
}

/// One evaluation to record.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    /// `C1.1` … `C4.7`.
    pub item_code: String,
    pub level: Level,
    #[serde(default)]
    pub lesson_id: Option<Uuid>,
    #[serde(default)]
    pub comment: Option<String>,
    /// `lesson` (default) or `transfer_in` (levels imported by the office).
    #[serde(default)]
    pub source: Option<Source>,
    /// Defaults to today.
    #[serde(default)]
    pub evaluated_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Evaluation {
    pub id: Uuid,
    pub item_code: String,
    pub level: Level,
    pub instructor_id: Option<Uuid>,
    pub evaluated_on: NaiveDate,
    pub lesson_id: Option<Uuid>,
    pub comment: Option<String>,
    pub source: Source,
    pub created_at: DateTime<Utc>,
}

type EvaluationRow =
    (Uuid, String, String, Option<Uuid>, NaiveDate, Option<Uuid>, Option<String>, String, DateTime<Utc>);

fn evaluation(r: EvaluationRow) -> Result<Evaluation, sqlx::Error> {
    Ok(Evaluation {
        id: r.0,
        item_code: r.1,
        level: from_text(&r.2)?,
        instructor_id: r.3,
        evaluated_on: r.4,
        lesson_id: r.5,
        comment: r.6,
        source: from_text(&r.7)?,
        created_at: r.8,
    })
}

/// Checks every evaluation first, so that one bad item refuses them all (400 naming it).
pub fn validate(list: &[EvaluationInput], field: &str) -> AppResult<()> {
    let mut errors = FieldErrors::default();
    for (i, e) in list.iter().enumerate() {
        if remc_b().item(&e.item_code).is_none() {
            errors.add(&format!("{field}[{i}].item_code"), "Cet item n'existe pas dans le référentiel (C1.1 à C4.7).");
        }
    }
    errors.finish()
}

/// Records evaluations (already validated) in the caller's transaction, audited.
pub async fn record(
    work: &mut Work,
    student: Uuid,
    instructor: Option<Uuid>,
    list: &[EvaluationInput],
    today: NaiveDate,
) -> AppResult<Vec<Evaluation>> {
    let tenant = work.tenant();
    let mut out = vec![];
    for e in list {
        let comment = e.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let row: EvaluationRow = sqlx::query_as(
            "INSERT INTO booklet_evaluations (tenant_id, id, student_id, item_code, level, instructor_id, evaluated_on,
                                              lesson_id, comment, source, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             RETURNING id, item_code, level, instructor_id, evaluated_on, lesson_id, comment, source, created_at",
        )
        .bind(tenant.0)
        .bind(Uuid::now_v7())
        .bind(student)
        .bind(&e.item_code)
        .bind(to_text(&e.level))
        .bind(instructor)
        .bind(e.evaluated_on.unwrap_or(today))
        .bind(e.lesson_id)
        .bind(comment)
        .bind(to_text(&e.source.unwrap_or(Source::Lesson)))
        .bind(work.actor.user_id)
        .fetch_one(&mut **work)
        .await
        .map_err(|err| {
            crate::error::on_constraint(
                err,
                &[("booklet_evaluations_tenant_id_lesson_id_fkey", "lesson_id", "Cette séance n'existe pas.")],
            )
        })?;
        out.push(evaluation(row)?);
    }
    let change = Change {
        action: "student.booklet.evaluate",
        entity: "student",
        entity_id: Some(student),
        before: None,
        after: Some(json!(out.iter().map(|e| json!({"item": e.item_code, "level": e.level})).collect::<Vec<_>>())),
    };
    work.audit().record(change).await?;
    Ok(out)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookletItem {
    pub code: String,
    pub title: String,
    /// The latest level (`non_aborde` when never evaluated).
    pub level: Level,
    pub evaluated_at: Option<NaiveDate>,
    /// Every evaluation of the item, newest first.
    pub history: Vec<Evaluation>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookletCompetency {
    pub code: String,
    pub title: String,
    /// Percent: the mean of the items' level indices (0 to 3) over 3.
    pub progress: u32,
    pub acquired: usize,
    pub items: Vec<BookletItem>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Assessment {
    pub id: Uuid,
    /// `bilan` (formal assessment) or `affi` (end of initial training, AAC and supervised driving).
    pub kind: String,
    pub date: NaiveDate,
    pub instructor_id: Option<Uuid>,
    pub result: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelLabel {
    pub level: Level,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Booklet {
    pub reference: String,
    pub version: String,
    pub progress: u32,
    /// Items at `assimile`.
    pub acquired: usize,
    pub item_count: usize,
    /// The school's names for the levels.
    pub labels: Vec<LevelLabel>,
    pub competencies: Vec<BookletCompetency>,
    pub assessments: Vec<Assessment>,
}

/// The school's labels for the four levels (its settings), else the defaults.
pub async fn labels(conn: &mut PgConnection, tenant: TenantId) -> AppResult<Vec<LevelLabel>> {
    let names = crate::school::read(conn, tenant).await?.settings.booklet_labels;
    Ok(Level::ALL.iter().map(|l| LevelLabel { level: *l, label: names.of(*l).to_owned() }).collect())
}

pub async fn read(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> AppResult<Booklet> {
    let rows: Vec<EvaluationRow> = sqlx::query_as(
        "SELECT id, item_code, level, instructor_id, evaluated_on, lesson_id, comment, source, created_at
           FROM booklet_evaluations WHERE tenant_id = $1 AND student_id = $2
          ORDER BY evaluated_on DESC, created_at DESC, id DESC",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_all(&mut *conn)
    .await?;
    let evaluations = rows.into_iter().map(evaluation).collect::<Result<Vec<_>, _>>()?;
    let reference = remc_b();
    let competencies: Vec<BookletCompetency> = reference
        .competencies
        .iter()
        .map(|c| {
            let items: Vec<BookletItem> = c
                .items
                .iter()
                .map(|i| {
                    let history: Vec<Evaluation> =
                        evaluations.iter().filter(|e| e.item_code == i.code).cloned().collect();
                    let latest = history.first();
                    BookletItem {
                        code: i.code.clone(),
                        title: i.title.clone(),
                        level: latest.map_or(Level::NonAborde, |e| e.level),
                        evaluated_at: latest.map(|e| e.evaluated_on),
                        history,
                    }
                })
                .collect();
            BookletCompetency {
                code: c.code.clone(),
                title: c.title.clone(),
                progress: progress(items.iter().map(|i| Some(i.level))),
                acquired: items.iter().filter(|i| i.level == Level::Assimile).count(),
                items,
            }
        })
        .collect();
    let overall: Vec<Option<Level>> = competencies.iter().flat_map(|c| c.items.iter().map(|i| Some(i.level))).collect();
    let overall = progress(overall);
    let assessments: Vec<Assessment> = sqlx::query_as(
        "SELECT id, kind, date, instructor_id, result, comment FROM booklet_assessments
          WHERE tenant_id = $1 AND student_id = $2 ORDER BY date, created_at",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Booklet {
        reference: reference.reference.clone(),
        version: reference.version.clone(),
        progress: overall,
        acquired: competencies.iter().map(|c| c.acquired).sum(),
        item_count: reference.item_count(),
        labels: labels(conn, tenant).await?,
        competencies,
        assessments,
    })
}

/// Refuses evaluations for a lesson of another student.
pub async fn check_lessons(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    list: &[EvaluationInput],
) -> AppResult<()> {
    for (i, e) in list.iter().enumerate() {
        if let Some(lesson) = e.lesson_id {
            let ok: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT FROM lesson_participants WHERE tenant_id = $1 AND lesson_id = $2 AND student_id = $3)",
            )
            .bind(tenant.0)
            .bind(lesson)
            .bind(student)
            .fetch_one(&mut *conn)
            .await?;
            if !ok {
                return Err(AppError::field(
                    &format!("lesson_id[{i}]"),
                    "Cette séance n'est pas une séance de l'élève.",
                ));
            }
        }
    }
    Ok(())
}
