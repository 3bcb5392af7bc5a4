//! Instructors: identity, teaching authorisation, categories, colour, contract, agency, active
//! flag, a weekly availability template and dated exceptions (leave, sickness, training…).

pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    licence::{is_category, is_hex_colour},
    schedule::{WeeklyRange, normalise_week},
};

use crate::error::{AppError, FieldErrors};

fn default_categories() -> Vec<String> {
    vec!["B".into()]
}
fn default_colour() -> String {
    "#1971c2".into()
}
fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstructorInput {
    pub first_name: String,
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// Number of the teaching authorisation (autorisation d'enseigner).
    #[serde(default)]
    pub authorisation_number: Option<String>,
    #[serde(default)]
    pub authorisation_expires_on: Option<NaiveDate>,
    #[serde(default = "default_categories")]
    pub categories: Vec<String>,
    /// `#RRGGBB`, the instructor's colour in the planning.
    #[serde(default = "default_colour")]
    pub colour: String,
    #[serde(default)]
    pub weekly_contract_minutes: Option<i32>,
    /// Defaults to the school's first agency.
    #[serde(default)]
    pub agency_id: Option<Uuid>,
    /// The INSTRUCTOR account linked to this record (a member of the school).
    #[serde(default)]
    pub user_id: Option<Uuid>,
    #[serde(default = "yes")]
    pub active: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Instructor {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub authorisation_number: Option<String>,
    pub authorisation_expires_on: Option<NaiveDate>,
    pub categories: Vec<String>,
    pub colour: String,
    pub weekly_contract_minutes: Option<i32>,
    pub agency_id: Uuid,
    pub user_id: Option<Uuid>,
    pub active: bool,
    pub version: i32,
    /// On deactivation only: the instructor's lessons still planned from now on, to reassign.
    #[sqlx(skip)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub future_lesson_ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InstructorUpdate {
    #[serde(flatten)]
    pub fields: InstructorInput,
    pub version: i32,
}

impl Instructor {
    pub fn input(&self) -> InstructorInput {
        InstructorInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            authorisation_number: self.authorisation_number.clone(),
            authorisation_expires_on: self.authorisation_expires_on,
            categories: self.categories.clone(),
            colour: self.colour.clone(),
            weekly_contract_minutes: self.weekly_contract_minutes,
            agency_id: Some(self.agency_id),
            user_id: self.user_id,
            active: self.active,
        }
    }

    /// What a student may see of their instructor: the name and colour.
    pub fn names_only(self) -> Instructor {
        Instructor {
            email: None,
            phone: None,
            authorisation_number: None,
            authorisation_expires_on: None,
            categories: vec![],
            weekly_contract_minutes: None,
            user_id: None,
            ..self
        }
    }
}

fn trimmed(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

pub fn validate(mut i: InstructorInput) -> Result<InstructorInput, AppError> {
    let mut errors = FieldErrors::default();
    i.first_name = i.first_name.trim().to_owned();
    i.last_name = i.last_name.trim().to_owned();
    if i.first_name.is_empty() {
        errors.add("first_name", "Le prénom est obligatoire.");
    }
    if i.last_name.is_empty() {
        errors.add("last_name", "Le nom est obligatoire.");
    }
    i.email = trimmed(i.email).map(|e| e.to_lowercase());
    if i.email.as_deref().is_some_and(|e| volant_domain::email::Email::parse(e).is_err()) {
        errors.add("email", "L'adresse e-mail n'est pas valide.");
    }
    i.phone = trimmed(i.phone);
    i.authorisation_number = trimmed(i.authorisation_number);
    if i.categories.is_empty() || !i.categories.iter().all(|c| is_category(c)) {
        errors.add("categories", "Indiquez au moins une catégorie de permis connue (B, B78, A…).");
    }
    i.categories.sort();
    i.categories.dedup();
    if !is_hex_colour(&i.colour) {
        errors.add("colour", "La couleur doit être au format #RRGGBB.");
    }
    if i.weekly_contract_minutes.is_some_and(|m| !(0..=4800).contains(&m)) {
        errors.add("weekly_contract_minutes", "Le contrat hebdomadaire doit être compris entre 0 et 80 heures.");
    }
    errors.finish()?;
    Ok(i)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    Leave,
    Sickness,
    Training,
    Meeting,
    Other,
}
crate::text_enum!(ExceptionKind);

/// A dated unavailability of an instructor (becomes an `unavailability` block in the planning).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityException {
    /// Given by the server; keep it when sending the availability back.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub kind: ExceptionKind,
    #[serde(default)]
    pub note: Option<String>,
}

/// The weekly template and the exceptions, as GET returns them and PUT takes them.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    pub weekly: Vec<WeeklyRange>,
    #[serde(default)]
    pub exceptions: Vec<AvailabilityException>,
    pub version: i32,
}

/// At most a year in one exception (a longer absence is several, or a deactivation).
const MAX_EXCEPTION_DAYS: i64 = 366;

pub fn validate_exception(e: &mut AvailabilityException, field: &str, errors: &mut FieldErrors) {
    if e.ends_at <= e.starts_at {
        errors.add(&format!("{field}ends_at"), "La fin doit être après le début.");
    } else if (e.ends_at - e.starts_at).num_days() > MAX_EXCEPTION_DAYS {
        errors.add(&format!("{field}ends_at"), "Une indisponibilité dure au plus un an.");
    }
    e.note = trimmed(e.note.take());
}

pub fn validate_availability(mut a: Availability) -> Result<Availability, AppError> {
    let mut errors = FieldErrors::default();
    match normalise_week(&a.weekly) {
        Ok(week) => a.weekly = week,
        Err((i, e)) => errors.add(&format!("weekly[{i}]"), e.to_string()),
    }
    for (i, e) in a.exceptions.iter_mut().enumerate() {
        validate_exception(e, &format!("exceptions[{i}]."), &mut errors);
    }
    errors.finish()?;
    a.exceptions.sort_by_key(|e| e.starts_at);
    Ok(a)
}
