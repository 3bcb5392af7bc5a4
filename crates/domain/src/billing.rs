//! Money rules: the catalogue's forbidden fees, VAT taken out of prices that include it, invoice
//! numbers, instalments. Money is in integer cents, VAT rates in basis points (2 000 = 20 %).

use serde::{Deserialize, Serialize};

/// VAT on driving lessons for the B licence, even when CPF pays (BOFiP rescrit of 24 July 2024).
pub const DRIVING_LESSON_VAT_BP: i32 = 2000;
/// 100 % in basis points.
const WHOLE_BP: i64 = 10_000;
/// The most a single line or payment may carry: 100 000 € (a driving school sells no more).
pub const MAX_AMOUNT_CENTS: i64 = 10_000_000;
/// The most instalments an invoice may be split into.
pub const MAX_INSTALMENTS: usize = 12;

/// The fees the law forbids a driving school to charge (Code de la route L.213-2 and the
/// consumer code, since the loi Macron of 2015): presenting a student to the test, and
/// transferring or handing back their file. Read from a product's name, accents and case aside.
pub fn is_forbidden_fee(name: &str) -> bool {
    let words = crate::search::words(name);
    let has = |options: &[&str]| words.iter().any(|w| options.contains(&w.as_str()));
    let presenting = has(&["presentation", "presenter"]) && has(&["examen", "epreuve", "permis"]);
    let moving_the_file = has(&["transfert", "transferer", "restitution", "restituer"]) && has(&["dossier"]);
    presenting || moving_the_file
}

/// A price with VAT split into its base and its VAT: the base is rounded to the cent, the VAT is
/// what remains, so base + VAT is always the price paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    pub excl_cents: i64,
    pub vat_cents: i64,
}

pub fn split_vat(incl_cents: i64, vat_rate_bp: i32) -> Split {
    let denominator = WHOLE_BP + i64::from(vat_rate_bp);
    // Rounded half away from zero, for credit notes (negative) as for invoices.
    let scaled = incl_cents * WHOLE_BP;
    let excl = (scaled.abs() * 2 + denominator) / (denominator * 2) * scaled.signum();
    Split { excl_cents: excl, vat_cents: incl_cents - excl }
}

/// One line of a document: its price with VAT and its rate.
#[derive(Clone, Copy, Debug)]
pub struct Priced {
    pub incl_cents: i64,
    pub vat_rate_bp: i32,
}

/// The totals per VAT rate (the VAT is computed on each rate's total, as the tax code wants)
/// and of the whole document.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Totals {
    /// (rate, base, VAT), by rate.
    pub by_rate: Vec<(i32, i64, i64)>,
    pub excl_cents: i64,
    pub vat_cents: i64,
    pub incl_cents: i64,
}

pub fn totals(lines: &[Priced]) -> Totals {
    let mut rates: Vec<i32> = lines.iter().map(|l| l.vat_rate_bp).collect();
    rates.sort_unstable();
    rates.dedup();
    let mut t = Totals::default();
    for rate in rates {
        let incl: i64 = lines.iter().filter(|l| l.vat_rate_bp == rate).map(|l| l.incl_cents).sum();
        let split = split_vat(incl, rate);
        t.by_rate.push((rate, split.excl_cents, split.vat_cents));
        t.excl_cents += split.excl_cents;
        t.vat_cents += split.vat_cents;
        t.incl_cents += incl;
    }
    t
}

/// The series of a numbered document: invoices and credit notes each run their own continuous
/// sequence per school and year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Series {
    Invoice,
    CreditNote,
}

impl Series {
    pub fn prefix(self) -> char {
        match self {
            Series::Invoice => 'F',
            Series::CreditNote => 'A',
        }
    }
}

/// `F2026-000001`: the series, the year of issue and the number in that year's sequence.
pub fn document_number(series: Series, year: i32, n: i64) -> String {
    format!("{}{year}-{n:06}", series.prefix())
}

/// A total split into `count` instalments of whole cents: equal parts, the cents left over on
/// the first ones, so the parts always add up to the total.
pub fn instalments(total_cents: i64, count: usize) -> Vec<i64> {
    let Ok(n) = i64::try_from(count.max(1)) else { return vec![total_cents] };
    let (part, rest) = (total_cents / n, total_cents % n);
    (0..n).map(|i| part + i64::from(i < rest)).collect()
}

/// "1 234,56 €", as French invoices write money.
pub fn euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let units = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped},{:02}\u{a0}€", abs % 100)
}

/// "20 %", "5,5 %".
pub fn rate(bp: i32) -> String {
    let (units, hundredths) = (bp / 100, bp % 100);
    if hundredths == 0 {
        format!("{units}\u{a0}%")
    } else {
        format!("{units},{}\u{a0}%", format!("{hundredths:02}").trim_end_matches('0'))
    }
}

/// Driving time a sale would put beyond what the student's signed contract and amendments cover
/// (R.213-3: hours beyond the contract's estimate need a written amendment), or `None` when it
/// stays within. Without a signed contract nothing is covered.
pub fn beyond_contract(covered_minutes: i64, sold_minutes: i64, selling_minutes: i64) -> Option<i64> {
    let over = (sold_minutes + selling_minutes) - covered_minutes;
    (selling_minutes > 0 && over > 0).then_some(over.min(selling_minutes))
}

/// What an invoice lacks of the identities the tax code requires (CGI art. 242 nonies A: the
/// seller's name, address and SIRET, the customer's name and address), in French, for a warning.
pub fn missing_mentions(seller_siret: bool, seller_address: bool, customer_address: bool) -> Vec<&'static str> {
    [
        (seller_siret, "le SIRET de l'école"),
        (seller_address, "l'adresse de l'école"),
        (customer_address, "l'adresse du client"),
    ]
    .into_iter()
    .filter(|(present, _)| !present)
    .map(|(_, what)| what)
    .collect()
}

/// How long a signature code stays valid, and how many wrong tries void it.
pub const SIGNATURE_CODE_MINUTES: i64 = 15;
pub const SIGNATURE_CODE_ATTEMPTS: i32 = 5;
/// The least time between two codes sent for one document (a signer cannot be flooded).
pub const SIGNATURE_CODE_RESEND_SECONDS: i64 = 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_fees_are_recognised_whatever_the_spelling() {
        for name in [
            "Frais de présentation à l'examen",
            "FRAIS DE PRESENTATION AU PERMIS",
            "Présentation à l'épreuve pratique",
            "Frais de transfert de dossier",
            "Restitution du dossier",
        ] {
            assert!(is_forbidden_fee(name), "{name}");
        }
        for name in [
            "Forfait 20 heures",
            "Accompagnement à l'examen pratique",
            "Frais d'inscription",
            "Évaluation de départ",
            "Pack code",
        ] {
            assert!(!is_forbidden_fee(name), "{name}");
        }
    }

    #[test]
    fn vat_is_taken_out_of_the_price_and_adds_back_to_it() {
        assert_eq!(split_vat(6000, 2000), Split { excl_cents: 5000, vat_cents: 1000 });
        assert_eq!(split_vat(4999, 2000), Split { excl_cents: 4166, vat_cents: 833 });
        assert_eq!(split_vat(-4999, 2000), Split { excl_cents: -4166, vat_cents: -833 });
        assert_eq!(split_vat(1000, 0), Split { excl_cents: 1000, vat_cents: 0 });
        for incl in 0..5000 {
            let s = split_vat(incl, 550);
            assert_eq!(s.excl_cents + s.vat_cents, incl);
        }
    }

    #[test]
    fn totals_compute_vat_per_rate() {
        let lines = [
            Priced { incl_cents: 120_000, vat_rate_bp: 2000 },
            Priced { incl_cents: 5_000, vat_rate_bp: 2000 },
            Priced { incl_cents: 3_000, vat_rate_bp: 0 },
        ];
        let t = totals(&lines);
        assert_eq!(t.by_rate, vec![(0, 3_000, 0), (2000, 104_167, 20_833)]);
        assert_eq!((t.excl_cents, t.vat_cents, t.incl_cents), (107_167, 20_833, 128_000));
    }

    #[test]
    fn numbers_and_instalments() {
        assert_eq!(document_number(Series::Invoice, 2026, 1), "F2026-000001");
        assert_eq!(document_number(Series::CreditNote, 2027, 1234), "A2027-001234");
        assert_eq!(instalments(100_000, 3), vec![33_334, 33_333, 33_333]);
        assert_eq!(instalments(100, 1), vec![100]);
        assert_eq!(instalments(2, 3).iter().sum::<i64>(), 2);
    }

    #[test]
    fn money_reads_as_on_a_french_invoice() {
        assert_eq!(euros(123_456), "1\u{202f}234,56\u{a0}€");
        assert_eq!(euros(-500), "-5,00\u{a0}€");
        assert_eq!(rate(2000), "20\u{a0}%");
        assert_eq!(rate(550), "5,5\u{a0}%");
    }

    #[test]
    fn a_sale_beyond_the_contract_counts_only_what_goes_over() {
        assert_eq!(beyond_contract(1800, 600, 1200), None);
        assert_eq!(beyond_contract(1800, 1200, 1200), Some(600));
        assert_eq!(beyond_contract(1800, 2400, 120), Some(120));
        assert_eq!(beyond_contract(0, 0, 60), Some(60));
        assert_eq!(beyond_contract(0, 0, 0), None);
    }

    #[test]
    fn missing_mentions_are_named() {
        assert!(missing_mentions(true, true, true).is_empty());
        assert_eq!(missing_mentions(false, true, false), ["le SIRET de l'école", "l'adresse du client"]);
    }
}
