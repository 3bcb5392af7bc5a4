//! Queueing, transmitting and resending lessons, and the ETP preview.

use anyhow::Context;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use reqwest::Method;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;
use volant_domain::{
    ids::TenantId,
    livret::{AT_RISK_DAYS, EtpKind, EtpSettings, KindMinutes, figures},
};

use super::{EtpPreview, LivretTransmission, LivretTransmissions, TRANSMIT, repo};
use crate::{
    audit::Change,
    connectors::{ConnectorName, RemoteError, oauth::Grant, service as connectors},
    db::{self, from_text},
    error::{AppError, AppResult},
    jobs,
    state::AppState,
    work::Work,
};

/// How many transmissions one job makes; a job that had more adds the next.
const BATCH: usize = 100;

/// For each school that granted RdvPermis: queues the lessons done since the last pass, and adds
/// the school's transmission job when some wait and none is on its way (one job per school sends
/// them in order, so a newly connected school's history does not flood the outbox in front of
/// every school's mails). A school without a grant keeps no rows: its ETP preview reads the
/// lessons themselves.
pub async fn scan(pool: &PgPool) -> anyhow::Result<usize> {
    let mut queued = 0;
    for tenant in crate::school::active_ids(pool).await? {
        let mut tx = db::begin_tenant(pool, tenant).await?;
        if connectors::get(&mut tx, tenant, ConnectorName::Rdvpermis).await?.authorized != Some(true) {
            continue;
        }
        repo::queue_new(&mut tx, tenant).await?;
        if !repo::to_send(&mut tx, tenant, 1).await?.is_empty() {
            queued += usize::from(jobs::enqueue_unless_waiting(&mut tx, tenant, TRANSMIT).await?);
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// The school's transmission job: the waiting lessons one call each, with each transmission's
/// key, answers recorded as they come. A fault stops the batch and the outbox retries it (what
/// was accepted is not sent again; what was on its way goes with the same key); a refusal says
/// what to fix; without a grant everything waits.
pub async fn run_transmit(state: AppState, job: jobs::Job) -> anyhow::Result<()> {
    let tenant = TenantId(job.tenant_id.context("a livret job without a school")?);
    let mut work = Work::system(&state.pool, tenant).await?;
    let batch = repo::to_send(&mut work, tenant, i64::try_from(BATCH)?).await?;
    work.commit().await?;
    for which in &batch {
        if let Sent::Stop(outcome) = transmit(&state, tenant, *which, &job).await? {
            return outcome;
        }
    }
    if batch.len() == BATCH {
        let mut work = Work::system(&state.pool, tenant).await?;
        jobs::enqueue(&mut work, Some(tenant), TRANSMIT, &json!({})).await?;
        work.commit().await?;
        state.jobs_wake.notify_one();
    }
    Ok(())
}

/// What one transmission tells the batch.
enum Sent {
    Next,
    /// The batch ends with this outcome: a fault to retry, or nothing to do until a grant.
    Stop(anyhow::Result<()>),
}

async fn transmit(state: &AppState, tenant: TenantId, which: (Uuid, Uuid), job: &jobs::Job) -> anyhow::Result<Sent> {
    let (lesson_id, student_id) = which;
    let mut work = Work::system(&state.pool, tenant).await?;
    let Some(out) = repo::outgoing(&mut work, tenant, lesson_id, student_id).await? else { return Ok(Sent::Next) };
    if out.status == "accepted" || out.status == "rejected" {
        return Ok(Sent::Next);
    }
    let name = ConnectorName::Rdvpermis;
    let granted = connectors::get(&mut work, tenant, name).await?.authorized == Some(true);
    let remote = match connectors::remote(&mut work, state, tenant, name).await? {
        Some(remote) if granted => remote,
        _ => {
            let waiting = "En attente : RdvPermis n'est pas connecté (page « Connecteurs »).";
            repo::set_status(&mut work, tenant, which, "pending", Some(waiting), false).await?;
            work.commit().await?;
            return Ok(Sent::Stop(Ok(())));
        }
    };
    repo::set_status(&mut work, tenant, which, "sent", None, true).await?;
    work.commit().await?;
    let body = json!({
        "neph": out.neph, "instructor_authorisation": out.instructor_authorisation, "category": out.category,
        "training_mode": out.training_mode, "kind": out.kind, "starts_at": out.starts_at, "ends_at": out.ends_at,
        "minutes": out.minutes, "vehicle": out.vehicle_plate,
    });
    let summary = format!("POST /v1/livret/lessons ({}, {} min)", out.kind, out.minutes);
    let call = Grant::new(&remote)
        .call::<serde_json::Value>("livret", &summary, Some(student_id), |t| {
            remote
                .request(Method::POST, "/v1/livret/lessons")
                .bearer_auth(t)
                .header("Idempotency-Key", out.key.to_string())
                .json(&body)
        })
        .await;
    let mut work = Work::system(&state.pool, tenant).await?;
    let sent = match call {
        Ok(_) => {
            repo::set_status(&mut work, tenant, which, "accepted", None, false).await?;
            Sent::Next
        }
        Err(RemoteError::Refused { message, .. }) => {
            repo::set_status(&mut work, tenant, which, "rejected", Some(&format!("Refusé : {message}.")), false)
                .await?;
            Sent::Next
        }
        Err(e) => {
            let message = e.message(name);
            let status = if e == RemoteError::NotAuthorized { "pending" } else { "retrying" };
            repo::set_status(&mut work, tenant, which, status, Some(&message), false).await?;
            // The outbox retries a fault; after its last attempt, the next pass adds a new job.
            let retry = e.is_transient() && job.attempts < job.max_attempts;
            Sent::Stop(if retry { Err(anyhow::anyhow!(message)) } else { Ok(()) })
        }
    };
    work.commit().await?;
    Ok(sent)
}

pub async fn list(work: &mut Work, status: Option<&str>) -> AppResult<LivretTransmissions> {
    const STATUSES: [&str; 5] = ["pending", "sent", "accepted", "rejected", "retrying"];
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(AppError::field("status", "Statut inconnu : pending, sent, accepted, rejected ou retrying."));
    }
    let tenant = work.tenant();
    let items = repo::list(work, tenant, status).await?;
    let counts = repo::counts(work, tenant).await?;
    Ok(LivretTransmissions { items, counts })
}

/// Sends a refused lesson again (the office fixed what the livret named), with a new key.
pub async fn resend(work: &mut Work, state: &AppState, lesson: Uuid, student: Uuid) -> AppResult<LivretTransmission> {
    let tenant = work.tenant();
    repo::get(work, tenant, lesson, student).await?.ok_or(AppError::NotFound)?;
    if !repo::renew(work, tenant, lesson, student).await? {
        return Err(AppError::rule("livret_status", "Seule une leçon refusée par le livret se renvoie."));
    }
    jobs::enqueue_unless_waiting(work, tenant, TRANSMIT).await?;
    let change = Change {
        action: "livret.resend",
        entity: "lesson",
        entity_id: Some(lesson),
        before: Some(json!({"status": "rejected"})),
        after: Some(json!({"status": "pending", "student_id": student})),
    };
    work.audit().record(change).await?;
    state.jobs_wake.notify_one();
    repo::get(work, tenant, lesson, student).await?.ok_or(AppError::NotFound)
}

/// The ETP of `month`'s cut-off (`YYYY-MM`; the current month by default).
pub async fn etp_preview(work: &mut Work, month: Option<&str>) -> AppResult<EtpPreview> {
    let today = work.school.today();
    let first = match month {
        None => today.with_day0(0).unwrap_or(today),
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .map_err(|_| AppError::field("month", "Le mois s'écrit AAAA-MM (par exemple 2026-12)."))?,
    };
    let settings = EtpSettings::default();
    let (cutoff, from, to) = settings.window(first);
    let tz = work.tz();
    let instant = |d: NaiveDate| -> DateTime<Utc> {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.with_timezone(&Utc))
    };
    let tenant = work.tenant();
    let mut minutes = Vec::new();
    for (kind, done, transmitted) in repo::etp_minutes(work, tenant, instant(from), instant(to)).await? {
        let kind: EtpKind = from_text(&kind)?;
        minutes.push((kind, KindMinutes { done, transmitted }));
    }
    let f = figures(&minutes, &settings);
    let days_to_cutoff = Some((cutoff - today).num_days()).filter(|d| *d >= 0);
    let at_risk = days_to_cutoff.is_some_and(|d| d <= AT_RISK_DAYS)
        && repo::any_unaccepted(work, tenant, instant(from), instant(to)).await?;
    Ok(EtpPreview {
        month: first.format("%Y-%m").to_string(),
        cutoff_on: cutoff,
        window_from: from,
        window_to: to,
        kinds: f.kinds,
        weighted_hours: f.weighted_hours,
        full_time_hours: f.full_time_hours,
        etp: f.etp,
        not_transmitted_hours: f.not_transmitted_hours,
        etp_lost: f.etp_lost,
        days_to_cutoff,
        at_risk,
    })
}
