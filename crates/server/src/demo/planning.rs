//! A demo planning four weeks back and four weeks ahead: driving lessons (some as weekly
//! series), code sessions, an exam day, leave, done lessons, no-shows and cancellations, all
//! through the planning's own service (so conflicts and rules apply, and the ledger follows).

use chrono::{Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Paris;
use sqlx::PgPool;
use uuid::Uuid;
use volant_domain::{ids::TenantId, recurrence::local_to_utc};

use crate::{
    db,
    error::AppError,
    planning::{CancelledBy, LessonInput, LessonKind, service},
    work::Work,
};

/// Local wall-clock start hours of driving lessons, by instructor (so that instructors sharing
/// a car do not ask for it at the same time).
const SLOTS: [[u32; 2]; 6] = [[9, 14], [10, 15], [8, 13], [11, 16], [9, 14], [10, 17]];

pub(super) fn at(day: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    local_to_utc(Paris, day.and_hms_opt(hour, 0, 0).unwrap_or_default())
}

pub(super) fn lesson(kind: LessonKind, day: NaiveDate, hour: u32, minutes: i64) -> LessonInput {
    let starts_at = at(day, hour);
    LessonInput {
        kind,
        starts_at,
        ends_at: starts_at + Duration::minutes(minutes),
        student_id: None,
        instructor_id: None,
        vehicle_id: None,
        attendee_ids: vec![],
        capacity: None,
        room_id: None,
        meeting_point: None,
        agency_id: None,
        block_reason: None,
        note: None,
        comment: None,
    }
}

/// Booklet evaluations that follow the student's hours: each done lesson works two items,
/// moving along the REMC, and earlier items climb towards `assimile`.
async fn evaluate_after(work: &mut Work, lesson: &crate::planning::Lesson, done: usize) -> anyhow::Result<()> {
    use volant_domain::booklet::{Level, remc_b};
    let Some(student) = lesson.student_id else { return Ok(()) };
    let items: Vec<String> =
        remc_b().competencies.iter().flat_map(|c| c.items.iter().map(|i| i.code.clone())).collect();
    if items.is_empty() {
        return Ok(());
    }
    let evaluations: Vec<crate::booklet::EvaluationInput> =
        [done * 2 % items.len(), (done * 2 + 1) % items.len(), done.saturating_sub(3) % items.len()]
            .iter()
            .enumerate()
            .map(|(k, i)| crate::booklet::EvaluationInput {
                item_code: items[*i].clone(),
                level: if k == 2 {
                    Level::Assimile
                } else if done.is_multiple_of(2) {
                    Level::Traite
                } else {
                    Level::Aborde
                },
                lesson_id: Some(lesson.id),
                comment: None,
                source: Some(crate::booklet::Source::Lesson),
                evaluated_on: Some(lesson.starts_at.with_timezone(&Paris).date_naive()),
            })
            .collect();
    crate::booklet::record(work, student, lesson.instructor_id, &evaluations, Utc::now().date_naive())
        .await
        .map_err(|e| anyhow::anyhow!("demo booklet: {e:?}"))?;
    Ok(())
}

/// Plans, skipping what the rules or conflicts refuse (a demo school is not perfect either).
async fn try_plan(work: &mut Work, input: LessonInput) -> anyhow::Result<Option<crate::planning::Lesson>> {
    // A real office does not book a student beyond their hours: check first, skip if short.
    if input.kind == LessonKind::Driving {
        match service::plan(work, input.clone(), None, None, true).await {
            Ok(p) if p.warnings.iter().any(|w| w.code == "insufficient_hours") => return Ok(None),
            Ok(_) => {}
            Err(AppError::Conflict { .. } | AppError::Unprocessable { .. }) => return Ok(None),
            Err(e) => return Err(anyhow::anyhow!("demo planning: {e:?}")),
        }
    }
    match service::plan(work, input, None, None, false).await {
        Ok(p) => Ok(Some(p.lesson)),
        Err(e @ (AppError::Conflict { .. } | AppError::Unprocessable { .. })) => {
            tracing::debug!(error = ?e, "demo planning: slot skipped");
            Ok(None)
        }
        Err(e) => Err(anyhow::anyhow!("demo planning: {e:?}")),
    }
}

pub async fn seed(
    pool: &PgPool,
    tenant: TenantId,
    instructors: &[Uuid],
    cars: &[Uuid],
    room: Option<Uuid>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let mut work = Work::system(pool, tenant).await?;
    // Students who may drive: active, registered, with hours; grouped by referent.
    let drivers: Vec<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT id, referent_instructor_id FROM students
          WHERE tenant_id = $1 AND status = 'active' AND ants_status = 'validated' ORDER BY sort_key",
    )
    .bind(tenant.0)
    .fetch_all(&mut *work)
    .await?;
    // The student linked to the demo student account.
    let eleve: Option<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT id, referent_instructor_id FROM students WHERE tenant_id = $1 AND user_id IS NOT NULL LIMIT 1",
    )
    .bind(tenant.0)
    .fetch_optional(&mut *work)
    .await?;
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let now = Utc::now();
    // An exam day next week: three candidates, their instructor and a car for the morning.
    let exam_day = monday + Duration::weeks(1) + Duration::days(3);
    let mut exam = lesson(LessonKind::Exam, exam_day, 8, 180);
    exam.instructor_id = instructors.get(2).copied();
    exam.vehicle_id = cars.first().copied();
    exam.attendee_ids = drivers.iter().rev().take(3).map(|(s, _)| *s).collect();
    exam.meeting_point = Some("Centre d'examen de Tours-Nord".into());
    // Planned first: the exam day has priority over ordinary lessons.
    try_plan(&mut work, exam).await?;
    let mut count = 0usize;
    let mut progress: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for week in -4i64..4 {
        for weekday in 0..5i64 {
            let day = monday + Duration::weeks(week) + Duration::days(weekday);
            for (i, instructor) in instructors.iter().enumerate() {
                let theirs: Vec<Uuid> =
                    drivers.iter().filter(|(_, r)| *r == Some(*instructor)).map(|(s, _)| *s).collect();
                for (k, hour) in SLOTS[i % SLOTS.len()].iter().enumerate() {
                    let Some(student) = theirs.get((count + k) % theirs.len().max(1)).copied() else { continue };
                    count += 1;
                    let mut input = lesson(LessonKind::Driving, day, *hour, if k == 0 { 60 } else { 120 });
                    input.student_id = Some(student);
                    input.instructor_id = Some(*instructor);
                    input.vehicle_id = cars.get(i % cars.len().max(1)).copied();
                    input.meeting_point = Some(if k == 0 { "Agence" } else { "Gare de Tours" }.into());
                    let Some(planned) = try_plan(&mut work, input).await? else { continue };
                    if planned.ends_at < now {
                        match count % 17 {
                            3 => drop(service::no_show(&mut work, &planned).await),
                            7 => drop(
                                service::cancel(&mut work, &planned, Some("Malade"), CancelledBy::Student, false).await,
                            ),
                            11 => {} // left to be marked: the office sees it in its alerts
                            _ => {
                                if service::complete(&mut work, &planned, Some("Bonne progression.")).await.is_ok() {
                                    let done = progress.entry(student).or_insert(0usize);
                                    *done += 1;
                                    evaluate_after(&mut work, &planned, *done).await?;
                                }
                            }
                        }
                    } else if count % 19 == 5 {
                        drop(
                            service::cancel(
                                &mut work,
                                &planned,
                                Some("Moniteur en formation"),
                                CancelledBy::School,
                                true,
                            )
                            .await,
                        );
                    }
                }
            }
        }
        // The demo student account's own weekly lesson, Saturday morning with their referent.
        if let Some((eleve, referent)) = eleve {
            let day = monday + Duration::weeks(week) + Duration::days(5);
            let mut input = lesson(LessonKind::Driving, day, 9, 60);
            input.student_id = Some(eleve);
            input.instructor_id = referent;
            input.vehicle_id = cars.first().copied();
            input.meeting_point = Some("Agence".into());
            if let Some(planned) = try_plan(&mut work, input).await?
                && planned.ends_at < now
                && service::complete(&mut work, &planned, Some("Créneaux, rétroviseurs : acquis.")).await.is_ok()
            {
                let done = progress.entry(eleve).or_insert(0usize);
                *done += 1;
                evaluate_after(&mut work, &planned, *done).await?;
            }
        }
        // Two code sessions a week in the code room, with eight attendees.
        for (weekday, hour) in [(2i64, 18u32), (5, 10)] {
            let day = monday + Duration::weeks(week) + Duration::days(weekday);
            let mut input = lesson(LessonKind::Code, day, hour, 90);
            input.room_id = room;
            let offset = usize::try_from(week + 4).unwrap_or(0) * 3;
            input.attendee_ids = drivers.iter().skip(offset % drivers.len().max(1)).take(8).map(|(s, _)| *s).collect();
            if let Some(session) = try_plan(&mut work, input).await?
                && session.ends_at < now
            {
                drop(service::complete(&mut work, &session, None).await);
            }
        }
    }
    work.commit().await?;
    Ok(())
}

/// Two requests waiting for the office: the demo student asks to cancel their next lesson, the
/// demo instructor to move one of theirs by an hour.
pub async fn seed_change_requests(pool: &PgPool, tenant: TenantId, eleve: Uuid, moniteur: Uuid) -> anyhow::Result<()> {
    use crate::change_requests::{RequestKind, repo};
    let mut tx = db::begin_tenant(pool, tenant).await?;
    let next_of = |student: bool| {
        let filter = if student {
            "l.student_id = (SELECT id FROM students WHERE tenant_id = $1 AND user_id = $2)"
        } else {
            "l.instructor_id = (SELECT id FROM instructors WHERE tenant_id = $1 AND user_id = $2) AND l.kind = 'driving'"
        };
        format!(
            "SELECT l.id, l.starts_at, l.ends_at FROM lessons l WHERE l.tenant_id = $1 AND {filter}
                AND l.status = 'planned' AND l.starts_at > now() + interval '2 days' ORDER BY l.starts_at LIMIT 1"
        )
    };
    type Next = Option<(Uuid, chrono::DateTime<Utc>, chrono::DateTime<Utc>)>;
    for (user, student) in [(eleve, true), (moniteur, false)] {
        let next: Next = sqlx::query_as(sqlx::AssertSqlSafe(next_of(student)))
            .bind(tenant.0)
            .bind(user)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((lesson_id, starts_at, ends_at)) = next else { continue };
        let row = repo::NewRow {
            id: Uuid::now_v7(),
            lesson_id,
            kind: if student { RequestKind::Cancel } else { RequestKind::Move },
            reason: Some(if student { "Convocation au lycée ce jour-là." } else { "Rendez-vous médical le matin." }),
            proposed: (!student).then(|| (starts_at + Duration::hours(1), ends_at + Duration::hours(1))),
            requested_by: user,
            requester_role: if student { "STUDENT" } else { "INSTRUCTOR" },
        };
        repo::insert(&mut tx, tenant, &row).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The waitlist: Léa Martin (the demo student) waits for any free hour of the week, two others
/// for their evenings and Saturdays; then the school cancels a lesson of another student, which
/// offers its slot to them at once (Léa finds the offer on "Liste d'attente").
pub async fn seed_waitlist(pool: &PgPool, tenant: TenantId, eleve_user: Uuid) -> anyhow::Result<()> {
    use crate::planning::waitlist::{self, WaitlistInput};
    use volant_domain::schedule::WeeklyRange;
    let mut work = Work::system(pool, tenant).await?;
    work.tells = true;
    let range = |weekday: u8, start: &str, end: &str| WeeklyRange { weekday, start: start.into(), end: end.into() };
    let lea: Option<Uuid> = sqlx::query_scalar("SELECT id FROM students WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant.0)
        .bind(eleve_user)
        .fetch_optional(&mut *work)
        .await?;
    let others: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM students WHERE tenant_id = $1 AND status = 'active' AND ants_status = 'validated'
            AND user_id IS NULL ORDER BY last_name, first_name LIMIT 2",
    )
    .bind(tenant.0)
    .fetch_all(&mut *work)
    .await?;
    let week = (1..=6).map(|d| range(d, "08:00", "20:00")).collect();
    let evenings =
        [(1..=5).map(|d| range(d, "17:00", "20:00")).collect::<Vec<_>>(), vec![range(6, "08:00", "13:00")]].concat();
    let wishes = lea.map(|l| (l, week)).into_iter().chain(others.into_iter().map(|o| (o, evenings.clone())));
    for (student_id, windows) in wishes {
        let input = WaitlistInput { student_id, windows, instructor_ids: vec![], note: None };
        waitlist::join(&mut work, input).await.map_err(|e| anyhow::anyhow!("demo waitlist: {e:?}"))?;
    }
    // The next lesson two days ahead or more of a student with no account, cancelled by the school.
    let freed: Option<Uuid> = sqlx::query_scalar(
        "SELECT l.id FROM lessons l JOIN students s ON s.tenant_id = l.tenant_id AND s.id = l.student_id
          WHERE l.tenant_id = $1 AND s.user_id IS NULL AND l.kind = 'driving' AND l.status = 'planned'
            AND l.starts_at > now() + interval '2 days'
          ORDER BY l.starts_at LIMIT 1",
    )
    .bind(tenant.0)
    .fetch_optional(&mut *work)
    .await?;
    if let Some(id) = freed {
        let lesson = service::visible(&mut work, id, true).await?;
        let reason = Some("Élève malade");
        service::cancel(&mut work, &lesson, reason, CancelledBy::Student, true)
            .await
            .map_err(|e| anyhow::anyhow!("demo waitlist: {e:?}"))?;
    }
    work.commit().await?;
    Ok(())
}
