//! Demo students: 60 files across every status, with ledgers and documents that look like a
//! real school's, created through the same service functions as the API.

use anyhow::anyhow;
use chrono::{Duration, NaiveDate};
use sqlx::PgPool;
use uuid::Uuid;
use volant_domain::{
    documents::DocumentKind,
    ids::TenantId,
    ledger::EntryKind,
    student::{EndReason, StudentStatus},
};

use super::billing::{self, Catalogue, Paid};
use crate::{
    error::AppError,
    students::{
        AntsStatus, Funding, Guardian, StartEvaluation, StudentCategory, StudentInput, TrainingMode,
        documents::{self, Upload},
        guardians,
        hours::{self, NewHoursEntry},
        repo,
        service::{create_student, set_archived, update_student},
    },
    work::Work,
};

const FIRST: [&str; 20] = [
    "Léa", "Hugo", "Chloé", "Lucas", "Manon", "Nathan", "Inès", "Théo", "Camille", "Louis", "Éloïse", "Enzo", "Sarah",
    "Mathis", "Jade", "Noah", "Zoé", "Adam", "Lina", "Gabriel",
];
const LAST: [&str; 15] = [
    "Martin", "Bernard", "Dubois", "Ménard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre",
    "Michel", "Garcia", "Roux", "Fournier",
];

/// A small, valid PDF (one empty page), so that downloads open in a viewer.
const SAMPLE_PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn err(e: AppError) -> anyhow::Error {
    anyhow!("demo seed (students): {e:?}")
}

/// Who teaches the demo students, and the student account.
pub struct People<'a> {
    pub instructors: &'a [Uuid],
    /// The demo instructor account's record.
    pub referent: Uuid,
    pub eleve_user: Uuid,
}

/// Seeds the students; `eleve_user` is linked to the first active one, whose referent (like a
/// dozen others) is `referent` (the demo instructor account). Their hours are sold from `catalogue`.
pub async fn seed(
    pool: &PgPool,
    tenant: TenantId,
    agencies: &[Uuid],
    people: People<'_>,
    catalogue: &Catalogue,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let People { instructors, referent, eleve_user } = people;
    let mut work = Work::system(pool, tenant).await?;
    for n in 0..60usize {
        let first = FIRST[n % FIRST.len()];
        let last = LAST[(n * 7 + n / 4) % LAST.len()];
        // Ages from 16 to about 30; every fifth a minor.
        let age_days = if n % 5 == 0 { 16 * 365 + 100 + n as i64 * 3 } else { 17 * 365 + (n as i64 * 97) % (13 * 365) };
        let birth = today - Duration::days(age_days);
        let minor = volant_domain::student::is_minor(birth, today);
        let status_plan = match n {
            0..=39 => StudentStatus::Active,
            40..=47 => StudentStatus::Prospect,
            48..=55 => StudentStatus::Finished,
            _ => StudentStatus::Archived,
        };
        let started = today - Duration::days(20 + (n as i64 * 11) % 300);
        let signed_up = status_plan != StudentStatus::Prospect;
        // A few prospects with their papers in hand, whose ANTS dossier is still to file (the ANTS
        // panel's demo; prospects have no lessons, so the planning's demo is untouched).
        let to_file = !signed_up && n % 2 == 0;
        let input = StudentInput {
            status: if status_plan == StudentStatus::Prospect {
                StudentStatus::Prospect
            } else {
                StudentStatus::Active
            },
            end_reason: None,
            civility: None,
            first_name: first.into(),
            last_name: last.into(),
            birth_name: None,
            birth_date: birth,
            birth_place: Some(if n % 3 == 0 { "Tours" } else { "Orléans" }.into()),
            email: Some(format!("{}.{}{}@exemple.fr", fold(first), fold(last), n)),
            phone: Some(format!(
                "06 {:02} {:02} {:02} {:02}",
                10 + n % 80,
                (n * 7) % 100,
                (n * 13) % 100,
                (n * 29) % 100
            )),
            address: Some(format!("{} rue Colbert, 37000 Tours", 1 + n)),
            guardian: minor.then(|| Guardian {
                first_name: Some("Parent".into()),
                last_name: last.into(),
                relationship: Some("Mère".into()),
                phone: Some("06 99 88 77 66".into()),
                email: Some(format!("parent.eleve{n}@exemple.fr")),
            }),
            neph: signed_up.then(|| format!("{:012}", 120_000_000_000u64 + n as u64 * 7_919)),
            ants_status: match (signed_up, n % 7) {
                (false, _) => AntsStatus::NotStarted,
                // The demo student account drives: their registration is validated.
                _ if n == 0 => AntsStatus::Validated,
                (true, 0) => AntsStatus::Submitted,
                (true, 1) if n < 40 => AntsStatus::Rejected,
                _ => AntsStatus::Validated,
            },
            category: if n % 6 == 0 { StudentCategory::B78 } else { StudentCategory::B },
            training_mode: if n % 9 == 0 && minor { TrainingMode::Aac } else { TrainingMode::Traditional },
            funding: match n % 10 {
                0 => Funding::Cpf,
                1 => Funding::Permis1Euro,
                _ => Funding::Personal,
            },
            agency_id: Some(agencies[n % agencies.len()]),
            referent_instructor_id: Some(if n % 4 == 0 { referent } else { instructors[n % instructors.len()] }),
            start_evaluation: signed_up
                .then(|| StartEvaluation { date: started, estimated_minutes: 1500 + (n as i32 % 8) * 120 }),
            contract_signed_on: signed_up.then_some(started + Duration::days(2)),
            aac: None,
            notes: (n % 11 == 0).then(|| "Préfère les leçons le samedi matin.".into()),
            confirm_duplicate: false,
        };
        let mut student = create_student(&mut work, input).await.map_err(err)?;
        if n == 0 {
            repo::link_user(&mut work, tenant, student.id, eleve_user).await?;
        }
        if signed_up {
            seed_ledger(&mut work, student.id, n, catalogue).await?;
        }
        if signed_up || to_file {
            seed_documents(&mut work, student.id, n, today, minor, to_file).await?;
        }
        if status_plan == StudentStatus::Finished || status_plan == StudentStatus::Archived {
            let mut finished = student.input();
            finished.status = StudentStatus::Finished;
            finished.end_reason = Some(if n % 3 == 0 { EndReason::Abandoned } else { EndReason::LicenceObtained });
            student = update_student(&mut work, student, finished).await.map_err(err)?;
        }
        if status_plan == StudentStatus::Archived {
            set_archived(&mut work, student, true).await.map_err(err)?;
        }
    }
    work.commit().await?;
    Ok(())
}

/// The demo parent follows two minors: Léa Martin (the demo student) and the next minor of the
/// school, as siblings would be.
pub async fn seed_guardian(pool: &PgPool, tenant: TenantId, parent: Uuid, today: NaiveDate) -> anyhow::Result<()> {
    let mut work = Work::system(pool, tenant).await?;
    let files: Vec<(Uuid, NaiveDate)> =
        sqlx::query_as("SELECT id, birth_date FROM students WHERE tenant_id = $1 ORDER BY created_at, id")
            .bind(tenant.0)
            .fetch_all(&mut *work)
            .await?;
    let actor = work.actor.clone();
    let minors = files.into_iter().filter(|(_, birth)| volant_domain::student::is_minor(*birth, today));
    for (child, _) in minors.take(2) {
        guardians::add(&mut work, &actor, child, parent).await.map_err(err)?;
    }
    work.commit().await?;
    Ok(())
}

async fn seed_ledger(work: &mut Work, student: Uuid, n: usize, catalogue: &Catalogue) -> anyhow::Result<()> {
    let post = |kind, minutes, reason: Option<&str>| NewHoursEntry { kind, minutes, reason: reason.map(str::to_owned) };
    let start = [catalogue.registration, catalogue.start_evaluation, catalogue.twenty_hours];
    billing::sell(work, student, &start, Paid::of(n)).await?;
    if n.is_multiple_of(3) {
        // The demo student account has this one to pay online.
        let paid = if n == 0 { Paid::Not } else { Paid::of(n + 1) };
        billing::sell(work, student, &[catalogue.ten_hours], paid).await?;
    }
    let mut entries = vec![];
    if n % 13 == 5 {
        entries.push(post(EntryKind::TransferIn, 420, Some("Heures reprises d'une autre auto-école")));
    }
    if n % 8 == 3 {
        entries.push(post(EntryKind::Correction, -60, Some("Heure offerte saisie deux fois")));
    }
    for e in &entries {
        hours::post(work, student, e).await.map_err(err)?;
    }
    Ok(())
}

/// `to_file`: a new registration, whose papers are complete but for the proof of address of some.
async fn seed_documents(
    work: &mut Work,
    student: Uuid,
    n: usize,
    today: NaiveDate,
    minor: bool,
    to_file: bool,
) -> anyhow::Result<()> {
    let mut kinds = vec![
        (DocumentKind::IdCard, None, Some(today + Duration::days(2_000))),
        // Some e-photo codes are older than six months: the checklist shows them expired.
        (DocumentKind::PhotoSignature, Some(today - Duration::days(if n % 4 == 1 { 200 } else { 30 })), None),
        (DocumentKind::Contract, None, None),
    ];
    if n % 3 != 2 {
        kinds.push((DocumentKind::ProofOfAddress, Some(today - Duration::days(45)), None));
    }
    if to_file {
        kinds.push((DocumentKind::Jdc, None, None));
        kinds.push((DocumentKind::Assr2, None, None));
    }
    if minor {
        kinds.push((DocumentKind::GuardianId, None, Some(today + Duration::days(1_500))));
        if !to_file {
            kinds.push((DocumentKind::Assr2, None, None));
        }
    }
    for (kind, issued_on, expires_on) in kinds {
        let name = format!("{}.pdf", crate::db::to_text(&kind));
        let upload = Upload {
            kind,
            issued_on,
            expires_on,
            file_name: name,
            content_type: "application/pdf",
            bytes: SAMPLE_PDF.to_vec(),
        };
        documents::store(work, student, upload).await?;
    }
    Ok(())
}

fn fold(s: &str) -> String {
    volant_domain::search::words(s).join("")
}
