//! Leaving with everything (SPEC § 6.9): the whole-school export (ADMIN), a zip of CSV files, one
//! per kind of record, in the import's own format where an import exists (students, hour
//! balances, booklet levels: the zip re-imports into an empty school to the same figures), plus
//! the invoices' and booklets' PDFs; and the portable dossier of one student, which is also the
//! GDPR portability answer.
//!
//! Like the analytics, this module reads every feature's tables: it writes none.

pub mod routes;

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;
use volant_domain::{csv::excel_file, ids::TenantId};

use crate::{
    billing, booklet,
    error::{AppError, AppResult},
    jobs::Job,
    school_jobs,
    state::AppState,
    work::Work,
};

/// The outbox job that makes a school export.
pub const RUN: &str = "export.run";

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{},{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// Minutes as the import reads them back: `12h30`.
fn hours(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    format!("{sign}{}h{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

fn fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn local(at: DateTime<Utc>, tz: Tz, format: &str) -> String {
    at.with_timezone(&tz).format(format).to_string()
}

/// A zip being written in memory.
struct Zip(zip::ZipWriter<std::io::Cursor<Vec<u8>>>);

impl Zip {
    fn new() -> Zip {
        Zip(zip::ZipWriter::new(std::io::Cursor::new(Vec::new())))
    }

    fn add(&mut self, name: &str, bytes: &[u8]) -> AppResult<()> {
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        self.0.start_file(name, options).map_err(|e| AppError::Internal(e.into()))?;
        self.0.write_all(bytes).map_err(|e| AppError::Internal(e.into()))
    }

    fn finish(self) -> AppResult<Vec<u8>> {
        Ok(self.0.finish().map_err(|e| AppError::Internal(e.into()))?.into_inner())
    }
}

/// Which students a set of files is about: the whole school, or one student.
#[derive(Clone, Copy)]
enum Scope {
    School,
    Student(Uuid),
}

impl Scope {
    fn student(self) -> Option<Uuid> {
        match self {
            Scope::School => None,
            Scope::Student(id) => Some(id),
        }
    }
}

type LedgerRow = (String, String, String, DateTime<Utc>, String, i32, Option<String>);
type ExamRow = (String, String, String, String, DateTime<Utc>, Option<String>, String, Option<i16>);
type InstructorRow = (String, String, Option<String>, Option<NaiveDate>, bool);
type StudentRow = (Uuid, String, String, NaiveDate, String, String, String, String, String, String, String, String);

/// `eleves.csv` (the students import's columns first), `soldes.csv`, `livret.csv`.
async fn student_files(work: &mut Work, zip: &mut Zip, scope: Scope) -> AppResult<Vec<(Uuid, String)>> {
    let tenant = work.tenant();
    let rows: Vec<StudentRow> = sqlx::query_as(
        "SELECT id, last_name, first_name, birth_date, coalesce(email, ''), coalesce(phone, ''), coalesce(address, ''),
                coalesce(birth_place, ''), coalesce(neph, ''), category, status, ants_status
           FROM students WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id = $2) ORDER BY sort_key, id",
    )
    .bind(tenant.0)
    .bind(scope.student())
    .fetch_all(&mut **work)
    .await?;
    let header = [
        "Nom",
        "Prénom",
        "Date de naissance",
        "E-mail",
        "Téléphone",
        "Adresse",
        "Lieu de naissance",
        "NEPH",
        "Catégorie",
        "Statut",
        "Dossier ANTS",
    ];
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.1.clone(),
                r.2.clone(),
                fr(r.3),
                r.4.clone(),
                r.5.clone(),
                r.6.clone(),
                r.7.clone(),
                r.8.clone(),
                r.9.clone(),
                r.10.clone(),
                r.11.clone(),
            ]
        })
        .collect();
    zip.add("eleves.csv", excel_file(&header, &lines).as_bytes())?;
    let mut balances = vec![];
    for r in &rows {
        let left = crate::students::hours::read(work, tenant, r.0).await?.remaining_minutes;
        balances.push(vec![r.1.clone(), r.2.clone(), fr(r.3), r.8.clone(), hours(left)]);
    }
    let header = ["Nom", "Prénom", "Date de naissance", "NEPH", "Heures restantes"];
    zip.add("soldes.csv", excel_file(&header, &balances).as_bytes())?;
    let levels: Vec<(String, String, NaiveDate, String, String, String, NaiveDate)> = sqlx::query_as(
        "SELECT DISTINCT ON (e.student_id, e.item_code) s.last_name, s.first_name, s.birth_date, coalesce(s.neph, ''),
                e.item_code, e.level, e.evaluated_on
           FROM booklet_evaluations e JOIN students s ON s.tenant_id = e.tenant_id AND s.id = e.student_id
          WHERE e.tenant_id = $1 AND ($2::uuid IS NULL OR e.student_id = $2)
          ORDER BY e.student_id, e.item_code, e.evaluated_on DESC, e.created_at DESC",
    )
    .bind(tenant.0)
    .bind(scope.student())
    .fetch_all(&mut **work)
    .await?;
    let lines: Vec<Vec<String>> = levels.into_iter().map(|l| vec![l.0, l.1, fr(l.2), l.3, l.4, l.5, fr(l.6)]).collect();
    let header = ["Nom", "Prénom", "Date de naissance", "NEPH", "Item", "Niveau", "Date"];
    zip.add("livret.csv", excel_file(&header, &lines).as_bytes())?;
    Ok(rows.into_iter().map(|r| (r.0, format!("{}-{}", r.1, r.2))).collect())
}

/// `heures.csv`, `lecons.csv`, `examens.csv`.
async fn history_files(work: &mut Work, zip: &mut Zip, scope: Scope) -> AppResult<()> {
    let (tenant, tz) = (work.tenant(), work.tz());
    let ledger: Vec<LedgerRow> = sqlx::query_as(
        "SELECT s.last_name, s.first_name, coalesce(s.neph, ''), h.created_at, h.kind, h.minutes, h.reason
           FROM hours_ledger h JOIN students s ON s.tenant_id = h.tenant_id AND s.id = h.student_id
          WHERE h.tenant_id = $1 AND ($2::uuid IS NULL OR h.student_id = $2) ORDER BY s.sort_key, h.created_at",
    )
    .bind(tenant.0)
    .bind(scope.student())
    .fetch_all(&mut **work)
    .await?;
    let lines: Vec<Vec<String>> = ledger
        .into_iter()
        .map(|l| vec![l.0, l.1, l.2, local(l.3, tz, "%d/%m/%Y %H:%M"), l.4, l.5.to_string(), l.6.unwrap_or_default()])
        .collect();
    let header = ["Nom", "Prénom", "NEPH", "Date", "Mouvement", "Minutes", "Motif"];
    zip.add("heures.csv", excel_file(&header, &lines).as_bytes())?;
    type LessonRow =
        (DateTime<Utc>, DateTime<Utc>, String, String, Option<String>, Option<String>, Option<String>, Option<String>);
    let lessons: Vec<LessonRow> = sqlx::query_as(
        "SELECT l.starts_at, l.ends_at, l.kind, l.status, s.last_name || ' ' || s.first_name,
                i.first_name || ' ' || i.last_name, v.plate, l.meeting_point
           FROM lessons l
           LEFT JOIN students s ON s.tenant_id = l.tenant_id AND s.id = l.student_id
           LEFT JOIN instructors i ON i.tenant_id = l.tenant_id AND i.id = l.instructor_id
           LEFT JOIN vehicles v ON v.tenant_id = l.tenant_id AND v.id = l.vehicle_id
          WHERE l.tenant_id = $1 AND ($2::uuid IS NULL OR l.student_id = $2 OR EXISTS (SELECT FROM lesson_participants p
                 WHERE p.tenant_id = l.tenant_id AND p.lesson_id = l.id AND p.student_id = $2))
          ORDER BY l.starts_at",
    )
    .bind(tenant.0)
    .bind(scope.student())
    .fetch_all(&mut **work)
    .await?;
    let lines: Vec<Vec<String>> = lessons
        .into_iter()
        .map(|l| {
            vec![
                local(l.0, tz, "%d/%m/%Y"),
                local(l.0, tz, "%H:%M"),
                local(l.1, tz, "%H:%M"),
                l.2,
                l.3,
                l.4.unwrap_or_default(),
                l.5.unwrap_or_default(),
                l.6.unwrap_or_default(),
                l.7.unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["Date", "Début", "Fin", "Type", "Statut", "Élève", "Moniteur", "Véhicule", "Lieu"];
    zip.add("lecons.csv", excel_file(&header, &lines).as_bytes())?;
    let exams: Vec<ExamRow> = sqlx::query_as(
        "SELECT s.last_name, s.first_name, coalesce(s.neph, ''), x.kind, x.scheduled_at, x.centre, x.result, x.score
           FROM exams x JOIN students s ON s.tenant_id = x.tenant_id AND s.id = x.student_id
          WHERE x.tenant_id = $1 AND ($2::uuid IS NULL OR x.student_id = $2) ORDER BY x.scheduled_at",
    )
    .bind(tenant.0)
    .bind(scope.student())
    .fetch_all(&mut **work)
    .await?;
    let lines: Vec<Vec<String>> = exams
        .into_iter()
        .map(|x| {
            let kind = if x.3 == "theory" { "Code" } else { "Conduite" };
            vec![
                x.0,
                x.1,
                x.2,
                kind.into(),
                local(x.4, tz, "%d/%m/%Y %H:%M"),
                x.5.unwrap_or_default(),
                x.6,
                x.7.map(|s| s.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["Nom", "Prénom", "NEPH", "Épreuve", "Date", "Centre", "Résultat", "Note"];
    zip.add("examens.csv", excel_file(&header, &lines).as_bytes())?;
    Ok(())
}

/// `factures.csv`, `reglements.csv` and each invoice's PDF under `factures/`.
async fn billing_files(work: &mut Work, zip: &mut Zip, scope: Scope) -> AppResult<()> {
    let (tenant, tz) = (work.tenant(), work.tz());
    let filter =
        billing::repo::InvoiceFilter { student_id: scope.student(), kind: None, before: None, limit: 1_000_000 };
    let mut invoices = billing::repo::invoices(work, tenant, &filter).await?;
    invoices.reverse();
    let filter =
        billing::repo::PaymentFilter { student_id: scope.student(), invoice_id: None, before: None, limit: 1_000_000 };
    let mut payments = billing::repo::payments(work, tenant, &filter).await?;
    payments.reverse();
    let lines: Vec<Vec<String>> = invoices
        .iter()
        .map(|i| {
            vec![
                i.number.clone(),
                local(i.issued_at, tz, "%d/%m/%Y"),
                i.student_name.clone(),
                money(i.excl_cents),
                money(i.vat_cents),
                money(i.incl_cents),
                money(i.paid_cents),
                money(i.due_cents),
            ]
        })
        .collect();
    let header = ["Numéro", "Date", "Élève", "HT", "TVA", "TTC", "Réglé", "Reste dû"];
    zip.add("factures.csv", excel_file(&header, &lines).as_bytes())?;
    let number_of = |id: Option<Uuid>| {
        id.and_then(|id| invoices.iter().find(|i| i.id == id)).map(|i| i.number.clone()).unwrap_or_default()
    };
    let lines: Vec<Vec<String>> = payments
        .iter()
        .map(|p| {
            vec![
                local(p.received_at, tz, "%d/%m/%Y"),
                crate::db::to_text(&p.method),
                money(p.amount_cents),
                number_of(p.invoice_id),
                p.reference.clone().unwrap_or_default(),
                p.reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["Date", "Mode", "Montant", "Facture", "Référence", "Motif"];
    zip.add("reglements.csv", excel_file(&header, &lines).as_bytes())?;
    for invoice in &invoices {
        let credited = invoice.credit_of.and_then(|of| invoices.iter().find(|i| i.id == of));
        let paid: Vec<billing::Payment> =
            payments.iter().filter(|p| p.invoice_id == Some(invoice.id)).cloned().collect();
        let pdf = billing::document::render(invoice, credited, &paid, tz).await?;
        zip.add(&format!("factures/{}.pdf", invoice.number), &pdf)?;
    }
    Ok(())
}

/// `moniteurs.csv` and `vehicules.csv`.
async fn resource_files(work: &mut Work, zip: &mut Zip) -> AppResult<()> {
    let tenant = work.tenant();
    let instructors: Vec<InstructorRow> = sqlx::query_as(
        "SELECT last_name, first_name, authorisation_number, authorisation_expires_on, active FROM instructors
          WHERE tenant_id = $1 ORDER BY last_name, first_name",
    )
    .bind(tenant.0)
    .fetch_all(&mut **work)
    .await?;
    let lines: Vec<Vec<String>> = instructors
        .into_iter()
        .map(|i| {
            vec![
                i.0,
                i.1,
                i.2.unwrap_or_default(),
                i.3.map(fr).unwrap_or_default(),
                if i.4 { "oui" } else { "non" }.into(),
            ]
        })
        .collect();
    let header = ["Nom", "Prénom", "Autorisation d'enseigner", "Valable jusqu'au", "Actif"];
    zip.add("moniteurs.csv", excel_file(&header, &lines).as_bytes())?;
    let vehicles: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT plate, kind, gearbox, status FROM vehicles WHERE tenant_id = $1 ORDER BY plate")
            .bind(tenant.0)
            .fetch_all(&mut **work)
            .await?;
    let lines: Vec<Vec<String>> = vehicles.into_iter().map(|v| vec![v.0, v.1, v.2, v.3]).collect();
    zip.add("vehicules.csv", excel_file(&["Immatriculation", "Type", "Boîte", "Statut"], &lines).as_bytes())?;
    Ok(())
}

/// The booklets' PDFs under `livrets/`.
async fn booklet_pdfs(work: &mut Work, zip: &mut Zip, students: &[(Uuid, String)]) -> AppResult<()> {
    for (id, name) in students {
        let doc = booklet::pdf_document(work, *id).await?;
        let pdf = booklet::render(doc).await?;
        let safe = volant_domain::search::words(name).join("-");
        zip.add(&format!("livrets/{safe}-{}.pdf", &id.simple().to_string()[..8]), &pdf)?;
    }
    Ok(())
}

const README_SCHOOL: &str = "Export complet de l'école (Volant)\r\n\
\r\n\
Fichiers CSV (séparateur « ; », UTF-8, ouvrables dans Excel ou LibreOffice) :\r\n\
- eleves.csv, soldes.csv, livret.csv : dans le format de l'import de Volant (page « Import et export ») :\r\n\
  importés dans cet ordre dans une école vide, ils redonnent les mêmes élèves, soldes d'heures et niveaux du livret ;\r\n\
- heures.csv : chaque mouvement du compteur d'heures ; lecons.csv : le planning ; examens.csv : les examens ;\r\n\
- factures.csv, reglements.csv : la facturation (montants en euros) ; factures/ : chaque facture en PDF ;\r\n\
- moniteurs.csv, vehicules.csv ; livrets/ : le livret d'apprentissage de chaque élève en PDF.\r\n\
\r\n\
Les factures et les règlements restent conservés par l'école pendant dix ans (archives fiscales signées : page Conformité).\r\n";

/// The whole school as a zip.
pub async fn school_zip(work: &mut Work) -> AppResult<Vec<u8>> {
    let mut zip = Zip::new();
    zip.add("LISEZMOI.txt", README_SCHOOL.as_bytes())?;
    let students = student_files(work, &mut zip, Scope::School).await?;
    history_files(work, &mut zip, Scope::School).await?;
    billing_files(work, &mut zip, Scope::School).await?;
    resource_files(work, &mut zip).await?;
    booklet_pdfs(work, &mut zip, &students).await?;
    zip.finish()
}

const README_DOSSIER: &str = "Dossier de l'élève (Volant)\r\n\
\r\n\
Ce dossier contient tout ce que l'école conserve sur l'élève : fiche (eleves.csv), solde d'heures (soldes.csv),\r\n\
mouvements du compteur d'heures (heures.csv), leçons (lecons.csv), examens (examens.csv), factures et règlements\r\n\
(factures.csv, reglements.csv, factures/), niveaux et livret d'apprentissage (livret.csv, livret.pdf).\r\n\
\r\n\
Changer d'auto-école :\r\n\
1. Demandez à l'école actuelle la restitution de votre dossier et, si vous en avez, le solde des heures payées\r\n\
   et non effectuées (le contrat en fixe les conditions).\r\n\
2. Votre dossier ANTS (NEPH) vous suit : la nouvelle école en demande le transfert sur le site de l'ANTS,\r\n\
   avec votre accord.\r\n\
3. Remettez ce dossier et votre livret d'apprentissage à la nouvelle école : elle reprend vos niveaux et vos heures\r\n\
   (ses logiciels lisent ces fichiers CSV).\r\n\
4. Le code de la route obtenu reste valable cinq ans et la nouvelle école le retrouve sur l'ANTS.\r\n";

/// One student's portable dossier as a zip.
pub async fn dossier_zip(work: &mut Work, student: Uuid) -> AppResult<Vec<u8>> {
    let mut zip = Zip::new();
    zip.add("LISEZMOI.txt", README_DOSSIER.as_bytes())?;
    student_files(work, &mut zip, Scope::Student(student)).await?;
    history_files(work, &mut zip, Scope::Student(student)).await?;
    billing_files(work, &mut zip, Scope::Student(student)).await?;
    let doc = booklet::pdf_document(work, student).await?;
    zip.add("livret.pdf", &booklet::render(doc).await?)?;
    zip.finish()
}

/// Runs a school export (the outbox's handler): the zip is kept with the job.
pub async fn run(state: AppState, job: Job) -> anyhow::Result<()> {
    let tenant = TenantId(job.tenant_id.ok_or_else(|| anyhow::anyhow!("an export belongs to a school"))?);
    let id: Uuid = serde_json::from_value(job.payload["job_id"].clone())?;
    if school_jobs::start(&state.pool, tenant, id).await?.is_none() {
        return Ok(());
    }
    let made = async {
        let mut work = Work::system(&state.pool, tenant).await?;
        let zip = school_zip(&mut work).await?;
        work.commit().await?;
        Ok::<_, AppError>(zip)
    }
    .await;
    match made {
        Ok(zip) => {
            let name = format!("export-ecole-{}.zip", Utc::now().format("%Y-%m-%d"));
            let result = serde_json::json!({"size_bytes": zip.len(), "file_name": name});
            school_jobs::attach_file(&state.pool, tenant, id, &name, &zip).await?;
            school_jobs::finish(&state.pool, tenant, id, Ok(result)).await
        }
        Err(e) => {
            tracing::error!(error = ?e, "school export failed");
            let reason = "L'export s'est arrêté sur une erreur inattendue. Réessayez.".to_owned();
            school_jobs::finish(&state.pool, tenant, id, Err(vec![reason])).await
        }
    }
}
