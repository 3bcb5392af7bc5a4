//! The student file's business steps: who may see a file, and the validated, audited creation,
//! change and archiving of files (the API, the demo and imports go through them).

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::{ids::TenantId, student::StudentStatus};

use super::{Student, StudentInput, check_end_reason, check_status, repo, validate};
use crate::{
    agencies,
    audit::Change,
    auth::Viewer,
    error::{AppError, AppResult, on_constraint},
    instructors,
    work::Work,
};

/// Who may reach which files: the office every file, an instructor the students they teach
/// (their referent students, or those they have a lesson with), a student their own file.
/// Anything else is the same 404.
pub async fn visible(work: &mut Work, id: Uuid, lock: bool) -> AppResult<Student> {
    let tenant = work.tenant();
    let s = repo::get(work, tenant, id, lock).await?.ok_or(AppError::NotFound)?;
    let ok = match work.viewer {
        Viewer::Office => true,
        Viewer::Instructor(i) => repo::is_taught_by(work, tenant, s.id, i).await?,
        Viewer::Student(own) => own == s.id,
        Viewer::Nobody => false,
    };
    if ok { Ok(s) } else { Err(AppError::NotFound) }
}

const CONSTRAINTS: &[(&str, &str, &str)] = &[
    ("students_user_unique", "user_id", "Ce compte est déjà lié à un autre élève."),
    ("students_neph_unique", "neph", "Ce NEPH est déjà celui d'un autre dossier de l'école."),
];

/// A NEPH names one person: a 400 naming the file that holds it. Then, unless the office
/// confirmed it, a 409 when a file has the same names (case and accents aside) and birth date.
/// An edit that keeps the names and birth date is not checked again.
async fn check_identity(
    conn: &mut PgConnection,
    tenant: TenantId,
    s: &StudentInput,
    before: Option<&Student>,
) -> AppResult<()> {
    let except = before.map(|b| b.id);
    if let Some(neph) = &s.neph
        && let Some(holder) = repo::holder_of_neph(conn, tenant, neph, except).await?
    {
        let name = format!("{} {}", holder.first_name, holder.last_name);
        return Err(AppError::field(
            "neph",
            format!("Ce NEPH est déjà celui du dossier {}.", volant_domain::french::de(&name)),
        ));
    }
    let identity_changed = before
        .is_none_or(|b| (&b.first_name, &b.last_name, b.birth_date) != (&s.first_name, &s.last_name, s.birth_date));
    if s.confirm_duplicate || !identity_changed {
        return Ok(());
    }
    let others = repo::probable_duplicates(conn, tenant, s, except).await?;
    let Some(first) = others.first() else { return Ok(()) };
    let name = format!("{} {}", first.first_name, first.last_name);
    Err(AppError::Duplicate {
        detail: format!(
            "Un dossier existe déjà au nom {}, avec la même date de naissance ({}). Ouvrez-le, \
             ou confirmez qu'il s'agit d'une autre personne.",
            volant_domain::french::de(&name),
            first.birth_date.format("%d/%m/%Y")
        ),
        conflicts: json!(others),
    })
}

async fn check_links(conn: &mut PgConnection, tenant: TenantId, s: &StudentInput) -> AppResult<Uuid> {
    let agency = agencies::repo::resolve(conn, tenant, s.agency_id).await?;
    if let Some(i) = s.referent_instructor_id
        && instructors::repo::get(conn, tenant, i, false).await?.is_none()
    {
        return Err(AppError::field("referent_instructor_id", "Ce moniteur n'existe pas dans l'école."));
    }
    Ok(agency)
}

/// Validates, stores and audits a new file (the API, the demo and imports).
pub async fn create_student(work: &mut Work, input: StudentInput) -> AppResult<Student> {
    let tenant = work.tenant();
    let today = work.school.today();
    let input = validate(input, today, today)?;
    if !matches!(input.status, StudentStatus::Prospect | StudentStatus::Active) {
        return Err(AppError::rule("status_transition", "Un nouveau dossier est « prospect » ou « actif »."));
    }
    check_end_reason(&input)?;
    let agency = check_links(work, tenant, &input).await?;
    check_identity(work, tenant, &input, None).await?;
    let id = repo::insert(work, tenant, agency, &input).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    let saved = repo::get(work, tenant, id, false).await?.ok_or(AppError::NotFound)?;
    work.audit().created("student", id, &saved).await?;
    Ok(saved)
}

/// Validates, stores and audits a change of a file read (and locked) as `before`.
pub async fn update_student(work: &mut Work, before: Student, input: StudentInput) -> AppResult<Student> {
    let tenant = work.tenant();
    let school = &work.school;
    let mut input = validate(input, school.today(), school.date_of(before.created_at))?;
    check_status(&before, &mut input)?;
    check_end_reason(&input)?;
    let id = before.id;
    let agency = check_links(work, tenant, &input).await?;
    check_identity(work, tenant, &input, Some(&before)).await?;
    repo::update(work, tenant, id, agency, &input).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    let after = repo::get(work, tenant, id, false).await?.ok_or(AppError::NotFound)?;
    let action = if before.status != after.status { "student.status" } else { "student.update" };
    let change = Change {
        action,
        entity: "student",
        entity_id: Some(id),
        before: Some(json!(before)),
        after: Some(json!(after)),
    };
    work.audit().record(change).await?;
    Ok(after)
}

/// Archives a file or restores it to the status it had, audited.
pub async fn set_archived(work: &mut Work, before: Student, archived: bool) -> AppResult<Student> {
    let tenant = work.tenant();
    if (before.status == StudentStatus::Archived) == archived {
        let message = if archived { "Ce dossier est déjà archivé." } else { "Ce dossier n'est pas archivé." };
        return Err(AppError::rule("status_transition", message));
    }
    repo::set_archived(work, tenant, before.id, archived).await?;
    let after = repo::get(work, tenant, before.id, false).await?.ok_or(AppError::NotFound)?;
    let action = if archived { "student.archive" } else { "student.restore" };
    let change = Change {
        action,
        entity: "student",
        entity_id: Some(before.id),
        before: Some(json!({"status": before.status})),
        after: Some(json!({"status": after.status})),
    };
    work.audit().record(change).await?;
    Ok(after)
}

/// Writes on the file what the ANTS platform confirmed (its `ants_status`, the NEPH on
/// validation), audited as `student.registration`. A NEPH already held by another file is not
/// written: the answer names that file, for the office to sort out.
pub async fn record_registration(
    work: &mut Work,
    id: Uuid,
    ants_status: &str,
    neph: Option<&str>,
) -> AppResult<Option<String>> {
    let tenant = work.tenant();
    let before = repo::get(work, tenant, id, true).await?.ok_or(AppError::NotFound)?;
    let mut conflict = None;
    let neph = match neph {
        Some(n) => match repo::holder_of_neph(work, tenant, n, Some(id)).await? {
            Some(holder) => {
                let name = format!("{} {}", holder.first_name, holder.last_name);
                conflict = Some(format!(
                    "Le NEPH {n} donné par l'ANTS est déjà celui du dossier {} : il n'a pas été reporté.",
                    volant_domain::french::de(&name)
                ));
                None
            }
            None => Some(n),
        },
        None => None,
    };
    if crate::db::to_text(&before.ants_status) == ants_status && (neph.is_none() || before.neph.as_deref() == neph) {
        return Ok(conflict);
    }
    repo::set_registration(work, tenant, id, ants_status, neph).await?;
    let after = repo::get(work, tenant, id, false).await?.ok_or(AppError::NotFound)?;
    let change = Change {
        action: "student.registration",
        entity: "student",
        entity_id: Some(id),
        before: Some(json!({"ants_status": before.ants_status, "neph": before.neph})),
        after: Some(json!({"ants_status": after.ants_status, "neph": after.neph})),
    };
    work.audit().record(change).await?;
    Ok(conflict)
}
