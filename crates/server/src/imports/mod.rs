//! Imports from the previous software (SPEC § 6.9): a CSV or XLSX file of students or of their
//! hour balances becomes a school job whose report names, per row, what was created, updated,
//! skipped (already there, unchanged) or refused, with the column and a French message.
//!
//! The rows go through the features' own services (the same checks and audit as a form), in one
//! transaction: a dry run, or an import with a refused row (unless `partial`), writes nothing.
//! Each row runs under a savepoint, so one refused row does not hide the others' problems. A row
//! names an existing student by NEPH, else e-mail, else name and birth date: an import run twice
//! changes nothing the second time.

pub mod routes;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    ids::TenantId,
    import::{self, BALANCE_COLUMNS, BOOKLET_COLUMNS, Column, STUDENT_COLUMNS},
    xlsx,
};

use crate::{
    booklet,
    error::AppError,
    jobs::Job,
    school_jobs::{self, Started},
    state::AppState,
    students::{self, StudentInput, hours},
    work::Work,
};

/// The outbox job that runs an import.
pub const RUN: &str = "import.run";
/// Progress is told every this many rows.
const PROGRESS_EVERY: usize = 100;
/// A file holds at most this many rows.
pub const MAX_ROWS: usize = 50_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Student files: identity, contact, NEPH, category.
    Students,
    /// Each student's driving hours left, as the previous software counted them.
    Balances,
    /// Booklet levels (REMC B items) reached before.
    Booklet,
}

crate::text_enum!(ImportKind);

impl ImportKind {
    fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Students => STUDENT_COLUMNS,
            ImportKind::Balances => BALANCE_COLUMNS,
            ImportKind::Booklet => BOOKLET_COLUMNS,
        }
    }
}

/// What the office chose for an import.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImportOptions {
    pub kind: ImportKind,
    pub dry_run: bool,
    pub partial: bool,
    /// Header → field (`""` ignores the column), for the headers the import does not know.
    pub mapping: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    Created,
    Updated,
    /// Already there and unchanged.
    Skipped,
    Error,
}

/// A problem of one cell (or of the row, when `column` is empty).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CellError {
    /// The file's header of the column.
    pub column: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RowReport {
    /// The row's number as the spreadsheet shows it (the headers are row 1).
    pub row: usize,
    pub status: RowStatus,
    pub student_id: Option<Uuid>,
    /// Who the row is about ("Martin Léa").
    pub name: String,
    pub errors: Vec<CellError>,
}

/// The result of an import job.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    pub partial: bool,
    /// Whether anything was written.
    pub written: bool,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub skipped: usize,
    pub errors: usize,
    /// Headers the import does not know: map them (or leave them ignored).
    pub unknown_columns: Vec<String>,
    /// Fields no column gives, that the import needs (their French names).
    pub missing_columns: Vec<String>,
    /// Every field the import knows, for the mapping step: `[field, French name]`.
    pub fields: Vec<(String, String)>,
    pub report: Vec<RowReport>,
}

/// The file's rows: a workbook's first sheet, or a CSV text in UTF-8 or Windows-1252.
pub fn read_table(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_workbook(bytes);
    }
    Ok(import::parse_csv(&import::decode(bytes)))
}

fn read_workbook(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use std::io::Read;
    let unreadable = |_| "Ce classeur Excel est illisible : enregistrez-le de nouveau en .xlsx ou en CSV.".to_owned();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(unreadable)?;
    let mut part = |name: &str| -> Option<String> {
        let mut file = zip.by_name(name).ok()?;
        let mut text = String::new();
        file.read_to_string(&mut text).ok()?;
        Some(text)
    };
    let shared = part("xl/sharedStrings.xml").map(|x| xlsx::shared_strings(&x)).unwrap_or_default();
    let sheet = part("xl/worksheets/sheet1.xml")
        .ok_or_else(|| "Ce classeur n'a pas de première feuille lisible (xl/worksheets/sheet1.xml).".to_owned())?;
    Ok(xlsx::sheet_rows(&sheet, &shared))
}

/// Runs an import job (the outbox's handler).
pub async fn run(state: AppState, job: Job) -> anyhow::Result<()> {
    let tenant = TenantId(job.tenant_id.ok_or_else(|| anyhow::anyhow!("an import belongs to a school"))?);
    let id: Uuid = serde_json::from_value(job.payload["job_id"].clone())?;
    let Some(started) = school_jobs::start(&state.pool, tenant, id).await? else { return Ok(()) };
    let outcome = match import(&state, tenant, id, started).await {
        Ok(report) => Ok(serde_json::to_value(report)?),
        Err(Failure::Refused(message)) => Err(vec![message]),
        Err(Failure::Broken(e)) => {
            tracing::error!(error = %e, "import failed");
            Err(vec!["L'import s'est arrêté sur une erreur inattendue ; rien n'a été écrit. Réessayez.".to_owned()])
        }
    };
    school_jobs::finish(&state.pool, tenant, id, outcome).await
}

enum Failure {
    /// The file itself is refused (a French message).
    Refused(String),
    Broken(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Broken(e.into())
    }
}

async fn import(state: &AppState, tenant: TenantId, id: Uuid, started: Started) -> Result<ImportReport, Failure> {
    let options: ImportOptions = serde_json::from_value(started.options)?;
    let table = read_table(&started.input).map_err(Failure::Refused)?;
    let Some((headers, rows)) = table.split_first() else {
        return Err(Failure::Refused(
            "Le fichier est vide : il faut une ligne d'en-têtes puis une ligne par élève.".into(),
        ));
    };
    if rows.len() > MAX_ROWS {
        return Err(Failure::Refused(format!(
            "Le fichier compte {} lignes : {MAX_ROWS} au plus par import.",
            rows.len()
        )));
    }
    let columns = options.kind.columns();
    let (found, unknown) = import::locate(headers, columns, &options.mapping);
    let mut report = ImportReport {
        dry_run: options.dry_run,
        partial: options.partial,
        rows: rows.len(),
        unknown_columns: unknown.into_iter().map(str::to_owned).collect(),
        missing_columns: import::missing(&found, columns).into_iter().map(|f| import::label(f).to_owned()).collect(),
        fields: columns.iter().map(|c| (c.field.to_owned(), import::label(c.field).to_owned())).collect(),
        ..ImportReport::default()
    };
    if !report.missing_columns.is_empty() {
        return Ok(report);
    }
    let mut work = Work::system(&state.pool, tenant).await?;
    // Audited as the person who asked for it.
    work.actor.user_id = started.created_by;
    school_jobs::progress(&state.pool, tenant, id, 0, rows.len()).await?;
    for (n, cells) in rows.iter().enumerate() {
        let fields: HashMap<&str, &str> =
            found.iter().map(|(field, i)| (*field, cells.get(*i).map_or("", |c| c.trim()))).collect();
        // A problem of the guardian as a whole is shown on the guardian's name column.
        let header_of = |field: &str| {
            let field =
                if field.starts_with("guardian") && !field.contains('_') { "guardian_last_name" } else { field };
            found.iter().find(|(f, _)| *f == field).map_or("", |(_, i)| headers[*i].as_str())
        };
        sqlx::query("SAVEPOINT import_row").execute(&mut *work).await?;
        let outcome = match options.kind {
            ImportKind::Students => student_row(&mut work, &fields).await,
            ImportKind::Balances => balance_row(&mut work, &fields).await,
            ImportKind::Booklet => booklet_row(&mut work, &fields).await,
        };
        let name = format!("{} {}", fields.get("last_name").unwrap_or(&""), fields.get("first_name").unwrap_or(&""));
        let row = match outcome {
            Ok((status, student)) => {
                sqlx::query("RELEASE SAVEPOINT import_row").execute(&mut *work).await?;
                RowReport { row: n + 2, status, student_id: Some(student), name, errors: vec![] }
            }
            Err(RowError::Refused(errors)) => {
                sqlx::query("ROLLBACK TO SAVEPOINT import_row").execute(&mut *work).await?;
                let errors = errors
                    .into_iter()
                    .map(|(field, message)| CellError { column: header_of(&field).to_owned(), message })
                    .collect();
                RowReport { row: n + 2, status: RowStatus::Error, student_id: None, name, errors }
            }
            Err(RowError::Broken(e)) => return Err(Failure::Broken(e)),
        };
        match row.status {
            RowStatus::Created => report.created += 1,
            RowStatus::Updated => report.updated += 1,
            RowStatus::Skipped => report.skipped += 1,
            RowStatus::Error => report.errors += 1,
        }
        report.report.push(row);
        if (n + 1) % PROGRESS_EVERY == 0 {
            school_jobs::progress(&state.pool, tenant, id, n + 1, rows.len()).await?;
        }
    }
    report.written = !options.dry_run && (report.errors == 0 || options.partial);
    if report.written {
        work.commit().await?;
    }
    Ok(report)
}

/// Why a row was not imported: the fields at fault with a French message each, or a fault of
/// the server (which stops the import).
enum RowError {
    Refused(Vec<(String, String)>),
    Broken(anyhow::Error),
}

impl From<AppError> for RowError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::BadRequest { detail, errors } if errors.is_empty() => {
                RowError::Refused(vec![(String::new(), detail)])
            }
            AppError::BadRequest { errors, .. } => {
                RowError::Refused(errors.into_iter().map(|e| (e.field, e.message)).collect())
            }
            AppError::Duplicate { detail, .. } | AppError::Conflict { detail, .. } => {
                RowError::Refused(vec![(String::new(), detail)])
            }
            AppError::Unprocessable { rules, .. } => {
                RowError::Refused(rules.into_iter().map(|r| (String::new(), r.message)).collect())
            }
            other => RowError::Broken(anyhow::anyhow!("{other:?}")),
        }
    }
}

impl From<sqlx::Error> for RowError {
    fn from(e: sqlx::Error) -> Self {
        RowError::Broken(e.into())
    }
}

fn refused(field: &str, message: impl Into<String>) -> RowError {
    RowError::Refused(vec![(field.to_owned(), message.into())])
}

/// The student a row names: by NEPH, else e-mail, else name (accents and case aside) and birth
/// date (or name alone when one student only bears it and the row has no birth date).
async fn find_student(work: &mut Work, f: &HashMap<&str, &str>) -> Result<Option<Uuid>, RowError> {
    let some = |key: &str| f.get(key).copied().filter(|v| !v.is_empty());
    let birth = some("birth_date").and_then(import::parse_date);
    let found: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM students
          WHERE tenant_id = $1 AND (
                ($2::text IS NOT NULL AND neph = $2)
             OR ($3::text IS NOT NULL AND lower(email) = lower($3))
             OR (sort_key = $4 AND ($5::date IS NULL OR birth_date = $5)))
          ORDER BY ($2::text IS NOT NULL AND neph = $2) DESC, ($3::text IS NOT NULL AND lower(email) = lower($3)) DESC
          LIMIT 2",
    )
    .bind(work.tenant().0)
    .bind(some("neph"))
    .bind(some("email"))
    .bind(volant_domain::search::sort_key(
        f.get("last_name").copied().unwrap_or_default(),
        f.get("first_name").copied().unwrap_or_default(),
    ))
    .bind(birth)
    .fetch_all(&mut **work)
    .await?;
    Ok(match (found.as_slice(), birth, some("neph").or(some("email"))) {
        ([one], _, _) => Some(*one),
        ([first, _], _, Some(_)) | ([first, _], Some(_), _) => Some(*first),
        _ => None,
    })
}

/// The student fields a row gives, as the student form's JSON.
fn student_fields(f: &HashMap<&str, &str>) -> Result<Map<String, Value>, RowError> {
    let mut errors = vec![];
    let mut out = Map::new();
    for field in ["last_name", "first_name"] {
        match f.get(field).copied().filter(|v| !v.is_empty()) {
            Some(v) => {
                out.insert(field.into(), json!(v));
            }
            None => errors.push((field.to_owned(), format!("{} est obligatoire.", import::label(field)))),
        }
    }
    match f.get("birth_date").copied().filter(|v| !v.is_empty()).map(|v| (v, import::parse_date(v))) {
        Some((_, Some(d))) => {
            out.insert("birth_date".into(), json!(d));
        }
        Some((v, None)) => errors.push(("birth_date".into(), format!("« {v} » n'est pas une date (JJ/MM/AAAA)."))),
        None => errors.push(("birth_date".into(), "La date de naissance est obligatoire.".into())),
    }
    for field in ["email", "phone", "address", "birth_place", "neph"] {
        if let Some(v) = f.get(field).copied().filter(|v| !v.is_empty()) {
            out.insert(field.into(), json!(v));
        }
    }
    if let Some(last_name) = f.get("guardian_last_name").copied().filter(|v| !v.is_empty()) {
        let given = |key: &str| f.get(key).copied().filter(|v| !v.is_empty());
        out.insert(
            "guardian".into(),
            json!({"last_name": last_name, "first_name": given("guardian_first_name"),
                   "phone": given("guardian_phone"), "email": given("guardian_email")}),
        );
    }
    if let Some(v) = f.get("category").copied().filter(|v| !v.is_empty()) {
        let automatic = import::header_key(v).contains("78") || import::header_key(v).contains("auto");
        out.insert("category".into(), json!(if automatic { "B78" } else { "B" }));
    }
    if errors.is_empty() { Ok(out) } else { Err(RowError::Refused(errors)) }
}

async fn student_row(work: &mut Work, f: &HashMap<&str, &str>) -> Result<(RowStatus, Uuid), RowError> {
    let given = student_fields(f)?;
    match find_student(work, f).await? {
        Some(id) => {
            let before = students::service::visible(work, id, true).await?;
            let mut merged = serde_json::to_value(before.input()).map_err(|e| RowError::Broken(e.into()))?;
            for (k, v) in given {
                merged[k] = v;
            }
            let input: StudentInput = serde_json::from_value(merged).map_err(|e| refused("", e.to_string()))?;
            // Compared as the file would store it (a phone typed "0601020304" is kept spaced).
            let school = &work.school;
            let normalised = students::validate(input.clone(), school.today(), school.date_of(before.created_at))?;
            if serde_json::to_value(&normalised).ok() == serde_json::to_value(before.input()).ok() {
                return Ok((RowStatus::Skipped, id));
            }
            let after = students::service::update_student(work, before, input).await?;
            Ok((RowStatus::Updated, after.id))
        }
        None => {
            let input: StudentInput =
                serde_json::from_value(Value::Object(given)).map_err(|e| refused("", e.to_string()))?;
            let created = students::service::create_student(work, input).await?;
            Ok((RowStatus::Created, created.id))
        }
    }
}

/// Sets a student's hours left to the previous software's figure, by one correction of the
/// difference (none when they already match: a second import changes nothing).
async fn balance_row(work: &mut Work, f: &HashMap<&str, &str>) -> Result<(RowStatus, Uuid), RowError> {
    let text = f.get("hours").copied().unwrap_or_default();
    let Some(target) = import::parse_minutes(text).filter(|m| (-1000 * 60..=1000 * 60).contains(m)) else {
        return Err(refused(
            "hours",
            format!("« {text} » n'est pas un nombre d'heures (par exemple 12, 12,5 ou 1h30)."),
        ));
    };
    let Some(id) = find_student(work, f).await? else {
        return Err(refused(
            "last_name",
            "Aucun élève de l'école ne correspond (NEPH, e-mail, ou nom et date de naissance).",
        ));
    };
    students::service::visible(work, id, true).await?;
    let tenant = work.tenant();
    let current = hours::read(work, tenant, id).await?.remaining_minutes;
    let difference = target - current;
    if difference == 0 {
        return Ok((RowStatus::Skipped, id));
    }
    let entry = hours::NewHoursEntry {
        kind: volant_domain::ledger::EntryKind::Correction,
        minutes: i32::try_from(difference).unwrap_or(i32::MAX),
        reason: Some("Reprise du solde de l'ancien logiciel".into()),
    };
    hours::post(work, id, &entry).await?;
    work.audit()
        .record(crate::audit::Change {
            action: "student.hours.import",
            entity: "student",
            entity_id: Some(id),
            before: Some(json!({"remaining_minutes": current})),
            after: Some(json!({"remaining_minutes": target})),
        })
        .await?;
    Ok((RowStatus::Updated, id))
}

/// Records a booklet level reached before (source `transfer_in`), unless the student is already
/// at that level on that item.
async fn booklet_row(work: &mut Work, f: &HashMap<&str, &str>) -> Result<(RowStatus, Uuid), RowError> {
    let item = f.get("item").copied().unwrap_or_default().to_uppercase();
    let text = f.get("level").copied().unwrap_or_default();
    let Some(level) = import::parse_level(text) else {
        return Err(refused(
            "level",
            format!("« {text} » n'est pas un niveau (non abordé, abordé, traité, assimilé ou 0 à 3)."),
        ));
    };
    let evaluated_on = match f.get("evaluated_on").copied().filter(|v| !v.is_empty()) {
        Some(v) => Some(
            import::parse_date(v)
                .ok_or_else(|| refused("evaluated_on", format!("« {v} » n'est pas une date (JJ/MM/AAAA).")))?,
        ),
        None => None,
    };
    let Some(id) = find_student(work, f).await? else {
        return Err(refused(
            "last_name",
            "Aucun élève de l'école ne correspond (NEPH, e-mail, ou nom et date de naissance).",
        ));
    };
    let evaluation = booklet::EvaluationInput {
        item_code: item.clone(),
        level,
        lesson_id: None,
        comment: Some("Niveau repris de l'ancien logiciel".into()),
        source: Some(booklet::Source::TransferIn),
        evaluated_on,
    };
    booklet::validate(std::slice::from_ref(&evaluation), "item")
        .map_err(|_| refused("item", format!("« {item} » n'est pas un item du référentiel (C1.1 à C4.7).")))?;
    students::service::visible(work, id, true).await?;
    let tenant = work.tenant();
    if booklet::current_level(work, tenant, id, &item).await? == Some(level) {
        return Ok((RowStatus::Skipped, id));
    }
    let today = work.school.today();
    booklet::record(work, id, None, &[evaluation], today).await?;
    Ok((RowStatus::Updated, id))
}
