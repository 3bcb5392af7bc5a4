use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, types::Json};
use uuid::Uuid;
use volant_domain::{
    billing::Series,
    ids::{PaymentId, ProductId, TenantId},
};

use super::{Customer, Instalment, Invoice, InvoiceKind, InvoiceLine, Payment, Product, ProductInput, Seller, VatLine};

// ---- Catalogue ----

const PRODUCT_COLUMNS: &str = "id, name, kind, price_cents, vat_rate_bp, minutes, active, version";

pub async fn product(conn: &mut PgConnection, tenant: TenantId, id: Uuid, lock: bool) -> sqlx::Result<Option<Product>> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE tenant_id = $1 AND id = $2{lock}"
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

pub async fn products(conn: &mut PgConnection, tenant: TenantId, active: Option<bool>) -> sqlx::Result<Vec<Product>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE tenant_id = $1 AND ($2::boolean IS NULL OR active = $2)
          ORDER BY active DESC, kind, name"
    )))
    .bind(tenant.0)
    .bind(active)
    .fetch_all(conn)
    .await
}

pub async fn insert_product(conn: &mut PgConnection, tenant: TenantId, p: &ProductInput) -> sqlx::Result<Product> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO products (tenant_id, id, name, kind, price_cents, vat_rate_bp, minutes, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {PRODUCT_COLUMNS}"
    )))
    .bind(tenant.0)
    .bind(ProductId::new().0)
    .bind(&p.name)
    .bind(p.kind.as_str())
    .bind(p.price_cents)
    .bind(p.vat_rate_bp)
    .bind(p.minutes)
    .bind(p.active)
    .fetch_one(conn)
    .await
}

pub async fn update_product(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    p: &ProductInput,
) -> sqlx::Result<Product> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE products SET name = $3, kind = $4, price_cents = $5, vat_rate_bp = $6, minutes = $7, active = $8,
                version = version + 1
          WHERE tenant_id = $1 AND id = $2 RETURNING {PRODUCT_COLUMNS}"
    )))
    .bind(tenant.0)
    .bind(id)
    .bind(&p.name)
    .bind(p.kind.as_str())
    .bind(p.price_cents)
    .bind(p.vat_rate_bp)
    .bind(p.minutes)
    .bind(p.active)
    .fetch_one(conn)
    .await
}

// ---- Numbering ----

/// The next number of a series in a year. The UPSERT locks the counter's row until the
/// transaction ends: concurrent issues queue behind it, and a rollback gives the number back.
pub async fn next_number(conn: &mut PgConnection, tenant: TenantId, series: Series, year: i32) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO document_counters (tenant_id, series, year, last_number) VALUES ($1, $2, $3, 1)
         ON CONFLICT (tenant_id, series, year) DO UPDATE SET last_number = document_counters.last_number + 1
         RETURNING last_number",
    )
    .bind(tenant.0)
    .bind(crate::db::to_text(&series))
    .bind(year)
    .fetch_one(conn)
    .await
}

// ---- Invoices ----

/// What is stored of an invoice or a credit note when it is issued.
pub struct NewDocument<'a> {
    pub id: Uuid,
    pub series: Series,
    pub number: &'a str,
    pub student_id: Uuid,
    pub credit_of: Option<Uuid>,
    pub service_date: NaiveDate,
    pub customer: &'a Customer,
    pub seller: &'a Seller,
    pub totals: &'a volant_domain::billing::Totals,
    pub payment_terms: &'a str,
    pub reason: Option<&'a str>,
    pub created_by: Option<Uuid>,
    pub lines: &'a [InvoiceLine],
}

pub async fn insert_document(conn: &mut PgConnection, tenant: TenantId, d: &NewDocument<'_>) -> sqlx::Result<()> {
    let vat: Vec<VatLine> = d
        .totals
        .by_rate
        .iter()
        .map(|&(rate_bp, base_cents, vat_cents)| VatLine { rate_bp, base_cents, vat_cents })
        .collect();
    sqlx::query(
        "INSERT INTO invoices (tenant_id, id, series, number, student_id, credit_of, service_date, customer, seller,
                               excl_cents, vat_cents, incl_cents, vat_by_rate, payment_terms, reason, created_by, issued_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, clock_timestamp())",
    )
    .bind(tenant.0)
    .bind(d.id)
    .bind(crate::db::to_text(&d.series))
    .bind(d.number)
    .bind(d.student_id)
    .bind(d.credit_of)
    .bind(d.service_date)
    .bind(Json(d.customer))
    .bind(Json(d.seller))
    .bind(d.totals.excl_cents)
    .bind(d.totals.vat_cents)
    .bind(d.totals.incl_cents)
    .bind(Json(&vat))
    .bind(d.payment_terms)
    .bind(d.reason)
    .bind(d.created_by)
    .execute(&mut *conn)
    .await?;
    for l in d.lines {
        sqlx::query(
            "INSERT INTO invoice_lines (tenant_id, invoice_id, position, product_id, label, kind, quantity,
                                        unit_price_cents, vat_rate_bp, minutes, excl_cents, vat_cents, incl_cents)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(tenant.0)
        .bind(d.id)
        .bind(l.position)
        .bind(l.product_id)
        .bind(&l.label)
        .bind(&l.kind)
        .bind(l.quantity)
        .bind(l.unit_price_cents)
        .bind(l.vat_rate_bp)
        .bind(l.minutes)
        .bind(l.excl_cents)
        .bind(l.vat_cents)
        .bind(l.incl_cents)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Head {
    id: Uuid,
    series: String,
    number: String,
    student_id: Uuid,
    student_name: String,
    credit_of: Option<Uuid>,
    issued_at: DateTime<Utc>,
    service_date: NaiveDate,
    customer: Json<Customer>,
    seller: Json<Seller>,
    vat_by_rate: Json<Vec<VatLine>>,
    excl_cents: i64,
    vat_cents: i64,
    incl_cents: i64,
    payment_terms: String,
    reason: Option<String>,
    paid_cents: i64,
    credited_cents: i64,
}

const HEAD: &str = "SELECT i.id, i.series, i.number, i.student_id, s.first_name || ' ' || s.last_name AS student_name,
        i.credit_of, i.issued_at, i.service_date, i.customer, i.seller, i.vat_by_rate, i.excl_cents, i.vat_cents,
        i.incl_cents, i.payment_terms, i.reason,
        (SELECT coalesce(sum(p.amount_cents), 0) FROM payments p
          WHERE p.tenant_id = i.tenant_id AND p.invoice_id = i.id)::bigint AS paid_cents,
        (SELECT coalesce(-sum(c.incl_cents), 0) FROM invoices c
          WHERE c.tenant_id = i.tenant_id AND c.credit_of = i.id)::bigint AS credited_cents
   FROM invoices i JOIN students s ON s.tenant_id = i.tenant_id AND s.id = i.student_id";

pub async fn invoice(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> sqlx::Result<Option<Invoice>> {
    let head: Option<Head> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{HEAD} WHERE i.tenant_id = $1 AND i.id = $2")))
            .bind(tenant.0)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(head) = head else { return Ok(None) };
    Ok(complete(conn, tenant, vec![head]).await?.pop())
}

pub struct InvoiceFilter {
    pub student_id: Option<Uuid>,
    pub kind: Option<String>,
    /// Newest first: the page continues after this (issued_at, id).
    pub before: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

pub async fn invoices(conn: &mut PgConnection, tenant: TenantId, f: &InvoiceFilter) -> sqlx::Result<Vec<Invoice>> {
    let (before_at, before_id) = f.before.unzip();
    let heads: Vec<Head> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{HEAD} WHERE i.tenant_id = $1 AND ($2::uuid IS NULL OR i.student_id = $2) AND ($3::text IS NULL OR i.series = $3)
            AND ($4::timestamptz IS NULL OR (i.issued_at, i.id) < ($4, $5))
          ORDER BY i.issued_at DESC, i.id DESC LIMIT $6"
    )))
    .bind(tenant.0)
    .bind(f.student_id)
    .bind(&f.kind)
    .bind(before_at)
    .bind(before_id)
    .bind(f.limit)
    .fetch_all(&mut *conn)
    .await?;
    complete(conn, tenant, heads).await
}

/// The lines and instalments of a page of invoices, in two statements.
async fn complete(conn: &mut PgConnection, tenant: TenantId, heads: Vec<Head>) -> sqlx::Result<Vec<Invoice>> {
    let ids: Vec<Uuid> = heads.iter().map(|h| h.id).collect();
    let lines: Vec<LineOf> = sqlx::query_as(
        "SELECT invoice_id, position, product_id, label, kind, quantity, unit_price_cents, vat_rate_bp, minutes,
                excl_cents, vat_cents, incl_cents
           FROM invoice_lines WHERE tenant_id = $1 AND invoice_id = ANY($2) ORDER BY invoice_id, position",
    )
    .bind(tenant.0)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let plans: Vec<(Uuid, i32, NaiveDate, i64)> = sqlx::query_as(
        "SELECT invoice_id, position, due_on, amount_cents FROM invoice_instalments
          WHERE tenant_id = $1 AND invoice_id = ANY($2) ORDER BY invoice_id, position",
    )
    .bind(tenant.0)
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(heads.len());
    for h in heads {
        let kind: InvoiceKind = crate::db::from_text(&h.series)?;
        let due =
            if kind == InvoiceKind::Invoice { (h.incl_cents - h.credited_cents - h.paid_cents).max(0) } else { 0 };
        out.push(Invoice {
            id: h.id,
            kind,
            number: h.number,
            student_id: h.student_id,
            student_name: h.student_name,
            credit_of: h.credit_of,
            issued_at: h.issued_at,
            service_date: h.service_date,
            customer: h.customer.0,
            seller: h.seller.0,
            lines: lines.iter().filter(|l| l.invoice_id == h.id).map(|l| l.line.clone()).collect(),
            vat_by_rate: h.vat_by_rate.0,
            excl_cents: h.excl_cents,
            vat_cents: h.vat_cents,
            incl_cents: h.incl_cents,
            payment_terms: h.payment_terms,
            reason: h.reason,
            paid_cents: h.paid_cents,
            credited_cents: h.credited_cents,
            due_cents: due,
            instalments: plans
                .iter()
                .filter(|p| p.0 == h.id)
                .map(|p| Instalment { position: p.1, due_on: p.2, amount_cents: p.3 })
                .collect(),
            warnings: vec![],
        });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct LineOf {
    invoice_id: Uuid,
    #[sqlx(flatten)]
    line: InvoiceLine,
}

/// Serialises the changes around one invoice (credit notes, payments, its plan) until the
/// transaction ends. An advisory lock, because `SELECT … FOR UPDATE` needs the UPDATE grant that
/// the application's role must never hold on invoices. False when the invoice does not exist.
pub async fn lock_invoice(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> sqlx::Result<bool> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('volant.invoice:' || $1::text, 0))")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let found: Option<Uuid> = sqlx::query_scalar("SELECT id FROM invoices WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// Per line of an invoice, the quantity already credited (positive).
pub async fn credited_quantities(
    conn: &mut PgConnection,
    tenant: TenantId,
    invoice: Uuid,
) -> sqlx::Result<Vec<(i32, i64)>> {
    sqlx::query_as(
        "SELECT l.position, coalesce(-sum(cl.quantity), 0)::bigint
           FROM invoice_lines l
           LEFT JOIN invoices c ON c.tenant_id = l.tenant_id AND c.credit_of = l.invoice_id
           LEFT JOIN invoice_lines cl ON cl.tenant_id = c.tenant_id AND cl.invoice_id = c.id AND cl.position = l.position
          WHERE l.tenant_id = $1 AND l.invoice_id = $2 GROUP BY l.position ORDER BY l.position",
    )
    .bind(tenant.0)
    .bind(invoice)
    .fetch_all(conn)
    .await
}

// ---- Instalments ----

pub async fn replace_instalments(
    conn: &mut PgConnection,
    tenant: TenantId,
    invoice: Uuid,
    plan: &[Instalment],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM invoice_instalments WHERE tenant_id = $1 AND invoice_id = $2")
        .bind(tenant.0)
        .bind(invoice)
        .execute(&mut *conn)
        .await?;
    for i in plan {
        sqlx::query(
            "INSERT INTO invoice_instalments (tenant_id, invoice_id, position, due_on, amount_cents) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(tenant.0)
        .bind(invoice)
        .bind(i.position)
        .bind(i.due_on)
        .bind(i.amount_cents)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

// ---- Payments ----

const PAYMENT_COLUMNS: &str =
    "id, student_id, invoice_id, method, amount_cents, received_at, reference, refund_of, reason";

pub struct NewPaymentRow<'a> {
    pub student_id: Uuid,
    pub invoice_id: Option<Uuid>,
    pub method: super::PaymentMethod,
    pub amount_cents: i64,
    pub reference: Option<&'a str>,
    pub provider_ref: Option<&'a str>,
    /// A refund: the payment it gives back, and why.
    pub refund: Option<(Uuid, &'a str)>,
    pub created_by: Option<Uuid>,
}

pub async fn insert_payment(conn: &mut PgConnection, tenant: TenantId, p: &NewPaymentRow<'_>) -> sqlx::Result<Payment> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO payments (tenant_id, id, student_id, invoice_id, method, amount_cents, reference, provider_ref,
                               created_by, refund_of, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {PAYMENT_COLUMNS}"
    )))
    .bind(tenant.0)
    .bind(PaymentId::new().0)
    .bind(p.student_id)
    .bind(p.invoice_id)
    .bind(p.method.as_str())
    .bind(p.amount_cents)
    .bind(p.reference)
    .bind(p.provider_ref)
    .bind(p.created_by)
    .bind(p.refund.map(|r| r.0))
    .bind(p.refund.map(|r| r.1))
    .fetch_one(conn)
    .await
}

pub async fn payment(conn: &mut PgConnection, tenant: TenantId, id: Uuid) -> sqlx::Result<Option<Payment>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant.0)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Locks a payment's refunds until the transaction ends: two refunds of one payment never both
/// take what remains.
pub async fn lock_refunds(conn: &mut PgConnection, tenant: TenantId, payment: Uuid) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('refunds:' || $1::text || ':' || $2::text, 0))")
        .bind(tenant.0)
        .bind(payment)
        .execute(conn)
        .await
        .map(|_| ())
}

/// What was already given back on a payment (positive).
pub async fn refunded_cents(conn: &mut PgConnection, tenant: TenantId, payment: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT (-coalesce(sum(amount_cents), 0))::bigint FROM payments WHERE tenant_id = $1 AND refund_of = $2",
    )
    .bind(tenant.0)
    .bind(payment)
    .fetch_one(conn)
    .await
}

pub struct PaymentFilter {
    pub student_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub before: Option<(DateTime<Utc>, Uuid)>,
    pub limit: i64,
}

pub async fn payments(conn: &mut PgConnection, tenant: TenantId, f: &PaymentFilter) -> sqlx::Result<Vec<Payment>> {
    let (before_at, before_id) = f.before.unzip();
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments
          WHERE tenant_id = $1 AND ($2::uuid IS NULL OR student_id = $2) AND ($3::uuid IS NULL OR invoice_id = $3)
            AND ($4::timestamptz IS NULL OR (received_at, id) < ($4, $5))
          ORDER BY received_at DESC, id DESC LIMIT $6"
    )))
    .bind(tenant.0)
    .bind(f.student_id)
    .bind(f.invoice_id)
    .bind(before_at)
    .bind(before_id)
    .bind(f.limit)
    .fetch_all(conn)
    .await
}

// ---- Card checkouts and provider events ----

pub struct CheckoutRow {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount_cents: i64,
    pub status: String,
    pub created_by: Option<Uuid>,
}

pub async fn insert_checkout(
    conn: &mut PgConnection,
    tenant: TenantId,
    c: &CheckoutRow,
    provider: &str,
    session_id: &str,
    url: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO card_checkouts (tenant_id, id, invoice_id, provider, session_id, amount_cents, redirect_url, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant.0)
    .bind(c.id)
    .bind(c.invoice_id)
    .bind(provider)
    .bind(session_id)
    .bind(c.amount_cents)
    .bind(url)
    .bind(c.created_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// The checkout a provider's session answers, locked.
pub async fn checkout_by_session(
    conn: &mut PgConnection,
    tenant: TenantId,
    provider: &str,
    session_id: &str,
) -> sqlx::Result<Option<CheckoutRow>> {
    let row: Option<(Uuid, Uuid, i64, String, Option<Uuid>)> = sqlx::query_as(
        "SELECT id, invoice_id, amount_cents, status, created_by FROM card_checkouts
          WHERE tenant_id = $1 AND provider = $2 AND session_id = $3 FOR UPDATE",
    )
    .bind(tenant.0)
    .bind(provider)
    .bind(session_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| CheckoutRow { id: r.0, invoice_id: r.1, amount_cents: r.2, status: r.3, created_by: r.4 }))
}

pub async fn set_checkout_status(
    conn: &mut PgConnection,
    tenant: TenantId,
    id: Uuid,
    status: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE card_checkouts SET status = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.0)
        .bind(id)
        .bind(status)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a provider event; false when its id was seen already (a replay).
pub async fn record_event(
    conn: &mut PgConnection,
    tenant: TenantId,
    provider: &str,
    event_id: &str,
    kind: &str,
    outcome: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO payment_events (tenant_id, provider, event_id, kind, outcome) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant.0)
    .bind(provider)
    .bind(event_id)
    .bind(kind)
    .bind(outcome)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---- Account ----

/// A student's documents and payments, oldest first: (kind, id, at, label, signed amount).
pub async fn account_lines(
    conn: &mut PgConnection,
    tenant: TenantId,
    student: Uuid,
) -> sqlx::Result<Vec<(String, Uuid, DateTime<Utc>, String, i64)>> {
    sqlx::query_as(
        "SELECT series, id, issued_at, number, incl_cents FROM invoices WHERE tenant_id = $1 AND student_id = $2
         UNION ALL
         SELECT 'payment', id, received_at, method, -amount_cents FROM payments WHERE tenant_id = $1 AND student_id = $2
         ORDER BY 3, 2",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_all(conn)
    .await
}

/// Paid − invoiced for a student, in one statement (the eligibility rule `balance` reads it).
pub async fn balance(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT ((SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE tenant_id = $1 AND student_id = $2)
               - (SELECT coalesce(sum(incl_cents), 0) FROM invoices WHERE tenant_id = $1 AND student_id = $2))::bigint",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_one(conn)
    .await
}

/// The school's identity as its invoices print it: legal name, address, SIRET, agrément.
pub async fn school_identity(
    conn: &mut PgConnection,
    tenant: TenantId,
) -> sqlx::Result<(String, Option<String>, Option<String>, Option<String>)> {
    sqlx::query_as("SELECT coalesce(legal_name, name), address, siret, agrement FROM tenants WHERE id = $1")
        .bind(tenant.0)
        .fetch_one(conn)
        .await
}

/// The driving time sold to a student (packages and lessons), credit notes deducted.
pub async fn sold_driving_minutes(conn: &mut PgConnection, tenant: TenantId, student: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(SUM(l.minutes::bigint * l.quantity), 0)::bigint
           FROM invoice_lines l
           JOIN invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
          WHERE i.tenant_id = $1 AND i.student_id = $2 AND l.kind IN ('hours_package', 'lesson')
            AND l.minutes IS NOT NULL",
    )
    .bind(tenant.0)
    .bind(student)
    .fetch_one(conn)
    .await
}
