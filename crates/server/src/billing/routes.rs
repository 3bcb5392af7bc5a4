use axum::{
    Json,
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    Account, Checkout, Invoice, NewCreditNote, NewInvoice, NewPayment, NewRefund, NewSchedule, Payment, Product,
    ProductInput, ProductUpdate, archives, chain, closures, document, repo, service,
};
use crate::{
    auth::{Ctx, Permission, Viewer},
    error::{AppError, AppResult},
    http::{
        created,
        json::{ApiQuery, JsonBody},
        page::{self, Page},
        patch, path_id, pdf_response,
    },
    payments as provider,
    state::AppState,
    work::Work,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, update_product))
        .routes(routes!(list_invoices, issue_invoice))
        .routes(routes!(get_invoice))
        .merge(OpenApiRouter::with_openapi(PdfPath::openapi()))
        .routes(routes!(credit_note))
        .routes(routes!(schedule))
        .routes(routes!(checkout))
        .routes(routes!(list_payments, record_payment))
        .routes(routes!(refund))
        .routes(routes!(verify_chain))
        .routes(routes!(list_closures))
        .routes(routes!(list_archives, create_archive))
        .routes(routes!(download_archive))
        .routes(routes!(account))
        .routes(routes!(webhook))
        .merge(super::contracts::routes::routes())
        .merge(super::cpf::routes::routes())
}

// ---- Catalogue ----

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// Only the products on sale (`true`) or withdrawn (`false`).
    pub active: Option<bool>,
}

/// The catalogue: products on sale first, by kind and name.
#[utoipa::path(operation_id = "products_list", get, path = "/products", tag = "billing", params(ProductQuery),
    responses((status = 200, body = Vec<Product>), (status = 401), (status = 403)))]
async fn list_products(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ProductQuery>,
) -> AppResult<Json<Vec<Product>>> {
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let rows = repo::products(&mut work, ctx.tenant_id, q.active).await?;
    work.commit().await?;
    Ok(Json(rows))
}

/// Adds a product (the fees the law forbids are refused: rule `forbidden_fee`).
#[utoipa::path(operation_id = "products_create", post, path = "/products", tag = "billing", request_body = ProductInput,
    responses((status = 201, body = Product), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn create_product(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageCatalogue).await?;
    let product = service::create_product(&mut work, body.parse()?).await?;
    work.commit().await?;
    Ok(created(product))
}

/// One product.
#[utoipa::path(operation_id = "products_get_one", get, path = "/products/{id}", tag = "billing", params(("id" = Uuid, Path)),
    responses((status = 200, body = Product), (status = 401), (status = 403), (status = 404)))]
async fn get_product(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Product>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let product = repo::product(&mut work, ctx.tenant_id, id, false).await?.ok_or(AppError::NotFound)?;
    work.commit().await?;
    Ok(Json(product))
}

/// Changes a product (its price applies to the next sales; issued invoices keep theirs).
#[utoipa::path(operation_id = "products_update", patch, path = "/products/{id}", tag = "billing", params(("id" = Uuid, Path)),
    request_body = ProductUpdate,
    responses((status = 200, body = Product), (status = 400), (status = 401), (status = 403), (status = 404), (status = 412), (status = 422)))]
async fn update_product(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Product>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageCatalogue).await?;
    let before = repo::product(&mut work, ctx.tenant_id, id, true).await?.ok_or(AppError::NotFound)?;
    let input: ProductInput = patch::apply(&before.input(), before.version, &before, &body)?;
    let after = service::update_product(&mut work, before, input).await?;
    work.commit().await?;
    Ok(Json(after))
}

// ---- Invoices ----

/// `/invoices/{id}.pdf` shares its segment with `/invoices/{id}`, which the router cannot tell
/// apart: `get_invoice` answers both, and this document describes the PDF's path.
#[derive(utoipa::OpenApi)]
#[openapi(paths(invoice_pdf))]
struct PdfPath;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    pub student_id: Option<Uuid>,
    /// `invoice` or `credit_note`.
    pub kind: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A student sees only their own: the filter is forced to them.
fn own_student(work: &Work, asked: Option<Uuid>) -> AppResult<Option<Uuid>> {
    match work.viewer {
        Viewer::Office => Ok(asked),
        Viewer::Student(own) if asked.is_none_or(|a| a == own) => Ok(Some(own)),
        Viewer::Student(_) => Err(AppError::NotFound),
        _ => Err(AppError::forbidden()),
    }
}

/// Invoices and credit notes, newest first.
#[utoipa::path(operation_id = "invoices_list", get, path = "/invoices", tag = "billing", params(InvoiceQuery),
    responses((status = 200, body = Page<Invoice>), (status = 401), (status = 403)))]
async fn list_invoices(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<InvoiceQuery>,
) -> AppResult<Json<Page<Invoice>>> {
    let limit = page::limit(q.limit)?;
    let before: Option<(DateTime<Utc>, Uuid)> = page::decode_cursor(q.cursor.as_deref())?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let student_id = own_student(&work, q.student_id)?;
    let filter = repo::InvoiceFilter { student_id, kind: q.kind, before, limit: limit + 1 };
    let rows = repo::invoices(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |i| (i.issued_at, i.id))))
}

/// Issues an invoice at once (numbered, immutable); a product with driving time credits the
/// student's hours in the same transaction.
#[utoipa::path(operation_id = "invoices_create", post, path = "/invoices", tag = "billing", request_body = NewInvoice,
    responses((status = 201, body = Invoice), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn issue_invoice(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageBilling).await?;
    let new: NewInvoice = body.parse()?;
    let invoice = service::issue_invoice(&mut work, new).await?;
    work.commit().await?;
    state.jobs_wake.notify_one();
    Ok(created(invoice))
}

/// One invoice or credit note, with what was paid and what remains due.
#[utoipa::path(operation_id = "invoices_get_one", get, path = "/invoices/{id}", tag = "billing", params(("id" = Uuid, Path)),
    responses((status = 200, body = Invoice), (status = 401), (status = 403), (status = 404)))]
async fn get_invoice(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    if let Some(id) = id.strip_suffix(".pdf") {
        return invoice_pdf(State(state), ctx, Path(id.to_owned())).await;
    }
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let invoice = service::visible_invoice(&mut work, id).await?;
    work.commit().await?;
    Ok(Json(invoice).into_response())
}

/// The invoice as a PDF with every legal mention; to a business (SIREN given), a Factur-X
/// EN 16931: a PDF/A-3 carrying the invoice as CII XML (`factur-x.xml`).
#[utoipa::path(operation_id = "invoices_pdf", get, path = "/invoices/{id}.pdf", tag = "billing", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 401), (status = 403), (status = 404)))]
async fn invoice_pdf(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let invoice = service::visible_invoice(&mut work, id).await?;
    let credited = match invoice.credit_of {
        Some(of) => repo::invoice(&mut work, ctx.tenant_id, of).await?,
        None => None,
    };
    let filter = repo::PaymentFilter { student_id: None, invoice_id: Some(id), before: None, limit: 1000 };
    let mut payments = repo::payments(&mut work, ctx.tenant_id, &filter).await?;
    payments.reverse();
    let tz = work.tz();
    work.commit().await?;
    let pdf = document::render(&invoice, credited.as_ref(), &payments, tz).await?;
    Ok(pdf_response(pdf, &format!("{}.pdf", invoice.number)))
}

/// Corrects an invoice by a credit note (the lines and quantities given, or all of it).
#[utoipa::path(operation_id = "invoices_credit_note", post, path = "/invoices/{id}/credit-notes", tag = "billing",
    params(("id" = Uuid, Path)), request_body = NewCreditNote,
    responses((status = 201, body = Invoice), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn credit_note(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageBilling).await?;
    service::visible_invoice(&mut work, id).await?;
    let note = service::credit(&mut work, id, body.parse()?).await?;
    work.commit().await?;
    Ok(created(note))
}

/// Splits what remains due into monthly instalments (replaces the previous plan).
#[utoipa::path(operation_id = "invoices_schedule", post, path = "/invoices/{id}/schedule", tag = "billing",
    params(("id" = Uuid, Path)), request_body = NewSchedule,
    responses((status = 200, body = Invoice), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn schedule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Json<Invoice>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageBilling).await?;
    service::visible_invoice(&mut work, id).await?;
    let invoice = service::schedule(&mut work, id, body.parse()?).await?;
    work.commit().await?;
    Ok(Json(invoice))
}

/// Opens the card payment page of the provider for what remains due; the payment is recorded
/// when the provider's signed webhook says it is paid.
#[utoipa::path(operation_id = "invoices_checkout", post, path = "/invoices/{id}/checkout", tag = "billing",
    params(("id" = Uuid, Path)),
    responses((status = 201, body = Checkout), (status = 401), (status = 403), (status = 404), (status = 422), (status = 503)))]
async fn checkout(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::PayOnline).await?;
    let checkout = service::start_checkout(&mut work, state.payments.as_ref(), id, &state.public_url).await?;
    work.commit().await?;
    Ok(created(checkout))
}

// ---- Payments ----

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentQuery {
    pub student_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Payments received, newest first.
#[utoipa::path(operation_id = "payments_list", get, path = "/payments", tag = "billing", params(PaymentQuery),
    responses((status = 200, body = Page<Payment>), (status = 401), (status = 403)))]
async fn list_payments(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PaymentQuery>,
) -> AppResult<Json<Page<Payment>>> {
    let limit = page::limit(q.limit)?;
    let before: Option<(DateTime<Utc>, Uuid)> = page::decode_cursor(q.cursor.as_deref())?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let student_id = own_student(&work, q.student_id)?;
    let filter = repo::PaymentFilter { student_id, invoice_id: q.invoice_id, before, limit: limit + 1 };
    let rows = repo::payments(&mut work, ctx.tenant_id, &filter).await?;
    work.commit().await?;
    Ok(Json(page::paginate(rows, limit, |p| (p.received_at, p.id))))
}

/// Records a payment taken at the desk: cash, cheque, transfer, CPF, a card terminal, other.
#[utoipa::path(operation_id = "payments_create", post, path = "/payments", tag = "billing", request_body = NewPayment,
    responses((status = 201, body = Payment), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn record_payment(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ManageBilling).await?;
    let new: NewPayment = body.parse()?;
    let payment = service::record_payment(&mut work, new, None).await?;
    work.commit().await?;
    state.jobs_wake.notify_one();
    Ok(created(payment))
}

/// Verifies the school's fiscal chain: every invoice, credit note, payment and refund still gives
/// the hash it was linked with when written, no link is missing, and no record was written around
/// it (CGI art. 286 I 3° bis).
#[utoipa::path(operation_id = "payments_verify", get, path = "/payments/verify", tag = "billing",
    responses((status = 200, body = chain::ChainCheck), (status = 401), (status = 403)))]
async fn verify_chain(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<chain::ChainCheck>> {
    let mut work = ctx.begin(&state, Permission::ReadAudit).await?;
    let check = chain::verify(&mut work, ctx.tenant_id).await?;
    work.commit().await?;
    Ok(Json(check))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClosureQuery {
    /// `day` (default), `month` or `year`.
    pub period: Option<volant_domain::fiscal::Period>,
    pub limit: Option<i64>,
}

/// The school's closures of one kind, newest first: made after each day, month and year (school
/// time), with the totals by VAT rate and by method, the period's total and the grand total.
#[utoipa::path(operation_id = "closures_list", get, path = "/closures", tag = "billing", params(ClosureQuery),
    responses((status = 200, body = Vec<closures::FiscalClosure>), (status = 400), (status = 401), (status = 403)))]
async fn list_closures(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<ClosureQuery>,
) -> AppResult<Json<Vec<closures::FiscalClosure>>> {
    let limit = page::limit(q.limit)?;
    let mut work = ctx.begin(&state, Permission::ReadAudit).await?;
    let period = q.period.unwrap_or(volant_domain::fiscal::Period::Day);
    let list = closures::list(&mut work, ctx.tenant_id, period, limit).await?;
    work.commit().await?;
    Ok(Json(list))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArchive {
    /// The year archived: its days closed so far (all of them once the year is closed).
    pub year: i32,
}

/// The school's fiscal archives, newest first, and the public key that signs them (ADMIN).
#[utoipa::path(operation_id = "fiscal_archives_list", get, path = "/fiscal-archives", tag = "billing",
    responses((status = 200, body = archives::ArchivesOverview), (status = 401), (status = 403)))]
async fn list_archives(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<archives::ArchivesOverview>> {
    let mut work = ctx.begin(&state, Permission::ReadAudit).await?;
    let overview = archives::overview(&mut work, &state.settings.secret_key).await?;
    work.commit().await?;
    Ok(Json(overview))
}

/// Archives a year (201: the zip, its record at `Location`): CSV files of the invoices, lines,
/// payments, closures, fiscal chain and technical journal, a manifest and its Ed25519 signature,
/// readable without Volant. 422 `nothing_closed` before the year's first closure.
#[utoipa::path(operation_id = "fiscal_archives_create", post, path = "/fiscal-archives", tag = "billing",
    request_body = NewArchive,
    responses((status = 201, content_type = "application/zip", body = Vec<u8>), (status = 400), (status = 401), (status = 403), (status = 422)))]
async fn create_archive(State(state): State<AppState>, ctx: Ctx, body: JsonBody) -> AppResult<Response> {
    let mut work = ctx.begin(&state, Permission::ReadAudit).await?;
    let new: NewArchive = body.parse()?;
    let (archive, zip) = archives::create(&mut work, new.year, &state.settings.secret_key).await?;
    work.commit().await?;
    let mut response = zip_response(zip, &archives::file_name(&archive));
    *response.status_mut() = axum::http::StatusCode::CREATED;
    if let Ok(location) = axum::http::HeaderValue::from_str(&format!("/api/v1/fiscal-archives/{}", archive.id)) {
        response.headers_mut().insert(axum::http::header::LOCATION, location);
    }
    Ok(response)
}

/// One archive's zip, as it was made (each download is an export in the technical journal).
#[utoipa::path(operation_id = "fiscal_archives_download", get, path = "/fiscal-archives/{id}", tag = "billing",
    params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/zip", body = Vec<u8>), (status = 401), (status = 403), (status = 404)))]
async fn download_archive(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadAudit).await?;
    let (archive, zip) = archives::content(&mut work, id).await?;
    work.commit().await?;
    Ok(zip_response(zip, &archives::file_name(&archive)))
}

fn zip_response(zip: Vec<u8>, filename: &str) -> Response {
    use axum::http::{HeaderValue, header};
    let mut response = zip.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// Gives money back on a payment (201: the refund, a negative payment record naming it); the
/// payment itself is never changed. 422 `not_refundable` for a refund, `nothing_to_refund` once
/// all is given back.
#[utoipa::path(operation_id = "payments_refund", post, path = "/payments/{id}/refunds", tag = "billing",
    params(("id" = Uuid, Path)), request_body = NewRefund,
    responses((status = 201, body = Payment), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn refund(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: JsonBody,
) -> AppResult<Response> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ManageBilling).await?;
    repo::payment(&mut work, ctx.tenant_id, id).await?.ok_or(AppError::NotFound)?;
    let refund = service::refund(&mut work, id, body.parse()?).await?;
    work.commit().await?;
    Ok(created(refund))
}

/// A student's account: invoiced, paid, balance (paid − invoiced), and its lines.
#[utoipa::path(operation_id = "students_account", get, path = "/students/{id}/account", tag = "billing",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Account), (status = 401), (status = 403), (status = 404)))]
async fn account(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Json<Account>> {
    let id: Uuid = path_id(&id)?;
    let mut work = ctx.begin(&state, Permission::ReadBilling).await?;
    let account = service::account(&mut work, id).await?;
    work.commit().await?;
    Ok(Json(account))
}

// ---- The provider's webhooks ----

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAnswer {
    pub received: bool,
    /// `paid`, `ignored` (a replay, or an event we do not act on) or `refused` (not the amount asked).
    pub outcome: String,
}

/// The payment provider's signed events (Stripe's scheme): the signature and its timestamp are
/// checked first, each event is handled once, and an amount we did not ask for is refused.
#[utoipa::path(operation_id = "payments_webhook", post, path = "/webhooks/payments/{provider}", tag = "billing",
    params(("provider" = String, Path, description = "`stripe`")), request_body(content = Object, description = "The provider's event, signed in the `Stripe-Signature` header."),
    responses((status = 200, body = WebhookAnswer), (status = 400), (status = 404)))]
async fn webhook(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> AppResult<Json<WebhookAnswer>> {
    let body = body.raw();
    let provider = state.payments.as_ref().filter(|_| name == provider::STRIPE).ok_or(AppError::NotFound)?;
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
    provider.verify(signature, body, service::now_unix()).map_err(|e| {
        tracing::warn!(reason = %e, "payment webhook refused");
        AppError::bad_request("Signature du fournisseur de paiement invalide ou expirée.")
    })?;
    // Signed by the provider but not a shape we act on: answered 200 so that it is not resent.
    let Ok(event) = serde_json::from_slice::<provider::Event>(body) else {
        return Ok(Json(WebhookAnswer { received: true, outcome: "ignored".into() }));
    };
    let Some(tenant) = service::event_school(&event) else {
        return Ok(Json(WebhookAnswer { received: true, outcome: "ignored".into() }));
    };
    let mut work = Work::system(&state.pool, tenant).await?;
    work.tells = true;
    let outcome = service::apply_event(&mut work, &event).await?;
    work.commit().await?;
    state.jobs_wake.notify_one();
    let outcome = match outcome {
        service::WebhookOutcome::Paid => "paid",
        service::WebhookOutcome::Ignored => "ignored",
        service::WebhookOutcome::Refused => "refused",
    };
    Ok(Json(WebhookAnswer { received: true, outcome: outcome.into() }))
}
