//! Places and bookings through the school's RdvPermis grant.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{ExamCentre, ExamCentres, NewRdvBooking, PlacesQuery, RdvBooking, RdvBookings, RdvPlace, RdvPlaces, repo};
use crate::{
    auth::Ctx,
    connectors::{ConnectorName, Remote, RemoteError, oauth::Grant, service as connectors},
    error::{AppError, AppResult, violated_constraint},
    exams::{
        self, ExamKind, ExamResult, ExamUpdate, NewExam,
        service::{booker, record, update_exam, visible_exam},
    },
    state::AppState,
    students,
    work::Work,
};

const NAME: ConnectorName = ConnectorName::Rdvpermis;

/// What a failed call means for the office.
fn refused(e: RemoteError) -> AppError {
    match e {
        RemoteError::NotConfigured | RemoteError::NotAuthorized => {
            AppError::rule("rdvpermis_connector", e.message(NAME))
        }
        RemoteError::Refused { status: 409, .. } => AppError::Conflict {
            detail: "Cette place vient d'être réservée ailleurs : choisissez-en une autre.".into(),
            conflicts: json!([]),
        },
        RemoteError::Refused { status: 404, .. } => AppError::field("place_id", "Cette place n'existe pas (ou plus)."),
        RemoteError::Refused { message, .. } => {
            AppError::rule("rdvpermis_refused", format!("RdvPermis refuse : {message}."))
        }
        _ => AppError::Unavailable,
    }
}

/// The school's connection, granted; else the office is told who connects it.
async fn remote(work: &mut Work, state: &AppState) -> AppResult<Remote> {
    let tenant = work.tenant();
    let granted = connectors::get(work, tenant, NAME).await?.authorized == Some(true);
    match connectors::remote(work, state, tenant, NAME).await? {
        Some(remote) if granted => Ok(remote),
        _ => Err(refused(RemoteError::NotAuthorized)),
    }
}

#[derive(Deserialize)]
struct Items<T> {
    items: Vec<T>,
}

async fn fetch_centres(remote: &Remote) -> Result<Vec<ExamCentre>, RemoteError> {
    let page: Items<ExamCentre> = Grant::new(remote)
        .call("centres", "GET /v1/centres", None, |t| remote.request(Method::GET, "/v1/centres").bearer_auth(t))
        .await?;
    Ok(page.items)
}

pub async fn centres(work: &mut Work, state: &AppState) -> AppResult<ExamCentres> {
    let remote = remote(work, state).await?;
    Ok(ExamCentres { items: fetch_centres(&remote).await.map_err(refused)? })
}

/// The free places, soonest first, with their centre's name.
pub async fn places(work: &mut Work, state: &AppState, q: &PlacesQuery) -> AppResult<RdvPlaces> {
    let remote = remote(work, state).await?;
    let centres = fetch_centres(&remote).await.map_err(refused)?;
    let mut query: Vec<(&str, String)> = Vec::new();
    if let Some(c) = q.centre.as_deref().filter(|c| !c.is_empty()) {
        query.push(("centre", c.to_owned()));
    }
    if let Some(from) = q.from {
        query.push(("from", from.to_rfc3339()));
    }
    if let Some(to) = q.to {
        query.push(("to", to.to_rfc3339()));
    }
    let page: Items<RdvPlace> = Grant::new(&remote)
        .call("places", "GET /v1/places", None, |t| {
            remote.request(Method::GET, "/v1/places").bearer_auth(t).query(&query)
        })
        .await
        .map_err(refused)?;
    let mut items = page.items;
    for place in &mut items {
        place.centre_name = centres.iter().find(|c| c.id == place.centre_id).map(|c| c.name.clone());
    }
    items.sort_by(|a, b| (a.starts_at, &a.id).cmp(&(b.starts_at, &b.id)));
    Ok(RdvPlaces { items })
}

#[derive(Deserialize)]
struct RemotePlace {
    centre_id: String,
    starts_at: chrono::DateTime<chrono::Utc>,
    free: bool,
}

#[derive(Deserialize)]
struct RemoteBooking {
    id: String,
}

/// Books a place: the eligibility rules and the exam with its accompaniment lesson first, in this
/// transaction, then the platform's yes; a refusal rolls everything back.
pub async fn book(work: &mut Work, state: &AppState, ctx: &Ctx, input: NewRdvBooking) -> AppResult<RdvBooking> {
    let tenant = work.tenant();
    let student = students::service::visible(work, input.student_id, true).await?;
    let remote = remote(work, state).await?;
    let path = format!("/v1/places/{}", urlencode(&input.place_id));
    let place: RemotePlace = Grant::new(&remote)
        .call("place", &format!("GET {path}"), Some(student.id), |t| remote.request(Method::GET, &path).bearer_auth(t))
        .await
        .map_err(refused)?;
    if !place.free {
        return Err(refused(RemoteError::Refused { status: 409, message: String::new() }));
    }
    let centre = fetch_centres(&remote)
        .await
        .map_err(refused)?
        .into_iter()
        .find(|c| c.id == place.centre_id)
        .map_or(place.centre_id.clone(), |c| c.name);
    let Some(instructor_id) = input.instructor_id.or(student.referent_instructor_id) else {
        return Err(AppError::field(
            "instructor_id",
            "Choisissez le moniteur qui accompagne : l'élève n'a pas de moniteur référent.",
        ));
    };
    let vehicle_id = match input.vehicle_id {
        Some(v) => v,
        None => repo::last_vehicle(work, tenant, student.id)
            .await?
            .ok_or_else(|| AppError::field("vehicle_id", "Choisissez le véhicule de l'examen."))?,
    };
    let exam = NewExam {
        student_id: student.id,
        kind: ExamKind::Practical,
        scheduled_at: place.starts_at,
        centre: Some(centre.clone()),
        result: ExamResult::Pending,
        score: None,
        eliminatory: false,
        excused: false,
        cancelled_at: None,
        instructor_id: Some(instructor_id),
        vehicle_id: Some(vehicle_id),
        comment: Some("Place réservée sur RdvPermis".into()),
        override_reason: input.override_reason.clone(),
    };
    let exam = record(work, &booker(ctx), &student, exam, None).await?;
    // One key per student and place: a retried booking is the same booking on the platform.
    let key = format!("{}:{}:{}", tenant.0, student.id, input.place_id);
    let body = json!({"place_id": input.place_id, "neph": student.neph, "category": "B"});
    let booked: RemoteBooking = Grant::new(&remote)
        .call("book", "POST /v1/bookings", Some(student.id), |t| {
            remote.request(Method::POST, "/v1/bookings").bearer_auth(t).header("Idempotency-Key", &key).json(&body)
        })
        .await
        .map_err(refused)?;
    let booking = RdvBooking {
        id: Uuid::now_v7(),
        student_id: student.id,
        exam_id: exam.id,
        place_id: input.place_id,
        remote_id: booked.id,
        centre,
        starts_at: place.starts_at,
        status: "booked".into(),
        created_at: chrono::Utc::now(),
    };
    if let Err(e) = repo::insert(work, tenant, &booking).await {
        release(&remote, &booking.remote_id).await;
        return Err(match violated_constraint(&e) {
            Some("rdvpermis_bookings_one_per_place") => {
                refused(RemoteError::Refused { status: 409, message: String::new() })
            }
            _ => e.into(),
        });
    }
    let saved = repo::get(work, tenant, booking.id, false).await?.ok_or(AppError::NotFound)?;
    work.audit().created("rdvpermis_booking", saved.id, &saved).await?;
    Ok(saved)
}

/// Gives a place back to the platform (best effort: a booking we could not record).
async fn release(remote: &Remote, remote_id: &str) {
    let path = format!("/v1/bookings/{}", urlencode(remote_id));
    let call = Grant::new(remote)
        .call::<serde_json::Value>("cancel", &format!("DELETE {path}"), None, |t| {
            remote.request(Method::DELETE, &path).bearer_auth(t)
        })
        .await;
    if let Err(e) = call {
        tracing::warn!(error = ?e, "RdvPermis: a booking could not be given back");
    }
}

/// Cancels a booking: the place goes back to the platform, the exam is cancelled (its
/// accompaniment left), the booking kept as cancelled.
pub async fn cancel(work: &mut Work, state: &AppState, ctx: &Ctx, id: Uuid) -> AppResult<RdvBooking> {
    let tenant = work.tenant();
    let booking = repo::get(work, tenant, id, true).await?.ok_or(AppError::NotFound)?;
    if booking.status != "booked" {
        return Err(AppError::rule("rdvpermis_status", "Cette réservation est déjà annulée."));
    }
    let remote = remote(work, state).await?;
    let path = format!("/v1/bookings/{}", urlencode(&booking.remote_id));
    let gone = Grant::new(&remote)
        .call::<serde_json::Value>("cancel", &format!("DELETE {path}"), Some(booking.student_id), |t| {
            remote.request(Method::DELETE, &path).bearer_auth(t)
        })
        .await;
    match gone {
        // 204 has no body to read; a booking the platform no longer knows is cancelled too.
        Ok(_) | Err(RemoteError::Unexpected(_)) | Err(RemoteError::Refused { status: 404, .. }) => {}
        Err(e) => return Err(refused(e)),
    }
    let exam = visible_exam(work, booking.exam_id, true).await?;
    if exam.result == ExamResult::Pending {
        let fields = ExamUpdate {
            scheduled_at: exam.scheduled_at,
            centre: exam.centre.clone(),
            result: ExamResult::Cancelled,
            score: None,
            eliminatory: false,
            excused: exam.excused,
            cancelled_at: None,
            comment: exam.comment.clone(),
            override_reason: None,
        };
        update_exam(work, &booker(ctx), exam, fields).await?;
    }
    repo::cancel(work, tenant, id).await?;
    let after = repo::get(work, tenant, id, false).await?.ok_or(AppError::NotFound)?;
    work.audit().updated("rdvpermis_booking", id, &booking, &after).await?;
    Ok(after)
}

pub async fn list(work: &mut Work) -> AppResult<RdvBookings> {
    let tenant = work.tenant();
    Ok(RdvBookings { items: repo::list(work, tenant).await? })
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Queues, for each school with tests awaiting their result, one read of the results per period.
pub async fn enqueue_results(pool: &sqlx::PgPool, every_secs: u64) -> anyhow::Result<usize> {
    let period = chrono::Utc::now().timestamp() / i64::try_from(every_secs.max(1)).unwrap_or(3600);
    let mut queued = 0;
    for tenant in crate::school::active_ids(pool).await? {
        let mut tx = crate::db::begin_tenant(pool, tenant).await?;
        if !repo::awaiting_result(&mut tx, tenant).await?.is_empty() {
            let key = format!("results:{}:{period}", tenant.0);
            queued += usize::from(
                crate::jobs::enqueue_once(&mut tx, Some(tenant), super::RESULTS, &key, &json!({}), None).await?,
            );
        }
        tx.commit().await?;
    }
    Ok(queued)
}

#[derive(Deserialize)]
struct RemoteResult {
    booking_id: String,
    result: ExamResult,
}

/// The results job: reads the platform's results and writes each awaited one in the exam history.
pub async fn run_results(state: AppState, job: crate::jobs::Job) -> anyhow::Result<()> {
    use anyhow::Context;
    let tenant = volant_domain::ids::TenantId(job.tenant_id.context("a results job without a school")?);
    let mut work = Work::system(&state.pool, tenant).await?;
    if repo::awaiting_result(&mut work, tenant).await?.is_empty() {
        return Ok(());
    }
    let Ok(remote) = remote(&mut work, &state).await else { return Ok(()) };
    work.commit().await?;
    let page: Items<RemoteResult> = Grant::new(&remote)
        .call("results", "GET /v1/results", None, |t| remote.request(Method::GET, "/v1/results").bearer_auth(t))
        .await
        .map_err(|e| anyhow::anyhow!(e.message(NAME)))?;
    let mut work = Work::system(&state.pool, tenant).await?;
    for booking in repo::awaiting_result(&mut work, tenant).await? {
        let Some(found) = page.items.iter().find(|r| r.booking_id == booking.remote_id) else { continue };
        if !found.result.needs_the_date_passed() {
            continue;
        }
        let exam = visible_exam(&mut work, booking.exam_id, true).await?;
        let fields = ExamUpdate {
            scheduled_at: exam.scheduled_at,
            centre: exam.centre.clone(),
            result: found.result,
            score: exam.score,
            eliminatory: exam.eliminatory,
            excused: exam.excused,
            cancelled_at: None,
            comment: exam.comment.clone(),
            override_reason: None,
        };
        update_exam(&mut work, &exams::service::Booker { may_override: false }, exam, fields).await?;
    }
    work.commit().await?;
    Ok(())
}
