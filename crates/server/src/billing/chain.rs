//! The fiscal chain of a school's invoices, credit notes, payments and refunds: each record is
//! linked when written (`append`, in the writing transaction), and `verify` walks the links
//! against the records as the tables hold them now (`volant_domain::fiscal`).

use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;
use volant_domain::fiscal::{self, Break, GENESIS, Hash, StoredLink, field};
use volant_domain::ids::TenantId;

use super::{Invoice, Payment, repo};

const INVOICE: &str = "invoice";
const PAYMENT: &str = "payment";

fn opt(id: Option<Uuid>) -> String {
    id.map_or_else(|| "-".to_owned(), |id| id.to_string())
}

/// What an invoice or a credit note says, in one line: its identity, parties, totals and lines
/// (not what is paid on it, which moves).
pub fn invoice_text(i: &Invoice) -> String {
    let lines: Vec<String> = i
        .lines
        .iter()
        .map(|l| {
            format!(
                "{}:{}:{}:{}:{}:{}",
                l.position,
                field(&l.label),
                l.quantity,
                l.unit_price_cents,
                l.vat_rate_bp,
                l.incl_cents
            )
        })
        .collect();
    format!(
        "{INVOICE}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        crate::db::to_text(&i.kind),
        i.id,
        field(&i.number),
        i.student_id,
        opt(i.credit_of),
        i.issued_at.timestamp_micros(),
        i.service_date,
        field(&i.customer.name),
        i.excl_cents,
        i.vat_cents,
        i.incl_cents,
        lines.join(";")
    )
}

/// What a payment or a refund says, in one line.
pub fn payment_text(p: &Payment) -> String {
    format!(
        "{PAYMENT}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        p.id,
        p.student_id,
        opt(p.invoice_id),
        p.method.as_str(),
        p.amount_cents,
        p.received_at.timestamp_micros(),
        opt(p.refund_of),
        field(p.reason.as_deref().unwrap_or("-")),
        field(p.reference.as_deref().unwrap_or("-"))
    )
}

fn to_hash(bytes: &[u8]) -> Hash {
    bytes.try_into().unwrap_or(GENESIS)
}

/// Links a record after the school's last one. The head's row lock orders a school's appends and
/// is held to the commit.
async fn append(conn: &mut PgConnection, tenant: TenantId, kind: &str, id: Uuid, text: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO fiscal_heads (tenant_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING",
    )
    .bind(tenant.0)
    .bind(GENESIS.as_slice())
    .execute(&mut *conn)
    .await?;
    let (seq, prev): (i64, Vec<u8>) =
        sqlx::query_as("SELECT seq, hash FROM fiscal_heads WHERE tenant_id = $1 FOR UPDATE")
            .bind(tenant.0)
            .fetch_one(&mut *conn)
            .await?;
    let seq = seq + 1;
    let hash = fiscal::link(&to_hash(&prev), seq, text);
    sqlx::query("UPDATE fiscal_heads SET seq = $2, hash = $3 WHERE tenant_id = $1")
        .bind(tenant.0)
        .bind(seq)
        .bind(hash.as_slice())
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO fiscal_chain (tenant_id, seq, kind, record_id, hash) VALUES ($1, $2, $3, $4, $5)")
        .bind(tenant.0)
        .bind(seq)
        .bind(kind)
        .bind(id)
        .bind(hash.as_slice())
        .execute(conn)
        .await
        .map(|_| ())
}

pub async fn append_invoice(conn: &mut PgConnection, tenant: TenantId, i: &Invoice) -> sqlx::Result<()> {
    append(conn, tenant, INVOICE, i.id, &invoice_text(i)).await
}

pub async fn append_payment(conn: &mut PgConnection, tenant: TenantId, p: &Payment) -> sqlx::Result<()> {
    append(conn, tenant, PAYMENT, p.id, &payment_text(p)).await
}

/// The verification of a school's fiscal chain.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChainCheck {
    pub ok: bool,
    /// Links walked.
    pub checked: usize,
    /// The first link that does not verify.
    pub first_break: Option<Break>,
    /// Records that have no link: written around the application.
    pub unchained: Vec<Uuid>,
}

/// Walks the whole chain against the records as they are now.
pub async fn verify(conn: &mut PgConnection, tenant: TenantId) -> sqlx::Result<ChainCheck> {
    let all = i64::MAX;
    let invoices = repo::invoices(
        &mut *conn,
        tenant,
        &repo::InvoiceFilter { student_id: None, kind: None, before: None, limit: all },
    )
    .await?;
    let payments = repo::payments(
        &mut *conn,
        tenant,
        &repo::PaymentFilter { student_id: None, invoice_id: None, before: None, limit: all },
    )
    .await?;
    let mut texts: std::collections::HashMap<(&str, Uuid), String> = invoices
        .iter()
        .map(|i| ((INVOICE, i.id), invoice_text(i)))
        .chain(payments.iter().map(|p| ((PAYMENT, p.id), payment_text(p))))
        .collect();
    let rows: Vec<(i64, String, Uuid, Vec<u8>)> =
        sqlx::query_as("SELECT seq, kind, record_id, hash FROM fiscal_chain WHERE tenant_id = $1 ORDER BY seq")
            .bind(tenant.0)
            .fetch_all(&mut *conn)
            .await?;
    let head: Option<i64> = sqlx::query_scalar("SELECT seq FROM fiscal_heads WHERE tenant_id = $1")
        .bind(tenant.0)
        .fetch_optional(&mut *conn)
        .await?;
    let links: Vec<StoredLink> = rows
        .into_iter()
        .map(|(seq, kind, record_id, hash)| {
            let key = if kind == INVOICE { INVOICE } else { PAYMENT };
            let record = texts.remove(&(key, record_id));
            StoredLink { seq, kind, record_id, hash: to_hash(&hash), record }
        })
        .collect();
    let mut first_break = fiscal::first_break(&links);
    // Links removed at the end leave the head ahead of the last one.
    let last = links.last().map_or(0, |l| l.seq);
    if first_break.is_none() && head.unwrap_or(0) != last {
        first_break =
            Some(Break { seq: last + 1, kind: String::new(), record_id: Uuid::nil(), problem: "gap".to_owned() });
    }
    let mut unchained: Vec<Uuid> = texts.into_keys().map(|(_, id)| id).collect();
    unchained.sort();
    Ok(ChainCheck { ok: first_break.is_none() && unchained.is_empty(), checked: links.len(), first_break, unchained })
}
