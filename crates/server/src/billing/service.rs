//! Billing's business steps: the catalogue's checks, issuing an invoice (number, totals, the sale's
//! hours), credit notes, payments and their plan, card payments and the provider's webhooks.

use chrono::{Datelike, Months, Utc};
use serde_json::json;
use uuid::Uuid;
use volant_domain::billing::{
    self as rules, MAX_AMOUNT_CENTS, MAX_INSTALMENTS, Priced, Series, document_number, is_forbidden_fee,
};
use volant_domain::ids::{CheckoutId, InvoiceId, TenantId};
use volant_domain::planning::Finding;

use super::{
    Account, AccountEntry, Checkout, CreditLine, Customer, CustomerKind, Instalment, Invoice, InvoiceKind, InvoiceLine,
    NewCreditNote, NewInvoice, NewPayment, NewRefund, NewSchedule, Payment, PaymentMethod, Product, ProductInput,
    Seller, repo,
};
use crate::payments::{self as provider, CheckoutRequest, PaymentProvider};
use crate::{
    audit::Change,
    auth::Viewer,
    error::{AppError, AppResult, FieldErrors, on_constraint},
    notifications::{self, About, Event, Raised},
    students::{self, Student},
    work::Work,
};

/// The French VAT rates (CGI art. 278 to 281 nonies), and 0 for a school under the franchise.
const VAT_RATES_BP: [i32; 5] = [0, 210, 550, 1000, 2000];
const MAX_LINES: usize = 30;
const MAX_QUANTITY: i32 = 100;

const PRODUCT_CONSTRAINTS: &[(&str, &str, &str)] =
    &[("products_name_unique", "name", "Un produit du catalogue porte déjà ce nom.")];

// ---- Catalogue ----

fn validate_product(mut p: ProductInput) -> AppResult<ProductInput> {
    p.name = p.name.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut errors = FieldErrors::default();
    if p.name.is_empty() || p.name.chars().count() > 120 {
        errors.add("name", "Le nom tient en 1 à 120 caractères.");
    }
    if !(0..=MAX_AMOUNT_CENTS).contains(&p.price_cents) {
        errors.add("price_cents", "Le prix est compris entre 0 et 100 000 €.");
    }
    if !VAT_RATES_BP.contains(&p.vat_rate_bp) {
        errors
            .add("vat_rate_bp", "Taux de TVA français attendu : 0, 2,1, 5,5, 10 ou 20 % (0, 210, 550, 1000 ou 2000).");
    }
    match p.minutes {
        Some(m) if !(1..=volant_domain::ledger::MAX_ENTRY_MINUTES).contains(&m) => {
            errors.add("minutes", "La durée créditée est comprise entre 1 minute et 1 000 heures.");
        }
        None if matches!(p.kind, super::ProductKind::HoursPackage | super::ProductKind::Lesson) => {
            errors.add("minutes", "Un forfait d'heures ou une leçon crédite une durée de conduite (en minutes).");
        }
        _ => {}
    }
    errors.finish()?;
    if is_forbidden_fee(&p.name) {
        return Err(AppError::rule(
            "forbidden_fee",
            "La loi interdit de facturer la présentation à l'examen ou le transfert du dossier \
             (art. L.213-2 du code de la route).",
        ));
    }
    Ok(p)
}

pub async fn create_product(work: &mut Work, input: ProductInput) -> AppResult<Product> {
    let valid = validate_product(input)?;
    let tenant = work.tenant();
    let product =
        repo::insert_product(work, tenant, &valid).await.map_err(|e| on_constraint(e, PRODUCT_CONSTRAINTS))?;
    work.audit().created("product", product.id, &product).await?;
    Ok(product)
}

pub async fn update_product(work: &mut Work, before: Product, input: ProductInput) -> AppResult<Product> {
    let valid = validate_product(input)?;
    let tenant = work.tenant();
    let after = repo::update_product(work, tenant, before.id, &valid)
        .await
        .map_err(|e| on_constraint(e, PRODUCT_CONSTRAINTS))?;
    work.audit().updated("product", before.id, &before, &after).await?;
    Ok(after)
}

// ---- Invoices ----

/// The invoice if the caller may see it: the office all, a student their own.
pub async fn visible_invoice(work: &mut Work, id: Uuid) -> AppResult<Invoice> {
    let tenant = work.tenant();
    let invoice = repo::invoice(work, tenant, id).await?.ok_or(AppError::NotFound)?;
    match work.viewer {
        Viewer::Office => Ok(invoice),
        Viewer::Student(own) if own == invoice.student_id => Ok(invoice),
        _ => Err(AppError::NotFound),
    }
}

/// Checks a customer given by the office.
fn validate_customer(mut c: Customer) -> AppResult<Customer> {
    let tidy = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    c.name = c.name.trim().to_owned();
    c.siren = tidy(c.siren).map(|s| s.split_whitespace().collect());
    c.vat_number = tidy(c.vat_number).map(|s| s.split_whitespace().collect::<String>().to_uppercase());
    c.address = tidy(c.address);
    let mut errors = FieldErrors::default();
    if c.name.is_empty() || c.name.chars().count() > 200 {
        errors.add("customer.name", "Le nom du client tient en 1 à 200 caractères.");
    }
    if c.address.is_none() {
        errors.add("customer.address", "L'adresse du client est une mention obligatoire de la facture.");
    }
    match (&c.kind, &c.siren) {
        (CustomerKind::Business, None) => errors.add("customer.siren", "Le SIREN d'une entreprise est obligatoire."),
        (_, Some(s)) if !(s.len() == 9 && s.chars().all(|c| c.is_ascii_digit())) => {
            errors.add("customer.siren", "Le SIREN compte 9 chiffres.");
        }
        _ => {}
    }
    errors.finish()?;
    Ok(c)
}

/// The student, or the guardian who pays for a minor, at the file's address.
fn default_customer(s: &Student, today: chrono::NaiveDate) -> Customer {
    let minor = s.birth_date.checked_add_months(Months::new(18 * 12)).is_some_and(|adult| adult > today);
    let name = match (&s.guardian, minor) {
        (Some(g), true) => [g.first_name.as_deref().unwrap_or(""), g.last_name.as_str()].join(" ").trim().to_owned(),
        _ => format!("{} {}", s.first_name, s.last_name),
    };
    Customer { kind: CustomerKind::Person, name, siren: None, vat_number: None, address: s.address.clone() }
}

pub async fn seller(work: &mut Work) -> AppResult<Seller> {
    let tenant = work.tenant();
    let (name, address, siret, agrement) = repo::school_identity(work, tenant).await?;
    let billing = &work.settings().billing;
    let filled = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    Ok(Seller {
        name,
        legal_form: filled(&billing.legal_form),
        address,
        siret,
        vat_number: filled(&billing.vat_number),
        agrement,
    })
}

/// A line as sold: its amounts from the price with VAT and the quantity.
fn priced_line(
    position: i32,
    label: String,
    kind: String,
    product_id: Option<Uuid>,
    p: (i64, i32),
    qty: i32,
    minutes: Option<i32>,
) -> InvoiceLine {
    let (unit_price_cents, vat_rate_bp) = p;
    let incl = unit_price_cents * i64::from(qty);
    let split = rules::split_vat(incl, vat_rate_bp);
    InvoiceLine {
        position,
        product_id,
        label,
        kind,
        quantity: qty,
        unit_price_cents,
        vat_rate_bp,
        minutes,
        excl_cents: split.excl_cents,
        vat_cents: split.vat_cents,
        incl_cents: incl,
    }
}

fn totals(lines: &[InvoiceLine]) -> rules::Totals {
    let priced: Vec<Priced> =
        lines.iter().map(|l| Priced { incl_cents: l.incl_cents, vat_rate_bp: l.vat_rate_bp }).collect();
    rules::totals(&priced)
}

/// Driving time a document credits (negative for a credit note).
fn minutes_of(lines: &[InvoiceLine]) -> i32 {
    lines.iter().map(|l| l.minutes.unwrap_or(0) * l.quantity).sum()
}

pub async fn sold_lines(work: &mut Work, lines: &[super::LineInput]) -> AppResult<Vec<InvoiceLine>> {
    if lines.is_empty() || lines.len() > MAX_LINES {
        return Err(AppError::field("lines", "Une facture compte de 1 à 30 lignes."));
    }
    let tenant = work.tenant();
    let mut out = vec![];
    for (i, line) in lines.iter().enumerate() {
        let field = format!("lines[{i}]");
        if !(1..=MAX_QUANTITY).contains(&line.quantity) {
            return Err(AppError::field(&format!("{field}.quantity"), "La quantité est comprise entre 1 et 100."));
        }
        let product = repo::product(work, tenant, line.product_id, false).await?.ok_or_else(|| {
            AppError::field(&format!("{field}.product_id"), "Ce produit n'existe pas dans le catalogue.")
        })?;
        if !product.active {
            return Err(AppError::field(&format!("{field}.product_id"), "Ce produit n'est plus vendu."));
        }
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        out.push(priced_line(
            position,
            product.name.clone(),
            product.kind.as_str(),
            Some(product.id),
            (product.price_cents, product.vat_rate_bp),
            line.quantity,
            product.minutes,
        ));
    }
    if out.iter().map(|l| l.incl_cents).sum::<i64>() > MAX_AMOUNT_CENTS {
        return Err(AppError::field("lines", "Une facture ne dépasse pas 100 000 €."));
    }
    Ok(out)
}

/// Issues an invoice at once: numbered in the school's sequence, its driving time credited to
/// the student's hours, audited and told to the student, all in the caller's transaction.
pub async fn issue_invoice(work: &mut Work, new: NewInvoice) -> AppResult<Invoice> {
    let student = students::service::visible(work, new.student_id, false).await?;
    let lines = sold_lines(work, &new.lines).await?;
    let today = work.school.today();
    let customer = match new.customer {
        Some(c) => validate_customer(c)?,
        None => default_customer(&student, today),
    };
    let seller = seller(work).await?;
    let totals = totals(&lines);
    let driving: i64 = lines
        .iter()
        .filter(|l| matches!(l.kind.as_str(), "hours_package" | "lesson"))
        .map(|l| i64::from(l.minutes.unwrap_or(0)) * i64::from(l.quantity))
        .sum();
    let mut warnings = super::contracts::service::check_sale(work, student.id, driving).await?;
    let missing = rules::missing_mentions(seller.siret.is_some(), seller.address.is_some(), customer.address.is_some());
    if !missing.is_empty() {
        warnings.push(Finding {
            code: "missing_mentions".into(),
            message: format!(
                "Mentions obligatoires absentes de cette facture : {} (art. 242 nonies A du CGI). \
                 Complétez-les pour les prochaines factures.",
                missing.join(", ")
            ),
        });
    }
    let tenant = work.tenant();
    let number = document_number(
        Series::Invoice,
        today.year(),
        repo::next_number(work, tenant, Series::Invoice, today.year()).await?,
    );
    let id = InvoiceId::new().0;
    let terms = work.settings().billing.payment_terms.clone();
    let doc = repo::NewDocument {
        id,
        series: Series::Invoice,
        number: &number,
        student_id: student.id,
        credit_of: None,
        service_date: today,
        customer: &customer,
        seller: &seller,
        totals: &totals,
        payment_terms: &terms,
        reason: None,
        created_by: work.actor.user_id,
        lines: &lines,
    };
    repo::insert_document(work, tenant, &doc).await?;
    let minutes = minutes_of(&lines);
    if minutes > 0 {
        students::hours::post_sale(work, student.id, minutes, id, &format!("Facture {number}")).await?;
    }
    let mut invoice = repo::invoice(work, tenant, id).await?.ok_or(AppError::NotFound)?;
    super::chain::append_invoice(work, tenant, &invoice).await?;
    work.audit().created("invoice", id, &invoice).await?;
    tell(work, Event::InvoiceIssued, &invoice, invoice.incl_cents, None).await?;
    invoice.warnings = warnings;
    Ok(invoice)
}

/// The lines a credit note takes back: those asked (or all that remain), each within what was
/// sold and not credited yet, with negative quantities.
fn credited_lines(
    invoice: &Invoice,
    asked: Option<&[CreditLine]>,
    already: &[(i32, i64)],
) -> AppResult<Vec<InvoiceLine>> {
    let left = |position: i32| {
        let sold = invoice.lines.iter().find(|l| l.position == position).map_or(0, |l| i64::from(l.quantity));
        sold - already.iter().find(|(p, _)| *p == position).map_or(0, |(_, q)| *q)
    };
    let wanted: Vec<(i32, i32)> = match asked {
        Some(asked) => asked.iter().map(|c| (c.position, c.quantity)).collect(),
        None => invoice.lines.iter().map(|l| (l.position, i32::try_from(left(l.position)).unwrap_or(0))).collect(),
    };
    let mut out = vec![];
    let mut seen = std::collections::HashSet::new();
    for (i, (position, quantity)) in wanted.into_iter().enumerate() {
        if !seen.insert(position) {
            return Err(AppError::field(
                &format!("lines[{i}].position"),
                "Cette ligne est déjà reprise dans cet avoir.",
            ));
        }
        let Some(line) = invoice.lines.iter().find(|l| l.position == position) else {
            return Err(AppError::field(&format!("lines[{i}].position"), "Cette ligne n'existe pas sur la facture."));
        };
        if quantity < 0 || i64::from(quantity) > left(position) {
            return Err(AppError::field(
                &format!("lines[{i}].quantity"),
                format!("Au plus {} à reprendre sur cette ligne.", left(position)),
            ));
        }
        if quantity > 0 {
            out.push(priced_line(
                line.position,
                line.label.clone(),
                line.kind.clone(),
                line.product_id,
                (line.unit_price_cents, line.vat_rate_bp),
                -quantity,
                line.minutes,
            ));
        }
    }
    if out.is_empty() {
        return Err(AppError::rule("nothing_to_credit", "Il ne reste rien à reprendre sur cette facture."));
    }
    Ok(out)
}

/// Corrects an invoice by a credit note: its own number in the credit-note sequence, the driving
/// time taken back from the student's hours, the invoice's due amount lowered.
pub async fn credit(work: &mut Work, invoice_id: Uuid, new: NewCreditNote) -> AppResult<Invoice> {
    let tenant = work.tenant();
    if !repo::lock_invoice(work, tenant, invoice_id).await? {
        return Err(AppError::NotFound);
    }
    let invoice = visible_invoice(work, invoice_id).await?;
    if invoice.kind != InvoiceKind::Invoice {
        return Err(AppError::rule(
            "credit_of_credit_note",
            "Un avoir ne se corrige pas par un avoir : émettez une facture.",
        ));
    }
    let reason = new.reason.trim();
    if reason.is_empty() || reason.chars().count() > 300 {
        return Err(AppError::field("reason", "Le motif de l'avoir tient en 1 à 300 caractères."));
    }
    let already = repo::credited_quantities(work, tenant, invoice_id).await?;
    let lines = credited_lines(&invoice, new.lines.as_deref(), &already)?;
    let totals = totals(&lines);
    let today = work.school.today();
    let number = document_number(
        Series::CreditNote,
        today.year(),
        repo::next_number(work, tenant, Series::CreditNote, today.year()).await?,
    );
    let id = InvoiceId::new().0;
    let doc = repo::NewDocument {
        id,
        series: Series::CreditNote,
        number: &number,
        student_id: invoice.student_id,
        credit_of: Some(invoice.id),
        service_date: invoice.service_date,
        customer: &invoice.customer,
        seller: &invoice.seller,
        totals: &totals,
        payment_terms: &invoice.payment_terms,
        reason: Some(reason),
        created_by: work.actor.user_id,
        lines: &lines,
    };
    repo::insert_document(work, tenant, &doc).await?;
    let minutes = minutes_of(&lines);
    if minutes < 0 {
        let label = format!("Avoir {number} sur la facture {}", invoice.number);
        students::hours::post_sale(work, invoice.student_id, minutes, id, &label).await?;
    }
    let note = repo::invoice(work, tenant, id).await?.ok_or(AppError::NotFound)?;
    super::chain::append_invoice(work, tenant, &note).await?;
    work.audit().created("credit_note", id, &note).await?;
    Ok(note)
}

/// Replaces the plan of an invoice's payments: what remains due in equal monthly parts.
pub async fn schedule(work: &mut Work, invoice_id: Uuid, new: NewSchedule) -> AppResult<Invoice> {
    let count = usize::try_from(new.instalments).unwrap_or(0);
    if !(1..=MAX_INSTALMENTS).contains(&count) {
        return Err(AppError::field("instalments", "De 1 à 12 échéances."));
    }
    let tenant = work.tenant();
    if !repo::lock_invoice(work, tenant, invoice_id).await? {
        return Err(AppError::NotFound);
    }
    let before = visible_invoice(work, invoice_id).await?;
    if before.kind != InvoiceKind::Invoice || before.due_cents == 0 {
        return Err(AppError::rule("nothing_due", "Cette facture est réglée : il n'y a rien à échelonner."));
    }
    if before.due_cents < i64::try_from(count).unwrap_or(i64::MAX) {
        return Err(AppError::field(
            "instalments",
            format!("Au plus {} échéances pour ce reste à payer.", before.due_cents),
        ));
    }
    let today = work.school.today();
    let first = new.first_due_on.unwrap_or(today);
    if first < today {
        return Err(AppError::field("first_due_on", "La première échéance ne peut pas être passée."));
    }
    let mut plan = vec![];
    for (i, amount_cents) in rules::instalments(before.due_cents, count).into_iter().enumerate() {
        let months = u32::try_from(i).unwrap_or(0);
        let due_on = first.checked_add_months(Months::new(months)).unwrap_or(first);
        plan.push(Instalment { position: i32::try_from(i + 1).unwrap_or(1), due_on, amount_cents });
    }
    repo::replace_instalments(work, tenant, invoice_id, &plan).await?;
    let after = repo::invoice(work, tenant, invoice_id).await?.ok_or(AppError::NotFound)?;
    let change = Change {
        action: "invoice.schedule",
        entity: "invoice",
        entity_id: Some(invoice_id),
        before: Some(json!(before.instalments)),
        after: Some(json!(after.instalments)),
    };
    work.audit().record(change).await?;
    Ok(after)
}

// ---- Payments ----

/// Records a payment taken at the desk (or by the provider, `provider_ref` set): never more
/// than what the invoice it names still owes.
pub async fn record_payment(work: &mut Work, new: NewPayment, provider_ref: Option<&str>) -> AppResult<Payment> {
    let student = students::service::visible(work, new.student_id, false).await?;
    if !(1..=MAX_AMOUNT_CENTS).contains(&new.amount_cents) {
        return Err(AppError::field("amount_cents", "Le montant est compris entre 0,01 € et 100 000 €."));
    }
    let reference = new.reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if reference.is_some_and(|r| r.chars().count() > 120) {
        return Err(AppError::field("reference", "La référence tient en 120 caractères."));
    }
    let tenant = work.tenant();
    if let Some(invoice_id) = new.invoice_id {
        repo::lock_invoice(work, tenant, invoice_id).await?;
        let invoice = repo::invoice(work, tenant, invoice_id).await?;
        let invoice = invoice
            .filter(|i| i.student_id == student.id && i.kind == InvoiceKind::Invoice)
            .ok_or_else(|| AppError::field("invoice_id", "Cette facture n'est pas une facture de cet élève."))?;
        if new.amount_cents > invoice.due_cents {
            return Err(AppError::rule(
                "overpayment",
                format!(
                    "Le montant dépasse le reste à payer de la facture {} ({}).",
                    invoice.number,
                    rules::euros(invoice.due_cents)
                ),
            ));
        }
    }
    let row = repo::NewPaymentRow {
        student_id: student.id,
        invoice_id: new.invoice_id,
        method: new.method,
        amount_cents: new.amount_cents,
        reference,
        provider_ref,
        refund: None,
        created_by: work.actor.user_id,
    };
    let payment = repo::insert_payment(work, tenant, &row).await?;
    super::chain::append_payment(work, tenant, &payment).await?;
    work.audit().created("payment", payment.id, &payment).await?;
    let raised = Raised {
        event: Event::PaymentReceived,
        key: format!("payment_received:{}", payment.id),
        students: vec![student.id],
        instructor: None,
        requester: None,
        actor: None,
        about: About::Money {
            number: None,
            amount_cents: payment.amount_cents,
            method: Some(payment.method.label().into()),
        },
    };
    notifications::raise(work, raised).await?;
    Ok(payment)
}

/// Gives money back on a payment: a new, negative payment record naming it (the payment itself is
/// never changed), by the same method, at most what remains of it; the invoice it paid is due again
/// by as much.
pub async fn refund(work: &mut Work, payment_id: Uuid, new: NewRefund) -> AppResult<Payment> {
    let tenant = work.tenant();
    repo::lock_refunds(work, tenant, payment_id).await?;
    let paid = repo::payment(work, tenant, payment_id).await?.ok_or(AppError::NotFound)?;
    if paid.refund_of.is_some() {
        return Err(AppError::rule("not_refundable", "Un remboursement ne se rembourse pas."));
    }
    let left = paid.amount_cents - repo::refunded_cents(work, tenant, payment_id).await?;
    if left <= 0 {
        return Err(AppError::rule("nothing_to_refund", "Ce paiement est déjà entièrement remboursé."));
    }
    let amount = new.amount_cents.unwrap_or(left);
    let mut errors = FieldErrors::default();
    if !(1..=left).contains(&amount) {
        errors.add("amount_cents", format!("Le remboursement est compris entre 0,01 € et {}.", rules::euros(left)));
    }
    let reason = new.reason.trim();
    if reason.is_empty() || reason.chars().count() > 300 {
        errors.add("reason", "Le motif du remboursement tient en 1 à 300 caractères.");
    }
    errors.finish()?;
    let row = repo::NewPaymentRow {
        student_id: paid.student_id,
        invoice_id: paid.invoice_id,
        method: paid.method,
        amount_cents: -amount,
        reference: None,
        provider_ref: None,
        refund: Some((paid.id, reason)),
        created_by: work.actor.user_id,
    };
    let refund = repo::insert_payment(work, tenant, &row).await?;
    super::chain::append_payment(work, tenant, &refund).await?;
    work.audit().created("payment", refund.id, &refund).await?;
    Ok(refund)
}

async fn tell(
    work: &mut Work,
    event: Event,
    invoice: &Invoice,
    amount_cents: i64,
    method: Option<String>,
) -> AppResult<()> {
    let raised = Raised {
        event,
        key: format!("{}:{}", crate::db::to_text(&event), invoice.id),
        students: vec![invoice.student_id],
        instructor: None,
        requester: None,
        actor: None,
        about: About::Money { number: Some(invoice.number.clone()), amount_cents, method },
    };
    notifications::raise(work, raised).await
}

// ---- Account ----

/// Paid − invoiced (negative: the student owes), for the eligibility rule `balance`.
pub async fn balance(conn: &mut sqlx::PgConnection, tenant: TenantId, student: Uuid) -> AppResult<i64> {
    Ok(repo::balance(conn, tenant, student).await?)
}

pub async fn account(work: &mut Work, student_id: Uuid) -> AppResult<Account> {
    students::service::visible(work, student_id, false).await?;
    let tenant = work.tenant();
    let rows = repo::account_lines(work, tenant, student_id).await?;
    let (mut due, mut invoiced, mut paid) = (0, 0, 0);
    let mut entries = vec![];
    for (kind, id, at, text, amount) in rows {
        due += amount;
        if kind == "payment" {
            paid -= amount;
        } else {
            invoiced += amount;
        }
        let label = match kind.as_str() {
            "invoice" => format!("Facture {text}"),
            "credit_note" => format!("Avoir {text}"),
            _ => {
                // A payment lowers what is due; a refund (a negative payment) raises it again.
                let what = if amount > 0 { "Remboursement" } else { "Règlement" };
                format!("{what} — {}", crate::db::from_text::<PaymentMethod>(&text).map_or("", |m| m.label()))
            }
        };
        entries.push(AccountEntry { kind, id, at, label, amount_cents: amount, running_due_cents: due });
    }
    Ok(Account { invoiced_cents: invoiced, paid_cents: paid, balance_cents: paid - invoiced, entries })
}

// ---- Card payments ----

/// Opens the provider's payment page for what remains due on an invoice.
pub async fn start_checkout(
    work: &mut Work,
    provider: Option<&PaymentProvider>,
    invoice_id: Uuid,
    app_url: &str,
) -> AppResult<Checkout> {
    let invoice = visible_invoice(work, invoice_id).await?;
    let provider = provider.ok_or_else(|| {
        AppError::rule(
            "card_payments_unavailable",
            "Le paiement par carte en ligne n'est pas configuré pour cette école.",
        )
    })?;
    if invoice.kind != InvoiceKind::Invoice || invoice.due_cents == 0 {
        return Err(AppError::rule("nothing_due", "Cette facture est déjà réglée."));
    }
    let id = CheckoutId::new().0;
    let back = match work.viewer {
        Viewer::Student(_) => format!("{app_url}/mes-factures?"),
        _ => format!("{app_url}/eleves/{}?onglet=facturation&", invoice.student_id),
    };
    let label = format!("Facture {}", invoice.number);
    let request = CheckoutRequest {
        checkout_id: id,
        tenant_id: work.tenant().0,
        amount_cents: invoice.due_cents,
        label: &label,
        success_url: &format!("{back}paiement=ok"),
        cancel_url: &format!("{back}paiement=annule"),
        customer_email: None,
    };
    let session = provider.create_checkout(&request).await.map_err(|e| {
        tracing::warn!(error = %e, "card payment: the provider did not open a page");
        AppError::Unavailable
    })?;
    let row = repo::CheckoutRow {
        id,
        invoice_id,
        amount_cents: invoice.due_cents,
        status: "open".into(),
        created_by: work.actor.user_id,
    };
    let tenant = work.tenant();
    repo::insert_checkout(work, tenant, &row, provider::STRIPE, &session.id, &session.url).await?;
    let change = Change {
        action: "invoice.checkout",
        entity: "invoice",
        entity_id: Some(invoice_id),
        before: None,
        after: Some(json!({"checkout_id": id, "amount_cents": invoice.due_cents})),
    };
    work.audit().record(change).await?;
    Ok(Checkout { redirect_url: session.url, amount_cents: invoice.due_cents })
}

/// What became of a provider's event (the provider is answered 200 in every case, so that it
/// stops sending; only a payment changes anything).
#[derive(Debug, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// A payment was recorded.
    Paid,
    /// Seen before (a replay), or of a kind we do not act on: nothing changed.
    Ignored,
    /// The amount or currency is not the one asked: nothing recorded, the event kept for the record.
    Refused,
}

/// Acts on a verified event of the provider in its school: a completed checkout becomes one
/// payment, if the amount is exactly the one asked. Each event id is handled once.
pub async fn apply_event(work: &mut Work, event: &provider::Event) -> AppResult<WebhookOutcome> {
    let tenant = work.tenant();
    let session = &event.data.object;
    // A card payment completes the page; a delayed method reports its success afterwards.
    let settles = ["checkout.session.completed", "checkout.session.async_payment_succeeded"];
    let checkout = if settles.contains(&event.kind.as_str()) {
        repo::checkout_by_session(work, tenant, provider::STRIPE, &session.id).await?
    } else {
        None
    };
    let outcome = match &checkout {
        None => "ignored",
        Some(c) if c.status == "paid" => "already_paid",
        Some(c) if session.amount_total != Some(c.amount_cents) || session.currency.as_deref() != Some("eur") => {
            "amount_mismatch"
        }
        Some(_) if session.payment_status.as_deref() != Some("paid") => "unpaid",
        Some(_) => "paid",
    };
    if !repo::record_event(work, tenant, provider::STRIPE, &event.id, &event.kind, outcome).await? {
        return Ok(WebhookOutcome::Ignored);
    }
    match (checkout, outcome) {
        (Some(checkout), "paid") => {
            repo::set_checkout_status(work, tenant, checkout.id, "paid").await?;
            // Locked before reading: a payment at the desk meanwhile is counted in what is due.
            repo::lock_invoice(work, tenant, checkout.invoice_id).await?;
            let invoice = repo::invoice(work, tenant, checkout.invoice_id).await?.ok_or(AppError::NotFound)?;
            // Paid meanwhile at the desk: the money stays on the student's account, never lost.
            let on_invoice = checkout.amount_cents <= invoice.due_cents;
            let new = NewPayment {
                student_id: invoice.student_id,
                invoice_id: on_invoice.then_some(invoice.id),
                method: PaymentMethod::Card,
                amount_cents: checkout.amount_cents,
                reference: Some(format!("Paiement en ligne, facture {}", invoice.number)),
            };
            record_payment(work, new, Some(&session.id)).await?;
            Ok(WebhookOutcome::Paid)
        }
        (Some(checkout), "amount_mismatch") => {
            tracing::warn!(event = %event.id, "card payment: the provider reported another amount than asked; nothing recorded");
            repo::set_checkout_status(work, tenant, checkout.id, "refused").await?;
            let change = Change {
                action: "invoice.checkout_refused",
                entity: "invoice",
                entity_id: Some(checkout.invoice_id),
                before: None,
                after: Some(json!({"checkout_id": checkout.id, "asked_cents": checkout.amount_cents,
                                   "reported_cents": session.amount_total, "event": event.id})),
            };
            work.audit().record(change).await?;
            Ok(WebhookOutcome::Refused)
        }
        _ => Ok(WebhookOutcome::Ignored),
    }
}

/// The school a verified event belongs to (the metadata we set when opening the page).
pub fn event_school(event: &provider::Event) -> Option<TenantId> {
    event.data.object.metadata.get("tenant_id").and_then(|t| t.parse().ok()).map(TenantId)
}

/// Unix seconds now.
pub fn now_unix() -> i64 {
    Utc::now().timestamp()
}
