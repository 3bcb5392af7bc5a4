//! Vehicles and simulators: the plate is checked and normalised, the dates that make a vehicle
//! unusable (insurance, technical inspection) are kept for the planning's rules and the alerts.

pub mod repo;
pub mod routes;
pub mod service;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{licence::is_category, plate::Plate};

use crate::error::{AppError, FieldErrors};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VehicleKind {
    Car,
    Simulator,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gearbox {
    Manual,
    Automatic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VehicleStatus {
    Active,
    Maintenance,
    Retired,
}

fn default_kind() -> VehicleKind {
    VehicleKind::Car
}
fn default_category() -> String {
    "B".into()
}
fn dual_controls_by_default() -> bool {
    volant_domain::planning::DUAL_CONTROLS_BY_DEFAULT
}
fn default_status() -> VehicleStatus {
    VehicleStatus::Active
}

/// What the office sends to create a vehicle (and, merged with the current state, to change one).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VehicleInput {
    #[serde(default = "default_kind")]
    pub kind: VehicleKind,
    /// `AA-123-AA` (SIV) or `1234 AB 56` (FNI); normalised.
    pub plate: String,
    #[serde(default)]
    pub make: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    pub gearbox: Gearbox,
    #[serde(default = "default_category")]
    pub category: String,
    #[serde(default = "dual_controls_by_default")]
    pub dual_controls: bool,
    /// Defaults to the school's first agency.
    #[serde(default)]
    pub agency_id: Option<Uuid>,
    #[serde(default = "default_status")]
    pub status: VehicleStatus,
    /// Empty for a car under 4 years.
    #[serde(default)]
    pub inspection_due_on: Option<NaiveDate>,
    #[serde(default)]
    pub insurance_expires_on: Option<NaiveDate>,
    #[serde(default)]
    pub mileage_km: Option<i32>,
}

/// A vehicle as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Vehicle {
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: VehicleKind,
    pub plate: String,
    pub make: Option<String>,
    pub model: Option<String>,
    #[sqlx(try_from = "String")]
    pub gearbox: Gearbox,
    pub category: String,
    pub dual_controls: bool,
    pub agency_id: Uuid,
    #[sqlx(try_from = "String")]
    pub status: VehicleStatus,
    pub inspection_due_on: Option<NaiveDate>,
    pub insurance_expires_on: Option<NaiveDate>,
    pub mileage_km: Option<i32>,
    pub version: i32,
}

/// The PATCH body: the fields to change, and the `version` read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VehicleUpdate {
    #[serde(flatten)]
    pub fields: VehicleInput,
    pub version: i32,
}

crate::text_enum!(VehicleKind, Gearbox, VehicleStatus);

impl Vehicle {
    /// The editable part, for merging a PATCH.
    pub fn input(&self) -> VehicleInput {
        VehicleInput {
            kind: self.kind,
            plate: self.plate.clone(),
            make: self.make.clone(),
            model: self.model.clone(),
            gearbox: self.gearbox,
            category: self.category.clone(),
            dual_controls: self.dual_controls,
            agency_id: Some(self.agency_id),
            status: self.status,
            inspection_due_on: self.inspection_due_on,
            insurance_expires_on: self.insurance_expires_on,
            mileage_km: self.mileage_km,
        }
    }
}

/// A vehicle input that passed validation.
pub struct ValidVehicle {
    pub input: VehicleInput,
    pub plate: Plate,
}

pub fn validate(mut input: VehicleInput) -> Result<ValidVehicle, AppError> {
    let mut errors = FieldErrors::default();
    let plate = Plate::parse(&input.plate).map_err(|e| errors.add("plate", e.to_string())).ok();
    if !is_category(&input.category) {
        errors.add("category", "Catégorie de permis inconnue.");
    }
    if input.mileage_km.is_some_and(|km| km < 0) {
        errors.add("mileage_km", "Le kilométrage ne peut pas être négatif.");
    }
    input.make = input.make.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
    input.model = input.model.map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
    errors.finish()?;
    let plate = plate.ok_or_else(|| AppError::field("plate", "Immatriculation invalide."))?;
    Ok(ValidVehicle { input, plate })
}
