//! A lesson's life after its booking (`booking`): done, no-show, cancelled (a freed slot goes to
//! the waitlist in the same transaction), blocks; the life-cycle actions post to the hours ledger.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::json;
use uuid::Uuid;
use volant_domain::{ids::LedgerEntryId, planning};

pub use super::booking::{HORIZON_DAYS, conflict_error, is_overlap, plan};
use super::{BlockReason, CancelledBy, Lesson, LessonInput, LessonKind, LessonStatus, booking::tell, repo};
use crate::{
    audit::Change,
    auth::Viewer,
    error::{AppError, AppResult},
    notifications::Event,
    work::Work,
};

/// Posts the consumption of a lesson to each student's ledger (once per lesson and student).
async fn consume(work: &mut Work, lesson: &Lesson, reason: &str) -> AppResult<()> {
    if lesson.kind != LessonKind::Driving {
        return Ok(());
    }
    let minutes = i32::try_from(lesson.minutes()).unwrap_or(i32::MAX);
    for student in lesson.students() {
        sqlx::query(
            "INSERT INTO hours_ledger (tenant_id, id, student_id, kind, minutes, reason, lesson_id, created_by)
             VALUES ($1, $2, $3, 'consumption', $4, $5, $6, $7)",
        )
        .bind(work.tenant().0)
        .bind(LedgerEntryId::new().0)
        .bind(student)
        .bind(-minutes)
        .bind(reason)
        .bind(lesson.id)
        .bind(work.actor.user_id)
        .execute(&mut **work)
        .await?;
    }
    Ok(())
}

fn must_be_planned(lesson: &Lesson) -> AppResult<()> {
    if lesson.status != LessonStatus::Planned {
        return Err(AppError::rule(
            "lesson_not_planned",
            "Cette séance n'est plus prévue (déjà faite, absente ou annulée).",
        ));
    }
    if lesson.kind == LessonKind::Unavailability {
        return Err(AppError::rule("lesson_is_block", "Une indisponibilité ne se marque pas comme faite."));
    }
    Ok(())
}

async fn finish_change(work: &mut Work, before: &Lesson, action: &str) -> AppResult<Lesson> {
    let tenant = work.tenant();
    let after = repo::get(work, tenant, before.id, false).await?.ok_or(AppError::NotFound)?;
    let change = Change {
        action,
        entity: "lesson",
        entity_id: Some(before.id),
        before: Some(json!(before)),
        after: Some(json!(after)),
    };
    work.audit().record(change).await?;
    Ok(after)
}

/// Marks a lesson done (not before it has started) and posts the consumption.
pub async fn complete(work: &mut Work, lesson: &Lesson, comment: Option<&str>) -> AppResult<Lesson> {
    must_be_planned(lesson)?;
    let tenant = work.tenant();
    if Utc::now() < lesson.starts_at {
        return Err(AppError::rule("lesson_not_started", "Une séance ne peut être marquée faite qu'après son début."));
    }
    let change = repo::StatusChange {
        status: LessonStatus::Done,
        comment,
        cancel_reason: None,
        cancelled_by: None,
        charged: false,
    };
    repo::set_status(work, tenant, lesson.id, &change).await?;
    consume(work, lesson, "Leçon effectuée").await?;
    finish_change(work, lesson, "lesson.complete").await
}

/// Marks a no-show (not before the start): the lesson is charged, unless the school charges
/// neither late cancellations nor no-shows.
pub async fn no_show(work: &mut Work, lesson: &Lesson) -> AppResult<Lesson> {
    must_be_planned(lesson)?;
    let tenant = work.tenant();
    if Utc::now() < lesson.starts_at {
        return Err(AppError::rule(
            "lesson_not_started",
            "Une absence ne peut être notée qu'après le début de la séance.",
        ));
    }
    let charged = lesson.kind == LessonKind::Driving && work.settings().charge_late_cancellations;
    let change = repo::StatusChange {
        status: LessonStatus::NoShow,
        comment: None,
        cancel_reason: None,
        cancelled_by: None,
        charged,
    };
    repo::set_status(work, tenant, lesson.id, &change).await?;
    consume(work, lesson, "Absence à la leçon").await?;
    finish_change(work, lesson, "lesson.no_show").await
}

/// Cancels; a student's cancellation with less notice than the school's setting is charged
/// unless the office waives it. A cancellation by the school is never charged.
pub async fn cancel(
    work: &mut Work,
    lesson: &Lesson,
    reason: Option<&str>,
    by: CancelledBy,
    waive_charge: bool,
) -> AppResult<Lesson> {
    cancel_as_asked(work, lesson, &Cancellation { reason, by, waive_charge, asked_at: Utc::now() }).await
}

/// A cancellation, with the instant it was asked for.
#[derive(Clone, Copy, Debug)]
pub struct Cancellation<'a> {
    pub reason: Option<&'a str>,
    pub by: CancelledBy,
    pub waive_charge: bool,
    /// The notice is counted from here: a student who asked in time through a change request is
    /// not charged because the office approved it late.
    pub asked_at: DateTime<Utc>,
}

pub async fn cancel_as_asked(work: &mut Work, lesson: &Lesson, order: &Cancellation<'_>) -> AppResult<Lesson> {
    let Cancellation { reason, by, waive_charge, asked_at } = *order;
    if lesson.status != LessonStatus::Planned {
        return Err(AppError::rule("lesson_not_planned", "Cette séance n'est plus prévue."));
    }
    let tenant = work.tenant();
    let settings = work.settings();
    let notice = (lesson.starts_at - asked_at).num_minutes();
    let late = planning::is_late_cancellation(notice, settings.late_cancel_hours);
    let charged = settings.charge_late_cancellations
        && by == CancelledBy::Student
        && late
        && !waive_charge
        && lesson.kind == LessonKind::Driving;
    let change = repo::StatusChange {
        status: LessonStatus::Cancelled,
        comment: None,
        cancel_reason: reason,
        cancelled_by: Some(by),
        charged,
    };
    repo::set_status(work, tenant, lesson.id, &change).await?;
    if charged {
        consume(work, lesson, "Annulation tardive par l'élève").await?;
    }
    let after = finish_change(work, lesson, "lesson.cancel").await?;
    tell(work, Event::LessonCancelled, &after, None).await?;
    // In the same transaction: a freed slot is never lost for the students waiting for one.
    super::waitlist::offer_freed_slot(work, &after).await?;
    Ok(after)
}

/// The resource an unavailability block takes.
#[derive(Clone, Copy, Debug)]
pub enum Blocked {
    Instructor(Uuid),
    Vehicle(Uuid),
}

/// A new block for a resource (instructor leave, vehicle breakdown), through the same checks.
pub async fn block(
    work: &mut Work,
    who: Blocked,
    period: (DateTime<Utc>, DateTime<Utc>),
    reason: BlockReason,
    note: Option<String>,
) -> AppResult<Lesson> {
    let (instructor, vehicle) = match who {
        Blocked::Instructor(i) => (Some(i), None),
        Blocked::Vehicle(v) => (None, Some(v)),
    };
    let (starts_at, ends_at) = period;
    let input = LessonInput {
        kind: LessonKind::Unavailability,
        starts_at,
        ends_at,
        student_id: None,
        instructor_id: instructor,
        vehicle_id: vehicle,
        attendee_ids: vec![],
        capacity: None,
        room_id: None,
        meeting_point: None,
        agency_id: None,
        block_reason: Some(reason),
        note,
        comment: None,
    };
    Ok(plan(work, input, None, None, false).await?.lesson)
}

/// The local date of an instant in the school's zone.
pub fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The lesson, if the caller may see it: the office every lesson, an instructor their own, a
/// student those they attend (the same 404 otherwise).
pub async fn visible(work: &mut Work, id: Uuid, lock: bool) -> AppResult<Lesson> {
    let tenant = work.tenant();
    let lesson = repo::get(work, tenant, id, lock).await?.ok_or(AppError::NotFound)?;
    let ok = match work.viewer {
        Viewer::Office => true,
        Viewer::Instructor(i) => lesson.instructor_id == Some(i),
        Viewer::Student(s) => lesson.students().contains(&s),
        Viewer::Nobody => false,
    };
    if ok { Ok(lesson) } else { Err(AppError::NotFound) }
}
