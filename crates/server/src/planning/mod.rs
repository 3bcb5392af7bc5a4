//! The planning: lessons of every kind (driving, code sessions, exam days, start evaluations)
//! and unavailability blocks. Double booking is impossible by construction (exclusion
//! constraints on instructor, vehicle and every participating student); the rules that refuse
//! or warn are in `volant_domain::planning`, checked in the same transaction as the write.

pub mod availability;
pub mod booking;
pub mod print;
pub mod repo;
pub mod routes;
pub mod series;
pub mod service;
pub mod suggestions;
pub mod travel;
pub mod waitlist;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::planning::Finding;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LessonKind {
    Driving,
    Code,
    Exam,
    Evaluation,
    Unavailability,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LessonStatus {
    Planned,
    Done,
    NoShow,
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelledBy {
    School,
    Student,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    Leave,
    Sickness,
    Training,
    Meeting,
    Maintenance,
    Breakdown,
    Other,
}

crate::text_enum!(LessonKind, LessonStatus, CancelledBy, BlockReason);

impl LessonKind {
    pub fn domain(self) -> volant_domain::planning::Kind {
        use volant_domain::planning::Kind;
        match self {
            LessonKind::Driving => Kind::Driving,
            LessonKind::Code => Kind::Code,
            LessonKind::Exam => Kind::Exam,
            LessonKind::Evaluation => Kind::Evaluation,
            LessonKind::Unavailability => Kind::Unavailability,
        }
    }

    /// Kinds whose students are listed in `attendee_ids` (several candidates).
    pub fn has_attendees(self) -> bool {
        matches!(self, LessonKind::Code | LessonKind::Exam)
    }
}

/// A lesson or a block, as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Lesson {
    pub id: Uuid,
    pub kind: LessonKind,
    pub status: LessonStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub student_id: Option<Uuid>,
    pub instructor_id: Option<Uuid>,
    pub vehicle_id: Option<Uuid>,
    /// Students of a code session or an exam day.
    pub attendee_ids: Vec<Uuid>,
    pub capacity: Option<i32>,
    pub room_id: Option<Uuid>,
    pub meeting_point: Option<String>,
    pub agency_id: Uuid,
    pub series_id: Option<Uuid>,
    pub block_reason: Option<BlockReason>,
    pub note: Option<String>,
    pub comment: Option<String>,
    pub cancel_reason: Option<String>,
    pub cancelled_by: Option<CancelledBy>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// A late cancellation or a no-show that consumed the student's hours.
    pub charged: bool,
    /// Warnings saved with the lesson (outside availability, holiday…).
    pub warnings: Vec<Finding>,
    pub version: i32,
}

impl Lesson {
    /// What a viewer may read of a lesson, decided here only. The office and the instructor
    /// read everything. A student (and, later, a guardian) reads their lesson without the
    /// office's internals (the planning warnings, the internal note, whether a cancellation was
    /// charged) and, of a group session's attendees, only themself.
    pub fn as_seen_by(mut self, viewer: &crate::auth::Viewer) -> Lesson {
        if let crate::auth::Viewer::Student(me) = *viewer {
            self.warnings.clear();
            self.note = None;
            self.charged = false;
            self.attendee_ids.retain(|a| *a == me);
        }
        self
    }

    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }

    /// Every student taking part.
    pub fn students(&self) -> Vec<Uuid> {
        let mut all: Vec<Uuid> = self.student_id.into_iter().chain(self.attendee_ids.iter().copied()).collect();
        all.sort();
        all.dedup();
        all
    }

    pub fn input(&self) -> LessonInput {
        LessonInput {
            kind: self.kind,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            student_id: self.student_id,
            instructor_id: self.instructor_id,
            vehicle_id: self.vehicle_id,
            attendee_ids: self.attendee_ids.clone(),
            capacity: self.capacity,
            room_id: self.room_id,
            meeting_point: self.meeting_point.clone(),
            agency_id: Some(self.agency_id),
            block_reason: self.block_reason,
            note: self.note.clone(),
            comment: self.comment.clone(),
        }
    }
}

/// What the office sends to plan a lesson (and, merged with the lesson, to move or reassign it).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonInput {
    pub kind: LessonKind,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    pub student_id: Option<Uuid>,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
    #[serde(default)]
    pub vehicle_id: Option<Uuid>,
    #[serde(default)]
    pub attendee_ids: Vec<Uuid>,
    #[serde(default)]
    pub capacity: Option<i32>,
    #[serde(default)]
    pub room_id: Option<Uuid>,
    #[serde(default)]
    pub meeting_point: Option<String>,
    /// Defaults to the instructor's agency (or the school's first).
    #[serde(default)]
    pub agency_id: Option<Uuid>,
    #[serde(default)]
    pub block_reason: Option<BlockReason>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LessonUpdate {
    #[serde(flatten)]
    pub fields: LessonInput,
    pub version: i32,
}

/// A lesson that stands in the way.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Conflict {
    pub lesson_id: Uuid,
    pub kind: String,
    /// `instructor`, `vehicle` or `student`.
    pub resource: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// The answer of a creation: the lesson and what to know about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Planned {
    pub lesson: Lesson,
    pub warnings: Vec<Finding>,
}
