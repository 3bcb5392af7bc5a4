//! Calendar feeds (SPEC § 6.2): a secret, rotatable ICS address per instructor and per student,
//! which their calendar application polls. The address carries a token signed with the server's
//! key (the school and the feed), so nothing secret is stored and a rotated feed answers 404.

pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The person's feed address.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// `https://…/ics/{token}`: to paste in a calendar application ("from URL").
    pub url: String,
    /// The same address as `webcal://`, which opens the calendar application directly.
    pub webcal_url: String,
    pub created_at: DateTime<Utc>,
}
