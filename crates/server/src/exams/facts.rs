//! What the eligibility rules need to know about a student, read in the caller's transaction.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;
use uuid::Uuid;
use volant_domain::{
    eligibility::{self, AacFacts, AttemptOutcome, Eligibility, Facts, PracticalAttempt, Settings, Training},
    ids::TenantId,
};

use super::{Exam, ExamKind, ExamResult, repo};
use crate::{
    error::AppResult,
    students::{AntsStatus, Student, StudentCategory, TrainingMode},
};

/// The school's zone and its exam settings, read once per request.
pub struct School {
    pub tz: Tz,
    pub settings: Settings,
}

impl School {
    /// The local date of an instant in the school's zone.
    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    pub fn today(&self) -> NaiveDate {
        self.date_of(Utc::now())
    }
}

/// Reads the school's zone and exam settings (`settings.exams` overrides single fields).
pub async fn school(conn: &mut PgConnection, tenant: TenantId) -> AppResult<School> {
    let school = crate::school::read(conn, tenant).await?;
    Ok(School { tz: school.tz, settings: school.settings.eligibility() })
}

/// Minutes of driving lessons done by the student.
pub async fn driving_minutes_done(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> AppResult<i64> {
    let minutes: Option<i64> = sqlx::query_scalar(
        "SELECT sum(extract(epoch FROM ends_at - starts_at))::bigint / 60 FROM lessons
          WHERE tenant_id = $1 AND student_id = $2 AND kind = 'driving' AND status = 'done'",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_one(conn)
    .await?;
    Ok(minutes.unwrap_or(0))
}

/// The AFFI date: on the file, or from the booklet's AFFI assessment.
async fn affi_on(conn: &mut PgConnection, tenant: TenantId, s: &Student) -> AppResult<Option<NaiveDate>> {
    if let Some(on) = s.aac.as_ref().and_then(|a| a.affi_on) {
        return Ok(Some(on));
    }
    Ok(sqlx::query_scalar(
        "SELECT max(date) FROM booklet_assessments WHERE tenant_id = $1 AND student_id = $2 AND kind = 'affi'",
    )
    .bind(tenant.0)
    .bind(s.id)
    .fetch_one(conn)
    .await?)
}

/// A past practical test as the waiting-period rule sees it (pending ones do not count).
fn attempt(e: &Exam, tz: Tz) -> Option<PracticalAttempt> {
    let date = e.scheduled_at.with_timezone(&tz).date_naive();
    let outcome = match e.result {
        ExamResult::Pending => return None,
        ExamResult::Passed => AttemptOutcome::Passed,
        ExamResult::Failed => {
            AttemptOutcome::Failed { score: e.score.and_then(|s| u8::try_from(s).ok()), eliminatory: e.eliminatory }
        }
        ExamResult::Absent => AttemptOutcome::Absent { excused: e.excused },
        ExamResult::Cancelled => AttemptOutcome::Cancelled {
            excused: e.excused,
            cancelled_on: e.cancelled_at.map_or(date, |c| c.with_timezone(&tz).date_naive()),
        },
    };
    Some(PracticalAttempt { date, outcome })
}

/// Evaluates the rules for a practical test on `exam_date`, booked on `today`.
pub async fn eligibility(
    conn: &mut PgConnection,
    tenant: TenantId,
    school: &School,
    s: &Student,
    (exam_date, today): (NaiveDate, NaiveDate),
) -> AppResult<Eligibility> {
    let tz = school.tz;
    let exams = repo::of_student(conn, tenant, s.id).await?;
    let theory_passes = exams
        .iter()
        .filter(|e| e.kind == ExamKind::Theory && e.result == ExamResult::Passed)
        .map(|e| e.scheduled_at.with_timezone(&tz).date_naive())
        .collect();
    let practical_attempts =
        exams.iter().filter(|e| e.kind == ExamKind::Practical).filter_map(|e| attempt(e, tz)).collect();
    let booklet = crate::booklet::read(conn, tenant, s.id).await?;
    let aac = AacFacts {
        affi_on: affi_on(conn, tenant, s).await?,
        accompanied_km: s.aac.as_ref().and_then(|a| a.accompanied_km),
        pedagogical_meetings: s.aac.as_ref().map(|a| a.pedagogical_meetings.clone()).unwrap_or_default(),
    };
    let facts = Facts {
        exam_date,
        booking_date: today,
        birth_date: s.birth_date,
        has_neph: s.neph.is_some(),
        ants_validated: s.ants_status == AntsStatus::Validated,
        automatic_only: s.category == StudentCategory::B78,
        training: match s.training_mode {
            TrainingMode::Traditional => Training::Traditional,
            TrainingMode::Aac => Training::Aac,
            TrainingMode::Supervised => Training::Supervised,
        },
        theory_passes,
        driving_minutes_done: driving_minutes_done(conn, tenant, s.id).await?,
        transfer_in_minutes: crate::students::hours::transfer_in_minutes(conn, tenant, s.id).await?,
        start_evaluation_on: s.start_evaluation.as_ref().map(|e| e.date),
        contract_signed_on: s.contract_signed_on,
        booklet_items: u32::try_from(booklet.item_count).unwrap_or(u32::MAX),
        booklet_acquired: u32::try_from(booklet.acquired).unwrap_or(0),
        practical_attempts,
        aac,
        balance_cents: Some(crate::billing::service::balance(conn, tenant, s.id).await?),
    };
    Ok(eligibility::evaluate(&facts, &school.settings))
}
