//! Imports from the previous software (SPEC § 6.9): a CSV or XLSX file of students, of their
//! hour balances, booklet levels, future lessons or exam history becomes a school job whose report
//! names, per row, what was created, updated, skipped (already there, unchanged), ignored (not
//! something Volant takes over, such as a past lesson) or refused, with the column and a French
//! message.
//!
//! The rows go through the features' own services (the same checks and audit as a form; a lesson
//! through the planning's booking, so a conflict is reported, never forced), in one transaction:
//! a dry run, or an import with a refused row (unless `partial`), writes nothing. Each row runs
//! under a savepoint, so one refused row does not hide the others' problems. A row names an
//! existing student by NEPH, else e-mail, else name and birth date (`volant_domain::roster`): an
//! import run twice changes nothing the second time.

mod people;
mod planning;
pub mod routes;

use std::collections::HashMap;

use chrono::NaiveDate;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    ids::TenantId,
    import::{self, BALANCE_COLUMNS, BOOKLET_COLUMNS, Column, EXAM_COLUMNS, LESSON_COLUMNS, STUDENT_COLUMNS},
    roster::{Identity, Known, Roster},
    xlsx,
};

use crate::{
    error::AppError,
    jobs::Job,
    school_jobs::{self, Started},
    state::AppState,
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
    /// Lessons still to come in the previous planning (driving lessons and start evaluations).
    Lessons,
    /// Theory and practical tests taken (with their results) or booked.
    Exams,
}

crate::text_enum!(ImportKind);

impl ImportKind {
    fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Students => STUDENT_COLUMNS,
            ImportKind::Balances => BALANCE_COLUMNS,
            ImportKind::Booklet => BOOKLET_COLUMNS,
            ImportKind::Lessons => LESSON_COLUMNS,
            ImportKind::Exams => EXAM_COLUMNS,
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
    /// Not something Volant takes over (a past lesson, a code session): `errors` says why.
    Ignored,
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
    pub ignored: usize,
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
    let mut lookup = Lookup::load(&mut work).await?;
    for (n, cells) in rows.iter().enumerate() {
        let fields = Fields(found.iter().map(|(field, i)| (*field, cells.get(*i).map_or("", |c| c.trim()))).collect());
        let header_of = |field: &str| {
            let field = match field {
                // A problem of the guardian as a whole is shown on the guardian's name column.
                f if f.starts_with("guardian") && !f.contains('_') => "guardian_last_name",
                // A student named in one cell: its problems are that cell's.
                "last_name" | "first_name" if fields.get("student").is_some() => "student",
                f => f,
            };
            found.iter().find(|(f, _)| *f == field).map_or("", |(_, i)| headers[*i].as_str())
        };
        sqlx::query("SAVEPOINT import_row").execute(&mut *work).await?;
        let outcome = match options.kind {
            ImportKind::Students => people::student_row(&mut work, &mut lookup, &fields).await,
            ImportKind::Balances => people::balance_row(&mut work, &lookup, &fields).await,
            ImportKind::Booklet => people::booklet_row(&mut work, &lookup, &fields).await,
            ImportKind::Lessons => planning::lesson_row(&mut work, &lookup, &fields).await,
            ImportKind::Exams => planning::exam_row(&mut work, &lookup, &fields).await,
        };
        let name = fields.name();
        let cell_errors = |errors: Vec<(String, String)>| -> Vec<CellError> {
            errors
                .into_iter()
                .map(|(field, message)| CellError { column: header_of(&field).to_owned(), message })
                .collect()
        };
        let row = match outcome {
            Ok(Done { status, student, notes }) => {
                sqlx::query("RELEASE SAVEPOINT import_row").execute(&mut *work).await?;
                RowReport { row: n + 2, status, student_id: student, name, errors: cell_errors(notes) }
            }
            Err(RowError::Refused(errors)) => {
                sqlx::query("ROLLBACK TO SAVEPOINT import_row").execute(&mut *work).await?;
                RowReport { row: n + 2, status: RowStatus::Error, student_id: None, name, errors: cell_errors(errors) }
            }
            Err(RowError::Broken(e)) => return Err(Failure::Broken(e)),
        };
        match row.status {
            RowStatus::Created => report.created += 1,
            RowStatus::Updated => report.updated += 1,
            RowStatus::Skipped => report.skipped += 1,
            RowStatus::Ignored => report.ignored += 1,
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

/// What became of a row: its status, the student it is about, and for an ignored row why.
struct Done {
    status: RowStatus,
    student: Option<Uuid>,
    notes: Vec<(String, String)>,
}

impl Done {
    fn of(status: RowStatus, student: Uuid) -> Self {
        Done { status, student: Some(student), notes: vec![] }
    }

    fn ignored(student: Option<Uuid>, field: &str, why: impl Into<String>) -> Self {
        Done { status: RowStatus::Ignored, student, notes: vec![(field.to_owned(), why.into())] }
    }
}

/// A row's cells by field (trimmed).
struct Fields<'a>(HashMap<&'static str, &'a str>);

impl<'a> Fields<'a> {
    /// A field's cell, when the file has the column and the cell is not empty.
    fn get(&self, field: &str) -> Option<&'a str> {
        self.0.get(field).copied().filter(|v| !v.is_empty())
    }

    /// A field's cell, `""` when empty or absent.
    fn text(&self, field: &str) -> &'a str {
        self.get(field).unwrap_or_default()
    }

    /// Who the row is about, as the report shows it ("Martin Léa").
    fn name(&self) -> String {
        match self.get("student") {
            Some(full) if self.get("last_name").is_none() => full.to_owned(),
            _ => format!("{} {}", self.text("last_name"), self.text("first_name")).trim().to_owned(),
        }
    }

    /// How the row names its student.
    fn identity(&self) -> Identity<'a> {
        Identity {
            neph: self.get("neph"),
            email: self.get("email"),
            last_name: self.get("last_name"),
            first_name: self.get("first_name"),
            full_name: self.get("student"),
            birth_date: self.get("birth_date").and_then(import::parse_date),
        }
    }
}

/// The school's students, instructors and vehicles, read once per import: a row names them
/// without a query of its own (ten thousand rows, ten thousand round trips fewer).
struct Lookup {
    students: Roster,
    instructors: Roster,
    /// By plate, letters and digits only.
    vehicles: HashMap<String, Uuid>,
}

type Person = (Uuid, String, String, Option<String>, Option<String>, Option<NaiveDate>);

fn known((id, last_name, first_name, neph, email, birth_date): Person) -> Known {
    Known { id, last_name, first_name, neph, email, birth_date }
}

fn plate_key(plate: &str) -> String {
    plate.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase()
}

impl Lookup {
    async fn load(work: &mut Work) -> Result<Lookup, sqlx::Error> {
        let tenant = work.tenant().0;
        let students: Vec<Person> = sqlx::query_as(
            "SELECT id, last_name, first_name, neph, email, birth_date FROM students WHERE tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(&mut **work)
        .await?;
        let instructors: Vec<Person> = sqlx::query_as(
            "SELECT id, last_name, first_name, NULL::text, email, NULL::date FROM instructors WHERE tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(&mut **work)
        .await?;
        let vehicles: Vec<(Uuid, String)> = sqlx::query_as("SELECT id, plate FROM vehicles WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_all(&mut **work)
            .await?;
        Ok(Lookup {
            students: Roster::new(students.into_iter().map(known)),
            instructors: Roster::new(instructors.into_iter().map(known)),
            vehicles: vehicles.into_iter().map(|(id, plate)| (plate_key(&plate), id)).collect(),
        })
    }

    /// The student a row names, or the row's refusal.
    fn student(&self, f: &Fields) -> Result<Uuid, RowError> {
        self.students.find(&f.identity()).ok_or_else(|| {
            refused("last_name", "Aucun élève de l'école ne correspond (NEPH, e-mail, ou nom et date de naissance).")
        })
    }

    /// An instructor named by e-mail or by name (either order).
    fn instructor(&self, text: &str) -> Option<Uuid> {
        let who = if text.contains('@') {
            Identity { email: Some(text), ..Identity::default() }
        } else {
            Identity { full_name: Some(text), ..Identity::default() }
        };
        self.instructors.find(&who)
    }

    fn vehicle(&self, plate: &str) -> Option<Uuid> {
        self.vehicles.get(&plate_key(plate)).copied()
    }
}
