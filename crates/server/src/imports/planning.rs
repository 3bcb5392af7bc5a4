//! The rows about the planning: lessons still to come, exams taken or booked. A lesson is booked
//! through the planning's own booking (`planning::booking::plan`: every rule, every conflict),
//! an exam through the exams' own recording (result consistency, eligibility of a booking): a
//! conflict or a blocked rule is the row's refusal, never forced.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use uuid::Uuid;
use volant_domain::{
    exam::{ExamKind, ExamResult},
    import::{self, SessionKind},
};

use super::{Done, Fields, Lookup, RowError, RowStatus, refused};
use crate::{
    error::AppError,
    exams::{self, NewExam},
    planning::{LessonInput, LessonKind, booking},
    students,
    work::Work,
};

/// When an exam's time is not given (a history often has the day only).
const EXAM_TIME_UNKNOWN: NaiveTime = NaiveTime::from_hms_opt(9, 0, 0).expect("a valid time");

/// The instant of a local date and time in the school's zone, or the row's refusal (a time that
/// does not exist, in the spring's change of hour).
fn instant(work: &Work, field: &str, date: NaiveDate, time: NaiveTime) -> Result<DateTime<Utc>, RowError> {
    work.tz().from_local_datetime(&date.and_time(time)).earliest().map(|t| t.with_timezone(&Utc)).ok_or_else(|| {
        refused(field, format!("{} n'existe pas ce jour-là (changement d'heure).", time.format("%H:%M")))
    })
}

fn date_of(f: &Fields, field: &str) -> Result<NaiveDate, RowError> {
    let text = f.text(field);
    import::parse_date(text).ok_or_else(|| refused(field, format!("« {text} » n'est pas une date (JJ/MM/AAAA).")))
}

fn time_of(f: &Fields, field: &str) -> Result<NaiveTime, RowError> {
    let text = f.text(field);
    import::parse_time(text).ok_or_else(|| refused(field, format!("« {text} » n'est pas une heure (HH:MM).")))
}

/// The lesson's end: its end time, else its start plus its duration.
fn lesson_end(f: &Fields, date: NaiveDate, start: NaiveTime) -> Result<NaiveTime, RowError> {
    if f.get("end").is_some() {
        return time_of(f, "end");
    }
    let Some(text) = f.get("duration") else {
        return Err(refused("end", "Il faut l'heure de fin ou la durée de la séance."));
    };
    let minutes = import::parse_duration(text)
        .ok_or_else(|| refused("duration", format!("« {text} » n'est pas une durée (par exemple 1h, 1h30 ou 90).")))?;
    let end = date.and_time(start) + Duration::minutes(minutes);
    Ok(end.time())
}

/// A feature's refusal with its fields named as the file's (`rename`: the API's field → the
/// import's; `""` for the whole row).
fn renamed(e: RowError, rename: fn(&str) -> &'static str) -> RowError {
    match e {
        RowError::Refused(errors) => {
            RowError::Refused(errors.into_iter().map(|(field, message)| (rename(&field).to_owned(), message)).collect())
        }
        broken => broken,
    }
}

fn lesson_field(field: &str) -> &'static str {
    match field {
        "starts_at" => "date",
        "ends_at" => "end",
        "instructor_id" => "instructor",
        "vehicle_id" => "vehicle",
        "student_id" => "last_name",
        "meeting_point" => "meeting_point",
        _ => "",
    }
}

fn exam_field(field: &str) -> &'static str {
    match field {
        "scheduled_at" => "exam_date",
        "result" => "result",
        "score" => "score",
        "centre" => "centre",
        _ => "",
    }
}

/// A lesson still to come: booked through the planning (its rules and conflicts), unless the
/// same lesson is already there. Past lessons, other statuses and other kinds of session are
/// ignored, with the reason: their hours are in the balance the school imports.
pub(super) async fn lesson_row(work: &mut Work, lookup: &Lookup, f: &Fields<'_>) -> Result<Done, RowError> {
    let student = lookup.student(f)?;
    let kind = match import::parse_session_kind(f.text("lesson_kind")) {
        SessionKind::Driving => LessonKind::Driving,
        SessionKind::Evaluation => LessonKind::Evaluation,
        SessionKind::Other => {
            return Ok(Done::ignored(
                Some(student),
                "lesson_kind",
                "Seules les leçons de conduite et les évaluations de départ sont reprises dans le planning.",
            ));
        }
    };
    if !import::is_planned(f.text("lesson_status")) {
        let status = f.text("lesson_status");
        return Ok(Done::ignored(
            Some(student),
            "lesson_status",
            format!(
                "Séance « {status} » : seules les séances à venir sont reprises (les heures passées sont dans le solde)."
            ),
        ));
    }
    let date = date_of(f, "date")?;
    let start = time_of(f, "start")?;
    let end = lesson_end(f, date, start)?;
    let starts_at = instant(work, "start", date, start)?;
    let ends_at = instant(work, "end", date, end)?;
    if starts_at <= Utc::now() {
        return Ok(Done::ignored(
            Some(student),
            "date",
            "Séance passée : seules les séances à venir sont reprises (les heures passées sont dans le solde).",
        ));
    }
    let instructor_text = f.text("instructor");
    let instructor = lookup
        .instructor(instructor_text)
        .ok_or_else(|| refused("instructor", format!("Aucun moniteur « {instructor_text} » dans l'école.")))?;
    let vehicle = match f.get("vehicle") {
        Some(plate) => Some(
            lookup
                .vehicle(plate)
                .ok_or_else(|| refused("vehicle", format!("Aucun véhicule immatriculé « {plate} » dans l'école.")))?,
        ),
        None if kind == LessonKind::Driving => {
            return Err(refused(
                "vehicle",
                "Une leçon de conduite a besoin d'un véhicule : indiquez son immatriculation.",
            ));
        }
        None => None,
    };
    if already_planned(work, student, instructor, starts_at).await? {
        return Ok(Done::of(RowStatus::Skipped, student));
    }
    let input = LessonInput {
        kind,
        starts_at,
        ends_at,
        student_id: Some(student),
        instructor_id: Some(instructor),
        vehicle_id: vehicle,
        attendee_ids: vec![],
        capacity: None,
        room_id: None,
        meeting_point: f.get("meeting_point").map(str::to_owned),
        agency_id: None,
        block_reason: None,
        note: f.get("note").map(str::to_owned),
        comment: None,
    };
    booking::plan(work, input, None, None, false).await.map_err(|e| renamed(e.into(), lesson_field))?;
    Ok(Done::of(RowStatus::Created, student))
}

async fn already_planned(
    work: &mut Work,
    student: Uuid,
    instructor: Uuid,
    starts_at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT FROM lessons WHERE tenant_id = $1 AND student_id = $2 AND instructor_id = $3
                          AND starts_at = $4 AND status = 'planned')",
    )
    .bind(work.tenant().0)
    .bind(student)
    .bind(instructor)
    .bind(starts_at)
    .fetch_one(&mut **work)
    .await
}

/// An exam taken or booked: recorded through the exams' service (a result needs its date passed,
/// a practical test to come is checked against the eligibility rules). The same test on the same
/// day is the same exam: skipped when its result is the file's, refused when it differs.
pub(super) async fn exam_row(work: &mut Work, lookup: &Lookup, f: &Fields<'_>) -> Result<Done, RowError> {
    let student_id = lookup.student(f)?;
    let kind_text = f.text("exam_kind");
    let kind = import::parse_exam_kind(kind_text)
        .ok_or_else(|| refused("exam_kind", format!("« {kind_text} » n'est pas une épreuve (code ou conduite).")))?;
    let date_text = f.text("exam_date");
    let (date, time) = import::parse_date_time(date_text)
        .ok_or_else(|| refused("exam_date", format!("« {date_text} » n'est pas une date (JJ/MM/AAAA).")))?;
    let time = match f.get("time") {
        Some(_) => time_of(f, "time")?,
        None => time.unwrap_or(EXAM_TIME_UNKNOWN),
    };
    let scheduled_at = instant(work, "exam_date", date, time)?;
    let result_text = f.text("result");
    let result = import::parse_exam_result(result_text).ok_or_else(|| {
        refused("result", format!("« {result_text} » n'est pas un résultat (réussi, échoué, absent, annulé ou vide)."))
    })?;
    let score = match f.get("score") {
        Some(text) => Some(
            text.parse::<i16>()
                .map_err(|_| refused("score", format!("« {text} » n'est pas une note (un nombre entier).")))?,
        ),
        None => None,
    };
    if let Some(existing) = same_exam(work, student_id, kind, date).await? {
        if existing == result {
            return Ok(Done::of(RowStatus::Skipped, student_id));
        }
        return Err(refused(
            "result",
            format!(
                "Un examen de {} existe déjà le {} avec un autre résultat : corrigez-le sur la fiche de l'élève.",
                if kind == ExamKind::Theory { "code" } else { "conduite" },
                date.format("%d/%m/%Y")
            ),
        ));
    }
    let student = students::service::visible(work, student_id, false).await?;
    let input = NewExam {
        student_id,
        kind,
        scheduled_at,
        centre: f.get("centre").map(str::to_owned),
        result,
        score,
        eliminatory: false,
        excused: false,
        cancelled_at: (result == ExamResult::Cancelled).then_some(scheduled_at),
        instructor_id: None,
        vehicle_id: None,
        comment: Some("Repris de l'ancien logiciel".into()),
        override_reason: None,
    };
    let by = exams::service::Booker { may_override: false };
    exams::service::record(work, &by, &student, input, None).await.map_err(|e| renamed(e.into(), exam_field))?;
    Ok(Done::of(RowStatus::Created, student_id))
}

/// The result of the same test of the student on that (local) day, if the school has one.
async fn same_exam(
    work: &mut Work,
    student: Uuid,
    kind: ExamKind,
    date: NaiveDate,
) -> Result<Option<ExamResult>, AppError> {
    let result: Option<String> = sqlx::query_scalar(
        "SELECT result FROM exams WHERE tenant_id = $1 AND student_id = $2 AND kind = $3
            AND (scheduled_at AT TIME ZONE $4)::date = $5
          ORDER BY created_at LIMIT 1",
    )
    .bind(work.tenant().0)
    .bind(student)
    .bind(if kind == ExamKind::Theory { "theory" } else { "practical" })
    .bind(work.tz().name())
    .bind(date)
    .fetch_optional(&mut **work)
    .await?;
    Ok(result.and_then(|r| serde_json::from_value(serde_json::Value::String(r)).ok()))
}
