//! The agency's business steps: reading one (404 when unknown), and its validated, audited
//! creation and change (the API and the demo go through them).

use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{Agency, AgencyInput, repo, validate};
use crate::{
    error::{AppError, AppResult, on_constraint},
    work::Work,
};

const CONSTRAINTS: &[(&str, &str, &str)] = &[("agencies_name_unique", "name", "Une agence porte déjà ce nom.")];

/// The agency, or a 404.
pub async fn load(conn: &mut PgConnection, tenant: TenantId, id: Uuid, lock: bool) -> AppResult<Agency> {
    repo::get(conn, tenant, id, lock).await?.ok_or(AppError::NotFound)
}

/// Validates, stores and audits a new agency.
pub async fn create_agency(work: &mut Work, mut input: AgencyInput) -> AppResult<Agency> {
    let tenant = work.tenant();
    if input.opening_hours.is_empty() {
        input.opening_hours = crate::school::read(work, tenant).await?.settings.opening_hours;
    }
    let input = validate(input)?;
    let id = repo::insert(work, tenant, &input).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    repo::replace_rooms(work, tenant, id, &input.rooms).await?;
    let agency = load(work, tenant, id, false).await?;
    work.audit().created("agency", id, &agency).await?;
    Ok(agency)
}

/// Validates, stores and audits a change of an agency read (and locked) as `before`.
pub async fn update_agency(work: &mut Work, before: Agency, input: AgencyInput) -> AppResult<Agency> {
    let tenant = work.tenant();
    let input = validate(input)?;
    let id = before.id;
    repo::update(work, tenant, id, &input).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    repo::replace_rooms(work, tenant, id, &input.rooms).await?;
    let after = load(work, tenant, id, false).await?;
    work.audit().updated("agency", id, &before, &after).await?;
    Ok(after)
}

/// Every meeting point of the school as the travel rule sees it (the lesson's agency's first, so
/// that a label two agencies share resolves to the nearer one).
pub async fn places(conn: &mut PgConnection, tenant: TenantId) -> AppResult<Vec<(Uuid, volant_domain::travel::Place)>> {
    let agencies = repo::list(conn, tenant).await?;
    Ok(agencies
        .into_iter()
        .flat_map(|a| {
            let agency = a.id;
            a.meeting_points.into_iter().filter_map(move |m| {
                let place =
                    volant_domain::travel::Place { id: m.id?, label: m.label.clone(), coordinates: m.coordinates() };
                Some((agency, place))
            })
        })
        .collect())
}
