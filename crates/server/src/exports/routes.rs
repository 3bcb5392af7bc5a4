use axum::{
    Json,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    auth::{Ctx, Permission},
    error::{AppError, AppResult},
    http::{json::JsonBody, path_id},
    school_jobs::{self, NewJob, SchoolJob, zip_response},
    state::AppState,
    students,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start)).routes(routes!(dossier))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// `school`: every record of the school.
    pub kind: String,
}

/// Exports the whole school (ADMIN): 202 with the job to follow on `GET /jobs/{id}`; once done,
/// its `result_url` downloads the zip (CSV files, one per kind, in the import's format where one
/// exists, and the invoices' and booklets' PDFs).
#[utoipa::path(operation_id = "exports_start", post, path = "/exports", tag = "imports", request_body = ExportRequest,
    responses((status = 202, body = SchoolJob), (status = 400), (status = 401), (status = 403)))]
async fn start(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::TransferData).await?;
    let asked: ExportRequest = body.parse()?;
    if asked.kind != "school" {
        return Err(AppError::field("kind", "Seul l'export complet de l'école (« school ») existe."));
    }
    let new =
        NewJob { kind: "export", runner: super::RUN, options: serde_json::json!({}), input_name: None, input: None };
    let job = school_jobs::create(&mut work, new).await?;
    work.commit().await?;
    let location = format!("/api/v1/jobs/{}", job.id);
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(job)).into_response())
}

/// A student's portable dossier (a zip): the booklet PDF, the hours ledger, lessons, exams,
/// invoices and payments, and the steps of a transfer to another school. The office, and the
/// student for themself (the GDPR portability answer).
#[utoipa::path(operation_id = "students_dossier", get, path = "/students/{id}/dossier.zip", tag = "imports",
    params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 401), (status = 403), (status = 404)))]
async fn dossier(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let student = students::service::visible(&mut work, id, false).await?;
    let zip = super::dossier_zip(&mut work, id).await?;
    work.commit().await?;
    let words = volant_domain::search::words(&format!("{} {}", student.last_name, student.first_name));
    Ok(zip_response(zip, &format!("dossier-{}.zip", words.join("-"))))
}
