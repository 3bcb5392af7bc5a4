use axum::{
    Json,
    extract::{FromRequest, Multipart, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{ImportKind, ImportOptions};
use crate::{
    auth::{Ctx, Permission},
    db::from_text,
    error::{AppError, AppResult, FieldErrors},
    school_jobs::{self, NewJob, SchoolJob},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start))
}

/// The form of an import (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// `students`, `balances`, `booklet`, `lessons` (still to come) or `exams` (history and
    /// bookings).
    kind: ImportKind,
    /// The file: CSV (`;` or `,`, UTF-8 or Windows-1252) or XLSX (its first sheet).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `true`: check every row and report, write nothing.
    dry_run: Option<bool>,
    /// `true`: write the good rows even if others are refused (by default one refused row
    /// writes nothing).
    partial: Option<bool>,
    /// A JSON object `{"header in the file": "field"}` for the headers the import does not know
    /// (`""` ignores a column).
    mapping: Option<String>,
}

/// Starts an import from the previous software: 202 with the job to follow on
/// `GET /jobs/{id}`; its result reports every row (`created`, `updated`, `skipped`, `ignored`
/// or `error`, with the column and a French message), the unknown headers and the missing
/// columns. Lessons go through the planning's checks: a conflict is a refused row.
#[utoipa::path(operation_id = "imports_start", post, path = "/imports", tag = "imports",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 202, body = SchoolJob), (status = 400), (status = 401), (status = 403), (status = 413), (status = 415)))]
async fn start(State(state): State<AppState>, ctx: Ctx, req: Request) -> AppResult<Response> {
    // The role is checked before the body is read, in a work of its own.
    ctx.begin(&state, Permission::TransferData).await?.commit().await?;
    let form = Multipart::from_request(req, &state).await.map_err(|_| {
        AppError::UnsupportedMediaType("Envoyez le fichier en multipart/form-data (champs kind et file).".into())
    })?;
    let upload = read_upload(form).await?;
    let mut work = ctx.begin(&state, Permission::TransferData).await?;
    let new = NewJob {
        kind: "import",
        runner: super::RUN,
        options: serde_json::to_value(&upload.options).map_err(|e| AppError::Internal(e.into()))?,
        input_name: Some(&upload.file_name),
        input: Some(&upload.bytes),
    };
    let job = school_jobs::create(&mut work, new).await?;
    work.commit().await?;
    let location = format!("/api/v1/jobs/{}", job.id);
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(job)).into_response())
}

#[derive(Serialize)]
struct Upload {
    options: ImportOptions,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_upload(mut form: Multipart) -> AppResult<Upload> {
    let bad_form = |_| AppError::bad_request("Le formulaire d'envoi est illisible ou trop volumineux.");
    let (mut kind, mut file, mut dry_run, mut partial, mut mapping) = (None, None, false, false, None);
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let name = field.file_name().unwrap_or("import.csv").chars().take(200).collect::<String>();
                let bytes = field.bytes().await.map_err(|_| AppError::PayloadTooLarge)?;
                file = Some((name, bytes.to_vec()));
            }
            "kind" => kind = Some(field.text().await.map_err(bad_form)?.trim().to_owned()),
            "dry_run" => dry_run = field.text().await.map_err(bad_form)?.trim() == "true",
            "partial" => partial = field.text().await.map_err(bad_form)?.trim() == "true",
            "mapping" => mapping = Some(field.text().await.map_err(bad_form)?),
            _ => {}
        }
    }
    let mut errors = FieldErrors::default();
    let kind = match kind.as_deref().map(from_text::<ImportKind>) {
        Some(Ok(k)) => Some(k),
        _ => {
            errors.add(
                "kind",
                "Choisissez ce que le fichier contient : « students » (élèves), « balances » (soldes d'heures), « booklet » (livret), « lessons » (leçons à venir) ou « exams » (examens).",
            );
            None
        }
    };
    let mapping: Vec<(String, String)> = match mapping.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => vec![],
        Some(text) => match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text) {
            Ok(map) => map.into_iter().map(|(h, f)| (h, f.as_str().unwrap_or_default().to_owned())).collect(),
            Err(_) => {
                errors.add("mapping", "La correspondance des colonnes s'écrit en JSON : {\"en-tête\": \"champ\"}.");
                vec![]
            }
        },
    };
    let (file_name, bytes) = file.unwrap_or_default();
    if bytes.is_empty() {
        errors.add("file", "Choisissez un fichier CSV ou Excel (.xlsx) à importer.");
    }
    errors.finish()?;
    let kind = kind.ok_or_else(|| AppError::field("kind", "Type d'import inconnu."))?;
    Ok(Upload { options: ImportOptions { kind, dry_run, partial, mapping }, file_name, bytes })
}
