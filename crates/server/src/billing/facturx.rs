//! Factur-X (profile EN 16931): the invoice as UN/CEFACT Cross Industry Invoice XML, embedded in
//! the PDF/A-3 sent to a business customer, so that its accounting reads it without retyping
//! (and, from 2027, so that the school issues e-invoices). The XML says what the printed invoice
//! says; its amounts come from the same lines. Element order follows the CII D16B schema.

use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{CustomerKind, Invoice, InvoiceKind, InvoiceLine};

/// The name Factur-X gives the embedded file.
pub const FILE_NAME: &str = "factur-x.xml";

/// Whether an invoice is sent as Factur-X: to a business identified by its SIREN, from a school
/// whose VAT number and address are known (EN 16931 requires both, BR-S-02 and BR-08).
pub fn applies(i: &Invoice) -> bool {
    i.customer.kind == CustomerKind::Business
        && i.customer.siren.is_some()
        && i.seller.vat_number.is_some()
        && i.seller.address.is_some()
}

/// The invoice's CII XML; `credited` is the invoice a credit note corrects.
pub fn cii_xml(i: &Invoice, credited: Option<&Invoice>, tz: Tz) -> String {
    // A credit note's amounts are stored negative; EN 16931 states them positive under type 381.
    let sign = if i.kind == InvoiceKind::CreditNote { -1 } else { 1 };
    let mut x = String::with_capacity(4096);
    x.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100""#,
        r#" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100""#,
        r#" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100""#,
        r#" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">"#,
        "<rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>",
        "<ram:ID>urn:cen.eu:en16931:2017</ram:ID>",
        "</ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>",
    ));
    let type_code = if i.kind == InvoiceKind::CreditNote { "381" } else { "380" };
    let _ = write!(
        x,
        "<rsm:ExchangedDocument><ram:ID>{}</ram:ID><ram:TypeCode>{type_code}</ram:TypeCode>\
         <ram:IssueDateTime>{}</ram:IssueDateTime>",
        esc(&i.number),
        date(local_day(i.issued_at, tz)),
    );
    if let Some(reason) = &i.reason {
        let _ = write!(x, "<ram:IncludedNote><ram:Content>{}</ram:Content></ram:IncludedNote>", esc(reason));
    }
    x.push_str("</rsm:ExchangedDocument><rsm:SupplyChainTradeTransaction>");
    for line in &i.lines {
        line_item(&mut x, line, sign);
    }
    x.push_str("<ram:ApplicableHeaderTradeAgreement>");
    let seller = &i.seller;
    party(&mut x, "SellerTradeParty", &seller.name, seller.siret.as_deref().map(siren_of), seller.address.as_deref());
    if let Some(vat) = &seller.vat_number {
        let _ = write!(
            x,
            r#"<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{}</ram:ID></ram:SpecifiedTaxRegistration>"#,
            esc(vat)
        );
    }
    x.push_str("</ram:SellerTradeParty>");
    let customer = &i.customer;
    party(&mut x, "BuyerTradeParty", &customer.name, customer.siren.as_deref(), customer.address.as_deref());
    if let Some(vat) = &customer.vat_number {
        let _ = write!(
            x,
            r#"<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">{}</ram:ID></ram:SpecifiedTaxRegistration>"#,
            esc(vat)
        );
    }
    x.push_str("</ram:BuyerTradeParty></ram:ApplicableHeaderTradeAgreement>");
    let _ = write!(
        x,
        "<ram:ApplicableHeaderTradeDelivery><ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>{}\
         </ram:OccurrenceDateTime></ram:ActualDeliverySupplyChainEvent></ram:ApplicableHeaderTradeDelivery>",
        date(i.service_date),
    );
    settlement(&mut x, i, credited, sign, tz);
    x.push_str("</rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>\n");
    x
}

fn line_item(x: &mut String, l: &InvoiceLine, sign: i64) {
    let quantity = i64::from(l.quantity) * sign;
    let net = l.excl_cents * sign;
    let _ = write!(
        x,
        "<ram:IncludedSupplyChainTradeLineItem>\
         <ram:AssociatedDocumentLineDocument><ram:LineID>{}</ram:LineID></ram:AssociatedDocumentLineDocument>\
         <ram:SpecifiedTradeProduct><ram:Name>{}</ram:Name></ram:SpecifiedTradeProduct>\
         <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>{}</ram:ChargeAmount>\
         </ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>\
         <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode=\"C62\">{quantity}</ram:BilledQuantity>\
         </ram:SpecifiedLineTradeDelivery>\
         <ram:SpecifiedLineTradeSettlement>{}\
         <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>{}</ram:LineTotalAmount>\
         </ram:SpecifiedTradeSettlementLineMonetarySummation></ram:SpecifiedLineTradeSettlement>\
         </ram:IncludedSupplyChainTradeLineItem>",
        l.position,
        esc(&l.label),
        unit_price(net, quantity),
        tax(l.vat_rate_bp, None),
        amount(net),
    );
}

/// The VAT category of a rate: standard, or exempt (a school under the franchise, art. 293 B CGI).
fn tax(rate_bp: i32, totals: Option<(i64, i64)>) -> String {
    let (category, exemption) = if rate_bp > 0 {
        ("S", String::new())
    } else {
        (
            "E",
            "<ram:ExemptionReason>TVA non applicable, art. 293 B du CGI</ram:ExemptionReason>\
             <ram:ExemptionReasonCode>VATEX-FR-FRANCHISE</ram:ExemptionReasonCode>"
                .to_owned(),
        )
    };
    let rate = format!("{}.{:02}", rate_bp / 100, rate_bp % 100);
    match totals {
        // Line level: the type, the category and the rate.
        None => format!(
            "<ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>{category}</ram:CategoryCode>\
             <ram:RateApplicablePercent>{rate}</ram:RateApplicablePercent></ram:ApplicableTradeTax>"
        ),
        // Breakdown: the tax and its basis too.
        Some((basis, vat)) => format!(
            "<ram:ApplicableTradeTax><ram:CalculatedAmount>{}</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>\
             {exemption}<ram:BasisAmount>{}</ram:BasisAmount><ram:CategoryCode>{category}</ram:CategoryCode>\
             <ram:RateApplicablePercent>{rate}</ram:RateApplicablePercent></ram:ApplicableTradeTax>",
            amount(vat),
            amount(basis)
        ),
    }
}

fn settlement(x: &mut String, i: &Invoice, credited: Option<&Invoice>, sign: i64, tz: Tz) {
    x.push_str("<ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>");
    // By rate, from the lines themselves: the basis is the sum of their net amounts (BR-S-08) and
    // the tax what their prices hold beyond it, so that the totals are those printed.
    let mut rates: Vec<i32> = i.lines.iter().map(|l| l.vat_rate_bp).collect();
    rates.sort_unstable_by(|a, b| b.cmp(a));
    rates.dedup();
    let (mut basis_total, mut vat_total) = (0, 0);
    for rate in rates {
        let of_rate = || i.lines.iter().filter(move |l| l.vat_rate_bp == rate);
        let basis: i64 = of_rate().map(|l| l.excl_cents * sign).sum();
        let incl: i64 = of_rate().map(|l| l.incl_cents * sign).sum();
        basis_total += basis;
        vat_total += incl - basis;
        x.push_str(&tax(rate, Some((basis, incl - basis))));
    }
    let paid = (i.paid_cents * sign).max(0);
    let grand = basis_total + vat_total;
    let due = if i.kind == InvoiceKind::CreditNote { grand } else { grand - paid };
    let _ = write!(
        x,
        "<ram:SpecifiedTradePaymentTerms><ram:Description>{}</ram:Description></ram:SpecifiedTradePaymentTerms>\
         <ram:SpecifiedTradeSettlementHeaderMonetarySummation>\
         <ram:LineTotalAmount>{}</ram:LineTotalAmount><ram:TaxBasisTotalAmount>{}</ram:TaxBasisTotalAmount>\
         <ram:TaxTotalAmount currencyID=\"EUR\">{}</ram:TaxTotalAmount><ram:GrandTotalAmount>{}</ram:GrandTotalAmount>\
         <ram:TotalPrepaidAmount>{}</ram:TotalPrepaidAmount><ram:DuePayableAmount>{}</ram:DuePayableAmount>\
         </ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
        esc(&i.payment_terms),
        amount(basis_total),
        amount(basis_total),
        amount(vat_total),
        amount(grand),
        amount(grand - due),
        amount(due),
    );
    if let Some(c) = credited {
        let _ = write!(
            x,
            "<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>{}</ram:IssuerAssignedID>\
             <ram:FormattedIssueDateTime><qdt:DateTimeString format=\"102\">{}</qdt:DateTimeString>\
             </ram:FormattedIssueDateTime></ram:InvoiceReferencedDocument>",
            esc(&c.number),
            local_day(c.issued_at, tz).format("%Y%m%d"),
        );
    }
    x.push_str("</ram:ApplicableHeaderTradeSettlement>");
}

/// Opens a trade party (name, SIREN, postal address); the caller adds its tax registration and
/// closes it.
fn party(x: &mut String, element: &str, name: &str, siren: Option<&str>, address: Option<&str>) {
    let _ = write!(x, "<ram:{element}><ram:Name>{}</ram:Name>", esc(name));
    if let Some(siren) = siren {
        let _ = write!(
            x,
            r#"<ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">{}</ram:ID></ram:SpecifiedLegalOrganization>"#,
            esc(siren)
        );
    }
    let postal = PostalAddress::parse(address.unwrap_or_default());
    x.push_str("<ram:PostalTradeAddress>");
    if let Some(code) = &postal.postcode {
        let _ = write!(x, "<ram:PostcodeCode>{}</ram:PostcodeCode>", esc(code));
    }
    for (n, line) in postal.lines.iter().take(3).enumerate() {
        let tag = ["LineOne", "LineTwo", "LineThree"][n];
        let _ = write!(x, "<ram:{tag}>{}</ram:{tag}>", esc(line));
    }
    if let Some(city) = &postal.city {
        let _ = write!(x, "<ram:CityName>{}</ram:CityName>", esc(city));
    }
    x.push_str("<ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>");
}

/// A French postal address typed freely ("12 rue de la Paix, 75002 Paris" or on lines): the
/// street lines, and the postcode and city when a "NNNNN City" part is found.
#[derive(Debug, PartialEq, Eq)]
struct PostalAddress {
    lines: Vec<String>,
    postcode: Option<String>,
    city: Option<String>,
}

impl PostalAddress {
    fn parse(text: &str) -> PostalAddress {
        let mut lines: Vec<String> =
            text.split(['\n', ',']).map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        let town = lines.iter().rposition(|l| {
            let code: String = l.chars().take(5).collect();
            code.len() == 5
                && code.chars().all(|c| c.is_ascii_digit())
                && l.chars().nth(5).is_some_and(char::is_whitespace)
        });
        let Some(at) = town else { return PostalAddress { lines, postcode: None, city: None } };
        let town = lines.remove(at);
        let (code, city) = town.split_at(5);
        PostalAddress { lines, postcode: Some(code.to_owned()), city: Some(city.trim().to_owned()) }
    }
}

/// The SIREN within a SIRET (its first nine digits).
fn siren_of(siret: &str) -> &str {
    let digits = siret.trim();
    digits.get(..9).unwrap_or(digits)
}

fn local_day(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

fn date(d: NaiveDate) -> String {
    format!(r#"<udt:DateTimeString format="102">{}</udt:DateTimeString>"#, d.format("%Y%m%d"))
}

/// Cents as a decimal amount: `-12.05`.
fn amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// The net unit price of a line: its net amount over its quantity, to four decimals.
fn unit_price(net_cents: i64, quantity: i64) -> String {
    if quantity == 0 {
        return amount(0);
    }
    // In ten-thousandths of a euro (hundredths of a cent), rounded half away from zero.
    let scaled = net_cents * 100;
    let q = quantity.abs();
    let value = (scaled.abs() * 2 + q) / (q * 2) * (scaled.signum() * quantity.signum());
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}.{:04}", value.abs() / 10_000, value.abs() % 10_000)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_find_their_postcode_and_city() {
        let a = PostalAddress::parse("12 rue de la Paix, 75002 Paris");
        assert_eq!(a.postcode.as_deref(), Some("75002"));
        assert_eq!(a.city.as_deref(), Some("Paris"));
        assert_eq!(a.lines, ["12 rue de la Paix"]);
        let b = PostalAddress::parse("Zone artisanale\nBât. C\n69100 Villeurbanne");
        assert_eq!((b.lines.len(), b.city.as_deref()), (2, Some("Villeurbanne")));
        let c = PostalAddress::parse("Quelque part");
        assert_eq!((c.postcode, c.lines.len()), (None, 1));
    }

    #[test]
    fn amounts_are_decimal_euros() {
        assert_eq!(amount(12_345), "123.45");
        assert_eq!(amount(-5), "-0.05");
        assert_eq!(unit_price(10_000, 3), "33.3333");
        assert_eq!(unit_price(-10_000, -3), "33.3333");
        assert_eq!(siren_of("12345678900012"), "123456789");
    }
}
