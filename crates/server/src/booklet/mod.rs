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

/// The level a student reached on an item (the latest evaluation), if any.
pub async fn current_level(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
    item: &str,
) -> AppResult<Option<Level>> {
    let level: Option<String> = sqlx::query_scalar(
        "SELECT level FROM booklet_evaluations WHERE tenant_id = $1 AND student_id = $2 AND item_code = $3
          ORDER BY evaluated_on DESC, created_at DESC LIMIT 1",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(item)
    .fetch_optional(conn)
    .await?;
    Ok(level.as_deref().map(from_text).transpose()?)
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

/// The printable booklet of a student (A4): school, student and NEPH, every item's level and
/// date, lessons with dates, durations and instructors, assessments.
pub async fn pdf_document(work: &mut Work, id: Uuid) -> AppResult<volant_pdf::BookletDoc> {
    let tenant = work.tenant();
    let student = crate::students::service::visible(work, id, false).await?;
    let b = read(work, tenant, id).await?;
    let tz = work.tz();
    let school = repo::letterhead(work, tenant).await?;
    let lessons = repo::done_lessons(work, tenant, id).await?;
    let instructor_names = repo::instructor_names(work, tenant).await?;
    let label = |level| b.labels.iter().find(|l| l.level == level).map(|l| l.label.clone()).unwrap_or_default();
    let doc = volant_pdf::BookletDoc {
        school: volant_pdf::School {
            name: school.name,
            address: school.address.unwrap_or_default(),
            agrement: school.agrement.unwrap_or_default(),
        },
        student: volant_pdf::StudentIdentity {
            name: format!("{} {}", student.first_name, student.last_name),
            birth_date: fr_date(student.birth_date),
            neph: student.neph.clone().unwrap_or_else(|| "non attribué".into()),
            category: crate::db::to_text(&student.category).to_uppercase(),
            training_mode: match crate::db::to_text(&student.training_mode).as_str() {
                "aac" => "apprentissage anticipé (AAC)",
                "supervised" => "conduite supervisée",
                _ => "traditionnelle",
            }
            .into(),
        },
        generated_on: fr_date(chrono::Utc::now().with_timezone(&tz).date_naive()),
        reference: b.reference.clone(),
        version: b.version.clone(),
        progress: b.progress,
        acquired: b.acquired,
        acquired_label: label(Level::Assimile),
        item_count: b.item_count,
        competencies: b
            .competencies
            .iter()
            .map(|c| volant_pdf::CompetencyBlock {
                code: c.code.clone(),
                title: c.title.clone(),
                progress: c.progress,
                items: c
                    .items
                    .iter()
                    .map(|i| volant_pdf::ItemRow {
                        code: i.code.clone(),
                        title: i.title.clone(),
                        level: label(i.level),
                        date: i.evaluated_at.map(fr_date).unwrap_or_else(|| "—".into()),
                    })
                    .collect(),
            })
            .collect(),
        lessons: lessons
            .into_iter()
            .map(|repo::DoneLesson { starts_at: start, ends_at: end, kind, instructor_name: instructor }| {
                let (s, e) = (start.with_timezone(&tz), end.with_timezone(&tz));
                volant_pdf::LessonRow {
                    date: fr_date(s.date_naive()),
                    time: format!("{}–{}", s.format("%H:%M"), e.format("%H:%M")),
                    duration: volant_domain::french::minutes((end - start).num_minutes()),
                    instructor: instructor.unwrap_or_else(|| "—".into()),
                    kind: match kind.as_str() {
                        "driving" => "Conduite",
                        "code" => "Code",
                        "exam" => "Examen",
                        "evaluation" => "Évaluation de départ",
                        _ => "Autre",
                    }
                    .into(),
                }
            })
            .collect(),
        assessments: b
            .assessments
            .iter()
            .map(|a| volant_pdf::AssessmentRow {
                kind: if a.kind == "affi" {
                    "Attestation de fin de formation initiale (AFFI)".into()
                } else {
                    "Bilan de compétences".into()
                },
                date: fr_date(a.date),
                instructor: a
                    .instructor_id
                    .and_then(|i| instructor_names.get(&i).cloned())
                    .unwrap_or_else(|| "—".into()),
                result: [a.result.clone(), a.comment.clone()].into_iter().flatten().collect::<Vec<_>>().join(" — "),
            })
            .collect(),
    };
    Ok(doc)
}

/// The PDF of a booklet (off the async threads: typst takes a while).
pub async fn render(doc: volant_pdf::BookletDoc) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || volant_pdf::booklet(&doc))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))
}

fn fr_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}
