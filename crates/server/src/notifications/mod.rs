//! Notifications (SPEC § 6.2). A feature raises an event inside its own transaction with
//! [`raise`]: that writes one `notification.dispatch` job, so a rolled-back change tells nobody
//! and a committed one is never forgotten. The dispatch job finds the people concerned, keeps an
//! in-app notification for each and queues one delivery per outside channel they chose; each
//! delivery is sent by its own job, after the person's quiet hours. Every step is keyed so that
//! running it twice (a retry, a second server instance) adds nothing.

pub mod deliver;
pub mod dispatch;
pub mod reminders;
pub mod render;
pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
pub use volant_domain::notify::Event;

use sqlx::PgConnection;
use volant_domain::ids::TenantId;

use crate::{error::AppResult, jobs, work::Work};

/// The job that turns a raised event into notifications and deliveries.
pub const DISPATCH: &str = "notification.dispatch";
/// The job that sends one delivery (an e-mail or an SMS).
pub const DELIVER: &str = "notification.deliver";

/// An event as the feature that causes it describes it: what happened, to whom, and the facts the
/// messages need, captured at the moment of the change.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Raised {
    pub event: Event,
    /// What happened, once (`lesson_moved:{id}:{version}`): a person is told once per key.
    pub key: String,
    /// The students concerned (their accounts, and their guardians' once that role exists).
    #[serde(default)]
    pub students: Vec<Uuid>,
    /// The instructor concerned.
    #[serde(default)]
    pub instructor: Option<Uuid>,
    /// The account that asked (a change request's author).
    #[serde(default)]
    pub requester: Option<Uuid>,
    /// The account that made the change: it is not told about its own action.
    #[serde(default)]
    pub actor: Option<Uuid>,
    pub about: About,
}

/// The facts of an event, as the messages show them.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum About {
    Lesson {
        lesson_id: Uuid,
        /// `driving`, `code`, `exam`, `evaluation`.
        kind: String,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        /// Where it was before a move.
        #[serde(default)]
        previous_starts_at: Option<DateTime<Utc>>,
        #[serde(default)]
        instructor_id: Option<Uuid>,
        #[serde(default)]
        meeting_point: Option<String>,
        #[serde(default)]
        reason: Option<String>,
    },
    Exam {
        exam_id: Uuid,
        /// `theory` or `practical`.
        kind: String,
        at: DateTime<Utc>,
        #[serde(default)]
        centre: Option<String>,
        /// `passed`, `failed`, `absent`… when the result is known.
        #[serde(default)]
        result: Option<String>,
    },
    /// A person who registered on the school's public website.
    Prospect { student_name: String },
    /// A student's bookable driving time after a booking took it under the school's threshold.
    Credit { minutes_left: i64 },
    /// A student who now meets every condition of the practical test.
    Eligible { student_name: String },
    /// A document of a student's file that expires soon.
    Document {
        /// The document's kind (`id_card`, `assr2`…).
        kind: String,
        expires_on: chrono::NaiveDate,
        student_name: String,
    },
    /// An invoice issued, or a payment received (on an invoice, or on the account).
    Money {
        #[serde(default)]
        number: Option<String>,
        amount_cents: i64,
        /// The payment's method, as the student reads it ("Carte bancaire").
        #[serde(default)]
        method: Option<String>,
    },
    Request {
        /// `cancel` or `move`.
        kind: String,
        approved: bool,
        lesson_starts_at: DateTime<Utc>,
        #[serde(default)]
        note: Option<String>,
    },
}

/// Raises an event inside the change's transaction. The actor of the work is not told; the
/// system's work (a seed) tells nobody.
pub async fn raise(work: &mut Work, mut raised: Raised) -> AppResult<()> {
    if !work.tells {
        return Ok(());
    }
    raised.actor = raised.actor.or(work.actor.user_id);
    let tenant = work.tenant();
    raise_in(&mut work.tx, tenant, &raised).await?;
    Ok(())
}

/// Raises an event on a school's transaction (the scheduler's, which has no person).
pub async fn raise_in(conn: &mut PgConnection, tenant: TenantId, raised: &Raised) -> Result<(), sqlx::Error> {
    let key = format!("{}:{}", tenant.0, raised.key);
    jobs::enqueue_once(conn, Some(tenant), DISPATCH, &key, raised, None).await?;
    Ok(())
}

/// Whether this instance may run a scheduled pass (`purpose`) over the school now: false when
/// another instance is doing it (a transaction-scoped advisory lock, released at commit).
pub async fn try_lock_school(conn: &mut PgConnection, tenant: TenantId, purpose: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtextextended('volant.' || $2 || ':' || $1::text, 0))")
        .bind(tenant.0)
        .bind(purpose)
        .fetch_one(conn)
        .await
}

/// Whether an event with this key was raised in this school already.
pub async fn was_raised(conn: &mut PgConnection, tenant: TenantId, key: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND idempotency_key = $2)")
        .bind(DISPATCH)
        .bind(format!("{}:{key}", tenant.0))
        .fetch_one(conn)
        .await
}

/// Registers the two jobs of notifications.
pub fn handle_jobs(registry: jobs::JobRegistry, senders: deliver::Senders) -> jobs::JobRegistry {
    registry.register(DISPATCH, dispatch::run).register(DELIVER, move |state, job| {
        let senders = senders.clone();
        async move { deliver::run(state, senders, job).await }
    })
}

/// A notification as its recipient reads it.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Notification {
    pub id: Uuid,
    #[schema(value_type = Event)]
    pub event: String,
    pub title: String,
    pub body: String,
    /// The app's page about it (`/mon-planning`), when there is one.
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// One message on an outside channel, for the ADMIN's delivery log.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct NotificationDelivery {
    pub id: Uuid,
    pub notification_id: Uuid,
    #[schema(value_type = Event)]
    pub event: String,
    pub recipient_name: String,
    /// `email` or `sms`.
    pub channel: String,
    pub address: String,
    /// `queued`, `sent`, `failed` or `skipped`.
    pub status: String,
    pub reason: Option<String>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub send_after: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
}
