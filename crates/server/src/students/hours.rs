//! The hours ledger of a student: the office posts purchases, corrections and transfers in;
//! consumptions come only from the planning. Entries are only ever added.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::{
    confirmation::ConfirmationStatus,
    ids::{LedgerEntryId, TenantId},
    ledger::{EntryKind, Figures, office_entry},
};

use crate::db::{from_text, to_text};
use crate::error::AppError;
use crate::work::Work;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HoursEntry {
    pub id: Uuid,
    pub kind: EntryKind,
    /// Signed: + for purchases and transfers in, − for consumptions, ± for corrections.
    pub minutes: i32,
    pub reason: Option<String>,
    pub lesson_id: Option<Uuid>,
    /// The invoice (a sale) or credit note that posted it.
    pub invoice_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    /// A lesson's consumption: whether its student confirmed it, disputed it, or has not said yet.
    pub confirmation: Option<ConfirmationStatus>,
    /// When that lesson took place (the entry's date is when it was marked done).
    pub lesson_starts_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Hours {
    pub purchased_minutes: i64,
    pub consumed_minutes: i64,
    pub corrections_minutes: i64,
    pub remaining_minutes: i64,
    pub scheduled_minutes: i64,
    pub bookable_minutes: i64,
    /// Minutes of lessons done, by their student's word: confirmed, not said yet, disputed.
    pub confirmed_minutes: i64,
    pub pending_minutes: i64,
    pub disputed_minutes: i64,
    /// Newest first.
    pub entries: Vec<HoursEntry>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHoursEntry {
    /// `purchase`, `correction` or `transfer_in` (consumptions come from the planning).
    pub kind: EntryKind,
    pub minutes: i32,
    #[serde(default)]
    pub reason: Option<String>,
}

type EntryRow = (
    Uuid,
    String,
    i32,
    Option<String>,
    Option<Uuid>,
    Option<Uuid>,
    DateTime<Utc>,
    Option<Uuid>,
    Option<String>,
    Option<DateTime<Utc>>,
);

fn entry(r: EntryRow) -> Result<HoursEntry, sqlx::Error> {
    let kind = from_text(&r.1)?;
    let confirmation = match (kind, r.4, r.8.as_deref()) {
        (EntryKind::Consumption, Some(_), Some("confirmed")) => Some(ConfirmationStatus::Confirmed),
        (EntryKind::Consumption, Some(_), Some("disputed")) => Some(ConfirmationStatus::Disputed),
        (EntryKind::Consumption, Some(_), _) => Some(ConfirmationStatus::Pending),
        _ => None,
    };
    Ok(HoursEntry {
        id: r.0,
        kind,
        minutes: r.2,
        reason: r.3,
        lesson_id: r.4,
        invoice_id: r.5,
        created_at: r.6,
        created_by: r.7,
        confirmation,
        lesson_starts_at: r.9,
    })
}

/// Minutes of planned driving lessons not yet marked done, no-show or cancelled (past ones
/// included until someone marks them).
/// The figure is the ledger's, so the query is here although it reads the planning's table.
pub async fn scheduled_minutes(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(extract(epoch FROM ends_at - starts_at) / 60), 0)::bigint FROM lessons
          WHERE tenant_id = $1 AND student_id = $2 AND kind = 'driving' AND status = 'planned'",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_one(conn)
    .await
}

/// Minutes credited as driven at a previous school (`transfer_in`).
pub async fn transfer_in_minutes(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(minutes), 0)::bigint FROM hours_ledger
          WHERE tenant_id = $1 AND student_id = $2 AND kind = 'transfer_in'",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_one(conn)
    .await
}

pub async fn read(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> Result<Hours, sqlx::Error> {
    // The student's word on each lesson, and the lesson's start, are shown beside its consumption:
    // the ledger reads those tables as it reads the planning's for the scheduled minutes.
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT h.id, h.kind, h.minutes, h.reason, h.lesson_id, h.invoice_id, h.created_at, h.created_by, c.status,
                l.starts_at
           FROM hours_ledger h
           LEFT JOIN lesson_confirmations c
                  ON c.tenant_id = h.tenant_id AND c.lesson_id = h.lesson_id AND c.student_id = h.student_id
           LEFT JOIN lessons l ON l.tenant_id = h.tenant_id AND l.id = h.lesson_id
          WHERE h.tenant_id = $1 AND h.student_id = $2 ORDER BY h.created_at DESC, h.id DESC",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_all(&mut *conn)
    .await?;
    let entries = rows.into_iter().map(entry).collect::<Result<Vec<_>, _>>()?;
    let scheduled = scheduled_minutes(conn, tenant, student).await?;
    let f = Figures::compute(entries.iter().map(|e| (e.kind, i64::from(e.minutes))), scheduled);
    let by_word = |status: ConfirmationStatus| -> i64 {
        entries.iter().filter(|e| e.confirmation == Some(status)).map(|e| -i64::from(e.minutes)).sum()
    };
    Ok(Hours {
        confirmed_minutes: by_word(ConfirmationStatus::Confirmed),
        pending_minutes: by_word(ConfirmationStatus::Pending),
        disputed_minutes: by_word(ConfirmationStatus::Disputed),
        purchased_minutes: f.purchased_minutes,
        consumed_minutes: f.consumed_minutes,
        corrections_minutes: f.corrections_minutes,
        remaining_minutes: f.remaining_minutes,
        scheduled_minutes: f.scheduled_minutes,
        bookable_minutes: f.bookable_minutes,
        entries,
    })
}

/// Appends an entry posted by the office (checked by the ledger's rules).
pub async fn post(work: &mut Work, student: Uuid, new: &NewHoursEntry) -> Result<HoursEntry, AppError> {
    let tenant = work.tenant();
    let reason = new.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let minutes = office_entry(new.kind, new.minutes, reason).map_err(|e| {
        let field = match e {
            volant_domain::ledger::EntryError::ReasonRequired => "reason",
            volant_domain::ledger::EntryError::ConsumptionFromPlanningOnly => "kind",
            _ => "minutes",
        };
        AppError::field(field, e.to_string())
    })?;
    let row: EntryRow = sqlx::query_as(
        "INSERT INTO hours_ledger (tenant_id, id, student_id, kind, minutes, reason, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, kind, minutes, reason, lesson_id, invoice_id, created_at, created_by, NULL::text,
                   NULL::timestamptz",
    )
    .bind(tenant.0)
    .bind(LedgerEntryId::new().0)
    .bind(student)
    .bind(to_text(&new.kind))
    .bind(minutes)
    .bind(reason)
    .bind(work.actor.user_id)
    .fetch_one(&mut **work)
    .await?;
    Ok(entry(row)?)
}

/// The driving time of a sale (a purchase) or of a credit note (a negative correction), posted
/// with the document that causes it: one entry per document (a unique index holds it).
pub async fn post_sale(
    work: &mut Work,
    student: Uuid,
    minutes: i32,
    invoice: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    let kind = if minutes > 0 { EntryKind::Purchase } else { EntryKind::Correction };
    sqlx::query(
        "INSERT INTO hours_ledger (tenant_id, id, student_id, kind, minutes, reason, invoice_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(work.tenant().0)
    .bind(LedgerEntryId::new().0)
    .bind(student)
    .bind(to_text(&kind))
    .bind(minutes)
    .bind(reason)
    .bind(invoice)
    .bind(work.actor.user_id)
    .execute(&mut **work)
    .await?;
    Ok(())
}
