//! The demo's catalogue at a French school's 2026 prices, and the sales behind the demo
//! students' hours: each purchase of hours is an invoice, paid in the ways a school is paid
//! (card at the desk, cheque, transfer in instalments, cash on account, or still due).

use anyhow::anyhow;
use sqlx::PgPool;
use uuid::Uuid;
use volant_domain::{cpf::CpfStatus, ids::TenantId};

use crate::{
    billing::{
        Customer, CustomerKind, LineInput, NewInvoice, NewPayment, NewSchedule, PaymentMethod, ProductInput,
        ProductKind,
        contracts::{self, NewAmendment, NewContract, SignatureChannel},
        cpf::{self, CpfInput},
        service,
    },
    error::AppError,
    school::BillingSettings,
    work::Work,
};

fn err(e: AppError) -> anyhow::Error {
    anyhow!("demo seed (billing): {e:?}")
}

/// The products the demo sells.
#[derive(Clone, Copy)]
pub struct Catalogue {
    pub registration: Uuid,
    pub start_evaluation: Uuid,
    pub twenty_hours: Uuid,
    pub ten_hours: Uuid,
}

/// (name, kind, price in cents, minutes, on sale).
const PRODUCTS: &[(&str, ProductKind, i64, Option<i32>, bool)] = &[
    ("Frais d'inscription", ProductKind::Registration, 15_000, None, true),
    ("Évaluation de départ", ProductKind::StartEvaluation, 6_000, None, true),
    ("Forfait 20 heures", ProductKind::HoursPackage, 119_000, Some(1200), true),
    ("Pack 10 heures supplémentaires", ProductKind::HoursPackage, 59_000, Some(600), true),
    ("Leçon de conduite (1 h)", ProductKind::Lesson, 6_200, Some(60), true),
    ("Forfait conduite accompagnée (AAC)", ProductKind::HoursPackage, 149_000, Some(1200), true),
    ("Pack code en ligne", ProductKind::CodePack, 3_000, None, true),
    ("Accompagnement à l'examen pratique", ProductKind::ExamAccompaniment, 6_200, None, true),
    ("Pack 5 heures (tarif 2025)", ProductKind::HoursPackage, 27_500, Some(300), false),
];

pub async fn seed_catalogue(pool: &PgPool, tenant: TenantId) -> anyhow::Result<Catalogue> {
    let mut work = Work::system(pool, tenant).await?;
    let mut settings = work.settings().clone();
    settings.billing = BillingSettings {
        legal_form: "SARL au capital de 10 000 €".into(),
        vat_number: "FR40123456789".into(),
        ..BillingSettings::default()
    };
    crate::school::write(&mut work, tenant, &settings).await?;
    work.school.settings = settings;
    let mut ids = vec![];
    for (name, kind, price_cents, minutes, active) in PRODUCTS {
        let input = ProductInput {
            name: (*name).into(),
            kind: *kind,
            price_cents: *price_cents,
            vat_rate_bp: volant_domain::billing::DRIVING_LESSON_VAT_BP,
            minutes: *minutes,
            active: *active,
        };
        ids.push(service::create_product(&mut work, input).await.map_err(err)?.id);
    }
    work.commit().await?;
    Ok(Catalogue { registration: ids[0], start_evaluation: ids[1], twenty_hours: ids[2], ten_hours: ids[3] })
}

/// How a demo sale was paid.
#[derive(Clone, Copy)]
pub enum Paid {
    CardAtTheDesk,
    Cheque,
    /// Three monthly transfers, the first one received.
    Instalments,
    /// 300 € in cash on account.
    Partly,
    Not,
}

impl Paid {
    pub fn of(n: usize) -> Paid {
        match n % 5 {
            0 => Paid::CardAtTheDesk,
            1 => Paid::Cheque,
            2 => Paid::Instalments,
            3 => Paid::Partly,
            _ => Paid::Not,
        }
    }
}

/// Sells `products` to a student (their hours are credited by the sale) and records how it was paid.
pub async fn sell(work: &mut Work, student: Uuid, products: &[Uuid], paid: Paid) -> anyhow::Result<()> {
    let lines = products.iter().map(|&product_id| LineInput { product_id, quantity: 1 }).collect();
    let invoice =
        service::issue_invoice(work, NewInvoice { student_id: student, lines, customer: None }).await.map_err(err)?;
    let pay = |method, amount_cents, reference: &str| NewPayment {
        student_id: student,
        invoice_id: Some(invoice.id),
        method,
        amount_cents,
        reference: Some(reference.to_owned()).filter(|r| !r.is_empty()),
    };
    let payment = match paid {
        Paid::CardAtTheDesk => Some(pay(PaymentMethod::Card, invoice.incl_cents, "Terminal de paiement")),
        Paid::Cheque => Some(pay(PaymentMethod::Cheque, invoice.incl_cents, "Chèque n° 0421337")),
        Paid::Instalments => {
            let plan = NewSchedule { instalments: 3, first_due_on: None };
            let planned = service::schedule(work, invoice.id, plan).await.map_err(err)?;
            let first = planned.instalments.first().map_or(invoice.incl_cents, |i| i.amount_cents);
            Some(pay(PaymentMethod::Transfer, first, "Virement — 1re échéance"))
        }
        Paid::Partly => Some(pay(PaymentMethod::Cash, 30_000.min(invoice.incl_cents), "")),
        Paid::Not => None,
    };
    if let Some(p) = payment {
        service::record_payment(work, p, None).await.map_err(err)?;
    }
    Ok(())
}

/// Training contracts signed the way a student signs one: the office prepares it, a code goes
/// to the student's mailbox (the demo's mail catcher), and the code read from that mail signs
/// it. Then an amendment for 10 more hours waits for the demo student's own signature.
pub async fn seed_contracts(
    pool: &PgPool,
    tenant: TenantId,
    secret_key: &str,
    catalogue: &Catalogue,
    eleve_user: Uuid,
) -> anyhow::Result<()> {
    let mut work = Work::system(pool, tenant).await?;
    let keys = contracts::service::Keys::new(secret_key);
    // The demo student first (a minor: her guardian signs), then three others.
    let signed_up: Vec<(Uuid, Option<Uuid>)> = sqlx::query_as(
        "SELECT id, user_id FROM students
          WHERE tenant_id = $1 AND start_evaluation IS NOT NULL AND status = 'active'
            AND (email IS NOT NULL OR guardian->>'email' IS NOT NULL)
          ORDER BY (user_id = $2) DESC NULLS LAST, created_at, id LIMIT 4",
    )
    .bind(tenant.0)
    .bind(eleve_user)
    .fetch_all(&mut *work)
    .await?;
    let lines = |products: &[Uuid]| products.iter().map(|&product_id| LineInput { product_id, quantity: 1 }).collect();
    for (student, user) in signed_up {
        let start = [catalogue.registration, catalogue.start_evaluation, catalogue.twenty_hours];
        let contract = contracts::service::generate(&mut work, student, NewContract { lines: lines(&start) })
            .await
            .map_err(err)?;
        contracts::service::send_code(&mut work, &keys, contract.id, SignatureChannel::Email, false)
            .await
            .map_err(err)?;
        let to = contract.signer.email.clone().unwrap_or_default();
        let code = mailed_code(&mut work, &to).await?;
        let signed = contracts::service::sign(&mut work, &keys, contract.id, &code, Some("Démo Volant")).await;
        signed.map_err(err)?.map_err(|refused| err(refused.0))?;
        if user == Some(eleve_user) {
            let more = NewAmendment {
                lines: lines(&[catalogue.ten_hours]),
                reason: Some("Heures supplémentaires avant l'examen".into()),
            };
            contracts::service::amend(&mut work, student, more).await.map_err(err)?;
        }
    }
    work.commit().await?;
    Ok(())
}

/// A sale billed to an employer (a Factur-X invoice: open its PDF) and three CPF dossiers, one of
/// them accepted forty days ago and not started (an alert on the home page).
pub async fn seed_business_and_cpf(pool: &PgPool, tenant: TenantId, catalogue: &Catalogue) -> anyhow::Result<()> {
    let mut work = Work::system(pool, tenant).await?;
    let students: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM students WHERE tenant_id = $1 AND status = 'active' AND user_id IS NULL
          ORDER BY created_at DESC, id LIMIT 4",
    )
    .bind(tenant.0)
    .fetch_all(&mut *work)
    .await?;
    let [employer_paid, cpf_stuck, cpf_training, cpf_new] = students[..] else { return Ok(()) };
    let customer = Customer {
        kind: CustomerKind::Business,
        name: "Transports Martin SAS".into(),
        siren: Some("552100554".into()),
        vat_number: Some("FR83552100554".into()),
        address: Some("12 quai Saint-Antoine\n69002 Lyon".into()),
    };
    let lines = vec![LineInput { product_id: catalogue.twenty_hours, quantity: 1 }];
    let sale = NewInvoice { student_id: employer_paid, lines, customer: Some(customer) };
    service::issue_invoice(&mut work, sale).await.map_err(err)?;
    let dossiers = [
        (cpf_stuck, "202611000421", CpfStatus::Accepted, 0, true),
        (cpf_training, "202610000188", CpfStatus::InTraining, 15_000, false),
        (cpf_new, "202612000907", CpfStatus::Submitted, 0, false),
    ];
    for (student, number, status, co_financing_cents, job_seeker) in dossiers {
        let input = CpfInput {
            edof_number: number.into(),
            status,
            amount_cents: 149_000,
            co_financing_cents,
            job_seeker,
            note: None,
        };
        cpf::open(&mut work, student, input).await.map_err(err)?;
    }
    // Entered forty days ago: EDOF's acceptance is that old.
    sqlx::query("UPDATE cpf_dossiers SET status_since = status_since - 40 WHERE tenant_id = $1 AND student_id = $2")
        .bind(tenant.0)
        .bind(cpf_stuck)
        .execute(&mut *work)
        .await?;
    work.commit().await?;
    Ok(())
}

/// The code in the signature mail put in the outbox for `to`, as the signer reads it.
async fn mailed_code(work: &mut Work, to: &str) -> anyhow::Result<String> {
    let text: String = sqlx::query_scalar(
        "SELECT payload->>'text' FROM jobs WHERE kind = $1 AND payload->>'to' = $2 AND payload->>'subject' LIKE '%signature%'
          ORDER BY created_at DESC LIMIT 1",
    )
    .bind(crate::mail::MAIL_SEND)
    .bind(to)
    .fetch_one(&mut **work)
    .await?;
    let at = text.find(" est ").ok_or_else(|| anyhow!("no code in the signature mail"))? + " est ".len();
    text.get(at..at + 6).map(str::to_owned).ok_or_else(|| anyhow!("no code in the signature mail"))
}
