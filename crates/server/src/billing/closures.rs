//! Closures of the fiscal records (CGI art. 286 I 3° bis): after each day, month and year of the
//! school's time zone, what was invoiced (by VAT rate) and collected (by method), the period's
//! total and the perpetual grand total, chained to the previous closure and never edited. The
//! scheduler makes them after midnight school time: exactly once per period however many
//! instances run (one holds the school's closure lock; the period's unique key backs it), and
//! caught up after downtime (every period not closed since the last one).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool, types::Json};
use utoipa::ToSchema;
use volant_domain::fiscal::{GENESIS, Hash, Period, closure_hash, periods_to_close};
use volant_domain::ids::TenantId;
use volant_domain::recurrence::local_to_utc;

use super::{PaymentMethod, chain};
use crate::{
    db,
    journal::{self, EventKind},
    notifications, school,
};

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct VatTotal {
    pub rate_bp: i32,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MethodTotal {
    pub method: PaymentMethod,
    pub amount_cents: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FiscalClosure {
    pub seq: i64,
    pub period: Period,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub by_vat: Vec<VatTotal>,
    pub by_method: Vec<MethodTotal>,
    /// Invoices less credit notes issued in the period, VAT included.
    pub invoiced_cents: i64,
    /// Payments less refunds received in the period.
    pub collected_cents: i64,
    /// Everything invoiced since the school began, to the end of the period.
    pub grand_total_cents: i64,
    /// The last link of the fiscal chain the closure covers.
    pub last_seq: i64,
    /// SHA-256 chaining this closure to the previous one, in hex.
    pub hash: String,
    /// The fiscal chain verified when the closure was made (false: a record was altered, removed
    /// or written around the application before it).
    pub chain_intact: bool,
    /// The first link found broken then.
    pub chain_first_broken: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// Closes, in every school, the periods that ended before `now`. Returns the closures made.
pub async fn close_due(pool: &PgPool, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut made = 0;
    for tenant in school::active_ids(pool).await? {
        made += close_school(pool, tenant, now).await?;
    }
    Ok(made)
}

async fn close_school(pool: &PgPool, tenant: TenantId, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut tx = db::begin_tenant(pool, tenant).await?;
    if !notifications::try_lock_school(&mut tx, tenant, "fiscal-closures").await? {
        return Ok(0); // Another instance is closing this school.
    }
    let tz = school::read(&mut tx, tenant).await?.tz;
    let Some(from) = first_open_day(&mut tx, tenant, tz).await? else { return Ok(0) };
    let due = periods_to_close(from, now.with_timezone(&tz).date_naive());
    if due.is_empty() {
        return Ok(0);
    }
    // Each closure says whether the records it totals are still those written: a record edited
    // or removed in the database since is reported by the next closure (and its journal event).
    let check = chain::verify(&mut tx, tenant).await?;
    let integrity = Integrity { intact: check.ok, first_broken: check.first_break.map(|b| b.seq) };
    for (period, starts_on, ends_on) in &due {
        let seq = close(&mut tx, tenant, tz, (*period, *starts_on, *ends_on), integrity).await?;
        let detail = serde_json::json!({
            "seq": seq, "period": period, "starts_on": starts_on, "ends_on": ends_on,
            "chain_intact": integrity.intact, "chain_first_broken": integrity.first_broken,
        });
        journal::record(&mut tx, tenant, EventKind::Closure, detail).await?;
    }
    tx.commit().await?;
    Ok(due.len())
}

/// The day after the last daily closure, or the day of the school's first record.
async fn first_open_day(conn: &mut PgConnection, tenant: TenantId, tz: Tz) -> sqlx::Result<Option<NaiveDate>> {
    let last: Option<NaiveDate> =
        sqlx::query_scalar("SELECT max(ends_on) FROM fiscal_closures WHERE tenant_id = $1 AND period = 'day'")
            .bind(tenant.0)
            .fetch_one(&mut *conn)
            .await?;
    if let Some(day) = last {
        return Ok(day.succ_opt());
    }
    let first: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT min(recorded_at) FROM fiscal_chain WHERE tenant_id = $1")
            .bind(tenant.0)
            .fetch_one(conn)
            .await?;
    Ok(first.map(|at| at.with_timezone(&tz).date_naive()))
}

/// What the closure found of the fiscal chain when it was made.
#[derive(Clone, Copy, Debug)]
struct Integrity {
    intact: bool,
    first_broken: Option<i64>,
}

pub(super) fn midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    local_to_utc(tz, day.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// Makes one closure; its number.
async fn close(
    conn: &mut PgConnection,
    tenant: TenantId,
    tz: Tz,
    (period, starts_on, ends_on): (Period, NaiveDate, NaiveDate),
    integrity: Integrity,
) -> sqlx::Result<i64> {
    let from = midnight(tz, starts_on);
    let to = midnight(tz, ends_on.succ_opt().unwrap_or(ends_on));
    let by_vat: Vec<VatTotal> = sqlx::query_as(
        "SELECT l.vat_rate_bp AS rate_bp, sum(l.excl_cents)::bigint AS excl_cents, sum(l.vat_cents)::bigint AS vat_cents,
                sum(l.incl_cents)::bigint AS incl_cents
           FROM invoice_lines l JOIN invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
          WHERE i.tenant_id = $1 AND i.issued_at >= $2 AND i.issued_at < $3
          GROUP BY l.vat_rate_bp ORDER BY l.vat_rate_bp DESC",
    )
    .bind(tenant.0)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let methods: Vec<(String, i64)> = sqlx::query_as(
        "SELECT method, sum(amount_cents)::bigint FROM payments
          WHERE tenant_id = $1 AND received_at >= $2 AND received_at < $3 GROUP BY method ORDER BY method",
    )
    .bind(tenant.0)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let by_method: Vec<MethodTotal> = methods
        .into_iter()
        .filter_map(|(m, amount_cents)| Some(MethodTotal { method: db::from_text(&m).ok()?, amount_cents }))
        .collect();
    let (grand_total, last_seq): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT coalesce(sum(incl_cents), 0)::bigint FROM invoices WHERE tenant_id = $1 AND issued_at < $2),
                (SELECT coalesce(max(seq), 0) FROM fiscal_chain WHERE tenant_id = $1 AND recorded_at < $2)",
    )
    .bind(tenant.0)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    let (seq, prev): (i64, Option<Vec<u8>>) = sqlx::query_as(
        "SELECT coalesce(max(seq), 0), (SELECT hash FROM fiscal_closures WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1)
           FROM fiscal_closures WHERE tenant_id = $1",
    )
    .bind(tenant.0)
    .fetch_one(&mut *conn)
    .await?;
    let invoiced: i64 = by_vat.iter().map(|v| v.incl_cents).sum();
    let collected: i64 = by_method.iter().map(|m| m.amount_cents).sum();
    let text = format!(
        "{}|{}|{period:?}|{starts_on}|{ends_on}|{}|{}|{invoiced}|{collected}|{grand_total}|{last_seq}|{}|{}",
        tenant.0,
        seq + 1,
        serde_json::to_string(&by_vat).unwrap_or_default(),
        serde_json::to_string(&by_method).unwrap_or_default(),
        integrity.intact,
        integrity.first_broken.unwrap_or(0),
    );
    let prev: Hash = prev.and_then(|p| p.try_into().ok()).unwrap_or(GENESIS);
    let hash = closure_hash(&prev, &text);
    sqlx::query(
        "INSERT INTO fiscal_closures (tenant_id, seq, period, starts_on, ends_on, by_vat, by_method, invoiced_cents,
                                      collected_cents, grand_total_cents, last_seq, hash, chain_intact, chain_first_broken)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT ON CONSTRAINT fiscal_closures_once_per_period DO NOTHING",
    )
    .bind(tenant.0)
    .bind(seq + 1)
    .bind(db::to_text(&period))
    .bind(starts_on)
    .bind(ends_on)
    .bind(Json(&by_vat))
    .bind(Json(&by_method))
    .bind(invoiced)
    .bind(collected)
    .bind(grand_total)
    .bind(last_seq)
    .bind(hash.as_slice())
    .bind(integrity.intact)
    .bind(integrity.first_broken)
    .execute(conn)
    .await
    .map(|_| seq + 1)
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    period: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    by_vat: Json<Vec<VatTotal>>,
    by_method: Json<Vec<MethodTotal>>,
    invoiced_cents: i64,
    collected_cents: i64,
    grand_total_cents: i64,
    last_seq: i64,
    hash: Vec<u8>,
    chain_intact: bool,
    chain_first_broken: Option<i64>,
    created_at: DateTime<Utc>,
}

/// A school's closures of one kind, newest first.
pub async fn list(
    conn: &mut PgConnection,
    tenant: TenantId,
    period: Period,
    limit: i64,
) -> sqlx::Result<Vec<FiscalClosure>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT seq, period, starts_on, ends_on, by_vat, by_method, invoiced_cents, collected_cents, grand_total_cents,
                last_seq, hash, chain_intact, chain_first_broken, created_at
           FROM fiscal_closures WHERE tenant_id = $1 AND period = $2 ORDER BY starts_on DESC LIMIT $3",
    )
    .bind(tenant.0)
    .bind(db::to_text(&period))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| FiscalClosure {
            seq: r.seq,
            period: db::from_text(&r.period).unwrap_or(Period::Day),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            by_vat: r.by_vat.0,
            by_method: r.by_method.0,
            invoiced_cents: r.invoiced_cents,
            collected_cents: r.collected_cents,
            grand_total_cents: r.grand_total_cents,
            last_seq: r.last_seq,
            hash: hex::encode(r.hash),
            chain_intact: r.chain_intact,
            chain_first_broken: r.chain_first_broken,
            created_at: r.created_at,
        })
        .collect())
}
