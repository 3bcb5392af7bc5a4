//! Billing (SPEC § 6.4): the catalogue, invoices and credit notes numbered without gaps, payments
//! and instalments, card payments through a provider, and each student's account.
//!
//! Invoices and payments are records of the tax code: issued once, never changed (the database
//! role cannot UPDATE or DELETE them); a correction is a credit note. A sale of a product with
//! driving time credits the student's hours ledger in the same transaction.

pub mod archives;
pub mod chain;
pub mod closures;
pub mod contracts;
pub mod cpf;
pub mod document;
pub mod facturx;
pub mod repo;
pub mod routes;
pub mod service;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    HoursPackage,
    Lesson,
    Registration,
    StartEvaluation,
    ExamAccompaniment,
    CodePack,
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Card,
    Cash,
    Cheque,
    Transfer,
    Cpf,
    Other,
}

impl PaymentMethod {
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Card => "Carte bancaire",
            PaymentMethod::Cash => "Espèces",
            PaymentMethod::Cheque => "Chèque",
            PaymentMethod::Transfer => "Virement",
            PaymentMethod::Cpf => "CPF",
            PaymentMethod::Other => "Autre",
        }
    }
}

/// `invoice` or `credit_note`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    Person,
    Business,
}

crate::text_enum!(ProductKind, PaymentMethod, InvoiceKind);

fn driving_vat() -> i32 {
    volant_domain::billing::DRIVING_LESSON_VAT_BP
}
fn active_by_default() -> bool {
    true
}

/// A product of the catalogue as the office writes it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub name: String,
    pub kind: ProductKind,
    /// The price paid, VAT included, in cents.
    pub price_cents: i64,
    /// 2000 = 20 % (driving lessons, even paid through CPF).
    #[serde(default = "driving_vat")]
    pub vat_rate_bp: i32,
    /// Driving time credited to the student's hours on sale, per unit.
    #[serde(default)]
    pub minutes: Option<i32>,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Product {
    pub id: Uuid,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: ProductKind,
    pub price_cents: i64,
    pub vat_rate_bp: i32,
    pub minutes: Option<i32>,
    pub active: bool,
    pub version: i32,
}

impl Product {
    pub fn input(&self) -> ProductInput {
        ProductInput {
            name: self.name.clone(),
            kind: self.kind,
            price_cents: self.price_cents,
            vat_rate_bp: self.vat_rate_bp,
            minutes: self.minutes,
            active: self.active,
        }
    }
}

/// The PATCH body: the fields to change, and the `version` read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductUpdate {
    #[serde(flatten)]
    pub fields: ProductInput,
    pub version: i32,
}

/// Who is billed. Defaults to the student, or the guardian of a minor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    pub kind: CustomerKind,
    pub name: String,
    /// A business's SIREN (9 digits).
    #[serde(default)]
    pub siren: Option<String>,
    #[serde(default)]
    pub vat_number: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub product_id: Uuid,
    #[serde(default = "one")]
    pub quantity: i32,
}

fn one() -> i32 {
    1
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvoice {
    pub student_id: Uuid,
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub customer: Option<Customer>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct InvoiceLine {
    pub position: i32,
    pub product_id: Option<Uuid>,
    pub label: String,
    pub kind: String,
    /// Negative on a credit note.
    pub quantity: i32,
    /// VAT included.
    pub unit_price_cents: i64,
    pub vat_rate_bp: i32,
    /// Driving time per unit.
    pub minutes: Option<i32>,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VatLine {
    pub rate_bp: i32,
    pub base_cents: i64,
    pub vat_cents: i64,
}

/// The school as it bills, at the moment of issue.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
pub struct Seller {
    pub name: String,
    pub legal_form: Option<String>,
    pub address: Option<String>,
    pub siret: Option<String>,
    pub vat_number: Option<String>,
    pub agrement: Option<String>,
}

/// An invoice or a credit note, with what was paid on it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Invoice {
    pub id: Uuid,
    pub kind: InvoiceKind,
    /// `F2026-000001` (invoices) or `A2026-000001` (credit notes): per school and year, without gaps.
    pub number: String,
    pub student_id: Uuid,
    pub student_name: String,
    /// The invoice a credit note corrects.
    pub credit_of: Option<Uuid>,
    pub issued_at: DateTime<Utc>,
    pub service_date: NaiveDate,
    pub customer: Customer,
    pub seller: Seller,
    pub lines: Vec<InvoiceLine>,
    pub vat_by_rate: Vec<VatLine>,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
    pub payment_terms: String,
    pub reason: Option<String>,
    /// Paid on this invoice (payments naming it).
    pub paid_cents: i64,
    /// Credited by credit notes (as a positive amount).
    pub credited_cents: i64,
    /// What remains to pay: total − credited − paid (never below zero).
    pub due_cents: i64,
    pub instalments: Vec<Instalment>,
    /// On the answer to a sale only: what the office should know (`contract_exceeded`: hours
    /// sold beyond the signed contract without an amendment).
    pub warnings: Vec<volant_domain::planning::Finding>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditLine {
    /// The line of the invoice, from 1.
    pub position: i32,
    pub quantity: i32,
}

/// A correction: the lines (and quantities) to credit, the whole invoice when absent.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCreditNote {
    #[serde(default)]
    pub lines: Option<Vec<CreditLine>>,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, sqlx::FromRow)]
pub struct Instalment {
    pub position: i32,
    pub due_on: NaiveDate,
    pub amount_cents: i64,
}

/// Splits what remains due into equal monthly instalments from `first_due_on` (default today).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSchedule {
    /// 1 to 12.
    pub instalments: i32,
    #[serde(default)]
    pub first_due_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayment {
    pub student_id: Uuid,
    #[serde(default)]
    pub invoice_id: Option<Uuid>,
    pub method: PaymentMethod,
    pub amount_cents: i64,
    /// A cheque's number, a transfer's label.
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Payment {
    pub id: Uuid,
    pub student_id: Uuid,
    pub invoice_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub method: PaymentMethod,
    /// Negative for a refund.
    pub amount_cents: i64,
    pub received_at: DateTime<Utc>,
    pub reference: Option<String>,
    /// The payment a refund gives back.
    pub refund_of: Option<Uuid>,
    /// Why a refund was made.
    pub reason: Option<String>,
}

/// `POST /payments/{id}/refunds`: money given back on a payment, by the payment's own method.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRefund {
    /// What is given back, in cents (positive); all that remains refundable when absent.
    #[serde(default)]
    pub amount_cents: Option<i64>,
    pub reason: String,
}

/// A card payment's page at the provider.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Checkout {
    pub redirect_url: String,
    pub amount_cents: i64,
}

/// One line of a student's account, oldest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AccountEntry {
    /// `invoice`, `credit_note` or `payment`.
    pub kind: String,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub label: String,
    /// + what the student owes (invoices), − what reduces it (credit notes, payments).
    pub amount_cents: i64,
    /// What the student owes after this line.
    pub running_due_cents: i64,
}

/// A student's account: `balance_cents` = paid − invoiced (negative: the student owes).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Account {
    pub invoiced_cents: i64,
    pub paid_cents: i64,
    pub balance_cents: i64,
    pub entries: Vec<AccountEntry>,
}
