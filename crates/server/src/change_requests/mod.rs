//! Change requests: an instructor or a student asks the office to cancel or move a lesson; the
//! office approves (and the change is made through the planning's own rules, with the notice
//! counted from the request) or refuses. The requester is told by mail either way.

pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::planning::LessonKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Cancel,
    Move,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Rejected,
}

crate::text_enum!(RequestKind, RequestStatus);

/// A request, with what the office needs to decide without opening the lesson.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct ChangeRequest {
    pub id: Uuid,
    pub lesson_id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: RequestKind,
    #[sqlx(try_from = "String")]
    pub status: RequestStatus,
    pub reason: Option<String>,
    /// For a move: the new times asked for.
    pub proposed_starts_at: Option<DateTime<Utc>>,
    pub proposed_ends_at: Option<DateTime<Utc>>,
    pub requested_by: Uuid,
    pub requester_name: String,
    /// `INSTRUCTOR` or `STUDENT`.
    pub requester_role: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    #[sqlx(try_from = "String")]
    pub lesson_kind: LessonKind,
    pub lesson_starts_at: DateTime<Utc>,
    pub lesson_ends_at: DateTime<Utc>,
    pub student_id: Option<Uuid>,
    pub student_name: Option<String>,
    pub instructor_id: Option<Uuid>,
    pub instructor_name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChangeRequest {
    pub lesson_id: Uuid,
    /// `cancel` or `move`.
    pub kind: RequestKind,
    #[serde(default)]
    pub reason: Option<String>,
    /// Required for a move.
    #[serde(default)]
    pub starts_at: Option<DateTime<Utc>>,
    /// Required for a move.
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Shown to the requester.
    #[serde(default)]
    pub note: Option<String>,
    /// For a student's late cancellation: do not charge it.
    #[serde(default)]
    pub waive_charge: bool,
}
