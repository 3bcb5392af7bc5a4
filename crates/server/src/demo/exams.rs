//! Demo exams: a history of theory and practical tests, places to fill and booked ones, so that
//! each eligibility rule and each alert can be seen on some demo student. Everything goes
//! through the exams' own `record` (rules, accompaniment lesson, audit).

use anyhow::anyhow;
use chrono::{Datelike, Duration, NaiveDate};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::planning::{at, lesson};
use crate::{
    error::AppError,
    exams::{
        ExamKind, ExamResult, NewExam,
        service::{ACCOMPANIMENT_MINUTES, Booker, record},
    },
    planning::{LessonKind, service},
    students,
    work::Work,
};

fn err(e: AppError) -> anyhow::Error {
    anyhow!("demo seed (exams): {e:?}")
}

fn exam(student: Uuid, kind: ExamKind, when: chrono::DateTime<chrono::Utc>, result: ExamResult) -> NewExam {
    NewExam {
        student_id: student,
        kind,
        scheduled_at: when,
        centre: Some(
            if kind == ExamKind::Theory { "La Poste — Tours Centre" } else { "Centre d'examen de Tours-Nord" }.into(),
        ),
        result,
        score: None,
        eliminatory: false,
        excused: false,
        cancelled_at: None,
        instructor_id: None,
        vehicle_id: None,
        comment: None,
        override_reason: None,
    }
}

async fn save(work: &mut Work, by: &Booker, e: NewExam, place: Option<Uuid>) -> anyhow::Result<()> {
    let tenant = work.tenant();
    let student = students::repo::get(work, tenant, e.student_id, false).await?.ok_or_else(|| anyhow!("no student"))?;
    record(work, by, &student, e, place).await.map_err(err)?;
    Ok(())
}

async fn theory(work: &mut Work, by: &Booker, student: Uuid, on: NaiveDate, score: i16) -> anyhow::Result<()> {
    let mut e =
        exam(student, ExamKind::Theory, at(on, 9), if score >= 35 { ExamResult::Passed } else { ExamResult::Failed });
    e.score = Some(score);
    save(work, by, e, None).await
}

/// Twenty one-hour driving lessons, done, in the weeks before the demo planning starts (a slot
/// taken by someone's leave is skipped for the next day).
async fn twenty_hours(
    work: &mut Work,
    catalogue: &super::billing::Catalogue,
    student: Uuid,
    (instructor, car): (Uuid, Uuid),
    (today, hour): (NaiveDate, u32),
) -> anyhow::Result<()> {
    super::billing::sell(work, student, &[catalogue.twenty_hours], super::billing::Paid::Cheque).await?;
    let mut done = 0;
    for k in 0..60i64 {
        if done == 20 {
            break;
        }
        let mut input = lesson(LessonKind::Driving, today - Duration::weeks(30) + Duration::days(k * 3), hour, 60);
        input.student_id = Some(student);
        input.instructor_id = Some(instructor);
        input.vehicle_id = Some(car);
        let planned = match service::plan(work, input, None, None, false).await {
            Ok(p) => p.lesson,
            Err(AppError::Conflict { .. } | AppError::Unprocessable { .. }) => continue,
            Err(e) => return Err(err(e)),
        };
        service::complete(work, &planned, Some("Conduite en autonomie.")).await.map_err(err)?;
        done += 1;
    }
    Ok(())
}

async fn place(
    conn: &mut PgConnection,
    tenant: TenantId,
    starts_at: chrono::DateTime<chrono::Utc>,
    category: &str,
    accompaniment: Option<(Uuid, Uuid)>,
) -> anyhow::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO exam_places (tenant_id, id, starts_at, centre, category, instructor_id, vehicle_id)
         VALUES ($1, $2, $3, 'Centre d''examen de Tours-Nord', $4, $5, $6)",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(starts_at)
    .bind(category)
    .bind(accompaniment.map(|a| a.0))
    .bind(accompaniment.map(|a| a.1))
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn seed(
    pool: &PgPool,
    tenant: TenantId,
    instructors: &[Uuid],
    cars: &[Uuid],
    catalogue: &super::billing::Catalogue,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let by = Booker { may_override: true };
    let mut work = Work::system(pool, tenant).await?;
    let (Some(&car), Some(&other_car)) = (cars.first(), cars.get(1)) else { return Ok(()) };
    // Adults who drive, outside the exam day and the demo student account: the cast.
    let cast: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT s.id, s.referent_instructor_id FROM students s
          WHERE s.tenant_id = $1 AND s.status = 'active' AND s.ants_status = 'validated' AND s.user_id IS NULL
            AND s.category = 'B' AND s.birth_date <= $2 AND s.referent_instructor_id IS NOT NULL
            AND NOT EXISTS (SELECT FROM lesson_participants p JOIN lessons l ON l.tenant_id = p.tenant_id AND l.id = p.lesson_id
                             WHERE p.tenant_id = s.tenant_id AND p.student_id = s.id AND l.kind = 'exam')
          ORDER BY s.sort_key LIMIT 7",
    )
    .bind(tenant.0)
    .bind(today - Duration::days(18 * 365))
    .fetch_all(&mut *work)
    .await?;
    let [eligible, booked, waiting, absent, expiring, recent, retried] = cast[..] else {
        return Err(anyhow!("demo seed (exams): not enough adult drivers"));
    };
    // Eligible, without a place: the office's alert suggests one.
    theory(&mut work, &by, eligible.0, today - Duration::days(60), 37).await?;
    twenty_hours(&mut work, catalogue, eligible.0, (eligible.1, car), (today, 8)).await?;
    // Booked on a place with its accompaniment.
    theory(&mut work, &by, booked.0, today - Duration::days(45), 36).await?;
    twenty_hours(&mut work, catalogue, booked.0, (booked.1, other_car), (today, 10)).await?;
    // 7:00 on a weekday in about two weeks, before the first lessons of the day, with an
    // instructor and a car free then (someone may be on leave).
    let mut exam_day = today + Duration::days(12);
    while exam_day.weekday().number_from_monday() > 5 {
        exam_day += Duration::days(1);
    }
    let booked_at = at(exam_day, 7);
    let slot = (booked_at, booked_at + Duration::minutes(ACCOMPANIMENT_MINUTES));
    let accompanied = free(&mut work, tenant, "instructor_id", instructors, slot).await?.unwrap_or(booked.1);
    let other_car = free(&mut work, tenant, "vehicle_id", cars, slot).await?.unwrap_or(other_car);
    let booked_place = place(&mut work, tenant, booked_at, "B", Some((accompanied, other_car))).await?;
    let mut e = exam(booked.0, ExamKind::Practical, booked_at, ExamResult::Pending);
    (e.instructor_id, e.vehicle_id) = (Some(accompanied), Some(other_car));
    save(&mut work, &by, e, Some(booked_place)).await?;
    // Failed four days ago with 22 points and an eliminatory fault: waits 10 days before a new
    // booking.
    theory(&mut work, &by, waiting.0, today - Duration::days(90), 38).await?;
    twenty_hours(&mut work, catalogue, waiting.0, (waiting.1, car), (today, 14)).await?;
    let mut e = exam(waiting.0, ExamKind::Practical, at(today - Duration::days(4), 8), ExamResult::Failed);
    (e.score, e.eliminatory) = (Some(22), true);
    e.comment = Some("Manque d'anticipation en intersection.".into());
    save(&mut work, &by, e, None).await?;
    // Absent without a serious reason: 40 days.
    theory(&mut work, &by, absent.0, today - Duration::days(100), 35).await?;
    save(
        &mut work,
        &by,
        exam(absent.0, ExamKind::Practical, at(today - Duration::days(15), 9), ExamResult::Absent),
        None,
    )
    .await?;
    // Theory passed almost five years ago: expires soon (alert).
    let almost = today.checked_sub_months(chrono::Months::new(60)).unwrap_or(today) + Duration::days(40);
    theory(&mut work, &by, expiring.0, almost, 36).await?;
    // Theory passed yesterday: a practical test may be booked from tomorrow.
    theory(&mut work, &by, recent.0, today - Duration::days(1), 39).await?;
    // Two theory failures, then a pass.
    for (days, score) in [(80, 30), (50, 33), (20, 36)] {
        theory(&mut work, &by, retried.0, today - Duration::days(days), score).await?;
    }
    // Places to fill next week.
    for hour in [8, 9] {
        place(&mut work, tenant, at(today + Duration::days(8), hour), "B", None).await?;
    }
    place(&mut work, tenant, at(today + Duration::days(15), 9), "B78", None).await?;
    seed_exam_day(&mut work, &by).await?;
    seed_licences(&mut work, &by, today).await?;
    work.commit().await?;
    Ok(())
}

/// The first of `candidates` with nothing planned in `slot` (`column`: `instructor_id` or
/// `vehicle_id`).
async fn free(
    conn: &mut PgConnection,
    tenant: TenantId,
    column: &str,
    candidates: &[Uuid],
    slot: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
) -> anyhow::Result<Option<Uuid>> {
    for id in candidates {
        let busy: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT EXISTS (SELECT FROM lessons WHERE tenant_id = $1 AND {column} = $2 AND status <> 'cancelled'
                AND period && tstzrange($3, $4))"
        )))
        .bind(tenant.0)
        .bind(id)
        .bind(slot.0)
        .bind(slot.1)
        .fetch_one(&mut *conn)
        .await?;
        if !busy {
            return Ok(Some(*id));
        }
    }
    Ok(None)
}

/// The candidates of the planning's exam day get their (pending) practical exams, booked by
/// the school before Volant (the override says so where the rules would block).
async fn seed_exam_day(work: &mut Work, by: &Booker) -> anyhow::Result<()> {
    type Candidate = (Uuid, chrono::DateTime<chrono::Utc>, Option<Uuid>, Option<Uuid>);
    let rows: Vec<Candidate> = sqlx::query_as(
        "SELECT p.student_id, l.starts_at, l.instructor_id, l.vehicle_id FROM lessons l
           JOIN lesson_participants p ON p.tenant_id = l.tenant_id AND p.lesson_id = l.id
          WHERE l.tenant_id = $1 AND l.kind = 'exam' AND l.status = 'planned'
            AND NOT EXISTS (SELECT FROM exams e WHERE e.tenant_id = p.tenant_id AND e.student_id = p.student_id
                              AND e.kind = 'practical' AND e.result = 'pending')",
    )
    .bind(work.tenant().0)
    .fetch_all(&mut **work)
    .await?;
    for (student, starts_at, instructor, vehicle) in rows {
        let mut e = exam(student, ExamKind::Practical, starts_at, ExamResult::Pending);
        (e.instructor_id, e.vehicle_id) = (instructor, vehicle);
        e.override_reason = Some("Inscrit avant l'ouverture de Volant".into());
        save(work, by, e, None).await?;
    }
    Ok(())
}

/// Students who finished with their licence passed the practical test a few weeks ago.
async fn seed_licences(work: &mut Work, by: &Booker, today: NaiveDate) -> anyhow::Result<()> {
    let done: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM students WHERE tenant_id = $1 AND end_reason = 'licence_obtained' ORDER BY sort_key",
    )
    .bind(work.tenant().0)
    .fetch_all(&mut **work)
    .await?;
    for (k, student) in done.into_iter().enumerate() {
        let k = i64::try_from(k).unwrap_or(0);
        theory(work, by, student, today - Duration::days(200 + k * 9), 36).await?;
        let mut e = exam(student, ExamKind::Practical, at(today - Duration::days(20 + k * 6), 8), ExamResult::Passed);
        e.score = Some(24 + i16::try_from(k % 6).unwrap_or(0));
        save(work, by, e, None).await?;
    }
    Ok(())
}
