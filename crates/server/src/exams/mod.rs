//! Exams: theory tests (ETG) and practical tests with their results, the school's exam places,
//! the eligibility of a student for a practical test (rules in `volant_domain::eligibility`),
//! and the office's alerts.

pub mod alerts;
pub mod facts;
pub mod places;
pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
pub use volant_domain::exam::{ExamKind, ExamResult};

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Exam {
    pub id: Uuid,
    pub student_id: Uuid,
    pub student_name: String,
    pub kind: ExamKind,
    pub scheduled_at: DateTime<Utc>,
    pub centre: Option<String>,
    pub result: ExamResult,
    /// Out of 40 (theory) or 31 (practical).
    pub score: Option<i16>,
    pub eliminatory: bool,
    /// For an absence or a cancellation: a serious reason (no waiting period follows).
    pub excused: bool,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub instructor_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    /// The `exam` lesson that books the accompanying instructor and vehicle.
    pub lesson_id: Option<Uuid>,
    pub place_id: Option<Uuid>,
    pub override_reason: Option<String>,
    pub comment: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
}

impl Exam {
    /// The editable part, as PATCH merges into it.
    pub fn update(&self) -> ExamUpdate {
        ExamUpdate {
            scheduled_at: self.scheduled_at,
            centre: self.centre.clone(),
            result: self.result,
            score: self.score,
            eliminatory: self.eliminatory,
            excused: self.excused,
            cancelled_at: self.cancelled_at,
            comment: self.comment.clone(),
            override_reason: None,
        }
    }
}

/// A new exam. The office may record past ones (the history a student brings); a future
/// practical test is checked against the eligibility rules.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewExam {
    pub student_id: Uuid,
    pub kind: ExamKind,
    pub scheduled_at: DateTime<Utc>,
    #[serde(default)]
    pub centre: Option<String>,
    #[serde(default = "pending")]
    pub result: ExamResult,
    #[serde(default)]
    pub score: Option<i16>,
    #[serde(default)]
    pub eliminatory: bool,
    #[serde(default)]
    pub excused: bool,
    #[serde(default)]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Practical test: the accompanying instructor and vehicle, booked in an `exam` lesson
    /// (joined when one already exists at that time).
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub vehicle_id: Option<Uuid>,
    #[serde(default)]
    pub comment: Option<String>,
    /// ADMIN only: books a student whom the eligibility rules block (audited).
    #[serde(default)]
    pub override_reason: Option<String>,
}

fn pending() -> ExamResult {
    ExamResult::Pending
}

/// The PATCH body as documented: a JSON merge patch of any of the fields of `ExamUpdate`, with
/// the `version` read. (The handler merges it into the current exam; this type only describes it.)
#[derive(Debug, ToSchema)]
pub struct ExamPatch {
    pub version: i32,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub centre: Option<String>,
    pub result: Option<ExamResult>,
    pub score: Option<i16>,
    pub eliminatory: Option<bool>,
    pub excused: Option<bool>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
    /// A practical test moved to a new date, or put back to pending, goes through the booking's
    /// rules again; an ADMIN may pass them with a reason (audited).
    #[serde(default, skip_serializing)]
    pub override_reason: Option<String>,
}

/// What PATCH may change: the date, the centre and the result.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamUpdate {
    pub scheduled_at: DateTime<Utc>,
    pub centre: Option<String>,
    pub result: ExamResult,
    pub score: Option<i16>,
    pub eliminatory: bool,
    pub excused: bool,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
    /// A practical test moved to a new date, or put back to pending, goes through the booking's
    /// rules again; an ADMIN may pass them with a reason (audited).
    #[serde(default, skip_serializing)]
    pub override_reason: Option<String>,
}
