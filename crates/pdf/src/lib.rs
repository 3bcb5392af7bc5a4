//! Volant's printable documents, rendered with typst as a library: real layout (tables, page
//! breaks, page numbers), fonts embedded in the binary, nothing fetched at run time. The data
//! go in as JSON; the templates are `.typ` files next to this one.

use std::sync::LazyLock;

use serde::Serialize;
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

/// The engine, built once: parsing the embedded fonts is the costly part.
static BOOKLET: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder().main_file(include_str!("booklet.typ")).fonts(typst_assets::fonts()).build()
});

/// Renders the learning booklet as a PDF.
pub fn booklet(doc: &BookletDoc) -> Result<Vec<u8>, PdfError> {
    let data = serde_json::to_string(doc)?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), Value::Str(data.into()));
    let compiled: PagedDocument =
        BOOKLET.compile_with_input(inputs).output.map_err(|e| PdfError::Compile(format!("{e:?}")))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default()).map_err(|e| PdfError::Export(format!("{e:?}")))
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
}
