//! The hours ledger: append-only entries in minutes; every figure is computed from it.
//! remaining = purchased − consumed ± corrections; bookable = remaining − scheduled.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// + minutes: a sale, or hours entered by the office.
    Purchase,
    /// − minutes: only from the planning (lesson done, no-show, charged late cancellation).
    Consumption,
    /// ± minutes, with a reason.
    Correction,
    /// + minutes brought from another school.
    TransferIn,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("Le nombre de minutes doit être positif.")]
    MustBePositive,
    #[error("Une correction ne peut pas être nulle.")]
    ZeroCorrection,
    #[error("Une correction doit être motivée.")]
    ReasonRequired,
    #[error("Les consommations viennent uniquement du planning (séance faite, absence, annulation tardive).")]
    ConsumptionFromPlanningOnly,
    #[error("Au plus 1 000 heures par écriture.")]
    TooLarge,
}

/// The largest single entry: 1 000 hours.
pub const MAX_ENTRY_MINUTES: i32 = 60_000;

/// Checks an entry posted by the office and returns its signed amount.
pub fn office_entry(kind: EntryKind, minutes: i32, reason: Option<&str>) -> Result<i32, EntryError> {
    // `unsigned_abs`: `i32::MIN.abs()` overflows (found by schema-based fuzzing).
    if minutes.unsigned_abs() > MAX_ENTRY_MINUTES.unsigned_abs() {
        return Err(EntryError::TooLarge);
    }
    match kind {
        EntryKind::Consumption => Err(EntryError::ConsumptionFromPlanningOnly),
        EntryKind::Purchase | EntryKind::TransferIn if minutes <= 0 => Err(EntryError::MustBePositive),
        EntryKind::Purchase | EntryKind::TransferIn => Ok(minutes),
        EntryKind::Correction if minutes == 0 => Err(EntryError::ZeroCorrection),
        EntryKind::Correction if reason.is_none_or(|r| r.trim().is_empty()) => Err(EntryError::ReasonRequired),
        EntryKind::Correction => Ok(minutes),
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub purchased_minutes: i64,
    pub consumed_minutes: i64,
    pub corrections_minutes: i64,
    pub remaining_minutes: i64,
    pub scheduled_minutes: i64,
    pub bookable_minutes: i64,
}

impl Figures {
    /// From the signed entries and the minutes of planned driving lessons not yet marked.
    pub fn compute(entries: impl IntoIterator<Item = (EntryKind, i64)>, scheduled_minutes: i64) -> Figures {
        let mut f = Figures { scheduled_minutes, ..Figures::default() };
        for (kind, minutes) in entries {
            match kind {
                EntryKind::Purchase | EntryKind::TransferIn => f.purchased_minutes += minutes,
                EntryKind::Consumption => f.consumed_minutes -= minutes,
                EntryKind::Correction => f.corrections_minutes += minutes,
            }
        }
        f.remaining_minutes = f.purchased_minutes - f.consumed_minutes + f.corrections_minutes;
        f.bookable_minutes = f.remaining_minutes - scheduled_minutes;
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntryKind::*;

    #[test]
    fn figures_follow_the_ledger() {
        let f = Figures::compute(
            [(Purchase, 1200), (TransferIn, 300), (Consumption, -120), (Correction, -60), (Consumption, -60)],
            180,
        );
        assert_eq!(f.purchased_minutes, 1500);
        assert_eq!(f.consumed_minutes, 180);
        assert_eq!(f.corrections_minutes, -60);
        assert_eq!(f.remaining_minutes, 1260);
        assert_eq!(f.bookable_minutes, 1080);
    }

    #[test]
    fn office_entries_are_checked() {
        assert_eq!(office_entry(Purchase, 1200, None), Ok(1200));
        assert_eq!(office_entry(Purchase, 0, None), Err(EntryError::MustBePositive));
        assert_eq!(office_entry(TransferIn, -5, None), Err(EntryError::MustBePositive));
        assert_eq!(office_entry(Correction, -30, Some("erreur de saisie")), Ok(-30));
        assert_eq!(office_entry(Correction, -30, Some("  ")), Err(EntryError::ReasonRequired));
        assert_eq!(office_entry(Correction, 0, Some("x")), Err(EntryError::ZeroCorrection));
        assert_eq!(office_entry(Consumption, -60, None), Err(EntryError::ConsumptionFromPlanningOnly));
        assert_eq!(office_entry(Purchase, 60_001, None), Err(EntryError::TooLarge));
        assert_eq!(office_entry(Correction, i32::MIN, Some("x")), Err(EntryError::TooLarge));
    }
}
