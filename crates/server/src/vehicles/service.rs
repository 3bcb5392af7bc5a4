//! The vehicle's business steps: its validated, audited creation and change (the API and the
//! demo seed go through them).

use super::{Vehicle, VehicleInput, repo, validate};
use crate::{
    agencies,
    error::{AppResult, on_constraint},
    work::Work,
};

const CONSTRAINTS: &[(&str, &str, &str)] =
    &[("vehicles_plate_unique", "plate", "Un véhicule de l'école porte déjà cette immatriculation.")];

/// Validates, stores and audits a new vehicle (the API and the demo seed).
pub async fn create_vehicle(work: &mut Work, input: VehicleInput) -> AppResult<Vehicle> {
    let tenant = work.tenant();
    let valid = validate(input)?;
    let agency = agencies::repo::resolve(work, tenant, valid.input.agency_id).await?;
    let vehicle = repo::insert(work, tenant, agency, &valid).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    work.audit().created("vehicle", vehicle.id, &vehicle).await?;
    Ok(vehicle)
}

/// Validates, stores and audits a change of a vehicle read (and locked) as `before`.
pub async fn update_vehicle(work: &mut Work, before: Vehicle, input: VehicleInput) -> AppResult<Vehicle> {
    let tenant = work.tenant();
    let id = before.id;
    let valid = validate(input)?;
    let agency = agencies::repo::resolve(work, tenant, valid.input.agency_id).await?;
    let after = repo::update(work, tenant, id, agency, &valid).await.map_err(|e| on_constraint(e, CONSTRAINTS))?;
    work.audit().updated("vehicle", id, &before, &after).await?;
    Ok(after)
}
