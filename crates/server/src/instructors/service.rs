//! The instructor record's business steps: who may see a record, and its validated, audited
//! creation and change (the API and the demo go through them).

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{Instructor, InstructorInput, repo, validate};
use crate::{
    agencies,
    audit::Change,
    auth::Viewer,
    error::{AppError, AppResult},
    work::Work,
};

/// The record, if the caller may see it: the office sees every instructor, an instructor only
/// their own record (others are the same 404 as unknown ids).
pub async fn visible(work: &mut Work, id: Uuid, lock: bool) -> AppResult<Instructor> {
    let tenant = work.tenant();
    let found = repo::get(work, tenant, id, lock).await?.ok_or(AppError::NotFound)?;
    match work.viewer {
        Viewer::Office => Ok(found),
        Viewer::Instructor(me) if found.id == me => Ok(found),
        Viewer::Instructor(_) | Viewer::Nobody => Err(AppError::NotFound),
        Viewer::Student(_) => Err(AppError::forbidden()),
    }
}

async fn check_links(conn: &mut PgConnection, tenant: TenantId, input: &InstructorInput) -> AppResult<Uuid> {
    let agency = agencies::repo::resolve(conn, tenant, input.agency_id).await?;
    if let Some(user) = input.user_id
        && !repo::is_member(conn, tenant, user).await?
    {
        return Err(AppError::field("user_id", "Ce compte ne fait pas partie de l'école."));
    }
    Ok(agency)
}

const CONSTRAINTS: &[(&str, &str, &str)] =
    &[("instructors_user_unique", "user_id", "Ce compte est déjà lié à un autre moniteur.")];

/// Validates, stores and audits a new instructor.
pub async fn create_instructor(work: &mut Work, input: InstructorInput) -> AppResult<Instructor> {
    let tenant = work.tenant();
    let input = validate(input)?;
    let agency = check_links(work, tenant, &input).await?;
    let saved =
        repo::insert(work, tenant, agency, &input).await.map_err(|e| crate::error::on_constraint(e, CONSTRAINTS))?;
    work.audit().created("instructor", saved.id, &saved).await?;
    Ok(saved)
}

/// Validates, stores and audits a change of a record read (and locked) as `before`. A
/// deactivated instructor's record comes back with the future lessons to reassign.
pub async fn update_instructor(work: &mut Work, before: Instructor, input: InstructorInput) -> AppResult<Instructor> {
    let tenant = work.tenant();
    let id = before.id;
    let input = validate(input)?;
    let agency = check_links(work, tenant, &input).await?;
    let mut after = repo::update(work, tenant, id, agency, &input)
        .await
        .map_err(|e| crate::error::on_constraint(e, CONSTRAINTS))?;
    let deactivated = before.active && !after.active;
    if deactivated {
        // A leaving instructor's future lessons are listed for reassignment.
        after.future_lesson_ids = Some(repo::future_lesson_ids(work, tenant, id).await?);
    }
    let action = if deactivated { "instructor.deactivate" } else { "instructor.update" };
    let change = Change {
        action,
        entity: "instructor",
        entity_id: Some(id),
        before: Some(json!(before)),
        after: Some(json!(after)),
    };
    work.audit().record(change).await?;
    Ok(after)
}
