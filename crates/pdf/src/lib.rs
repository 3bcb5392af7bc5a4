//! Volant's printable documents, rendered with typst as a library: real layout (tables, page
//! breaks, page numbers), fonts embedded in the binary, nothing fetched at run time. The data
//! go in as JSON; the templates are `.typ` files next to this one.

pub mod facturx;

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use typst::foundations::{Dict, Value};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("typst compilation failed: {0}")]
    Compile(String),
    #[error("PDF export failed: {0}")]
    Export(String),
    #[error("bad data: {0}")]
    Data(#[from] serde_json::Error),
    #[error("Factur-X metadata: {0}")]
    FacturX(#[from] facturx::XmpError),
}

#[derive(Debug, Clone, Serialize)]
pub struct School {
    pub name: String,
    pub address: String,
    pub agrement: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StudentIdentity {
    pub name: String,
    pub birth_date: String,
    pub neph: String,
    pub category: String,
    pub training_mode: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    pub code: String,
    pub title: String,
    pub level: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompetencyBlock {
    pub code: String,
    pub title: String,
    pub progress: u32,
    pub items: Vec<ItemRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LessonRow {
    pub date: String,
    pub time: String,
    pub duration: String,
    pub instructor: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssessmentRow {
    pub kind: String,
    pub date: String,
    pub instructor: String,
    pub result: String,
}

/// Everything the booklet shows, already formatted in French.
#[derive(Debug, Clone, Serialize)]
pub struct BookletDoc {
    pub school: School,
    pub student: StudentIdentity,
    pub generated_on: String,
    pub reference: String,
    pub version: String,
    pub progress: u32,
    pub acquired: usize,
    /// The school's name for the top level (« assimilé » by default).
    pub acquired_label: String,
    pub item_count: usize,
    pub competencies: Vec<CompetencyBlock>,
    pub lessons: Vec<LessonRow>,
    pub assessments: Vec<AssessmentRow>,
}

/// A party to an invoice: its name, then its lines (address lines, then identifiers such as
/// « SIRET … », « N° TVA … », « Agrément … »).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvoiceLineRow {
    pub label: String,
    pub quantity: String,
    pub unit_price_excl: String,
    pub vat_rate: String,
    pub total_excl: String,
    pub total_incl: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct VatRow {
    pub rate: String,
    pub base: String,
    pub vat: String,
}

/// Everything an invoice (« Facture ») or a credit note (« Avoir ») shows, already formatted in
/// French.
#[derive(Debug, Clone, Serialize)]
pub struct InvoiceDoc {
    /// « Facture » or « Avoir ».
    pub title: String,
    pub number: String,
    pub issued_on: String,
    /// The date of the service (the value only).
    pub service_date: String,
    /// For a credit note, the invoice it corrects (« Avoir sur la facture … du … »).
    pub corrects: Option<String>,
    /// For a credit note, why it was issued.
    pub reason: Option<String>,
    pub seller: Party,
    pub customer: Party,
    pub lines: Vec<InvoiceLineRow>,
    pub vat_summary: Vec<VatRow>,
    pub total_excl: String,
    pub total_vat: String,
    pub total_incl: String,
    /// One line per payment received (may be empty).
    pub payments: Vec<String>,
    /// The amount still due (the value only).
    pub amount_due: String,
    pub payment_terms: String,
    /// The mandatory mentions, one per line, printed small at the bottom.
    pub legal_footer: Vec<String>,
}

/// One product of a contract, its price written out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContractLineRow {
    pub label: String,
    pub quantity: String,
    pub unit_price: String,
    pub total: String,
}

/// A numbered clause of the contract.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Clause {
    pub title: String,
    pub text: String,
}

/// A training contract or one of its amendments, already formatted in French. With `evidence`,
/// the signed copy: the signature's evidence printed in a box at the end.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContractDoc {
    pub title: String,
    pub reference: String,
    pub generated_on: String,
    pub school: Party,
    pub student: Party,
    pub guardian: Option<Party>,
    /// What the contract rests on: the start evaluation and its estimate, or what the amendment adds.
    pub basis: Vec<String>,
    pub lines: Vec<ContractLineRow>,
    pub total: String,
    pub clauses: Vec<Clause>,
    /// "Léa Martin, l'élève", or the guardian for a minor.
    pub signer: String,
    pub evidence: Option<Vec<String>>,
}

/// One line of a printed planning: a lesson, already formatted in French.
#[derive(Debug, Clone, Serialize)]
pub struct PlanningRow {
    /// « 08:00 – 09:00 ».
    pub time: String,
    /// « Conduite », « Évaluation »…
    pub kind: String,
    /// The student (or the attendees of a group session), « — » for a block.
    pub student: String,
    pub phone: String,
    pub place: String,
    pub vehicle: String,
    pub note: String,
}

/// A day of a printed planning.
#[derive(Debug, Clone, Serialize)]
pub struct PlanningDay {
    /// « Lundi 7 décembre 2026 ».
    pub label: String,
    pub rows: Vec<PlanningRow>,
}

/// One instructor's sheet: a week, or a day.
#[derive(Debug, Clone, Serialize)]
pub struct PlanningSheet {
    /// « Jean Moniteur ».
    pub instructor: String,
    /// « Semaine du 7 au 13 décembre 2026 », « Mardi 8 décembre 2026 ».
    pub period: String,
    /// « 12 séances, 12 h 00 de conduite ».
    pub summary: String,
    pub days: Vec<PlanningDay>,
}

/// A printed planning: the instructor's week, or the office's day sheet (one page per
/// instructor, with a column to sign each lesson).
#[derive(Debug, Clone, Serialize)]
pub struct PlanningDoc {
    /// « Planning de la semaine », « Feuille de route du jour ».
    pub title: String,
    pub school: String,
    pub generated_on: String,
    /// A column for the student's signature on each line (the day sheet).
    pub signature: bool,
    pub sheets: Vec<PlanningSheet>,
}

type Engine = LazyLock<TypstEngine<TypstTemplateMainFile>>;

/// The engines, built once: parsing the embedded fonts is the costly part.
static BOOKLET: Engine = LazyLock::new(|| {
    TypstEngine::builder().main_file(include_str!("booklet.typ")).fonts(typst_assets::fonts()).build()
});
static INVOICE: Engine = LazyLock::new(|| {
    TypstEngine::builder().main_file(include_str!("invoice.typ")).fonts(typst_assets::fonts()).build()
});
static CONTRACT: Engine = LazyLock::new(|| {
    TypstEngine::builder().main_file(include_str!("contract.typ")).fonts(typst_assets::fonts()).build()
});
static PLANNING: Engine = LazyLock::new(|| {
    TypstEngine::builder().main_file(include_str!("planning.typ")).fonts(typst_assets::fonts()).build()
});

/// Compiles `engine`'s template with `doc` as JSON in the `data` input, and exports the PDF.
fn render(engine: &Engine, doc: &impl Serialize) -> Result<Vec<u8>, PdfError> {
    export(compile(engine, doc, Dict::new())?, &typst_pdf::PdfOptions::default())
}

fn compile(engine: &Engine, doc: &impl Serialize, mut inputs: Dict) -> Result<PagedDocument, PdfError> {
    let data = serde_json::to_string(doc)?;
    inputs.insert("data".into(), Value::Str(data.into()));
    engine.compile_with_input(inputs).output.map_err(|e| PdfError::Compile(format!("{e:?}")))
}

fn export(compiled: PagedDocument, options: &typst_pdf::PdfOptions) -> Result<Vec<u8>, PdfError> {
    typst_pdf::pdf(&compiled, options).map_err(|e| PdfError::Export(format!("{e:?}")))
}

/// The XML of a Factur-X invoice and the day it was issued (the PDF's date).
pub struct FacturX<'a> {
    pub xml: &'a str,
    pub file_name: &'a str,
    /// `EN 16931`.
    pub level: &'a str,
    pub issued: (i32, u8, u8),
}

/// Renders an invoice as Factur-X: a PDF/A-3b with the XML attached and declared in its XMP.
pub fn facturx_invoice(doc: &InvoiceDoc, fx: &FacturX<'_>) -> Result<Vec<u8>, PdfError> {
    let mut inputs = Dict::new();
    inputs.insert("facturx".into(), Value::Str(fx.xml.into()));
    inputs.insert("facturx_name".into(), Value::Str(fx.file_name.into()));
    let compiled = compile(&INVOICE, doc, inputs)?;
    let (y, m, d) = fx.issued;
    let date = typst::foundations::Datetime::from_ymd_hms(y, m, d, 0, 0, 0)
        .ok_or_else(|| PdfError::Export("bad issue date".into()))?;
    let options = typst_pdf::PdfOptions {
        standards: typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_3b])
            .map_err(|e| PdfError::Export(format!("{e:?}")))?,
        timestamp: Some(typst_pdf::Timestamp::new_utc(date)),
        ..typst_pdf::PdfOptions::default()
    };
    let pdf = export(compiled, &options)?;
    Ok(facturx::add_extension(&pdf, &facturx::Conformance { file_name: fx.file_name, level: fx.level })?)
}

/// Renders the learning booklet as a PDF.
pub fn booklet(doc: &BookletDoc) -> Result<Vec<u8>, PdfError> {
    render(&BOOKLET, doc)
}

/// Renders an invoice or a credit note as a PDF.
pub fn invoice(doc: &InvoiceDoc) -> Result<Vec<u8>, PdfError> {
    render(&INVOICE, doc)
}

/// Renders a training contract or an amendment as a PDF.
pub fn contract(doc: &ContractDoc) -> Result<Vec<u8>, PdfError> {
    render(&CONTRACT, doc)
}

/// Renders a printed planning (an instructor's week, the office's day sheet) as a PDF.
pub fn planning(doc: &PlanningDoc) -> Result<Vec<u8>, PdfError> {
    render(&PLANNING, doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> BookletDoc {
        BookletDoc {
            school: School {
                name: "Auto-École du Centre".into(),
                address: "12 rue Nationale, Tours".into(),
                agrement: "E 37 0001 0".into(),
            },
            student: StudentIdentity {
                name: "Éloïse Ménard".into(),
                birth_date: "03/02/2005".into(),
                neph: "120456789012".into(),
                category: "B".into(),
                training_mode: "traditionnelle".into(),
            },
            generated_on: "24/11/2026".into(),
            reference: "REMC permis B".into(),
            version: "2014".into(),
            progress: 42,
            acquired: 3,
            acquired_label: "Maîtrisé".into(),
            item_count: 32,
            competencies: (1..=4)
                .map(|c| CompetencyBlock {
                    code: format!("C{c}"),
                    title: format!("Compétence {c} « avec des guillemets » et un \\ antislash"),
                    progress: 25 * c,
                    items: (1..=8)
                        .map(|i| ItemRow {
                            code: format!("C{c}.{i}"),
                            title: "Démarrer et s'arrêter".into(),
                            level: "assimilé".into(),
                            date: "20/11/2026".into(),
                        })
                        .collect(),
                })
                .collect(),
            lessons: (0..60)
                .map(|n| LessonRow {
                    date: format!("{:02}/10/2026", n % 28 + 1),
                    time: "10:00–11:00".into(),
                    duration: "1 h".into(),
                    instructor: "Julien Moreau".into(),
                    kind: "Conduite".into(),
                })
                .collect(),
            assessments: vec![AssessmentRow {
                kind: "Bilan".into(),
                date: "15/11/2026".into(),
                instructor: "Julien Moreau".into(),
                result: "Favorable".into(),
            }],
        }
    }

    #[test]
    fn renders_a_multi_page_pdf() {
        let pdf = booklet(&sample()).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() > 10_000);
    }

    fn sample_invoice() -> InvoiceDoc {
        let line = |label: &str, qty: &str, excl: &str, incl: &str| InvoiceLineRow {
            label: label.into(),
            quantity: qty.into(),
            unit_price_excl: "45,00 €".into(),
            vat_rate: "20 %".into(),
            total_excl: excl.into(),
            total_incl: incl.into(),
        };
        InvoiceDoc {
            title: "Facture".into(),
            number: "F2026-000012".into(),
            issued_on: "06/12/2026".into(),
            service_date: "06/12/2026".into(),
            corrects: None,
            reason: None,
            seller: Party {
                name: "Auto-École du Centre".into(),
                lines: vec![
                    "12 rue Nationale".into(),
                    "37000 Tours".into(),
                    "SIRET 123 456 789 00012".into(),
                    "N° TVA FR12123456789".into(),
                    "Agrément E 12 345 6789 0".into(),
                ],
            },
            customer: Party {
                name: "Éloïse Ménard".into(),
                lines: vec!["3 place Plumereau".into(), "37000 Tours".into()],
            },
            lines: vec![
                line("Leçon de conduite #B *1 h* _boîte_ @moniteur $x$ [a] \\ <b>", "2", "90,00 €", "108,00 €"),
                line("Examen blanc", "1", "45,00 €", "54,00 €"),
            ],
            vat_summary: vec![VatRow { rate: "20 %".into(), base: "135,00 €".into(), vat: "27,00 €".into() }],
            total_excl: "135,00 €".into(),
            total_vat: "27,00 €".into(),
            total_incl: "162,00 €".into(),
            payments: vec!["06/12/2026 — Carte bancaire — 100,00 €".into()],
            amount_due: "62,00 €".into(),
            payment_terms: "Paiement à réception de la facture.".into(),
            legal_footer: vec![
                "Prestation de services : enseignement de la conduite.".into(),
                "En cas de retard de paiement, pénalités au taux de 3 fois le taux d'intérêt légal et \
                 indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 du code de commerce)."
                    .into(),
                "Pas d'escompte pour paiement anticipé.".into(),
            ],
        }
    }

    /// The PDF's text as `pdftotext` extracts it, whitespace collapsed; `None` without `pdftotext`.
    fn pdf_text(pdf: &[u8]) -> Option<String> {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut child =
            Command::new("pdftotext").args(["-", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().ok()?;
        child.stdin.take().unwrap().write_all(pdf).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        Some(squash(&String::from_utf8(out.stdout).unwrap()))
    }

    fn squash(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn assert_shows(doc: &InvoiceDoc, extra: &[&str]) {
        let pdf = invoice(doc).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let Some(text) = pdf_text(&pdf) else { return };
        let mut expected: Vec<&str> =
            vec![&doc.number, &doc.seller.lines[2], &doc.customer.name, &doc.lines[0].label, "Total TTC"];
        expected.extend(doc.legal_footer.iter().map(String::as_str));
        expected.extend(extra);
        for s in expected {
            assert!(text.contains(&squash(s)), "{s:?} missing from:\n{text}");
        }
    }

    #[test]
    fn renders_an_invoice() {
        assert_shows(&sample_invoice(), &["Règlements", "Page 1 / 1"]);
    }

    #[test]
    fn renders_a_facturx_invoice_as_pdf_a3_with_its_xml_and_metadata() {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rsm:CrossIndustryInvoice/>";
        let fx = FacturX { xml, file_name: "factur-x.xml", level: "EN 16931", issued: (2026, 12, 6) };
        let pdf = facturx_invoice(&sample_invoice(), &fx).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        for part in
            ["pdfaid:part", "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>", "/AFRelationship", "factur-x.xml"]
        {
            assert!(text.contains(part), "{part} missing");
        }
        // The update is appended: what typst wrote is still there, byte for byte.
        assert_eq!(text.matches("%%EOF").count(), 2);
    }

    #[test]
    fn renders_a_credit_note() {
        let doc = InvoiceDoc {
            title: "Avoir".into(),
            number: "A2026-000003".into(),
            corrects: Some("Avoir sur la facture F2026-000012 du 01/12/2026".into()),
            reason: Some("Leçon annulée par l'école".into()),
            payments: vec![],
            ..sample_invoice()
        };
        let corrects = doc.corrects.clone().unwrap();
        assert_shows(&doc, &["Avoir", &corrects, "Leçon annulée par l'école"]);
    }

    #[test]
    fn renders_a_day_sheet_with_a_page_per_instructor() {
        let row = |time: &str, student: &str| PlanningRow {
            time: time.into(),
            kind: "Conduite".into(),
            student: student.into(),
            phone: "06 01 02 03 04".into(),
            place: "Gare de Tours".into(),
            vehicle: "AB-123-CD".into(),
            note: String::new(),
        };
        let sheet = |instructor: &str, rows: Vec<PlanningRow>| PlanningSheet {
            instructor: instructor.into(),
            period: "Mardi 8 décembre 2026".into(),
            summary: format!("{} séance(s)", rows.len()),
            days: vec![PlanningDay { label: "Mardi 8 décembre 2026".into(), rows }],
        };
        let doc = PlanningDoc {
            title: "Feuille de route du jour".into(),
            school: "Auto-école du Centre".into(),
            generated_on: "06/12/2026".into(),
            signature: true,
            sheets: vec![
                sheet("Jean Moniteur", vec![row("08:00 – 09:00", "Léa Martin"), row("09:00 – 10:00", "Hugo Petit")]),
                sheet("Sophie Durand", vec![]),
            ],
        };
        let pdf = planning(&doc).unwrap();
        let Some(text) = pdf_text(&pdf) else { return };
        for s in
            ["Jean Moniteur — Mardi 8 décembre 2026", "Léa Martin", "Signature de l", "Sophie Durand", "Aucune séance."]
        {
            assert!(text.contains(&squash(s)), "{s:?} missing from:\n{text}");
        }
        assert!(text.contains(&squash("Page 2 sur 2")), "a page per instructor: {text}");
    }

    fn sample_contract() -> ContractDoc {
        ContractDoc {
            title: "Contrat de formation à la conduite — permis B".into(),
            reference: "C-5F3A2B".into(),
            generated_on: "01/12/2026".into(),
            school: Party { name: "Auto-école du Centre".into(), lines: vec!["Agrément E 12 069 0001 0".into()] },
            student: Party { name: "Léa Martin".into(), lines: vec!["Née le 04/05/2009".into()] },
            guardian: Some(Party { name: "Paul Martin".into(), lines: vec!["paul.martin@exemple.fr".into()] }),
            basis: vec!["Évaluation de départ du 20/11/2026 : 30 h de conduite estimées.".into()],
            lines: vec![ContractLineRow {
                label: "Forfait 20 heures".into(),
                quantity: "1".into(),
                unit_price: "1 200,00 €".into(),
                total: "1 200,00 €".into(),
            }],
            total: "1 200,00 €".into(),
            clauses: vec![Clause { title: "Objet".into(), text: "La formation au permis B.".into() }],
            signer: "Paul Martin, représentant légal de l'élève".into(),
            evidence: None,
        }
    }

    #[test]
    fn renders_a_contract_to_sign_then_signed() {
        let doc = sample_contract();
        let unsigned = contract(&doc).unwrap();
        let signed = contract(&ContractDoc {
            evidence: Some(vec!["Signataire : Paul Martin".into(), "Empreinte SHA-256 : abc123".into()]),
            ..doc
        })
        .unwrap();
        let (Some(unsigned), Some(signed)) = (pdf_text(&unsigned), pdf_text(&signed)) else { return };
        for text in [&unsigned, &signed] {
            for expected in ["Contrat de formation", "Forfait 20 heures", "Paul Martin", "30 h de conduite estimées"] {
                assert!(text.contains(&squash(expected)), "{expected:?} missing from {text}");
            }
        }
        assert!(unsigned.contains(&squash("À signer électroniquement")));
        assert!(signed.contains(&squash("Signé électroniquement")) && signed.contains("abc123"));
    }
}
