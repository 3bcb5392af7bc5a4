//! The digital livret (SPEC § P2.2, § 6.6): every lesson given — driving (AAC driving apart), code,
//! start evaluation, exam accompaniment — is transmitted once per student to the ministry's livret
//! API through the school's RdvPermis grant; the office sees each transmission's status and, when
//! refused, what to fix, resends it once fixed, and previews the ETP the ministry will compute on
//! the 24th (`volant_domain::livret`) with what the hours not transmitted cost.
//!
//! A scan on the scheduler's clock queues every lesson done (no hook in the planning: a lesson
//! marked done, corrected or imported is found the same way); a job per transmission makes the
//! call with the transmission's key, so a retried call never counts twice.

mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::livret::{EtpKind, EtpKindLine};

/// The job that transmits one lesson of one student.
pub const TRANSMIT: &str = "livret.transmit";

/// A lesson of a student, as transmitted (or to transmit).
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct LivretTransmission {
    pub lesson_id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    /// `practical`, `aac_practice`, `theory`, `start_evaluation`, `exam_accompaniment`.
    #[schema(value_type = EtpKind)]
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub minutes: i32,
    /// `pending`, `sent`, `accepted`, `rejected` (see `reason`: what to fix), `retrying`.
    pub status: String,
    pub reason: Option<String>,
    pub attempts: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct TransmissionCounts {
    pub pending: i64,
    pub sent: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub retrying: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LivretTransmissions {
    /// Newest lesson first, at most 500.
    pub items: Vec<LivretTransmission>,
    /// Every transmission of the school, per status.
    pub counts: TransmissionCounts,
}

/// The ETP the ministry will compute at the month's cut-off from the hours transmitted so far.
#[derive(Debug, Serialize, ToSchema)]
pub struct EtpPreview {
    /// `YYYY-MM`.
    pub month: String,
    pub cutoff_on: NaiveDate,
    /// The window counted, `[window_from, window_to)`.
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub kinds: Vec<EtpKindLine>,
    /// Transmitted hours × weight.
    pub weighted_hours: f64,
    /// A full-time teacher's hours over the window.
    pub full_time_hours: f64,
    pub etp: f64,
    /// Weighted hours given but not accepted by the livret (yet).
    pub not_transmitted_hours: f64,
    /// What they cost in ETP.
    pub etp_lost: f64,
    /// Days left before the cut-off (none once it passed).
    pub days_to_cutoff: Option<i64>,
    /// Hours still not accepted within three days of the cut-off.
    pub at_risk: bool,
}
