use axum::{Json, extract::State, response::Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use volant_domain::{analytics::decimal_hours, csv::excel_file};

use super::{InstructorFigures, Overview, Period, PeriodQuery, month, overview, repo};
use crate::{
    auth::{Ctx, Permission, Viewer},
    error::{AppError, AppResult},
    http::{csv_response, json::ApiQuery},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_overview))
        .routes(routes!(get_instructors))
        .routes(routes!(export))
        .routes(routes!(payroll))
}

/// How the school did over a period (ADMIN): pass rates, driving time per week, cancellations
/// and no-shows, hours to the first practical test, revenue, and the funnel from registration to
/// licence. Definitions: docs/analytics.md.
#[utoipa::path(operation_id = "analytics_overview", get, path = "/analytics/overview", tag = "analytics",
    params(PeriodQuery), responses((status = 200, body = Overview), (status = 400), (status = 401), (status = 403)))]
async fn get_overview(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<Overview>> {
    let mut work = ctx.begin(&state, Permission::ReadAnalytics).await?;
    let period = Period::of(&work, &q)?;
    let figures = overview(&mut work, &period).await?;
    work.commit().await?;
    Ok(Json(figures))
}

/// Each instructor's figures over a period (ADMIN), or one's own (INSTRUCTOR): lessons and time
/// done, no-shows, cancellations, the busiest week against the legal 35 hours, first-attempt
/// results of the practical tests accompanied.
#[utoipa::path(operation_id = "analytics_instructors", get, path = "/analytics/instructors", tag = "analytics",
    params(PeriodQuery), responses((status = 200, body = Vec<InstructorFigures>), (status = 400), (status = 401), (status = 403)))]
async fn get_instructors(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> AppResult<Json<Vec<InstructorFigures>>> {
    let mut work = ctx.begin(&state, Permission::ReadInstructorFigures).await?;
    let period = Period::of(&work, &q)?;
    let only = match work.viewer {
        Viewer::Office => None,
        Viewer::Instructor(own) => Some(own),
        Viewer::Student(_) | Viewer::Nobody => return Err(AppError::forbidden()),
    };
    let tz = work.tz().name().to_owned();
    let figures = repo::instructors(&mut work, &period, only, &tz).await?;
    work.commit().await?;
    Ok(Json(figures))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `weeks` (driving time per week), `revenue` (by month), `instructors` or `pass_rates`.
    pub report: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub agency_id: Option<uuid::Uuid>,
}

/// A report of the period as CSV for Excel (`;`, UTF-8 with a byte-order mark), ADMIN.
#[utoipa::path(operation_id = "analytics_export", get, path = "/analytics/export.csv", tag = "analytics",
    params(ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400), (status = 401), (status = 403)))]
async fn export(State(state): State<AppState>, ctx: Ctx, ApiQuery(q): ApiQuery<ExportQuery>) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ReadAnalytics).await?;
    let period = Period::of(&work, &PeriodQuery { from: q.from, to: q.to, agency_id: q.agency_id })?;
    let tz = work.tz().name().to_owned();
    let hours = |m: i64| decimal_hours(m);
    let report = q.report.as_deref().unwrap_or_default();
    let text = match report {
        "weeks" => {
            let rows: Vec<Vec<String>> = repo::weeks(&mut work, &period, &tz)
                .await?
                .into_iter()
                .map(|w| {
                    vec![
                        w.week_start.format("%d/%m/%Y").to_string(),
                        hours(w.done_minutes),
                        hours(w.planned_minutes),
                        hours(w.cancelled_minutes),
                        hours(w.no_show_minutes),
                    ]
                })
                .collect();
            excel_file(&["semaine_du", "heures_faites", "heures_prevues", "heures_annulees", "heures_absences"], &rows)
        }
        "revenue" => {
            let rows: Vec<Vec<String>> = repo::revenue(&mut work, &period, &tz)
                .await?
                .months
                .into_iter()
                .map(|m| vec![m.month, euros(m.invoiced_cents), euros(m.collected_cents)])
                .collect();
            excel_file(&["mois", "facture_ttc_euros", "encaisse_euros"], &rows)
        }
        "instructors" => {
            let rows: Vec<Vec<String>> = repo::instructors(&mut work, &period, None, &tz)
                .await?
                .into_iter()
                .map(|i| {
                    vec![
                        i.name,
                        i.lessons_done.to_string(),
                        hours(i.minutes_done),
                        i.no_shows.to_string(),
                        i.cancellations.to_string(),
                        hours(i.busiest_week_minutes),
                        percent(i.practical_first_attempt.rate_bp),
                    ]
                })
                .collect();
            excel_file(
                &[
                    "moniteur",
                    "lecons_faites",
                    "heures_faites",
                    "absences",
                    "annulations",
                    "semaine_la_plus_chargee_heures",
                    "reussite_1re_presentation_pct",
                ],
                &rows,
            )
        }
        "pass_rates" => {
            let (theory, practical) = repo::pass_rates(&mut work, &period).await?;
            let rows: Vec<Vec<String>> = [("code", theory), ("conduite", practical)]
                .into_iter()
                .map(|(kind, r)| {
                    vec![
                        kind.to_owned(),
                        r.first_attempt.attempts.to_string(),
                        percent(r.first_attempt.rate_bp),
                        r.overall.attempts.to_string(),
                        percent(r.overall.rate_bp),
                    ]
                })
                .collect();
            excel_file(
                &["epreuve", "premieres_presentations", "reussite_1re_pct", "presentations", "reussite_pct"],
                &rows,
            )
        }
        _ => {
            return Err(AppError::field("report", "Rapport inconnu : weeks, revenue, instructors ou pass_rates."));
        }
    };
    work.commit().await?;
    let name = format!("volant-{report}-{}-{}.csv", period.from, period.to);
    Ok(csv_response(text, &name))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PayrollQuery {
    /// `YYYY-MM`, a month of the school's time.
    pub month: Option<String>,
}

/// The month's teaching time per instructor and kind of lesson, for payroll (CSV for Excel,
/// ADMIN): lessons done, hours done, hours of no-shows (the instructor was there).
#[utoipa::path(operation_id = "payroll_export", get, path = "/payroll", tag = "analytics", params(PayrollQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400), (status = 401), (status = 403)))]
async fn payroll(State(state): State<AppState>, ctx: Ctx, ApiQuery(q): ApiQuery<PayrollQuery>) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ReadAnalytics).await?;
    let asked = q.month.unwrap_or_default();
    let period = month(&work, &asked)?;
    let rows: Vec<Vec<String>> = repo::payroll(&mut work, &period)
        .await?
        .into_iter()
        .map(|(name, kind, lessons, done, no_show)| {
            vec![name, kind_label(&kind).to_owned(), lessons.to_string(), decimal_hours(done), decimal_hours(no_show)]
        })
        .collect();
    work.commit().await?;
    let text = excel_file(&["moniteur", "type", "seances_faites", "heures_faites", "heures_absence_eleve"], &rows);
    Ok(csv_response(text, &format!("volant-paie-{asked}.csv")))
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "driving" => "conduite",
        "code" => "code",
        "exam" => "examen",
        "evaluation" => "évaluation",
        other => other,
    }
}

fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn percent(bp: Option<i64>) -> String {
    bp.map(|b| format!("{},{:02}", b / 100, b % 100)).unwrap_or_default()
}
