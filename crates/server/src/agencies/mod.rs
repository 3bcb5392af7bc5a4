//! Agencies (branches) of a school: opening hours, closure days, code-session rooms and meeting
//! points. Every school has at least one; records created without an agency take the first.

pub mod repo;
pub mod routes;
pub mod service;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::schedule::{WeeklyRange, normalise_week};

use crate::error::{AppError, FieldErrors};

/// A day or a range of days the agency is closed.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    pub date: NaiveDate,
    /// Last closed day, for a range (inclusive).
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeetingPoint {
    /// Given by the server when absent.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub label: String,
    #[serde(default)]
    pub address: Option<String>,
    /// WGS 84 decimal degrees, for the travel time between meeting points.
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

impl MeetingPoint {
    pub fn coordinates(&self) -> Option<volant_domain::travel::Coordinates> {
        volant_domain::travel::Coordinates::new(self.latitude?, self.longitude?)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct Room {
    /// Given by the server when absent; keep it to edit an existing room.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub name: String,
    pub capacity: i32,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyInput {
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub opening_hours: Vec<WeeklyRange>,
    #[serde(default)]
    pub closures: Vec<Closure>,
    #[serde(default)]
    pub meeting_points: Vec<MeetingPoint>,
    #[serde(default)]
    pub rooms: Vec<Room>,
    /// Adds the two Alsace-Moselle public holidays (Good Friday, 26 December).
    #[serde(default)]
    pub alsace_moselle: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Agency {
    pub id: Uuid,
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub opening_hours: Vec<WeeklyRange>,
    pub closures: Vec<Closure>,
    pub meeting_points: Vec<MeetingPoint>,
    pub rooms: Vec<Room>,
    pub alsace_moselle: bool,
    pub version: i32,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AgencyUpdate {
    #[serde(flatten)]
    pub fields: AgencyInput,
    pub version: i32,
}

impl Agency {
    pub fn input(&self) -> AgencyInput {
        AgencyInput {
            name: self.name.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            opening_hours: self.opening_hours.clone(),
            closures: self.closures.clone(),
            meeting_points: self.meeting_points.clone(),
            rooms: self.rooms.clone(),
            alsace_moselle: self.alsace_moselle,
        }
    }
}

fn blank_to_none(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Checks and normalises an agency: hours sorted, closures ordered, ids given.
pub fn validate(mut a: AgencyInput) -> Result<AgencyInput, AppError> {
    let mut errors = FieldErrors::default();
    a.name = a.name.trim().to_owned();
    if a.name.is_empty() {
        errors.add("name", "Le nom de l'agence est obligatoire.");
    }
    a.address = blank_to_none(a.address);
    a.phone = blank_to_none(a.phone);
    a.email = blank_to_none(a.email);
    if let Some(e) = &a.email
        && volant_domain::email::Email::parse(e).is_err()
    {
        errors.add("email", "L'adresse e-mail n'est pas valide.");
    }
    match normalise_week(&a.opening_hours) {
        Ok(week) => a.opening_hours = week,
        Err((i, e)) => errors.add(&format!("opening_hours[{i}]"), e.to_string()),
    }
    for (i, c) in a.closures.iter().enumerate() {
        if c.end_date.is_some_and(|end| end < c.date) {
            errors.add(&format!("closures[{i}].end_date"), "La fin de la fermeture doit suivre son début.");
        }
    }
    a.closures.sort_by_key(|c| c.date);
    for (i, m) in a.meeting_points.iter_mut().enumerate() {
        m.label = m.label.trim().to_owned();
        if m.label.is_empty() {
            errors.add(&format!("meeting_points[{i}].label"), "Le nom du point de rendez-vous est obligatoire.");
        }
        if (m.latitude.is_some() || m.longitude.is_some()) && m.coordinates().is_none() {
            errors.add(
                &format!("meeting_points[{i}].latitude"),
                "Les coordonnées vont par deux : latitude entre -90 et 90, longitude entre -180 et 180 (par exemple 47.2184 et -1.5536).",
            );
        }
        m.id.get_or_insert_with(Uuid::now_v7);
    }
    for (i, r) in a.rooms.iter_mut().enumerate() {
        r.name = r.name.trim().to_owned();
        if r.name.is_empty() {
            errors.add(&format!("rooms[{i}].name"), "Le nom de la salle est obligatoire.");
        }
        if !(1..=500).contains(&r.capacity) {
            errors.add(&format!("rooms[{i}].capacity"), "La capacité doit être comprise entre 1 et 500 places.");
        }
    }
    errors.finish()?;
    Ok(a)
}
