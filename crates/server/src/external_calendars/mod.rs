//! An instructor's external calendars (SPEC § 6.2): an ICS address refreshed by a job, or a file
//! uploaded once. Their busy times are kept as rows that the planning's facts read: a lesson over
//! one is warned (or refused, by school setting) as `external_busy`.

pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The job that fetches an ICS address and replaces its busy times.
pub const REFRESH: &str = "external_calendar.refresh";

/// An external calendar as the office and the instructor see it.
#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct ExternalCalendar {
    pub id: Uuid,
    pub instructor_id: Uuid,
    pub name: String,
    /// The ICS address, or none for an uploaded file.
    pub url: Option<String>,
    pub last_fetched_at: Option<DateTime<Utc>>,
    /// Why the last refresh failed, in French.
    pub last_error: Option<String>,
    /// How many busy times it holds from now on.
    pub busy_count: i64,
    pub created_at: DateTime<Utc>,
}

/// A new external calendar: an address to follow, or the text of an `.ics` file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewExternalCalendar {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
    /// The content of an uploaded `.ics` file (at most 1 MB).
    #[serde(default)]
    pub ics: Option<String>,
}

/// A busy time, shown as a block in the planning.
#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct BusyTime {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: Option<String>,
    pub calendar_name: String,
}
