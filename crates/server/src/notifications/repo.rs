//! The statements of notifications, deliveries and preferences.

use chrono::{DateTime, NaiveTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;
use volant_domain::ids::TenantId;

use super::{Notification, NotificationDelivery};

/// A person an event concerns, with where to reach them and what they chose.
#[derive(Debug, FromRow)]
pub struct Recipient {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: String,
    /// Their stored choices (`{event: {email, sms, in_app}}`), if they made any.
    pub channels: Option<Value>,
    pub quiet_start: Option<NaiveTime>,
    pub quiet_end: Option<NaiveTime>,
}

/// Who to reach, by party: the accounts of the students, of the guardians who follow
/// `guardians_of`, of the instructor, of the office (when `office`), and the requester; active
/// members only, never `except` (the author of the change).
pub struct Parties<'a> {
    pub students: &'a [Uuid],
    pub guardians_of: &'a [Uuid],
    pub instructor: Option<Uuid>,
    pub office: bool,
    pub requester: Option<Uuid>,
    pub except: Option<Uuid>,
}

pub async fn recipients(
    conn: &mut PgConnection,
    tenant: TenantId,
    parties: &Parties<'_>,
) -> Result<Vec<Recipient>, sqlx::Error> {
    sqlx::query_as(
        "WITH parties AS (
             SELECT s.user_id, s.phone FROM students s
              WHERE s.tenant_id = $1 AND s.id = ANY($2) AND s.user_id IS NOT NULL
             UNION ALL
             SELECT g.user_id, NULL FROM guardianships g
              WHERE g.tenant_id = $1 AND g.student_id = ANY($7)
             UNION ALL
             SELECT i.user_id, i.phone FROM instructors i
              WHERE i.tenant_id = $1 AND i.id = $3 AND i.user_id IS NOT NULL
             UNION ALL
             SELECT m.user_id, NULL FROM memberships m
              WHERE m.tenant_id = $1 AND $4 AND m.role IN ('ADMIN', 'SECRETARY')
             UNION ALL
             SELECT $5::uuid, COALESCE(
                        (SELECT s.phone FROM students s WHERE s.tenant_id = $1 AND s.user_id = $5),
                        (SELECT i.phone FROM instructors i WHERE i.tenant_id = $1 AND i.user_id = $5))
              WHERE $5::uuid IS NOT NULL)
         SELECT DISTINCT ON (p.user_id) p.user_id, u.email, u.display_name, p.phone, m.role,
                pref.channels, pref.quiet_start, pref.quiet_end
           FROM parties p
           JOIN users u ON u.id = p.user_id AND u.erased_at IS NULL
           JOIN memberships m ON m.tenant_id = $1 AND m.user_id = p.user_id AND m.active
           LEFT JOIN notification_preferences pref ON pref.tenant_id = $1 AND pref.user_id = p.user_id
          WHERE p.user_id IS DISTINCT FROM $6
          ORDER BY p.user_id, p.phone NULLS LAST",
    )
    .bind(tenant.0)
    .bind(parties.students)
    .bind(parties.instructor)
    .bind(parties.office)
    .bind(parties.requester)
    .bind(parties.except)
    .bind(parties.guardians_of)
    .fetch_all(conn)
    .await
}

/// An instructor's name as a student reads it ("Paul Martin").
pub async fn instructor_name(
    conn: &mut PgConnection,
    tenant: TenantId,
    instructor: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT first_name || ' ' || last_name FROM instructors WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(instructor)
        .fetch_optional(conn)
        .await
}

pub struct NewNotification<'a> {
    pub user_id: Uuid,
    pub event: &'a str,
    pub key: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
}

/// Keeps a notification; `None` when this person was already told about this key.
pub async fn insert_notification(
    conn: &mut PgConnection,
    tenant: TenantId,
    n: &NewNotification<'_>,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO notifications (tenant_id, id, user_id, event, event_key, title, body, link)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT ON CONSTRAINT notifications_once_per_person DO NOTHING
         RETURNING id",
    )
    .bind(tenant.0)
    .bind(Uuid::now_v7())
    .bind(n.user_id)
    .bind(n.event)
    .bind(n.key)
    .bind(n.title)
    .bind(n.body)
    .bind(n.link)
    .fetch_optional(conn)
    .await
}

pub struct NewDelivery<'a> {
    pub notification_id: Uuid,
    pub channel: &'a str,
    pub address: &'a str,
    /// `queued`, or `skipped` with the reason.
    pub skipped: Option<&'a str>,
    pub send_after: Option<DateTime<Utc>>,
}

pub async fn insert_delivery(
    conn: &mut PgConnection,
    tenant: TenantId,
    d: &NewDelivery<'_>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO notification_deliveries (tenant_id, id, notification_id, channel, address, status, reason, send_after)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::text IS NULL THEN 'queued' ELSE 'skipped' END, $6, $7)",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(d.notification_id)
    .bind(d.channel)
    .bind(d.address)
    .bind(d.skipped)
    .bind(d.send_after)
    .execute(conn)
    .await?;
    Ok(id)
}

/// A delivery with what its message says, as the sending job needs it.
#[derive(Debug, FromRow)]
pub struct Outgoing {
    pub channel: String,
    pub address: String,
    pub status: String,
    pub user_id: Uuid,
    pub event: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

/// The delivery, locked: two workers never send the same one at once.
pub async fn outgoing(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> Result<Option<Outgoing>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.channel, d.address, d.status, n.user_id, n.event, n.title, n.body, n.link
           FROM notification_deliveries d
           JOIN notifications n ON n.tenant_id = d.tenant_id AND n.id = d.notification_id
          WHERE d.tenant_id = $1 AND d.id = $2
            FOR UPDATE OF d",
    )
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Records what became of a delivery: `sent` (with the provider's id), `failed` or `skipped`
/// with the reason.
pub async fn settle(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    status: &str,
    reason: Option<&str>,
    provider_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification_deliveries
            SET status = $3, reason = $4, provider_id = $5, attempts = attempts + 1,
                sent_at = CASE WHEN $3 = 'sent' THEN now() END
          WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(status)
    .bind(reason)
    .bind(provider_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A failed attempt that will be retried: counted, with the fault.
pub async fn attempt_failed(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    fault: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification_deliveries SET attempts = attempts + 1, reason = $3 WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.0)
    .bind(id)
    .bind(fault)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's notifications, newest first, after the cursor `(created_at, id)`.
pub async fn list(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
    unread_only: bool,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Notification>, sqlx::Error> {
    let (at, id) = after.unzip();
    sqlx::query_as(
        "SELECT id, event, title, body, link, created_at, read_at FROM notifications
          WHERE tenant_id = $1 AND user_id = $2 AND (NOT $3 OR read_at IS NULL)
            AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5))
          ORDER BY created_at DESC, id DESC LIMIT $6",
    )
    .bind(tenant.0)
    .bind(user)
    .bind(unread_only)
    .bind(at)
    .bind(id)
    .bind(limit + 1)
    .fetch_all(conn)
    .await
}

pub async fn unread_count(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL")
        .bind(tenant.0)
        .bind(user)
        .fetch_one(conn)
        .await
}

/// One of the person's notifications (locked: it is about to change).
pub async fn own(conn: &mut PgConnection, tenant: TenantId, user: Uuid, id: Uuid) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM notifications WHERE tenant_id = $1 AND user_id = $2 AND id = $3 FOR UPDATE")
        .bind(tenant.0)
        .bind(user)
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Marks one of the person's notifications read (keeping the first reading) or unread.
pub async fn mark(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
    id: Uuid,
    read: bool,
) -> Result<Option<Notification>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE notifications SET read_at = CASE WHEN $4 THEN COALESCE(read_at, now()) END
          WHERE tenant_id = $1 AND user_id = $2 AND id = $3
          RETURNING id, event, title, body, link, created_at, read_at",
    )
    .bind(tenant.0)
    .bind(user)
    .bind(id)
    .bind(read)
    .fetch_optional(conn)
    .await
}

pub async fn mark_all_read(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = now() WHERE tenant_id = $1 AND user_id = $2 AND read_at IS NULL",
    )
    .bind(tenant.0)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A person's stored choices: channels, quiet hours, version.
#[derive(Debug, FromRow)]
pub struct StoredPreferences {
    pub channels: Value,
    pub quiet_start: Option<NaiveTime>,
    pub quiet_end: Option<NaiveTime>,
    pub version: i32,
}

pub async fn preferences(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
) -> Result<Option<StoredPreferences>, sqlx::Error> {
    sqlx::query_as(
        "SELECT channels, quiet_start, quiet_end, version FROM notification_preferences
          WHERE tenant_id = $1 AND user_id = $2",
    )
    .bind(tenant.0)
    .bind(user)
    .fetch_optional(conn)
    .await
}

/// Writes the choices when `version` is still the stored one (0: nothing stored yet); the new
/// version, or `None` when someone changed them meanwhile.
pub async fn save_preferences(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
    stored: &StoredPreferences,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO notification_preferences (tenant_id, user_id, channels, quiet_start, quiet_end)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, user_id) DO UPDATE
            SET channels = EXCLUDED.channels, quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end,
                version = notification_preferences.version + 1, updated_at = now()
          WHERE notification_preferences.version = $6
         RETURNING version",
    )
    .bind(tenant.0)
    .bind(user)
    .bind(&stored.channels)
    .bind(stored.quiet_start)
    .bind(stored.quiet_end)
    .bind(stored.version)
    .fetch_optional(conn)
    .await
}

/// The person's phone number in this school (a student's or an instructor's file).
pub async fn phone_of(conn: &mut PgConnection, tenant: TenantId, user: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COALESCE((SELECT phone FROM students WHERE tenant_id = $1 AND user_id = $2 AND phone IS NOT NULL LIMIT 1),
                         (SELECT phone FROM instructors WHERE tenant_id = $1 AND user_id = $2 AND phone IS NOT NULL LIMIT 1))",
    )
    .bind(tenant.0)
    .bind(user)
    .fetch_one(conn)
    .await
}

pub struct DeliveryFilter<'a> {
    pub status: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

pub async fn deliveries(
    conn: &mut PgConnection,
    tenant: TenantId,
    f: &DeliveryFilter<'_>,
) -> Result<Vec<NotificationDelivery>, sqlx::Error> {
    let (at, id) = f.after.unzip();
    sqlx::query_as(
        "SELECT d.id, d.notification_id, n.event, u.display_name AS recipient_name, d.channel, d.address,
                d.status, d.reason, d.attempts, d.created_at, d.send_after, d.sent_at
           FROM notification_deliveries d
           JOIN notifications n ON n.tenant_id = d.tenant_id AND n.id = d.notification_id
           JOIN users u ON u.id = n.user_id
          WHERE d.tenant_id = $1 AND ($2::text IS NULL OR d.status = $2) AND ($3::text IS NULL OR d.channel = $3)
            AND ($4::timestamptz IS NULL OR (d.created_at, d.id) < ($4, $5))
          ORDER BY d.created_at DESC, d.id DESC LIMIT $6",
    )
    .bind(tenant.0)
    .bind(f.status)
    .bind(f.channel)
    .bind(at)
    .bind(id)
    .bind(f.limit + 1)
    .fetch_all(conn)
    .await
}

/// Turns off one event's e-mails for a person (the one-click unsubscribe of a mail).
pub async fn unsubscribe_email(
    conn: &mut PgConnection,
    tenant: TenantId,
    user: Uuid,
    event: &str,
    channels: Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_preferences (tenant_id, user_id, channels) VALUES ($1, $2, jsonb_build_object($3::text, $4::jsonb))
         ON CONFLICT (tenant_id, user_id) DO UPDATE
            SET channels = notification_preferences.channels || jsonb_build_object($3::text, $4::jsonb),
                version = notification_preferences.version + 1, updated_at = now()",
    )
    .bind(tenant.0)
    .bind(user)
    .bind(event)
    .bind(channels)
    .execute(conn)
    .await?;
    Ok(())
}

/// The demo's copy of an SMS sent (the ADMIN page "Courriels et SMS envoyés (démo)").
pub async fn catch_sms(conn: &mut PgConnection, tenant: TenantId, to: &str, text: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO demo_sms (tenant_id, id, to_number, body) VALUES ($1, $2, $3, $4)")
        .bind(tenant.0)
        .bind(Uuid::now_v7())
        .bind(to)
        .bind(text)
        .execute(conn)
        .await?;
    Ok(())
}
