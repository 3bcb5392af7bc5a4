//! The learning booklet (livret d'apprentissage): the REMC reference for licence B (4
//! competencies, 32 items), the four levels, and progress. Source: `data/remc-b.json`, a copy of
//! the reference kept with the code so that the binary needs nothing beside it.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    NonAborde,
    Aborde,
    Traite,
    Assimile,
}

impl Level {
    /// 0 to 3, for progress.
    pub fn index(self) -> u32 {
        match self {
            Level::NonAborde => 0,
            Level::Aborde => 1,
            Level::Traite => 2,
            Level::Assimile => 3,
        }
    }

    /// The default French label (a school may rename labels, not codes).
    pub fn label_fr(self) -> &'static str {
        match self {
            Level::NonAborde => "non abordé",
            Level::Aborde => "abordé",
            Level::Traite => "traité",
            Level::Assimile => "assimilé",
        }
    }

    pub const ALL: [Level; 4] = [Level::NonAborde, Level::Aborde, Level::Traite, Level::Assimile];
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    pub code: String,
    pub title: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Competency {
    pub code: String,
    pub title: String,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reference {
    pub reference: String,
    pub version: String,
    pub competencies: Vec<Competency>,
}

static REMC_B: LazyLock<Result<Reference, String>> = LazyLock::new(|| {
    let reference: Reference = serde_json::from_str(include_str!("../data/remc-b.json"))
        .map_err(|e| format!("the REMC B reference does not parse: {e}"))?;
    if reference.item_count() == 0 {
        return Err("the REMC B reference has no item".into());
    }
    Ok(reference)
});

static NO_REFERENCE: LazyLock<Reference> =
    LazyLock::new(|| Reference { reference: String::new(), version: String::new(), competencies: vec![] });

/// The REMC reference for licence B (`check_reference` at start-up guarantees it loaded).
pub fn remc_b() -> &'static Reference {
    REMC_B.as_ref().unwrap_or(&NO_REFERENCE)
}

/// A reference that fails to load stops the server at start-up, instead of serving an empty
/// booklet.
pub fn check_reference() -> Result<(), String> {
    REMC_B.as_ref().map(|_| ()).map_err(Clone::clone)
}

impl Reference {
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.competencies.iter().flat_map(|c| c.items.iter()).find(|i| i.code == code)
    }

    pub fn item_count(&self) -> usize {
        self.competencies.iter().map(|c| c.items.len()).sum()
    }
}

/// Progress in percent: the mean of the items' level indices (0 to 3) over 3, rounded.
/// Items never evaluated count as `non_aborde`.
pub fn progress(levels: impl IntoIterator<Item = Option<Level>>) -> u32 {
    let (mut sum, mut n) = (0u32, 0u32);
    for l in levels {
        sum += l.map_or(0, Level::index);
        n += 1;
    }
    if n == 0 {
        return 0;
    }
    (sum * 100 + (3 * n) / 2) / (3 * n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_has_4_competencies_and_32_items() {
        assert_eq!(check_reference(), Ok(()));
        let r = remc_b();
        assert_eq!(r.competencies.len(), 4);
        assert_eq!(r.item_count(), 32);
        let sizes: Vec<usize> = r.competencies.iter().map(|c| c.items.len()).collect();
        assert_eq!(sizes, vec![9, 7, 9, 7]);
        assert_eq!(r.item("C4.7").map(|_| ()), Some(()));
        assert!(r.item("C5.1").is_none());
    }

    #[test]
    fn progress_is_the_mean_index_over_three() {
        assert_eq!(progress([None, None]), 0);
        assert_eq!(progress([Some(Level::Assimile), Some(Level::Assimile)]), 100);
        assert_eq!(progress([Some(Level::Aborde), None, None]), 11);
        assert_eq!(progress([Some(Level::Traite), Some(Level::Assimile), Some(Level::Aborde)]), 67);
        assert_eq!(progress(std::iter::empty()), 0);
    }
}
