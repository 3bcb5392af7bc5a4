//! A student's CPF dossier (SPEC § 6.5): its EDOF number, the status the office reads on EDOF
//! (no public API exists), the amounts, and how long it has been in its status. The rules
//! (which status follows which, when a dossier is stuck, the 2026 co-financing rule) are in
//! `volant_domain::cpf`.

pub mod routes;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    cpf::{self, CpfStatus},
    ids::TenantId,
    planning::Finding,
};

use crate::{
    db,
    error::{AppError, AppResult, FieldErrors, on_constraint},
    work::Work,
};

/// The dossier as the office reads it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CpfDossier {
    pub student_id: Uuid,
    /// The dossier's number on EDOF.
    pub edof_number: String,
    pub status: CpfStatus,
    /// The day (school time) the dossier entered its status.
    pub status_since: NaiveDate,
    /// What the CPF funds, VAT included.
    pub amount_cents: i64,
    /// What a third party adds (employer, France Travail…).
    pub co_financing_cents: i64,
    /// The student is a job seeker (the 2026 rule does not ask for a co-financing then).
    pub job_seeker: bool,
    pub note: Option<String>,
    pub version: i32,
    /// Days in its status beyond the school's limit (an alert), if so.
    pub stuck_days: Option<i64>,
    /// The statuses it may go to next.
    pub next_statuses: Vec<CpfStatus>,
    /// What the office should know (`cpf_co_financing`).
    pub warnings: Vec<Finding>,
    pub updated_at: DateTime<Utc>,
}

/// What the office enters; a new dossier starts `submitted` unless told otherwise.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CpfInput {
    pub edof_number: String,
    #[serde(default = "submitted")]
    pub status: CpfStatus,
    pub amount_cents: i64,
    #[serde(default)]
    pub co_financing_cents: i64,
    #[serde(default)]
    pub job_seeker: bool,
    #[serde(default)]
    pub note: Option<String>,
}

fn submitted() -> CpfStatus {
    CpfStatus::Submitted
}

#[derive(Clone, sqlx::FromRow)]
struct Row {
    student_id: Uuid,
    edof_number: String,
    status: String,
    status_since: NaiveDate,
    amount_cents: i64,
    co_financing_cents: i64,
    job_seeker: bool,
    note: Option<String>,
    version: i32,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn input(&self) -> AppResult<CpfInput> {
        Ok(CpfInput {
            edof_number: self.edof_number.clone(),
            status: db::from_text(&self.status)?,
            amount_cents: self.amount_cents,
            co_financing_cents: self.co_financing_cents,
            job_seeker: self.job_seeker,
            note: self.note.clone(),
        })
    }
}

const CONSTRAINTS: &[(&str, &str, &str)] =
    &[("cpf_dossiers_edof_unique", "edof_number", "Ce numéro de dossier EDOF est déjà celui d'un autre élève.")];

async fn row(conn: &mut PgConnection, tenant: TenantId, student: Uuid, lock: bool) -> sqlx::Result<Option<Row>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT student_id, edof_number, status, status_since, amount_cents, co_financing_cents, job_seeker, note,
                version, updated_at
           FROM cpf_dossiers WHERE tenant_id = $1 AND student_id = $2{}",
        if lock { " FOR UPDATE" } else { "" }
    )))
    .bind(tenant.0)
    .bind(student)
    .fetch_optional(conn)
    .await
}

fn view(work: &Work, r: Row) -> AppResult<CpfDossier> {
    let status: CpfStatus = db::from_text(&r.status)?;
    let settings = &work.settings().cpf;
    let next_statuses = CpfStatus::ALL.into_iter().filter(|s| status.can_become(*s)).collect();
    let warnings = match status {
        CpfStatus::Cancelled => vec![],
        _ => cpf::co_financing_finding(r.job_seeker, r.co_financing_cents, settings).into_iter().collect(),
    };
    Ok(CpfDossier {
        student_id: r.student_id,
        stuck_days: cpf::stuck_days(status, r.status_since, work.school.today(), settings),
        edof_number: r.edof_number,
        status,
        status_since: r.status_since,
        amount_cents: r.amount_cents,
        co_financing_cents: r.co_financing_cents,
        job_seeker: r.job_seeker,
        note: r.note,
        version: r.version,
        next_statuses,
        warnings,
        updated_at: r.updated_at,
    })
}

/// The student's dossier; 404 when the student has none.
pub async fn get(work: &mut Work, student: Uuid) -> AppResult<CpfDossier> {
    let tenant = work.tenant();
    let r = row(work, tenant, student, false).await?.ok_or(AppError::NotFound)?;
    view(work, r)
}

/// Opens the dossier (the body is a whole dossier) or changes it (a merge patch with `version`).
pub async fn patch(work: &mut Work, student: Uuid, body: &crate::http::json::JsonBody) -> AppResult<CpfDossier> {
    let tenant = work.tenant();
    let Some(before) = row(work, tenant, student, true).await? else {
        return open(work, student, body.parse()?).await;
    };
    let current = view(work, before.clone())?;
    let input: CpfInput = crate::http::patch::apply(&before.input()?, before.version, &current, body)?;
    let input = validate(input)?;
    let from: CpfStatus = db::from_text(&before.status)?;
    if input.status != from && !from.can_become(input.status) {
        return Err(status_refused(from, &current.next_statuses));
    }
    update(work, tenant, student, &input, input.status != from).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    let after = get(work, student).await?;
    work.audit().updated("cpf_dossier", student, &current, &after).await?;
    Ok(after)
}

/// Opens a dossier in whatever status EDOF shows (one entered late may already be accepted).
pub async fn open(work: &mut Work, student: Uuid, input: CpfInput) -> AppResult<CpfDossier> {
    let input = validate(input)?;
    insert(work, work.tenant(), student, &input).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    let created = get(work, student).await?;
    work.audit().created("cpf_dossier", student, &created).await?;
    Ok(created)
}

fn status_refused(from: CpfStatus, next: &[CpfStatus]) -> AppError {
    let choices = next.iter().map(|s| format!("« {} »", s.label())).collect::<Vec<_>>().join(" ou ");
    let message = if choices.is_empty() {
        format!("Un dossier « {} » ne change plus de statut.", from.label())
    } else {
        format!("Un dossier « {} » passe ensuite {choices}.", from.label())
    };
    AppError::rule("cpf_status", message)
}

fn validate(mut input: CpfInput) -> AppResult<CpfInput> {
    let mut errors = FieldErrors::default();
    input.edof_number = input.edof_number.split_whitespace().collect();
    let n = &input.edof_number;
    if !(5..=30).contains(&n.len()) || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        errors.add("edof_number", "Le numéro de dossier EDOF compte de 5 à 30 chiffres ou lettres.");
    }
    if !(0..=10_000_000).contains(&input.amount_cents) {
        errors.add("amount_cents", "Le montant financé est compris entre 0 et 100 000 €.");
    }
    if !(0..=10_000_000).contains(&input.co_financing_cents) {
        errors.add("co_financing_cents", "Le cofinancement est compris entre 0 et 100 000 €.");
    }
    input.note = input.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if input.note.as_ref().is_some_and(|n| n.chars().count() > 500) {
        errors.add("note", "La note tient en 500 caractères au plus.");
    }
    errors.finish()?;
    Ok(input)
}

async fn insert(work: &mut Work, tenant: TenantId, student: Uuid, i: &CpfInput) -> sqlx::Result<()> {
    let today = work.school.today();
    sqlx::query(
        "INSERT INTO cpf_dossiers (tenant_id, student_id, edof_number, status, status_since, amount_cents,
                                   co_financing_cents, job_seeker, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(&i.edof_number)
    .bind(db::to_text(&i.status))
    .bind(today)
    .bind(i.amount_cents)
    .bind(i.co_financing_cents)
    .bind(i.job_seeker)
    .bind(&i.note)
    .execute(&mut **work)
    .await
    .map(|_| ())
}

async fn update(work: &mut Work, tenant: TenantId, student: Uuid, i: &CpfInput, moved: bool) -> sqlx::Result<()> {
    let today = work.school.today();
    sqlx::query(
        "UPDATE cpf_dossiers SET edof_number = $3, status = $4, amount_cents = $5, co_financing_cents = $6,
                job_seeker = $7, note = $8, status_since = CASE WHEN $9 THEN $10 ELSE status_since END,
                version = version + 1, updated_at = now()
          WHERE tenant_id = $1 AND student_id = $2",
    )
    .bind(tenant.0)
    .bind(student)
    .bind(&i.edof_number)
    .bind(db::to_text(&i.status))
    .bind(i.amount_cents)
    .bind(i.co_financing_cents)
    .bind(i.job_seeker)
    .bind(&i.note)
    .bind(moved)
    .bind(today)
    .execute(&mut **work)
    .await
    .map(|_| ())
}

/// The dossiers stuck in their status (the office's alerts): student, name, status, days.
pub async fn stuck(
    conn: &mut PgConnection,
    tenant: TenantId,
    today: NaiveDate,
    settings: &cpf::CpfSettings,
) -> sqlx::Result<Vec<(Uuid, String, CpfStatus, i64)>> {
    let rows: Vec<(Uuid, String, String, NaiveDate)> = sqlx::query_as(
        "SELECT d.student_id, s.first_name || ' ' || s.last_name, d.status, d.status_since
           FROM cpf_dossiers d JOIN students s ON s.tenant_id = d.tenant_id AND s.id = d.student_id
          WHERE d.tenant_id = $1 AND d.status NOT IN ('paid', 'cancelled')",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, status, since)| {
            let status: CpfStatus = db::from_text(&status).ok()?;
            Some((id, name, status, cpf::stuck_days(status, since, today, settings)?))
        })
        .collect())
}
