//! Booking a lesson: shape checks (400), facts gathered in the transaction, named rules (422),
//! capacity and conflicts (409, the database's exclusion constraints having the last word),
//! then the write, its audit entry and whom to tell. The one judge of a booking: the office's
//! form, series, the waitlist and the suggestions all come here (the last two in dry runs).

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::{Acquire, PgConnection};
use uuid::Uuid;
use volant_domain::{
    holidays::holiday_name,
    ids::TenantId,
    planning::{self, Facts, Finding, InstructorFacts, StudentFacts, VehicleFacts},
};

use super::{Conflict, Lesson, LessonInput, LessonKind, LessonStatus, Planned, repo};
use crate::{
    error::{AppError, AppResult, FieldErrors, RuleViolation},
    notifications::{self, About, Event, Raised},
    school::{RuleMode, School},
    work::Work,
};

/// Lessons may be planned up to 18 months ahead.
pub const HORIZON_DAYS: i64 = 549;

fn trimmed(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The shape of a lesson, by kind (400 naming the fields).
fn check_shape(i: &mut LessonInput, now: DateTime<Utc>) -> AppResult<()> {
    let mut errors = FieldErrors::default();
    i.meeting_point = trimmed(i.meeting_point.take());
    i.note = trimmed(i.note.take());
    i.comment = trimmed(i.comment.take());
    i.attendee_ids.sort();
    i.attendee_ids.dedup();
    let length = i.ends_at - i.starts_at;
    if length <= Duration::zero() {
        errors.add("ends_at", "La fin doit être après le début.");
    } else if i.kind == LessonKind::Unavailability && length > Duration::days(repo::MAX_BLOCK_DAYS) {
        errors.add("ends_at", "Une indisponibilité dure au plus un an.");
    } else if i.kind != LessonKind::Unavailability && length > Duration::hours(repo::MAX_LESSON_HOURS) {
        errors.add("ends_at", "Une séance dure au plus 12 heures.");
    }
    if i.starts_at > now + Duration::days(HORIZON_DAYS) {
        errors.add("starts_at", "Le planning s'ouvre au plus 18 mois à l'avance.");
    }
    let required = |errors: &mut FieldErrors, field: &str, present: bool| {
        if !present {
            errors.add(field, "Ce champ est obligatoire pour ce type de séance.");
        }
    };
    match i.kind {
        LessonKind::Driving => {
            required(&mut errors, "student_id", i.student_id.is_some());
            required(&mut errors, "instructor_id", i.instructor_id.is_some());
            required(&mut errors, "vehicle_id", i.vehicle_id.is_some());
        }
        LessonKind::Evaluation => {
            required(&mut errors, "student_id", i.student_id.is_some());
            required(&mut errors, "instructor_id", i.instructor_id.is_some());
        }
        LessonKind::Exam => {
            required(&mut errors, "instructor_id", i.instructor_id.is_some());
            required(&mut errors, "vehicle_id", i.vehicle_id.is_some());
            required(&mut errors, "attendee_ids", !i.attendee_ids.is_empty());
        }
        LessonKind::Code => {}
        LessonKind::Unavailability => {
            if i.instructor_id.is_some() == i.vehicle_id.is_some() {
                errors.add("instructor_id", "Une indisponibilité concerne soit un moniteur, soit un véhicule.");
            }
            required(&mut errors, "block_reason", i.block_reason.is_some());
        }
    }
    if i.kind.has_attendees() {
        i.student_id = None;
    } else if !i.attendee_ids.is_empty() {
        errors.add("attendee_ids", "Seules les séances de code et les examens ont plusieurs participants.");
    }
    if i.capacity.is_some_and(|c| !(1..=500).contains(&c)) {
        errors.add("capacity", "La capacité doit être comprise entre 1 et 500.");
    }
    errors.finish()
}

/// What the rules need to know, read in the transaction in one statement (unknown ids are field
/// errors), with the agency the lesson belongs to and the room's capacity.
async fn facts(
    conn: &mut PgConnection,
    tenant: TenantId,
    i: &LessonInput,
    existing: Option<&Lesson>,
    school: &School,
) -> AppResult<(Facts, Uuid, Option<i32>)> {
    let wanted: Vec<Uuid> = i.student_id.into_iter().chain(i.attendee_ids.iter().copied()).collect();
    let named = repo::Named {
        instructor: i.instructor_id,
        vehicle: i.vehicle_id,
        students: &wanted,
        room: i.room_id,
        agency: i.agency_id,
        period: (i.starts_at, i.ends_at),
    };
    let rows = repo::facts(conn, tenant, &named).await?;
    let mut errors = FieldErrors::default();
    if i.instructor_id.is_some() && rows.instructor.is_none() {
        errors.add("instructor_id", "Ce moniteur n'existe pas dans l'école.");
    }
    if i.vehicle_id.is_some() && rows.vehicle.is_none() {
        errors.add("vehicle_id", "Ce véhicule n'existe pas dans l'école.");
    }
    for (n, _) in wanted.iter().enumerate() {
        if !rows.students.iter().any(|s| s.n == n as i64 + 1) {
            let field = if i.kind.has_attendees() { format!("attendee_ids[{n}]") } else { "student_id".into() };
            errors.add(&field, "Cet élève n'existe pas dans l'école.");
        }
    }
    if !rows.room_found {
        errors.add("room_id", "Cette salle n'existe pas dans l'école.");
    }
    if rows.agency.is_none() {
        errors.add("agency_id", "Cette agence n'existe pas dans l'école.");
    }
    errors.finish()?;
    let agency = rows.agency.ok_or(AppError::NotFound)?;
    let students = rows
        .students
        .into_iter()
        .map(|s| {
            // A lesson being moved no longer counts against the hours it already holds.
            let moved = existing
                .filter(|e| e.kind == LessonKind::Driving && e.status == LessonStatus::Planned)
                .filter(|e| e.student_id == Some(s.id))
                .map_or(0, Lesson::minutes);
            StudentFacts {
                name: format!("{} {}", s.first_name, s.last_name),
                active: s.status == "active",
                ants_validated: s.ants_status == "validated",
                has_start_evaluation: s.has_start_evaluation,
                has_contract: s.has_contract,
                automatic_only: s.category == "B78",
                bookable_minutes: s.ledger_minutes - (s.scheduled_minutes - moved),
            }
        })
        .collect();
    let tz = school.tz;
    let start = i.starts_at.with_timezone(&tz);
    let end = i.ends_at.with_timezone(&tz);
    let date = start.date_naive();
    let closure = agency
        .closures
        .iter()
        .find(|c| c.date <= date && date <= c.end_date.unwrap_or(c.date))
        .map(|c| c.label.clone().unwrap_or_else(|| "fermeture".into()));
    let travel = match (i.kind, i.instructor_id) {
        (LessonKind::Unavailability | LessonKind::Code, _) | (_, None) => vec![],
        (_, Some(instructor)) => {
            let planned = super::travel::Planned {
                id: existing.map(|e| e.id),
                instructor,
                period: (i.starts_at, i.ends_at),
                meeting_point: i.meeting_point.as_deref(),
                agency: agency.id,
            };
            super::travel::legs(conn, tenant, tz, &planned, &school.settings.planning).await?
        }
    };
    let facts = Facts {
        kind: i.kind.domain(),
        date,
        start: start.time(),
        end: if end.date_naive() > date {
            chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default()
        } else {
            end.time()
        },
        minutes: (i.ends_at - i.starts_at).num_minutes(),
        today: school.today(),
        instructor: rows.instructor.map(|r| InstructorFacts {
            name: format!("{} {}", r.first_name, r.last_name),
            active: r.active,
            authorisation_expires_on: r.authorisation_expires_on,
            weekly: r.weekly_availability,
            external_busy: r.external_busy,
        }),
        vehicle: rows.vehicle.map(|r| VehicleFacts {
            plate: r.plate,
            simulator: r.kind == "simulator",
            dual_controls: r.dual_controls,
            status: r.status,
            automatic: r.gearbox == "automatic",
            inspection_due_on: r.inspection_due_on,
            insurance_expires_on: r.insurance_expires_on,
        }),
        students,
        opening_hours: agency.opening_hours,
        holiday: holiday_name(date, agency.alsace_moselle).map(str::to_owned),
        closure,
        ants_rule_warns: school.settings.ants_rule == RuleMode::Warn,
        external_busy_blocks: school.settings.external_calendar_rule == RuleMode::Block,
        travel,
        travel_blocks: school.settings.planning.travel_rule == RuleMode::Block,
    };
    Ok((facts, agency.id, rows.room_capacity))
}

fn rules_error(blocks: Vec<Finding>) -> AppError {
    let detail = blocks.iter().map(|b| b.message.clone()).collect::<Vec<_>>().join(" ");
    AppError::Unprocessable {
        detail,
        rules: blocks.into_iter().map(|b| RuleViolation { code: b.code, message: b.message }).collect(),
    }
}

pub fn conflict_error(conflicts: Vec<Conflict>) -> AppError {
    let detail = match conflicts.first().map(|c| c.resource.as_str()) {
        Some("instructor") => "Le moniteur a déjà une séance ou une indisponibilité sur ce créneau.",
        Some("vehicle") => "Le véhicule est déjà pris sur ce créneau.",
        _ => "Un élève a déjà une séance sur ce créneau.",
    };
    AppError::Conflict { detail: detail.into(), conflicts: json!(conflicts) }
}

/// Is this error a double booking stopped by an exclusion constraint?
pub fn is_overlap(e: &sqlx::Error) -> bool {
    e.as_database_error().and_then(|d| d.code()).as_deref() == Some("23P01")
}

/// Checks and writes a lesson (a new one, or `existing` changed). With `dry_run`, everything is
/// checked, written in a savepoint and rolled back: the answer is exactly what a save would give.
pub async fn plan(
    work: &mut Work,
    mut input: LessonInput,
    existing: Option<&Lesson>,
    series_id: Option<Uuid>,
    dry_run: bool,
) -> AppResult<Planned> {
    let tenant = work.tenant();
    check_shape(&mut input, Utc::now())?;
    let (facts, agency, room_capacity) = facts(&mut work.tx, tenant, &input, existing, &work.school).await?;
    let conn: &mut PgConnection = &mut work.tx;
    let (blocks, warnings) = planning::check(&facts);
    if !blocks.is_empty() {
        return Err(rules_error(blocks));
    }
    let capacity = match (input.kind, input.capacity) {
        (LessonKind::Code, None) => room_capacity,
        (_, c) => c,
    };
    if let Some(cap) = capacity
        && input.attendee_ids.len() > usize::try_from(cap).unwrap_or(0)
    {
        return Err(AppError::Conflict {
            detail: format!("La séance est complète ({cap} places)."),
            conflicts: json!([{"resource": "capacity", "capacity": cap, "attendees": input.attendee_ids.len()}]),
        });
    }
    let students: Vec<Uuid> = input.student_id.into_iter().chain(input.attendee_ids.iter().copied()).collect();
    let except = existing.map(|e| e.id);
    let slot = repo::Slot {
        starts: input.starts_at,
        ends: input.ends_at,
        instructor: input.instructor_id,
        vehicle: input.vehicle_id,
        students: &students,
    };
    let found = repo::conflicts(conn, tenant, &slot, except).await?;
    if !found.is_empty() {
        return Err(conflict_error(found));
    }
    let id = existing.map_or_else(Uuid::now_v7, |e| e.id);
    let write = repo::Write {
        id,
        kind: input.kind,
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        student_id: input.student_id,
        instructor_id: input.instructor_id,
        vehicle_id: input.vehicle_id,
        capacity,
        room_id: input.room_id,
        meeting_point: input.meeting_point.as_deref(),
        agency_id: agency,
        series_id: existing.map_or(series_id, |e| e.series_id),
        block_reason: input.block_reason,
        note: input.note.as_deref(),
        comment: input.comment.as_deref(),
        warnings: &warnings,
    };
    let mut sp = conn.begin().await?;
    let written = match existing {
        None => repo::insert(&mut sp, tenant, &write, &students).await,
        Some(_) => rewrite(&mut sp, tenant, &write, &students).await,
    };
    let lesson = match written {
        Ok(lesson) => lesson,
        Err(e) => {
            drop(sp);
            if is_overlap(&e) {
                let found = repo::conflicts(conn, tenant, &slot, except).await?;
                return Err(conflict_error(found));
            }
            return Err(e.into());
        }
    };
    if dry_run {
        sp.rollback().await?;
        return Ok(Planned { lesson, warnings });
    }
    sp.commit().await?;
    // Last, so that the school's chain head is held only for the append and the commit.
    match existing {
        Some(e) => work.audit().updated("lesson", id, e, &lesson).await?,
        None => work.audit().created("lesson", id, &lesson).await?,
    }
    tell_low_credit(work, &lesson, &students, &facts).await?;
    match existing {
        None => tell(work, Event::LessonCreated, &lesson, None).await?,
        Some(e) if (e.starts_at, e.ends_at) != (lesson.starts_at, lesson.ends_at) => {
            tell(work, Event::LessonMoved, &lesson, Some(e.starts_at)).await?;
        }
        Some(_) => {}
    }
    Ok(Planned { lesson, warnings })
}

/// Changes a planned lesson and its participants, and reads it back.
async fn rewrite(
    conn: &mut PgConnection,
    tenant: TenantId,
    write: &repo::Write<'_>,
    students: &[Uuid],
) -> Result<Lesson, sqlx::Error> {
    repo::update(conn, tenant, write).await?;
    repo::set_participants(conn, tenant, write.id, students).await?;
    repo::get(conn, tenant, write.id, false).await?.ok_or(sqlx::Error::RowNotFound)
}

/// Tells a student whose bookable time this driving lesson takes under the school's alert
/// threshold (once per lesson that crosses it). `students` are in the order of `facts.students`.
async fn tell_low_credit(
    work: &mut Work,
    lesson: &Lesson,
    students: &[Uuid],
    facts: &planning::Facts,
) -> AppResult<()> {
    if lesson.kind != LessonKind::Driving {
        return Ok(());
    }
    let threshold = work.settings().alerts.low_hours_minutes;
    for (id, student) in students.iter().zip(&facts.students) {
        let left = student.bookable_minutes - lesson.minutes();
        if student.bookable_minutes >= threshold && left < threshold {
            let raised = Raised {
                event: Event::LowCredit,
                key: format!("low_credit:{id}:{}", lesson.id),
                students: vec![*id],
                instructor: None,
                requester: None,
                actor: None,
                about: About::Credit { minutes_left: left },
            };
            notifications::raise(work, raised).await?;
        }
    }
    Ok(())
}

/// Tells the lesson's students and instructor what happened to a lesson still to come (blocks
/// and lessons entered afterwards concern nobody's agenda).
pub(super) async fn tell(
    work: &mut Work,
    event: Event,
    lesson: &Lesson,
    previous_start: Option<DateTime<Utc>>,
) -> AppResult<()> {
    if lesson.kind == LessonKind::Unavailability || lesson.starts_at <= Utc::now() {
        return Ok(());
    }
    let key = match event {
        Event::LessonMoved => format!("lesson_moved:{}:{}", lesson.id, lesson.version),
        _ => format!("{}:{}", event.as_str(), lesson.id),
    };
    let raised = Raised {
        event,
        key,
        students: lesson.students(),
        instructor: lesson.instructor_id,
        requester: None,
        actor: None,
        about: About::Lesson {
            lesson_id: lesson.id,
            kind: lesson.kind.as_str(),
            starts_at: lesson.starts_at,
            ends_at: lesson.ends_at,
            previous_starts_at: previous_start,
            instructor_id: lesson.instructor_id,
            meeting_point: lesson.meeting_point.clone(),
            reason: lesson.cancel_reason.clone(),
        },
    };
    notifications::raise(work, raised).await
}
