//! The printed invoice: every mention the tax code asks for (CGI art. 242 nonies A), in French.

use chrono::Datelike;
use chrono_tz::Tz;
use volant_domain::billing::{euros, rate};

use super::{Invoice, InvoiceKind, Payment, facturx};
use crate::error::{AppError, AppResult};

pub fn fr_date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The school as it bills: name, address and its identifiers.
pub fn seller_party(s: &super::Seller) -> volant_pdf::Party {
    let mut lines: Vec<String> = s.address.iter().flat_map(|a| a.lines()).map(str::to_owned).collect();
    lines.extend(s.legal_form.clone());
    lines.extend(s.siret.as_ref().map(|x| format!("SIRET {x}")));
    lines.extend(s.vat_number.as_ref().map(|x| format!("N° TVA intracommunautaire {x}")));
    lines.extend(s.agrement.as_ref().map(|x| format!("Agrément préfectoral {x}")));
    volant_pdf::Party { name: s.name.clone(), lines }
}

fn customer_party(i: &Invoice) -> volant_pdf::Party {
    let c = &i.customer;
    let mut lines: Vec<String> = c.address.iter().flat_map(|a| a.lines()).map(str::to_owned).collect();
    lines.extend(c.siren.as_ref().map(|x| format!("SIREN {x}")));
    lines.extend(c.vat_number.as_ref().map(|x| format!("N° TVA {x}")));
    if c.name != i.student_name {
        lines.push(format!("Élève : {}", i.student_name));
    }
    volant_pdf::Party { name: c.name.clone(), lines }
}

/// The document's data, formatted in French.
pub fn invoice_doc(i: &Invoice, credited: Option<&Invoice>, payments: &[Payment], tz: Tz) -> volant_pdf::InvoiceDoc {
    let is_credit = i.kind == InvoiceKind::CreditNote;
    let mut footer = vec![
        "Nature de l'opération : prestations de services (formation à la conduite).".to_owned(),
        "En cas de retard de paiement, pénalités au taux d'intérêt légal majoré de 10 points \
         (art. L.441-10 du code de commerce)."
            .to_owned(),
    ];
    if i.customer.kind == super::CustomerKind::Business {
        footer
            .push("Indemnité forfaitaire pour frais de recouvrement due au créancier en cas de retard : 40 €.".into());
    }
    if i.vat_cents == 0 && i.seller.vat_number.is_none() {
        footer.push("TVA non applicable, art. 293 B du CGI.".into());
    }
    volant_pdf::InvoiceDoc {
        title: if is_credit { "Avoir".into() } else { "Facture".into() },
        number: i.number.clone(),
        issued_on: fr_date(i.issued_at.with_timezone(&tz).date_naive()),
        service_date: fr_date(i.service_date),
        corrects: credited.map(|c| {
            format!("Avoir sur la facture {} du {}", c.number, fr_date(c.issued_at.with_timezone(&tz).date_naive()))
        }),
        reason: i.reason.clone(),
        seller: seller_party(&i.seller),
        customer: customer_party(i),
        lines: i
            .lines
            .iter()
            .map(|l| {
                let unit = volant_domain::billing::split_vat(l.unit_price_cents, l.vat_rate_bp);
                volant_pdf::InvoiceLineRow {
                    label: l.label.clone(),
                    quantity: l.quantity.to_string(),
                    unit_price_excl: euros(unit.excl_cents),
                    vat_rate: rate(l.vat_rate_bp),
                    total_excl: euros(l.excl_cents),
                    total_incl: euros(l.incl_cents),
                }
            })
            .collect(),
        vat_summary: i
            .vat_by_rate
            .iter()
            .map(|v| volant_pdf::VatRow { rate: rate(v.rate_bp), base: euros(v.base_cents), vat: euros(v.vat_cents) })
            .collect(),
        total_excl: euros(i.excl_cents),
        total_vat: euros(i.vat_cents),
        total_incl: euros(i.incl_cents),
        payments: payments
            .iter()
            .map(|p| {
                let day = fr_date(p.received_at.with_timezone(&tz).date_naive());
                let what = if p.refund_of.is_some() { "Remboursement" } else { p.method.label() };
                format!("{day} — {what} — {}", euros(p.amount_cents))
            })
            .collect(),
        amount_due: euros(i.due_cents),
        payment_terms: i.payment_terms.clone(),
        legal_footer: footer,
    }
}

/// Renders the PDF off the async threads (typst takes tens of milliseconds): Factur-X for a
/// business customer, a plain PDF otherwise.
pub async fn render(i: &Invoice, credited: Option<&Invoice>, payments: &[Payment], tz: Tz) -> AppResult<Vec<u8>> {
    let doc = invoice_doc(i, credited, payments, tz);
    if !facturx::applies(i) {
        return off_thread(move || volant_pdf::invoice(&doc)).await;
    }
    let xml = facturx::cii_xml(i, credited, tz);
    let day = i.issued_at.with_timezone(&tz).date_naive();
    let issued = (day.year(), u8::try_from(day.month()).unwrap_or(1), u8::try_from(day.day()).unwrap_or(1));
    off_thread(move || {
        let fx = volant_pdf::FacturX { xml: &xml, file_name: facturx::FILE_NAME, level: "EN 16931", issued };
        volant_pdf::facturx_invoice(&doc, &fx)
    })
    .await
}

/// Runs a typst rendering on the blocking threads.
pub async fn off_thread(
    render: impl FnOnce() -> Result<Vec<u8>, volant_pdf::PdfError> + Send + 'static,
) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(render)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))
}
