//! Adding, removing and refreshing an instructor's external calendars.

use std::time::Duration;

use anyhow::Context;
use chrono::{Duration as Days, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;
use volant_domain::{ics, ids::TenantId};

use super::{ExternalCalendar, NewExternalCalendar, REFRESH, repo};
use crate::{
    audit::Change,
    db,
    error::{AppError, AppResult},
    instructors, jobs, school,
    state::AppState,
    work::Work,
};

/// Busy times are kept for the coming six months (the planning's useful horizon for conflicts).
const HORIZON_DAYS: i64 = 183;
/// An uploaded file or a fetched address larger than this is refused.
const MAX_BYTES: usize = 1024 * 1024;

fn horizon() -> chrono::DateTime<Utc> {
    Utc::now() + Days::days(HORIZON_DAYS)
}

/// The busy times of an ICS text, in the school's zone for floating times; a French 400 naming
/// the fault when it is not a calendar.
fn read(text: &str, tz: chrono_tz::Tz) -> AppResult<Vec<ics::Busy>> {
    if text.len() > MAX_BYTES {
        return Err(AppError::field("ics", "Le fichier dépasse 1 Mo."));
    }
    let now = Utc::now();
    let busy = ics::read_busy(text, tz, horizon()).map_err(|e| AppError::field("ics", e.to_string()))?;
    Ok(busy.into_iter().filter(|b| b.ends_at > now).collect())
}

/// Adds a calendar to an instructor (the office, or the instructor for themself): a file's busy
/// times at once, an address's by the refresh job.
pub async fn create(work: &mut Work, instructor: Uuid, input: NewExternalCalendar) -> AppResult<ExternalCalendar> {
    let instructor = instructors::service::visible(work, instructor, false).await?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::field("name", "Le nom compte de 1 à 80 caractères."));
    }
    let url = input.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let tenant = work.tenant();
    let id = match (url, input.ics.as_deref()) {
        (Some(url), None) => {
            if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with("webcal://")) {
                return Err(AppError::field("url", "L'adresse commence par https://, http:// ou webcal://."));
            }
            let url = url.replacen("webcal://", "https://", 1);
            let id = repo::insert(work, tenant, instructor.id, name, Some(&url)).await?;
            jobs::enqueue_once(work, Some(tenant), REFRESH, &format!("{id}:new"), &Refresh { calendar_id: id }, None)
                .await?;
            id
        }
        (None, Some(text)) => {
            let busy = read(text, work.tz())?;
            let id = repo::insert(work, tenant, instructor.id, name, None).await?;
            repo::replace_busy(work, tenant, id, instructor.id, &busy).await?;
            id
        }
        _ => {
            return Err(AppError::bad_request(
                "Donnez soit l'adresse du calendrier (url), soit le contenu du fichier .ics.",
            ));
        }
    };
    let calendar = repo::get(work, tenant, id).await?.ok_or(AppError::NotFound)?;
    work.audit().created("external_calendar", id, &calendar).await?;
    Ok(calendar)
}

/// The calendar, if it belongs to this instructor and the caller may see them.
pub async fn visible(work: &mut Work, instructor: Uuid, id: Uuid) -> AppResult<ExternalCalendar> {
    let instructor = instructors::service::visible(work, instructor, false).await?;
    let tenant = work.tenant();
    repo::get(work, tenant, id).await?.filter(|c| c.instructor_id == instructor.id).ok_or(AppError::NotFound)
}

pub async fn remove(work: &mut Work, instructor: Uuid, id: Uuid) -> AppResult<()> {
    let calendar = visible(work, instructor, id).await?;
    let tenant = work.tenant();
    repo::delete(work, tenant, id).await?;
    let change = Change {
        action: "external_calendar.delete",
        entity: "external_calendar",
        entity_id: Some(id),
        before: Some(json!(calendar)),
        after: None,
    };
    work.audit().record(change).await
}

/// What a refresh job names.
#[derive(Debug, Serialize, Deserialize)]
pub struct Refresh {
    pub calendar_id: Uuid,
}

/// The refresh job: fetches the address and replaces the busy times; a fault is recorded on the
/// calendar (shown to the office) and tried again at the next hourly pass.
pub async fn refresh_job(state: AppState, job: jobs::Job) -> anyhow::Result<()> {
    let tenant = TenantId(job.tenant_id.context("a calendar refresh without a school")?);
    let Refresh { calendar_id } = serde_json::from_value(job.payload).context("bad refresh payload")?;
    let mut tx = db::begin_tenant(&state.pool, tenant).await?;
    let Some((instructor, Some(url))) = repo::source(&mut tx, tenant, calendar_id).await? else {
        return Ok(()); // Removed meanwhile, or a file.
    };
    let tz = school::read(&mut tx, tenant).await?.tz;
    let outcome = match fetch(&url).await {
        Ok(text) => read(&text, tz).map_err(|e| e.to_string()),
        Err(e) => Err(format!("{e:#}")),
    };
    match outcome {
        Ok(busy) => repo::replace_busy(&mut tx, tenant, calendar_id, instructor, &busy).await?,
        Err(reason) => {
            tracing::warn!(calendar = %calendar_id, %reason, "external calendar: refresh failed");
            repo::record_error(&mut tx, tenant, calendar_id, &reason).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn fetch(url: &str) -> anyhow::Result<String> {
    let client =
        reqwest::Client::builder().timeout(Duration::from_secs(15)).connect_timeout(Duration::from_secs(5)).build()?;
    let response = client.get(url).send().await.map_err(|_| anyhow::anyhow!("L'adresse ne répond pas."))?;
    if !response.status().is_success() {
        anyhow::bail!("L'adresse a répondu {}.", response.status().as_u16());
    }
    let bytes = response.bytes().await.map_err(|_| anyhow::anyhow!("Le calendrier n'a pas pu être lu."))?;
    if bytes.len() > MAX_BYTES {
        anyhow::bail!("Le calendrier dépasse 1 Mo.");
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Queues the refresh of every address calendar not fetched for an hour (one job per calendar and
/// hour, whatever the number of server instances).
pub async fn enqueue_due(pool: &PgPool) -> anyhow::Result<usize> {
    let tenants = school::active_ids(pool).await?;
    let hour = Utc::now().timestamp() / 3600;
    let mut queued = 0;
    for tenant in tenants {
        let mut tx = db::begin_tenant(pool, tenant).await?;
        for due in repo::due(&mut tx, tenant).await? {
            let key = format!("{}:{hour}", due.id);
            if jobs::enqueue_once(&mut tx, Some(tenant), REFRESH, &key, &Refresh { calendar_id: due.id }, None).await? {
                queued += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(queued)
}
