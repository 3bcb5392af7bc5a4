//! The feed's address (a signed token naming the school and the feed) and its content.

use chrono::{Duration, Utc};
use chrono_tz::Tz;
use uuid::Uuid;
use volant_domain::{
    ics::{self, EventStatus},
    ids::TenantId,
};

use super::{CalendarFeed, repo};
use crate::{
    error::{AppError, AppResult},
    sealed::TokenSigner,
    work::Work,
};

/// A feed shows the lessons of the last 30 days and of the planning's horizon (a year ahead).
const DAYS_BACK: i64 = 30;
const DAYS_AHEAD: i64 = 366;

pub fn signer(secret_key: &str) -> TokenSigner {
    TokenSigner::new(secret_key, "volant/calendar-feed/v1")
}

/// The feed's token: the school and the feed, signed.
pub fn token(signer: &TokenSigner, tenant: TenantId, feed: Uuid) -> String {
    signer.sign(&[tenant.0.as_bytes().as_slice(), feed.as_bytes()].concat())
}

/// The school and the feed a token names, if it is one of ours.
pub fn read_token(signer: &TokenSigner, token: &str) -> Option<(TenantId, Uuid)> {
    let data = signer.verify(token)?;
    let (tenant, feed) = data.split_at_checked(16)?;
    Some((TenantId(Uuid::from_slice(tenant).ok()?), Uuid::from_slice(feed).ok()?))
}

fn view(signer: &TokenSigner, base: &str, tenant: TenantId, feed: &repo::Feed) -> CalendarFeed {
    let url = format!("{base}/ics/{}", token(signer, tenant, feed.id));
    let webcal_url = match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.clone(),
    };
    CalendarFeed { url, webcal_url, created_at: feed.created_at }
}

/// The person's feed, made on first use.
pub async fn current(work: &mut Work, signer: &TokenSigner, base: &str, user: Uuid) -> AppResult<CalendarFeed> {
    let tenant = work.tenant();
    let feed = match repo::live(work, tenant, user).await? {
        Some(feed) => feed,
        None => match repo::create(work, tenant, user).await? {
            Some(feed) => {
                work.audit().created("calendar_feed", feed.id, &serde_json::json!({"user_id": user})).await?;
                feed
            }
            None => repo::live(work, tenant, user).await?.ok_or(AppError::NotFound)?,
        },
    };
    Ok(view(signer, base, tenant, &feed))
}

/// Revokes the person's feed (its address answers 404 from now on) and makes a new one.
pub async fn rotate(work: &mut Work, signer: &TokenSigner, base: &str, user: Uuid) -> AppResult<CalendarFeed> {
    let tenant = work.tenant();
    if let Some(old) = repo::live(work, tenant, user).await? {
        repo::revoke(work, tenant, old.id).await?;
        let change = crate::audit::Change {
            action: "calendar_feed.rotate",
            entity: "calendar_feed",
            entity_id: Some(old.id),
            before: None,
            after: None,
        };
        work.audit().record(change).await?;
    }
    current(work, signer, base, user).await
}

/// The iCalendar text of a feed's lessons.
pub async fn render(
    conn: &mut sqlx::PgConnection,
    tenant: TenantId,
    user: Uuid,
    school: &str,
    tz: Tz,
) -> AppResult<String> {
    let (instructor, student) = repo::owner(conn, tenant, user).await?;
    if instructor.is_none() && student.is_none() {
        return Err(AppError::NotFound);
    }
    let now = Utc::now();
    let lessons = repo::lessons(
        conn,
        tenant,
        instructor,
        student,
        now - Duration::days(DAYS_BACK),
        now + Duration::days(DAYS_AHEAD),
    )
    .await?;
    let events = lessons.iter().map(|l| event(l, instructor.is_some())).collect();
    let name = format!("{school} — mes séances");
    let calendar = ics::Calendar { name: &name, tz, events, prod_id: "-//Volant//Planning//FR" };
    Ok(ics::write(&calendar))
}

fn event(l: &repo::FeedLesson, for_instructor: bool) -> ics::Event {
    let what = volant_domain::french::session_name(&l.kind);
    let summary = match (&l.with_name, for_instructor) {
        (Some(name), true) => format!("{what} — {name}"),
        (Some(name), false) => format!("{what} avec {name}"),
        (None, _) => what.to_owned(),
    };
    let cancelled = l.status == "cancelled";
    let description = match l.status.as_str() {
        "done" => Some("Séance effectuée.".to_owned()),
        "no_show" => Some("Absence notée.".to_owned()),
        "cancelled" => Some("Séance annulée.".to_owned()),
        _ => None,
    };
    ics::Event {
        uid: format!("{}@volant", l.id),
        // The lesson's version grows with every change: calendars replace the older copy.
        sequence: u32::try_from(l.version.saturating_sub(1)).unwrap_or(0),
        starts_at: l.starts_at,
        ends_at: l.ends_at,
        summary,
        description,
        location: l.meeting_point.clone(),
        status: if cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed },
        last_modified: l.cancelled_at.unwrap_or(l.created_at),
    }
}

/// The text of the feed a token names; 404 for a token that is not ours or a rotated feed.
pub async fn feed_text(pool: &sqlx::PgPool, signer: &TokenSigner, token: &str) -> AppResult<String> {
    let (tenant, feed) = read_token(signer, token).ok_or(AppError::NotFound)?;
    let mut tx = crate::db::begin_tenant(pool, tenant).await?;
    let feed = repo::by_id(&mut tx, tenant, feed).await?.ok_or(AppError::NotFound)?;
    let school = crate::school::read(&mut tx, tenant).await?;
    let name = crate::school::name(&mut tx, tenant).await?;
    let text = render(&mut tx, tenant, feed.user_id, &name, school.tz).await?;
    tx.commit().await?;
    Ok(text)
}
