//! Free slots for a student (SPEC § 6.10): driving lessons that fit an instructor's weekly
//! availability, the student's waitlist windows (when they stated some), a free dual-control car
//! of the right gearbox, and nobody's other engagements; ranked with the referent instructor
//! first, then the soonest. Each candidate is then planned in a dry run with every rule of the
//! planning (travel time, closures, holidays, external calendars…): a slot with a refusal, a
//! conflict or a warning about the slot itself is never suggested, so booking a suggestion is
//! never refused for a reason the suggestion could have known.

pub mod routes;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    holidays::holiday_name,
    recurrence::local_to_utc,
    schedule::{WeeklyRange, ranges_on},
    slots::{Range, free_starts, intersect, suggestion_order},
};

use super::{LessonInput, LessonKind, Planned, booking};
use crate::{
    auth::Viewer,
    error::{AppError, AppResult},
    http::json::JsonBody,
    students::{self, StudentCategory},
    work::Work,
};

/// Starts are on the half hour.
const GRID_MINUTES: i64 = 30;
/// A slot is suggested at least this long ahead.
const NOTICE: Duration = Duration::hours(2);
/// At most this many suggestions of one day, so that a list shows several days.
const PER_DAY: usize = 3;
/// The warnings about the student, not the slot: they do not stop a suggestion (the office
/// sees them when booking).
const STUDENT_WARNINGS: [&str; 4] = ["no_start_evaluation", "no_contract", "insufficient_hours", "student_not_active"];

/// A free slot for the student.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Suggestion {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub instructor_id: Uuid,
    pub instructor_name: String,
    pub vehicle_id: Uuid,
    pub vehicle_plate: String,
    /// Where the student met their last lesson, if anywhere.
    pub meeting_point: Option<String>,
    /// With the student's referent instructor.
    pub referent: bool,
    /// What the office should know about the student when booking (no contract…).
    pub warnings: Vec<volant_domain::planning::Finding>,
}

/// The period and the number of suggestions asked for.
pub struct Asked {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub count: usize,
}

#[derive(sqlx::FromRow)]
struct InstructorRow {
    id: Uuid,
    name: String,
    weekly_availability: Json<Vec<WeeklyRange>>,
}

#[derive(sqlx::FromRow)]
struct VehicleRow {
    id: Uuid,
    plate: String,
}

#[derive(sqlx::FromRow)]
struct Busy {
    instructor_id: Option<Uuid>,
    vehicle_id: Option<Uuid>,
    with_student: bool,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// What the week holds, read once.
struct Week {
    instructors: Vec<InstructorRow>,
    vehicles: Vec<VehicleRow>,
    busy: Vec<Busy>,
    windows: Vec<WeeklyRange>,
    meeting_point: Option<String>,
}

async fn read_week(work: &mut Work, student: &students::Student, asked: &Asked) -> AppResult<Week> {
    let tenant = work.tenant().0;
    let entry: Option<(Json<Vec<WeeklyRange>>, Vec<Uuid>)> =
        sqlx::query_as("SELECT windows, instructor_ids FROM waitlist_entries WHERE tenant_id = $1 AND student_id = $2")
            .bind(tenant)
            .bind(student.id)
            .fetch_optional(&mut **work)
            .await?;
    let (windows, only) = entry.map(|(w, i)| (w.0, i)).unwrap_or_default();
    let instructors: Vec<InstructorRow> = sqlx::query_as(
        "SELECT id, first_name || ' ' || last_name AS name, weekly_availability FROM instructors
          WHERE tenant_id = $1 AND active AND (cardinality($2::uuid[]) = 0 OR id = ANY($2))
            AND (authorisation_expires_on IS NULL OR authorisation_expires_on >= current_date)
          ORDER BY last_name, first_name",
    )
    .bind(tenant)
    .bind(&only)
    .fetch_all(&mut **work)
    .await?;
    let vehicles: Vec<VehicleRow> = sqlx::query_as(
        "SELECT v.id, v.plate FROM vehicles v
          WHERE v.tenant_id = $1 AND v.status = 'active' AND v.kind <> 'simulator' AND v.dual_controls
            AND v.gearbox = $2
          ORDER BY (SELECT count(*) FROM lessons l WHERE l.tenant_id = v.tenant_id AND l.vehicle_id = v.id
                      AND l.student_id = $3) DESC, v.plate",
    )
    .bind(tenant)
    .bind(if student.category == StudentCategory::B78 { "automatic" } else { "manual" })
    .bind(student.id)
    .fetch_all(&mut **work)
    .await?;
    let busy: Vec<Busy> = sqlx::query_as(
        "SELECT l.instructor_id, l.vehicle_id,
                (l.student_id IS NOT DISTINCT FROM $4 OR EXISTS (SELECT FROM lesson_participants p WHERE p.tenant_id = l.tenant_id
                   AND p.lesson_id = l.id AND p.student_id = $4)) AS with_student,
                l.starts_at, l.ends_at
           FROM lessons l
          WHERE l.tenant_id = $1 AND l.status <> 'cancelled'
            AND l.starts_at < $3 AND l.ends_at > $2",
    )
    .bind(tenant)
    .bind(asked.from - Duration::hours(super::repo::MAX_LESSON_HOURS))
    .bind(asked.to)
    .bind(student.id)
    .fetch_all(&mut **work)
    .await?;
    let meeting_point: Option<String> = sqlx::query_scalar(
        "SELECT meeting_point FROM lessons WHERE tenant_id = $1 AND student_id = $2 AND kind = 'driving'
            AND status <> 'cancelled' AND meeting_point IS NOT NULL ORDER BY starts_at DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(student.id)
    .fetch_optional(&mut **work)
    .await?;
    Ok(Week { instructors, vehicles, busy, windows, meeting_point })
}

/// A slot before the rules have seen it.
struct Candidate {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    instructor: usize,
    vehicle: usize,
    referent: bool,
}

/// The local busy ranges of a day among `busy`.
fn local_busy<'a>(busy: impl Iterator<Item = &'a Busy>, day: NaiveDate, work: &Work) -> Vec<Range> {
    let tz = work.school.tz;
    busy.filter_map(|b| {
        let (s, e) = (b.starts_at.with_timezone(&tz), b.ends_at.with_timezone(&tz));
        if e.date_naive() < day || s.date_naive() > day {
            return None;
        }
        let start = if s.date_naive() < day { chrono::NaiveTime::MIN } else { s.time() };
        let end = if e.date_naive() > day { chrono::NaiveTime::from_hms_opt(23, 59, 59)? } else { e.time() };
        Some((start, end))
    })
    .collect()
}

fn candidates(work: &Work, student: &students::Student, week: &Week, asked: &Asked) -> Vec<Candidate> {
    let tz = work.school.tz;
    let minutes = work.settings().planning.lesson_minutes;
    let opening = &work.settings().opening_hours;
    let earliest = asked.from.max(Utc::now() + NOTICE);
    let (first, last) = (earliest.with_timezone(&tz).date_naive(), asked.to.with_timezone(&tz).date_naive());
    let mut found = vec![];
    for day in first.iter_days().take_while(|d| *d <= last) {
        if holiday_name(day, false).is_some() {
            continue;
        }
        let student_busy = local_busy(week.busy.iter().filter(|b| b.with_student), day, work);
        for (n, instructor) in week.instructors.iter().enumerate() {
            let weekly =
                if instructor.weekly_availability.0.is_empty() { opening } else { &instructor.weekly_availability.0 };
            let mut open = ranges_on(weekly, day);
            if !week.windows.is_empty() {
                open = intersect(&open, &ranges_on(&week.windows, day));
            }
            let mut busy = local_busy(week.busy.iter().filter(|b| b.instructor_id == Some(instructor.id)), day, work);
            busy.extend_from_slice(&student_busy);
            for start in free_starts(&open, &busy, minutes, GRID_MINUTES) {
                let starts_at = local_to_utc(tz, day.and_time(start));
                let ends_at = starts_at + Duration::minutes(minutes);
                if starts_at < earliest || ends_at > asked.to {
                    continue;
                }
                let car_free = |v: &&VehicleRow| {
                    !week
                        .busy
                        .iter()
                        .any(|b| b.vehicle_id == Some(v.id) && b.starts_at < ends_at && starts_at < b.ends_at)
                };
                if let Some(vehicle) = week.vehicles.iter().position(|v| car_free(&v)) {
                    let referent = student.referent_instructor_id == Some(instructor.id);
                    found.push(Candidate { starts_at, ends_at, instructor: n, vehicle, referent });
                }
            }
        }
    }
    found.sort_by(|a, b| suggestion_order((a.referent, a.starts_at), (b.referent, b.starts_at)));
    found
}

/// The student's free slots, each one checked by the planning's rules in a dry run.
pub async fn suggest(work: &mut Work, student_id: Uuid, asked: &Asked) -> AppResult<Vec<Suggestion>> {
    let student = students::service::visible(work, student_id, false).await?;
    let week = read_week(work, &student, asked).await?;
    let tz = work.school.tz;
    let mut chosen: Vec<Suggestion> = vec![];
    let mut per_day: HashMap<NaiveDate, usize> = HashMap::new();
    let mut tries = 0;
    for c in candidates(work, &student, &week, asked) {
        if chosen.len() >= asked.count || tries >= asked.count * 12 {
            break;
        }
        let day = c.starts_at.with_timezone(&tz).date_naive();
        let instructor = &week.instructors[c.instructor];
        let overlaps = chosen
            .iter()
            .any(|s| s.instructor_id == instructor.id && s.starts_at < c.ends_at && c.starts_at < s.ends_at);
        if overlaps || per_day.get(&day).copied().unwrap_or(0) >= PER_DAY {
            continue;
        }
        tries += 1;
        let vehicle = &week.vehicles[c.vehicle];
        let input = lesson(student.id, (c.starts_at, c.ends_at), instructor.id, vehicle.id, week.meeting_point.clone());
        let Some(warnings) = fits(work, input).await? else { continue };
        *per_day.entry(day).or_default() += 1;
        chosen.push(Suggestion {
            starts_at: c.starts_at,
            ends_at: c.ends_at,
            instructor_id: instructor.id,
            instructor_name: instructor.name.clone(),
            vehicle_id: vehicle.id,
            vehicle_plate: vehicle.plate.clone(),
            meeting_point: week.meeting_point.clone(),
            referent: c.referent,
            warnings,
        });
    }
    Ok(chosen)
}

fn lesson(
    student: Uuid,
    (starts_at, ends_at): (DateTime<Utc>, DateTime<Utc>),
    instructor: Uuid,
    vehicle: Uuid,
    meeting_point: Option<String>,
) -> LessonInput {
    LessonInput {
        kind: LessonKind::Driving,
        starts_at,
        ends_at,
        student_id: Some(student),
        instructor_id: Some(instructor),
        vehicle_id: Some(vehicle),
        attendee_ids: vec![],
        capacity: None,
        room_id: None,
        meeting_point,
        agency_id: None,
        block_reason: None,
        note: None,
        comment: None,
    }
}

fn about_the_slot(code: &str) -> bool {
    !STUDENT_WARNINGS.contains(&code)
}

/// The student's warnings when the planning would book this slot without a word about the slot
/// itself; `None` otherwise.
async fn fits(work: &mut Work, input: LessonInput) -> AppResult<Option<Vec<volant_domain::planning::Finding>>> {
    match booking::plan(work, input, None, None, true).await {
        Ok(planned) if planned.warnings.iter().any(|w| about_the_slot(&w.code)) => Ok(None),
        Ok(planned) => Ok(Some(planned.warnings)),
        Err(AppError::Unprocessable { .. } | AppError::Conflict { .. } | AppError::BadRequest { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A slot the office or the student picked among the suggestions.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionBooking {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub instructor_id: Uuid,
    pub vehicle_id: Uuid,
    #[serde(default)]
    pub meeting_point: Option<String>,
}

/// Books a suggested slot. The office books as in the planning (warnings returned); a student
/// books only for themself, only when the school allows it, only a slot the rules accept
/// without any warning about the slot, and only within their bookable hours.
pub async fn book(work: &mut Work, student_id: Uuid, body: &JsonBody) -> AppResult<Planned> {
    let student = students::service::visible(work, student_id, false).await?;
    let slot: SuggestionBooking = body.parse()?;
    let by_student = matches!(work.viewer, Viewer::Student(_));
    if by_student && !work.settings().planning.student_self_booking {
        return Err(AppError::Forbidden(
            "Votre école ne permet pas encore de réserver en ligne : demandez au secrétariat.".into(),
        ));
    }
    let input =
        lesson(student.id, (slot.starts_at, slot.ends_at), slot.instructor_id, slot.vehicle_id, slot.meeting_point);
    let planned = booking::plan(work, input, None, None, false).await?;
    if by_student {
        if planned.warnings.iter().any(|w| w.code == "insufficient_hours") {
            return Err(AppError::rule(
                "insufficient_hours",
                "Vous n'avez plus assez d'heures réservables : achetez des heures ou contactez le secrétariat.",
            ));
        }
        if let Some(w) = planned.warnings.iter().find(|w| about_the_slot(&w.code)) {
            return Err(AppError::rule(&w.code, w.message.clone()));
        }
    }
    Ok(planned)
}
