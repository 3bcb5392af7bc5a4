//! An exam's business steps: who may see it, the checks and the saving of a new exam or of a
//! change (result consistency, one practical test booked at a time, the eligibility rules and
//! their ADMIN override), the accompaniment lesson, the audit.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::{
    eligibility::{Eligibility, RuleStatus},
    exam::check_result,
    ids::TenantId,
    role::Role,
};

use super::{Exam, ExamKind, ExamResult, ExamUpdate, NewExam, facts, repo};
use crate::{
    audit::Change,
    auth::Ctx,
    error::{AppError, AppResult, RuleViolation, violated_constraint},
    notifications::{self, About, Event, Raised},
    planning::{self, LessonInput, LessonKind, LessonStatus},
    students::{Student, service::visible},
    work::Work,
};

/// How long the accompaniment to a practical test blocks the instructor and the vehicle (the
/// test itself lasts 32 minutes; the rest is the way there and the waiting).
pub const ACCOMPANIMENT_MINUTES: i64 = 90;

/// An exam the caller may see (the same 404 otherwise).
pub async fn visible_exam(work: &mut Work, id: Uuid, lock: bool) -> AppResult<Exam> {
    let tenant = work.tenant();
    let exam = repo::get(work, tenant, id, lock).await?.ok_or(AppError::NotFound)?;
    visible(work, exam.student_id, false).await?;
    Ok(exam)
}

/// Who books, and whether they may override the eligibility rules (an ADMIN).
pub struct Booker {
    pub may_override: bool,
}

/// The caller as a booker.
pub fn booker(ctx: &Ctx) -> Booker {
    Booker { may_override: ctx.role == Role::Admin }
}

/// Checks and saves a new exam (also used by `assign` and the demo): result consistency,
/// eligibility for a booking, the accompaniment lesson, the audit.
pub async fn record(
    work: &mut Work,
    by: &Booker,
    student: &Student,
    input: NewExam,
    place_id: Option<Uuid>,
) -> AppResult<Exam> {
    let tenant = work.tenant();
    let mut fields = ExamUpdate {
        scheduled_at: input.scheduled_at,
        centre: input.centre.clone(),
        result: input.result,
        score: input.score,
        eliminatory: input.eliminatory,
        excused: input.excused,
        cancelled_at: input.cancelled_at,
        comment: input.comment.clone(),
        override_reason: None,
    };
    check_fields(input.kind, &mut fields)?;
    let school = facts::school(work, tenant).await?;
    let (today, exam_date) = (school.today(), school.date_of(fields.scheduled_at));
    let is_booking = input.kind == ExamKind::Practical && fields.result == ExamResult::Pending && exam_date >= today;
    if is_booking {
        no_other_booking(work, tenant, student.id, school.tz).await?;
    }
    let override_reason = if is_booking {
        let verdict = facts::eligibility(work, tenant, &school, student, (exam_date, today)).await?;
        allowed(by.may_override, &verdict, input.override_reason.as_deref())?
    } else {
        None
    };
    let lesson_id = match (input.kind, input.instructor_id, input.vehicle_id) {
        (ExamKind::Practical, Some(i), Some(v)) if fields.result == ExamResult::Pending => {
            Some(accompany(work, student.id, fields.scheduled_at, (i, v)).await?)
        }
        _ => None,
    };
    let id = Uuid::now_v7();
    let row = repo::Insert {
        id,
        student_id: student.id,
        kind: input.kind,
        fields: &fields,
        instructor_id: input.instructor_id,
        vehicle_id: input.vehicle_id,
        lesson_id,
        place_id,
        override_reason: override_reason.as_deref(),
    };
    if let Err(e) = repo::insert(work, tenant, &row).await {
        return Err(match violated_constraint(&e) {
            Some("exams_one_per_place") => AppError::rule("place_taken", "Cette place d'examen est déjà attribuée."),
            Some("exams_tenant_id_instructor_id_fkey") => {
                AppError::field("instructor_id", "Ce moniteur n'existe pas dans l'école.")
            }
            Some("exams_tenant_id_vehicle_id_fkey") => {
                AppError::field("vehicle_id", "Ce véhicule n'existe pas dans l'école.")
            }
            _ => e.into(),
        });
    }
    let exam = repo::get(work, tenant, id, false).await?.ok_or(AppError::NotFound)?;
    let action = if override_reason.is_some() { "exam.create_override" } else { "exam.create" };
    let change = Change { action, entity: "exam", entity_id: Some(id), before: None, after: Some(json!(exam)) };
    work.audit().record(change).await?;
    tell(work, None, &exam).await?;
    Ok(exam)
}

/// Tells the student a booking (a pending test still to come, new or moved) or a result (a
/// pending test of the last month that got one; older history entered later tells nobody).
async fn tell(work: &mut Work, before: Option<&Exam>, exam: &Exam) -> AppResult<()> {
    let recent = exam.scheduled_at > chrono::Utc::now() - chrono::Duration::days(30);
    let was_pending = recent && before.is_none_or(|b| b.result == ExamResult::Pending);
    let event = match exam.result {
        ExamResult::Passed | ExamResult::Failed | ExamResult::Absent if was_pending => Event::ExamResult,
        ExamResult::Pending
            if exam.scheduled_at > chrono::Utc::now()
                && before.is_none_or(|b| b.scheduled_at != exam.scheduled_at || b.result != ExamResult::Pending) =>
        {
            Event::ExamBooked
        }
        _ => return Ok(()),
    };
    let result = serde_json::to_value(exam.result).ok().and_then(|v| v.as_str().map(str::to_owned));
    let raised = Raised {
        event,
        key: format!("{}:{}:{}", event.as_str(), exam.id, exam.version),
        students: vec![exam.student_id],
        instructor: None,
        requester: None,
        actor: None,
        about: About::Exam {
            exam_id: exam.id,
            kind: if exam.kind == ExamKind::Theory { "theory".into() } else { "practical".into() },
            at: exam.scheduled_at,
            centre: exam.centre.clone(),
            result: (event == Event::ExamResult).then_some(result).flatten(),
        },
    };
    notifications::raise(work, raised).await
}

/// One practical test booked at a time: the next one is booked once the result is known.
async fn no_other_booking(
    conn: &mut PgConnection,
    tenant: volant_domain::ids::TenantId,
    student: Uuid,
    tz: chrono_tz::Tz,
) -> AppResult<()> {
    match repo::booked_practical(conn, tenant, student).await? {
        Some(at) => Err(AppError::rule(
            "practical_pending",
            format!(
                "L'élève a déjà un examen pratique prévu le {} : saisissez d'abord son résultat ou annulez-le.",
                at.with_timezone(&tz).format("%d/%m/%Y")
            ),
        )),
        None => Ok(()),
    }
}

/// Trims the texts and checks that the result agrees with the score, the flags and the date.
fn check_fields(kind: ExamKind, f: &mut ExamUpdate) -> AppResult<()> {
    f.centre = f.centre.take().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    f.comment = f.comment.take().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    check_result(kind, f.result, f.score, f.eliminatory).map_err(|e| AppError::field(e.field, e.message))?;
    if f.result.needs_the_date_passed() && f.scheduled_at > Utc::now() {
        return Err(AppError::field("result", "Un résultat ne s'enregistre qu'après la date de l'examen."));
    }
    match (f.result, f.cancelled_at) {
        (ExamResult::Cancelled, None) => f.cancelled_at = Some(Utc::now()),
        (ExamResult::Cancelled, Some(_)) => {}
        (_, _) => f.cancelled_at = None,
    }
    if !matches!(f.result, ExamResult::Absent | ExamResult::Cancelled) {
        f.excused = false;
    }
    Ok(())
}

/// The override reason to store, or 422 with the blocking rules. Only an ADMIN may book a
/// blocked student, and only with a reason.
fn allowed(may_override: bool, verdict: &Eligibility, override_reason: Option<&str>) -> AppResult<Option<String>> {
    if verdict.eligible {
        return Ok(None);
    }
    let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    if let Some(reason) = reason
        && may_override
    {
        return Ok(Some(reason.to_owned()));
    }
    let rules: Vec<RuleViolation> = verdict
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::Block)
        .map(|r| RuleViolation { code: r.code.as_str().to_owned(), message: r.message.clone() })
        .collect();
    let detail = if reason.is_some() {
        "L'élève ne remplit pas les conditions ; seul un administrateur peut passer outre."
    } else {
        "L'élève ne remplit pas les conditions pour cet examen."
    };
    Err(AppError::Unprocessable { detail: detail.to_owned(), rules })
}

/// Books the accompanying instructor and vehicle: the candidate joins the `exam` lesson they
/// already have at that time, or a new one is planned. Conflicts are the planning's 409.
pub async fn accompany(
    work: &mut Work,
    student: Uuid,
    starts_at: DateTime<Utc>,
    (instructor, vehicle): (Uuid, Uuid),
) -> AppResult<Uuid> {
    let tenant = work.tenant();
    let existing = repo::planned_exam_lesson(work, tenant, starts_at, instructor, vehicle).await?;
    let before = match existing {
        Some(id) => planning::repo::get(work, tenant, id, true).await?,
        None => None,
    };
    let input = match &before {
        Some(lesson) => {
            let mut input = lesson.input();
            input.attendee_ids.push(student);
            input
        }
        None => LessonInput {
            kind: LessonKind::Exam,
            starts_at,
            ends_at: starts_at + Duration::minutes(ACCOMPANIMENT_MINUTES),
            student_id: None,
            instructor_id: Some(instructor),
            vehicle_id: Some(vehicle),
            attendee_ids: vec![student],
            capacity: None,
            room_id: None,
            meeting_point: None,
            agency_id: None,
            block_reason: None,
            note: Some("Accompagnement à l'examen pratique".into()),
            comment: None,
        },
    };
    let planned = planning::service::plan(work, input, before.as_ref(), None, false).await?;
    Ok(planned.lesson.id)
}

/// Checks and saves a change of an exam read (and locked) as `before`: result consistency, the
/// rules of a booking again when the change rebooks a practical test, the accompaniment left
/// on a cancellation, the audit.
pub async fn update_exam(work: &mut Work, by: &Booker, before: Exam, mut fields: ExamUpdate) -> AppResult<Exam> {
    let id = before.id;
    let tenant = work.tenant();
    check_fields(before.kind, &mut fields)?;
    let override_reason = check_rebooking(work, tenant, by, &before, &fields).await?;
    repo::update(work, tenant, id, &fields).await?;
    if fields.result == ExamResult::Cancelled
        && before.result != ExamResult::Cancelled
        && let Some(lesson) = before.lesson_id
    {
        leave_accompaniment(work, lesson, before.student_id).await?;
    }
    let after = repo::get(work, tenant, id, false).await?.ok_or(AppError::NotFound)?;
    let mut after_json = json!(after);
    if let Some(reason) = &override_reason {
        after_json["override_reason"] = json!(reason);
    }
    let change = Change {
        action: if override_reason.is_some() { "exam.update_override" } else { "exam.update" },
        entity: "exam",
        entity_id: Some(id),
        before: Some(json!(before)),
        after: Some(after_json),
    };
    work.audit().record(change).await?;
    tell(work, Some(&before), &after).await?;
    Ok(after)
}

/// A practical test moved to a new future date, or put back to pending after a cancellation, is
/// a booking again: the same eligibility rules (422 naming them), the same ADMIN override.
/// Returns the override's reason when one was used.
async fn check_rebooking(
    conn: &mut PgConnection,
    tenant: TenantId,
    by: &Booker,
    before: &Exam,
    fields: &ExamUpdate,
) -> AppResult<Option<String>> {
    let school = facts::school(conn, tenant).await?;
    let (today, exam_date) = (school.today(), school.date_of(fields.scheduled_at));
    let reopened = before.result == ExamResult::Cancelled;
    let rebooked = before.kind == ExamKind::Practical
        && fields.result == ExamResult::Pending
        && exam_date >= today
        && (reopened || fields.scheduled_at != before.scheduled_at);
    if !rebooked {
        return Ok(None);
    }
    if reopened {
        no_other_booking(conn, tenant, before.student_id, school.tz).await?;
    }
    let student =
        crate::students::repo::get(conn, tenant, before.student_id, false).await?.ok_or(AppError::NotFound)?;
    let verdict = facts::eligibility(conn, tenant, &school, &student, (exam_date, today)).await?;
    allowed(by.may_override, &verdict, fields.override_reason.as_deref())
}

/// Takes a candidate out of a planned exam lesson; the last one out cancels it (by the
/// school, never charged).
async fn leave_accompaniment(work: &mut Work, lesson: Uuid, student: Uuid) -> AppResult<()> {
    let tenant = work.tenant();
    let Some(lesson) = planning::repo::get(work, tenant, lesson, true).await? else {
        return Ok(());
    };
    if lesson.status != LessonStatus::Planned || !lesson.attendee_ids.contains(&student) {
        return Ok(());
    }
    if lesson.attendee_ids.len() == 1 {
        let reason = Some("Examen annulé");
        planning::service::cancel(work, &lesson, reason, planning::CancelledBy::School, true).await?;
    } else {
        let mut input = lesson.input();
        input.attendee_ids.retain(|s| *s != student);
        planning::service::plan(work, input, Some(&lesson), None, false).await?;
    }
    Ok(())
}

/// Tells the office, and the student, once, that a student now meets every condition of the
/// practical test (the eligibility of the plausible candidates of each school; run hourly by the
/// scheduler). A student told once is not told again.
pub async fn tell_newly_eligible(pool: &sqlx::PgPool) -> anyhow::Result<usize> {
    let tenants = crate::school::active_ids(pool).await?;
    let mut told = 0;
    for tenant in tenants {
        let mut work = Work::system(pool, tenant).await?;
        work.tells = true;
        if !notifications::try_lock_school(&mut work, tenant, "eligibility").await? {
            continue; // Another instance is on it.
        }
        let school = facts::school(&mut work, tenant).await?;
        let today = school.today();
        for id in super::places::plausible_candidates(&mut work, tenant, &school, None).await? {
            let key = format!("student_eligible:{id}");
            if notifications::was_raised(&mut work, tenant, &key).await? {
                continue;
            }
            let Some(student) = crate::students::repo::get(&mut work, tenant, id, false).await? else { continue };
            if !facts::eligibility(&mut work, tenant, &school, &student, (today, today)).await?.eligible {
                continue;
            }
            let raised = Raised {
                event: Event::StudentEligible,
                key,
                students: vec![id],
                instructor: None,
                requester: None,
                actor: None,
                about: About::Eligible { student_name: format!("{} {}", student.first_name, student.last_name) },
            };
            notifications::raise(&mut work, raised).await?;
            told += 1;
        }
        work.commit().await?;
    }
    Ok(told)
}
