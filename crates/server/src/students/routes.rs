use axum::{
    Json,
    extract::{FromRequest, Multipart, Path, Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::student::StudentStatus;

use super::{
    Student, StudentInput, StudentUpdate,
    documents::{self, Document, Documents},
    guardians::{self, GuardianLinks},
    hours::{self, Hours, HoursEntry, NewHoursEntry},
    repo::{self, HistoryItem},
    service::{self, visible},
};
use crate::{
    audit::{self, Change},
    auth::{Ctx, Permission, Viewer},
    error::{AppError, AppResult},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        patch, path_id,
    },
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(archive))
        .routes(routes!(restore))
        .routes(routes!(erase))
        .routes(routes!(list_documents, upload_document))
        .routes(routes!(document_file))
        .routes(routes!(get_hours, post_hours))
        .routes(routes!(history))
        .routes(routes!(list_guardians))
        .routes(routes!(remove_guardian))
}

/// The accounts that follow this minor's training (parents, legal guardians), and the invitations
/// they have not answered yet.
#[utoipa::path(get, path = "/students/{id}/guardians", operation_id = "students_guardians", tag = "students", params(("id" = Uuid, Path)),
    responses((status = 200, body = GuardianLinks), (status = 401), (status = 403), (status = 404)))]
async fn list_guardians(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<GuardianLinks>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageGuardians).await?;
    visible(&mut work, id, false).await?;
    let items = guardians::list(&mut work, ctx.tenant_id, id).await?;
    work.commit().await?;
    Ok(Json(GuardianLinks { items }))
}

/// Ends a guardian's access to this student (their account keeps their other children).
#[utoipa::path(delete, path = "/students/{id}/guardians/{user_id}", operation_id = "students_guardians_remove", tag = "students",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn remove_guardian(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, user_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let (id, user_id): (Uuid, Uuid) = (path_id(&id)?, path_id(&user_id)?);
    let mut work = ctx.begin(&state, Permission::ManageGuardians).await?;
    visible(&mut work, id, true).await?;
    guardians::remove(&mut work, id, user_id).await?;
    work.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Words, each matching the start of a word of the names, e-mail, phone or NEPH, in any
    /// order, ignoring case and accents.
    pub q: Option<String>,
    /// `prospect`, `active`, `finished` or `archived` (default: all but archived).
    pub status: Option<StudentStatus>,
    /// Students whose referent is this instructor.
    pub instructor_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Student files, by name.
#[utoipa::path(get, path = "/students", operation_id = "students_list", tag = "students", params(ListQuery),
    responses((status = 200, body = Page<Student>), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Json<Page<Student>>> {
    let limit = page::limit(q.limit)?;
    let mut work = ctx.begin(&state, Permission::ReadStudents).await?;
    let (referent, taught_by, only) = match work.viewer {
        Viewer::Office => (q.instructor_id, None, None),
        Viewer::Instructor(i) => (None, Some(i), None),
        Viewer::Student(id) => (None, None, Some(id)),
        Viewer::Nobody => (None, None, Some(Uuid::nil())),
    };
    let words: Vec<String> =
        q.q.as_deref().map(volant_domain::search::words).unwrap_or_default().into_iter().take(8).collect();
    let filter = repo::Filter {
        words,
        status: q.status,
        referent,
        taught_by,
        agency_id: q.agency_id,
        only,
        after: page::decode_cursor(q.cursor.as_deref())?,
        limit: limit + 1,
    };
    let rows = repo::list(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |s| (volant_domain::search::sort_key(&s.last_name, &s.first_name), s.id))))
}

/// Opens a student file.
/// A probable duplicate (same names and birth date as another file) is a 409 whose `conflicts`
/// list the other files; resend with `confirm_duplicate: true` to create it anyway.
#[utoipa::path(post, path = "/students", operation_id = "students_create", tag = "students", request_body = StudentInput,
    responses((status = 201, body = Student), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageStudents).await?;
    let input: StudentInput = body.parse()?;
    let saved = service::create_student(&mut work, input).await?;
    work.commit().await?;
    Ok(created(saved))
}

/// One student file.
#[utoipa::path(get, path = "/students/{id}", operation_id = "students_get", tag = "students", params(("id" = Uuid, Path)),
    responses((status = 200, body = Student), (status = 401), (status = 404)))]
async fn get_one(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Student>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadStudents).await?;
    let s = visible(&mut work, id, false).await?;
    work.commit().await?;
    Ok(Json(s))
}

/// Changes a file, its status included (`prospect → active → finished → active`; a refused
/// change is a 422 naming the rule).
#[utoipa::path(patch, path = "/students/{id}", operation_id = "students_update", tag = "students", params(("id" = Uuid, Path)),
    request_body = StudentUpdate,
    responses((status = 200, body = Student), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 412), (status = 422)))]
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Student>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageStudents).await?;
    let before = visible(&mut work, id, true).await?;
    let input = patch::apply(&before.input(), before.version, &before, &body)?;
    let after = service::update_student(&mut work, before, input).await?;
    work.commit().await?;
    Ok(Json(after))
}

async fn archive_or_restore(state: &AppState, ctx: &Ctx, id: &str, archived: bool) -> AppResult<Json<Student>> {
    let id: Uuid = path_id(id)?;
    let mut work = ctx.begin(state, Permission::ManageStudents).await?;
    let before = visible(&mut work, id, true).await?;
    let after = service::set_archived(&mut work, before, archived).await?;
    work.commit().await?;
    Ok(Json(after))
}

/// Archives a file (hidden from daily lists); `restore` gives back the status it had.
#[utoipa::path(post, path = "/students/{id}/archive", operation_id = "students_archive", tag = "students", params(("id" = Uuid, Path)),
    responses((status = 200, body = Student), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn archive(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Student>> {
    archive_or_restore(&state, &ctx, &id, true).await
}

/// Restores an archived file to the status it had before.
#[utoipa::path(post, path = "/students/{id}/restore", operation_id = "students_restore", tag = "students", params(("id" = Uuid, Path)),
    responses((status = 200, body = Student), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn restore(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Student>> {
    archive_or_restore(&state, &ctx, &id, false).await
}

/// GDPR erasure (ADMIN): the person is anonymised, their documents deleted and the payloads
/// of their audit entries erased; the ledger and the audit chain stay whole.
#[utoipa::path(post, path = "/students/{id}/erase", operation_id = "students_erase", tag = "students", params(("id" = Uuid, Path)),
    responses((status = 200, body = Student), (status = 401), (status = 403), (status = 404)))]
async fn erase(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Student>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::EraseStudents).await?;
    let before = visible(&mut work, id, true).await?;
    let label = format!("Élève {}", &id.simple().to_string()[..8]);
    repo::anonymise(&mut work, ctx.tenant_id, id, &label).await?;
    guardians::forget_student(&mut work, ctx.tenant_id, id).await?;
    audit::erase_payloads(&mut work, "student", id).await?;
    if let Some(user) = before.user_id {
        repo::deactivate_membership(&mut work, ctx.tenant_id, user).await?;
        repo::revoke_sessions(&mut work, ctx.tenant_id, user).await?;
    }
    let after = repo::get(&mut work, ctx.tenant_id, id, false).await?.ok_or(AppError::NotFound)?;
    let change = Change { action: "student.erase", entity: "student", entity_id: Some(id), before: None, after: None };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok(Json(after))
}

/// The file's documents and the checklist of what is missing or expired.
#[utoipa::path(get, path = "/students/{id}/documents", operation_id = "students_documents", tag = "students", params(("id" = Uuid, Path)),
    responses((status = 200, body = Documents), (status = 401), (status = 403), (status = 404)))]
async fn list_documents(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Documents>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadStudentDocuments).await?;
    let s = visible(&mut work, id, false).await?;
    let today = work.school.today();
    let docs = documents::list(&mut work, ctx.tenant_id, id, s.birth_date, today).await?;
    work.commit().await?;
    Ok(Json(docs))
}

/// The form of a document upload (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// `id_card`, `photo_signature`, `proof_of_address`, `assr2`, `jdc`, `guardian_id`, `contract`, `other`.
    kind: String,
    /// `YYYY-MM-DD`
    issued_on: Option<String>,
    /// `YYYY-MM-DD`
    expires_on: Option<String>,
    /// PDF, JPEG or PNG, 10 MB at most.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Uploads a document (the office, or the student for their own file); it replaces the
/// previous document of the same kind.
#[utoipa::path(post, path = "/students/{id}/documents", operation_id = "students_upload_document", tag = "students",
    params(("id" = Uuid, Path)), request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = Document), (status = 400), (status = 401), (status = 403), (status = 404), (status = 413)))]
async fn upload_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    // Role and id are decided before the body is read (ids leak nothing), in a work of their own:
    // no transaction stays open while the file arrives.
    let mut work = ctx.begin(&state, Permission::UploadStudentDocuments).await?;
    visible(&mut work, id, false).await?;
    work.commit().await?;
    let form = Multipart::from_request(req, &state).await.map_err(|_| {
        AppError::UnsupportedMediaType("Envoyez le document en multipart/form-data (champs kind et file).".into())
    })?;
    let upload = documents::read_upload(form).await?;
    let mut work = ctx.begin(&state, Permission::UploadStudentDocuments).await?;
    visible(&mut work, id, true).await?;
    let doc = documents::store(&mut work, id, upload).await?;
    let change = Change {
        action: "student.document.upload",
        entity: "student",
        entity_id: Some(id),
        before: None,
        after: Some(json!(doc)),
    };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok(created(doc))
}

/// Downloads a document's file.
#[utoipa::path(get, path = "/students/{id}/documents/{doc_id}/file", operation_id = "students_document_file", tag = "students",
    params(("id" = Uuid, Path), ("doc_id" = Uuid, Path)),
    responses((status = 200, description = "The file, with the type sniffed at upload",
               content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"))),
              (status = 401), (status = 403), (status = 404)))]
async fn document_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let doc_id: Uuid = path_id(&doc_id)?;
    let mut work = ctx.begin(&state, Permission::ReadStudentDocuments).await?;
    visible(&mut work, id, false).await?;
    let (name, content_type, bytes) =
        documents::file(&mut work, ctx.tenant_id, id, doc_id).await?.ok_or(AppError::NotFound)?;
    work.commit().await?;
    let safe_name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{safe_name}\"");
    let mut resp = bytes.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(resp)
}

/// The hours: figures from the ledger, and its entries.
#[utoipa::path(get, path = "/students/{id}/hours", operation_id = "students_hours", tag = "students", params(("id" = Uuid, Path)),
    responses((status = 200, body = Hours), (status = 401), (status = 404)))]
async fn get_hours(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Hours>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadStudents).await?;
    visible(&mut work, id, false).await?;
    let h = hours::read(&mut work, ctx.tenant_id, id).await?;
    work.commit().await?;
    Ok(Json(h))
}

/// Posts hours: `purchase`, `correction` (with a reason) or `transfer_in`.
#[utoipa::path(post, path = "/students/{id}/hours", operation_id = "students_post_hours", tag = "students", params(("id" = Uuid, Path)),
    request_body = NewHoursEntry,
    responses((status = 201, body = HoursEntry), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn post_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageStudents).await?;
    visible(&mut work, id, false).await?;
    let new: NewHoursEntry = body.parse()?;
    let entry = hours::post(&mut work, id, &new).await?;
    let action = format!("student.hours.{}", crate::db::to_text(&entry.kind));
    let change =
        Change { action: &action, entity: "student", entity_id: Some(id), before: None, after: Some(json!(entry)) };
    work.audit().record(change).await?;
    work.commit().await?;
    Ok(created(entry))
}

fn history_label(action: &str) -> String {
    match action {
        "student.create" => "Création du dossier",
        "student.update" => "Modification du dossier",
        "student.status" => "Changement de statut",
        "student.archive" => "Archivage",
        "student.restore" => "Restauration",
        "student.erase" => "Effacement des données personnelles (RGPD)",
        "student.document.upload" => "Document ajouté",
        "student.hours.purchase" => "Achat d'heures",
        "student.hours.correction" => "Correction d'heures",
        "student.hours.transfer_in" => "Heures reprises d'une autre école",
        "student.invite" => "Invitation à l'espace élève",
        "lesson.create" => "Séance planifiée",
        "lesson.update" => "Séance déplacée ou modifiée",
        "lesson.cancel" => "Séance annulée",
        "lesson.complete" => "Séance effectuée",
        "lesson.no_show" => "Absence à une séance",
        "exam.create" => "Examen enregistré",
        "exam.create_override" => "Examen réservé malgré les conditions (dérogation)",
        "exam.update" => "Examen mis à jour (date, résultat ou annulation)",
        other => other,
    }
    .to_owned()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The file's timeline, newest first.
#[utoipa::path(get, path = "/students/{id}/history", operation_id = "students_history", tag = "students",
    params(("id" = Uuid, Path), HistoryQuery),
    responses((status = 200, body = Page<HistoryItem>), (status = 401), (status = 404)))]
async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> AppResult<Json<Page<HistoryItem>>> {
    let id: Uuid = path_id(&id)?;
    let limit = page::limit(q.limit)?;
    let before_seq: Option<i64> = page::decode_cursor(q.cursor.as_deref())?;
    let mut work = ctx.begin(&state, Permission::ReadStudents).await?;
    visible(&mut work, id, false).await?;
    let mut items = repo::history(&mut work, ctx.tenant_id, id, before_seq, limit + 1).await?;
    work.commit().await?;
    for item in &mut items {
        item.label = history_label(&item.action);
    }
    Ok(Json(page::paginate(items, limit, |i| i.seq)))
}
