//! Analytics (SPEC § 6.7): how the school is doing over a period of its own days, computed on
//! read from the planning, the exams, the students and the fiscal records (no second source of
//! truth). Definitions: `docs/analytics.md`.

pub mod repo;
pub mod routes;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use volant_domain::{analytics::rate_bp, ids::TenantId, recurrence::local_to_utc};

use crate::{
    error::{AppError, AppResult},
    work::Work,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day (school time), included; default: a year before `to`.
    pub from: Option<NaiveDate>,
    /// Last day, included; default: today.
    pub to: Option<NaiveDate>,
    /// Only this agency's students and lessons.
    pub agency_id: Option<Uuid>,
}

/// The days asked, and the same as instants in the school's time zone.
#[derive(Clone, Copy, Debug)]
pub struct Period {
    pub tenant: TenantId,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agency: Option<Uuid>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
}

/// The longest period asked at once: ten years.
const MAX_DAYS: i64 = 3_660;

impl Period {
    pub fn of(work: &Work, q: &PeriodQuery) -> AppResult<Period> {
        let to = q.to.unwrap_or_else(|| work.school.today());
        let from = q.from.unwrap_or_else(|| to - Duration::days(364));
        if from > to {
            return Err(AppError::field("from", "Le début de la période doit précéder sa fin."));
        }
        if (to - from).num_days() > MAX_DAYS {
            return Err(AppError::field("from", "La période couvre dix ans au plus."));
        }
        let tz = work.tz();
        let midnight = |d: NaiveDate| local_to_utc(tz, d.and_hms_opt(0, 0, 0).unwrap_or_default());
        Ok(Period {
            tenant: work.tenant(),
            from,
            to,
            agency: q.agency_id,
            starts: midnight(from),
            ends: midnight(to + Duration::days(1)),
        })
    }
}

/// Passed over attempts (a result entered as passed or failed; absences and cancellations are
/// not attempts).
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Rate {
    pub attempts: i64,
    pub passed: i64,
    /// Basis points (10 000 = 100 %); none without attempts.
    pub rate_bp: Option<i64>,
}

impl Rate {
    pub fn new(attempts: i64, passed: i64) -> Rate {
        Rate { attempts, passed, rate_bp: rate_bp(passed, attempts) }
    }
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct PassRates {
    /// Attempts that were the student's first of that kind.
    pub first_attempt: Rate,
    pub overall: Rate,
    /// The national rate for comparison, when a source for it is held (none yet).
    pub national_rate_bp: Option<i64>,
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct WeekHours {
    /// The Monday of the week (school time).
    pub week_start: NaiveDate,
    pub done_minutes: i64,
    pub planned_minutes: i64,
    pub cancelled_minutes: i64,
    pub no_show_minutes: i64,
}

/// Driving lessons of the period and what became of them.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Attendance {
    /// Driving lessons that started in the period, whatever became of them.
    pub lessons: i64,
    pub done: i64,
    pub cancelled_by_student: i64,
    pub cancelled_by_school: i64,
    pub no_shows: i64,
    /// Cancelled over all lessons of the period.
    pub cancellation_rate_bp: Option<i64>,
    /// No-shows over the lessons that were due (done or no-show).
    pub no_show_rate_bp: Option<i64>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MonthRevenue {
    /// `YYYY-MM`.
    pub month: String,
    /// Invoices less credit notes issued, VAT included.
    pub invoiced_cents: i64,
    /// Payments less refunds received.
    pub collected_cents: i64,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Revenue {
    pub invoiced_cents: i64,
    pub collected_cents: i64,
    pub months: Vec<MonthRevenue>,
}

#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct HoursToExam {
    /// Students whose first practical test fell in the period.
    pub students: i64,
    /// Their average driving time done before it.
    pub average_minutes: Option<i64>,
}

/// The students registered in the period: how many became students (left the prospect status)
/// and how many have passed the practical test since.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct Funnel {
    pub registered: i64,
    pub became_students: i64,
    pub licensed: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Overview {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agency_id: Option<Uuid>,
    pub theory: PassRates,
    pub practical: PassRates,
    pub weeks: Vec<WeekHours>,
    pub attendance: Attendance,
    pub hours_to_first_practical: HoursToExam,
    pub revenue: Revenue,
    pub funnel: Funnel,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InstructorFigures {
    pub instructor_id: Uuid,
    pub name: String,
    pub lessons_done: i64,
    pub minutes_done: i64,
    pub no_shows: i64,
    pub cancellations: i64,
    /// Driving time planned or done in the instructor's busiest week of the period.
    pub busiest_week_minutes: i64,
    /// That week went past the legal 35 hours.
    pub overbooked: bool,
    /// The practical tests the instructor accompanied: first attempts.
    pub practical_first_attempt: Rate,
}

pub async fn overview(work: &mut Work, period: &Period) -> AppResult<Overview> {
    let tz = work.tz().name().to_owned();
    let (theory, practical) = repo::pass_rates(work, period).await?;
    let weeks = repo::weeks(work, period, &tz).await?;
    let attendance = repo::attendance(work, period).await?;
    let hours_to_first_practical = repo::hours_to_first_practical(work, period).await?;
    let revenue = repo::revenue(work, period, &tz).await?;
    let funnel = repo::funnel(work, period).await?;
    Ok(Overview {
        from: period.from,
        to: period.to,
        agency_id: period.agency,
        theory,
        practical,
        weeks,
        attendance,
        hours_to_first_practical,
        revenue,
        funnel,
    })
}

/// The month `YYYY-MM` as a period.
pub fn month(work: &Work, text: &str) -> AppResult<Period> {
    let bad = || AppError::field("month", "Le mois s'écrit AAAA-MM (par exemple 2026-11).");
    let first = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(bad)?;
    Period::of(work, &PeriodQuery { from: Some(first), to: Some(next - Duration::days(1)), agency_id: None })
}
