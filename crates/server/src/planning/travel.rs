//! The instructor's trips between consecutive lessons of a day at different meeting points:
//! the legs the rule `travel_time` checks for a lesson being planned, and the gaps the calendar
//! draws. A lesson names its meeting point by label; the agency's meeting points carry the
//! coordinates (and the school's settings the measured trips and the estimate).

use axum::{Json, extract::State};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use volant_domain::{
    ids::TenantId,
    recurrence::local_to_utc,
    travel::{self, Leg, Place},
};

use crate::{
    agencies,
    auth::{Ctx, Permission, Viewer},
    error::{AppError, AppResult},
    http::json::ApiQuery,
    school::PlanningSettings,
    state::AppState,
};

/// One engagement of an instructor, as the trips see it.
#[derive(Clone, Debug, sqlx::FromRow)]
struct Stop {
    id: Uuid,
    instructor_id: Uuid,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    meeting_point: Option<String>,
    agency_id: Uuid,
}

/// The meeting point a lesson names, preferring its own agency's.
fn place_of<'a>(places: &'a [(Uuid, Place)], label: Option<&str>, agency: Uuid) -> Option<&'a Place> {
    let label = label?.trim();
    let same = |p: &&(Uuid, Place)| p.1.label.trim().eq_ignore_ascii_case(label);
    places.iter().filter(same).find(|p| p.0 == agency).or_else(|| places.iter().find(same)).map(|p| &p.1)
}

/// The trip from `a` to `b` when both places are known and differ.
fn leg(places: &[(Uuid, Place)], a: &Stop, b: &Stop, settings: &PlanningSettings) -> Option<Leg> {
    let from = place_of(places, a.meeting_point.as_deref(), a.agency_id)?;
    let to = place_of(places, b.meeting_point.as_deref(), b.agency_id)?;
    if from.id == to.id {
        return None;
    }
    let needed = travel::minutes_between(from, to, &settings.measured_legs, settings.estimate())?;
    Some(Leg {
        from: from.label.clone(),
        to: to.label.clone(),
        needed,
        available: (b.starts_at - a.ends_at).num_minutes(),
    })
}

/// The local day around an instant: the trips of another day do not count.
fn day_bounds(tz: Tz, at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let date = at.with_timezone(&tz).date_naive();
    let midnight = |d: chrono::NaiveDate| local_to_utc(tz, d.and_time(chrono::NaiveTime::MIN));
    (midnight(date), midnight(date + Duration::days(1)))
}

/// What a lesson being planned asks of the trip rule.
pub struct Planned<'a> {
    pub id: Option<Uuid>,
    pub instructor: Uuid,
    pub period: (DateTime<Utc>, DateTime<Utc>),
    pub meeting_point: Option<&'a str>,
    pub agency: Uuid,
}

/// The legs from the instructor's previous engagement of the day to this lesson and from it to
/// the next one.
pub async fn legs(
    conn: &mut PgConnection,
    tenant: TenantId,
    tz: Tz,
    lesson: &Planned<'_>,
    settings: &PlanningSettings,
) -> AppResult<Vec<Leg>> {
    if lesson.meeting_point.is_none() {
        return Ok(vec![]);
    }
    let (starts, ends) = lesson.period;
    let (day_start, day_end) = day_bounds(tz, starts);
    let neighbours: Vec<Stop> = sqlx::query_as(
        "(SELECT id, instructor_id, starts_at, ends_at, meeting_point, agency_id FROM lessons
           WHERE tenant_id = $1 AND instructor_id = $2 AND status <> 'cancelled' AND kind <> 'unavailability'
             AND ends_at <= $3 AND starts_at >= $5 AND ($7::uuid IS NULL OR id <> $7)
           ORDER BY ends_at DESC LIMIT 1)
         UNION ALL
         (SELECT id, instructor_id, starts_at, ends_at, meeting_point, agency_id FROM lessons
           WHERE tenant_id = $1 AND instructor_id = $2 AND status <> 'cancelled' AND kind <> 'unavailability'
             AND starts_at >= $4 AND starts_at < $6 AND ($7::uuid IS NULL OR id <> $7)
           ORDER BY starts_at LIMIT 1)",
    )
    .bind(tenant.0)
    .bind(lesson.instructor)
    .bind(starts)
    .bind(ends)
    .bind(day_start)
    .bind(day_end)
    .bind(lesson.id)
    .fetch_all(&mut *conn)
    .await?;
    if neighbours.is_empty() {
        return Ok(vec![]);
    }
    let places = agencies::service::places(conn, tenant).await?;
    let this = Stop {
        id: lesson.id.unwrap_or_default(),
        instructor_id: lesson.instructor,
        starts_at: starts,
        ends_at: ends,
        meeting_point: lesson.meeting_point.map(str::to_owned),
        agency_id: lesson.agency,
    };
    Ok(neighbours
        .iter()
        .filter_map(|n| {
            if n.ends_at <= starts { leg(&places, n, &this, settings) } else { leg(&places, &this, n, settings) }
        })
        .collect())
}

/// A trip between two consecutive lessons of an instructor, as the calendar draws it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TravelGap {
    pub instructor_id: Uuid,
    pub from_lesson_id: Uuid,
    pub to_lesson_id: Uuid,
    pub from: String,
    pub to: String,
    /// The end of the first lesson.
    pub starts_at: DateTime<Utc>,
    /// The start of the second.
    pub ends_at: DateTime<Utc>,
    /// The trip's minutes.
    pub needed_minutes: i64,
    /// The minutes between the two lessons.
    pub available_minutes: i64,
    /// The trip does not fit in the gap.
    pub too_short: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct GapQuery {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    #[serde(default)]
    pub instructor_id: Option<Uuid>,
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(gaps))
}

/// The trips between consecutive lessons of each instructor, per day, for lessons at two known
/// and different meeting points (at most 31 days). The office reads every instructor's, an
/// instructor their own.
#[utoipa::path(operation_id = "travel_gaps", get, path = "/travel-gaps", tag = "planning", params(GapQuery),
    responses((status = 200, body = Vec<TravelGap>), (status = 400), (status = 401), (status = 403)))]
async fn gaps(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<GapQuery>,
) -> AppResult<Json<Vec<TravelGap>>> {
    let mut work = ctx.begin(&state, Permission::ReadTravelTimes).await?;
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(AppError::field("from", "Indiquez la période (« from » et « to »)."));
    };
    if to <= from || to - from > Duration::days(31) {
        return Err(AppError::field("to", "La période va de « from » à « to », 31 jours au plus."));
    }
    let instructor = match work.viewer {
        Viewer::Office => q.instructor_id,
        Viewer::Instructor(me) => Some(me),
        // An account with no instructor record has no trips.
        Viewer::Student(_) | Viewer::Nobody => Some(Uuid::nil()),
    };
    let tenant = work.tenant();
    let (tz, settings) = (work.school.tz, work.settings().planning.clone());
    let stops: Vec<Stop> = sqlx::query_as(
        "SELECT id, instructor_id, starts_at, ends_at, meeting_point, agency_id FROM lessons
          WHERE tenant_id = $1 AND instructor_id IS NOT NULL AND ($4::uuid IS NULL OR instructor_id = $4)
            AND status <> 'cancelled' AND kind <> 'unavailability' AND starts_at >= $2 AND starts_at < $3
          ORDER BY instructor_id, starts_at",
    )
    .bind(tenant.0)
    .bind(from)
    .bind(to)
    .bind(instructor)
    .fetch_all(&mut *work)
    .await?;
    let places = agencies::service::places(&mut work, tenant).await?;
    work.commit().await?;
    let same_day =
        |a: &Stop, b: &Stop| a.starts_at.with_timezone(&tz).date_naive() == b.starts_at.with_timezone(&tz).date_naive();
    let found = stops
        .windows(2)
        .filter(|w| w[0].instructor_id == w[1].instructor_id && same_day(&w[0], &w[1]))
        .filter_map(|w| {
            let leg = leg(&places, &w[0], &w[1], &settings)?;
            Some(TravelGap {
                instructor_id: w[0].instructor_id,
                from_lesson_id: w[0].id,
                to_lesson_id: w[1].id,
                starts_at: w[0].ends_at,
                ends_at: w[1].starts_at,
                needed_minutes: leg.needed,
                available_minutes: leg.available,
                too_short: leg.too_short(),
                from: leg.from,
                to: leg.to,
            })
        })
        .collect();
    Ok(Json(found))
}
