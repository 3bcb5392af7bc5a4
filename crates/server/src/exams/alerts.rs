//! The office's alerts (SPEC § P0.6): what needs someone's attention today. Computed on read,
//! per school, with a handful of set-based queries (never one query per student for the cheap
//! ones; eligibility is evaluated only for plausible candidates).

use axum::{Json, extract::State};
use chrono::{Duration, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    ants::AntsDossierStatus,
    documents::{CheckStatus, Held, checklist},
    eligibility::theory_valid_until,
    ids::TenantId,
    student::StudentStatus,
};

use super::{
    facts::{self, School},
    places::plausible_candidates,
};
use crate::{
    auth::{Ctx, Permission},
    billing, confirmations, connectors,
    error::AppResult,
    state::AppState,
    students::{self, Student},
    work::Work,
};

/// Theory tests expiring within this many days are flagged.
pub const THEORY_EXPIRY_NOTICE_DAYS: i64 = 90;
pub const AUTHORISATION_NOTICE_DAYS: i64 = 60;
pub const VEHICLE_PAPERS_NOTICE_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Already overdue, or blocking.
    Danger,
    Warning,
    Info,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Alert {
    /// `theory_expiring`, `low_hours`, `eligible_without_place`, `authorisation_expiring`,
    /// `vehicle_insurance`, `vehicle_inspection`, `lessons_to_mark`, `documents`, `cpf_stuck`,
    /// `lesson_disputed`, `ants_incomplete`, `ants_rejected`, `connector_failing`, `livret_at_risk`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub student_id: Option<Uuid>,
    pub instructor_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    /// The date the alert is about (an expiry), when there is one.
    pub due_on: Option<NaiveDate>,
}

impl Alert {
    fn new(code: &'static str, severity: Severity, message: String) -> Self {
        Alert { code, severity, message, student_id: None, instructor_id: None, vehicle_id: None, due_on: None }
    }

    fn student(mut self, id: Uuid) -> Self {
        self.student_id = Some(id);
        self
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Alerts {
    /// Most urgent first.
    pub items: Vec<Alert>,
}

/// What needs attention: expiring theory tests, low hours, eligible students without a place,
/// instructor and vehicle papers, past lessons still to mark, missing or expired documents.
#[utoipa::path(get, path = "/alerts", operation_id = "alerts_list", tag = "exams",
    responses((status = 200, body = Alerts), (status = 401), (status = 403)))]
pub async fn alerts(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Alerts>> {
    let mut work = ctx.begin(&state, Permission::ReadAlerts).await?;
    let school = facts::school(&mut work, ctx.tenant_id).await?;
    let today = school.today();
    let active = active_students(&mut work, ctx.tenant_id).await?;
    let mut items = theory_expiring(&mut work, ctx.tenant_id, &school).await?;
    items.extend(low_hours(&mut work, ctx.tenant_id, &active).await?);
    items.extend(eligible_without_place(&mut work, &ctx, &school).await?);
    items.extend(instructor_papers(&mut work, ctx.tenant_id, today).await?);
    items.extend(vehicle_papers(&mut work, ctx.tenant_id, today).await?);
    items.extend(lessons_to_mark(&mut work, ctx.tenant_id).await?);
    items.extend(documents(&mut work, ctx.tenant_id, &active, today).await?);
    let cpf = work.settings().cpf.clone();
    items.extend(cpf_stuck(&mut work, ctx.tenant_id, today, &cpf).await?);
    items.extend(disputed_lessons(&mut work, school.tz).await?);
    items.extend(registrations(&mut work, ctx.tenant_id, today, school.tz).await?);
    work.commit().await?;
    items.sort_by_key(|a| (a.severity, a.due_on.unwrap_or(NaiveDate::MAX)));
    Ok(Json(Alerts { items }))
}

/// Lessons whose student disputes the hours, until the office settles them.
async fn disputed_lessons(work: &mut Work, tz: chrono_tz::Tz) -> AppResult<Vec<Alert>> {
    let open = confirmations::open_disputes(work).await?;
    Ok(open
        .into_iter()
        .map(|d| {
            let local = d.starts_at.with_timezone(&tz);
            let message = format!(
                "{} conteste la leçon du {} à {} : « {} »",
                d.student_name,
                local.format("%d/%m/%Y"),
                local.format("%H:%M"),
                d.reason
            );
            let mut alert = Alert::new("lesson_disputed", Severity::Danger, message).student(d.student_id);
            alert.instructor_id = d.instructor_id;
            alert
        })
        .collect())
}

/// ANTS dossiers the platform stopped (naming the documents to provide), lessons not accepted by the
/// livret near the ETP cut-off, and a connector in trouble.
async fn registrations(
    conn: &mut PgConnection,
    tenant: TenantId,
    today: NaiveDate,
    tz: chrono_tz::Tz,
) -> AppResult<Vec<Alert>> {
    let mut items: Vec<Alert> = connectors::ants::service::stopped(conn, tenant)
        .await?
        .into_iter()
        .map(|d| {
            let (code, what) = match d.status {
                AntsDossierStatus::Rejected => ("ants_rejected", "refusé"),
                _ => ("ants_incomplete", "incomplet"),
            };
            let message = format!(
                "Dossier ANTS {what} pour {} : {}",
                d.student_name,
                volant_domain::ants::reasons_summary(&d.reasons)
            );
            Alert::new(code, Severity::Danger, message).student(d.student_id)
        })
        .collect();
    if let Some((missing, days)) = connectors::rdvpermis::livret_at_risk(conn, tenant, today, tz).await? {
        let when = if days == 0 {
            "aujourd'hui".to_owned()
        } else {
            format!("dans {days} jour{}", if days > 1 { "s" } else { "" })
        };
        let message = format!(
            "{missing} leçon{s} non acceptée{s} par le livret numérique : le calcul des ETP a lieu {when} (le 24), \
             les heures non transmises ne compteront pas.",
            s = if missing > 1 { "s" } else { "" }
        );
        items.push(Alert::new("livret_at_risk", Severity::Danger, message));
    }
    for connector in connectors::service::failing(conn, tenant).await? {
        let message =
            format!("Le connecteur {} est en échec : {}", connector.label, connector.last_error.unwrap_or_default());
        items.push(Alert::new("connector_failing", Severity::Warning, message));
    }
    Ok(items)
}

/// CPF dossiers that stayed in a status longer than the school allows.
async fn cpf_stuck(
    conn: &mut PgConnection,
    tenant: TenantId,
    today: NaiveDate,
    settings: &volant_domain::cpf::CpfSettings,
) -> AppResult<Vec<Alert>> {
    let stuck = billing::cpf::stuck(conn, tenant, today, settings).await?;
    Ok(stuck
        .into_iter()
        .map(|(id, name, status, days)| {
            let message =
                format!("{name} : dossier CPF « {} » depuis {days} jours, à relancer sur EDOF.", status.label());
            Alert::new("cpf_stuck", Severity::Warning, message).student(id)
        })
        .collect())
}

async fn active_students(conn: &mut PgConnection, tenant: TenantId) -> AppResult<Vec<Student>> {
    let filter = students::repo::Filter {
        words: vec![],
        status: Some(StudentStatus::Active),
        referent: None,
        taught_by: None,
        agency_id: None,
        only: None,
        after: None,
        limit: 100_000,
    };
    Ok(students::repo::list(conn, tenant, &filter).await?)
}

async fn theory_expiring(conn: &mut PgConnection, tenant: TenantId, school: &School) -> AppResult<Vec<Alert>> {
    let today = school.today();
    // The latest theory pass of active students who have not passed the practical test yet.
    let rows: Vec<(Uuid, String, chrono::DateTime<Utc>)> = sqlx::query_as(
        "SELECT s.id, s.first_name || ' ' || s.last_name, max(e.scheduled_at)
           FROM students s JOIN exams e ON e.tenant_id = s.tenant_id AND e.student_id = s.id
          WHERE s.tenant_id = $1 AND s.status = 'active' AND e.kind = 'theory' AND e.result = 'passed'
            AND NOT EXISTS (SELECT FROM exams p WHERE p.tenant_id = s.tenant_id AND p.student_id = s.id
                              AND p.kind = 'practical' AND p.result = 'passed')
          GROUP BY s.id, s.first_name, s.last_name",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, passed_at)| {
            let until = theory_valid_until(school.date_of(passed_at), &school.settings);
            let days = (until - today).num_days();
            if days > THEORY_EXPIRY_NOTICE_DAYS {
                return None;
            }
            let (severity, message) = if days < 0 {
                (Severity::Danger, format!("{name} : le code a expiré le {}.", until.format("%d/%m/%Y")))
            } else {
                (
                    Severity::Warning,
                    format!("{name} : le code expire le {} (dans {days} jours).", until.format("%d/%m/%Y")),
                )
            };
            let mut alert = Alert::new("theory_expiring", severity, message).student(id);
            alert.due_on = Some(until);
            Some(alert)
        })
        .collect())
}

async fn low_hours(conn: &mut PgConnection, tenant: TenantId, active: &[Student]) -> AppResult<Vec<Alert>> {
    let threshold = crate::school::read(conn, tenant).await?.settings.alerts.low_hours_minutes;
    Ok(active
        .iter()
        .filter(|s| s.bookable_minutes < threshold)
        .map(|s| {
            let m = s.bookable_minutes;
            let message = format!("{} {} : {} h {:02} réservables.", s.first_name, s.last_name, m / 60, (m % 60).abs());
            let severity = if m <= 0 { Severity::Danger } else { Severity::Warning };
            Alert::new("low_hours", severity, message).student(s.id)
        })
        .collect())
}

async fn eligible_without_place(conn: &mut PgConnection, ctx: &Ctx, school: &School) -> AppResult<Vec<Alert>> {
    let today = school.today();
    let mut out = vec![];
    for id in plausible_candidates(conn, ctx.tenant_id, school, None).await? {
        let Some(s) = students::repo::get(conn, ctx.tenant_id, id, false).await? else { continue };
        if facts::eligibility(conn, ctx.tenant_id, school, &s, (today, today)).await?.eligible {
            let message =
                format!("{} {} peut passer l'examen pratique : attribuez-lui une place.", s.first_name, s.last_name);
            out.push(Alert::new("eligible_without_place", Severity::Info, message).student(id));
        }
    }
    Ok(out)
}

/// An expiry date as an alert sees it: already past is danger, coming is a warning.
fn expiry(on: NaiveDate, today: NaiveDate) -> (Severity, &'static str) {
    if on < today { (Severity::Danger, "a expiré") } else { (Severity::Warning, "expire") }
}

async fn instructor_papers(conn: &mut PgConnection, tenant: TenantId, today: NaiveDate) -> AppResult<Vec<Alert>> {
    let rows: Vec<(Uuid, String, NaiveDate)> = sqlx::query_as(
        "SELECT id, first_name || ' ' || last_name, authorisation_expires_on FROM instructors
          WHERE tenant_id = $1 AND active AND authorisation_expires_on <= $2",
    )
    .bind(tenant.0)
    .bind(today + Duration::days(AUTHORISATION_NOTICE_DAYS))
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, on)| {
            let (severity, verb) = expiry(on, today);
            let message = format!("{name} : l'autorisation d'enseigner {verb} le {}.", on.format("%d/%m/%Y"));
            let mut alert = Alert::new("authorisation_expiring", severity, message);
            alert.instructor_id = Some(id);
            alert.due_on = Some(on);
            alert
        })
        .collect())
}

async fn vehicle_papers(conn: &mut PgConnection, tenant: TenantId, today: NaiveDate) -> AppResult<Vec<Alert>> {
    let rows: Vec<(Uuid, String, Option<NaiveDate>, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT id, plate, insurance_expires_on, inspection_due_on FROM vehicles
          WHERE tenant_id = $1 AND status <> 'retired' AND (insurance_expires_on <= $2 OR inspection_due_on <= $2)",
    )
    .bind(tenant.0)
    .bind(today + Duration::days(VEHICLE_PAPERS_NOTICE_DAYS))
    .fetch_all(conn)
    .await?;
    let limit = today + Duration::days(VEHICLE_PAPERS_NOTICE_DAYS);
    let mut out = vec![];
    for (id, plate, insurance, inspection) in rows {
        for (code, what, on) in [
            ("vehicle_insurance", "l'assurance", insurance),
            ("vehicle_inspection", "le contrôle technique", inspection),
        ] {
            let Some(on) = on.filter(|on| *on <= limit) else { continue };
            let (severity, verb) = expiry(on, today);
            let mut alert =
                Alert::new(code, severity, format!("{plate} : {what} {verb} le {}.", on.format("%d/%m/%Y")));
            alert.vehicle_id = Some(id);
            alert.due_on = Some(on);
            out.push(alert);
        }
    }
    Ok(out)
}

/// Past lessons nobody marked done, no-show or cancelled, per instructor.
async fn lessons_to_mark(conn: &mut PgConnection, tenant: TenantId) -> AppResult<Vec<Alert>> {
    let rows: Vec<(Option<Uuid>, Option<String>, i64)> = sqlx::query_as(
        "SELECT l.instructor_id, i.first_name || ' ' || i.last_name, count(*)
           FROM lessons l LEFT JOIN instructors i ON i.tenant_id = l.tenant_id AND i.id = l.instructor_id
          WHERE l.tenant_id = $1 AND l.status = 'planned' AND l.kind <> 'unavailability' AND l.ends_at < now()
          GROUP BY l.instructor_id, i.first_name, i.last_name",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, n)| {
            let who = name.unwrap_or_else(|| "Sans moniteur".into());
            let lessons = if n == 1 { "séance passée reste" } else { "séances passées restent" };
            let mut alert =
                Alert::new("lessons_to_mark", Severity::Warning, format!("{who} : {n} {lessons} à marquer."));
            alert.instructor_id = id;
            alert
        })
        .collect())
}

/// Missing or expired documents of active students (one query for every document).
async fn documents(
    conn: &mut PgConnection,
    tenant: TenantId,
    active: &[Student],
    today: NaiveDate,
) -> AppResult<Vec<Alert>> {
    let rows: Vec<(Uuid, String, Option<NaiveDate>, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT d.student_id, d.kind, d.issued_on, d.expires_on FROM student_documents d
           JOIN students s ON s.tenant_id = d.tenant_id AND s.id = d.student_id
          WHERE d.tenant_id = $1 AND d.replaced_at IS NULL AND s.status = 'active'",
    )
    .bind(tenant.0)
    .fetch_all(conn)
    .await?;
    let mut held: std::collections::HashMap<Uuid, Vec<Held>> = std::collections::HashMap::new();
    for (student, kind, issued_on, expires_on) in rows {
        if let Ok(kind) = crate::db::from_text(&kind) {
            held.entry(student).or_default().push(Held { kind, issued_on, expires_on });
        }
    }
    Ok(active
        .iter()
        .filter_map(|s| {
            let list = checklist(s.birth_date, today, held.get(&s.id).map_or(&[][..], Vec::as_slice));
            let expired: Vec<&str> =
                list.iter().filter(|c| c.status == CheckStatus::Expired).map(|c| c.label).collect();
            let missing: Vec<&str> =
                list.iter().filter(|c| c.status == CheckStatus::Missing).map(|c| c.label).collect();
            if expired.is_empty() && missing.is_empty() {
                return None;
            }
            let mut parts = vec![];
            if !missing.is_empty() {
                parts.push(format!("manquant : {}", missing.join(", ")));
            }
            if !expired.is_empty() {
                parts.push(format!("expiré : {}", expired.join(", ")));
            }
            let severity = if expired.is_empty() { Severity::Info } else { Severity::Warning };
            let message = format!("{} {} — {}.", s.first_name, s.last_name, parts.join(" ; "));
            Some(Alert::new("documents", severity, message).student(s.id))
        })
        .collect())
}
