//! Practical-test places on RdvPermis (SPEC § P2.2, § 6.6): the free places by centre and date,
//! a booking under the student's mandate that checks the eligibility rules first and makes the
//! practical exam and its accompaniment lesson in the same transaction as the platform's yes (a
//! place the platform refuses leaves nothing behind; two offices racing for one place get one
//! booking), its cancellation, and the results read back into the exam history (the student is
//! told, as for a result the office enters). Calls go through the school's RdvPermis grant
//! (`connectors::oauth`).

mod repo;
pub mod routes;
pub mod service;

/// The job that reads the results of the tests booked and writes them in the exam history.
pub const RESULTS: &str = "rdvpermis.results";

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ExamCentre {
    pub id: String,
    pub name: String,
    pub city: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExamCentres {
    pub items: Vec<ExamCentre>,
}

/// A free practical-test place.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RdvPlace {
    pub id: String,
    pub centre_id: String,
    /// The centre's name (when the platform lists it).
    #[serde(default)]
    pub centre_name: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub category: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RdvPlaces {
    /// Soonest first.
    pub items: Vec<RdvPlace>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlacesQuery {
    /// A centre's id (`GET /rdvpermis/centres`); all of them by default.
    pub centre: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// A booking asked by the office. The accompanying instructor defaults to the student's referent,
/// the vehicle to the one of their last driving lesson.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRdvBooking {
    pub student_id: Uuid,
    pub place_id: String,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub vehicle_id: Option<Uuid>,
    /// ADMIN only: books a student whom the eligibility rules block (audited).
    #[serde(default)]
    pub override_reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct RdvBooking {
    pub id: Uuid,
    pub student_id: Uuid,
    pub exam_id: Uuid,
    pub place_id: String,
    /// The platform's id of the booking.
    pub remote_id: String,
    pub centre: String,
    pub starts_at: DateTime<Utc>,
    /// `booked` or `cancelled`.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RdvBookings {
    /// Soonest first.
    pub items: Vec<RdvBooking>,
}
